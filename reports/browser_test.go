package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"paycert/conformance"
	"paycert/platforms/bill99"
	"paycert/platforms/catalog"
	"paycert/platforms/hzcard"
	"paycert/platforms/ipos"
	"paycert/platforms/kakatong"
	"paycert/platforms/wire"
	"paycert/reports/browsertest"
)

func writePage(t *testing.T, r Report, extra string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if extra != "" {
		page = strings.Replace(page, "</body>", extra+"</body>", 1)
	}
	p := filepath.Join(t.TempDir(), "index.html")
	if err := os.WriteFile(p, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestReportRendersInBrowser loads the page from disk in headless Chromium:
// the script must run without console errors, and a screenshot at 1400 px
// must show the matrix's passed and failed squares.
func TestReportRendersInBrowser(t *testing.T) {
	bin := browsertest.Chromium(t)
	gr, in := fixture(t)
	url := "file://" + writePage(t, Build(gr, in), "")

	dom, logs := browsertest.Run(t, bin, "--dump-dom", url)
	if !strings.Contains(dom, `data-rendered="1"`) {
		t.Errorf("the page's script did not run to the end (no data-rendered=1 on body)")
	}
	consoleErrors(t, logs)

	shot := filepath.Join(t.TempDir(), "shot.png")
	browsertest.Run(t, bin, "--screenshot="+shot, "--window-size=1400,1600", "--hide-scrollbars", url)
	img, err := readPNG(shot)
	if err != nil {
		t.Fatal(err)
	}
	// Count pixels of the cell colours (.passed #c8efd2, .failed #f7c1bd).
	passed, failed := countColour(img, 0xc8, 0xef, 0xd2), countColour(img, 0xf7, 0xc1, 0xbd)
	if passed < 200 || failed < 200 {
		t.Errorf("screenshot shows %d passed-cell and %d failed-cell pixels; the matrix did not render", passed, failed)
	}
}

func consoleErrors(t *testing.T, logs string) {
	t.Helper()
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "CONSOLE") && (strings.Contains(line, "Uncaught") || strings.Contains(line, "Error")) {
			t.Errorf("console error: %s", line)
		}
	}
}

// fullReport is a report of the size managers read: the four real
// catalogues (up to 132 codes and 12 interfaces each), a spec per interface
// and every third code, with every status, failures with transcripts, and
// a waiver.
func fullReport(t *testing.T) Report {
	t.Helper()
	cats := []*catalog.Catalogue{kakatong.Catalogue(), bill99.Catalogue(), ipos.Catalogue(), hzcard.Catalogue()}
	gbkReply := []byte("<?xml version=\"1.0\" encoding=\"GBK\"?><business_trans><result><id>0325</id><comment>\xd3\xe0\xb6\xee\xb2\xbb\xd7\xe3</comment></result></business_trans>")
	ex, err := json.Marshal(wire.Exchange{Interface: "card_verify", Method: "POST", URL: "http://127.0.0.1:1/ipos/a/very/long/path/that/must/wrap/" + strings.Repeat("x", 150),
		Request: bytes.Repeat([]byte("xml=<business_trans>...</business_trans>&"), 20), Status: 200, Reply: gbkReply, Charset: "GBK"})
	if err != nil {
		t.Fatal(err)
	}
	states := []types.SpecState{types.SpecStatePassed, types.SpecStatePassed, types.SpecStatePassed, types.SpecStateFailed,
		types.SpecStateSkipped, types.SpecStatePassed, types.SpecStatePassed}
	var srs types.SpecReports
	n := 0 // numbers specs across platforms: "(spec n)" names each one
	for _, cat := range cats {
		for k, i := range cat.Interfaces {
			for j, c := range cat.Codes {
				if (j+k)%3 != 0 {
					continue
				}
				st := states[n%len(states)]
				n++
				sr := types.SpecReport{
					LeafNodeType: types.NodeTypeIt, LeafNodeText: fmt.Sprintf("replies as documented (spec %d)", n),
					ContainerHierarchyTexts:  []string{cat.Platform},
					ContainerHierarchyLabels: [][]string{{"platform:" + cat.Platform}},
					LeafNodeLabels:           []string{"interface:" + i.Name, "code:" + c.Code, "negative"},
					State:                    st, RunTime: time.Duration(n%40) * 700 * time.Microsecond,
				}
				switch st {
				case types.SpecStateFailed:
					sr.Failure = types.Failure{Message: "result/id: expected the documented code, got another"}
					sr.ReportEntries = []types.ReportEntry{{Name: conformance.TranscriptEntry, Value: types.ReportEntryValue{AsJSON: string(ex)}}}
				case types.SpecStateSkipped:
					sr.Failure = types.Failure{Message: "needs the embedded simulator"}
				}
				srs = append(srs, sr)
			}
		}
	}
	gr := types.Report{StartTime: time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC), EndTime: time.Date(2026, 12, 4, 3, 0, 17, 0, time.UTC), SpecReports: srs}
	return Build(gr, Input{RunID: "20261204T030000Z-full", Catalogues: cats, Targets: map[string]conformance.Target{},
		Waivers: []conformance.Waiver{{Spec: "spec 4)", Reason: "vendor ticket 42", Expires: "2026-12-31"}},
		Now:     time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)})
}

