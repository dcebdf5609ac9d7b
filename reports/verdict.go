package reports

import (
	"fmt"
	"strings"
)

// RanLine is the verdict's one-line explanation for the banner and the
// console: "INCOMPLETE — 120 of 170 specs ran; 39 applicable skipped
// (missing params or pending), 11 not applicable (sim-only or unprovokable)".
func RanLine(r Report) string {
	k := r.Completeness
	line := fmt.Sprintf("%s — %d of %d specs ran", r.Verdict, k.Ran, k.Specs)
	var why []string
	if r.Counts.Failed > 0 {
		why = append(why, fmt.Sprintf("%d failed", r.Counts.Failed))
	}
	if n := r.Counts.Waived; n > 0 {
		why = append(why, fmt.Sprintf("%d failed under a waiver", n))
	}
	if k.Skipped > 0 {
		why = append(why, fmt.Sprintf("%d applicable skipped (missing params or pending)", k.Skipped))
	}
	if k.NotSelected > 0 {
		why = append(why, fmt.Sprintf("%d not selected", k.NotSelected))
	}
	if k.NotApplicable > 0 {
		why = append(why, fmt.Sprintf("%d not applicable (sim-only or unprovokable)", k.NotApplicable))
	}
	if len(why) > 0 {
		line += "; " + strings.Join(why, ", ")
	}
	if len(k.Partial) > 0 {
		line += "; partial run: " + strings.Join(k.Partial, ", ")
	}
	return line
}

// CoverageLine is a Coverage in words: "34 of 35 codes passed, 1 not
// provokable".
func CoverageLine(c Coverage) string {
	line := fmt.Sprintf("%d of %d codes passed", c.Passed, c.Codes)
	for _, x := range []struct {
		n    int
		what string
	}{{c.Failed, "failed"}, {c.Skipped, "skipped"}, {c.NotProvokable, "not provokable"}, {c.NotRun, "not run"}} {
		if x.n > 0 {
			line += fmt.Sprintf(", %d %s", x.n, x.what)
		}
	}
	return line
}
