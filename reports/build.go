package reports

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"paycert/conformance/negatives"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"paycert/conformance"
	"paycert/platforms/catalog"
	"paycert/platforms/wire"
)

// Input is everything Build needs besides the Ginkgo report.
type Input struct {
	RunID      string
	Manifest   Manifest
	Catalogues []*catalog.Catalogue // in the order the report shows platforms
	Targets    map[string]conformance.Target
	Waivers    []conformance.Waiver
	Now        time.Time // decides which waivers have expired
	// Partial says why this run is partial (a filter, platforms of the
	// config not run): the verdict is at best INCOMPLETE.
	Partial []string
}

// Build turns Ginkgo's report of one run into a Report. The verdict
// (verdict) is PASS only when every applicable spec ran and none failed
// without an unexpired waiver.
func Build(gr types.Report, in Input) Report {
	rep := Report{RunID: in.RunID, Started: gr.StartTime, Finished: gr.EndTime, Manifest: in.Manifest}
	byPlatform := map[string][]Spec{}
	notSelected := map[string]int{}
	for _, sr := range gr.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue // suite-level nodes (Report* hooks) are not specs
		}
		labels := sr.Labels()
		if sr.State == types.SpecStateSkipped && sr.Failure.Message == "" {
			// Filtered out by a label filter or focus: not part of this
			// run's results, but of the suite the verdict measures it by.
			notSelected[platformOf(labels)]++
			continue
		}
		s := Spec{
			ID:      specID(sr.FullText()),
			Text:    sr.FullText(),
			Labels:  labels,
			Seconds: sr.RunTime.Seconds(),
		}
		platform := ""
		for _, l := range labels {
			switch {
			case strings.HasPrefix(l, "platform:"):
				platform = strings.TrimPrefix(l, "platform:")
			case strings.HasPrefix(l, "interface:"):
				s.Interfaces = append(s.Interfaces, strings.TrimPrefix(l, "interface:"))
			case strings.HasPrefix(l, "code:"):
				s.Codes = append(s.Codes, strings.TrimPrefix(l, "code:"))
			}
		}
		s.Status = status(sr.State)
		if sr.State.Is(types.SpecStateFailureStates) {
			s.Failure = FailureText(sr.Failure.Message)
			s.Location = SourceLocation(sr.Failure.Location.String())
		}
		if sr.State == types.SpecStateSkipped {
			s.Skip = sr.Failure.Message
			s.NotApplicable = conformance.NotApplicable(s.Skip)
		}
		if w, ok := findWaiver(in.Waivers, s, in.Now); ok {
			s.Waiver = w.Reason + " (expires " + w.Expires + ")"
			switch s.Status {
			case Failed:
				s.Status = Waived
			case Passed:
				s.Status = WaivedPassed
			}
		}
		for _, e := range sr.ReportEntries {
			if e.Name == conformance.NoteEntry {
				// In-process the raw string; read back from JSON its JSON form.
				if n, ok := e.Value.GetRawValue().(string); ok {
					s.Notes = append(s.Notes, n)
				} else if err := json.Unmarshal([]byte(e.Value.AsJSON), &n); err == nil {
					s.Notes = append(s.Notes, n)
				}
				continue
			}
			if e.Name != conformance.TranscriptEntry {
				continue
			}
			// In-process the entry holds the wire.Exchange itself; read back
			// from a JSON report it holds its JSON form.
			if ex, ok := e.Value.GetRawValue().(wire.Exchange); ok {
				s.Exchanges = append(s.Exchanges, ex)
				continue
			}
			var ex wire.Exchange
			if err := json.Unmarshal([]byte(e.Value.AsJSON), &ex); err == nil {
				s.Exchanges = append(s.Exchanges, ex)
			}
		}
		byPlatform[platform] = append(byPlatform[platform], s)
	}
	for _, cat := range in.Catalogues {
		specs := byPlatform[cat.Platform]
		if len(specs) == 0 && notSelected[cat.Platform] == 0 {
			continue // not selected in this run
		}
		rep.Platforms = append(rep.Platforms, assemble(cat, in.Targets[cat.Platform].String(), specs, notSelected[cat.Platform]))
	}
	total(&rep, in.Partial)
	return rep
}

// assemble rolls one platform's specs up: counts, matrices, completeness
// and coverage. notSelected counts its specs a filter left out.
func assemble(cat *catalog.Catalogue, target string, specs []Spec, notSelected int) Platform {
	p := Platform{Name: cat.Platform, Title: cat.Title, Seed: cat.Seed, Document: cat.Document, Target: target, Specs: specs, Errata: cat.Errata}
	sortFailuresFirst(p.Specs)
	p.Counts = count(specs)
	p.Interfaces = interfaceMatrix(cat, specs)
	p.Codes = codeMatrix(cat, specs)
	p.Fields = fieldMatrix(cat, specs)
	p.Completeness = completeness(specs, notSelected)
	p.Coverage = coverage(p.Codes)
	return p
}

