package scenario

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"paycert/load"
)

// TestScenarios runs every available scenario briefly against its embedded
// simulator (or in memory for the signing ones), with its ledger check and
// sampled field checks. This is what "make test" runs.
//
// It asserts only what holds however slow the host is: how many requests
// go out in the window depends on the machine (a floor of 30 of the 60
// asked failed at load average 22), so the test checks that some did, that
// all of them succeeded and were counted and written, and that the pacing
// bound was kept, never a throughput.
func TestScenarios(t *testing.T) {
	const (
		rate     = 40
		duration = 1500 * time.Millisecond
	)
	// The generator sends hit c (from 0) no earlier than c/rate, and only
	// after seeing an elapsed time ≤ duration, which it reads after sending
	// hit c−1, itself no earlier than (c−1)/rate: so c ≤ rate·duration + 1,
	// at most rate·duration + 2 hits, on any host.
	maxHits := uint64(rate*duration.Seconds()) + 2
	dir := t.TempDir()
	for _, sc := range All() {
		t.Run(sc.Name, func(t *testing.T) {
			if sc.Unavailable != "" {
				t.Skipf("not available yet: %s", sc.Unavailable)
			}
			out := filepath.Join(dir, sc.Name+".bin")
			rep, err := load.Run(context.Background(), sc, load.Plan{
				Rate: rate, Duration: duration, KeepAlive: true, Output: out,
			})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			rep.WriteText(&b)
			t.Log("\n" + b.String())
			s := rep.ScenarioStats()
			if s == nil || s.Requests == 0 {
				t.Fatalf("scenario level: no request in %s: %+v", duration, s)
			}
			if s.Requests > maxHits {
				t.Errorf("%d requests in %s at %d/s: more than the pacing allows (%d)", s.Requests, duration, rate, maxHits)
			}
			if s.Successes != s.Requests {
				t.Errorf("%d of %d failed: %v", s.Requests-s.Successes, s.Requests, s.Errors)
			}
			// Every result is counted in exactly one group (the scenario or
			// one of its steps) and written once.
			var counted uint64
			for _, g := range rep.Stats {
				counted += g.Requests
			}
			if rep.Written != counted {
				t.Errorf("results file holds %d results, the stats count %d", rep.Written, counted)
			}
			if rep.LedgerErr != nil {
				t.Errorf("ledger: %v", rep.LedgerErr)
			}
			if rep.Checked == 0 || rep.CheckFailed > 0 {
				t.Errorf("field checks: %d checked, %d failed: %v", rep.Checked, rep.CheckFailed, rep.CheckErrors)
			}
			for _, br := range rep.Breaches {
				// The machine is shared: a rate shortfall is logged, not failed.
				t.Logf("breach (not failing the test): %s", br)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range All() {
		if seen[s.Name] || s.Summary == "" {
			t.Errorf("scenario %q duplicated or without summary", s.Name)
		}
		seen[s.Name] = true
		if s.Unavailable == "" && s.Setup == nil {
			t.Errorf("%s: available but no setup", s.Name)
		}
	}
	for _, want := range []string{"sm2-sign", "sm2-sign-verify", "ipos-mac", "ipos-verify", "kakatong-consume", "kakatong-soap-consume", "bill99-purchase", "hzcard-charge"} {
		if _, err := Lookup(want); err != nil {
			t.Error(err)
		}
	}
	if _, err := Lookup("nope"); err == nil {
		t.Error("unknown scenario found")
	}
}
