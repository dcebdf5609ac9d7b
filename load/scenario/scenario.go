// Package scenario holds paycert's load scenarios: the signing hot paths
// (function-call attacks, no network) and one trade hot path per platform
// against its embedded reference simulator or a loopback target. Each
// belongs to a platform: the registry (cmd/paycert/platforms_list.go) lists
// them per platform, and "paycert load" and the scenario tests walk it.
package scenario

import (
	"fmt"
	"net/http"

	"paycert/load"
	"paycert/platforms/sim"
)

// embedded serves a simulator on a free loopback port for one run.
type embedded struct {
	srv *sim.Server
}

func serve(s sim.Simulator) (*embedded, error) {
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		return nil, fmt.Errorf("embedded simulator: %w", err)
	}
	return &embedded{srv: srv}, nil
}

func (e *embedded) URL() string  { return e.srv.URL }
func (e *embedded) Close() error { return e.srv.Close() }

// simulatorChecks is what every ledger check starts with: the simulator's
// own invariants and no violation recorded during the run.
func simulatorChecks(s sim.Simulator) []error {
	var errs []error
	if err := s.Audit(); err != nil {
		errs = append(errs, fmt.Errorf("simulator audit: %w", err))
	}
	if err := violations(s); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// acceptedCount is how many requests (or flows) the run counted as
// successful; nil stats mean none.
func acceptedCount(acc *load.Stats) uint64 {
	if acc == nil {
		return 0
	}
	return acc.Successes
}

// unansweredCount is how many requests (or flows) ended with no reply at
// all (status 0: a timeout or a broken connection): the server may or may
// not have acted on them — the case a payment system has queries and
// reversals for. A business failure is a reply, so it is not counted here.
func unansweredCount(acc *load.Stats) uint64 {
	if acc == nil {
		return 0
	}
	return uint64(acc.Codes["0"])
}

// countMatches checks a simulator's count n of what each accepted request
// does once (a verification, a trade, a confirmed order): at least the
// accepted requests, and at most those plus the unanswered ones (a request
// the server completed after the client gave up on it). With every request
// answered, that is exact equality. A bench run on a host that stalled
// once saw 377 of 27 003 requests time out after the simulator had
// verified them; the exact check then failed a correct run.
func countMatches(n int64, acc *load.Stats, what string) error {
	accepted, unanswered := int64(acceptedCount(acc)), int64(unansweredCount(acc))
	switch {
	case n < accepted:
		return fmt.Errorf("simulator counted %d %s, fewer than the %d the run saw accepted", n, what, accepted)
	case n > accepted+unanswered:
		return fmt.Errorf("simulator counted %d %s, the run saw %d accepted and %d unanswered", n, what, accepted, unanswered)
	}
	return nil
}

// violations turns what a simulator recorded about itself (a panic) or
// about the requests (strict mode) into a ledger error.
func violations(s sim.Simulator) error {
	if v := s.Violations(); len(v) > 0 {
		return fmt.Errorf("simulator recorded %d violations, first: %s %s: %s", len(v), v[0].Interface, v[0].Rule, v[0].Detail)
	}
	return nil
}

func header(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}
