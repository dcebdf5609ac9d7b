package hzcardsuite

import (
	"paycert/conformance"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/sim"
)

// FixtureText tells a client of "paycert sim hzcard" what the simulator's
// fixture holds: the params SimTarget writes for it, with what each is.
func FixtureText() string {
	s, err := hzcardsim.New(sim.Options{})
	return conformance.SimFixtureText(s, err, SimTarget, TargetDoc())
}
