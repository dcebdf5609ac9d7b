package kakatong

import (
	"slices"
	"testing"

	"paycert/platforms/kakatong"
)

// TestProvocationsNameTheirInterface keeps the interface × code matrix
// whole: every provocation files its code under a REST method of the
// catalogue, and every code without one is unprovokable.
func TestProvocationsNameTheirInterface(t *testing.T) {
	prov := provocations()
	for code, p := range prov {
		if !slices.Contains(kakatong.Methods(), p.iface) {
			t.Errorf("provocation of %s names interface %q, not a REST method of the catalogue", code, p.iface)
		}
	}
	for _, c := range kakatong.Catalogue().Codes {
		if _, ok := prov[c.Code]; !ok && c.Unprovokable == "" {
			t.Errorf("code %s has neither a provocation nor an Unprovokable reason", c.Code)
		}
	}
}
