// Package htmlreport renders load results as one self-contained HTML page:
// per scenario and per step, latency over time, percentiles, a latency
// histogram, throughput over time and an errors table. The charts are
// inline SVG drawn here; the page loads no script, font or stylesheet from
// anywhere, so it can be attached to a release ticket and opened offline.
package htmlreport

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"paycert/load"
)

// Report is the data of one page: one Run per results file. Files are
// never joined here: two files are two runs (or two shards of one, which
// only "paycert load merge" may join, checking that they are), each drawn
// as its own series and judged on its own, as "vegeta plot" draws them.
type Report struct {
	Title     string
	Generated time.Time
	Runs      []*Run
}

// Run is one results file: its data, what its meta file recorded, and the
// verdict the page comes to.
type Run struct {
	File      string
	Meta      *load.Meta // nil: no meta file (e.g. vegeta's own attack)
	Truncated bool
	Groups    []*Group
	Outcomes  []load.Outcome
	Verdict   load.Verdict
	Warnings  []string
	agg       *load.Aggregator
	byName    map[string]*Group
	anchor    time.Time // the first result seen: buckets are whole seconds from it
	first     time.Time // the earliest result
	last      time.Time // the latest result (sent then: vegeta's duration ends there too)
}

// Group is one scenario or step of a run.
type Group struct {
	Name  string
	Stats *load.Stats
	Asked float64           // asked rate (scenario level, from the meta file), 0 if unknown
	secs  map[int64]*bucket // by whole seconds since the run's anchor
	hist  hist
	run   *Run
}

type bucket struct {
	n, errs uint64
	h       hist
}

// hist is a coarse log-scale latency histogram for the per-second charts:
// four buckets per power of two from 1µs (±9%), so an hour of seconds stays
// small. The tables' percentiles are load.Stats', the console's own.
type hist [nBuckets]uint32

const nBuckets = 4 * 36 // 1µs .. ~19h

func bucketOf(d time.Duration) int {
	us := float64(d) / float64(time.Microsecond)
	if us <= 1 {
		return 0
	}
	return min(int(4*math.Log2(us)), nBuckets-1)
}

func upper(i int) time.Duration {
	return time.Duration(math.Pow(2, float64(i+1)/4) * float64(time.Microsecond))
}

func (h *hist) quantile(q float64) time.Duration {
	var total uint64
	for _, c := range h {
		total += uint64(c)
	}
	if total == 0 {
		return 0
	}
	want := uint64(math.Ceil(q * float64(total)))
	var cum uint64
	for i, c := range h {
		cum += uint64(c)
		if cum >= want {
			return upper(i)
		}
	}
	return upper(nBuckets - 1)
}

// New returns an empty report.
func New(title string) *Report {
	return &Report{Title: title, Generated: time.Now()}
}

// NewRun adds an empty run (file names it; meta may be nil) to be filled
// with Add.
func (r *Report) NewRun(file string, meta *load.Meta) *Run {
	run := &Run{File: file, Meta: meta, agg: load.NewAggregator(), byName: map[string]*Group{}}
	r.Runs = append(r.Runs, run)
	return run
}

// Add accounts one result.
func (r *Run) Add(res *vegeta.Result) {
	r.agg.Add(res)
	name := load.ParseName(res.Attack).Group()
	g := r.byName[name]
	if g == nil {
		g = &Group{Name: name, secs: map[int64]*bucket{}, run: r}
		r.byName[name] = g
	}
	if r.anchor.IsZero() {
		r.anchor = res.Timestamp
	}
	if r.first.IsZero() || res.Timestamp.Before(r.first) {
		r.first = res.Timestamp
	}
	if res.Timestamp.After(r.last) {
		r.last = res.Timestamp
	}
	off := res.Timestamp.Sub(r.anchor)
	sec := int64(off / time.Second)
	if off < 0 && off%time.Second != 0 {
		sec-- // floor: a result a little earlier than the anchor
	}
	b := g.secs[sec]
	if b == nil {
		b = &bucket{}
		g.secs[sec] = b
	}
	b.n++
	if !load.Succeeded(res) {
		b.errs++
	}
	i := bucketOf(res.Latency)
	b.h[i]++
	g.hist[i]++
}

