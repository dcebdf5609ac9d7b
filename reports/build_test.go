package reports

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/onsi/ginkgo/v2/types"

	"paycert/conformance"
	"paycert/platforms/catalog"
	"paycert/platforms/wire"
)

// fixture builds a Ginkgo report of a small "demo" platform run: one passed
// happy path, one failed code spec with a GBK transcript, one waived
// failure, one skipped unprovokable code.
func fixture(t *testing.T) (types.Report, Input) {
	t.Helper()
	gbkReply := []byte("<?xml version=\"1.0\" encoding=\"GBK\"?><business_trans><result><id>0325</id><comment>\xd3\xe0\xb6\xee\xb2\xbb\xd7\xe3</comment></result></business_trans>")
	ex, err := json.Marshal(wire.Exchange{Interface: "card_verify", Method: "POST", URL: "http://127.0.0.1:1/ipos", Request: []byte("xml=%3Cbusiness_trans%3E%3C%2Fbusiness_trans%3E&mac=ab"), Status: 200, Reply: gbkReply, Charset: "GBK"})
	if err != nil {
		t.Fatal(err)
	}
	spec := func(text string, labels []string, state types.SpecState, msg string, entries ...types.ReportEntry) types.SpecReport {
		return types.SpecReport{
			LeafNodeType: types.NodeTypeIt, LeafNodeText: text,
			ContainerHierarchyTexts:  []string{"demo"},
			ContainerHierarchyLabels: [][]string{{"platform:demo"}},
			LeafNodeLabels:           labels, State: state, RunTime: 20 * time.Millisecond,
			Failure: types.Failure{Message: msg}, ReportEntries: entries,
		}
	}
	gr := types.Report{
		StartTime: time.Date(2026, 11, 22, 5, 0, 0, 0, time.UTC), EndTime: time.Date(2026, 11, 22, 5, 0, 3, 0, time.UTC),
		SpecReports: types.SpecReports{
			spec("verify happy path", []string{"interface:card_verify", "code:0000"}, types.SpecStatePassed, ""),
			spec("insufficient balance gives 0325", []string{"interface:card_verify", "code:0325"}, types.SpecStateFailed,
				"result/id: expected 0325, got 0000",
				types.ReportEntry{Name: conformance.TranscriptEntry, Value: types.WrapEntryValue(json.RawMessage(ex))}),
			spec("daily for a future date", []string{"interface:card_daily", "code:3044"}, types.SpecStateFailed, "known defect"),
			spec("upstream timeout 9998", []string{"code:9998"}, types.SpecStateSkipped, "needs the embedded simulator: upstream timeout"),
		},
	}
	// WrapEntryValue keeps the raw value; the JSON representation is what a
	// report read back from disk carries, so use it.
	for i := range gr.SpecReports {
		for j := range gr.SpecReports[i].ReportEntries {
			gr.SpecReports[i].ReportEntries[j].Value.AsJSON = string(ex)
		}
	}
	cat := &catalog.Catalogue{Platform: "demo", Title: "Demo platform", Seed: "demo seed",
		Interfaces: []catalog.Interface{{Name: "card_verify", Title: "卡券验证"}, {Name: "card_daily"}, {Name: "bind_pos"}},
		Codes: []catalog.Code{{Code: "0000", Text: "成功"}, {Code: "0325", Text: "余额不足"}, {Code: "3044"},
			{Code: "9998", Unprovokable: "upstream timeout"}, {Code: "6100"}},
		Errata: []catalog.Erratum{{ID: "E-DEMO-1", Seed: "002 §4.6", Issue: "root element", Reading: "accept both", Where: "platforms/demo"}},
	}
	in := Input{RunID: "test-run", Catalogues: []*catalog.Catalogue{cat},
		Targets: map[string]conformance.Target{"demo": {Platform: "demo"}},
		Waivers: []conformance.Waiver{{Spec: "daily for a future date", Reason: "vendor ticket 42", Expires: "2026-12-31"}},
		Now:     time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)}
	return gr, in
}

