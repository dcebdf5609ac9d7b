package main

import (
	"paycert/conformance"
	iposuite "paycert/conformance/ipos"
	"paycert/platforms/ipos"
	iposim "paycert/platforms/ipos/simulator"
	"paycert/platforms/sim"
)

// platforms is the table of supported platforms, in the order reports show
// them. Each entry adapts the platform's own constructors.
func platforms() []platform {
	return []platform{
		{
			name:      "ipos",
			catalogue: ipos.Catalogue,
			newSim:    func(o sim.Options) (sim.Simulator, error) { return iposim.New(o) },
			suite:     func() conformance.Suite { return iposuite.Suite() },
		},
	}
}
