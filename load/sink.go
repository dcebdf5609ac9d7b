package load

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"paycert/reports/redact"
)

// Sink streams results to a file in vegeta's gob format as they arrive.
// The buffer is flushed at least every FlushEvery, so an interrupted (even
// killed) run keeps what it measured up to the last flush, and a gob stream
// cut between two results still decodes up to the cut.
type Sink struct {
	f         *os.File
	w         *bufio.Writer
	enc       vegeta.Encoder
	lastFlush time.Time
	n         uint64
}

// FlushEvery bounds how much a killed run can lose.
const FlushEvery = 250 * time.Millisecond

// CreateSink creates (truncates) path.
func CreateSink(path string) (*Sink, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("results file: %w", err)
	}
	w := bufio.NewWriterSize(f, 64<<10)
	return &Sink{f: f, w: w, enc: vegeta.NewEncoder(w), lastFlush: time.Now()}, nil
}

// Write encodes one result, flushing when FlushEvery has passed.
func (s *Sink) Write(r *vegeta.Result) error {
	if err := s.enc.Encode(r); err != nil {
		return fmt.Errorf("results file %s: %w", s.f.Name(), err)
	}
	s.n++
	if time.Since(s.lastFlush) >= FlushEvery {
		s.lastFlush = time.Now()
		if err := s.w.Flush(); err != nil {
			return fmt.Errorf("results file %s: %w", s.f.Name(), err)
		}
	}
	return nil
}

// Count is how many results were written.
func (s *Sink) Count() uint64 { return s.n }

// Close flushes and closes the file.
func (s *Sink) Close() error {
	err := s.w.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("results file %s: %w", s.f.Name(), err)
	}
	return nil
}

// Meta is written next to a results file (FILE.meta.json) so that merge and
// the HTML report know what was asked for: vegeta's gob records what
// happened, not the asked rate.
type Meta struct {
	Scenario string    `json:"scenario"`
	Shard    string    `json:"shard"`
	Rate     float64   `json:"rate"` // asked, this shard
	Duration string    `json:"duration"`
	StartAt  time.Time `json:"start_at"`
	Target   string    `json:"target"` // "embedded" or the URL
	Note     string    `json:"note,omitempty"`
	Version  string    `json:"version,omitempty"` // paycert's
	Command  []string  `json:"command,omitempty"` // the command line, credentials redacted
	// Thresholds are the resolved thresholds per group ("scenario",
	// "scenario/step"), recorded before the run.
	Thresholds map[string]Thresholds `json:"thresholds,omitempty"`
	// Result is written when the run finishes; a killed run has none.
	Result *RunResult `json:"result,omitempty"`
}

// MetaPath is where the sidecar of a results file lives.
func MetaPath(results string) string { return results + ".meta.json" }

// WriteMeta writes the sidecar of a results file.
func WriteMeta(results string, m Meta) error {
	m.Target = redact.URL(m.Target) // a URL's userinfo is a credential: never in a file
	m.Command = RedactArgs(m.Command)
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(MetaPath(results), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("meta file: %w", err)
	}
	return nil
}

// ReadMeta reads the sidecar of a results file; ok is false when there is none.
func ReadMeta(results string) (m Meta, ok bool, err error) {
	b, err := os.ReadFile(MetaPath(results))
	if errors.Is(err, os.ErrNotExist) {
		return Meta{}, false, nil
	}
	if err != nil {
		return Meta{}, false, fmt.Errorf("meta file: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return Meta{}, false, fmt.Errorf("meta file %s: %w", MetaPath(results), err)
	}
	return m, true, nil
}

// ReadResults decodes a gob results file (as written by Sink or by
// "vegeta attack") and calls fn for each result. A file cut short by a
// killed run ends with io.ErrUnexpectedEOF after its last whole result;
// that is reported as truncated=true, not as an error.
func ReadResults(path string, fn func(*vegeta.Result) error) (n uint64, truncated bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false, fmt.Errorf("results: %w", err)
	}
	defer f.Close()
	dec := vegeta.NewDecoder(bufio.NewReaderSize(f, 64<<10))
	for {
		var r vegeta.Result
		switch err := dec.Decode(&r); {
		case err == nil:
		case errors.Is(err, io.EOF):
			return n, false, nil
		case errors.Is(err, io.ErrUnexpectedEOF) && n > 0:
			return n, true, nil
		default:
			return n, false, fmt.Errorf("results %s: result %d: %w", path, n+1, err)
		}
		n++
		if err := fn(&r); err != nil {
			return n, false, err
		}
	}
}

// RedactArgs hides the userinfo of every URL in a command line (also in
// "--target=URL"): a target given as https://user:pass@host must not reach
// a file or a page.
func RedactArgs(args []string) []string {
	if args == nil {
		return nil
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = redact.URL(a)
	}
	return out
}
