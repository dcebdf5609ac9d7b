package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"paycert/load/flow"
)

// Limits every run obeys whatever the flags say.
const (
	MaxDuration = time.Hour
	MaxRate     = 100_000
	// MaxStartDelay bounds how far in the future a shared --start-at may be.
	MaxStartDelay = 15 * time.Minute
	// DefaultMaxBody caps the reply bytes vegeta reads per request: enough
	// for every platform's reply, and memory stays flat over a long run.
	DefaultMaxBody = 64 << 10
	// keptBody is how much of a failed reply is kept in the results file;
	// successful replies keep no body, so files stay small.
	keptBody = 512
)

// Plan is what one run does.
type Plan struct {
	Rate        float64       // total asked rate over all shards, per second
	Duration    time.Duration // how long to send
	MaxRequests uint64        // hard bound for this shard; 0: 1.05×rate×duration + 10
	Workers     uint64        // initial workers (default 10)
	MaxWorkers  uint64        // 0: open model (unbounded)
	Connections int           // idle connections kept per host (0: vegeta's default)
	KeepAlive   bool          // reuse connections (the CLI defaults to true)
	Timeout     time.Duration // per request or flow (default 10s)
	Shard       Shard
	StartAt     time.Time // shared start time of a sharded run (zero: now)
	Target      string    // "" for the embedded simulator
	Output      string    // results file ("" writes none)
	Progress    io.Writer // progress lines (nil: none)
	SLO         *SLO
	Flags       Thresholds // scenario-level thresholds from flags
}

// Report is what a run found.
type Report struct {
	Scenario    string
	Name        string // attack name of the scenario level
	Stats       []*Stats
	Breaches    []Breach
	AskedRate   float64 // this shard's
	Ledger      string  // "ok", "not checked: ...", or the failure
	LedgerErr   error
	Checked     uint64 // replies checked with the platform's field checks
	CheckFailed uint64
	CheckErrors []string
	LateHits    uint64        // hits sent more than 20ms behind schedule
	MaxLag      time.Duration // worst lag behind schedule
	CapHits     uint64        // flows: ticks held back by MaxWorkers
	MaxWorkers  uint64
	Starved     uint64 // targets the attack waited for (signers behind)
	Written     uint64 // results in the output file
	Output      string
	Interrupted bool
	Note        string
	// CPU is the process's CPU time (user+system) from the start of the
	// attack to its last result: the generator and, against an embedded
	// simulator, the simulator too; setup and the ledger audit are outside
	// it. Wall is that span. CPU/Wall near GOMAXPROCS means the run was
	// CPU-bound on this machine. Both are 0 where the OS does not report it.
	CPU, Wall time.Duration
}

// Failed reports whether the run must exit non-zero.
func (r *Report) Failed() bool {
	return len(r.Breaches) > 0 || r.LedgerErr != nil || r.CheckFailed > 0
}

// ScenarioStats returns the scenario-level stats (nil when nothing ran).
func (r *Report) ScenarioStats() *Stats {
	for _, s := range r.Stats {
		if s.Step == "" {
			return s
		}
	}
	return nil
}

