package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit XML, shaped for what a CI shows (Jenkins, GitLab, GitHub checks all
// read the Ant/Jenkins schema, testdata/jenkins-junit.xsd):
//
//   - one <testsuite> per platform, one <testcase> per spec that ran or was
//     skipped with a reason (a spec a label filter left out is not part of
//     the run), and nothing else: no suite-level pseudo-tests;
//   - classname "platform.interface" (a spec of several interfaces, or of
//     none, is "platform"), so a CI groups cases by interface;
//   - name: the spec's text without the platform container's title, without
//     Ginkgo's "[It]" and label lists;
//   - a failure carries FailureText (requirement and what was seen) and a
//     pointer to its exchanges in the transcripts file; the bytes themselves
//     live once, in that file inside the evidence bundle;
//   - a failure an unexpired waiver accepts is a skipped case whose message
//     is the waiver's reason, as the verdict treats it;
//   - counts are computed from the cases written, so they always agree.
//
// It is built from the Report (after waivers and redaction), not from
// Ginkgo's report, whose own JUnit puts every exchange into properties.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	ID         int             `xml:"id,attr"`
	Package    string          `xml:"package,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitMessage `xml:"skipped"`
	Failure   *junitFailure `xml:"failure"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes r as JUnit XML.
func WriteJUnit(w io.Writer, r Report) error {
	doc := junitSuites{Name: "paycert certify " + r.RunID, Time: seconds(r.Finished.Sub(r.Started).Seconds())}
	for i, p := range r.Platforms {
		s := junitSuite{Name: p.Name, ID: i, Package: p.Name, Properties: []junitProperty{
			{"platform", p.Title},
			{"specification", p.Seed},
			{"target", p.Target},
		}}
		if r.Transcripts != "" {
			s.Properties = append(s.Properties, junitProperty{"transcripts", r.Transcripts + " in evidence.tar.gz (one line per spec id)"})
		}
		if !r.Started.IsZero() {
			s.Timestamp = r.Started.UTC().Format("2006-01-02T15:04:05")
		}
		prefix := commonTitle(p.Specs)
		total := 0.0
		for _, sp := range p.Specs {
			c := junitCase{Name: strings.TrimPrefix(sp.Text, prefix), Classname: classname(p.Name, sp), Time: seconds(sp.Seconds)}
			total += sp.Seconds
			switch sp.Status {
			case Failed:
				c.Failure = &junitFailure{Message: firstLineOf(sp.Failure), Type: "failed", Text: failureBody(r, sp)}
				s.Failures++
			case Waived:
				c.Skipped = &junitMessage{Message: "waived: " + sp.Waiver}
				c.SystemOut = "accepted failure:\n" + failureBody(r, sp)
				s.Skipped++
			case Skipped, Pending:
				reason := sp.Skip
				if reason == "" {
					reason = string(sp.Status)
				}
				c.Skipped = &junitMessage{Message: firstLineOf(reason)}
				s.Skipped++
			case WaivedPassed:
				c.SystemOut = "passed although waived (" + sp.Waiver + "): remove the waiver"
			}
			s.Cases = append(s.Cases, c)
		}
		s.Tests, s.Time = len(s.Cases), seconds(total)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func failureBody(r Report, sp Spec) string {
	var b strings.Builder
	b.WriteString(sp.Failure)
	if sp.Location != "" {
		fmt.Fprintf(&b, "\nat %s", sp.Location)
	}
	if n := len(sp.Exchanges); n > 0 {
		last := sp.Exchanges[n-1]
		fmt.Fprintf(&b, "\nlast of %d exchanges: %s %s (%s)", n, last.Method, last.URL, last.Interface)
		switch {
		case last.Err != "":
			fmt.Fprintf(&b, ": no reply: %s", last.Err)
		default:
			fmt.Fprintf(&b, ": HTTP %d", last.Status)
		}
	}
	if r.Transcripts != "" {
		fmt.Fprintf(&b, "\nexchanges byte for byte: spec %s in %s (evidence.tar.gz)", sp.ID, r.Transcripts)
	}
	return b.String()
}

// classname is "platform.interface" for a spec about one interface.
func classname(platform string, s Spec) string {
	if len(s.Interfaces) == 1 {
		return platform + "." + s.Interfaces[0]
	}
	return platform
}

// commonTitle is the platform container's title that every spec text of a
// platform starts with ("iPos voucher platform (seed 002) "): the suite's
// name already says it.
func commonTitle(specs []Spec) string {
	if len(specs) < 2 {
		return ""
	}
	p := specs[0].Text
	for _, s := range specs[1:] {
		for !strings.HasPrefix(s.Text, p) {
			p = p[:len(p)-1]
		}
	}
	// Cut back to a word boundary, and never swallow a whole spec text.
	if i := strings.LastIndex(p, ") "); i >= 0 {
		return p[:i+2]
	}
	return ""
}

func firstLineOf(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

func seconds(s float64) string { return fmt.Sprintf("%.3f", max(s, 0)) }
