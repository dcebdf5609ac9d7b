package reports

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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
}

// Build turns Ginkgo's report of one run into a Report. The verdict is PASS
// only if no spec failed without an unexpired waiver.
func Build(gr types.Report, in Input) Report {
	rep := Report{RunID: in.RunID, Started: gr.StartTime, Finished: gr.EndTime, Manifest: in.Manifest}
	byPlatform := map[string][]Spec{}
	for _, sr := range gr.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue // suite-level nodes (Report* hooks) are not specs
		}
		if sr.State == types.SpecStateSkipped && sr.Failure.Message == "" {
			continue // filtered out by a label filter or focus: not part of this run
		}
		labels := sr.Labels()
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
			s.Failure = sr.Failure.Message
			s.Location = sr.Failure.Location.String()
		}
		if sr.State == types.SpecStateSkipped {
			s.Skip = sr.Failure.Message
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
		if len(specs) == 0 {
			continue // not selected in this run
		}
		p := Platform{Name: cat.Platform, Title: cat.Title, Seed: cat.Seed, Target: in.Targets[cat.Platform].String(),
			Specs: specs, Errata: cat.Errata}
		sortFailuresFirst(p.Specs)
		p.Counts = count(specs)
		p.Interfaces = interfaceMatrix(cat, specs)
		p.Codes = codeMatrix(cat, specs)
		rep.Platforms = append(rep.Platforms, p)
		addCounts(&rep.Counts, p.Counts)
	}
	rep.Verdict = "PASS"
	// Nothing run is not a pass: a filter that selects no spec, or a run
	// where every spec skipped, certifies nothing.
	if rep.Counts.Failed > 0 || rep.Counts.Passed+rep.Counts.Waived == 0 {
		rep.Verdict = "FAIL"
	}
	return rep
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
		if w.Expires != "" {
			exp, err := time.Parse("2006-01-02", w.Expires)
			if err != nil || !now.Before(exp.AddDate(0, 0, 1)) {
				continue
			}
		}
		if w.Spec == "" {
			continue
		}
		if strings.Contains(s.Text, w.Spec) {
			return w, true
		}
		if slices.Contains(s.Labels, w.Spec) {
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
