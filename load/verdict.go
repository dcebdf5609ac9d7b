package load

import (
	"fmt"
	"time"
)

// Exit statuses of a load run: k6's convention for thresholds, so CI can
// tell a slow run from a wrong one.
const (
	ExitPass       = 0
	ExitWrong      = 1  // the ledger or a field check failed: correctness, not speed
	ExitThresholds = 99 // an SLO threshold was breached
)

// Verdict is what a run comes to, the first thing the console's last line
// and the HTML page say.
type Verdict struct {
	Status string // PASS, FAIL, SLO BREACHED, or NO VERDICT (page only: nothing recorded)
	Exit   int
	Why    string // one line
}

// Outcome of the checks that are not thresholds, recorded in the meta file
// when a run finishes, so that the page can show them.
type RunResult struct {
	Ledger       string   `json:"ledger"`
	LedgerFailed bool     `json:"ledger_failed,omitempty"`
	Checked      uint64   `json:"checked"`
	CheckFailed  uint64   `json:"check_failed"`
	CheckErrors  []string `json:"check_errors,omitempty"`
	// Pacing: the generator fell behind its schedule, or a --max-workers cap
	// held sends back (both hide stalls, so the page warns).
	LateHits    uint64        `json:"late_hits,omitempty"`
	MaxLag      time.Duration `json:"max_lag,omitempty"`
	CapHits     uint64        `json:"cap_hits,omitempty"`
	MaxWorkers  uint64        `json:"max_workers,omitempty"`
	Starved     uint64        `json:"starved,omitempty"`
	Interrupted bool          `json:"interrupted,omitempty"`
}

// Warnings are the pacing warnings of a run, worded as on the console.
func (r *RunResult) Warnings() []string {
	var out []string
	if r.MaxWorkers > 0 && (r.CapHits > 0 || r.LateHits > 0) {
		out = append(out, fmt.Sprintf("MaxWorkers cap %d was hit: %d sends held back (max lag %s); latencies under-report stalls (closed model)",
			r.MaxWorkers, r.CapHits+r.LateHits, round(r.MaxLag)))
	} else if r.LateHits > 0 {
		out = append(out, fmt.Sprintf("generator fell behind schedule: %d sends more than %s late (max lag %s)", r.LateHits, lateAfter, round(r.MaxLag)))
	}
	if r.Starved > 0 {
		out = append(out, fmt.Sprintf("signers fell behind: the attack waited for %d signed requests", r.Starved))
	}
	if r.Interrupted {
		out = append(out, "interrupted: the results file keeps what was measured")
	}
	return out
}

// Judge comes to the verdict of a run from its thresholds' outcomes and its
// other checks (nil: the run recorded none, e.g. it was killed or the file
// is vegeta's own). Correctness outranks speed: a wrong ledger is a FAIL
// even when the thresholds were breached too.
func Judge(outcomes []Outcome, res *RunResult) Verdict {
	breached := len(Breaches(outcomes))
	switch {
	case res != nil && (res.LedgerFailed || res.CheckFailed > 0):
		why := fmt.Sprintf("field checks: %d of %d replies failed", res.CheckFailed, res.Checked)
		if res.LedgerFailed {
			why = "ledger " + res.Ledger
			if res.CheckFailed > 0 {
				why += fmt.Sprintf("; field checks: %d of %d replies failed", res.CheckFailed, res.Checked)
			}
		}
		return Verdict{"FAIL", ExitWrong, why}
	case breached > 0:
		return Verdict{"SLO BREACHED", ExitThresholds, fmt.Sprintf("%d of %d thresholds breached", breached, len(outcomes))}
	case res == nil:
		return Verdict{"NO VERDICT", ExitWrong, fmt.Sprintf("%d thresholds met, but the run recorded no ledger or field-check result (killed, or not a paycert run)", len(outcomes))}
	}
	return Verdict{"PASS", ExitPass, fmt.Sprintf("%d thresholds met; ledger %s; field checks: %d replies checked, none failed", len(outcomes), res.Ledger, res.Checked)}
}
