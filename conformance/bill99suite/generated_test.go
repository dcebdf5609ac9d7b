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

// TestGeneratedCoverage: every request field of every interface has
// generated cases, the TR3 notice's included (sent to the merchant's TR3
// endpoint). Every breach of a merchant request but a wrong charset has the
// code the seed names (B.MGW.0120, E-BILL99-FIELD-CODES); the TR3's have
// none (a merchant answers TR4 or nothing), and its wrong charset is left
// out (UTF-8 bytes of Chinese text are valid GBK, E-BILL99-TR3-MALFORMED).
func TestGeneratedCoverage(t *testing.T) {
	cat := bill99.Catalogue()
	cases, omitted := negatives.Generate(cat, bill99suite.Rules())
	uncovered := negatives.Uncovered(cat, cases, omitted)
	for field, why := range uncovered {
		t.Errorf("%s has no generated case: %s", field, strings.Join(why, "; "))
	}
	for _, c := range cases {
		switch {
		case c.Interface == bill99.IfTR3:
			if c.Want.Documented() || c.Breach == catalog.WrongCharset {
				t.Errorf("TR3 %s: want no code and no charset case, got %s", c.Name(), c.Want)
			}
		case c.Breach == catalog.WrongCharset:
			if c.Want.Documented() {
				t.Errorf("%s %s: the seed names no code for a wrong charset, got %s", c.Interface, c.Name(), c.Want)
			}
		case c.Want.Code != bill99.ECField:
			t.Errorf("%s %s: want B.MGW.0120, got %s", c.Interface, c.Name(), c.Want)
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