// AddFile reads a gob results file into the report as a run of its own,
// with its meta file when there is one.
func (r *Report) AddFile(path string) error {
	m, ok, err := load.ReadMeta(path)
	if err != nil {
		return err
	}
	var meta *load.Meta
	if ok {
		meta = &m
	}
	run := r.NewRun(path, meta)
	_, trunc, err := load.ReadResults(path, func(res *vegeta.Result) error { run.Add(res); return nil })
	run.Truncated = trunc
	return err
}

// finish computes the stats, the thresholds' outcomes and the verdict of
// the run. The thresholds are those the run recorded before it started
// (load.Meta.Thresholds), evaluated on this data with the same percentiles
// as the console; without a meta file, paycert's defaults.
func (r *Run) finish() {
	r.Groups = r.Groups[:0]
	stats := r.agg.All()
	asked := 0.0
	if r.Meta != nil {
		asked = r.Meta.Rate
	}
	r.Outcomes = nil
	for _, s := range stats {
		g := r.byName[s.Group]
		g.Stats = s
		rate := 0.0
		if s.Step == "" {
			g.Asked, rate = asked, asked
		}
		r.Groups = append(r.Groups, g)
		th, ok := load.Thresholds{}, false
		if r.Meta != nil {
			th, ok = r.Meta.Thresholds[s.Group]
		}
		if !ok {
			th = (*load.SLO)(nil).For(s.Scenario, s.Step, load.Thresholds{})
		}
		r.Outcomes = append(r.Outcomes, load.Evaluate(s, th, rate)...)
	}
	var res *load.RunResult
	if r.Meta != nil {
		res = r.Meta.Result
	}
	r.Verdict = load.Judge(r.Outcomes, res)
	r.Warnings = nil
	if res != nil {
		r.Warnings = res.Warnings()
	}
	if r.Truncated {
		r.Warnings = append(r.Warnings, "the file was cut short (a killed run): its whole results are included")
	}
}

// span is the run's length for the time axis: the asked duration or the
// data's extent, whichever is longer, in whole seconds (a 5 s run is drawn
// over 0-5 s, its last second included).
func (r *Run) span() float64 {
	d := r.last.Sub(r.first)
	if r.Meta != nil {
		if asked, err := time.ParseDuration(r.Meta.Duration); err == nil {
			d = max(d, asked)
		}
	}
	return math.Max(math.Ceil(d.Seconds()-1e-9), 1)
}

// point is one plotted time slice.
type point struct {
	t                 float64 // seconds since the run's first result, the slice's middle
	rate, errRate     float64
	p50, p90, p99, mx float64 // milliseconds
}

// maxPoints bounds the plotted resolution whatever the run length.
const maxPoints = 240

func (g *Group) series() []point {
	if len(g.secs) == 0 {
		return nil
	}
	secs := make([]int64, 0, len(g.secs))
	for s := range g.secs {
		secs = append(secs, s)
	}
	sort.Slice(secs, func(i, j int) bool { return secs[i] < secs[j] })
	first, last := secs[0], secs[len(secs)-1]
	width := max((last-first+1+maxPoints-1)/maxPoints, 1)
	shift := g.run.anchor.Sub(g.run.first).Seconds()
	end := g.run.span() - shift // the run's end, in seconds from the anchor
	var out []point
	for t := first; t <= last; t += width {
		var b bucket
		for s := t; s < t+width; s++ {
			if x := g.secs[s]; x != nil {
				b.n += x.n
				b.errs += x.errs
				for i, c := range x.h {
					b.h[i] += c
				}
			}
		}
		ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
		span := min(float64(width), end-float64(t))
		if span < 0.2 {
			span = float64(width) // a sliver: do not inflate its rate
		}
		out = append(out, point{
			t: float64(t) + shift + span/2, rate: float64(b.n) / span, errRate: float64(b.errs) / span,
			p50: ms(b.h.quantile(0.5)), p90: ms(b.h.quantile(0.9)), p99: ms(b.h.quantile(0.99)), mx: ms(b.h.quantile(1)),
		})
	}
	return out
}

