package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"paycert/cmd/paycert/internal/cli/clitest"
	"paycert/cmd/paycert/internal/registry"
	"paycert/conformance"
	"paycert/load"
)

var update = flag.Bool("update", false, "rewrite paycert.example.yaml from the registry")

// TestRegistry walks the platform table: every entry has every piece
// (registry.Check: constructors, scenarios, command, a catalogue that
// validates and names the platform, a suite of the same name, an example
// target), and the CLI lists exactly what the table holds.
func TestRegistry(t *testing.T) {
	ps := platforms()
	if err := registry.Check(ps); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
		if p.Catalogue().Platform != p.Name || p.Suite().Platform != p.Name || p.Command().Name != p.Name {
			t.Errorf("%s: catalogue, suite and command must all be named %q", p.Name, p.Name)
		}
	}
	if got := strings.Join(names, " "); got != "kakatong bill99 ipos hzcard" {
		t.Errorf("platforms %q", got)
	}
	if s := rootCommand().Summary; !strings.Contains(s, "Kakatong, 99bill, iPos and Huzhou transit card") {
		t.Errorf("root summary %q", s)
	}
	var scenarios []string
	for _, sc := range registry.Scenarios(ps) {
		scenarios = append(scenarios, sc.Name)
		if _, err := selectPlatforms([]string{strings.SplitN(sc.Name, "-", 2)[0]}); err != nil && !strings.HasPrefix(sc.Name, "sm2-") {
			t.Errorf("scenario %s is not named after a platform", sc.Name)
		}
	}
	want := []string{"kakatong-consume", "kakatong-soap-consume", "bill99-purchase", "ipos-mac", "ipos-verify", "sm2-sign", "sm2-sign-verify", "hzcard-charge"}
	if !slices.Equal(scenarios, want) {
		t.Errorf("scenarios %q, want %q", scenarios, want)
	}
	for _, sc := range want {
		if code, _, stderr := clitest.Run(context.Background(), rootCommand(), nil, "load", sc, "--help"); code != 0 {
			t.Errorf("paycert load %s --help: exit %d %s", sc, code, stderr)
		}
	}
	if code, _, _ := clitest.Run(context.Background(), rootCommand(), nil, "load", "nope"); code != 2 {
		t.Error("an unknown scenario must be a usage error")
	}
}

// TestExampleConfig: paycert.example.yaml is what the registry generates
// (-update rewrites it), and it loads as a config with every platform's
// params.
func TestExampleConfig(t *testing.T) {
	path := filepath.Join("..", "..", "paycert.example.yaml")
	gen := registry.ExampleConfig(platforms())
	if *update {
		if err := os.WriteFile(path, gen, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(gen) {
		t.Fatalf("%s is not what the registry generates; run: go test ./cmd/paycert -run TestExampleConfig -update", path)
	}
	cfg, err := conformance.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range platforms() {
		tg := cfg.Resolve(p.Name)
		if tg.Embedded() {
			t.Errorf("%s: no example target", p.Name)
		}
		for _, q := range p.Target().Params {
			if _, ok := tg.Params[q.Name]; ok != (q.Example != "") {
				t.Errorf("%s: param %s in the example: %v, has an example value: %v", p.Name, q.Name, ok, q.Example != "")
			}
		}
	}
}

// TestScenarios runs every scenario of every platform briefly against its
// embedded simulator (or in memory for the signing ones), with its ledger
// check and sampled field checks.
func TestScenarios(t *testing.T) {
	// It asserts only what holds however slow the host is: how many
	// requests go out in the window depends on the machine (a floor of 30
	// of the 60 asked failed at load average 22), so the test checks that
	// some did, that all of them succeeded and were counted and written,
	// and that the pacing bound was kept, never a throughput.
	const (
		rate     = 40
		duration = 1500 * time.Millisecond
	)
	// The generator sends hit c (from 0) no earlier than c/rate, and only
	// after seeing an elapsed time ≤ duration, which it reads after sending
	// hit c−1, itself no earlier than (c−1)/rate: so c ≤ rate·duration + 1,
	// at most rate·duration + 2 hits, on any host.
	maxHits := uint64(rate*duration.Seconds()) + 2
	dir := t.TempDir()
	for _, sc := range registry.Scenarios(platforms()) {
		t.Run(sc.Name, func(t *testing.T) {
			if sc.Unavailable != "" {
				t.Skipf("not available yet: %s", sc.Unavailable)
			}
			out := filepath.Join(dir, sc.Name+".bin")
			rep, err := load.Run(context.Background(), sc, load.Plan{
				Rate: rate, Duration: duration, KeepAlive: true, Output: out,
			})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			rep.WriteText(&b)
			t.Log("\n" + b.String())
			s := rep.ScenarioStats()
			if s == nil || s.Requests == 0 {
				t.Fatalf("scenario level: no request in %s: %+v", duration, s)
			}
			if s.Requests > maxHits {
				t.Errorf("%d requests in %s at %d/s: more than the pacing allows (%d)", s.Requests, duration, rate, maxHits)
			}
			if s.Successes != s.Requests {
				t.Errorf("%d of %d failed: %v", s.Requests-s.Successes, s.Requests, s.Errors)
			}
			// Every result is counted in exactly one group (the scenario or
			// one of its steps) and written once.
			var counted uint64
			for _, g := range rep.Stats {
				counted += g.Requests
			}
			if rep.Written != counted {
				t.Errorf("results file holds %d results, the stats count %d", rep.Written, counted)
			}
			if rep.LedgerErr != nil {
				t.Errorf("ledger: %v", rep.LedgerErr)
			}
			if rep.Checked == 0 || rep.CheckFailed > 0 {
				t.Errorf("field checks: %d checked, %d failed: %v", rep.Checked, rep.CheckFailed, rep.CheckErrors)
			}
			for _, br := range rep.Breaches {
				// The machine is shared: a rate shortfall is logged, not failed.
				t.Logf("breach (not failing the test): %s", br)
			}
		})
	}
}

// TestLedgerCheckCanFail proves each ledger check is not a check that
// cannot fail: with nothing sent, a claim of one accepted request must be
// refused by the simulator's own state.
func TestLedgerCheckCanFail(t *testing.T) {
	for _, sc := range registry.Scenarios(platforms()) {
		if sc.Unavailable != "" || sc.Setup == nil {
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			env := &load.Env{Shard: load.Shard{}, IDs: load.NewIDs(load.Shard{}), Rate: 10, Duration: time.Second,
				MaxRequests: 20, Checks: &load.Checks{}, Stamp: "261122050000", Logf: t.Logf}
			wl, err := sc.Setup(context.Background(), env)
			if err != nil {
				t.Fatal(err)
			}
			if wl.Close != nil {
				defer wl.Close()
			}
			if wl.Audit == nil {
				if len(sc.Steps) == 0 || !strings.HasPrefix(sc.Measures, "function-call") {
					t.Fatalf("%s moves money but has no ledger check", sc.Name)
				}
				return
			}
			if err := wl.Audit(&load.Stats{Group: sc.Name, Scenario: sc.Name}); err != nil {
				t.Fatalf("untouched simulator fails its audit: %v", err)
			}
			if err := wl.Audit(&load.Stats{Group: sc.Name, Scenario: sc.Name, Requests: 1, Successes: 1}); err == nil {
				t.Fatal("one accepted request that the simulator never saw passed the ledger check")
			} else {
				t.Logf("refused as it must be: %v", err)
			}
		})
	}
}
