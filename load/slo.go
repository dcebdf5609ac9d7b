package load

import (
	"fmt"
	"os"
	"sort"
	"time"

	"gopkg.in/yaml.v3"
)

// Thresholds are the SLOs of one scenario or step. Zero values are not
// checked, except MinRateRatio which defaults to 0.98 for the scenario
// itself (a step's rate depends on the steps before it, so steps are not
// rate-checked unless their threshold says so).
type Thresholds struct {
	P50          Duration `yaml:"p50,omitempty"`
	P90          Duration `yaml:"p90,omitempty"`
	P95          Duration `yaml:"p95,omitempty"`
	P99          Duration `yaml:"p99,omitempty"`
	Max          Duration `yaml:"max,omitempty"`
	MinSuccess   float64  `yaml:"success,omitempty"`    // ratio 0..1, e.g. 0.999
	MinRateRatio float64  `yaml:"rate_ratio,omitempty"` // achieved/asked, e.g. 0.98
}

// Duration is a time.Duration that reads "50ms" from YAML.
type Duration time.Duration

// UnmarshalYAML reads a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: duration %q: %w", n.Line, n.Value, err)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the Go duration string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// merge overlays the non-zero fields of o on t.
func (t Thresholds) merge(o Thresholds) Thresholds {
	pick := func(a, b Duration) Duration {
		if b != 0 {
			return b
		}
		return a
	}
	t.P50, t.P90, t.P95, t.P99, t.Max = pick(t.P50, o.P50), pick(t.P90, o.P90), pick(t.P95, o.P95), pick(t.P99, o.P99), pick(t.Max, o.Max)
	if o.MinSuccess != 0 {
		t.MinSuccess = o.MinSuccess
	}
	if o.MinRateRatio != 0 {
		t.MinRateRatio = o.MinRateRatio
	}
	return t
}

// SLO is the threshold configuration of a run, read from YAML:
//
//	defaults: {success: 0.999}
//	scenarios:
//	  hzcard-charge:
//	    p99: 250ms
//	    steps:
//	      confirm: {p99: 120ms, success: 0.999}
type SLO struct {
	Defaults  Thresholds             `yaml:"defaults"`
	Scenarios map[string]ScenarioSLO `yaml:"scenarios"`
}

// ScenarioSLO is one scenario's thresholds and its steps'.
type ScenarioSLO struct {
	Thresholds `yaml:",inline"`
	Steps      map[string]Thresholds `yaml:"steps"`
}

// DefaultRateRatio is the achieved/asked rate below which a run fails.
const DefaultRateRatio = 0.98

// LoadSLO reads a YAML threshold file. Unknown keys are errors: a typo in an
// SLO must not silently disable it.
func LoadSLO(path string) (*SLO, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("slo config: %w", err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	var s SLO
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("slo config %s: %w", path, err)
	}
	return &s, nil
}

// For returns the thresholds of a scenario (step == "") or one of its
// steps: defaults, then the scenario's, then the step's, then the flag
// overrides (which apply to the scenario level only).
func (s *SLO) For(scenario, step string, flags Thresholds) Thresholds {
	var t Thresholds
	if step == "" {
		t.MinRateRatio = DefaultRateRatio
	}
	if s != nil {
		t = t.merge(s.Defaults)
		if step != "" {
			t.MinRateRatio = s.Defaults.MinRateRatio // the default rate check is for whole scenarios
		}
		if sc, ok := s.Scenarios[scenario]; ok {
			if step == "" {
				t = t.merge(sc.Thresholds)
			} else {
				t = t.merge(sc.Steps[step])
			}
		}
	}
	if step == "" {
		t = t.merge(flags)
	}
	return t
}

// Breach is one threshold a run did not meet.
type Breach struct {
	Group     string // "scenario" or "scenario/step"
	Threshold string // "p99", "success", "rate"
	Want      string
	Got       string
}

func (b Breach) String() string {
	return fmt.Sprintf("SLO breached: %s %s = %s, threshold %s", b.Group, b.Threshold, b.Got, b.Want)
}

// Check compares stats with thresholds. askedRate is the total rate asked
// for (all shards); 0 skips the rate check.
func Check(s *Stats, t Thresholds, askedRate float64) []Breach {
	var out []Breach
	lat := []struct {
		name  string
		limit Duration
		got   time.Duration
	}{{"p50", t.P50, s.P50}, {"p90", t.P90, s.P90}, {"p95", t.P95, s.P95}, {"p99", t.P99, s.P99}, {"max", t.Max, s.Max}}
	for _, l := range lat {
		if l.limit > 0 && l.got > time.Duration(l.limit) {
			out = append(out, Breach{s.Group, l.name, "<= " + time.Duration(l.limit).String(), round(l.got).String()})
		}
	}
	if t.MinSuccess > 0 && s.SuccessRatio() < t.MinSuccess {
		out = append(out, Breach{s.Group, "success", fmt.Sprintf(">= %.4g%%", 100*t.MinSuccess), fmt.Sprintf("%.4g%% (%d/%d)", 100*s.SuccessRatio(), s.Successes, s.Requests)})
	}
	if t.MinRateRatio > 0 && askedRate > 0 {
		if got := s.Rate / askedRate; got < t.MinRateRatio {
			out = append(out, Breach{s.Group, "rate", fmt.Sprintf(">= %.0f%% of %.1f/s", 100*t.MinRateRatio, askedRate), fmt.Sprintf("%.1f/s (%.1f%%)", s.Rate, 100*got)})
		}
	}
	return out
}

// CheckAll checks every group of an aggregate against the SLO. asked maps a
// scenario to its total asked rate.
func CheckAll(all []*Stats, slo *SLO, flags Thresholds, asked map[string]float64) []Breach {
	var out []Breach
	for _, s := range all {
		rate := 0.0
		if s.Step == "" {
			rate = asked[s.Scenario]
		}
		out = append(out, Check(s, slo.For(s.Scenario, s.Step, flags), rate)...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Group < out[j].Group })
	return out
}
