package hzcardsuite

import (
	"fmt"

	"paycert/conformance"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/sim"
)

// SimTarget is the target section an outside client needs to certify
// against s served at url (paycert sim hzcard --write-config): the
// fixture institution, merchant and terminal, the institution's SM2 key
// and the centre's public key.
func SimTarget(s sim.Simulator, url, _ string) (conformance.Target, error) {
	if _, ok := s.(*hzcardsim.Simulator); !ok {
		return conformance.Target{}, fmt.Errorf("hzcard: SimTarget needs an *hzcardsim.Simulator, got %T", s)
	}
	return conformance.Target{Platform: "hzcard", URL: url, Params: map[string]string{
		"inst_key":   hzcard.TestInstKeyHex,
		"centre_pub": hzcard.TestCentrePubHex,
		"joininstid": hzcard.TestJoinInstID,
		"instid":     hzcard.TestInstID,
		"mchntid":    hzcard.TestMchntID,
		"termid":     hzcard.TestTermID,
	}}, nil
}
