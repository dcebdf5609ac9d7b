// Package flow is an open-model runner for multi-step flows (create →
// request → confirm) that vegeta cannot chain. It keeps vegeta's Pacer, so a
// flow is paced exactly like an attack, and emits vegeta Results: one per
// step (attack name per step, contiguous Seq per name) and one per flow
// iteration, so the files are readable by "vegeta report" and "vegeta plot".
//
// Like vegeta's Attacker it is open-model: when every worker is busy at a
// tick it starts another, up to MaxWorkers. When that cap holds a tick back
// the run counts it (Stats.CapHits), because a capped run hides stalls
// (coordinated omission).
package flow

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Outcome is what one step observed.
type Outcome struct {
	Code     uint16 // HTTP status, or 0 for a step that is a function call
	Err      error  // transport failure or business failure (the platform's code)
	BytesOut uint64
	BytesIn  uint64
	Body     []byte // reply body; kept in the Result only when the step failed
}

// Flow is one multi-step scenario.
type Flow struct {
	// Name is the attack name of the whole-flow results.
	Name string
	// Steps lists the step names in order; StepName gives each step's attack name.
	Steps    []string
	StepName func(step string) string
	// Do runs one iteration: it calls it.Step for each step, stopping at the
	// first failure. It is called concurrently by every worker.
	Do func(ctx context.Context, it *Iteration)
}

// Options tune a run. The zero value is open-model with 10 initial workers.
type Options struct {
	Workers    uint64        // initial workers (default 10)
	MaxWorkers uint64        // 0: unbounded (open model)
	Timeout    time.Duration // per iteration (default 30s)
	MaxBody    int           // bytes of a failed step's body kept in its Result (default 512)
}

// Stats are counters a caller reads while or after the run.
type Stats struct {
	CapHits     atomic.Uint64 // ticks that waited because MaxWorkers workers were busy
	Workers     atomic.Uint64 // workers started
	Iterations  atomic.Uint64
	StepsFailed atomic.Uint64
}

type counter struct {
	mu    sync.Mutex
	began time.Time
	seq   uint64
}

// stamp assigns a timestamp and Seq in one critical section, as vegeta does,
// so Seq order and timestamp order agree for each attack name.
func (c *counter) stamp() (time.Time, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.began.Add(time.Since(c.began))
	s := c.seq
	c.seq++
	return t, s
}

// Iteration is one run of a flow. It is used by one goroutine.
type Iteration struct {
	ctx     context.Context
	r       *runner
	failed  string
	code    uint16
	out, in uint64
}

// Step runs fn as the named step, records its Result, and reports whether it
// succeeded. After a failed step the iteration's flow result fails with
// "<step>: <error>"; later Step calls return false without running.
func (it *Iteration) Step(name string, fn func(ctx context.Context) Outcome) bool {
	if it.failed != "" {
		return false
	}
	c, ok := it.r.steps[name]
	if !ok {
		it.failed = fmt.Sprintf("%s: step not declared in Flow.Steps", name)
		return false
	}
	ts, seq := c.stamp()
	o := fn(it.ctx)
	res := &vegeta.Result{
		Attack:    it.r.flow.StepName(name),
		Seq:       seq,
		Timestamp: ts,
		Latency:   time.Since(ts),
		Code:      o.Code,
		BytesOut:  o.BytesOut,
		BytesIn:   o.BytesIn,
		Method:    "FLOW",
		URL:       name,
	}
	it.code = o.Code
	it.out += o.BytesOut
	it.in += o.BytesIn
	if o.Err != nil {
		res.Error = o.Err.Error()
		res.Body = truncate(o.Body, it.r.opts.MaxBody)
		it.failed = name + ": " + res.Error
		it.r.stats.StepsFailed.Add(1)
	}
	it.r.results <- res
	return o.Err == nil
}

// Failed reports whether a step of this iteration failed.
func (it *Iteration) Failed() bool { return it.failed != "" }

// Fail marks the iteration failed outside any step (e.g. a seeding error).
func (it *Iteration) Fail(err error) {
	if it.failed == "" && err != nil {
		it.failed = err.Error()
	}
}

type runner struct {
	flow    Flow
	opts    Options
	steps   map[string]*counter // read-only after Run starts
	whole   *counter
	results chan *vegeta.Result
	stats   *Stats
}

// Run paces f with p for du (0: until the pacer stops or ctx ends) and
// returns the results channel, closed when every started iteration has
// finished. Cancelling ctx stops new iterations; iterations in flight finish
// under their own timeout so their results are not lost.
func Run(ctx context.Context, f Flow, p vegeta.Pacer, du time.Duration, opts Options) (<-chan *vegeta.Result, *Stats) {
	if opts.Workers == 0 {
		opts.Workers = 10
	}
	if opts.MaxWorkers == 0 {
		opts.MaxWorkers = math.MaxUint64
	}
	opts.Workers = min(opts.Workers, opts.MaxWorkers)
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 512
	}
	if f.StepName == nil {
		f.StepName = func(s string) string { return f.Name + "/" + s }
	}
	began := time.Now()
	r := &runner{
		flow:    f,
		opts:    opts,
		steps:   map[string]*counter{},
		whole:   &counter{began: began},
		results: make(chan *vegeta.Result, 256),
		stats:   &Stats{},
	}
	for _, s := range f.Steps {
		r.steps[s] = &counter{began: began}
	}
	go r.run(ctx, p, du, began)
	return r.results, r.stats
}

func (r *runner) run(ctx context.Context, p vegeta.Pacer, du time.Duration, began time.Time) {
	var wg sync.WaitGroup
	ticks := make(chan struct{})
	// In-flight iterations must not be cut short by the stop signal.
	work := context.WithoutCancel(ctx)
	start := func() {
		wg.Add(1)
		r.stats.Workers.Add(1)
		go func() {
			defer wg.Done()
			for range ticks {
				r.iterate(work)
			}
		}()
	}
	workers := r.opts.Workers
	for range workers {
		start()
	}
	defer func() {
		close(ticks)
		wg.Wait()
		close(r.results)
	}()
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	var count uint64
	for {
		elapsed := time.Since(began)
		if du > 0 && elapsed > du {
			return
		}
		wait, stop := p.Pace(elapsed, count)
		if stop {
			return
		}
		if wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				return
			}
		} else if ctx.Err() != nil {
			return
		}
		select {
		case ticks <- struct{}{}:
			count++
			continue
		default:
		}
		if workers < r.opts.MaxWorkers {
			workers++
			start()
		} else {
			r.stats.CapHits.Add(1)
		}
		select {
		case ticks <- struct{}{}:
			count++
		case <-ctx.Done():
			return
		}
	}
}

func (r *runner) iterate(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	ts, seq := r.whole.stamp()
	it := &Iteration{ctx: ctx, r: r}
	r.flow.Do(ctx, it)
	r.stats.Iterations.Add(1)
	res := &vegeta.Result{
		Attack:    r.flow.Name,
		Seq:       seq,
		Timestamp: ts,
		Latency:   time.Since(ts),
		Code:      it.code,
		BytesOut:  it.out,
		BytesIn:   it.in,
		Error:     it.failed,
		Method:    "FLOW",
		URL:       r.flow.Name,
	}
	r.results <- res
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		b = b[:n]
	}
	return append([]byte(nil), b...)
}
