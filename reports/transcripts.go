package reports

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"paycert/platforms/wire"
)

// TranscriptsName is the file in the run directory (and so in the evidence
// bundle) that holds every spec's exchanges.
const TranscriptsName = "transcripts.jsonl"

// transcriptLine is one spec's exchanges: one JSON object a line, so a
// reader (or grep) finds a spec by id without loading 30 MB.
type transcriptLine struct {
	Spec      string          `json:"spec"` // Spec.ID
	Platform  string          `json:"platform"`
	Text      string          `json:"text"`
	Exchanges []wire.Exchange `json:"exchanges"`
}

// MoveTranscripts writes every spec's exchanges into dir/transcripts.jsonl
// and keeps in r only those of failed and waived specs (what the HTML and a
// reader of report.json look at): the bytes live once, in the evidence
// bundle, instead of in every output (a passing run's report.json and
// junit.xml were 30 MB each).
func MoveTranscripts(dir string, r *Report) error {
	path := filepath.Join(dir, TranscriptsName)
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("transcripts: %w", err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for pi := range r.Platforms {
		p := &r.Platforms[pi]
		for si := range p.Specs {
			s := &p.Specs[si]
			if len(s.Exchanges) == 0 {
				continue
			}
			if err := enc.Encode(transcriptLine{Spec: s.ID, Platform: p.Name, Text: s.Text, Exchanges: s.Exchanges}); err != nil {
				f.Close()
				return fmt.Errorf("transcripts: %w", err)
			}
			switch s.Status {
			case Failed, Waived, WaivedPassed:
			default:
				s.Exchanges = nil
			}
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("transcripts: %w", err)
	}
	r.Transcripts = TranscriptsName
	return f.Close()
}
