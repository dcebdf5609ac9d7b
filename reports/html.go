package reports

import (
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"strings"
	"unicode/utf8"

	"paycert/codecs/gbk"
)

// WriteHTML renders the report as one self-contained page: inline CSS, a few
// lines of inline script, no external assets, so it opens from disk and can
// be archived with the evidence.
func WriteHTML(w io.Writer, r Report) error {
	t, err := template.New("report").Funcs(template.FuncMap{
		"decoded":  decoded,
		"hexdump":  hexdump,
		"matrix":   matrix,
		"short":    short,
		"hasFail":  func(p Platform) bool { return p.Counts.Failed > 0 || p.Counts.WaivedPassed > 0 },
		"isFailed": func(s Spec) bool { return s.Status == Failed || s.Status == WaivedPassed },
		"killed":   killedCount,
		"covered":  coveredCodes,
	}).Parse(pageTemplate)
	if err != nil {
		return fmt.Errorf("report template: %w", err)
	}
	if err := t.Execute(w, r); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return nil
}

// decoded shows bytes as a person reads them: GBK/GB2312/GB18030 bodies decoded,
// UTF-8 as is, anything else as "(binary, see hex)".
func decoded(b []byte, charset string) string {
	if len(b) == 0 {
		return "(empty)"
	}
	decode := gbk.Decode
	switch strings.ToUpper(charset) {
	case "GB18030":
		decode = gbk.DecodeGB18030 // its four-byte characters are not GBK
		fallthrough
	case "GBK", "GB2312":
		if s, err := decode(nil, b); err == nil {
			return string(s)
		}
		return "(not valid " + charset + ": see hex)"
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return "(binary: see hex)"
}

// coveredCodes says how many documented codes some spec exercised or the
// catalogue explains as not provokable.
func coveredCodes(p Platform) string {
	n := 0
	for _, c := range p.Codes {
		if c.Status != NotCovered {
			n++
		}
	}
	return fmt.Sprintf("%d/%d", n, len(p.Codes))
}

func hexdump(b []byte) string { return hex.Dump(b) }

func short(s string, n int) string {
	if len(s) <= n {
		return s
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

// matrixView is the interface × code grid of one platform.
type matrixView struct {
	Codes []string
	Rows  []matrixRow
}

type matrixRow struct {
	Interface InterfaceResult
	Cells     []Status
}

// matrix keeps only the codes some interface-labelled spec exercised, in
// catalogue order, so the grid stays readable; the code table below it lists
// every documented code.
func matrix(p Platform) matrixView {
	used := map[string]bool{}
	for _, i := range p.Interfaces {
		for c := range i.ByCode {
			used[c] = true
		}
	}
	var mv matrixView
	for _, c := range p.Codes {
		if used[c.Code] {
			mv.Codes = append(mv.Codes, c.Code)
		}
	}
	for _, i := range p.Interfaces {
		row := matrixRow{Interface: i}
		for _, c := range mv.Codes {
			row.Cells = append(row.Cells, i.ByCode[c])
		}
		mv.Rows = append(mv.Rows, row)
	}
	return mv
}

const pageTemplate = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>paycert certification {{.RunID}} — {{.Verdict}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{padding:16px 24px;color:#fff}
header.PASS{background:#1b7f3b} header.FAIL{background:#b3261e}
header h1{margin:0;font-size:22px}
main{padding:8px 24px 40px}
section{background:#fff;border:1px solid #ddd;border-radius:6px;margin:16px 0;padding:12px 16px}
h2{font-size:18px;margin:4px 0 10px} h3{font-size:15px;margin:14px 0 6px}
table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f0f0f0}
.grid td{text-align:center;min-width:34px;font-size:11px}
.passed{background:#c8efd2} .failed{background:#f7c1bd} .waived{background:#ffe9a8} .waived-passed{background:#ffb347}
.skipped,.pending{background:#eee;color:#777} .not-provokable{background:#dde6f5} .not-covered{background:#fff;color:#b3261e}
.badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:12px}
pre{background:#f6f6f6;border:1px solid #e3e3e3;padding:6px;overflow:auto;max-height:320px;white-space:pre-wrap;word-break:break-all}
.fail{border-left:4px solid #b3261e;padding-left:10px;margin:10px 0}
.muted{color:#777} .scroll{overflow-x:auto;max-width:100%} input{padding:4px;width:320px}
</style></head>
<body>
<header class="{{.Verdict}}"><h1>paycert certification: {{.Verdict}}</h1>
<div>run {{.RunID}} · {{.Counts.Total}} specs · {{.Counts.Passed}} passed · {{.Counts.Failed}} failed · {{.Counts.Waived}} waived · {{.Counts.WaivedPassed}} waived but passed · {{.Counts.Skipped}} skipped{{with .Mutation}} · mutants {{killed .}}{{end}}</div></header>
<main>
<section id="summary"><h2>Summary</h2><table><tr><th>platform</th><th>target</th><th>specs</th><th>passed</th><th>failed</th><th>waived</th><th>skipped</th><th>codes covered</th></tr>
{{range .Platforms}}<tr><td><a href="#platform-{{.Name}}">{{.Name}}</a></td><td>{{.Target}}</td><td>{{.Counts.Total}}</td><td>{{.Counts.Passed}}</td><td class="{{if .Counts.Failed}}failed{{end}}">{{.Counts.Failed}}</td><td>{{.Counts.Waived}}</td><td>{{.Counts.Skipped}}</td><td>{{covered .}}</td></tr>{{end}}</table></section>
<section id="manifest"><h2>Environment</h2><table>
<tr><th>paycert</th><td>{{.Manifest.Version}} ({{.Manifest.Commit}})</td></tr>
<tr><th>started / finished</th><td>{{.Started.Format "2006-01-02 15:04:05 MST"}} / {{.Finished.Format "15:04:05"}}</td></tr>
<tr><th>targets</th><td>{{range .Manifest.Targets}}{{.}}<br>{{end}}</td></tr>
{{with .Manifest.Profiles}}<tr><th>profiles</th><td>{{range .}}{{.}}<br>{{end}}</td></tr>{{end}}
{{with .Manifest.LabelFilter}}<tr><th>label filter</th><td><code>{{.}}</code></td></tr>{{end}}
<tr><th>machine</th><td>{{.Manifest.Host}} · {{.Manifest.OSArch}} · {{.Manifest.CPUs}} CPUs · {{.Manifest.GoVersion}}</td></tr>
<tr><th>command</th><td><code>{{.Manifest.Command}}</code></td></tr>
</table></section>

{{range .Platforms}}{{if hasFail .}}<section class="failures" id="failures-{{.Name}}"><h2>Failures — {{.Title}}</h2>
{{range .Specs}}{{if isFailed .}}<div class="fail" id="spec-{{.ID}}"><b>{{.Text}}</b> <span class="badge {{.Status}}">{{.Status}}</span>
<div class="muted">{{range .Labels}}{{.}} {{end}}</div>
<pre>{{.Failure}}</pre><div class="muted">{{.Location}}</div>
{{range .Exchanges}}<h3>{{.Method}} {{.URL}} — HTTP {{.Status}} ({{.Interface}}, {{.Charset}})</h3>
<div>request</div><pre>{{decoded .Request .Charset}}</pre><details><summary>request hex</summary><pre>{{hexdump .Request}}</pre></details>
<div>reply</div><pre>{{decoded .Reply .Charset}}</pre><details><summary>reply hex</summary><pre>{{hexdump .Reply}}</pre></details>
{{with .Err}}<div>transport error: {{.}}</div>{{end}}{{end}}
</div>{{end}}{{end}}</section>{{end}}{{end}}

{{range .Platforms}}<section class="platform" id="platform-{{.Name}}"><h2>{{.Title}} <span class="muted">({{.Name}} · {{.Seed}})</span></h2>
<div>target: {{.Target}} · {{.Counts.Total}} specs · {{.Counts.Passed}} passed · {{.Counts.Failed}} failed · {{.Counts.Skipped}} skipped</div>
{{$m := matrix .}}<h3>Interfaces × result codes</h3>
<div class="scroll"><table class="grid matrix" data-platform="{{.Name}}"><tr><th>interface</th><th>all specs</th>{{range $m.Codes}}<th>{{.}}</th>{{end}}</tr>
{{range $m.Rows}}<tr><th title="{{.Interface.Section}}">{{.Interface.Name}} <span class="muted">{{.Interface.Title}}</span></th><td class="{{.Interface.Status}}">{{.Interface.Specs}}</td>{{range .Cells}}<td class="{{.}}">{{if .}}●{{end}}</td>{{end}}</tr>{{end}}</table></div>
<h3>Result codes</h3><table class="codes"><tr><th>code</th><th>text</th><th>status</th><th>specs</th><th>note</th></tr>
{{range .Codes}}<tr><td>{{.Code}}</td><td>{{.Text}}<br><span class="muted">{{.TextEN}}</span></td><td class="{{.Status}}">{{.Status}}</td><td>{{.Specs}}</td><td>{{.Unprovokable}}</td></tr>{{end}}</table>
<h3>All specs</h3><input class="filter" placeholder="filter specs (text or label)" data-target="specs-{{.Name}}">
<table id="specs-{{.Name}}" class="specs"><tr><th>status</th><th>spec</th><th>labels</th><th>s</th></tr>
{{range .Specs}}<tr><td class="{{.Status}}">{{.Status}}</td><td>{{.Text}}{{with .Skip}}<div class="muted">{{short . 200}}</div>{{end}}{{with .Waiver}}<div class="muted">waiver: {{.}}</div>{{end}}{{range .Notes}}<div class="muted">note: {{.}}</div>{{end}}</td><td class="muted">{{range .Labels}}{{.}} {{end}}</td><td>{{printf "%.2f" .Seconds}}</td></tr>{{end}}</table>
</section>{{end}}

<section id="errata"><h2>Errata register</h2><p class="muted">Where a seed is silent, lossy or contradicts itself, and the reading paycert chose.</p>
<table><tr><th>id</th><th>seed</th><th>what the spec says</th><th>reading chosen</th><th>where</th></tr>
{{range .Platforms}}{{range .Errata}}<tr><td>{{.ID}}</td><td>{{.Seed}}</td><td>{{.Issue}}</td><td>{{.Reading}}</td><td><code>{{.Where}}</code></td></tr>{{end}}{{end}}</table></section>

{{with .Mutation}}<section id="mutation"><h2>Mutation kill matrix</h2><p>{{killed .}} (run {{.Time.Format "2006-01-02 15:04"}}). A mutant is a simulator fault a real implementation plausibly has; the suite must fail against it.</p>
<table><tr><th>platform</th><th>fault</th><th>what it breaks</th><th>result</th><th>killed by</th></tr>
{{range .Mutants}}<tr><td>{{.Platform}}</td><td>{{.Fault}}</td><td>{{.Description}}</td><td class="{{if .Killed}}passed{{else}}failed{{end}}">{{if .Killed}}killed{{else}}SURVIVED{{end}}{{with .Error}} ({{.}}){{end}}</td><td class="muted">{{range .KilledBy}}{{short . 120}}<br>{{end}}</td></tr>{{end}}</table></section>{{end}}

{{with .Load}}<section id="load"><h2>Load reports</h2><ul>{{range .}}<li><a href="{{.Path}}">{{.Title}}</a></li>{{end}}</ul></section>{{end}}
</main>
<script>
document.querySelectorAll("input.filter").forEach(function (inp) {
  inp.addEventListener("input", function () {
    var q = inp.value.toLowerCase(), rows = document.getElementById(inp.dataset.target).rows;
    for (var i = 1; i < rows.length; i++) rows[i].style.display = rows[i].textContent.toLowerCase().indexOf(q) >= 0 ? "" : "none";
  });
});
document.body.dataset.rendered = document.querySelectorAll("table.matrix").length;
</script>
</body></html>
`
