// Package sim is the convention every reference simulator follows: an
// http.Handler plus state, an injectable clock, named faults for mutation
// testing, a strict-mock recorder of protocol violations, a 1 MiB body cap
// and a recover guard, served on loopback.
//
// A platform simulator is built with New(Options) in its own package and
// satisfies Simulator, so the CLI ("paycert sim"), the conformance suites and
// the load runner start it the same way.
package sim

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// MaxBody is the largest request body a simulator reads. Larger bodies are
// refused with 413 before any parsing (a documented platform code is used
// instead where the spec has one).
const MaxBody = 1 << 20

// Simulator is what every platform simulator provides.
type Simulator interface {
	http.Handler
	// Faults lists every fault the simulator can inject, enabled or not.
	Faults() []Fault
	// Violations returns what strict-mock mode recorded so far (and any
	// panic of the simulator itself, rule "simulator-panic").
	Violations() []Violation
	// Audit re-checks the ledger invariants over the whole state: money is
	// never created or lost, no order or trade is counted twice. The suites
	// call it after every spec and the load runner after every run.
	Audit() error
}

// TLSSimulator is implemented by simulators that must be served over TLS
// (99bill's mutual TLS); Listen uses the returned config.
type TLSSimulator interface {
	Simulator
	TLSConfig() *tls.Config
}

// Options are the knobs common to every simulator.
type Options struct {
	Clock  Clock    // nil: the system clock
	Faults []string // names from Faults(); unknown names are an error from New
	Strict bool     // strict-mock: record every violation of the spec in incoming requests
	// Profile names a reading of the spec the simulator serves where its
	// seed contradicts itself ("" is the simulator's default). Only the
	// Kakatong simulator has profiles (record, root) and refuses other
	// names; the others do not read it yet.
	Profile string
	// History is how many replayable requests, trades or orders the
	// simulator keeps whole (0: DefaultHistory). Older ones age out into
	// summary counters, so memory stays flat under a soak while Audit and
	// the ledger counters stay exact; each simulator's package doc (and its
	// catalogue's errata) says what a client sees of an aged entry.
	History int
	Logf    func(format string, args ...any)
}

// ClockOrSystem returns o.Clock, or the system clock when none was given.
func (o Options) ClockOrSystem() Clock {
	if o.Clock == nil {
		return SystemClock{}
	}
	return o.Clock
}

// Clock tells simulated time, so 24-hour windows, expiry and resend
// intervals are testable without sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

// ManualClock only moves when told to. Safe for concurrent use.
type ManualClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewManualClock starts a manual clock at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{t: t} }

func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Fault is a deliberate defect a simulator can switch on: a plausible bug in
// a real implementation. "paycert mutate" runs the suite once per fault and
// expects the suite to fail (the fault is "killed").
type Fault struct {
	Name        string // kebab-case, e.g. "mac-over-utf8"
	Description string // what the broken implementation does
}

// FaultSet is the set of enabled faults.
type FaultSet struct {
	on map[string]bool
}

// NewFaultSet enables names, which must all be among known.
func NewFaultSet(known []Fault, names []string) (FaultSet, error) {
	fs := FaultSet{on: map[string]bool{}}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !slices.ContainsFunc(known, func(f Fault) bool { return f.Name == n }) {
			var all []string
			for _, f := range known {
				all = append(all, f.Name)
			}
			sort.Strings(all)
			return FaultSet{}, fmt.Errorf("unknown fault %q (known: %s)", n, strings.Join(all, ", "))
		}
		fs.on[n] = true
	}
	return fs, nil
}

// Has reports whether the named fault is enabled.
func (fs FaultSet) Has(name string) bool { return fs.on[name] }

// Violation is one breach of the spec seen in an incoming request while in
// strict-mock mode.
type Violation struct {
	Time      time.Time `json:"time"`
	Interface string    `json:"interface"`
	Rule      string    `json:"rule"`   // short, stable: "mac-mismatch", "field-too-long"
	Detail    string    `json:"detail"` // what exactly, with the offending value
	// Path, Section and Code are optional (a simulator that does not fill
	// them leaves them out of the JSON): the element the violation is in,
	// as catalog.Finding names it, the seed section of the rule broken, and
	// the result code the simulator answered the request with.
	Path    string `json:"path,omitempty"`
	Section string `json:"section,omitempty"`
	Code    string `json:"code,omitempty"`
	// Value is the offending value, shortened with Short ("" when the
	// element is missing or the violation is of the whole message).
	Value string `json:"value,omitempty"`
}

// Short cuts a value for a Violation: at most 32 runes, then an ellipsis
// and the whole length in bytes, so a 1 MiB field does not fill the record.
func Short(v string) string {
	const n = 32
	if utf8.RuneCountInString(v) <= n {
		return v
	}
	return fmt.Sprintf("%s… (%d bytes)", string([]rune(v)[:n]), len(v))
}

// Recorder collects violations: the first MaxViolations whole, the rest
// counted. The zero value is ready; safe for concurrent use.
type Recorder struct {
	mu      sync.Mutex
	v       []Violation
	dropped int
}

// Record adds a violation, or counts it once MaxViolations are kept.
func (r *Recorder) Record(v Violation) {
	r.mu.Lock()
	if len(r.v) < MaxViolations {
		r.v = append(r.v, v)
	} else {
		r.dropped++
	}
	r.mu.Unlock()
}

// Dropped is how many violations were counted but not kept.
func (r *Recorder) Dropped() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dropped
}

// Violations returns a copy of what was recorded.
func (r *Recorder) Violations() []Violation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.v)
}

// MinFaults is how many named faults a simulator must offer the mutation
// run (the brief's "≥ 10 faults").
const MinFaults = 10

// CheckFaults is the one check every simulator package runs on its fault
// list: at least MinFaults, each with a unique name and a unique
// description, each accepted by build (the package's New), and an unknown
// name refused. It returns every problem found, joined.
func CheckFaults(list []Fault, build func(Options) error) error {
	var errs []error
	if len(list) < MinFaults {
		errs = append(errs, fmt.Errorf("%d faults, want at least %d", len(list), MinFaults))
	}
	names, descs := map[string]bool{}, map[string]bool{}
	for _, f := range list {
		if f.Name == "" || f.Description == "" || names[f.Name] || descs[f.Description] {
			errs = append(errs, fmt.Errorf("fault %+v: empty or duplicated name or description", f))
		}
		names[f.Name], descs[f.Description] = true, true
		if err := build(Options{Faults: []string{f.Name}}); err != nil {
			errs = append(errs, fmt.Errorf("fault %s: %w", f.Name, err))
		}
	}
	if err := build(Options{Faults: []string{"no-such-fault"}}); err == nil {
		errs = append(errs, errors.New("an unknown fault name was accepted"))
	}
	return errors.Join(errs...)
}