// worse orders verdicts for the page's overall one: a wrong result first,
// then a run that cannot be judged, then a breach.
func worse(a, b load.Verdict) bool {
	rank := map[string]int{"FAIL": 3, "NO VERDICT": 2, "SLO BREACHED": 1, "PASS": 0}
	return rank[a.Status] > rank[b.Status]
}

// Verdict is the page's overall verdict: the worst of its runs'.
func (r *Report) Verdict() load.Verdict {
	if len(r.Runs) == 0 {
		return load.Verdict{Status: "NO VERDICT", Exit: load.ExitWrong, Why: "no results"}
	}
	v := r.Runs[0].Verdict
	for _, run := range r.Runs[1:] {
		if worse(run.Verdict, v) {
			v = run.Verdict
		}
	}
	if len(r.Runs) > 1 {
		v.Why = fmt.Sprintf("the worst of %d runs (each file is a run of its own): %s", len(r.Runs), v.Why)
	}
	return v
}

// WriteHTML renders the page.
func (r *Report) WriteHTML(w io.Writer) error {
	type groupView struct {
		ID, Name            string
		S                   *load.Stats
		Asked               string
		Latency, Rate, Hist template.HTML
		Codes               []string
		Errors              []load.ErrorCount
	}
	type runView struct {
		*Run
		N        int
		Class    string
		Breaches []load.Breach
		Result   *load.RunResult
		Groups   []groupView
		Start    string
	}
	var runs []runView
	for ri, run := range r.Runs {
		run.finish()
		rv := runView{Run: run, N: ri + 1, Class: class(run.Verdict), Breaches: load.Breaches(run.Outcomes), Start: run.first.UTC().Format(time.RFC3339Nano)}
		if run.Meta != nil {
			rv.Result = run.Meta.Result
		}
		xmax := run.span()
		for i, g := range run.Groups {
			pts := g.series()
			v := groupView{ID: fmt.Sprintf("r%dg%d", ri+1, i), Name: g.Name, S: g.Stats}
			if g.Asked > 0 {
				v.Asked = fmt.Sprintf("%.1f/s asked, %.1f%% achieved", g.Asked, 100*g.Stats.Rate/g.Asked)
			}
			xs := make([]float64, len(pts))
			get := func(f func(point) float64) []float64 {
				out := make([]float64, len(pts))
				for i, p := range pts {
					out[i] = f(p)
				}
				return out
			}
			for i, p := range pts {
				xs[i] = p.t
			}
			v.Latency = lineChart("Latency over time (ms)", xs, xmax, []series{
				{"p50", "#2b7bb9", get(func(p point) float64 { return p.p50 })},
				{"p90", "#e0a030", get(func(p point) float64 { return p.p90 })},
				{"p99", "#d03030", get(func(p point) float64 { return p.p99 })},
				{"max", "#888888", get(func(p point) float64 { return p.mx })},
			})
			v.Rate = lineChart("Throughput (requests/s)", xs, xmax, []series{
				{"sent", "#2b7bb9", get(func(p point) float64 { return p.rate })},
				{"ok", "#30a050", get(func(p point) float64 { return p.rate - p.errRate })},
				{"failed", "#d03030", get(func(p point) float64 { return p.errRate })},
			})
			v.Hist = histChart(&g.hist)
			for c, n := range g.Stats.Codes {
				v.Codes = append(v.Codes, fmt.Sprintf("%s×%d", c, n))
			}
			sort.Strings(v.Codes)
			v.Errors = g.Stats.Errors
			if len(v.Errors) > 50 {
				v.Errors = v.Errors[:50]
			}
			rv.Groups = append(rv.Groups, v)
		}
		runs = append(runs, rv)
	}
	v := r.Verdict()
	return page.Execute(w, map[string]any{
		"Title": r.Title, "Generated": r.Generated.UTC().Format(time.RFC3339), "Runs": runs,
		"Verdict": v, "Class": class(v),
	})
}

