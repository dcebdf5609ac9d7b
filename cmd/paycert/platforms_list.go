package main

import (
	bill99suite "paycert/conformance/bill99"
	hzcardsuite "paycert/conformance/hzcard"
	iposuite "paycert/conformance/ipos"
	kakatongsuite "paycert/conformance/kakatong"
	"paycert/platforms/bill99"
	bill99sim "paycert/platforms/bill99/simulator"
	"paycert/platforms/hzcard"
	hzcardsim "paycert/platforms/hzcard/simulator"
	"paycert/platforms/ipos"
	iposim "paycert/platforms/ipos/simulator"
	"paycert/platforms/kakatong"
	kakatongsim "paycert/platforms/kakatong/simulator"
	"paycert/platforms/sim"
)

// platforms is the table of supported platforms, in the order reports show
// them. Each entry adapts the platform's own constructors.
func platforms() []platform {
	return []platform{
		{
			name:      "kakatong",
			catalogue: kakatong.Catalogue,
			newSim:    func(o sim.Options) (sim.Simulator, error) { return kakatongsim.New(o) },
			suite:     kakatongsuite.Suite,
		},
		{
			name:      "bill99",
			catalogue: bill99.Catalogue,
			newSim:    func(o sim.Options) (sim.Simulator, error) { return bill99sim.New(o) },
			suite:     bill99suite.Suite,
		},
		{
			name:      "ipos",
			catalogue: ipos.Catalogue,
			newSim:    func(o sim.Options) (sim.Simulator, error) { return iposim.New(o) },
			suite:     iposuite.Suite,
		},
		{
			name:      "hzcard",
			catalogue: hzcard.Catalogue,
			newSim:    func(o sim.Options) (sim.Simulator, error) { return hzcardsim.New(o) },
			suite:     hzcardsuite.Suite,
		},
	}
}
