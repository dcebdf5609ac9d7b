package hzcardsuite

import (
	"fmt"
	"sort"
	"strings"
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

// TestGeneratedCounts logs the counts conformance/README.md quotes (go test
// -v -run TestGeneratedCounts).
func TestGeneratedCounts(t *testing.T) {
	cat := hzcard.Catalogue()
	cases, omitted := negatives.Generate(cat, genRules())
	per := map[catalog.Breach]int{}
	documented := 0
	for _, c := range cases {
		per[c.Breach]++
		if c.Want.Documented() {
			documented++
		}
	}
	var parts []string
	for _, b := range catalog.Breaches() {
		parts = append(parts, fmt.Sprintf("%s %d", b, per[b]))
	}
	fields := map[string]bool{}
	for _, c := range cases {
		fields[c.Interface+" "+c.Field.Path] = true
	}
	t.Logf("%d cases over %d request fields of %d interfaces (%s); %d documented code, %d any documented error code",
		len(cases), len(fields), len(cat.Interfaces), strings.Join(parts, ", "), documented, len(cases)-documented)
	why := map[string]int{}
	for _, o := range omitted {
		why[string(o.Breach)+": "+o.Reason]++
	}
	keys := make([]string, 0, len(why))
	for k := range why {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("omitted %4d  %s", why[k], k)
	}
}