// WriteText prints the report for a terminal.
func (r *Report) WriteText(w io.Writer) error {
	if r.Note != "" {
		fmt.Fprintf(w, "note: %s\n", r.Note)
	}
	if err := WriteText(w, r.Stats); err != nil {
		return err
	}
	if r.Interrupted {
		fmt.Fprintf(w, "interrupted: the results file keeps what was measured\n")
	}
	if r.MaxWorkers > 0 && (r.CapHits > 0 || r.LateHits > 0) {
		fmt.Fprintf(w, "MaxWorkers cap %d was hit: %d sends held back (max lag %s); latencies under-report stalls (closed model)\n",
			r.MaxWorkers, r.CapHits+r.LateHits, round(r.MaxLag))
	} else if r.LateHits > 0 {
		fmt.Fprintf(w, "generator fell behind schedule: %d sends more than %s late (max lag %s)\n", r.LateHits, lateAfter, round(r.MaxLag))
	}
	if r.Starved > 0 {
		fmt.Fprintf(w, "signers fell behind: the attack waited for %d signed requests\n", r.Starved)
	}
	if r.CPU > 0 && r.Wall > 0 {
		fmt.Fprintf(w, "process CPU during the attack: %s in %s (%.1f cores busy of %d)\n", round(r.CPU), round(r.Wall),
			r.CPU.Seconds()/r.Wall.Seconds(), runtime.GOMAXPROCS(0))
	}
	fmt.Fprintf(w, "field checks: %d replies checked, %d failed\n", r.Checked, r.CheckFailed)
	for _, e := range r.CheckErrors {
		fmt.Fprintf(w, "  check failed: %s\n", oneLine(e, 200))
	}
	fmt.Fprintf(w, "ledger: %s\n", r.Ledger)
	for _, b := range r.Breaches {
		fmt.Fprintln(w, b)
	}
	if r.Output != "" {
		fmt.Fprintf(w, "results: %s (%d results, vegeta gob format)\n", r.Output, r.Written)
	}
	return nil
}

// Validate reports a plan Run would refuse (the scenario unavailable, rate or
// duration out of bounds, a target off loopback, a start time too far
// ahead), so a caller can tell a usage error from a failed run before
// starting anything.
func (p *Plan) Validate(sc *Scenario) error {
	switch {
	case sc.Unavailable != "":
		return fmt.Errorf("scenario %s is not available yet: %s", sc.Name, sc.Unavailable)
	case sc.Setup == nil:
		return fmt.Errorf("scenario %s has no setup", sc.Name)
	case !(p.Rate > 0) || p.Rate > MaxRate:
		return fmt.Errorf("rate %g: want 0 < rate <= %d per second (a run is bounded)", p.Rate, MaxRate)
	case p.Duration <= 0 || p.Duration > MaxDuration:
		return fmt.Errorf("duration %s: want 0 < duration <= %s (a run is bounded)", p.Duration, MaxDuration)
	}
	if p.Target != "" {
		if err := CheckTarget(p.Target); err != nil {
			return err
		}
	}
	if !p.StartAt.IsZero() && time.Until(p.StartAt) > MaxStartDelay {
		return fmt.Errorf("start-at %s is more than %s away", p.StartAt.Format(time.RFC3339), MaxStartDelay)
	}
	return nil
}

// ShardRate is this shard's part of the total rate.
func (p *Plan) ShardRate() float64 { return p.Rate / float64(max(p.Shard.Count, 1)) }

