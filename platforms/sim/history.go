package sim

// DefaultHistory is how many replayable requests, trades or orders a
// simulator keeps whole when Options.History is 0. A conformance run makes
// a few hundred; a soak at 500 requests/s passes it in 20 s and then holds
// flat memory (issue 19: each kept iPos verification costs ~2.2 KB of heap,
// so the window is ~25 MB at most).
const DefaultHistory = 10_000

// HistoryOrDefault returns o.History, or DefaultHistory when it is 0 or
// negative.
func (o Options) HistoryOrDefault() int {
	if o.History <= 0 {
		return DefaultHistory
	}
	return o.History
}

// History says how much of a simulator's detailed history is kept: Kept
// entries are whole (a resend of them is replayed, an undo finds them, a
// list shows them), Aged ones fell out of the window and live on only in
// the summary counters the ledger checks read, so Audit stays exact.
type History struct {
	Limit int `json:"limit"`
	Kept  int `json:"kept"`
	Aged  int `json:"aged"`
}

// Queue is a first-in first-out queue: the order in which a simulator's
// history entries age out. The zero value is ready. Popping does not copy;
// the backing array is compacted once half of it is spent, so a queue that
// stays at n entries holds at most ~2n slots.
type Queue[T any] struct {
	items []T
	head  int
}

// Push appends v.
func (q *Queue[T]) Push(v T) {
	if q.head > 0 && q.head >= len(q.items)/2 {
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
	q.items = append(q.items, v)
}

// Len is the number of entries queued.
func (q *Queue[T]) Len() int { return len(q.items) - q.head }

// Pop removes and returns the oldest entry; ok is false when q is empty.
func (q *Queue[T]) Pop() (v T, ok bool) {
	if q.Len() == 0 {
		return v, false
	}
	v = q.items[q.head]
	var zero T
	q.items[q.head] = zero // let the entry go
	q.head++
	return v, true
}

// Peek returns the oldest entry without removing it.
func (q *Queue[T]) Peek() (v T, ok bool) {
	if q.Len() == 0 {
		return v, false
	}
	return q.items[q.head], true
}

// MaxViolations is how many violations a Recorder keeps; later ones are
// counted (Dropped) but not kept, so a strict mock serving a client that
// breaks a rule in every request holds bounded memory. The first ones are
// the ones a report shows.
const MaxViolations = 10_000

// DropCounter is implemented by simulators whose recorder dropped
// violations past MaxViolations; Report adds them to the count.
type DropCounter interface {
	DroppedViolations() int
}
