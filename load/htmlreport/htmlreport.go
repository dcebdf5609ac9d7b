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

// Report is the data of one page.
type Report struct {
	Title     string
	Files     []string
	Generated time.Time
	Start     time.Time
	Groups    []*Group
	Notes     []string
	agg       *load.Aggregator
	asked     map[string]float64
	byName    map[string]*Group
}

// Group is one scenario or step over every file and shard.
type Group struct {
	Name   string
	Stats  *load.Stats
	Asked  float64           // asked rate (scenario level, from meta files), 0 if unknown
	secs   map[int64]*bucket // by whole seconds since anchor
	anchor time.Time         // the group's first result: buckets are whole seconds of the run, not of the clock
	last   time.Time
	hist   hist
	report *Report
}

type bucket struct {
	n, errs uint64
	h       hist
}

// hist is a log-scale latency histogram: four buckets per power of two from
// 1µs (±9% resolution), enough for plotted percentiles; the tables use
// vegeta's t-digest instead.
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
	return &Report{Title: title, Generated: time.Now(), agg: load.NewAggregator(), byName: map[string]*Group{}}
}

// Add accounts one result.
func (r *Report) Add(res *vegeta.Result) {
	r.agg.Add(res)
	name := load.ParseName(res.Attack).Group()
	g := r.byName[name]
	if g == nil {
		g = &Group{Name: name, secs: map[int64]*bucket{}, report: r}
		r.byName[name] = g
	}
	if r.Start.IsZero() || res.Timestamp.Before(r.Start) {
		r.Start = res.Timestamp
	}
	if g.anchor.IsZero() {
		g.anchor = res.Timestamp
	}
	if res.Timestamp.After(g.last) {
		g.last = res.Timestamp
	}
	off := res.Timestamp.Sub(g.anchor)
	sec := int64(off / time.Second)
	if off < 0 {
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

// AddFile reads a gob results file into the report, with its meta file
// when there is one.
func (r *Report) AddFile(path string) error {
	r.Files = append(r.Files, path)
	if m, ok, err := load.ReadMeta(path); err != nil {
		return err
	} else if ok {
		r.Notes = append(r.Notes, fmt.Sprintf("%s: %s shard %s, asked %.1f/s for %s against %s", path, m.Scenario, m.Shard, m.Rate, m.Duration, m.Target))
		if r.asked == nil {
			r.asked = map[string]float64{}
		}
		r.asked[m.Scenario] += m.Rate
	}
	_, trunc, err := load.ReadResults(path, func(res *vegeta.Result) error { r.Add(res); return nil })
	if trunc {
		r.Notes = append(r.Notes, path+": cut short (interrupted run); whole results included")
	}
	return err
}

// finish computes the stats of every group.
func (r *Report) finish() {
	r.Groups = r.Groups[:0]
	for _, s := range r.agg.All() {
		g := r.byName[s.Group]
		g.Stats = s
		if s.Step == "" {
			g.Asked = r.asked[s.Scenario]
		}
		r.Groups = append(r.Groups, g)
	}
}

// point is one plotted time slice.
type point struct {
	t                 float64 // seconds since the report's start
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
	shift := g.anchor.Sub(g.report.Start).Seconds()
	end := g.last.Sub(g.anchor).Seconds() // the last bucket is only partly covered
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
			t: float64(t) + shift, rate: float64(b.n) / span, errRate: float64(b.errs) / span,
			p50: ms(b.h.quantile(0.5)), p90: ms(b.h.quantile(0.9)), p99: ms(b.h.quantile(0.99)), mx: ms(b.h.quantile(1)),
		})
	}
	return out
}

