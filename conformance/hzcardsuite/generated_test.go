package hzcardsuite

import (
	"testing"

	"paycert/conformance/negatives"
	"paycert/platforms/catalog"
	"paycert/platforms/hzcard"
)

// TestGeneratedCoverEveryField: every request field of every interface has
// at least one generated case (negatives.Uncovered is empty: seed 003 has
// no request field no breach applies to), and every omission has a reason
// of the generator's own rules or the one the suite gives.
func TestGeneratedCoverEveryField(t *testing.T) {
	cat := hzcard.Catalogue()
	cases, omitted := negatives.Generate(cat, genRules())
	if u := negatives.Uncovered(cat, cases, omitted); len(u) != 0 {
		t.Errorf("request fields without a generated case: %v", u)
	}
	fields := 0
	for _, it := range cat.Interfaces {
		fields += len(it.FieldsFor(catalog.Request))
	}
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.Interface+" "+c.Field.Path] = true
	}
	if len(seen) != fields {
		t.Errorf("%d fields covered, the catalogue has %d request fields", len(seen), fields)
	}
	for _, o := range omitted {
		if o.Reason == "" {
			t.Errorf("omission without a reason: %+v", o)
		}
	}
}

// TestGeneratedWants: the breaches the seed names a code for get it
// (catalogue FieldCodes), every other breach any documented error code.
func TestGeneratedWants(t *testing.T) {
	for _, c := range genCases() {
		want := ""
		switch {
		case c.Field.Path == "sign":
			want = hzcard.CodeBadSign
		case c.Field.Path == "joininstid" && c.Breach != catalog.WrongCharset:
			want = hzcard.CodeNoInstitution
		case c.Field.Path == "data" && (c.Breach == catalog.Missing || c.Breach == catalog.Empty):
			want = hzcard.CodeNoTxnInfo
		}
		if c.Want.Code != want {
			t.Errorf("%s %s: want %q, generated %q", c.Interface, c.Name(), want, c.Want.Code)
		}
		if c.Want.Accepts(hzcard.CodeOK) {
			t.Errorf("%s %s accepts success", c.Interface, c.Name())
		}
	}
}