// total sums the platforms into the report's counts, completeness and
// coverage, and decides the verdict.
func total(rep *Report, partial []string) {
	rep.Counts, rep.Completeness, rep.Coverage = Counts{}, Completeness{}, Coverage{}
	for _, p := range rep.Platforms {
		addCounts(&rep.Counts, p.Counts)
		c := p.Completeness
		rep.Completeness.Specs += c.Specs
		rep.Completeness.Ran += c.Ran
		rep.Completeness.NotApplicable += c.NotApplicable
		rep.Completeness.Skipped += c.Skipped
		rep.Completeness.NotSelected += c.NotSelected
		v := p.Coverage
		rep.Coverage.Codes += v.Codes
		rep.Coverage.Passed += v.Passed
		rep.Coverage.Failed += v.Failed
		rep.Coverage.Skipped += v.Skipped
		rep.Coverage.NotProvokable += v.NotProvokable
		rep.Coverage.NotRun += v.NotRun
	}
	rep.Completeness.Partial = partial
	rep.Verdict = verdict(rep.Counts, rep.Completeness)
}

// verdict: any unwaived failure is FAIL; otherwise anything short of every
// applicable spec having run (skipped for a param, pending, filtered out, a
// partial run, or nothing run at all) is INCOMPLETE.
func verdict(c Counts, k Completeness) string {
	switch {
	case c.Failed > 0:
		return VerdictFail
	case k.Ran == 0 || k.Skipped > 0 || k.NotSelected > 0 || len(k.Partial) > 0:
		return VerdictIncomplete
	}
	return VerdictPass
}

func completeness(specs []Spec, notSelected int) Completeness {
	k := Completeness{Specs: len(specs) + notSelected, NotSelected: notSelected}
	for _, s := range specs {
		switch {
		case s.Status == Passed || s.Status == Failed || s.Status == Waived || s.Status == WaivedPassed:
			k.Ran++
		case s.NotApplicable:
			k.NotApplicable++
		default:
			k.Skipped++
		}
	}
	return k
}

// coverage sorts the code matrix: a waived code counts as passed (the
// report shows the waiver), a waived-passed one too.
func coverage(codes []CodeResult) Coverage {
	v := Coverage{Codes: len(codes)}
	for _, c := range codes {
		switch c.Status {
		case Passed, Waived, WaivedPassed:
			v.Passed++
		case Failed:
			v.Failed++
		case NotProvokable:
			v.NotProvokable++
		case NotCovered:
			v.NotRun++
		default:
			v.Skipped++
		}
	}
	return v
}

func platformOf(labels []string) string {
	for _, l := range labels {
		if p, ok := strings.CutPrefix(l, "platform:"); ok {
			return p
		}
	}
	return ""
}

// Combine is the result of a --rerun-failed run cur together with the run
// prev it re-ran: prev's results, each spec cur ran replaced by cur's
// result, rolled up and judged again, so a fixed failure turns a FAIL into a
// PASS only when everything else prev needed had passed. Every spec says
// which run its result comes from, and CombinedFrom names both runs.
// Catalogues and targets come from in (the targets must be prev's).
func Combine(prev, cur Report, in Input) Report {
	out := cur
	out.Started = prev.Started
	out.CombinedFrom = []string{prev.RunID, cur.RunID}
	out.Platforms = nil
	curPlatforms := map[string]Platform{}
	for _, p := range cur.Platforms {
		curPlatforms[p.Name] = p
	}
	for _, pp := range prev.Platforms {
		var cat *catalog.Catalogue
		for _, c := range in.Catalogues {
			if c.Platform == pp.Name {
				cat = c
			}
		}
		if cat == nil {
			out.Platforms = append(out.Platforms, pp) // not in this binary: as prev had it
			continue
		}
		rerun := map[string]Spec{}
		for _, s := range curPlatforms[pp.Name].Specs {
			s.Run = cur.RunID
			rerun[s.ID] = s
		}
		var specs []Spec
		for _, s := range pp.Specs {
			if r, ok := rerun[s.ID]; ok {
				s = r
				delete(rerun, s.ID)
			} else if s.Run == "" {
				s.Run = prev.RunID
			}
			specs = append(specs, s)
		}
		for _, s := range curPlatforms[pp.Name].Specs {
			if _, ok := rerun[s.ID]; ok { // ran now, not in prev's list (filtered out there)
				specs = append(specs, rerun[s.ID])
			}
		}
		notSelected := max(0, pp.Completeness.NotSelected-(len(specs)-len(pp.Specs)))
		out.Platforms = append(out.Platforms, assemble(cat, pp.Target, specs, notSelected))
	}
	total(&out, prev.Completeness.Partial)
	return out
}

func specID(text string) string {
	h := sha256.Sum256([]byte(text))
	return hex.EncodeToString(h[:6])
}