func TestBuildRollsUpSpecsCodesAndWaivers(t *testing.T) {
	gr, in := fixture(t)
	r := Build(gr, in)
	if r.Verdict != "FAIL" {
		t.Fatalf("verdict = %s, want FAIL (one unwaived failure)", r.Verdict)
	}
	want := Counts{Total: 4, Passed: 1, Failed: 1, Waived: 1, Skipped: 1}
	if r.Counts != want {
		t.Fatalf("counts = %+v, want %+v", r.Counts, want)
	}
	p := r.Platforms[0]
	if p.Specs[0].Status != Failed || len(p.Specs[0].Exchanges) != 1 {
		t.Fatalf("failures must come first with their transcript: %+v", p.Specs[0])
	}
	codes := map[string]Status{}
	for _, c := range p.Codes {
		codes[c.Code] = c.Status
	}
	wantCodes := map[string]Status{"0000": Passed, "0325": Failed, "3044": Waived, "9998": NotProvokable, "6100": NotCovered}
	for c, s := range wantCodes {
		if codes[c] != s {
			t.Errorf("code %s: status %s, want %s", c, codes[c], s)
		}
	}
	ifaces := map[string]InterfaceResult{}
	for _, i := range p.Interfaces {
		ifaces[i.Name] = i
	}
	if ifaces["card_verify"].ByCode["0325"] != Failed || ifaces["card_verify"].ByCode["0000"] != Passed {
		t.Errorf("matrix cell wrong: %+v", ifaces["card_verify"].ByCode)
	}
	if ifaces["bind_pos"].Status != NotCovered {
		t.Errorf("an interface without specs must show as not covered, got %s", ifaces["bind_pos"].Status)
	}
}

func TestWaiverExpiresAndFlagsUnexpectedPass(t *testing.T) {
	gr, in := fixture(t)
	in.Now = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) // waiver expired
	if r := Build(gr, in); r.Counts.Waived != 0 || r.Counts.Failed != 2 {
		t.Fatalf("an expired waiver must not apply: %+v", r.Counts)
	}
	gr, in = fixture(t)
	in.Waivers = append(in.Waivers, conformance.Waiver{Spec: "verify happy path", Reason: "x", Expires: "2030-01-01"})
	if r := Build(gr, in); r.Counts.WaivedPassed != 1 {
		t.Fatalf("a waived spec that passed must be flagged: %+v", r.Counts)
	}
}

func TestHTMLShowsVerdictMatrixDecodedBytesAndErrata(t *testing.T) {
	gr, in := fixture(t)
	var buf bytes.Buffer
	if err := WriteHTML(&buf, Build(gr, in)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if !utf8.ValidString(page) {
		t.Error("the page is not valid UTF-8")
	}
	for _, want := range []string{
		"paycert certification: FAIL", `class="grid matrix"`, "余额不足", // GBK reply decoded for a person
		"xml=&lt;business_trans&gt;&lt;/business_trans&gt;\nmac=ab", // a form body shown as its XML
		"reply hex", "E-DEMO-1", "insufficient balance gives 0325", "result/id: expected 0325, got 0000",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"http://", "https://"} {
		for _, tag := range []string{"<link", "<script src", "<img src"} {
			if strings.Contains(page, tag+"=\""+bad) || strings.Contains(page, tag+" href=\""+bad) {
				t.Errorf("page loads an external asset (%s %s)", tag, bad)
			}
		}
	}
}

func TestEvidenceBundleVerifiesAndDetectsTampering(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"report.json": "{}", "junit.xml": "<testsuites/>", "sub/x.txt": "x"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path, err := WriteEvidence(dir)
	if err != nil {
		t.Fatal(err)
	}
	n, err := VerifyEvidence(path)
	if err != nil || n != 3 {
		t.Fatalf("verify: n=%d err=%v, want 3 files and no error", n, err)
	}
	// A bundle whose manifest disagrees with its content must be refused.
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyEvidence(path); err == nil {
		t.Fatal("a truncated bundle verified")
	}
}

// TestSortFailuresFirst: the spec list reads failures first, then what a
// waiver changed, then the rest, keeping run order within a status.
func TestSortFailuresFirst(t *testing.T) {
	specs := []Spec{{ID: "s1", Status: Skipped}, {ID: "p1", Status: Passed}, {ID: "w", Status: Waived},
		{ID: "f1", Status: Failed}, {ID: "n", Status: Pending}, {ID: "p2", Status: Passed}, {ID: "wp", Status: WaivedPassed},
		{ID: "f2", Status: Failed}}
	sortFailuresFirst(specs)
	var got []string
	for _, s := range specs {
		got = append(got, s.ID)
	}
	if want := "f1 f2 wp w p1 p2 n s1"; strings.Join(got, " ") != want {
		t.Errorf("order %v, want %s", got, want)
	}
}
