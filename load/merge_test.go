package load

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestShardMerge is the local proof of the distributed path: N shards run
// at once against one loopback server (which refuses a repeated id, so
// overlapping order-number ranges would show as failures), their files are
// merged, and the merged figures are compared with one unsharded run at the
// same total rate.
func TestShardMerge(t *testing.T) {
	const (
		shards = 3
		rate   = 150.0
		dur    = 1500 * time.Millisecond
	)
	srv, seen := echoServer(t, 0, 0)
	dir := t.TempDir()
	start := time.Now().Add(300 * time.Millisecond)
	var wg sync.WaitGroup
	files := make([]string, shards)
	errs := make([]error, shards)
	for i := range shards {
		files[i] = filepath.Join(dir, fmt.Sprintf("shard%d.bin", i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = Run(context.Background(), echoScenario(srv.URL, 0, 0), Plan{
				Rate: rate, Duration: dur, KeepAlive: true, Target: srv.URL, Output: files[i],
				Shard: Shard{Index: i, Count: shards}, StartAt: start,
			})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	mergedPath := filepath.Join(dir, "merged.bin")
	out, err := os.Create(mergedPath)
	if err != nil {
		t.Fatal(err)
	}
	// Every request must succeed; the rate check is loosened for a shared machine.
	merged, err := Merge(files, out, nil, Thresholds{MinSuccess: 1, MinRateRatio: 0.8}, 0)
	out.Close()
	if err != nil {
		t.Fatal(err)
	}
	if merged.Failed() || len(merged.Warnings) > 0 {
		var b strings.Builder
		merged.WriteText(&b)
		t.Fatalf("merged run failed:\n%s", b.String())
	}
	if merged.Asked["echo"] != rate {
		t.Errorf("asked rate from the meta files = %v, want %v", merged.Asked["echo"], rate)
	}
	ms := merged.Stats[0]
	if ms.Shards != shards || ms.Group != "echo" {
		t.Fatalf("merged group %q from %d shards", ms.Group, ms.Shards)
	}
	distinct := 0
	seen.Range(func(any, any) bool { distinct++; return true })
	if uint64(distinct) != ms.Requests {
		t.Errorf("server saw %d distinct ids, merged %d requests: shard id ranges overlap", distinct, ms.Requests)
	}
	checkSeq(t, readAll(t, mergedPath))
	vegetaCLI(t, files...)

	// The merged file's meta judges the distributed run as merge did: the
	// summed asked rate, merge's thresholds and every shard's checks.
	mm := merged.Meta([]string{"paycert", "load", "merge"})
	if mm.Scenario != "echo" || mm.Rate != rate || mm.Thresholds["echo"].MinSuccess != 1 || mm.Result == nil ||
		!strings.Contains(mm.Result.Ledger, "shard 2/3: ") || mm.Result.LedgerFailed {
		t.Errorf("merged meta: %+v (result %+v)", mm, mm.Result)
	}
	if v := Judge(merged.Outcomes, mm.Result); v.Status != "PASS" {
		t.Errorf("merged verdict %+v", v)
	}
	killed, _, _ := ReadMeta(files[1])
	killed.Result = nil // as a shard killed before it finished leaves it
	if err := WriteMeta(files[1], killed); err != nil {
		t.Fatal(err)
	}
	if m, err := Merge(files, nil, nil, Thresholds{}, 0); err != nil || m.Meta(nil).Result != nil {
		t.Errorf("a merge with a killed shard claims a ledger and field-check result: %v", err)
	}

	// The unsharded run gets its own server: its ids overlap shard 0's by design.
	srv1, _ := echoServer(t, 0, 0)
	single, err := Run(context.Background(), echoScenario(srv1.URL, 0, 0), Plan{
		Rate: rate, Duration: dur, KeepAlive: true, Target: srv1.URL, Output: filepath.Join(dir, "single.bin"),
	})
	if err != nil {
		t.Fatal(err)
	}
	ss := single.ScenarioStats()
	if diff := float64(ms.Requests) - float64(ss.Requests); diff*diff > 0.1*0.1*float64(ss.Requests*ss.Requests) {
		t.Errorf("merged %d requests vs unsharded %d: differ by more than 10%%", ms.Requests, ss.Requests)
	}
	if ms.SuccessRatio() != ss.SuccessRatio() {
		t.Errorf("success: merged %.4f vs unsharded %.4f", ms.SuccessRatio(), ss.SuccessRatio())
	}
	if r := ms.Rate / ss.Rate; r < 0.9 || r > 1.1 {
		t.Errorf("rate: merged %.1f/s vs unsharded %.1f/s", ms.Rate, ss.Rate)
	}
	t.Logf("merged: %d requests %.1f/s; unsharded: %d requests %.1f/s", ms.Requests, ms.Rate, ss.Requests, ss.Rate)

	// The same files twice is refused, not double-counted.
	if _, err := Merge([]string{files[0], files[0]}, nil, nil, Thresholds{}, 0); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("one file listed twice was merged: %v", err)
	}
	dup := filepath.Join(dir, "dup.bin")
	b, _ := os.ReadFile(files[0])
	os.WriteFile(dup, b, 0o644)
	if _, err := Merge([]string{files[0], dup}, nil, nil, Thresholds{}, 0); err == nil || !strings.Contains(err.Error(), "in both") {
		t.Errorf("two files with one attack name merged: %v", err)
	}
	// A threshold on the merged data is checked on the merged data.
	if m, _ := Merge(files, nil, nil, Thresholds{}, rate*2); len(m.Breaches) != 1 || m.Breaches[0].Threshold != "rate" {
		t.Errorf("asking twice the rate must breach the rate threshold: %v", m.Breaches)
	}
}
