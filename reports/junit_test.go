package reports

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"paycert/platforms/wire"
)

// junitReport has one spec of every status a CI must tell apart.
func junitReport() Report {
	t0 := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	title := "iPos voucher platform (seed 002) "
	return Report{RunID: "r1", Started: t0, Finished: t0.Add(2 * time.Second), Transcripts: TranscriptsName,
		Platforms: []Platform{{Name: "ipos", Title: "iPos", Seed: "002", Target: "ipos: embedded simulator", Specs: []Spec{
			{ID: "a1", Text: title + "answers card_query", Interfaces: []string{"card_query"}, Status: Passed, Seconds: 0.25},
			{ID: "b2", Text: title + "result codes 0325", Interfaces: []string{"card_verify"}, Codes: []string{"0325"}, Status: Failed,
				Failure: "result/id must be 0325\nseen:\n    9990", Location: "conformance/ipossuite/specs_codes.go:52",
				Exchanges: []wire.Exchange{{Method: "POST", URL: "http://127.0.0.1:1", Interface: "card_verify", Status: 200}}},
			{ID: "c3", Text: title + "result codes 9998", Status: Waived, Failure: "upstream did not time out",
				Waiver: "the lab cannot make the upstream time out (expires 2026-12-31)"},
			{ID: "d4", Text: title + "sim-only fault", Status: Skipped, Skip: "needs the embedded simulator"},
			{ID: "e5", Text: title + "waived but fine", Status: WaivedPassed, Waiver: "stale (expires 2026-12-31)"},
		}}, {Name: "hzcard", Title: "Huzhou", Specs: []Spec{{ID: "f6", Text: "hz only spec", Status: Passed}}}},
	}
}

type parsedCase struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
	Skipped   *struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
	Failure *struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	} `xml:"failure"`
}

type parsedSuite struct {
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Cases    []parsedCase `xml:"testcase"`
}

func TestJUnitShapeForCI(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJUnit(&b, junitReport()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int           `xml:"tests,attr"`
		Failures int           `xml:"failures,attr"`
		Suites   []parsedSuite `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Suites) != 2 || doc.Suites[0].Name != "ipos" || doc.Suites[1].Name != "hzcard" {
		t.Fatalf("want one testsuite per platform, got %+v", doc.Suites)
	}
	ipos := doc.Suites[0]
	if ipos.Tests != 5 || ipos.Failures != 1 || ipos.Skipped != 2 || doc.Tests != 6 || doc.Failures != 1 {
		t.Errorf("counts: suite tests %d failures %d skipped %d, total tests %d failures %d; want 5 1 2, 6 1",
			ipos.Tests, ipos.Failures, ipos.Skipped, doc.Tests, doc.Failures)
	}
	byName := map[string]parsedCase{}
	for _, c := range ipos.Cases {
		byName[c.Name] = c
		if strings.Contains(c.Name, "[It]") || strings.Contains(c.Name, "[platform:") || strings.HasPrefix(c.Name, "iPos voucher") {
			t.Errorf("case name %q carries Ginkgo decoration or the platform title", c.Name)
		}
	}
	for name, want := range map[string]string{"answers card_query": "ipos.card_query", "result codes 0325": "ipos.card_verify", "result codes 9998": "ipos"} {
		if got := byName[name].Classname; got != want {
			t.Errorf("classname of %q = %q, want %q", name, got, want)
		}
	}
	f := byName["result codes 0325"].Failure
	if f == nil || f.Message != "result/id must be 0325" || !strings.Contains(f.Text, "seen:\n    9990") ||
		!strings.Contains(f.Text, "spec b2 in transcripts.jsonl") || !strings.Contains(f.Text, "HTTP 200") {
		t.Errorf("failure: %+v", f)
	}
	w := byName["result codes 9998"]
	if w.Failure != nil || w.Skipped == nil || !strings.Contains(w.Skipped.Message, "the lab cannot make the upstream time out") {
		t.Errorf("a waived failure must be a skipped case with the waiver's reason: %+v", w)
	}
	if s := byName["sim-only fault"].Skipped; s == nil || s.Message != "needs the embedded simulator" {
		t.Errorf("skipped case: %+v", s)
	}
	if c := byName["waived but fine"]; c.Failure != nil || c.Skipped != nil {
		t.Errorf("a waived spec that passed is a passed case (flagged in system-out): %+v", c)
	}
	validateJUnit(t, b.Bytes())
}

// validateJUnit checks a junit.xml against the Jenkins/Ant schema with
// xmllint (Debian's libxml2-utils, installed by .ci/run).
func validateJUnit(t *testing.T, doc []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmllint is not installed; .ci/run installs Debian's libxml2-utils for this test")
		}
		t.Skip("xmllint not installed (apt-get install libxml2-utils): junit.xml was not validated against the schema")
	}
	path := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "jenkins-junit.xsd"), path).CombinedOutput()
	if err != nil {
		t.Fatalf("junit.xml does not validate against the Jenkins/Ant schema: %v\n%s", err, out)
	}
}

// TestJUnitSchemaRejects: the schema check can fail (Ginkgo's own JUnit,
// which paycert used to write, does not validate: a "status" attribute on
// testcase and times like 7.6e-06).
func TestJUnitSchemaRejects(t *testing.T) {
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint not installed")
	}
	bad := `<?xml version="1.0"?><testsuites><testsuite name="paycert" tests="1"><testcase name="x" status="passed" time="7.605e-06"/></testsuite></testsuites>`
	path := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("xmllint", "--noout", "--schema", filepath.Join("testdata", "jenkins-junit.xsd"), path).Run(); err == nil {
		t.Fatal("the schema accepts a testcase with a status attribute and an exponent time")
	}
}
