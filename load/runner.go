package load

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
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
	// AllowRemote permits a Target that is not a loopback address: set
	// deliberately (--allow-remote) or because the target came from a
	// config file that describes the implementation under test.
	AllowRemote bool
	// Params are the target's params from paycert.yaml (the certify
	// config's, same names): keys, PKI, cards, vouchers. Ignored for the
	// embedded simulator.
	Params map[string]string
	// Admin is a simulator's loopback admin endpoint (paycert sim --admin):
	// with it the ledger of an out-of-process simulator is checked too.
	Admin    string
	Output   string    // results file ("" writes none)
	Progress io.Writer // progress lines (nil: none)
	SLO      *SLO
	Flags    Thresholds // scenario-level thresholds from flags
	// Version and Command (the command line, credentials redacted) are
	// recorded in the meta file for the page: a result without the
	// command that produced it cannot be reproduced.
	Version string
	Command []string
}

// Report is what a run found.
type Report struct {
	Scenario    string
	Name        string // attack name of the scenario level
	Stats       []*Stats
	Outcomes    []Outcome // every threshold checked, met or not
	Breaches    []Breach  // the ones not met
	AskedRate   float64   // this shard's
	Ledger      string    // "ok", "not checked: ...", or the failure
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
func (r *Report) Failed() bool { return r.Verdict().Exit != ExitPass }

// Result is the run's outcome apart from its thresholds, as the meta file
// records it.
func (r *Report) Result() *RunResult {
	return &RunResult{
		Ledger: r.Ledger, LedgerFailed: r.LedgerErr != nil, Checked: r.Checked, CheckFailed: r.CheckFailed,
		CheckErrors: r.CheckErrors, LateHits: r.LateHits, MaxLag: r.MaxLag, CapHits: r.CapHits,
		MaxWorkers: r.MaxWorkers, Starved: r.Starved, Interrupted: r.Interrupted,
	}
}

// Verdict is what the run comes to, and its exit status.
func (r *Report) Verdict() Verdict { return Judge(r.Outcomes, r.Result()) }

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
	for _, x := range r.Result().Warnings() {
		fmt.Fprintln(w, x)
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
	v := r.Verdict()
	_, err := fmt.Fprintf(w, "verdict: %s (exit %d): %s\n", v.Status, v.Exit, v.Why)
	return err
}

// Validate reports a plan Run would refuse (the scenario unavailable, rate or
// duration out of bounds, a target off loopback not allowed, a start time too far
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
		if err := CheckTarget(p.Target, p.AllowRemote); err != nil {
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
//
// The two kinds of workload differ only in how requests are sent (an HTTP
// attack by vegeta, runner_http.go, or multi-step flows, runner_flow.go);
// setup, collection and the report are shared.
func Run(ctx context.Context, sc *Scenario, p Plan) (*Report, error) {
	r, err := prepare(ctx, sc, p)
	if err != nil {
		return nil, err
	}
	defer r.close()
	cpu0, wall0 := processCPU(), time.Now()
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	var a attack
	if r.wl.HTTP != nil {
		a = r.startHTTP(runCtx, stopRun)
	} else {
		a = r.startFlow(runCtx, stopRun)
	}
	writeErr := r.collect(ctx, a)
	stopRun() // the signers: nothing more will be sent
	if c := processCPU(); c > 0 {
		r.rep.CPU, r.rep.Wall = c-cpu0, time.Since(wall0)
	}
	if writeErr != nil {
		return nil, writeErr
	}
	if err := a.done(r.rep); err != nil {
		return nil, fmt.Errorf("scenario %s: building requests: %w", sc.Name, err)
	}
	return r.finish()
}

// run is one Run's state once its workload is set up.
type run struct {
	sc    *Scenario
	p     Plan // with defaults filled in
	rate  float64
	env   *Env
	wl    *Workload
	name  Name
	rep   *Report
	sink  *Sink // nil without an output file
	meta  Meta  // as written next to the output file
	pacer *boundedPacer
}

// attack is a started run of either kind, as the shared collection loop
// sees it.
type attack struct {
	results <-chan *vegeta.Result
	stop    func()               // stops sending early: interrupt, deadline, write error
	each    func(*vegeta.Result) // work on each result before it is counted (nil: none)
	// done runs after the last result: it records the kind's own counters
	// in the report and says why requests could not be built, if they
	// could not.
	done func(*Report) error
}

// prepare validates the plan, sets the scenario up, opens the results file
// and waits for a shared start time. On success the caller must call close.
func prepare(ctx context.Context, sc *Scenario, p Plan) (_ *run, err error) {
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
		Target: p.Target, Params: p.Params, Admin: p.Admin, Shard: p.Shard, IDs: NewIDs(p.Shard), Rate: rate, Duration: p.Duration,
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
	name := Name{Scenario: sc.Name, Shard: p.Shard}
	r := &run{
		sc: sc, p: p, rate: rate, env: env, wl: wl, name: name,
		rep:   &Report{Scenario: sc.Name, Name: name.String(), AskedRate: rate, Output: p.Output, MaxWorkers: p.MaxWorkers, Note: wl.Note},
		pacer: &boundedPacer{p: NewPacer(rate), max: maxReq, rate: rate},
	}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	if (wl.HTTP == nil) == (wl.Flow == nil) {
		return nil, fmt.Errorf("scenario %s: workload must be exactly one of HTTP and Flow", sc.Name)
	}
	if p.Output != "" {
		if r.sink, err = CreateSink(p.Output); err != nil {
			return nil, err
		}
		target := p.Target
		if target == "" {
			target = "embedded"
		}
		r.meta = Meta{Scenario: sc.Name, Shard: p.Shard.String(), Rate: rate,
			Duration: p.Duration.String(), StartAt: p.StartAt, Target: target, Note: wl.Note,
			Version: p.Version, Command: p.Command, Thresholds: map[string]Thresholds{}}
		// The thresholds are known before the run: recorded now, a killed
		// run's page still judges its data by them.
		r.meta.Thresholds[name.Group()] = p.SLO.For(sc.Name, "", p.Flags)
		for _, step := range sc.Steps {
			r.meta.Thresholds[Name{Scenario: sc.Name, Step: step}.Group()] = p.SLO.For(sc.Name, step, p.Flags)
		}
		if err := WriteMeta(p.Output, r.meta); err != nil {
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
	return r, nil
}

// close releases the results file and then the workload (the embedded
// simulator stops last).
func (r *run) close() {
	if r.sink != nil {
		r.sink.Close()
	}
	if r.wl.Close != nil {
		r.wl.Close()
	}
}

// collect counts every result of a into the aggregator and the results
// file, prints progress, and stops the attack on ctx's cancellation, on a
// failed write or at a hard deadline. It returns once the attack's results
// end, with the first write error.
func (r *run) collect(ctx context.Context, a attack) error {
	// A hard deadline whatever happens: the asked duration plus one request
	// timeout plus a grace period.
	deadline := time.AfterFunc(r.p.Duration+r.p.Timeout+10*time.Second, a.stop)
	defer deadline.Stop()

	agg := NewAggregator()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	began := time.Now()
	prevN, prevT := uint64(0), began
	done := ctx.Done()
	var writeErr error
	for {
		select {
		case res, ok := <-a.results:
			if !ok {
				r.rep.Stats = agg.All()
				return writeErr
			}
			if res.Method == "" && res.Error == vegeta.ErrNoTargets.Error() {
				continue // the attack's own stop marker, not a request
			}
			if a.each != nil {
				a.each(res)
			}
			if !Succeeded(res) {
				res.Body = truncBody(res.Body)
			} else {
				res.Body = nil
			}
			res.Headers = nil
			agg.Add(res)
			if r.sink != nil && writeErr == nil {
				if writeErr = r.sink.Write(res); writeErr != nil {
					a.stop()
				}
			}
		case now := <-tick.C:
			if r.p.Progress != nil {
				p99, n, bad := agg.Progress(r.name.Group())
				fmt.Fprintf(r.p.Progress, "%5.0fs  %s  %.0f/s  p99 %s  requests %d  errors %d\n",
					now.Sub(began).Seconds(), r.name, float64(n-prevN)/now.Sub(prevT).Seconds(), round(p99), n, bad)
				prevN, prevT = n, now
			}
		case <-done:
			r.rep.Interrupted = true
			done = nil
			a.stop()
		}
	}
}

// finish closes the results file and completes the report: thresholds,
// field checks, pacing and the ledger audit.
func (r *run) finish() (*Report, error) {
	rep := r.rep
	if r.sink != nil {
		rep.Written = r.sink.Count()
		err := r.sink.Close()
		r.sink = nil // closed: close must not close it again
		if err != nil {
			return nil, err
		}
	}
	rep.Outcomes = EvaluateAll(rep.Stats, r.p.SLO, r.p.Flags, map[string]float64{r.sc.Name: r.rate})
	rep.Breaches = Breaches(rep.Outcomes)
	rep.Checked, rep.CheckFailed, rep.CheckErrors = r.env.Checks.Result()
	rep.LateHits, rep.MaxLag = r.pacer.late.Load(), time.Duration(r.pacer.maxLag.Load())
	switch {
	case r.wl.Audit == nil && !r.env.Embedded():
		rep.Ledger = "not checked: the target has no admin endpoint (a real implementation's ledger is its own; a simulator's is checked with paycert sim --admin)"
	case r.wl.Audit == nil:
		rep.Ledger = "not applicable: this scenario moves no money"
	default:
		if err := r.wl.Audit(rep.ScenarioStats()); err != nil {
			rep.LedgerErr = err
			rep.Ledger = "FAILED: " + err.Error()
		} else {
			rep.Ledger = "ok"
		}
	}
	if r.p.Output != "" {
		r.meta.Result = rep.Result()
		if err := WriteMeta(r.p.Output, r.meta); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func truncBody(b []byte) []byte {
	if len(b) > keptBody {
		return b[:keptBody:keptBody]
	}
	return b
}
