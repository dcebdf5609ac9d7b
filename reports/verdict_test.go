package reports

import (
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"paycert/conformance"
	"paycert/platforms/catalog"
)

// verdictRun builds a report of a "demo" platform whose specs end in the
// given states; a skip carries its reason, "" for a spec a filter left out.
type outcome struct {
	text   string
	labels []string
	state  types.SpecState
	msg    string
}

func verdictRun(t *testing.T, runID string, outs []outcome, in Input) Report {
	t.Helper()
	gr := types.Report{}
	for _, o := range outs {
		gr.SpecReports = append(gr.SpecReports, types.SpecReport{
			LeafNodeType: types.NodeTypeIt, LeafNodeText: o.text,
			ContainerHierarchyTexts: []string{"demo"}, ContainerHierarchyLabels: [][]string{{"platform:demo"}},
			LeafNodeLabels: o.labels, State: o.state, Failure: types.Failure{Message: o.msg},
		})
	}
	in.RunID = runID
	return Build(gr, in)
}

func demoInput() Input {
	cat := &catalog.Catalogue{Platform: "demo", Title: "Demo",
		Interfaces: []catalog.Interface{{Name: "verify"}},
		Codes:      []catalog.Code{{Code: "0000"}, {Code: "0325"}, {Code: "9998", Unprovokable: "upstream timeout"}, {Code: "6100"}}}
	return Input{Catalogues: []*catalog.Catalogue{cat}, Targets: map[string]conformance.Target{"demo": {Platform: "demo"}},
		Now: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}
}

var (
	passed0000  = outcome{"ok 0000", []string{"code:0000"}, types.SpecStatePassed, ""}
	passed0325  = outcome{"ok 0325", []string{"code:0325"}, types.SpecStatePassed, ""}
	failed0325  = outcome{"ok 0325", []string{"code:0325"}, types.SpecStateFailed, "result/id must be 0325"}
	unprov9998  = outcome{"unprovokable 9998", []string{"code:9998"}, types.SpecStateSkipped, "unprovokable: upstream timeout"}
	simOnly6100 = outcome{"sim-only 6100", []string{"code:6100", "sim-only"}, types.SpecStateSkipped, "needs the embedded simulator: bad MAC fixture"}
	params6100  = outcome{"param 6100", []string{"code:6100"}, types.SpecStateSkipped, "against a real endpoint this spec needs the target parameter key"}
	passed6100  = outcome{"param 6100", []string{"code:6100"}, types.SpecStatePassed, ""}
	filtered    = outcome{"filtered 6100", []string{"code:6100"}, types.SpecStateSkipped, ""}
)

func TestVerdict(t *testing.T) {
	waiver := []conformance.Waiver{{Spec: "code:0325", Reason: "vendor ticket 7", Expires: "2026-12-31"}}
	for _, c := range []struct {
		name      string
		outs      []outcome
		partial   []string
		waivers   []conformance.Waiver
		want      string
		ran, of   int
		notApp    int
		cov       Coverage
		lineParts []string
	}{
		{name: "complete", outs: []outcome{passed0000, passed0325, unprov9998, passed6100}, want: VerdictPass, ran: 3, of: 4, notApp: 1,
			cov: Coverage{Codes: 4, Passed: 3, NotProvokable: 1}, lineParts: []string{"PASS — 3 of 4 specs ran", "1 not applicable"}},
		{name: "sim-only skipped against a real endpoint", outs: []outcome{passed0000, passed0325, unprov9998, simOnly6100}, want: VerdictPass, ran: 2, of: 4, notApp: 2,
			cov: Coverage{Codes: 4, Passed: 2, Skipped: 1, NotProvokable: 1}},
		{name: "skipped for a missing param", outs: []outcome{passed0000, passed0325, unprov9998, params6100}, want: VerdictIncomplete, ran: 2, of: 4, notApp: 1,
			cov: Coverage{Codes: 4, Passed: 2, Skipped: 1, NotProvokable: 1}, lineParts: []string{"INCOMPLETE — 2 of 4 specs ran", "1 applicable skipped"}},
		{name: "filtered by a label filter", outs: []outcome{passed0000, passed0325, unprov9998, filtered}, partial: []string{"--label-filter 'code:0325'"},
			want: VerdictIncomplete, ran: 2, of: 4, notApp: 1, cov: Coverage{Codes: 4, Passed: 2, NotProvokable: 1, NotRun: 1},
			lineParts: []string{"1 not selected", "partial run: --label-filter 'code:0325'"}},
		{name: "partial without filtered specs (config platform not run)", outs: []outcome{passed0000, passed0325, passed6100}, partial: []string{"config target hzcard not run"},
			want: VerdictIncomplete, ran: 3, of: 3, cov: Coverage{Codes: 4, Passed: 3, NotProvokable: 1}},
		{name: "failed", outs: []outcome{passed0000, failed0325, params6100}, want: VerdictFail, ran: 2, of: 3,
			cov: Coverage{Codes: 4, Passed: 1, Failed: 1, Skipped: 1, NotProvokable: 1}, lineParts: []string{"FAIL — 2 of 3 specs ran", "1 failed"}},
		{name: "waived failure", outs: []outcome{passed0000, failed0325, unprov9998, passed6100}, waivers: waiver, want: VerdictPass, ran: 3, of: 4, notApp: 1,
			cov: Coverage{Codes: 4, Passed: 3, NotProvokable: 1}, lineParts: []string{"1 failed under a waiver"}},
		{name: "nothing ran", outs: []outcome{filtered}, partial: []string{"--focus 'x'"}, want: VerdictIncomplete, ran: 0, of: 1,
			cov: Coverage{Codes: 4, NotProvokable: 1, NotRun: 3}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := demoInput()
			in.Partial, in.Waivers = c.partial, c.waivers
			r := verdictRun(t, "r1", c.outs, in)
			if r.Verdict != c.want {
				t.Errorf("verdict %s, want %s (%+v)", r.Verdict, c.want, r.Completeness)
			}
			k := r.Completeness
			if k.Ran != c.ran || k.Specs != c.of || k.NotApplicable != c.notApp {
				t.Errorf("completeness %+v, want %d of %d ran, %d not applicable", k, c.ran, c.of, c.notApp)
			}
			if r.Coverage != c.cov || r.Platforms[0].Coverage != c.cov {
				t.Errorf("coverage %+v (platform %+v), want %+v", r.Coverage, r.Platforms[0].Coverage, c.cov)
			}
			line := RanLine(r)
			for _, p := range c.lineParts {
				if !strings.Contains(line, p) {
					t.Errorf("RanLine %q lacks %q", line, p)
				}
			}
		})
	}
}

