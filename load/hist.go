package load

import (
	"math"
	"time"
)

// Hist is the latency histogram every paycert percentile comes from: the
// console, merge and the HTML page read the same counts the same way, so
// they print the same p95 for the same file. It replaces vegeta's t-digest
// for percentiles because a t-digest's answer depends on the order of its
// inputs and on when it was queried (the progress line queries it every
// second, which compresses it): the console and the page disagreed by 8 %
// on one file. Counts in fixed buckets are exact and order-free; the price
// is resolution: 32 buckets per power of two from 1 µs, a percentile is
// its bucket's geometric middle, within 1.1 % of the true value (and never
// outside the observed min and max).
type Hist struct {
	counts   [histBuckets]uint64
	n        uint64
	min, max time.Duration
}

const (
	histPerOctave = 32
	histBuckets   = histPerOctave * 42 // 1 µs .. ~51 days
)

func histBucket(d time.Duration) int {
	us := float64(d) / float64(time.Microsecond)
	if us <= 1 {
		return 0
	}
	return min(int(histPerOctave*math.Log2(us)), histBuckets-1)
}

// bounds of bucket i in µs: [2^(i/32), 2^((i+1)/32)).
func histMiddle(i int) time.Duration {
	return time.Duration(math.Pow(2, (float64(i)+0.5)/histPerOctave) * float64(time.Microsecond))
}

// Add counts one latency.
func (h *Hist) Add(d time.Duration) {
	if h.n == 0 || d < h.min {
		h.min = d
	}
	h.max = max(h.max, d)
	h.counts[histBucket(d)]++
	h.n++
}

// Count is the number of latencies added.
func (h *Hist) Count() uint64 { return h.n }

// Quantile returns the q-quantile (0..1) by nearest rank: the latency that
// ceil(q×n) of the n latencies are at or below. 0 when empty.
func (h *Hist) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	if q >= 1 {
		return h.max
	}
	want := max(uint64(math.Ceil(q*float64(h.n))), 1)
	var cum uint64
	for i, c := range h.counts {
		if cum += c; cum >= want {
			return min(max(histMiddle(i), h.min), h.max)
		}
	}
	return h.max
}
