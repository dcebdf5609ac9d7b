package load

import (
	"math/rand/v2"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestHistQuantileAccuracy(t *testing.T) {
	var h Hist
	for i := 1; i <= 10000; i++ {
		h.Add(time.Duration(i) * 100 * time.Microsecond) // 0.1 ms .. 1 s
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.9, 900 * time.Millisecond}, {0.99, 990 * time.Millisecond}, {0.001, time.Millisecond}, {1, time.Second}} {
		got := h.Quantile(tc.q)
		if e := float64(got-tc.want) / float64(tc.want); e < -0.012 || e > 0.012 {
			t.Errorf("q%g = %s, want %s within 1.2%%", tc.q, got, tc.want)
		}
	}
	var one Hist
	one.Add(7 * time.Millisecond)
	if got := one.Quantile(0.5); got != 7*time.Millisecond {
		t.Errorf("a single latency's median is %s, want it exactly (clamped to min and max)", got)
	}
}

// TestPercentilesIndependentOfOrderAndProgress: the same results give the
// same percentiles whatever their order and however often the progress
// line asked in between. The console (a live run, queried every second)
// and the page (the file read back) depend on it; vegeta's t-digest did not
// give it.
func TestPercentilesIndependentOfOrderAndProgress(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	res := make([]vegeta.Result, 20000)
	for i := range res {
		// a long tail: most 5-20 ms, some up to 400 ms
		lat := time.Duration(5e6 + rng.ExpFloat64()*4e6)
		if i%50 == 0 {
			lat = time.Duration(rng.Int64N(400e6))
		}
		res[i] = vegeta.Result{Attack: "x", Seq: uint64(i), Code: 200, Latency: lat, Timestamp: time.Unix(0, int64(i)*1e6)}
	}
	live := NewAggregator()
	for i := range res {
		live.Add(&res[i])
		if i%997 == 0 {
			live.Progress("x")
		}
	}
	back := NewAggregator()
	for _, i := range rng.Perm(len(res)) {
		back.Add(&res[i])
	}
	a, b := live.Stats("x"), back.Stats("x")
	if a.P50 != b.P50 || a.P90 != b.P90 || a.P95 != b.P95 || a.P99 != b.P99 || a.Max != b.Max {
		t.Errorf("live %s/%s/%s/%s/%s, read back %s/%s/%s/%s/%s", a.P50, a.P90, a.P95, a.P99, a.Max, b.P50, b.P90, b.P95, b.P99, b.Max)
	}
}
