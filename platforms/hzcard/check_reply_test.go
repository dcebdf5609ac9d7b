package hzcard

import (
	"errors"
	"slices"
	"testing"

	"paycert/codecs/signdomain"
)

// CheckReply judges fields only; the signature is VerifyReply's.
func TestParseVerifyCheckReply(t *testing.T) {
	cat := Catalogue()
	centre, err := TestKey(TestCentreKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	rules := func(rep Reply, iface string) []string {
		var out []string
		for _, f := range CheckReply(cat, Call{Interface: iface}, &rep) {
			out = append(out, f.Path+":"+f.Rule)
		}
		return out
	}
	signed, err := SignedReply(centre, signdomain.Default, CodeOK, "成功", APDUReply{OrderNo: "O1", APDUNum: "1", APDUList: "805C000204", TxnTime: "100000", TxnDate: "20260501", SettDate: "20260501"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ParseReply(signed)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyReply(&rep, centre.Public(), signdomain.Default); err != nil {
		t.Errorf("VerifyReply of a reply the centre signed: %v", err)
	}
	if got := rules(rep, ChargeOrderCreate); len(got) != 0 {
		t.Errorf("CheckReply of a complete reply: %v", got)
	}
	other, _ := TestKey(TestOtherKeyHex)
	if err := VerifyReply(&rep, other.Public(), signdomain.Default); !errors.Is(err, ErrBadSignature) {
		t.Errorf("VerifyReply under another key = %v, want ErrBadSignature", err)
	}

	unsigned, _ := EncodeReply(CodeOK, "成功", APDUReply{APDUNum: "1", APDUList: "805C000204", TxnTime: "100000", TxnDate: "20260501", SettDate: "20260501"})
	rep, err = ParseReply(unsigned)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyReply(&rep, centre.Public(), signdomain.Default); !errors.Is(err, ErrBadSignature) {
		t.Errorf("VerifyReply of an unsigned reply = %v, want ErrBadSignature", err)
	}
	if got, want := rules(rep, ChargeOrderCreate), []string{"sign:missing", "data.orderno:missing"}; !slices.Equal(got, want) {
		t.Errorf("CheckReply without orderno = %v, want %v", got, want)
	}
	// A failure is judged on its code and text, not on the success fields.
	if got, want := rules(Reply{Result: "123456"}, ChargeOrderCreate), []string{"result:unknown-code", "resultdesc:missing"}; !slices.Equal(got, want) {
		t.Errorf("CheckReply of an undocumented code = %v, want %v", got, want)
	}
	if got := rules(Reply{Result: CodeNoOrder, ResultDesc: "无此订单"}, CardChargeRequest); len(got) != 0 {
		t.Errorf("CheckReply of a documented failure: %v", got)
	}
	// A reply built in memory is judged as it encodes.
	if got, want := rules(Reply{Result: CodeOK, ResultDesc: "成功", Sign: "AB",
		Data: []byte(`{"orderno":"O1","apdunum":"1","txntime":"100000","txndate":"20260501","settdate":"20260501"}`)}, ChargeOrderCreate), []string{"data.apdulist:missing"}; !slices.Equal(got, want) {
		t.Errorf("CheckReply of an in-memory reply = %v, want %v", got, want)
	}
	if err := VerifyReply(&Reply{Result: CodeOK}, centre.Public(), signdomain.Default); !errors.Is(err, ErrBadSignature) {
		t.Errorf("VerifyReply of an in-memory reply = %v, want ErrBadSignature", err)
	}
	if got := rules(Reply{Result: CodeOK, ResultDesc: "成功"}, "noSuchInterface"); !slices.Equal(got, []string{":unknown-interface"}) {
		t.Errorf("CheckReply for an unknown interface = %v", got)
	}
	if _, err := ParseReply([]byte("<html>")); err == nil {
		t.Error("ParseReply accepted a body that is not JSON")
	}
}
