package kakatongsuite

import (
	"fmt"
	"strings"

	"paycert/conformance"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
)

// SimTarget is the target section an outside client needs to certify
// against s served at url (paycert sim kakatong --write-config): the
// fixture merchant, its licence key and the active fixture cards.
func SimTarget(s sim.Simulator, url, _ string) (conformance.Target, error) {
	if _, ok := s.(*kakatongsim.Simulator); !ok {
		return conformance.Target{}, fmt.Errorf("kakatong: SimTarget needs a *kakatongsim.Simulator, got %T", s)
	}
	var cards []string
	for i := 126; i <= 133; i++ {
		cards = append(cards, fmt.Sprintf("1680115500000%d", i))
	}
	return conformance.Target{Platform: "kakatong", URL: url, Params: map[string]string{
		"licence_key": kakatongsim.LicenceKey,
		"copno":       kakatongsim.CopNo,
		"poscode":     kakatongsim.PosCode,
		"password":    kakatongsim.Password,
		"cards":       strings.Join(cards, ","),
	}}, nil
}
