package load

import (
	"context"
	"crypto/tls"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"paycert/load/flow"
)

// Scenario is one named load scenario ("ipos-verify", "hzcard-charge").
type Scenario struct {
	Name    string
	Summary string
	// Measures says what a latency in this scenario is, e.g. "function call:
	// build and sign one request" or "HTTP round trip to the simulator".
	Measures string
	// Unavailable, when set, says why the scenario cannot run yet; "paycert
	// load list" shows it and Run refuses it. Nothing is faked in its place.
	Unavailable string
	// Steps names the steps of a multi-step flow (nil for one request).
	Steps []string
	// Setup prepares a run: starts the embedded simulator when env.Target is
	// empty, seeds what the whole run needs, and returns the workload.
	// Against a target it reads env.Params and refuses, with one line
	// saying what is missing, what the target cannot support.
	Setup func(ctx context.Context, env *Env) (*Workload, error)
}

// Env is what a scenario's Setup gets from the runner.
type Env struct {
	Target string // "" for the embedded simulator; else the implementation's URL
	// Params are the target's params (paycert.yaml's, as certify reads
	// them); nil for the embedded simulator.
	Params map[string]string
	// Admin is the target simulator's admin endpoint ("": none).
	Admin       string
	Shard       Shard         // which slice of a distributed run
	IDs         *IDs          // unique request ids (order numbers) for this shard
	Rate        float64       // this shard's asked rate, per second
	Duration    time.Duration // asked duration
	MaxRequests uint64        // hard bound on requests (or flows) in this run
	Checks      *Checks       // sampled field checks of replies
	// Stamp is the run's start as yymmddHHMMSS (the shared start time of a
	// sharded run): scenarios prefix order numbers with it so successive
	// runs against one target never reuse a number.
	Stamp string
	Logf  func(format string, args ...any)
}

// Embedded reports whether the run targets the embedded simulator.
func (e *Env) Embedded() bool { return e.Target == "" }

// Param returns the target's param name, or def when it is unset.
func (e *Env) Param(name, def string) string {
	if v := e.Params[name]; v != "" {
		return v
	}
	return def
}

// Workload is what a scenario runs: exactly one of HTTP and Flow.
type Workload struct {
	HTTP *HTTPWork
	Flow *FlowWork
	// Audit checks the ledger after a run against the embedded simulator
	// or a simulator's admin endpoint (nil: not checked):
	// the simulator's own invariants, money in equals money out, and every
	// accepted request (stats of the scenario level) visible in its state.
	Audit func(accepted *Stats) error
	// Close stops the embedded simulator and releases the workload.
	Close func() error
	// Note is printed with the run's header (e.g. how signing is timed).
	Note string
}

// HTTPWork is a one-request scenario driven by vegeta's Attacker.
type HTTPWork struct {
	// Next builds the fully signed request for one unique id. It runs in the
	// background signers, concurrently: it must be safe for concurrent use.
	Next func(id uint64) (vegeta.Target, error)
	// Classify turns a 2xx/3xx reply (body and headers) into nil (success)
	// or the business failure, e.g. "code 6100: 余额不足".
	Classify func(r *vegeta.Result) error
	// Check runs the platform's field checks on a sampled successful reply.
	Check func(r *vegeta.Result) error
	// TLS is the client configuration (99bill's mutual TLS).
	TLS *tls.Config
	// MaxConnections caps the connections to the target (0: no cap). An
	// open-model attack on a TLS target otherwise opens a connection per
	// new worker under a burst, and the handshakes starve the run (a
	// handshake storm); with a cap, a request waits for a pooled
	// connection, and that wait is in its latency.
	MaxConnections int
}

// FlowWork is a multi-step scenario driven by load/flow.
type FlowWork struct {
	// Do runs one iteration for the unique id, calling it.Step per step.
	// Called concurrently.
	Do func(ctx context.Context, id uint64, it *flow.Iteration)
}

// Checks samples replies for the platform's field checks: the first
// SampleFirst replies, then one in SampleEvery. Safe for concurrent use.
type Checks struct {
	seen    atomic.Uint64
	checked atomic.Uint64
	failed  atomic.Uint64
	mu      sync.Mutex
	first   []string
}

// Sampling rates of Checks.
const (
	SampleFirst = 20
	SampleEvery = 20
)

// Sample reports whether this reply should be checked.
func (c *Checks) Sample() bool {
	n := c.seen.Add(1)
	return n <= SampleFirst || n%SampleEvery == 0
}

// Record accounts one check (err nil: the reply passed).
func (c *Checks) Record(err error) {
	c.checked.Add(1)
	if err == nil {
		return
	}
	c.failed.Add(1)
	c.mu.Lock()
	if len(c.first) < 10 {
		c.first = append(c.first, err.Error())
	}
	c.mu.Unlock()
}

// Result returns how many replies were checked, how many failed, and the
// first few failures.
func (c *Checks) Result() (checked, failed uint64, first []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.checked.Load(), c.failed.Load(), append([]string(nil), c.first...)
}

// Fail formats a business failure for Result.Error: "code <c>: <text>".
func Fail(code, text string) error { return fmt.Errorf("code %s: %s", code, text) }
