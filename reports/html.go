package reports

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"paycert/conformance/negatives"
	"paycert/platforms/catalog"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// WriteHTML renders the report as one self-contained page: inline CSS, a few
// lines of inline script, no external assets, so it opens from disk and can
// be archived with the evidence.
func WriteHTML(w io.Writer, r Report) error {
	t, err := template.New("report").Funcs(template.FuncMap{
		"hexdump":         hexdump,
		"matrix":          matrix,
		"symbol":          symbol,
		"fields":          fieldMatrixView,
		"legend":          legend,
		"duration":        duration,
		"platformSeconds": platformSeconds,
		"runSeconds":      runSeconds,
		"section":         section,
		"words":           func(s Status) string { return strings.ReplaceAll(string(s), "-", " ") },
		"short":           short,
		"hasFail":         func(p Platform) bool { return p.Counts.Failed > 0 || p.Counts.WaivedPassed > 0 },
		"isFailed":        func(s Spec) bool { return s.Status == Failed || s.Status == WaivedPassed },
		"killed":          killedCount,
		"covered":         coveredCodes,
		"ranLine":         RanLine,
	}).Parse(pageTemplate)
	if err != nil {
		return fmt.Errorf("report template: %w", err)
	}
	if err := t.Execute(w, r); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return nil
}

// coveredCodes says how many documented codes a spec provoked and passed,
// and what became of the others.
func coveredCodes(p Platform) string {
	return CoverageLine(p.Coverage)
}

func hexdump(b []byte) string { return hex.Dump(b) }

// short cuts s to at most n bytes at a character boundary: the spec texts
// it cuts are Chinese as often as not, and half a character is invalid
// UTF-8 in the page.
func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func killedCount(m *Mutation) string {
	if m == nil {
		return ""
	}
	k := 0
	for _, x := range m.Mutants {
		if x.Killed {
			k++
		}
	}
	return fmt.Sprintf("%d of %d killed", k, len(m.Mutants))
}

// matrixView is one platform's result codes × interfaces grid. It is
// transposed (a row per code, a column per interface) because a platform
// has at most a dozen interfaces but up to 132 codes: columns would scroll
// sideways at any width, rows only make the page longer, and they print.
type matrixView struct {
	Platform   string
	Interfaces []matrixIface
	Rows       []matrixRow
}

type matrixIface struct {
	InterfaceResult
	All cell // every spec labelled with the interface
}

type matrixRow struct {
	Code    CodeResult
	Overall cell   // every spec labelled with the code
	Cells   []cell // per interface: specs labelled with both
}

// cell is one square of the grid: the combined status of its specs and
// their IDs, so the square can link to them.
type cell struct {
	Label  string // what the square stands for: "code 0325 × card_verify"
	Status Status
	IDs    []string
}

// Target is the spec the cell's link jumps to without script: the first.
func (c cell) Target() string {
	if len(c.IDs) == 0 {
		return ""
	}
	return c.IDs[0]
}

// List is the space-separated IDs the page's script filters the spec list to.
func (c cell) List() string { return strings.Join(c.IDs, " ") }

// matrix lists every documented code in numeric order against every
// interface of the catalogue.
func matrix(p Platform) matrixView {
	mv := matrixView{Platform: p.Name}
	for _, i := range p.Interfaces {
		c := cell{Label: "interface " + i.Name, Status: i.Status}
		for _, s := range p.Specs {
			if slices.Contains(s.Interfaces, i.Name) {
				c.IDs = append(c.IDs, s.ID)
			}
		}
		mv.Interfaces = append(mv.Interfaces, matrixIface{InterfaceResult: i, All: c})
	}
	codes := slices.Clone(p.Codes)
	slices.SortStableFunc(codes, func(a, b CodeResult) int { return compareCodes(a.Code, b.Code) })
	for _, c := range codes {
		row := matrixRow{Code: c, Overall: cell{Label: "code " + c.Code, Status: c.Status}}
		for _, s := range p.Specs {
			if slices.Contains(s.Codes, c.Code) {
				row.Overall.IDs = append(row.Overall.IDs, s.ID)
			}
		}
		for _, i := range p.Interfaces {
			x := cell{Label: "code " + c.Code + " × " + i.Name, Status: i.ByCode[c.Code]}
			for _, s := range p.Specs {
				if slices.Contains(s.Codes, c.Code) && slices.Contains(s.Interfaces, i.Name) {
					x.IDs = append(x.IDs, s.ID)
				}
			}
			row.Cells = append(row.Cells, x)
		}
		mv.Rows = append(mv.Rows, row)
	}
	return mv
}

