package main

import (
	"paycert/cmd/paycert/internal/bill99cmd"
	"paycert/cmd/paycert/internal/hzcardcmd"
	"paycert/cmd/paycert/internal/iposcmd"
	"paycert/cmd/paycert/internal/kakatongcmd"
	"paycert/cmd/paycert/internal/registry"
	"paycert/conformance/bill99suite"
	"paycert/conformance/hzcardsuite"
	"paycert/conformance/ipossuite"
	"paycert/conformance/kakatongsuite"
	"paycert/load"
	"paycert/load/scenario"
	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
)

// platforms is the table of supported platforms, in the order the CLI,
// reports and paycert.example.yaml show them: the one place that knows all
// four. Adding a platform is one entry here (platforms/README.md, "Adding a
// platform"); TestRegistry says what an entry lacks.
func platforms() []registry.Platform {
	return []registry.Platform{
		{
			Name:         "kakatong",
			Title:        "Kakatong",
			Catalogue:    kakatong.Catalogue,
			NewSimulator: func(o sim.Options) (sim.Simulator, error) { return kakatongsim.New(o) },
			SimTarget:    kakatongsuite.SimTarget,
			Fixture:      kakatongsuite.FixtureText,
			Suite:        kakatongsuite.Suite,
			Target:       kakatongsuite.TargetDoc,
			Scenarios: func() []*load.Scenario {
				return []*load.Scenario{scenario.KakatongConsume(), scenario.KakatongSOAPConsume()}
			},
			Command: kakatongcmd.Command,
		},
		{
			Name:         "bill99",
			Title:        "99bill",
			Catalogue:    bill99.Catalogue,
			NewSimulator: func(o sim.Options) (sim.Simulator, error) { return bill99sim.New(o) },
			SimTarget:    bill99suite.SimTarget,
			Suite:        bill99suite.Suite,
			Target:       bill99suite.TargetDoc,
			Scenarios:    func() []*load.Scenario { return []*load.Scenario{scenario.Bill99Purchase()} },
			Command:      bill99cmd.Command,
			Fixture:      bill99sim.FixtureText,
		},
		{
			Name:         "ipos",
			Title:        "iPos",
			Catalogue:    ipos.Catalogue,
			NewSimulator: func(o sim.Options) (sim.Simulator, error) { return ipossim.New(o) },
			SimTarget:    ipossuite.SimTarget,
			Suite:        ipossuite.Suite,
			Target:       ipossuite.TargetDoc,
			Scenarios:    func() []*load.Scenario { return []*load.Scenario{scenario.IPosMAC(), scenario.IPosVerify()} },
			Command:      iposcmd.Command,
			Fixture:      ipossim.FixtureText,
		},
		{
			Name:         "hzcard",
			Title:        "Huzhou transit card",
			Catalogue:    hzcard.Catalogue,
			NewSimulator: func(o sim.Options) (sim.Simulator, error) { return hzcardsim.New(o) },
			SimTarget:    hzcardsuite.SimTarget,
			Fixture:      hzcardsuite.FixtureText,
			Suite:        hzcardsuite.Suite,
			Target:       hzcardsuite.TargetDoc,
			Scenarios: func() []*load.Scenario {
				return []*load.Scenario{scenario.SM2Sign(), scenario.SM2SignVerify(), scenario.HZCardCharge()}
			},
			Command: hzcardcmd.Command,
		},
	}
}