// A rerun's report combines with its run: the run's results, the rerun's
// in place of the specs it ran. A fixed failure makes a PASS; a spec still
// failing, or one the run skipped for a param, does not.
func TestCombine(t *testing.T) {
	in := demoInput()
	prev := verdictRun(t, "run-1", []outcome{passed0000, failed0325, unprov9998, passed6100}, in)
	if prev.Verdict != VerdictFail {
		t.Fatalf("the earlier run: %s", prev.Verdict)
	}
	rerunOf := func(o outcome) []outcome {
		return []outcome{{passed0000.text, passed0000.labels, types.SpecStateSkipped, ""}, o,
			{unprov9998.text, unprov9998.labels, types.SpecStateSkipped, ""}, {passed6100.text, passed6100.labels, types.SpecStateSkipped, ""}}
	}
	fixed := verdictRun(t, "run-2", rerunOf(passed0325), in)
	if fixed.Verdict != VerdictIncomplete {
		t.Errorf("the rerun alone ran 1 of 4 specs: %s, want INCOMPLETE", fixed.Verdict)
	}
	c := Combine(prev, fixed, in)
	if c.Verdict != VerdictPass || c.Completeness.Ran != 3 || c.Completeness.Specs != 4 || c.Completeness.NotSelected != 0 {
		t.Errorf("combined: %s %+v, want PASS with 3 of 4 ran", c.Verdict, c.Completeness)
	}
	if strings.Join(c.CombinedFrom, ",") != "run-1,run-2" || c.RunID != "run-2" {
		t.Errorf("combined from %v, run id %s", c.CombinedFrom, c.RunID)
	}
	runs := map[string]string{}
	for _, s := range c.Platforms[0].Specs {
		runs[s.Text] = s.Run
	}
	if runs["demo "+passed0325.text] != "run-2" || runs["demo "+passed0000.text] != "run-1" {
		t.Errorf("each spec must say which run its result is from: %v", runs)
	}
	if c.Coverage.Failed != 0 || c.Coverage.Passed != 3 {
		t.Errorf("combined coverage %+v", c.Coverage)
	}

	still := Combine(prev, verdictRun(t, "run-2", rerunOf(failed0325), in), in)
	if still.Verdict != VerdictFail {
		t.Errorf("a failure that failed again: %s, want FAIL", still.Verdict)
	}

	prevSkipped := verdictRun(t, "run-1", []outcome{passed0000, failed0325, unprov9998, params6100}, in)
	if got := Combine(prevSkipped, fixed, in).Verdict; got != VerdictIncomplete {
		t.Errorf("the earlier run's param skip stays: %s, want INCOMPLETE", got)
	}
}

// The HTML banner states the verdict with "N of M specs ran", and says
// when the report combines a run with its re-run.
func TestHTMLBannerSaysVerdictAndCombination(t *testing.T) {
	in := demoInput()
	prev := verdictRun(t, "run-1", []outcome{passed0000, failed0325, unprov9998, params6100}, in)
	cur := verdictRun(t, "run-2", []outcome{passed0325}, in)
	for _, c := range []struct {
		r    Report
		want []string
	}{
		{prev, []string{`<header class="FAIL">`, "FAIL — 2 of 4 specs ran; 1 failed, 1 applicable skipped"}},
		{Combine(prev, cur, in), []string{`<header class="INCOMPLETE">`, "INCOMPLETE — 2 of 4 specs ran", "combined result of run run-1 and its re-run run-2"}},
	} {
		var b strings.Builder
		if err := WriteHTML(&b, c.r); err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("index.html lacks %q", w)
			}
		}
	}
}
