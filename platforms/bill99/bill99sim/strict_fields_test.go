package bill99sim_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"paycert/codecs/gbk"
	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/sim"
)

// TestStrictViolationFields: a request refused for one field is recorded
// once, with the element's catalogue path, the rule, the seed section, the
// value sent (shortened) and the code answered; a field in GBK inside a
// UTF-8 message is a charset error of that element, found before its length
// (E-BILL99-FIELD-CHARSET).
func TestStrictViolationFields(t *testing.T) {
	gb, err := gbk.EncodeString("翼码")
	if err != nil {
		t.Fatal(err)
	}
	msg := func(cust string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><MasMessage xmlns="` + bill99.Namespace + `"><version>1.0</version><PciQueryContent>` +
			`<merchantId>104110045112012</merchantId><customerId>` + cust + `</customerId><cardType>0002</cardType></PciQueryContent></MasMessage>`
	}
	long := strings.Repeat("A", 40)
	cases := []struct {
		name, body            string
		rule, value, code     string
		section, errorMessage string
	}{
		{"customerId too long", msg(long), "field-too-long", sim.Short(long), bill99.ECField, "001 §4.6", "Data length of element[customerId] is incorrect!"},
		{"customerId empty", msg(""), "field-missing", "", bill99.ECField, "001 §4.6", "Data length of element[customerId] is incorrect!"},
		{"customerId in GBK", msg(string(gb)), "charset", "翼码", bill99.ECUnparsable, "001 §4.6", "element[PciQueryContent/customerId] is not UTF-8"},
		{"customerId in GBK and too long", msg(string(gb) + long), "charset", sim.Short("翼码" + long), bill99.ECUnparsable, "001 §4.6", "is not UTF-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := bill99sim.NewWithConfig(sim.Options{Strict: true}, bill99sim.Config{NoNotifier: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, bill99.PathPciQuery, strings.NewReader(tc.body)))
			if body := rec.Body.String(); !strings.Contains(body, "<errorCode>"+tc.code+"</errorCode>") || !strings.Contains(body, tc.errorMessage) {
				t.Fatalf("answer %d %s: want errorCode %s with %q", rec.Code, body, tc.code, tc.errorMessage)
			}
			vs := s.Violations()
			if len(vs) != 1 {
				t.Fatalf("%d violations, want 1: %+v", len(vs), vs)
			}
			v := vs[0]
			want := sim.Violation{Interface: bill99.IfPciQuery, Path: bill99.ElPciQuery + "/customerId", Rule: tc.rule, Section: tc.section, Value: tc.value, Code: tc.code}
			if v.Interface != want.Interface || v.Path != want.Path || v.Rule != want.Rule || v.Section != want.Section || v.Value != want.Value || v.Code != want.Code {
				t.Errorf("recorded %+v\nwant      %+v", v, want)
			}
		})
	}
}
