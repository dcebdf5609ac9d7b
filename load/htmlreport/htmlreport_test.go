package htmlreport

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"paycert/load"
)

var t0 = time.Date(2026, 11, 22, 5, 0, 0, 0, time.UTC)

// writeRun writes n results per attack name, one every step, as a run's
// results file and (when meta is not nil) its meta file. fail(i) says
// whether result i is a business failure.
func writeRun(t *testing.T, path string, names []string, n int, step time.Duration, fail func(int) bool, meta *load.Meta) {
	t.Helper()
	sink, err := load.CreateSink(path)
	if err != nil {
		t.Fatal(err)
	}
	seq := map[string]uint64{}
	for i := range n {
		for _, name := range names {
			r := &vegeta.Result{Attack: name, Seq: seq[name], Code: 200, Timestamp: t0.Add(time.Duration(i) * step), Latency: time.Duration(1+i%50) * time.Millisecond}
			seq[name]++
			if fail(i) {
				r.Error = `code 3001: <script>alert("x")</script>`
			}
			if err := sink.Write(r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if meta != nil {
		if err := load.WriteMeta(path, *meta); err != nil {
			t.Fatal(err)
		}
	}
}

func render(t *testing.T, files ...string) string {
	t.Helper()
	r := New("paycert load report")
	for _, f := range files {
		if err := r.AddFile(f); err != nil {
			t.Fatal(err)
		}
	}
	var b strings.Builder
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestWriteHTML(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.bin")
	writeRun(t, path, []string{"hzcard-charge@0/2", "hzcard-charge/confirm@0/2"}, 3000, time.Millisecond, func(i int) bool { return i%100 == 0 },
		&load.Meta{Scenario: "hzcard-charge", Shard: "0/2", Rate: 1000, Duration: "3s", Target: "embedded"})
	html := render(t, path)
	os.WriteFile(filepath.Join(dir, "report.html"), []byte(html), 0o644)
	for _, want := range []string{
		"hzcard-charge/confirm", "Latency over time", "Throughput", "Latency histogram", "<polyline", "<rect",
		"3000 requests", "99.00%", "&lt;script&gt;", "1000.0/s asked",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Self-contained: no script and nothing fetched from anywhere.
	if bad := regexp.MustCompile(`(?i)<script|src=|<link|url\(|https?://`).FindString(html); bad != "" {
		t.Errorf("report is not self-contained: found %q", bad)
	}
}

// TestPageLeadsWithTheVerdict: the page's first element is the verdict,
// then, in this order, the thresholds (want / got / met), the breaches, the
// ledger and field checks, the warnings, and the version, command line and
// target. The fixture is the issue's: every request succeeded, but the
// field checks failed 34 of 34 replies — once "100.00% success, No
// errors" with no verdict at all.
func TestPageLeadsWithTheVerdict(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ipos.bin")
	meta := &load.Meta{Scenario: "ipos-verify", Rate: 100, Duration: "3s", Target: "http://10.1.2.3:8081/ipos",
		Version: "v1.2.3 (abc1234)", Command: []string{"paycert", "load", "ipos-verify", "--rate", "100", "--p99", "20ms"},
		Thresholds: map[string]load.Thresholds{"ipos-verify": {P99: load.Duration(20 * time.Millisecond), MinSuccess: load.DefaultSuccess, MinRateRatio: load.DefaultRateRatio}},
		Result: &load.RunResult{Ledger: "not checked: external target", Checked: 34, CheckFailed: 34, CheckErrors: []string{"card_verify: <amount> 1 != 100"},
			LateHits: 7, MaxLag: 40 * time.Millisecond}}
	writeRun(t, path, []string{"ipos-verify"}, 300, 10*time.Millisecond, func(int) bool { return false }, meta)
	html := render(t, path)
	body := html[strings.Index(html, "<body>")+len("<body>"):]
	if !strings.HasPrefix(strings.TrimSpace(body), `<div id="verdict" class="verdict fail">FAIL`) {
		t.Errorf("the page does not open with the FAIL verdict:\n%.300s", body)
	}
	order := []string{
		"<h3>Thresholds</h3>", "<td class=\"l\">p99</td><td>&lt;= 20ms</td><td>49.99ms</td><td class=\"l bad\">✗ breached</td>",
		"<td class=\"l\">success</td><td>&gt;= 99%</td><td>100% (300/300)</td><td class=\"l ok\">✓ met</td>",
		"<h3>SLO breaches</h3>", "SLO breached: ipos-verify p99 = 49.99ms, threshold &lt;= 20ms",
		"<h3>Ledger and field checks</h3>", "Ledger: not checked: external target", "34 failed", "card_verify: &lt;amount&gt; 1 != 100",
		"<h3>Warnings</h3>", "generator fell behind schedule: 7 sends more than 20ms late (max lag 40ms)",
		"v1.2.3 (abc1234)", "paycert load ipos-verify --rate 100 --p99 20ms", "http://10.1.2.3:8081/ipos",
		"Latency over time",
	}
	at := 0
	for _, want := range order {
		i := strings.Index(html[at:], want)
		if i < 0 {
			t.Fatalf("after %q the page lacks %q (in this order)", html[max(at-60, 0):at], want)
		}
		at += i + len(want)
	}
	if strings.Contains(html, "No errors") {
		t.Errorf(`the page says "No errors" of a run whose field checks failed`)
	}
}

func TestVerdicts(t *testing.T) {
	dir := t.TempDir()
	ok := &load.RunResult{Ledger: "ok", Checked: 20}
	for _, tc := range []struct {
		name string
		fail func(int) bool
		meta *load.Meta
		want string
	}{
		{"pass", func(int) bool { return false }, &load.Meta{Scenario: "s", Rate: 100, Duration: "3s", Result: ok}, `class="verdict pass">PASS`},
		// No thresholds recorded: the default (>= 99% successful) still applies.
		{"mostly failed", func(i int) bool { return i%2 == 0 }, &load.Meta{Scenario: "s", Rate: 100, Duration: "3s", Result: ok}, `class="verdict breach">SLO BREACHED`},
		{"ledger", func(int) bool { return false }, &load.Meta{Scenario: "s", Rate: 100, Duration: "3s", Result: &load.RunResult{Ledger: "FAILED: 3 verified, 2 accepted", LedgerFailed: true}}, `class="verdict fail">FAIL`},
		{"killed", func(int) bool { return false }, &load.Meta{Scenario: "s", Rate: 100, Duration: "3s"}, `class="verdict fail">NO VERDICT`},
		{"vegeta's own file", func(int) bool { return false }, nil, `class="verdict fail">NO VERDICT`},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".bin")
		writeRun(t, path, []string{"s"}, 300, 10*time.Millisecond, tc.fail, tc.meta)
		if html := render(t, path); !strings.Contains(html, tc.want) {
			t.Errorf("%s: page lacks %q:\n%.400s", tc.name, tc.want, html[strings.Index(html, "<body>"):])
		}
	}
}

// TestFilesAreSeparateRuns: two independent runs of one scenario are two
// runs on the page, each with its own figures and verdict, not one series
// of their sum ("900 requests ... 49% achieved").
func TestFilesAreSeparateRuns(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.bin"), filepath.Join(dir, "b.bin")
	ok := &load.RunResult{Ledger: "ok"}
	writeRun(t, a, []string{"ipos-verify"}, 300, 10*time.Millisecond, func(int) bool { return false }, &load.Meta{Scenario: "ipos-verify", Rate: 100, Duration: "3s", Result: ok})
	writeRun(t, b, []string{"ipos-verify"}, 600, 5*time.Millisecond, func(i int) bool { return i < 300 }, &load.Meta{Scenario: "ipos-verify", Rate: 200, Duration: "3s", Result: ok})
	html := render(t, a, b)
	for _, want := range []string{"Run 1: " + a, "Run 2: " + b, "300 requests, 100.00% success", "600 requests, 50.00% success",
		"100.0/s asked", "200.0/s asked", `class="verdict breach">SLO BREACHED`, "the worst of 2 runs"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(html, "900 requests") {
		t.Errorf("the two runs were summed into one series")
	}
}

// TestTimeAxisCoversTheRun: a 5 s run is drawn over 0-5 s, not 0-4 s (the
// start of its last whole second).
func TestTimeAxisCoversTheRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.bin")
	writeRun(t, path, []string{"s"}, 500, 10*time.Millisecond, func(int) bool { return false }, &load.Meta{Scenario: "s", Rate: 100, Duration: "5s", Result: &load.RunResult{Ledger: "ok"}})
	html := render(t, path)
	if !strings.Contains(html, `class="xl">5s</text>`) {
		t.Errorf("the time axis does not reach 5s")
	}
}

// TestConsoleAndPageAgree: the figures the console prints for a run are
// the page's for its file (the issue saw p95 16.91 ms against 18.26 ms).
func TestConsoleAndPageAgree(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.bin")
	var results []vegeta.Result
	sink, err := load.CreateSink(path)
	if err != nil {
		t.Fatal(err)
	}
	live := load.NewAggregator()
	for i := range 5000 {
		lat := time.Duration(3e6+(i*7919)%(20e6)) + time.Duration(i%97)*time.Millisecond
		r := vegeta.Result{Attack: "ipos-verify", Seq: uint64(i), Code: 200, Timestamp: t0.Add(time.Duration(i) * time.Millisecond), Latency: lat}
		results = append(results, r)
		live.Add(&r)
		if i%500 == 0 {
			live.Progress("ipos-verify") // as the progress line does every second
		}
		if err := sink.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	var console strings.Builder
	if err := load.WriteText(&console, live.All()); err != nil {
		t.Fatal(err)
	}
	s := live.Stats("ipos-verify")
	html := render(t, path)
	row := "<td>" + load.Round(s.P50).String() + "</td><td>" + load.Round(s.P90).String() + "</td><td>" + load.Round(s.P95).String() +
		"</td><td>" + load.Round(s.P99).String() + "</td><td>" + load.Round(s.Max).String() + "</td>"
	if !strings.Contains(html, row) {
		t.Errorf("the page's percentiles are not the console's %s:\n%s", row, console.String())
	}
	if !strings.Contains(console.String(), load.Round(s.P95).String()) {
		t.Errorf("console lacks p95 %s:\n%s", load.Round(s.P95), console.String())
	}
}

func TestHistQuantile(t *testing.T) {
	var h hist
	for i := 1; i <= 1000; i++ {
		h[bucketOf(time.Duration(i)*time.Millisecond)]++
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.99, 990 * time.Millisecond}} {
		got := h.quantile(tc.q)
		if got < tc.want || float64(got) > 1.2*float64(tc.want) {
			t.Errorf("q%.2f = %s, want within +20%% of %s", tc.q, got, tc.want)
		}
	}
}
