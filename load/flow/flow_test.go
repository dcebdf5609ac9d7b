package flow

import (
	"context"
	"errors"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func collect(ch <-chan *vegeta.Result) map[string][]*vegeta.Result {
	out := map[string][]*vegeta.Result{}
	for r := range ch {
		out[r.Attack] = append(out[r.Attack], r)
	}
	return out
}

func TestRunStepsAndSeq(t *testing.T) {
	f := Flow{
		Name:  "f",
		Steps: []string{"a", "b"},
		Do: func(ctx context.Context, it *Iteration) {
			it.Step("a", func(context.Context) Outcome { return Outcome{Code: 200} })
			it.Step("b", func(context.Context) Outcome {
				return Outcome{Code: 200, Err: errors.New("code 51: insufficient"), Body: make([]byte, 2000)}
			})
			it.Step("a", func(context.Context) Outcome { t.Error("a step ran after a failed one"); return Outcome{} })
		},
	}
	ch, st := Run(context.Background(), f, vegeta.ConstantPacer{Freq: 200, Per: time.Second}, 300*time.Millisecond, Options{})
	got := collect(ch)
	n := len(got["f"])
	if n < 50 || len(got["f/a"]) != n || len(got["f/b"]) != n || st.Iterations.Load() != uint64(n) {
		t.Fatalf("flows %d, a %d, b %d, iterations %d", n, len(got["f/a"]), len(got["f/b"]), st.Iterations.Load())
	}
	for name, rs := range got {
		seen := make([]bool, len(rs))
		for _, r := range rs {
			if r.Seq >= uint64(len(rs)) || seen[r.Seq] {
				t.Fatalf("%s: seq %d out of 0..%d or repeated", name, r.Seq, len(rs)-1)
			}
			seen[r.Seq] = true
		}
	}
	for _, r := range got["f"] {
		if r.Error != "b: code 51: insufficient" {
			t.Fatalf("flow error %q", r.Error)
		}
	}
	if b := got["f/b"][0]; len(b.Body) != 512 || b.Error == "" {
		t.Fatalf("failed step keeps %d body bytes, want the 512-byte cap", len(b.Body))
	}
}

func TestRunCapHitsAndStop(t *testing.T) {
	f := Flow{Name: "slow", Steps: []string{"s"}, Do: func(ctx context.Context, it *Iteration) {
		it.Step("s", func(context.Context) Outcome { time.Sleep(30 * time.Millisecond); return Outcome{Code: 200} })
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	start := time.Now()
	ch, st := Run(ctx, f, vegeta.ConstantPacer{Freq: 100, Per: time.Second}, time.Minute, Options{Workers: 1, MaxWorkers: 2})
	got := collect(ch)
	if time.Since(start) > 2*time.Second {
		t.Fatalf("stop took %s", time.Since(start))
	}
	if st.CapHits.Load() == 0 || st.Workers.Load() != 2 {
		t.Fatalf("cap hits %d, workers %d: a 2-worker cap at 100/s of 30ms flows must be hit", st.CapHits.Load(), st.Workers.Load())
	}
	if len(got["slow"]) == 0 || len(got["slow"]) != len(got["slow/s"]) {
		t.Fatalf("in-flight iterations lost on stop: %d flows, %d steps", len(got["slow"]), len(got["slow/s"]))
	}
	// Open model: the same load without a cap starts workers instead.
	ch, st = Run(context.Background(), f, vegeta.ConstantPacer{Freq: 100, Per: time.Second}, 300*time.Millisecond, Options{Workers: 1})
	collect(ch)
	if st.CapHits.Load() != 0 || st.Workers.Load() < 3 {
		t.Fatalf("open model: cap hits %d, workers %d", st.CapHits.Load(), st.Workers.Load())
	}
}