func status(s types.SpecState) Status {
	switch {
	case s == types.SpecStatePassed:
		return Passed
	case s.Is(types.SpecStateFailureStates):
		return Failed
	case s == types.SpecStatePending:
		return Pending
	default:
		return Skipped
	}
}

// findWaiver returns the first unexpired waiver matching the spec: its Spec
// field is a substring of the spec text or one of its labels.
func findWaiver(ws []conformance.Waiver, s Spec, now time.Time) (conformance.Waiver, bool) {
	for _, w := range ws {
		if !w.Expired(now) && w.Matches(s.Text, s.Labels) {
			return w, true
		}
	}
	return conformance.Waiver{}, false
}

func sortFailuresFirst(specs []Spec) {
	slices.SortStableFunc(specs, func(a, b Spec) int { return cmp.Compare(severity(b.Status), severity(a.Status)) })
}

func count(specs []Spec) Counts {
	var c Counts
	for _, s := range specs {
		c.Total++
		switch s.Status {
		case Passed:
			c.Passed++
		case Failed:
			c.Failed++
		case Waived:
			c.Waived++
		case WaivedPassed:
			c.WaivedPassed++
		default:
			c.Skipped++
		}
	}
	return c
}

func addCounts(dst *Counts, c Counts) {
	dst.Total += c.Total
	dst.Passed += c.Passed
	dst.Failed += c.Failed
	dst.Skipped += c.Skipped
	dst.Waived += c.Waived
	dst.WaivedPassed += c.WaivedPassed
}

// severity orders a spec's statuses for the matrix cells and the spec list:
// a failure outweighs everything, no spec at all ("") nothing.
func severity(s Status) int {
	switch s {
	case Failed:
		return 6
	case WaivedPassed:
		return 5
	case Waived:
		return 4
	case Passed:
		return 3
	case Pending:
		return 2
	case Skipped:
		return 1
	}
	return 0
}

// worse combines statuses: one failure makes the cell failed.
func worse(a, b Status) Status {
	if severity(b) > severity(a) {
		return b
	}
	return a
}

func interfaceMatrix(cat *catalog.Catalogue, specs []Spec) []InterfaceResult {
	var out []InterfaceResult
	for _, i := range cat.Interfaces {
		ir := InterfaceResult{Name: i.Name, Title: i.Title, Section: i.Section, ByCode: map[string]Status{}}
		for _, s := range specs {
			if !slices.Contains(s.Interfaces, i.Name) {
				continue
			}
			ir.Specs++
			ir.Status = worse(ir.Status, s.Status)
			for _, c := range s.Codes {
				ir.ByCode[c] = worse(ir.ByCode[c], s.Status)
			}
		}
		if ir.Specs == 0 {
			ir.Status = NotCovered
		}
		out = append(out, ir)
	}
	return out
}

func codeMatrix(cat *catalog.Catalogue, specs []Spec) []CodeResult {
	var out []CodeResult
	for _, c := range cat.Codes {
		cr := CodeResult{Code: c.Code, Text: c.Text, TextEN: c.TextEN, Unprovokable: c.Unprovokable}
		for _, s := range specs {
			if slices.Contains(s.Codes, c.Code) {
				cr.Specs++
				cr.Status = worse(cr.Status, s.Status)
			}
		}
		switch {
		case c.Unprovokable != "" && (cr.Status == "" || cr.Status == Skipped):
			cr.Status = NotProvokable
		case cr.Specs == 0:
			cr.Status = NotCovered
		}
		out = append(out, cr)
	}
	return out
}

// fieldMatrix rolls the generated negatives up per request field and
// breach, from their labels ("field:<path>", "breach:<b>" and the
// interface). A platform without generated specs has no matrix.
func fieldMatrix(cat *catalog.Catalogue, specs []Spec) []FieldResult {
	var gen []Spec
	for _, s := range specs {
		if slices.Contains(s.Labels, "generated") {
			gen = append(gen, s)
		}
	}
	if len(gen) == 0 {
		return nil
	}
	var out []FieldResult
	for _, it := range cat.Interfaces {
		for _, f := range it.FieldsFor(catalog.Request) {
			fr := FieldResult{Interface: it.Name, Path: f.Path}
			for _, b := range catalog.Breaches() {
				br := BreachResult{Breach: b}
				for _, s := range gen {
					if !slices.Contains(s.Interfaces, it.Name) || !slices.Contains(s.Labels, "field:"+negatives.LabelPath(f.Path)) || !slices.Contains(s.Labels, "breach:"+string(b)) {
						continue
					}
					br.Specs++
					br.Status = worse(br.Status, s.Status)
					switch s.Status {
					case Passed, WaivedPassed:
						br.Passed++
					case Failed, Waived:
						br.Failed++
					default:
						br.Skipped++
					}
				}
				fr.Breaches = append(fr.Breaches, br)
			}
			out = append(out, fr)
		}
	}
	return out
}
