package scenario

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"paycert/load"
)

// BenchmarkHZCardCapacity is the hzcard-charge capacity run of BenchmarkLoad
// alone (32 workers at max rate, PAYCERT_BENCH_SECONDS long), without the
// hello-world baseline and the run at half capacity, so that a CPU profile
// of it holds the charge flow only:
//
//	PAYCERT_BENCH_SECONDS=3 go test ./load/scenario -run '^$' -bench HZCardCapacity -benchtime 1x -cpuprofile hz.prof
//
// Its ratio to hello-world is BenchmarkLoad's to report; this one reports
// flows/s and the process's CPU per signed round trip, setup included (the
// 256 cards, and the signing nonces the scenario precomputes: compare runs
// of the same setup only).
func BenchmarkHZCardCapacity(b *testing.B) {
	dur := benchSeconds()
	for b.Loop() {
		start := cpuSeconds()
		rep, err := load.Run(context.Background(), HZCardCharge(), load.Plan{Rate: load.MaxRate, Duration: dur, KeepAlive: true, Workers: 32, MaxWorkers: 32})
		if err != nil {
			b.Fatal(err)
		}
		cpu := cpuSeconds() - start
		if rep.LedgerErr != nil || rep.CheckFailed > 0 {
			b.Fatalf("ledger %s; checks failed %d %v", rep.Ledger, rep.CheckFailed, rep.CheckErrors)
		}
		s := rep.ScenarioStats()
		if s.Successes != s.Requests {
			b.Fatalf("%d of %d flows failed: %v", s.Requests-s.Successes, s.Requests, s.Errors)
		}
		b.ReportMetric(s.Rate, "flows/s")
		if cpu > 0 && s.Requests > 0 {
			b.ReportMetric(cpu*1e6/float64(3*s.Requests), "cpu-µs/roundtrip")
		}
	}
	b.Logf("load average after: %s", loadavg())
}

// benchSeconds is PAYCERT_BENCH_SECONDS as BenchmarkLoad reads it.
func benchSeconds() time.Duration {
	secs := 4.0
	if v, err := strconv.ParseFloat(os.Getenv("PAYCERT_BENCH_SECONDS"), 64); err == nil && v > 0 {
		secs = v
	}
	return time.Duration(secs * float64(time.Second))
}

// cpuSeconds is the process's user+system CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
