package load

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Stats summarises the results of one attack group (a scenario, or one step
// of it) over every shard that contributed.
type Stats struct {
	Group     string // "scenario" or "scenario/step"
	Scenario  string
	Step      string
	Requests  uint64
	Successes uint64 // HTTP 2xx/3xx and no Result.Error
	Rate      float64
	Duration  time.Duration
	Earliest  time.Time
	Latest    time.Time
	P50       time.Duration
	P90       time.Duration
	P95       time.Duration
	P99       time.Duration
	Max       time.Duration
	Mean      time.Duration
	Codes     map[string]int
	Errors    []ErrorCount // most frequent first
	Shards    int          // distinct shards seen
}

// SuccessRatio is Successes/Requests (0 for no requests).
func (s *Stats) SuccessRatio() float64 {
	if s.Requests == 0 {
		return 0
	}
	return float64(s.Successes) / float64(s.Requests)
}

// ErrorCount is one distinct error and how often it occurred.
type ErrorCount struct {
	Error string
	Count uint64
}

// maxDistinctErrors bounds memory over a long run with unique error texts.
const maxDistinctErrors = 200

// Succeeded is paycert's definition of success: an HTTP 2xx/3xx (or a
// function-call step that recorded 200) and no business failure.
func Succeeded(r *vegeta.Result) bool {
	return r.Code >= 200 && r.Code < 400 && r.Error == ""
}

// Aggregator accumulates results by group in constant memory per group
// (vegeta's t-digest for percentiles). Not safe for concurrent use.
type Aggregator struct {
	groups map[string]*agg
	order  []string
}

type agg struct {
	name   Name
	m      vegeta.Metrics // counts, rate, duration, mean, status codes
	lat    Hist           // the percentiles (hist.go says why not m's t-digest)
	ok     uint64
	max    time.Duration
	errs   map[string]uint64
	shards map[Shard]bool
}

// NewAggregator returns an empty aggregator.
func NewAggregator() *Aggregator { return &Aggregator{groups: map[string]*agg{}} }

// Add accounts one result.
func (a *Aggregator) Add(r *vegeta.Result) {
	n := ParseName(r.Attack)
	key := n.Group()
	g := a.groups[key]
	if g == nil {
		g = &agg{name: n, errs: map[string]uint64{}, shards: map[Shard]bool{}}
		g.name.Shard = Shard{}
		a.groups[key] = g
		a.order = append(a.order, key)
	}
	g.shards[n.Shard] = true
	g.m.Add(r)
	g.lat.Add(r.Latency)
	if Succeeded(r) {
		g.ok++
	}
	g.max = max(g.max, r.Latency)
	if r.Error != "" {
		if _, seen := g.errs[r.Error]; seen || len(g.errs) < maxDistinctErrors {
			g.errs[r.Error]++
		} else {
			g.errs["(other errors)"]++
		}
	}
}

// Groups lists the group keys in first-seen order.
func (a *Aggregator) Groups() []string { return append([]string(nil), a.order...) }

// Stats computes the summary of one group (nil when unknown).
func (a *Aggregator) Stats(group string) *Stats {
	g := a.groups[group]
	if g == nil {
		return nil
	}
	m := g.m // Close fills derived fields; percentiles come from g.lat, not from m's digest
	m.Close()
	s := &Stats{
		Group: group, Scenario: g.name.Scenario, Step: g.name.Step,
		Requests: m.Requests, Successes: g.ok, Rate: m.Rate, Duration: m.Duration,
		Earliest: m.Earliest, Latest: m.Latest,
		P50: g.lat.Quantile(0.5), P90: g.lat.Quantile(0.9), P95: g.lat.Quantile(0.95), P99: g.lat.Quantile(0.99),
		Max: g.max, Mean: m.Latencies.Mean, Codes: m.StatusCodes, Shards: len(g.shards),
	}
	for e, c := range g.errs {
		s.Errors = append(s.Errors, ErrorCount{e, c})
	}
	sort.Slice(s.Errors, func(i, j int) bool {
		if s.Errors[i].Count != s.Errors[j].Count {
			return s.Errors[i].Count > s.Errors[j].Count
		}
		return s.Errors[i].Error < s.Errors[j].Error
	})
	return s
}

// All returns the stats of every group, flows before their steps.
func (a *Aggregator) All() []*Stats {
	keys := a.Groups()
	sort.SliceStable(keys, func(i, j int) bool { return keys[i] < keys[j] })
	out := make([]*Stats, 0, len(keys))
	for _, k := range keys {
		out = append(out, a.Stats(k))
	}
	return out
}

// Progress is the live view for the progress line: the running p99,
// requests and failures of one group.
func (a *Aggregator) Progress(group string) (p99 time.Duration, requests, failures uint64) {
	g := a.groups[group]
	if g == nil {
		return 0, 0, 0
	}
	return g.lat.Quantile(0.99), g.m.Requests, g.m.Requests - g.ok
}

// WriteText prints a table of stats, then the most frequent errors.
func WriteText(w io.Writer, all []*Stats) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "attack\trequests\tsuccess\trate/s\tp50\tp90\tp95\tp99\tmax\t\n")
	for _, s := range all {
		fmt.Fprintf(tw, "%s\t%d\t%.2f%%\t%.1f\t%s\t%s\t%s\t%s\t%s\t\n", s.Group, s.Requests, 100*s.SuccessRatio(), s.Rate,
			round(s.P50), round(s.P90), round(s.P95), round(s.P99), round(s.Max))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range all {
		for i, e := range s.Errors {
			if i == 5 {
				fmt.Fprintf(w, "  %s: ... %d more distinct errors\n", s.Group, len(s.Errors)-5)
				break
			}
			fmt.Fprintf(w, "  %s: %d× %s\n", s.Group, e.Count, oneLine(e.Error, 160))
		}
	}
	return nil
}

// Round is how paycert prints a latency, on the console and on the page
// alike: 1 ms resolution from 1 s, 10 µs from 1 ms, else 1 µs.
func Round(d time.Duration) time.Duration { return round(d) }

func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	default:
		return d.Round(time.Microsecond)
	}
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