// fieldsView is one platform's field coverage matrix: per interface, its
// request fields × the breaches, each cell linking to its generated specs.
type fieldsView struct {
	Breaches   []catalog.Breach
	Fields     int // request fields of the catalogue
	Covered    int // fields with at least one generated case
	Cases      int
	Interfaces []fieldIface
}

type fieldIface struct {
	Name                           string
	Cases, Passed, Failed, Skipped int
	Rows                           []fieldRow
}

type fieldRow struct {
	Path  string
	Cells []cell
}

// fieldMatrixView builds the view, nil when the platform has no generated specs.
func fieldMatrixView(p Platform) *fieldsView {
	if len(p.Fields) == 0 {
		return nil
	}
	v := &fieldsView{Breaches: catalog.Breaches()}
	byIface := map[string]*fieldIface{}
	for _, fr := range p.Fields {
		fi := byIface[fr.Interface]
		if fi == nil {
			v.Interfaces = append(v.Interfaces, fieldIface{Name: fr.Interface})
			fi = &v.Interfaces[len(v.Interfaces)-1]
			byIface[fr.Interface] = fi
		}
		row := fieldRow{Path: fr.Path}
		n := 0
		for _, br := range fr.Breaches {
			c := cell{Label: fr.Interface + " " + fr.Path + " " + string(br.Breach), Status: br.Status}
			for _, s := range p.Specs {
				if slices.Contains(s.Interfaces, fr.Interface) && slices.Contains(s.Labels, "field:"+negatives.LabelPath(fr.Path)) && slices.Contains(s.Labels, "breach:"+string(br.Breach)) {
					c.IDs = append(c.IDs, s.ID)
				}
			}
			row.Cells = append(row.Cells, c)
			n += br.Specs
			fi.Cases += br.Specs
			fi.Passed += br.Passed
			fi.Failed += br.Failed
			fi.Skipped += br.Skipped
		}
		v.Fields++
		v.Cases += n
		if n > 0 {
			v.Covered++
		}
		fi.Rows = append(fi.Rows, row)
	}
	return v
}

