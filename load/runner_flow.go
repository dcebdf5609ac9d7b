package load

import (
	"context"

	"paycert/load/flow"
)

// startFlow starts a multi-step workload with load/flow: one iteration per
// pacer tick, each step a result of its own. Stopping it is cancelling
// runCtx (stopRun).
func (r *run) startFlow(runCtx context.Context, stopRun func()) attack {
	name := r.name
	f := flow.Flow{
		Name:     name.String(),
		Steps:    r.sc.Steps,
		StepName: func(s string) string { n := name; n.Step = s; return n.String() },
		Do: func(ctx context.Context, it *flow.Iteration) {
			r.wl.Flow.Do(ctx, r.env.IDs.Next(), it)
		},
	}
	results, stats := flow.Run(runCtx, f, r.pacer, r.p.Duration, flow.Options{
		Workers: r.p.Workers, MaxWorkers: r.p.MaxWorkers, Timeout: r.p.Timeout, MaxBody: keptBody,
	})
	return attack{
		results: results,
		stop:    stopRun,
		done: func(rep *Report) error {
			rep.CapHits = stats.CapHits.Load()
			return nil
		},
	}
}
