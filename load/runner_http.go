package load

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// startHTTP starts a one-request workload as a vegeta attack. Signers, one
// per CPU, build requests ahead of the attack into a short buffer, so
// signing is not in the measured latency; a failure to build one stops the
// run (stopRun) and is what the attack's done reports.
func (r *run) startHTTP(runCtx context.Context, stopRun func()) attack {
	h, p := r.wl.HTTP, r.p
	var (
		starved atomic.Uint64
		signErr error
		signMu  sync.Mutex
	)
	buf := make(chan vegeta.Target, min(max(int(r.rate/20), 8), 256)) // ~50ms of requests: timestamps stay fresh
	var sw sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		sw.Add(1)
		go func() {
			defer sw.Done()
			for runCtx.Err() == nil {
				t, err := h.Next(r.env.IDs.Next())
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
	return attack{
		results: atk.Attack(tr, r.pacer, p.Duration, r.name.String()),
		stop:    func() { atk.Stop() },
		each:    func(res *vegeta.Result) { finishHTTP(res, h, r.env.Checks) },
		done: func(rep *Report) error {
			rep.Starved = starved.Load()
			signMu.Lock()
			defer signMu.Unlock()
			return signErr
		},
	}
}

// finishHTTP classifies a successful reply with the platform's business
// rules and runs the sampled field checks on it.
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
