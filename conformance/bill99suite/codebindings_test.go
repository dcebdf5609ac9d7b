package bill99suite

import (
	"reflect"
	"testing"

	"paycert/platforms/bill99/bill99sim"
)

// TestCodeBindings: param code_bindings reads what SimTarget writes, and a
// malformed entry is an error at start, not a spec that purchases with
// half a card.
func TestCodeBindings(t *testing.T) {
	got, err := parseCodeBindings(formatCodeBindings(bill99sim.CodeBindings()))
	if err != nil || !reflect.DeepEqual(got, bill99sim.CodeBindings()) {
		t.Fatalf("round trip: %v, %v; want %v", got, err, bill99sim.CodeBindings())
	}
	for _, tc := range []struct {
		in   string
		want map[string]bill99sim.CodeBinding // nil: an error
	}{
		{"", map[string]bill99sim.CodeBinding{}},
		{"ZG=c1/812", map[string]bill99sim.CodeBinding{"ZG": {CustomerID: "c1", PayToken: "812", Amount: "1.00"}}},
		{" I8=c2/813/100.01 ,", map[string]bill99sim.CodeBinding{"I8": {CustomerID: "c2", PayToken: "813", Amount: "100.01"}}},
		{"ZG=c1", nil},
		{"ZG=/812", nil},
		{"c1/812", nil},
		{"ZG=c1/812/1/2", nil},
	} {
		got, err := parseCodeBindings(tc.in)
		if (err != nil) != (tc.want == nil) || (tc.want != nil && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("parseCodeBindings(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}
