package registry

import (
	"context"
	"strings"
	"testing"

	"paycert/cmd/paycert/internal/cli"
	"paycert/conformance"
	"paycert/load"
	"paycert/platforms/catalog"
	"paycert/platforms/sim"
)

// fake is a complete entry; each case of TestCheck takes one piece away.
func fake(name string) Platform {
	return Platform{
		Name:  name,
		Title: "Fake " + name,
		Catalogue: func() *catalog.Catalogue {
			return &catalog.Catalogue{Platform: name, Title: "Fake spec", Seed: "fake seed 1.0"}
		},
		NewSimulator: func(sim.Options) (sim.Simulator, error) { return nil, nil },
		SimTarget:    func(sim.Simulator, string, string) (conformance.Target, error) { return conformance.Target{}, nil },
		Fixture:      func() string { return "fixture" },
		Suite: func() conformance.Suite {
			return conformance.Suite{Platform: name, Register: func(conformance.Target) func() { return func() {} }}
		},
		Target: func() conformance.TargetDoc {
			return conformance.TargetDoc{URL: "https://x.example", Params: []conformance.Param{{Name: "key", Doc: "a key", Secret: true, Example: "k"}}}
		},
		Scenarios: func() []*load.Scenario {
			return []*load.Scenario{{Name: name + "-trade", Summary: "a trade", Unavailable: "not yet"}}
		},
		Command: func() *cli.Command {
			return &cli.Command{Name: name, Run: func(context.Context, cli.IO, []string) error { return nil }}
		},
	}
}

func TestCheck(t *testing.T) {
	if err := Check([]Platform{fake("a"), fake("b")}); err != nil {
		t.Fatalf("complete entries: %v", err)
	}
	for _, tc := range []struct {
		breakIt func(*Platform)
		want    string
	}{
		{func(p *Platform) { p.Catalogue = nil }, "platform a: no Catalogue"},
		{func(p *Platform) { p.NewSimulator = nil }, "platform a: no NewSimulator"},
		{func(p *Platform) { p.SimTarget = nil }, "platform a: no SimTarget"},
		{func(p *Platform) { p.Fixture = nil }, "platform a: no Fixture"},
		{func(p *Platform) { p.Suite = nil }, "platform a: no Suite"},
		{func(p *Platform) { p.Target = nil }, "platform a: no Target"},
		{func(p *Platform) { p.Scenarios = nil }, "platform a: no Scenarios"},
		{func(p *Platform) { p.Command = nil }, "platform a: no Command"},
		{func(p *Platform) { p.Title = "" }, "platform a: no Title"},
		{func(p *Platform) { p.Scenarios = func() []*load.Scenario { return nil } }, "platform a: Scenarios returns none"},
		{func(p *Platform) { p.Suite = fake("b").Suite }, `platform a: Suite is of platform "b"`},
		{func(p *Platform) { p.Catalogue = fake("b").Catalogue }, `platform a: Catalogue is of platform "b"`},
		{func(p *Platform) { p.Command = fake("b").Command }, `platform a: Command is not "paycert a"`},
		{func(p *Platform) { p.Scenarios = fake("b").Scenarios }, "platform a: scenario b-trade is also b's"},
		{func(p *Platform) { p.Target = func() conformance.TargetDoc { return conformance.TargetDoc{URL: "u"} } }, "platform a: Target: no example URL or no params"},
		{func(p *Platform) {
			p.Catalogue = func() *catalog.Catalogue {
				return &catalog.Catalogue{Platform: "a", Title: "t", Seed: "s", Codes: []catalog.Code{{Code: "1"}, {Code: "1"}}}
			}
		}, "platform a: Catalogue does not validate"},
		{func(p *Platform) { p.Name = "b" }, "platform b: Name used by two entries"},
	} {
		a := fake("a")
		tc.breakIt(&a)
		err := Check([]Platform{fake("b"), a})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error containing %q", err, tc.want)
		}
	}
}

func TestTitlesAndExample(t *testing.T) {
	ps := []Platform{fake("a"), fake("b"), fake("c")}
	if got := Titles(ps); got != "Fake a, Fake b and Fake c" {
		t.Errorf("Titles: %q", got)
	}
	ex := string(ExampleConfig(ps[:1]))
	for _, want := range []string{"targets:\n  # Fake a: Fake spec\n", "  a:\n    url: https://x.example\n    params:\n      # a key [secret]\n      key: \"k\"\n", "waivers:\n"} {
		if !strings.Contains(ex, want) {
			t.Errorf("example lacks %q:\n%s", want, ex)
		}
	}
}
