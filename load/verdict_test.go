package load

import (
	"strings"
	"testing"
	"time"
)

func TestJudge(t *testing.T) {
	met := []Outcome{{Breach{"x", "p99", "<= 1s", "3ms"}, true}}
	breached := append(met, Outcome{Breach{"x", "success", ">= 99%", "0% (0/300)"}, false})
	ok := &RunResult{Ledger: "ok", Checked: 20}
	for _, tc := range []struct {
		name     string
		outcomes []Outcome
		res      *RunResult
		status   string
		exit     int
		why      string
	}{
		{"all met", met, ok, "PASS", 0, "1 thresholds met"},
		{"breached", breached, ok, "SLO BREACHED", 99, "1 of 2 thresholds breached"},
		{"field check", met, &RunResult{Ledger: "ok", Checked: 34, CheckFailed: 34}, "FAIL", 1, "34 of 34 replies failed"},
		{"ledger outranks breach", breached, &RunResult{Ledger: "FAILED: 3 verified, 2 accepted", LedgerFailed: true}, "FAIL", 1, "ledger FAILED"},
		{"nothing recorded", met, nil, "NO VERDICT", 1, "recorded no ledger"},
	} {
		v := Judge(tc.outcomes, tc.res)
		if v.Status != tc.status || v.Exit != tc.exit || !strings.Contains(v.Why, tc.why) {
			t.Errorf("%s: %+v, want %s exit %d, why containing %q", tc.name, v, tc.status, tc.exit, tc.why)
		}
	}
	w := (&RunResult{MaxWorkers: 4, CapHits: 3, MaxLag: time.Second, Starved: 2}).Warnings()
	if len(w) != 2 || !strings.Contains(w[0], "MaxWorkers cap 4 was hit") || !strings.Contains(w[1], "signers fell behind") {
		t.Errorf("warnings %q", w)
	}
}