func class(v load.Verdict) string {
	switch v.Status {
	case "PASS":
		return "pass"
	case "SLO BREACHED":
		return "breach"
	}
	return "fail"
}

type series struct {
	name, color string
	ys          []float64
}

const (
	chartW, chartH = 640, 220
	padL, padR     = 56, 12
	padT, padB     = 26, 30
)

// lineChart draws series against xs (seconds) as inline SVG, on an axis
// from 0 to xmax (the whole run).
func lineChart(title string, xs []float64, xmax float64, ss []series) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`, chartW, chartH, template.HTMLEscapeString(title))
	fmt.Fprintf(&b, `<text x="%d" y="16" class="t">%s</text>`, padL, template.HTMLEscapeString(title))
	if len(xs) == 0 {
		b.WriteString(`<text x="60" y="100">no data</text></svg>`)
		return template.HTML(b.String())
	}
	xmin := 0.0
	xmax = max(xmax, xs[len(xs)-1])
	ymax := 0.0
	for _, s := range ss {
		for _, y := range s.ys {
			ymax = max(ymax, y)
		}
	}
	ymax = niceCeil(ymax)
	px := func(x float64) float64 { return padL + (x-xmin)/(xmax-xmin)*float64(chartW-padL-padR) }
	py := func(y float64) float64 { return float64(chartH-padB) - y/ymax*float64(chartH-padT-padB) }
	axes(&b, xmin, xmax, ymax, px, py)
	for i, s := range ss {
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="`, s.color)
		for j, y := range s.ys {
			fmt.Fprintf(&b, "%.1f,%.1f ", px(xs[j]), py(y))
		}
		fmt.Fprintf(&b, `"><title>%s</title></polyline>`, s.name)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="3" fill="%s"/><text x="%d" y="%d" class="l">%s</text>`,
			chartW-padR-70*(len(ss)-i), 10, s.color, chartW-padR-70*(len(ss)-i)+14, 14, s.name)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func axes(b *strings.Builder, xmin, xmax, ymax float64, px, py func(float64) float64) {
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="ax"/>`, padL, chartH-padB, chartW-padR, chartH-padB)
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="ax"/>`, padL, padT, padL, chartH-padB)
	for i := 0; i <= 5; i++ {
		y := ymax * float64(i) / 5
		fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/><text x="%d" y="%.1f" class="yl">%s</text>`,
			padL, chartW-padR, py(y), py(y), padL-4, py(y)+4, fmtNum(y))
		if i < 5 {
			x := xmin + (xmax-xmin)*float64(i)/4
			fmt.Fprintf(b, `<text x="%.1f" y="%d" class="xl">%ss</text>`, px(x), chartH-padB+16, fmtNum(x))
		}
	}
}

