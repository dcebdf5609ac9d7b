package kakatongsuite

import (
	"sort"
	"strings"
	"testing"

	"paycert/conformance/negatives"
	"paycert/platforms/catalog"
	"paycert/platforms/kakatong"
)

// TestGeneratedCoverEveryParameter: every request parameter of every
// method and operation has a generated case, but LANG, which no value
// breaks (E-KAKATONG-LANG-ANY); each breach left out says why.
func TestGeneratedCoverEveryParameter(t *testing.T) {
	allowed := map[string]string{} // "interface path" -> why no breach applies
	for _, it := range kakatong.Catalogue().Interfaces {
		for _, f := range it.FieldsFor(catalog.Request) {
			if f.Path == "LANG" {
				allowed[it.Name+" LANG"] = "E-KAKATONG-LANG-ANY"
			}
		}
	}
	cases, omitted := generatedCases()
	left := negatives.Uncovered(kakatong.Catalogue(), cases, omitted)
	var keys []string
	for k := range left {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := allowed[k]; !ok {
			t.Errorf("%s has no generated case: %s", k, strings.Join(left[k], "; "))
		}
	}
	for k := range allowed {
		if _, ok := left[k]; !ok {
			t.Errorf("%s is listed as uncoverable but has cases: drop it from the list", k)
		}
	}
	for _, o := range omitted {
		if o.Reason == "" {
			t.Errorf("%s %s %s omitted without a reason", o.Interface, o.Path, o.Breach)
		}
	}
}

// TestGeneratedCounts logs the counts conformance/README.md reports and
// pins what must hold: cases on every interface, documented codes where
// the catalogue names them, and every case's value within the units the
// seed counts (GB2312 bytes).
func TestGeneratedCounts(t *testing.T) {
	cases, omitted := generatedCases()
	per := map[catalog.Breach]int{}
	documented := 0
	fields := map[string]bool{}
	for _, c := range cases {
		per[c.Breach]++
		fields[c.Interface+" "+c.Field.Path] = true
		if c.Want.Documented() {
			documented++
		}
		if c.Breach == catalog.TooLong && kakatong.GBKLen(c.Value) != c.Field.MaxLen+1 {
			t.Errorf("%s: too-long value is %d GB2312 bytes, want %d", c.Name(), kakatong.GBKLen(c.Value), c.Field.MaxLen+1)
		}
	}
	reasons := map[string]int{}
	for _, o := range omitted {
		reasons[o.Reason]++
	}
	t.Logf("%d cases (%d documented, %d any documented error), %d fields; per breach %v", len(cases), documented, len(cases)-documented, len(fields), per)
	for r, n := range reasons {
		t.Logf("omitted %3d: %s", n, r)
	}
	for _, it := range kakatong.Catalogue().Interfaces {
		if negatives.Count(cases)[it.Name] == nil {
			t.Errorf("interface %s has no generated case", it.Name)
		}
	}
	if documented == 0 || per[catalog.WrongCharset] == 0 {
		t.Errorf("want documented cases and wrong-charset cases, got %d and %d", documented, per[catalog.WrongCharset])
	}
}
