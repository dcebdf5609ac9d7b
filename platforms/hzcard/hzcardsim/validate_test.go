package hzcardsim

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"paycert/codecs/gbk"
	"paycert/codecs/signdomain"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

// TestStrictRecordsOneViolationPerRefusal: each broken request is answered
// with the code the order of checks gives (doc.go) and, in strict mode,
// recorded once with the element, rule, section, value and code; the
// charset is judged before everything else and a conforming request
// records nothing.
func TestStrictRecordsOneViolationPerRefusal(t *testing.T) {
	s, err := New(sim.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := hzcardclient.New(hzcardclient.Config{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	key, err := hzcard.TestKey(hzcard.TestInstKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	q := hzcard.OrderQueryReq{CardNo: "2253000000000001", RecNumPerPage: "20", CurrPage: "1", OrderBy: "0"}
	good, err := c.Body(c.Envelope(), q)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(t.Context(), hzcard.ChargeOrderQuery, good, nil); err != nil {
		t.Fatal(err)
	}
	if v := s.Violations(); len(v) != 0 {
		t.Fatalf("a conforming request recorded %v", v)
	}
	gbkOprid, _ := gbk.EncodeString("翼码")
	sign := func(b []byte) []byte {
		out, err := hzcard.SignMessage(key, signdomain.Default, b)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	replace := func(old, new string) []byte {
		env := c.Envelope()
		b, err := hzcard.EncodeRequest(env, q)
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Replace(b, []byte(old), []byte(new), 1)
	}
	for _, tt := range []struct {
		name, path, rule, code string
		body                   []byte
	}{
		{"GBK text in a UTF-8 message", "oprid", "wrong-charset", hzcard.CodeUnknown,
			sign(replace(`"oprid":"`+hzcard.TestOprID+`"`, `"oprid":"`+string(gbkOprid)+`"`))},
		{"GBK text in joininstid: charset before institution", "joininstid", "wrong-charset", hzcard.CodeUnknown,
			sign(replace(`"joininstid":"`+hzcard.TestJoinInstID+`"`, `"joininstid":"`+string(gbkOprid)+`"`))},
		{"joininstid over 32 characters", "joininstid", "field-too-long", hzcard.CodeNoInstitution,
			sign(replace(`"joininstid":"`+hzcard.TestJoinInstID+`"`, `"joininstid":"`+string(bytes.Repeat([]byte("A"), 33))+`"`))},
		{"an empty data object", "data", "empty", hzcard.CodeNoTxnInfo,
			sign(replace(`"data":{`, `"data":{},"x":{`))},
		{"a date that is no date", "reqdate", "field-bad-date", hzcard.CodeUnknown,
			sign(replace(`"reqdate":"`, `"reqdate":"20261332","y":"`))},
		{"a signature that is not hex", "sign", "bad-signature", hzcard.CodeBadSign,
			bytes.Replace(sign(replace(`"x":1`, `"x":1`)), []byte(`"sign":"`), []byte(`"sign":"G`), 1)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(s.Violations())
			_, err := c.Send(t.Context(), hzcard.ChargeOrderQuery, tt.body, nil)
			if got := wire.Code(err); got != tt.code {
				t.Fatalf("answered %q (%v), want %s", got, err, tt.code)
			}
			fresh := s.Violations()[before:]
			if len(fresh) != 1 {
				t.Fatalf("recorded %d violations, want 1: %+v", len(fresh), fresh)
			}
			v := fresh[0]
			if v.Path != tt.path || v.Rule != tt.rule || v.Code != tt.code || v.Section == "" || v.Interface != hzcard.ChargeOrderQuery {
				t.Errorf("recorded %+v, want path %s rule %s code %s with a section", v, tt.path, tt.rule, tt.code)
			}
			if tt.path != "data" && v.Value == "" {
				t.Errorf("the violation quotes no value: %+v", v)
			}
		})
	}
}