// compareCodes orders result codes as a reader of the spec expects: numeric
// codes by value, shorter ones first (Kakatong's licence codes 0-4 before
// its return codes 00-71, not interleaved), then the others as text
// (99bill's "C0", "B.MGW.0001"; Kakatong's texts used as codes).
func compareCodes(a, b string) int {
	da, db := allDigits(a), allDigits(b)
	switch {
	case da && !db:
		return -1
	case !da && db:
		return 1
	case da && db && len(a) != len(b):
		return cmp.Compare(len(a), len(b))
	}
	return strings.Compare(a, b) // equal-length digit strings compare as numbers do
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// symbol gives every status a symbol as well as a colour, so the report
// reads in black and white and for colour-blind readers.
func symbol(s Status) string {
	switch s {
	case Passed:
		return "✓"
	case Failed:
		return "✗"
	case Waived:
		return "⚑"
	case WaivedPassed:
		return "!"
	case Skipped:
		return "⊘"
	case Pending:
		return "…"
	case NotProvokable:
		return "∅"
	case NotCovered:
		return "?"
	case "":
		return ""
	}
	return "·" // a status this page does not know yet still shows something
}

// legendEntry explains one symbol; the legend lists them in this order.
type legendEntry struct {
	Status  Status
	Symbol  string
	Meaning string
}

func legend() []legendEntry {
	out := []legendEntry{
		{Passed, "", "passed: every spec ran and passed"},
		{Failed, "", "failed: at least one spec failed"},
		{Waived, "", "waived: failed, accepted by an unexpired waiver"},
		{WaivedPassed, "", "waived but passed: remove the waiver"},
		{Skipped, "", "skipped: not run here (needs the simulator or a param)"},
		{NotProvokable, "", "not provokable: a client cannot make a conforming server return it"},
		{NotCovered, "", "not covered: no spec exercises it"},
	}
	for i := range out {
		out[i].Symbol = symbol(out[i].Status)
	}
	return out
}

// duration shows a spec's run time at a precision that says something:
// most specs take well under 10 ms, which "%.2f s" printed as 0.00.
func duration(sec float64) string {
	switch {
	case sec <= 0:
		return "–"
	case sec < 0.001:
		return "<1 ms"
	case sec < 0.1:
		return fmt.Sprintf("%.1f ms", sec*1000)
	case sec < 10:
		return fmt.Sprintf("%.2f s", sec)
	}
	return time.Duration(sec * float64(time.Second)).Round(time.Second).String()
}

func platformSeconds(p Platform) float64 {
	var t float64
	for _, s := range p.Specs {
		t += s.Seconds
	}
	return t
}

func runSeconds(r Report) float64 { return r.Finished.Sub(r.Started).Seconds() }

var seedPrefix = regexp.MustCompile(`^\d{3}(_[0-9a-f]+(\.txt)?)?\s*`)

// section drops the seed file number from a place in a spec ("002 §4.6" →
// "§4.6"): the platform and its document are named around it.
func section(s string) string { return seedPrefix.ReplaceAllString(s, "") }

const pageTemplate = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>paycert certification {{.RunID}} — {{.Verdict}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{padding:16px 24px;color:#fff}
header.PASS{background:#1b7f3b} header.FAIL{background:#b3261e} header.INCOMPLETE{background:#8a5a00}
header h1{margin:0;font-size:22px}
main{padding:8px 24px 40px}
section{background:#fff;border:1px solid #ddd;border-radius:6px;margin:16px 0;padding:12px 16px}
h2{font-size:18px;margin:4px 0 10px} h3{font-size:15px;margin:14px 0 6px;overflow-wrap:anywhere}
table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f0f0f0}
.passed{background:#c8efd2} .failed{background:#f7c1bd} .waived{background:#ffe9a8} .waived-passed{background:#ffb347}
.skipped,.pending{background:#eee;color:#555} .not-provokable{background:#dde6f5} .not-covered{background:#fff;color:#b3261e}
.badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px;white-space:nowrap}
pre{background:#f6f6f6;border:1px solid #e3e3e3;padding:6px;overflow:auto;max-height:320px;white-space:pre-wrap;word-break:break-all}
.fail{border-left:4px solid #b3261e;padding-left:10px;margin:10px 0}
.muted{color:#666} input{padding:4px;width:320px}
.doc{color:#444;margin:-6px 0 6px}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;margin:6px 0;padding:0;list-style:none}
.legend li{white-space:nowrap} .legend .sym{display:inline-block;width:18px;text-align:center;border:1px solid #ccc;margin-right:4px}
.matrix-wrap{overflow-x:auto;max-width:100%}
table.matrix{width:100%}
table.matrix.fields{width:auto} details.fields{margin:4px 0} details.fields summary{cursor:pointer}
table.matrix td.sq{text-align:center;width:24px;padding:2px 1px;font-size:14px;line-height:18px}
table.matrix td.sq a,table.matrix td.overall a{color:inherit;text-decoration:none;display:block}
table.matrix td.sq a:hover,table.matrix td.overall a:hover{outline:2px solid #1a5fb4}
table.matrix th.iface{vertical-align:bottom;text-align:center;padding:4px 1px;width:24px}
table.matrix th.iface span{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:normal;font-size:12px}
table.matrix td.code{font-family:ui-monospace,monospace;white-space:nowrap}
table.matrix td.overall{white-space:nowrap} table.matrix td.overall a{display:inline}
table.matrix tr.all th,table.matrix tr.all td{border-bottom:2px solid #999}
table.errata{table-layout:fixed;width:100%} table.errata td{overflow-wrap:anywhere} table.errata col.id{width:18em}
table.errata td.id{white-space:nowrap;overflow-wrap:normal;font-family:ui-monospace,monospace;font-size:12px}
.specs td.time{text-align:right;white-space:nowrap}
.cellnote{background:#e8f0fb;padding:4px 8px;margin:6px 0}
@media print{
  @page{size:A4;margin:12mm}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  body{background:#fff;font-size:11px}
  main{padding:0}
  section{border:none;border-radius:0;padding:0;margin:10px 0}
  table{width:100%;font-size:10px} td,th{overflow-wrap:anywhere}
  thead{display:table-header-group} tr{break-inside:avoid}
  h2,h3{break-after:avoid}
  pre{max-height:none;overflow:visible;font-size:9px}
  input.filter,.cellnote,button{display:none!important}
  .specs tr{display:table-row!important}
  .matrix-wrap{overflow:visible}
  a{color:inherit;text-decoration:none}
  /* On paper the errata read as one block each: five columns of prose
     do not fit a portrait page. */
  table.errata,table.errata tbody,table.errata tr,table.errata td,table.errata th{display:block;width:auto;border:none;padding:1px 0}
  table.errata thead,table.errata colgroup{display:none}
  table.errata tr{border-top:1px solid #ccc;padding:4px 0}
  table.errata td[data-label]::before{content:attr(data-label) ": ";font-weight:bold}
}
</style></head>
<body>
<header class="{{.Verdict}}"><h1>paycert certification: {{.Verdict}}</h1>
<div class="verdict">{{ranLine .}}</div>
{{with .CombinedFrom}}<div class="combined">combined result of run {{index . 0}} and its re-run {{index . 1}}: {{index . 0}}'s results with the re-run specs' results replaced</div>{{end}}
<div>run {{.RunID}} · {{.Counts.Total}} specs · {{.Counts.Passed}} passed · {{.Counts.Failed}} failed · {{.Counts.Waived}} waived · {{.Counts.WaivedPassed}} waived but passed · {{.Counts.Skipped}} skipped{{with .Mutation}} · mutants {{killed .}}{{end}}</div></header>
<main>
<section id="summary"><h2>Summary</h2><table><tr><th>platform</th><th>target</th><th>specs</th><th>passed</th><th>failed</th><th>waived</th><th>skipped</th><th>codes covered</th></tr>
{{range .Platforms}}<tr><td><a href="#platform-{{.Name}}">{{.Title}}</a></td><td>{{.Target}}</td><td>{{.Counts.Total}}</td><td>{{.Counts.Passed}}</td><td class="{{if .Counts.Failed}}failed{{end}}">{{.Counts.Failed}}</td><td>{{.Counts.Waived}}</td><td>{{.Counts.Skipped}}</td><td>{{covered .}}</td></tr>{{end}}</table></section>
<section id="package"><h2>Certification package</h2>
{{with .Signature}}<p class="signed">Signed {{with .Name}}by <b>{{.}}</b> (the signer's own words) {{end}}with key <code>{{.Fingerprint}}</code> ({{.Algorithm}}) on {{.Signed.Format "2006-01-02 15:04 MST"}}. <code>paycert report verify evidence.tar.gz</code> checks every file of the bundle against its manifest and the signature over the manifest, and prints the signer's fingerprint to compare with this one.</p>
{{else}}<p class="unsigned">Not signed. The evidence bundle (evidence.tar.gz) holds every file of this run with a SHA-256 manifest; <code>paycert report sign --key KEY</code> signs the manifest so a reader can tell who vouches for it.</p>{{end}}</section>
<section id="manifest"><h2>Environment</h2><table>
<tr><th>paycert</th><td>{{.Manifest.Version}} ({{.Manifest.Commit}})</td></tr>
<tr><th>started / finished</th><td>{{.Started.Format "2006-01-02 15:04:05 MST"}} / {{.Finished.Format "15:04:05"}} ({{duration (runSeconds .)}})</td></tr>
<tr><th>targets</th><td>{{range .Manifest.Targets}}{{.}}<br>{{end}}</td></tr>
{{with .Manifest.Profiles}}<tr><th>profiles</th><td>{{range .}}{{.}}<br>{{end}}</td></tr>{{end}}
{{with .Manifest.LabelFilter}}<tr><th>label filter</th><td><code>{{.}}</code></td></tr>{{end}}
<tr><th>machine</th><td>{{.Manifest.Host}} · {{.Manifest.OSArch}} · {{.Manifest.CPUs}} CPUs · {{.Manifest.GoVersion}}</td></tr>
<tr><th>command</th><td><code>{{.Manifest.Command}}</code></td></tr>
</table></section>

{{range .Platforms}}{{if hasFail .}}<section class="failures" id="failures-{{.Name}}"><h2>Failures — {{.Title}}</h2>
{{range .Specs}}{{if isFailed .}}<div class="fail" id="spec-{{.ID}}"><b>{{.Text}}</b> <span class="badge {{.Status}}">{{symbol .Status}} {{words .Status}}</span>
<div class="muted">{{range .Labels}}{{.}} {{end}}</div>
<pre>{{.Failure}}</pre><div class="muted">{{.Location}}</div>
{{range .Exchanges}}<h3>{{.Method}} {{.URL}} — HTTP {{.Status}} ({{.Interface}}, {{.Charset}})</h3>
<div>request</div><pre>{{.RequestText}}</pre><details><summary>request hex</summary><pre>{{hexdump .Request}}</pre></details>
<div>reply</div><pre>{{.ReplyText}}</pre><details><summary>reply hex</summary><pre>{{hexdump .Reply}}</pre></details>
{{with .Err}}<div>transport error: {{.}}</div>{{end}}{{end}}
</div>{{end}}{{end}}</section>{{end}}{{end}}

{{range .Platforms}}<section class="platform" id="platform-{{.Name}}"><h2>{{.Title}}</h2>
<div class="doc" title="seed {{.Seed}}">specification: {{with .Document}}{{.}}{{else}}{{.Seed}}{{end}}</div>
<div>target: {{.Target}} · {{.Counts.Total}} specs in {{duration (platformSeconds .)}} · {{.Counts.Passed}} passed · {{.Counts.Failed}} failed · {{.Counts.Skipped}} skipped</div>
{{$m := matrix .}}<h3>Result codes × interfaces</h3>
<ul class="legend">{{range legend}}<li><span class="sym {{.Status}}">{{.Symbol}}</span>{{.Meaning}}</li>{{end}}<li><span class="sym">&nbsp;</span>blank: no spec combines the code and the interface</li></ul>
<div class="matrix-wrap"><table class="grid matrix" data-platform="{{.Name}}">
<thead><tr><th>code</th><th>meaning</th><th>all specs of the code</th>{{range $m.Interfaces}}<th class="iface" title="{{.Title}} ({{section .Section}})"><span>{{.Name}}</span></th>{{end}}</tr>
<tr class="all"><th colspan="3">all specs of the interface</th>{{range $m.Interfaces}}<td class="sq {{.All.Status}}">{{template "cell" .All}}</td>{{end}}</tr></thead>
<tbody>{{range $m.Rows}}<tr><td class="code">{{.Code.Code}}</td><td>{{.Code.Text}}{{with .Code.TextEN}} <span class="muted">{{.}}</span>{{end}}{{with .Code.Unprovokable}}<div class="muted">not provokable: {{.}}</div>{{end}}</td><td class="overall {{.Overall.Status}}">{{template "cell" .Overall}} {{words .Overall.Status}}{{with .Overall.IDs}} · {{len .}}{{end}}</td>{{range .Cells}}<td class="sq {{.Status}}">{{template "cell" .}}</td>{{end}}</tr>
{{end}}</tbody></table></div>
{{with fields .}}{{$f := .}}<h3>Request fields × breaches (generated negatives)</h3>
<p class="muted">{{.Cases}} generated cases over {{.Covered}} of {{.Fields}} request fields; a blank cell: no case of that breach applies to the field (an optional field cannot be missing, a field without a maximum cannot be too long, a number has no charset).</p>
{{range .Interfaces}}{{if .Failed}}<details class="fields" open>{{else}}<details class="fields">{{end}}<summary>{{.Name}}: {{len .Rows}} fields, {{.Cases}} cases, {{.Passed}} passed, {{.Failed}} failed, {{.Skipped}} skipped</summary>
<table class="grid matrix fields"><thead><tr><th>field</th>{{range $f.Breaches}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{range .Rows}}<tr><td class="code">{{.Path}}</td>{{range .Cells}}<td class="sq {{.Status}}">{{template "cell" .}}</td>{{end}}</tr>
{{end}}</tbody></table></details>
{{end}}{{end}}
<h3>All specs</h3><input class="filter" placeholder="filter specs (text or label)" data-target="specs-{{.Name}}">
<div class="cellnote" id="note-specs-{{.Name}}" hidden></div>
<table id="specs-{{.Name}}" class="specs"><thead><tr><th>status</th><th>spec</th><th>labels</th><th>time</th></tr></thead><tbody>
{{range .Specs}}<tr id="row-{{.ID}}"><td class="{{.Status}}"><span class="badge">{{symbol .Status}} {{words .Status}}</span></td><td>{{.Text}}{{with .Skip}}<div class="muted">{{short . 200}}</div>{{end}}{{with .Waiver}}<div class="muted">waiver: {{.}}</div>{{end}}{{range .Notes}}<div class="muted">note: {{.}}</div>{{end}}</td><td class="muted">{{range .Labels}}{{.}} {{end}}</td><td class="time">{{duration .Seconds}}</td></tr>
{{end}}</tbody></table>
</section>{{end}}

<section id="errata"><h2>Errata register</h2><p class="muted">Where a specification is silent, lossy or contradicts itself, and the reading paycert chose.</p>
<table class="errata"><colgroup><col class="id"><col style="width:12%"><col><col><col style="width:16%"></colgroup>
<thead><tr><th>id</th><th>where in the spec</th><th>what the spec says</th><th>reading chosen</th><th>where in paycert</th></tr></thead><tbody>
{{range .Platforms}}<tr><th colspan="5">{{.Title}}{{with .Document}} — {{.}}{{end}}</th></tr>
{{range .Errata}}<tr><td class="id">{{.ID}}</td><td data-label="where in the spec">{{section .Seed}}</td><td data-label="the spec says">{{.Issue}}</td><td data-label="reading chosen">{{.Reading}}</td><td data-label="where in paycert"><code>{{.Where}}</code></td></tr>
{{end}}{{end}}</tbody></table></section>

{{with .Mutation}}<section id="mutation"><h2>Mutation kill matrix</h2><p>{{killed .}} (run {{.Time.Format "2006-01-02 15:04"}}). A mutant is a simulator fault a real implementation plausibly has; the suite must fail against it.</p>
<table><tr><th>platform</th><th>fault</th><th>what it breaks</th><th>result</th><th>killed by</th></tr>
{{range .Mutants}}<tr><td>{{.Platform}}</td><td>{{.Fault}}</td><td>{{.Description}}</td><td class="{{if .Killed}}passed{{else}}failed{{end}}">{{if .Killed}}✓ killed{{else}}✗ SURVIVED{{end}}{{with .Error}} ({{.}}){{end}}</td><td class="muted">{{range .KilledBy}}{{short . 120}}<br>{{end}}</td></tr>{{end}}</table></section>{{end}}

{{with .Load}}<section id="load"><h2>Load reports</h2><ul>{{range .}}<li><a href="{{.Path}}">{{.Title}}</a></li>{{end}}</ul></section>{{end}}
<div id="end-of-report" class="muted">End of report {{.RunID}}.</div>
</main>
<script>
document.querySelectorAll("input.filter").forEach(function (inp) {
  inp.addEventListener("input", function () {
    var q = inp.value.toLowerCase(), rows = document.getElementById(inp.dataset.target).tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) rows[i].style.display = rows[i].textContent.toLowerCase().indexOf(q) >= 0 ? "" : "none";
  });
});
// A matrix square lists its specs: clicking it shows only those in the spec
// list below (the link itself jumps to the first).
document.querySelectorAll("table.matrix a[data-specs]").forEach(function (a) {
  a.addEventListener("click", function () {
    var id = "specs-" + a.closest("table").dataset.platform, ids = a.dataset.specs.split(" "),
        rows = document.getElementById(id).tBodies[0].rows, note = document.getElementById("note-" + id);
    for (var i = 0; i < rows.length; i++) rows[i].style.display = ids.indexOf(rows[i].id.slice(4)) >= 0 ? "" : "none";
    note.textContent = "Showing the " + ids.length + " spec(s) of " + a.dataset.label + ". ";
    var all = document.createElement("button");
    all.textContent = "show all specs";
    all.addEventListener("click", function () {
      for (var i = 0; i < rows.length; i++) rows[i].style.display = "";
      note.hidden = true;
    });
    note.appendChild(all);
    note.hidden = false;
  });
});
document.body.dataset.rendered = document.querySelectorAll("table.matrix").length;
</script>
</body></html>
{{define "cell"}}{{with .Target}}<a href="#row-{{.}}" data-specs="{{$.List}}" data-label="{{$.Label}}" title="{{$.Label}}: {{len $.IDs}} spec(s), {{$.Status}}">{{symbol $.Status}}</a>{{else}}{{if .Status}}<span title="{{.Label}}: {{.Status}}">{{symbol .Status}}</span>{{end}}{{end}}{{end}}
`
