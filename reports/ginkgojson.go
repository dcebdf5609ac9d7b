package reports

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/onsi/ginkgo/v2/types"

	"paycert/conformance"
)

// WriteGinkgoJSON writes Ginkgo's own report of the run (the developers'
// view: raw Gomega messages, source locations, timelines) with two changes:
// each spec's exchange entries are replaced by one entry pointing at its
// line of the transcripts file (the bytes live there once; ginkgo.json of a
// passing run was 32 MB of them), the timelines of specs that did not fail
// go, and clean rewrites the encoded text
// (redaction) before it is written.
func WriteGinkgoJSON(path string, r types.Report, transcripts string, clean func(string) string) error {
	r.SpecReports = append(types.SpecReports(nil), r.SpecReports...)
	for i, sr := range r.SpecReports {
		var kept types.ReportEntries
		n := 0
		for _, e := range sr.ReportEntries {
			if e.Name == conformance.TranscriptEntry {
				n++
				continue
			}
			kept = append(kept, e)
		}
		if n > 0 {
			link := fmt.Sprintf("%d exchanges: spec %s in %s (evidence.tar.gz)", n, specID(sr.FullText()), transcripts)
			kept = append(kept, types.ReportEntry{Name: "transcript", Location: types.CodeLocation{},
				Visibility: types.ReportEntryVisibilityNever, Value: types.ReportEntryValue{AsJSON: jsonString(link), Representation: link}})
		}
		r.SpecReports[i].ReportEntries = kept
		// A passed or skipped spec's timeline (node entered, node left,
		// each with its source location) is most of its 3 KB and tells a
		// developer nothing; a failed spec keeps it. With the generated
		// negatives a run has thousands of specs.
		if !sr.State.Is(types.SpecStateFailureStates) {
			r.SpecReports[i].SpecEvents = nil
		}
	}
	// Compact: indentation was half the file once every request field got
	// its generated negatives (#17), hundreds of specs a platform.
	b, err := json.Marshal([]types.Report{r})
	if err != nil {
		return fmt.Errorf("ginkgo.json: %w", err)
	}
	if clean != nil {
		b = []byte(clean(string(b)))
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("ginkgo.json: %w", err)
	}
	return nil
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
