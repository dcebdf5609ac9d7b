package load

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSLOConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("slo.yaml", `
defaults: {success: 0.999}
scenarios:
  hzcard-charge:
    p99: 300ms
    rate_ratio: 0.9
    steps:
      confirm: {p99: 120ms, success: 0.99}
  off-in-file: {success: 0, rate_ratio: 0}
`)
	slo, err := LoadSLO(good)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		scenario, step string
		flags          Thresholds
		want           Thresholds
	}{
		{"hzcard-charge", "", Thresholds{}, Thresholds{P99: Duration(300 * time.Millisecond), MinSuccess: 0.999, MinRateRatio: 0.9}},
		{"hzcard-charge", "confirm", Thresholds{P99: 1}, Thresholds{P99: Duration(120 * time.Millisecond), MinSuccess: 0.99}},
		{"hzcard-charge", "create", Thresholds{}, Thresholds{MinSuccess: 0.999}},
		{"ipos-verify", "", Thresholds{P99: Duration(time.Millisecond)}, Thresholds{P99: Duration(time.Millisecond), MinSuccess: 0.999, MinRateRatio: DefaultRateRatio}},
		{"ipos-verify", "", Thresholds{MinSuccess: Off}, Thresholds{MinSuccess: Off, MinRateRatio: DefaultRateRatio}},
		{"off-in-file", "", Thresholds{}, Thresholds{MinSuccess: Off, MinRateRatio: Off}},
		{"off-in-file", "", Thresholds{MinSuccess: 0.5}, Thresholds{MinSuccess: 0.5, MinRateRatio: Off}},
	} {
		if got := slo.For(tc.scenario, tc.step, tc.flags); got != tc.want {
			t.Errorf("For(%s, %s) = %+v, want %+v", tc.scenario, tc.step, got, tc.want)
		}
	}
	var none *SLO
	if got := none.For("x", "", Thresholds{}); got != (Thresholds{MinSuccess: DefaultSuccess, MinRateRatio: DefaultRateRatio}) {
		t.Errorf("no config: %+v, want the default success and rate thresholds", got)
	}
	if got := none.For("x", "step", Thresholds{}); got != (Thresholds{}) {
		t.Errorf("no config, a step: %+v, want no thresholds (the defaults are for whole scenarios)", got)
	}
	for name, body := range map[string]string{
		"typo.yaml":     "scenarios:\n  x: {p99s: 10ms}\n",
		"duration.yaml": "defaults: {p99: fast}\n",
		"ratio.yaml":    "defaults: {success: 99}\n",
	} {
		if _, err := LoadSLO(write(name, body)); err == nil {
			t.Errorf("%s accepted: a typo must not silently disable an SLO", name)
		}
	}
	if _, err := LoadSLO(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "slo config") {
		t.Errorf("missing file: %v", err)
	}
}

func TestCheckNamesEveryBreach(t *testing.T) {
	s := &Stats{Group: "x/confirm", P50: 5 * time.Millisecond, P99: 50 * time.Millisecond, Max: time.Second, Requests: 100, Successes: 97, Rate: 90}
	got := Check(s, Thresholds{P50: Duration(10 * time.Millisecond), P99: Duration(20 * time.Millisecond), Max: Duration(500 * time.Millisecond), MinSuccess: 0.99, MinRateRatio: 0.98}, 100)
	var names []string
	for _, b := range got {
		names = append(names, b.Threshold)
		if !strings.Contains(b.String(), "x/confirm") {
			t.Errorf("breach %q does not name its group", b)
		}
	}
	if strings.Join(names, ",") != "p99,max,success,rate" {
		t.Errorf("breaches %v, want p99,max,success,rate", names)
	}
	all := Evaluate(s, Thresholds{P50: Duration(10 * time.Millisecond), MinSuccess: 0.9, MinRateRatio: Off}, 100)
	if len(all) != 2 || !all[0].Met || !all[1].Met || all[1].Want != ">= 90%" || all[1].Got != "97% (97/100)" {
		t.Errorf("outcomes %+v, want p50 and success met (rate off)", all)
	}
	if got := Check(&Stats{Group: "none"}, Thresholds{MinSuccess: DefaultSuccess}, 0); len(got) != 1 {
		t.Errorf("a run without a single request passed its success threshold: %v", got)
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  Name
		group string
	}{
		{"ipos-verify", Name{Scenario: "ipos-verify"}, "ipos-verify"},
		{"hzcard-charge/confirm@2/4", Name{"hzcard-charge", "confirm", Shard{2, 4}}, "hzcard-charge/confirm"},
		{"plain vegeta@night", Name{Scenario: "plain vegeta@night"}, "plain vegeta@night"},
		{"", Name{Scenario: Unnamed}, Unnamed},
	} {
		got := ParseName(tc.in)
		if got != tc.want || got.Group() != tc.group {
			t.Errorf("ParseName(%q) = %+v (group %q)", tc.in, got, got.Group())
		}
		if tc.want.Shard.Count > 1 && got.String() != tc.in {
			t.Errorf("round trip %q -> %q", tc.in, got.String())
		}
	}
	for _, bad := range []string{"", "1", "4/4", "-1/2", "a/b", "0/100"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
	a, b := NewIDs(Shard{0, 2}), NewIDs(Shard{1, 2})
	if x, y := a.Next(), b.Next(); x != 1 || y != IDStride+1 {
		t.Errorf("ids %d %d", x, y)
	}
}