// Run runs one scenario (or one shard of it) and checks its thresholds and,
// against the embedded simulator, its ledger. Cancelling ctx stops sending
// early; what was measured is kept, checked and written.
func Run(ctx context.Context, sc *Scenario, p Plan) (*Report, error) {
	if err := p.Validate(sc); err != nil {
		return nil, err
	}
	if p.Timeout <= 0 {
		p.Timeout = 10 * time.Second
	}
	rate := p.ShardRate()
	maxReq := p.MaxRequests
	if maxReq == 0 {
		maxReq = uint64(1.05*rate*p.Duration.Seconds()) + 10
	}
	env := &Env{
		Target: p.Target, Shard: p.Shard, IDs: NewIDs(p.Shard), Rate: rate, Duration: p.Duration,
		MaxRequests: maxReq, Checks: &Checks{}, Logf: func(string, ...any) {},
		Stamp: time.Now().UTC().Format("060102150405"),
	}
	if !p.StartAt.IsZero() {
		env.Stamp = p.StartAt.UTC().Format("060102150405")
	}
	if p.Progress != nil {
		env.Logf = func(f string, a ...any) { fmt.Fprintf(p.Progress, f+"\n", a...) }
	}
	wl, err := sc.Setup(ctx, env)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: setup: %w", sc.Name, err)
	}
	if wl.Close != nil {
		defer wl.Close()
	}
	if (wl.HTTP == nil) == (wl.Flow == nil) {
		return nil, fmt.Errorf("scenario %s: workload must be exactly one of HTTP and Flow", sc.Name)
	}
	name := Name{Scenario: sc.Name, Shard: p.Shard}
	rep := &Report{Scenario: sc.Name, Name: name.String(), AskedRate: rate, Output: p.Output, MaxWorkers: p.MaxWorkers, Note: wl.Note}

	var sink *Sink
	if p.Output != "" {
		if sink, err = CreateSink(p.Output); err != nil {
			return nil, err
		}
		defer sink.Close()
		target := p.Target
		if target == "" {
			target = "embedded"
		}
		if err := WriteMeta(p.Output, Meta{Scenario: sc.Name, Shard: p.Shard.String(), Rate: rate,
			Duration: p.Duration.String(), StartAt: p.StartAt, Target: target, Note: wl.Note}); err != nil {
			return nil, err
		}
	}
	if !p.StartAt.IsZero() {
		if d := time.Until(p.StartAt); d > 0 {
			env.Logf("waiting %s for the shared start time %s", d.Round(time.Millisecond), p.StartAt.Format(time.RFC3339Nano))
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return nil, fmt.Errorf("waiting for start time: %w", ctx.Err())
			}
		}
	}

	cpu0, wall0 := processCPU(), time.Now()
	pacer := &boundedPacer{p: NewPacer(rate), max: maxReq, rate: rate}
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	var (
		results <-chan *vegeta.Result
		stop    func()
		starved atomic.Uint64
		fstats  *flow.Stats
		signErr error
		signMu  sync.Mutex
	)
	if wl.HTTP != nil {
		h := wl.HTTP
		buf := make(chan vegeta.Target, min(max(int(rate/20), 8), 256)) // ~50ms of requests: timestamps stay fresh
		var sw sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			sw.Add(1)
			go func() {
				defer sw.Done()
				for runCtx.Err() == nil {
					t, err := h.Next(env.IDs.Next())
					if err != nil {
						signMu.Lock()
						signErr = errors.Join(signErr, err)
						signMu.Unlock()
						stopRun()
						return
					}
					select {
					case buf <- t:
					case <-runCtx.Done():
						return
					}
				}
			}()
		}
		go func() { sw.Wait(); close(buf) }()
		tr := func(t *vegeta.Target) error {
			select {
			case x, ok := <-buf:
				if !ok {
					return vegeta.ErrNoTargets
				}
				*t = x
				return nil
			default:
			}
			starved.Add(1)
			x, ok := <-buf
			if !ok {
				return vegeta.ErrNoTargets
			}
			*t = x
			return nil
		}
		opts := []func(*vegeta.Attacker){
			vegeta.KeepAlive(p.KeepAlive), vegeta.MaxBody(DefaultMaxBody), vegeta.Timeout(p.Timeout),
			vegeta.HTTP2(false), vegeta.Redirects(vegeta.NoFollow),
		}
		if p.Workers > 0 {
			opts = append(opts, vegeta.Workers(p.Workers))
		}
		if p.MaxWorkers > 0 {
			opts = append(opts, vegeta.MaxWorkers(p.MaxWorkers))
		}
		if p.Connections > 0 {
			opts = append(opts, vegeta.Connections(p.Connections))
		}
		if h.TLS != nil {
			opts = append(opts, vegeta.TLSConfig(h.TLS))
		}
		if h.MaxConnections > 0 {
			opts = append(opts, vegeta.MaxConnections(h.MaxConnections))
		}
		atk := vegeta.NewAttacker(opts...) // one per run: an Attacker cannot be reused
		results = atk.Attack(tr, pacer, p.Duration, name.String())
		stop = func() { atk.Stop() }
	} else {
		f := flow.Flow{
			Name:     name.String(),
			Steps:    sc.Steps,
			StepName: func(s string) string { n := name; n.Step = s; return n.String() },
			Do: func(ctx context.Context, it *flow.Iteration) {
				wl.Flow.Do(ctx, env.IDs.Next(), it)
			},
		}
		results, fstats = flow.Run(runCtx, f, pacer, p.Duration, flow.Options{
			Workers: p.Workers, MaxWorkers: p.MaxWorkers, Timeout: p.Timeout, MaxBody: keptBody,
		})
		stop = stopRun
	}
	// A hard deadline whatever happens: the asked duration plus one request
	// timeout plus a grace period.
	deadline := time.AfterFunc(p.Duration+p.Timeout+10*time.Second, stop)
	defer deadline.Stop()

	agg := NewAggregator()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	began := time.Now()
	prevN, prevT := uint64(0), began
	done := ctx.Done()
	var writeErr error
