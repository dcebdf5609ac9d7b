package ipossuite

import (
	"strings"
	"testing"

	"paycert/conformance/negatives"
	"paycert/platforms/catalog"
	"paycert/platforms/ipos"
)

// Every request field of every interface has at least one generated case:
// every field is text (a wrong charset applies) but tx_amt, which has a
// length and a type, so none is left uncovered, and no exception is
// allowed.
func TestGeneratedCoverEveryField(t *testing.T) {
	cat := ipos.Catalogue()
	cases, omitted := generatedCases(cat)
	if left := negatives.Uncovered(cat, cases, omitted); len(left) != 0 {
		t.Errorf("request fields without a generated case: %v", left)
	}
	fields := 0
	for _, it := range cat.Interfaces {
		fields += len(it.FieldsFor(catalog.Request))
	}
	byBreach, documented := map[catalog.Breach]int{}, 0
	for _, c := range cases {
		byBreach[c.Breach]++
		if c.Want.Documented() {
			documented++
		}
	}
	reasons := map[string]int{}
	for _, o := range omitted {
		reasons[o.Reason]++
	}
	t.Logf("%d cases over %d request fields: %v; %d with the code §5 names, %d any documented error code", len(cases), fields, byBreach, documented, len(cases)-documented)
	t.Logf("omitted %d: %v", len(omitted), reasons)
}

// The values the rules make break exactly what they say: a too-long free
// text is one GBK byte over in Chinese (so a length counted in characters
// lets it through), a wrong type keeps a valid length, and the generator
// names the documented code for the breaches §5 covers.
func TestGeneratedValues(t *testing.T) {
	cat := ipos.Catalogue()
	cases, _ := generatedCases(cat)
	find := func(iface, path string, b catalog.Breach) negatives.Case {
		t.Helper()
		for _, c := range cases {
			if c.Interface == iface && c.Field.Path == ipos.Root+"/"+path && c.Breach == b {
				return c
			}
		}
		t.Fatalf("no case %s %s %s", iface, path, b)
		return negatives.Case{}
	}
	tests := []struct {
		iface, path string
		breach      catalog.Breach
		value, code string // code "" is any documented error code
	}{
		{ipos.CardQuery, "pos_id", catalog.TooLong, "翼翼翼翼翼1", ipos.CodePosID},
		{ipos.CardQuery, "pos_id", catalog.Missing, "", ipos.CodePosID},
		{ipos.CardQuery, "store_id", catalog.Missing, "", ""},
		{ipos.CardQuery, "user_id", catalog.TooLong, "翼翼翼翼翼翼1", ipos.CodeUserID},
		{ipos.CardQuery, "pos_seq", catalog.TooShort, "111111111111", ipos.CodePosSeq},
		{ipos.CardVerify, "card_verify_request/tx_amt", catalog.WrongType, "1.5", ipos.CodeTxAmt},
		{ipos.CardDaily, "card_daily_request/daily_day", catalog.WrongType, "20250231", ipos.CodeDailyDay},
		{ipos.BindPos, "store_info/store_name", catalog.WrongCharset, "翼码", ipos.CodeBadXML},
		{ipos.BindPos, "request_type", catalog.Missing, "", ipos.CodeMethod},
		{ipos.WecardPosReturnd, "amount", catalog.WrongType, "1.5", ""},
		{ipos.WecardPosCancelCard, "code", catalog.Missing, "", ""},
	}
	for _, tc := range tests {
		c := find(tc.iface, tc.path, tc.breach)
		if c.Value != tc.value || c.Want.Code != tc.code {
			t.Errorf("%s %s %s: value %q want %q, code %q want %q", tc.iface, tc.path, tc.breach, c.Value, tc.value, c.Want.Code, tc.code)
		}
		if c.Breach == catalog.TooLong && ipos.GBKLen(c.Value) != c.Field.MaxLen+1 {
			t.Errorf("%s: %d GBK bytes, want %d", c.Name(), ipos.GBKLen(c.Value), c.Field.MaxLen+1)
		}
		if strings.Contains(c.Value, marker) {
			t.Errorf("%s: the value holds the marker", c.Name())
		}
	}
}
