package bill99suite_test

import (
	"sort"
	"strconv"
	"strings"
	"testing"

	"paycert/conformance/bill99suite"
	"paycert/conformance/negatives"
	"paycert/platforms/bill99"
	"paycert/platforms/catalog"
)

// TestGeneratedCoverage: every request field of every interface a merchant
// sends has generated cases; the only fields without any are the TR3
// notice's, which the platform sends to the merchant (no endpoint under
// test refuses them, the merchant answers no result code). Every breach
// but a wrong charset has the code the seed names (B.MGW.0120,
// E-BILL99-FIELD-CODES).
func TestGeneratedCoverage(t *testing.T) {
	cat := bill99.Catalogue()
	cases, omitted := negatives.Generate(cat, bill99suite.Rules())
	tr3, _ := cat.Interface(bill99.IfTR3)
	allowed := map[string]string{}
	for _, f := range tr3.FieldsFor(catalog.Request) {
		allowed[bill99.IfTR3+" "+f.Path] = "platform-to-merchant notice"
	}
	uncovered := negatives.Uncovered(cat, cases, omitted)
	for field, why := range uncovered {
		if _, ok := allowed[field]; !ok {
			t.Errorf("%s has no generated case: %s", field, strings.Join(why, "; "))
		}
	}
	for field := range allowed {
		if _, ok := uncovered[field]; !ok {
			t.Errorf("%s is listed as an exception but has cases", field)
		}
	}
	for _, c := range cases {
		if c.Interface == bill99.IfTR3 {
			t.Errorf("TR3 case generated: %s", c.Name())
		}
		if documented := c.Breach != catalog.WrongCharset; c.Want.Documented() != documented || documented && c.Want.Code != bill99.ECField {
			t.Errorf("%s %s: want %s", c.Interface, c.Name(), c.Want)
		}
	}
	byBreach := map[catalog.Breach]int{}
	for _, c := range cases {
		byBreach[c.Breach]++
	}
	reasons := map[string]int{}
	for _, o := range omitted {
		reasons[o.Reason]++
	}
	var rs []string
	for r, n := range reasons {
		rs = append(rs, r+": "+strconv.Itoa(n))
	}
	sort.Strings(rs)
	t.Logf("%d cases %v; %d fields with cases, %d without; omissions: %s", len(cases), byBreach, fieldsWithCases(cases), len(uncovered), strings.Join(rs, " | "))
}

func fieldsWithCases(cases []negatives.Case) int {
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.Interface+" "+c.Field.Path] = true
	}
	return len(seen)
}