// probe measures the rendered page from inside and writes what it found
// into <pre id="probe"> for --dump-dom to carry out. With print set it
// first switches the page's print rules on, so the layout is the printed
// one at the window's width.
const probe = `<pre id="probe"></pre><script>
(function () {
  if (location.hash === "#print") {
    for (const sheet of document.styleSheets) for (const rule of sheet.cssRules)
      if (rule.media && rule.media.mediaText === "print") rule.media.mediaText = "all";
  }
  const de = document.documentElement, out = {width: window.innerWidth, page: [de.scrollWidth, de.clientWidth], matrices: []};
  document.querySelectorAll(".matrix-wrap").forEach(function (w) {
    const t = w.querySelector("table.matrix"), last = t.tHead.rows[0].lastElementChild.getBoundingClientRect();
    out.matrices.push({platform: t.dataset.platform, scroll: w.scrollWidth, client: w.clientWidth,
      columns: t.tHead.rows[0].cells.length, lastColumnRight: last.right, rows: t.tBodies[0].rows.length});
  });
  const overflow = [];
  document.querySelectorAll("main *").forEach(function (e) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > de.clientWidth + 1 && overflow.length < 5) overflow.push(e.tagName + "." + e.className + " right=" + r.right);
  });
  out.overflow = overflow;
  // Content a scroll box hides: on screen a tall <pre> may scroll, but a
  // printed page cannot scroll, so in print nothing may be clipped.
  const clipped = [];
  document.querySelectorAll("main *").forEach(function (e) {
    const s = getComputedStyle(e);
    if (s.display === "none" || (s.overflowX === "visible" && s.overflowY === "visible")) return;
    const wide = e.scrollWidth > e.clientWidth + 1, tall = e.scrollHeight > e.clientHeight + 1;
    if ((wide || (tall && location.hash === "#print")) && clipped.length < 5) clipped.push(e.tagName + "." + e.className + (wide ? " wide" : " tall"));
  });
  out.clipped = clipped;
  // Click a square of several specs: the spec list must show exactly those.
  const a = [].find.call(document.querySelectorAll("table.matrix td.sq a[data-specs]"), function (x) { return x.dataset.specs.indexOf(" ") > 0; });
  if (a && location.hash !== "#print") {
    a.click();
    const table = document.getElementById("specs-" + a.closest("table").dataset.platform);
    out.click = {want: a.dataset.specs.split(" ").sort(), shown: [].filter.call(table.tBodies[0].rows, function (r) { return r.style.display !== "none"; }).map(function (r) { return r.id.slice(4); }).sort()};
  }
  document.getElementById("probe").textContent = JSON.stringify(out);
})();
</script>`

type probeResult struct {
	Width    int   `json:"width"`
	Page     []int `json:"page"`
	Matrices []struct {
		Platform        string  `json:"platform"`
		Scroll          int     `json:"scroll"`
		Client          int     `json:"client"`
		Columns         int     `json:"columns"`
		LastColumnRight float64 `json:"lastColumnRight"`
		Rows            int     `json:"rows"`
	} `json:"matrices"`
	Overflow []string `json:"overflow"`
	Clipped  []string `json:"clipped"`
	Click    *struct {
		Want  []string `json:"want"`
		Shown []string `json:"shown"`
	} `json:"click"`
}

var probeRE = regexp.MustCompile(`<pre id="probe">([^<]*)</pre>`)

func runProbe(t *testing.T, bin, url string, width int) probeResult {
	t.Helper()
	dom, logs := browsertest.Run(t, bin, "--dump-dom", fmt.Sprintf("--window-size=%d,1000", width), "--hide-scrollbars", url)
	consoleErrors(t, logs)
	m := probeRE.FindStringSubmatch(dom)
	if m == nil || m[1] == "" {
		t.Fatalf("the probe did not run; DOM starts %.300s", dom)
	}
	var p probeResult
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &p); err != nil {
		t.Fatalf("probe output %q: %v", m[1], err)
	}
	return p
}

