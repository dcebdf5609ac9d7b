package negatives

import (
	"strings"
	"testing"

	"paycert/platforms/catalog"
)

func testCatalogue() *catalog.Catalogue {
	req := func(path, typ string, min, max int, p catalog.Presence) catalog.Field {
		return catalog.Field{Dir: catalog.Request, Path: path, Type: typ, MinLen: min, MaxLen: max, Presence: p}
	}
	return &catalog.Catalogue{
		Platform: "p",
		Interfaces: []catalog.Interface{{Name: "pay", Fields: []catalog.Field{
			req("pos_id", "String", 0, 10, catalog.Required),
			req("amount", "Number", 1, 12, catalog.Required),
			req("day", "YYYYMMDD", 8, 8, catalog.Optional),
			req("memo", "String", 0, 0, catalog.Optional),
			req("mac", "String", 32, 32, catalog.Required),
			{Dir: catalog.Reply, Path: "result", Type: "String", MaxLen: 4, Presence: catalog.Required},
		}}},
		Codes:      []catalog.Code{{Code: "0000"}, {Code: "5211"}, {Code: "9999"}},
		FieldCodes: []catalog.FieldCode{{Path: "pos_id", Code: "5211", Section: "§5"}},
	}
}

// TestGenerate: each field gets exactly the breaches its row allows, with
// values of the right length in the platform's unit and the code the
// catalogue names, and the rest omitted with a reason.
func TestGenerate(t *testing.T) {
	gbkLen := func(s string) int { // two bytes a CJK character, as GBK
		n := 0
		for _, r := range s {
			if r < 0x80 {
				n++
			} else {
				n += 2
			}
		}
		return n
	}
	cases, omitted := Generate(testCatalogue(), Rules{Unit: "GBK bytes", Len: gbkLen, Success: []string{"0000"},
		Omit: func(_ catalog.Interface, f catalog.Field, _ catalog.Breach) string {
			if f.Path == "mac" {
				return "the client computes it"
			}
			return ""
		}})
	got := map[string]Case{}
	for _, c := range cases {
		got[c.Field.Path+" "+string(c.Breach)] = c
	}
	for _, tt := range []struct {
		key, value, code string
	}{
		{"pos_id missing", "", "5211"},
		{"pos_id empty", "", "5211"},
		{"pos_id too-long", "AAAAAAAAAAA", "5211"},
		{"pos_id wrong-charset", "翼码", "5211"},
		{"amount missing", "", ""},
		{"amount empty", "", ""},
		{"memo wrong-charset", "翼码", ""},
		{"amount too-long", "1111111111111", ""},
		{"amount wrong-type", "111X", ""},
		{"day too-long", "111111111", ""},
		{"day too-short", "1111111", ""},
		{"day wrong-type", "20261332", ""},
	} {
		c, ok := got[tt.key]
		if !ok {
			t.Errorf("no case %s", tt.key)
			continue
		}
		if c.Value != tt.value || c.Want.Code != tt.code {
			t.Errorf("%s: value %q code %q, want %q %q", tt.key, c.Value, c.Want.Code, tt.value, tt.code)
		}
		delete(got, tt.key)
	}
	for k := range got {
		t.Errorf("unexpected case %s", k)
	}
	why := map[string]string{}
	for _, o := range omitted {
		why[o.Path+" "+string(o.Breach)] = o.Reason
	}
	for key, want := range map[string]string{
		"day missing": "absence is allowed", "memo too-long": "no maximum", "amount too-short": "no minimum",
		"pos_id wrong-type": "type String has no wrong value", "amount wrong-charset": "not a text field", "mac too-long": "the client computes it",
	} {
		if !strings.Contains(why[key], want) {
			t.Errorf("omission %s: %q, want it to say %q", key, why[key], want)
		}
	}
	if u := Uncovered(testCatalogue(), cases, omitted); len(u) != 1 || u["pay mac"] == nil {
		t.Errorf("Uncovered = %v, want only the mac", u)
	}
}

// TestWant: a documented code is the only answer accepted; where the seed
// names none, any error code is, and success never is.
func TestWant(t *testing.T) {
	doc := Want{Code: "5211", Errors: []string{"5211", "9999"}}
	any := Want{Errors: []string{"5211", "9999"}}
	for _, tt := range []struct {
		w    Want
		code string
		ok   bool
	}{
		{doc, "5211", true}, {doc, "9999", false}, {doc, "0000", false},
		{any, "9999", true}, {any, "0000", false}, {any, "", false},
	} {
		if tt.w.Accepts(tt.code) != tt.ok {
			t.Errorf("%+v.Accepts(%q) = %v", tt.w, tt.code, !tt.ok)
		}
	}
}

func TestNameAndLabels(t *testing.T) {
	c := Case{Interface: "pay", Field: catalog.Field{Path: "pos_id"}, Breach: catalog.TooLong, Detail: "11 GBK bytes, max 10", Want: Want{Code: "5211"}}
	if got := c.Name(); got != "pay: pos_id too-long (11 GBK bytes, max 10) -> 5211" {
		t.Errorf("Name = %q", got)
	}
	if got := strings.Join(c.Labels(), " "); got != "generated negative interface:pay field:pos_id breach:too-long" {
		t.Errorf("Labels = %q", got)
	}
	// A nested path must still make a label Ginkgo accepts (no '/').
	c.Field.Path = "business_trans/store_info/store_name"
	if got := c.Labels()[3]; got != "field:business_trans.store_info.store_name" {
		t.Errorf("nested path label = %q", got)
	}
}
