package kakatongsuite

import (
	"slices"
	"testing"

	"paycert/platforms/kakatong"
)

// TestProvokersNameTheirInterface keeps the interface × code matrix
// whole: every provoker files its code under a REST method of the
// catalogue, and every code without one is unprovokable.
func TestProvokersNameTheirInterface(t *testing.T) {
	prov := provokers()
	for code, p := range prov {
		if !slices.Contains(kakatong.Methods(), p.Interface) {
			t.Errorf("provoker of %s names interface %q, not a REST method of the catalogue", code, p.Interface)
		}
		if p.Check == nil {
			t.Errorf("provoker of %s has no check", code)
		}
	}
	for _, c := range kakatong.Catalogue().Codes {
		if _, ok := prov[c.Code]; !ok && c.Unprovokable == "" {
			t.Errorf("code %s has neither a provoker nor an Unprovokable reason", c.Code)
		}
	}
}
