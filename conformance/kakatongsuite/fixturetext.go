package kakatongsuite

import (
	"paycert/conformance"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
)

// FixtureText tells a client of "paycert sim kakatong" what the simulator's
// fixture holds: the params SimTarget writes for it, with what each is.
func FixtureText() string {
	s, err := kakatongsim.New(sim.Options{})
	return conformance.SimFixtureText(s, err, SimTarget, TargetDoc())
}