loop:
	for {
		select {
		case r, ok := <-results:
			if !ok {
				break loop
			}
			if r.Method == "" && r.Error == vegeta.ErrNoTargets.Error() {
				continue // the attack's own stop marker, not a request
			}
			if wl.HTTP != nil {
				finishHTTP(r, wl.HTTP, env.Checks)
			}
			if !Succeeded(r) {
				r.Body = truncBody(r.Body)
			} else {
				r.Body = nil
			}
			r.Headers = nil
			agg.Add(r)
			if sink != nil && writeErr == nil {
				if writeErr = sink.Write(r); writeErr != nil {
					stop()
				}
			}
		case now := <-tick.C:
			if p.Progress != nil {
				p99, n, bad := agg.Progress(name.Group())
				fmt.Fprintf(p.Progress, "%5.0fs  %s  %.0f/s  p99 %s  requests %d  errors %d\n",
					now.Sub(began).Seconds(), name, float64(n-prevN)/now.Sub(prevT).Seconds(), round(p99), n, bad)
				prevN, prevT = n, now
			}
		case <-done:
			rep.Interrupted = true
			done = nil
			stop()
		}
	}
	stopRun() // the signers: nothing more will be sent
	if c := processCPU(); c > 0 {
		rep.CPU, rep.Wall = c-cpu0, time.Since(wall0)
	}
	if writeErr != nil {
		return nil, writeErr
	}
	signMu.Lock()
	serr := signErr
	signMu.Unlock()
	if serr != nil {
		return nil, fmt.Errorf("scenario %s: building requests: %w", sc.Name, serr)
	}
	if sink != nil {
		rep.Written = sink.Count()
		if err := sink.Close(); err != nil {
			return nil, err
		}
	}
	rep.Stats = agg.All()
	rep.Breaches = CheckAll(rep.Stats, p.SLO, p.Flags, map[string]float64{sc.Name: rate})
	rep.Checked, rep.CheckFailed, rep.CheckErrors = env.Checks.Result()
	rep.LateHits, rep.MaxLag, rep.Starved = pacer.late.Load(), time.Duration(pacer.maxLag.Load()), starved.Load()
	if fstats != nil {
		rep.CapHits = fstats.CapHits.Load()
	}
	switch {
	case !env.Embedded():
		rep.Ledger = "not checked: external target (the ledger is checked against the embedded simulator)"
	case wl.Audit == nil:
		rep.Ledger = "not applicable: this scenario moves no money"
	default:
		if err := wl.Audit(rep.ScenarioStats()); err != nil {
			rep.LedgerErr = err
			rep.Ledger = "FAILED: " + err.Error()
		} else {
			rep.Ledger = "ok"
		}
	}
	return rep, nil
}

func finishHTTP(r *vegeta.Result, h *HTTPWork, c *Checks) {
	if !Succeeded(r) || h.Classify == nil {
		return
	}
	if err := h.Classify(r); err != nil {
		r.Error = err.Error()
		return
	}
	if h.Check != nil && c.Sample() {
		c.Record(h.Check(r))
	}
}

func truncBody(b []byte) []byte {
	if len(b) > keptBody {
		return b[:keptBody:keptBody]
	}
	return b
}
