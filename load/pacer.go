package load

import (
	"math"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// NewPacer returns vegeta's constant pacer for rate per second, exact for
// integer rates and for fractional ones (one hit per 1s/rate).
func NewPacer(rate float64) vegeta.ConstantPacer {
	if rate == math.Trunc(rate) && rate >= 1 {
		return vegeta.ConstantPacer{Freq: int(rate), Per: time.Second}
	}
	return vegeta.ConstantPacer{Freq: 1, Per: time.Duration(float64(time.Second) / rate)}
}

// boundedPacer stops after max hits, so every run is bounded in count as
// well as in time, and measures how far behind schedule the generator fell
// (a capped MaxWorkers or a starved signer shows up here).
type boundedPacer struct {
	p      vegeta.Pacer
	max    uint64
	rate   float64
	maxLag atomic.Int64 // nanoseconds
	late   atomic.Uint64
}

// lateAfter is how far behind schedule a hit must be before it counts as
// held back: more than scheduler jitter on a loaded 2-core machine.
const lateAfter = 20 * time.Millisecond

func (b *boundedPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if hits >= b.max {
		return 0, true
	}
	wait, stop := b.p.Pace(elapsed, hits)
	if wait <= 0 && b.rate > 0 {
		due := time.Duration(float64(hits) / b.rate * float64(time.Second))
		if lag := elapsed - due; lag > lateAfter {
			b.late.Add(1)
			if int64(lag) > b.maxLag.Load() {
				b.maxLag.Store(int64(lag))
			}
		}
	}
	return wait, stop
}

func (b *boundedPacer) Rate(elapsed time.Duration) float64 { return b.p.Rate(elapsed) }
