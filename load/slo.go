package load

import (
	"fmt"
	"os"
	"sort"
	"time"

	"gopkg.in/yaml.v3"
)

// Thresholds are the SLOs of one scenario or step. Zero values are not
// set, except on the scenario level itself, where MinSuccess defaults to
// 0.99 and MinRateRatio to 0.98: a run that mostly fails must not pass
// because nobody wrote a threshold. Steps get neither default (a step's
// rate and failures follow from the steps before it). A ratio set to 0
// explicitly (flag or YAML) is stored as Off and disables the default.
type Thresholds struct {
	P50          Duration `yaml:"p50,omitempty" json:"p50,omitempty"`
	P90          Duration `yaml:"p90,omitempty" json:"p90,omitempty"`
	P95          Duration `yaml:"p95,omitempty" json:"p95,omitempty"`
	P99          Duration `yaml:"p99,omitempty" json:"p99,omitempty"`
	Max          Duration `yaml:"max,omitempty" json:"max,omitempty"`
	MinSuccess   Ratio    `yaml:"success,omitempty" json:"success,omitempty"`       // ratio 0..1, e.g. 0.999
	MinRateRatio Ratio    `yaml:"rate_ratio,omitempty" json:"rate_ratio,omitempty"` // achieved/asked, e.g. 0.98
}

// Ratio is a threshold between 0 and 1. The zero value means "not set"
// (a default may apply); Off means "set to 0": explicitly not checked.
type Ratio float64

// Off is a ratio threshold disabled on purpose ("success: 0", "--success 0").
const Off Ratio = -1

// Checked reports whether the ratio is a threshold to check.
func (r Ratio) Checked() bool { return r > 0 }

// UnmarshalYAML reads a ratio; an explicit 0 is Off, so "success: 0" turns
// the default success threshold off instead of being taken for "unset".
func (r *Ratio) UnmarshalYAML(n *yaml.Node) error {
	var v float64
	if err := n.Decode(&v); err != nil {
		return fmt.Errorf("line %d: ratio %q: %w", n.Line, n.Value, err)
	}
	if v < 0 || v > 1 {
		return fmt.Errorf("line %d: ratio %v: want a number between 0 and 1", n.Line, v)
	}
	*r = Ratio(v)
	if v == 0 {
		*r = Off
	}
	return nil
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

// The scenario-level defaults: the achieved/asked rate and the share of
// successful requests below which a run fails (exit 99).
const (
	DefaultRateRatio Ratio = 0.98
	DefaultSuccess   Ratio = 0.99
)

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
		t.MinRateRatio, t.MinSuccess = DefaultRateRatio, DefaultSuccess
	}
	if s != nil {
		t = t.merge(s.Defaults)
		if step != "" {
			// The built-in defaults are for whole scenarios; the file's
			// defaults apply to steps too, as written.
			t.MinRateRatio = s.Defaults.MinRateRatio
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

// Outcome is one threshold that was checked, met or not: the page shows
// every threshold (want / got / met), not only the breaches.
type Outcome struct {
	Breach
	Met bool
}

func (b Breach) String() string {
	return fmt.Sprintf("SLO breached: %s %s = %s, threshold %s", b.Group, b.Threshold, b.Got, b.Want)
}

// Evaluate compares stats with every threshold that is set. askedRate is
// the total rate asked for (all shards); 0 skips the rate check.
func Evaluate(s *Stats, t Thresholds, askedRate float64) []Outcome {
	var out []Outcome
	lat := []struct {
		name  string
		limit Duration
		got   time.Duration
	}{{"p50", t.P50, s.P50}, {"p90", t.P90, s.P90}, {"p95", t.P95, s.P95}, {"p99", t.P99, s.P99}, {"max", t.Max, s.Max}}
	for _, l := range lat {
		if l.limit > 0 {
			out = append(out, Outcome{Breach{s.Group, l.name, "<= " + time.Duration(l.limit).String(), round(l.got).String()}, l.got <= time.Duration(l.limit)})
		}
	}
	if t.MinSuccess.Checked() {
		got := s.SuccessRatio()
		out = append(out, Outcome{Breach{s.Group, "success", fmt.Sprintf(">= %.4g%%", 100*float64(t.MinSuccess)), fmt.Sprintf("%.4g%% (%d/%d)", 100*got, s.Successes, s.Requests)},
			s.Requests > 0 && got >= float64(t.MinSuccess)})
	}
	if t.MinRateRatio.Checked() && askedRate > 0 {
		got := s.Rate / askedRate
		out = append(out, Outcome{Breach{s.Group, "rate", fmt.Sprintf(">= %.0f%% of %.1f/s", 100*float64(t.MinRateRatio), askedRate), fmt.Sprintf("%.1f/s (%.1f%%)", s.Rate, 100*got)},
			got >= float64(t.MinRateRatio)})
	}
	return out
}

// Check returns the thresholds stats did not meet.
func Check(s *Stats, t Thresholds, askedRate float64) []Breach {
	return Breaches(Evaluate(s, t, askedRate))
}

// Breaches returns the outcomes that were not met.
func Breaches(all []Outcome) []Breach {
	var out []Breach
	for _, o := range all {
		if !o.Met {
			out = append(out, o.Breach)
		}
	}
	return out
}

// EvaluateAll checks every group of an aggregate against the SLO. asked
// maps a scenario to its total asked rate.
func EvaluateAll(all []*Stats, slo *SLO, flags Thresholds, asked map[string]float64) []Outcome {
	var out []Outcome
	for _, s := range all {
		rate := 0.0
		if s.Step == "" {
			rate = asked[s.Scenario]
		}
		out = append(out, Evaluate(s, slo.For(s.Scenario, s.Step, flags), rate)...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Group < out[j].Group })
	return out
}

// CheckAll is EvaluateAll's breaches.
func CheckAll(all []*Stats, slo *SLO, flags Thresholds, asked map[string]float64) []Breach {
	return Breaches(EvaluateAll(all, slo, flags, asked))
}
