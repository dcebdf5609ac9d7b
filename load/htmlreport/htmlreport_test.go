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

func TestWriteHTML(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.bin")
	sink, err := load.CreateSink(path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 22, 5, 0, 0, 0, time.UTC)
	seq := map[string]uint64{}
	for i := range 3000 {
		ts := t0.Add(time.Duration(i) * time.Millisecond)
		for _, name := range []string{"hzcard-charge@0/2", "hzcard-charge/confirm@0/2"} {
			r := &vegeta.Result{Attack: name, Seq: seq[name], Code: 200, Timestamp: ts, Latency: time.Duration(1+i%50) * time.Millisecond}
			seq[name]++
			if i%100 == 0 {
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
	if err := load.WriteMeta(path, load.Meta{Scenario: "hzcard-charge", Shard: "0/2", Rate: 1000, Duration: "3s", Target: "embedded"}); err != nil {
		t.Fatal(err)
	}
	r := New("paycert load report")
	if err := r.AddFile(path); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
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
