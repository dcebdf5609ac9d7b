package hzcard

import (
	"errors"
	"strings"
	"testing"

	"paycert/codecs/signdomain"
)

func TestSignVerify(t *testing.T) {
	inst, err := TestKey(TestInstKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := TestPub(TestInstPubHex)
	if err != nil {
		t.Fatal(err)
	}
	if !inst.Public().Equal(pub) {
		t.Fatal("TestInstPubHex is not TestInstKeyHex's public key")
	}
	centre, _ := TestKey(TestCentreKeyHex)
	cpub, _ := TestPub(TestCentrePubHex)
	if !centre.Public().Equal(cpub) {
		t.Fatal("TestCentrePubHex is not TestCentreKeyHex's public key")
	}
	msg, err := EncodeRequest(Request{JoinInstID: TestJoinInstID, ReqDate: "20260501"}, OrderCancelReq{CardNo: "1", OrderNo: "湖州<1>"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(msg), `"sign":""}`) || !strings.Contains(string(msg), "湖州<1>") {
		t.Fatalf("encoding: %s", msg)
	}
	signed, err := SignMessage(inst, signdomain.Default, msg)
	if err != nil {
		t.Fatal(err)
	}
	v, _, _ := signdomain.SignValue(signed)
	if len(v) != 128 || strings.ToUpper(v) != v {
		t.Fatalf("sign %q: want 128 uppercase hex digits", v)
	}
	tests := []struct {
		name string
		msg  []byte
		p    signdomain.Profile
		ok   bool
	}{
		{"as signed", signed, signdomain.Default, true},
		{"re-signing is idempotent in form", mustSign(t, signed), signdomain.Default, true},
		{"tampered data", []byte(strings.Replace(string(signed), `"cardno":"1"`, `"cardno":"2"`, 1)), signdomain.Default, false},
		{"other profile", signed, signdomain.SignRemoved, false},
		{"unsigned", msg, signdomain.Default, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyMessage(pub, tt.p, tt.msg)
			if (err == nil) != tt.ok {
				t.Fatalf("verify: %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrBadSignature) {
				t.Fatalf("error %v does not wrap ErrBadSignature", err)
			}
		})
	}
}

func mustSign(t *testing.T, msg []byte) []byte {
	k, _ := TestKey(TestInstKeyHex)
	b, err := SignMessage(k, signdomain.Default, msg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The three rules printed under appendix G, plus state 4 (E-HZ-STATE4-MANAGE).
func TestAppendixGRules(t *testing.T) {
	tests := []struct {
		state                       string
		manage, recharge, refund, c bool
	}{
		{StateInitial, false, true, true, false},
		{StateAuthorised, true, false, false, false},
		{StateCardFailed, false, true, true, false},
		{StateCardUnknown, true, false, false, false},
		{StateConfirmed, false, false, false, true},
		{StateAuthorising, false, true, true, false},
		{StateConfirming, true, false, false, false},
		{StateAdjusted, false, false, false, true},
		{StateAdjustFailed, false, false, false, false},
		{StateRefundApplied, false, false, false, false},
		{StateRefunded, false, false, false, false},
		{StateRefundFailed, false, false, true, false},
	}
	if len(tests) != len(OrderStates()) {
		t.Fatalf("%d states tested, appendix G has %d", len(tests), len(OrderStates()))
	}
	for _, tt := range tests {
		if NeedsManagement(tt.state) != tt.manage || Rechargeable(tt.state) != tt.recharge || Refundable(tt.state) != tt.refund || Credited(tt.state) != tt.c {
			t.Errorf("state %s: manage %v recharge %v refund %v credited %v", tt.state,
				NeedsManagement(tt.state), Rechargeable(tt.state), Refundable(tt.state), Credited(tt.state))
		}
	}
}

func TestTerminalAndDateTime(t *testing.T) {
	if got := Terminal("10000001"); got != [6]byte{0, 0, 0x10, 0, 0, 0x01} {
		t.Errorf("Terminal: %X", got)
	}
	if got := Terminal("1000000x"); got != [6]byte{} {
		t.Errorf("Terminal of a bad termid: %X", got)
	}
	dt, err := BCDDateTime("20260501", "183059")
	if err != nil || dt != [7]byte{0x20, 0x26, 0x05, 0x01, 0x18, 0x30, 0x59} {
		t.Errorf("BCDDateTime: %X %v", dt, err)
	}
	if _, err := BCDDateTime("2026050", "183059"); err == nil {
		t.Error("13 digits accepted")
	}
}