func histChart(h *hist) template.HTML {
	lo, hi := -1, -1
	var top uint32
	for i, c := range h {
		if c > 0 {
			if lo < 0 {
				lo = i
			}
			hi = i
			top = max(top, c)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="latency histogram">`, chartW, chartH)
	fmt.Fprintf(&b, `<text x="%d" y="16" class="t">Latency histogram (log buckets, requests per bucket)</text>`, padL)
	if lo < 0 {
		b.WriteString(`</svg>`)
		return template.HTML(b.String())
	}
	n := hi - lo + 1
	bw := float64(chartW-padL-padR) / float64(n)
	ymax := niceCeil(float64(top))
	for i := lo; i <= hi; i++ {
		hgt := float64(h[i]) / ymax * float64(chartH-padT-padB)
		x := padL + float64(i-lo)*bw
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#2b7bb9"><title>%s–%s: %d</title></rect>`,
			x+0.5, float64(chartH-padB)-hgt, max(bw-1, 0.5), hgt, template.HTMLEscapeString(upper(i-1).String()), template.HTMLEscapeString(upper(i).String()), h[i])
		if (i-lo)%max(n/6, 1) == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="xl">%s</text>`, x+bw/2, chartH-padB+16, template.HTMLEscapeString(upper(i-1).Round(time.Microsecond).String()))
		}
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="ax"/>`, padL, chartH-padB, chartW-padR, chartH-padB)
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="yl">%s</text>`, padL-4, padT+4, fmtNum(ymax))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func fmtNum(v float64) string {
	switch {
	case v == math.Trunc(v):
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.0f", v)
	case v >= 1:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"pct":  func(s *load.Stats) string { return fmt.Sprintf("%.2f%%", 100*s.SuccessRatio()) },
	"d":    func(d time.Duration) string { return load.Round(d).String() },
	"f1":   func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"args": func(a []string) string { return strings.Join(a, " ") },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Verdict.Status}}: {{.Title}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:20px}h2{font-size:18px;margin-top:36px;border-bottom:2px solid #999}h3{font-size:16px;margin-top:28px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f4f4f4}td.l,th.l{text-align:left}
.verdict{font-size:22px;font-weight:700;padding:12px 16px;border-radius:4px;margin:0 0 12px}
.verdict.pass{background:#c8efd2;color:#0a4d1e}.verdict.breach{background:#fde2a7;color:#6b4500}.verdict.fail{background:#f7c1bd;color:#7a0d05}
.rv{font-weight:700;padding:2px 8px;border-radius:3px}.rv.pass{background:#c8efd2}.rv.breach{background:#fde2a7}.rv.fail{background:#f7c1bd}
.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{width:640px;max-width:100%;background:#fcfcfc;border:1px solid #eee}
.t{font-size:13px;font-weight:600}.l{font-size:11px}.xl{font-size:10px;text-anchor:middle}.yl{font-size:10px;text-anchor:end}
.ax{stroke:#444}.grid{stroke:#eee}.bad{color:#b00}.ok{color:#0a6d2e}.note{color:#555;font-size:12px}.warn{color:#8a5a00}
code{font-size:12px;word-break:break-all}
</style></head><body>
<div id="verdict" class="verdict {{.Class}}">{{.Verdict.Status}} <span class="note">(exit {{.Verdict.Exit}})</span> — {{.Verdict.Why}}</div>
<h1>{{.Title}}</h1>
<p class="note">Generated {{.Generated}} from {{len .Runs}} file(s); each file is a run of its own, judged and drawn on its own
(shards of one run are joined by <code>paycert load merge --output</code>, which checks that they are).
Success means HTTP 2xx/3xx and no business failure in the body.</p>
{{if gt (len .Runs) 1}}<table><tr><th class="l">run</th><th class="l">file</th><th class="l">verdict</th></tr>
{{range .Runs}}<tr><td class="l"><a href="#run{{.N}}">run {{.N}}</a></td><td class="l">{{.File}}</td><td class="l"><span class="rv {{.Class}}">{{.Verdict.Status}}</span> {{.Verdict.Why}}</td></tr>
{{end}}</table>{{end}}
{{range .Runs}}<h2 id="run{{.N}}">Run {{.N}}: {{.File}}</h2>
<p><span class="rv {{.Class}}">{{.Verdict.Status}}</span> (exit {{.Verdict.Exit}}) — {{.Verdict.Why}}</p>
<h3>Thresholds</h3>
{{if .Outcomes}}<table class="thresholds"><tr><th class="l">attack</th><th class="l">threshold</th><th>want</th><th>got</th><th class="l">met</th></tr>
{{range .Outcomes}}<tr><td class="l">{{.Group}}</td><td class="l">{{.Threshold}}</td><td>{{.Want}}</td><td>{{.Got}}</td>{{if .Met}}<td class="l ok">✓ met</td>{{else}}<td class="l bad">✗ breached</td>{{end}}</tr>
{{end}}</table>{{else}}<p>No threshold applies.</p>{{end}}
{{if .Meta}}{{if not .Meta.Thresholds}}<p class="note">The run recorded no thresholds: paycert's defaults are shown.</p>{{end}}{{else}}<p class="note">No meta file: paycert's default thresholds, evaluated on this file's data.</p>{{end}}
<h3>SLO breaches</h3>
{{if .Breaches}}<ul>{{range .Breaches}}<li class="bad">{{.}}</li>{{end}}</ul>{{else}}<p>None.</p>{{end}}
<h3>Ledger and field checks</h3>
{{with .Result}}<p>Ledger: {{if .LedgerFailed}}<span class="bad">{{.Ledger}}</span>{{else}}{{.Ledger}}{{end}}</p>
<p>Field checks: {{.Checked}} replies checked, {{if .CheckFailed}}<span class="bad">{{.CheckFailed}} failed</span>{{else}}none failed{{end}}.</p>
{{if .CheckErrors}}<ul>{{range .CheckErrors}}<li class="bad"><code>{{.}}</code></li>{{end}}</ul>{{end}}
{{else}}<p class="bad">Not recorded: the run did not finish (killed), or the file is not from <code>paycert load</code>. Neither the ledger nor the replies' fields are known to be right.</p>{{end}}
<h3>Warnings</h3>
{{if .Warnings}}<ul>{{range .Warnings}}<li class="warn">{{.}}</li>{{end}}</ul>{{else}}<p>None: the generator kept its schedule{{if .Result}}{{if .Result.MaxWorkers}} and the worker cap was not hit{{end}}{{end}}.</p>{{end}}
<h3>Run</h3>
<table>{{with .Meta}}
<tr><th class="l">paycert version</th><td class="l">{{if .Version}}{{.Version}}{{else}}not recorded{{end}}</td></tr>
<tr><th class="l">command line</th><td class="l">{{if .Command}}<code>{{args .Command}}</code>{{else}}not recorded{{end}}</td></tr>
<tr><th class="l">target</th><td class="l">{{.Target}}</td></tr>
<tr><th class="l">scenario</th><td class="l">{{.Scenario}}{{if and .Shard (ne .Shard "0/1")}} shard {{.Shard}}{{end}}</td></tr>
<tr><th class="l">asked</th><td class="l">{{f1 .Rate}}/s for {{.Duration}}</td></tr>
{{if .Note}}<tr><th class="l">note</th><td class="l">{{.Note}}</td></tr>{{end}}
{{else}}<tr><th class="l">version, command line, target</th><td class="l">not recorded (no meta file)</td></tr>{{end}}
<tr><th class="l">first result</th><td class="l">{{.Start}} (the time axes count seconds from it)</td></tr></table>
<table><tr><th class="l">attack</th><th>requests</th><th>success</th><th>rate/s</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>max</th><th>shards</th></tr>
{{range .Groups}}<tr><td class="l"><a href="#{{.ID}}">{{.Name}}</a></td><td>{{.S.Requests}}</td><td>{{pct .S}}</td><td>{{f1 .S.Rate}}</td><td>{{d .S.P50}}</td><td>{{d .S.P90}}</td><td>{{d .S.P95}}</td><td>{{d .S.P99}}</td><td>{{d .S.Max}}</td><td>{{.S.Shards}}</td></tr>
{{end}}</table>
{{range .Groups}}<h3 id="{{.ID}}">{{.Name}}</h3>
<p>{{.S.Requests}} requests, {{pct .S}} success, {{f1 .S.Rate}}/s over {{d .S.Duration}}{{if .Asked}} ({{.Asked}}){{end}}; mean {{d .S.Mean}}; status codes {{range .Codes}}{{.}} {{end}}</p>
<table><tr><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>max</th></tr>
<tr><td>{{d .S.P50}}</td><td>{{d .S.P90}}</td><td>{{d .S.P95}}</td><td>{{d .S.P99}}</td><td>{{d .S.Max}}</td></tr></table>
<div class="charts">{{.Latency}}{{.Rate}}{{.Hist}}</div>
{{if .Errors}}<table><tr><th>count</th><th class="l">error</th></tr>
{{range .Errors}}<tr><td>{{.Count}}</td><td class="l bad">{{.Error}}</td></tr>{{end}}</table>{{else}}<p>No failed requests (field checks and the ledger are above).</p>{{end}}
{{end}}{{end}}
</body></html>
`))