// TestMatrixFitsAt1400 is the manager's view: at 1400 px every platform's
// matrix shows all its columns without sideways scrolling, and so does the
// page. In print layout at A4's printable width (186 mm = 703 CSS px) the
// same holds, so nothing is cut off at the right edge of a printed page.
func TestMatrixFitsAt1400(t *testing.T) {
	bin := browsertest.Chromium(t)
	r := fullReport(t)
	page := writePage(t, r, probe)
	for _, tt := range []struct {
		name  string
		url   string
		width int
	}{
		{"screen at 1400 px", "file://" + page, 1400},
		{"print layout at A4 width", "file://" + page + "#print", 703},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := runProbe(t, bin, tt.url, tt.width)
			if p.Width != tt.width {
				t.Fatalf("the probe saw a %d px window, want %d: the check would not measure what it claims", p.Width, tt.width)
			}
			if len(p.Matrices) != len(r.Platforms) {
				t.Fatalf("%d matrices rendered, want %d", len(p.Matrices), len(r.Platforms))
			}
			for i, m := range p.Matrices {
				pl := r.Platforms[i]
				if m.Columns != 3+len(pl.Interfaces) || m.Rows != len(pl.Codes) {
					t.Errorf("%s: %d columns and %d rows, want %d and %d", m.Platform, m.Columns, m.Rows, 3+len(pl.Interfaces), len(pl.Codes))
				}
				if m.Scroll > m.Client || m.LastColumnRight > float64(tt.width) {
					t.Errorf("%s: the matrix scrolls sideways (scrollWidth %d > clientWidth %d, last column ends at %.0f px of %d)",
						m.Platform, m.Scroll, m.Client, m.LastColumnRight, tt.width)
				}
			}
			if tt.width == 1400 {
				switch {
				case p.Click == nil || len(p.Click.Want) < 2:
					t.Errorf("the probe found no square of several specs to click")
				case strings.Join(p.Click.Shown, " ") != strings.Join(p.Click.Want, " "):
					t.Errorf("clicking a square of %d specs left %d rows of the spec list shown, want exactly its specs", len(p.Click.Want), len(p.Click.Shown))
				}
			}
			if len(p.Clipped) > 0 {
				t.Errorf("content hidden in scroll boxes: %v", p.Clipped)
			}
			if p.Page[0] > p.Page[1] || len(p.Overflow) > 0 {
				t.Errorf("the page is %d px wide in a %d px window; overflowing: %v", p.Page[0], p.Page[1], p.Overflow)
			}
		})
	}
}

// TestPrintedReportHoldsEverything prints the page to PDF as a manager
// would and reads the PDF back: the text of every section down to the last
// line must be there, every row and every interface column of every matrix,
// and every row of every spec list.
func TestPrintedReportHoldsEverything(t *testing.T) {
	bin := browsertest.Chromium(t)
	pdftotext := browsertest.Tool(t, "poppler-utils", "pdftotext")
	r := fullReport(t)
	url := "file://" + writePage(t, r, "")
	pdf := filepath.Join(t.TempDir(), "report.pdf")
	browsertest.Run(t, bin, "--print-to-pdf="+pdf, "--no-pdf-header-footer", url)
	if p := os.Getenv("PAYCERT_KEEP_PDF"); p != "" {
		b, _ := os.ReadFile(pdf)
		_ = os.WriteFile(p, b, 0o644)
	}
	out, err := exec.Command(pdftotext, "-bbox", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	words := pdfWords(string(out))
	printed := map[string]bool{}
	for _, w := range words {
		printed[w] = true
	}
	// Whole words: a code or an interface name stands alone only in the
	// matrix (labels print as "code:0325", spec texts name neither), so
	// these are the matrix's rows and columns down to the last.
	want := []string{"Summary", "Environment", "Errata", r.RunID + "."}
	for n := 1; n <= r.Counts.Total; n++ {
		want = append(want, fmt.Sprintf("%d)", n)) // every row of every spec list: "(spec n)"
	}
	for _, p := range r.Platforms {
		for _, c := range p.Codes {
			want = append(want, strings.Fields(c.Code)...)
		}
		for _, i := range p.Interfaces {
			want = append(want, i.Name)
		}
		for _, e := range p.Errata {
			want = append(want, e.ID)
		}
	}
	missing := 0
	for _, w := range want {
		if !printed[w] {
			if missing++; missing <= 10 {
				t.Errorf("the printed report lacks %q", w)
			}
		}
	}
}

var wordRE = regexp.MustCompile(`<word xMin="[\d.-]+" yMin="[\d.-]+" xMax="[\d.-]+" yMax="[\d.-]+">([^<]*)</word>`)

// pdfWords reads the words of pdftotext -bbox output. Chromium shrinks a
// page that is too wide and drops what a scroll box clips, so a word cut
// off in print is a missing word, not one beyond the page's edge.
func pdfWords(bbox string) []string {
	var words []string
	for _, w := range wordRE.FindAllStringSubmatch(bbox, -1) {
		words = append(words, html.UnescapeString(w[1]))
	}
	return words
}

func countColour(img image.Image, r0, g0, b0 uint32) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r>>8, r0) && near(g>>8, g0) && near(bl>>8, b0) {
				n++
			}
		}
	}
	return n
}

func near(a, b uint32) bool { return a+3 >= b && a <= b+3 }

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}
