// Package load runs paycert's load scenarios on vegeta/v12's library: one
// vegeta Attacker per run (open model unless MaxWorkers is capped), requests
// signed ahead of time by background goroutines, results streamed to disk in
// vegeta's gob format as they arrive, a progress line, SLO thresholds per
// scenario and per step, sharded runs with disjoint order-number ranges, and
// the ledger check against an embedded simulator after the run.
//
// Multi-step flows (create → request → confirm) run on load/flow, an
// open-model runner that keeps vegeta's Pacer and emits vegeta Results, so
// every file this package writes is readable by "vegeta report" and
// "vegeta plot".
//
// Success means what a payment engineer means by it: an HTTP 2xx/3xx AND a
// success result code in the body. A business failure keeps its HTTP status
// in Result.Code and carries the platform's code in Result.Error. Note that
// vegeta v12.12.0's own Metrics (and so "vegeta report") count success by
// HTTP status only; paycert's summaries, thresholds and HTML report count
// Result.Error as a failure, and "vegeta report" lists the business failures
// in its error set.
package load