// WriteHTML renders the page.
func (r *Report) WriteHTML(w io.Writer) error {
	r.finish()
	type groupView struct {
		ID, Name            string
		S                   *load.Stats
		Asked               string
		Latency, Rate, Hist template.HTML
		Codes               []string
		Errors              []load.ErrorCount
	}
	var views []groupView
	for i, g := range r.Groups {
		pts := g.series()
		v := groupView{ID: fmt.Sprintf("g%d", i), Name: g.Name, S: g.Stats}
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
		v.Latency = lineChart("Latency over time (ms)", xs, []series{
			{"p50", "#2b7bb9", get(func(p point) float64 { return p.p50 })},
			{"p90", "#e0a030", get(func(p point) float64 { return p.p90 })},
			{"p99", "#d03030", get(func(p point) float64 { return p.p99 })},
			{"max", "#888888", get(func(p point) float64 { return p.mx })},
		})
		v.Rate = lineChart("Throughput (requests/s)", xs, []series{
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
		views = append(views, v)
	}
	return page.Execute(w, map[string]any{
		"Title": r.Title, "Generated": r.Generated.UTC().Format(time.RFC3339), "Files": r.Files,
		"Notes": r.Notes, "Groups": views, "Start": r.Start.UTC().Format(time.RFC3339Nano),
	})
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

// lineChart draws series against xs (seconds) as inline SVG.
func lineChart(title string, xs []float64, ss []series) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`, chartW, chartH, template.HTMLEscapeString(title))
	fmt.Fprintf(&b, `<text x="%d" y="16" class="t">%s</text>`, padL, template.HTMLEscapeString(title))
	if len(xs) == 0 {
		b.WriteString(`<text x="60" y="100">no data</text></svg>`)
		return template.HTML(b.String())
	}
	xmax := max(xs[len(xs)-1], xs[0]+1)
	xmin := xs[0]
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
	"pct": func(s *load.Stats) string { return fmt.Sprintf("%.2f%%", 100*s.SuccessRatio()) },
	"d":   func(d time.Duration) string { return d.Round(time.Microsecond).String() },
	"f1":  func(f float64) string { return fmt.Sprintf("%.1f", f) },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:20px}h2{font-size:17px;margin-top:32px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th{background:#f4f4f4}td.l,th.l{text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{width:640px;max-width:100%;background:#fcfcfc;border:1px solid #eee}
.t{font-size:13px;font-weight:600}.l{font-size:11px}.xl{font-size:10px;text-anchor:middle}.yl{font-size:10px;text-anchor:end}
.ax{stroke:#444}.grid{stroke:#eee}.bad{color:#b00}.note{color:#555;font-size:12px}
</style></head><body>
<h1>{{.Title}}</h1>
<p class="note">Generated {{.Generated}} from {{len .Files}} file(s); time axis in seconds from {{.Start}}.
Success means HTTP 2xx/3xx and no business failure in the body.</p>
{{range .Notes}}<p class="note">{{.}}</p>{{end}}
<table><tr><th class="l">attack</th><th>requests</th><th>success</th><th>rate/s</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>max</th><th>shards</th></tr>
{{range .Groups}}<tr><td class="l"><a href="#{{.ID}}">{{.Name}}</a></td><td>{{.S.Requests}}</td><td>{{pct .S}}</td><td>{{f1 .S.Rate}}</td><td>{{d .S.P50}}</td><td>{{d .S.P90}}</td><td>{{d .S.P95}}</td><td>{{d .S.P99}}</td><td>{{d .S.Max}}</td><td>{{.S.Shards}}</td></tr>
{{end}}</table>
{{range .Groups}}<h2 id="{{.ID}}">{{.Name}}</h2>
<p>{{.S.Requests}} requests, {{pct .S}} success, {{f1 .S.Rate}}/s over {{d .S.Duration}}{{if .Asked}} ({{.Asked}}){{end}}; mean {{d .S.Mean}}; status codes {{range .Codes}}{{.}} {{end}}</p>
<table><tr><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>max</th></tr>
<tr><td>{{d .S.P50}}</td><td>{{d .S.P90}}</td><td>{{d .S.P95}}</td><td>{{d .S.P99}}</td><td>{{d .S.Max}}</td></tr></table>
<div class="charts">{{.Latency}}{{.Rate}}{{.Hist}}</div>
{{if .Errors}}<table><tr><th>count</th><th class="l">error</th></tr>
{{range .Errors}}<tr><td>{{.Count}}</td><td class="l bad">{{.Error}}</td></tr>{{end}}</table>{{else}}<p>No errors.</p>{{end}}
{{end}}
</body></html>
`))
