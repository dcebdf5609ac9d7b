package hzcard

import (
	"bytes"
	"testing"

	"paycert/codecs/signdomain"
)

// TestSignedEncoders: SignedRequest and SignedReply give what EncodeRequest
// or EncodeReply then SignMessage give, apart from the signature itself
// (SM2 signatures are randomised): the same bytes with the sign value
// blanked, a signature that verifies, under every profile.
func TestSignedEncoders(t *testing.T) {
	k, err := TestKey(TestInstKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := TestPub(TestInstPubHex)
	if err != nil {
		t.Fatal(err)
	}
	env := Request{JoinInstID: TestJoinInstID, JoinInstSSN: "1", ReqDate: "20261122", Data: []byte(`{"ignored":1}`)}
	data := OrderCreateReq{CardNo: "3100000000000001", ChargeType: "01", PayType: "10", TxnAmt: "100"}
	for _, p := range signdomain.Profiles() {
		for _, tc := range []struct {
			name          string
			signed, plain func() ([]byte, error)
		}{
			{"request", func() ([]byte, error) { return SignedRequest(k, p, env, data) }, func() ([]byte, error) { return EncodeRequest(env, data) }},
			{"request without data", func() ([]byte, error) { return SignedRequest(k, p, env, nil) }, func() ([]byte, error) { return EncodeRequest(env, nil) }},
			{"reply", func() ([]byte, error) { return SignedReply(k, p, CodeOK, "成功 <&>", Times{TxnDate: "20261122"}) }, func() ([]byte, error) { return EncodeReply(CodeOK, "成功 <&>", Times{TxnDate: "20261122"}) }},
			{"reply without data", func() ([]byte, error) { return SignedReply(k, p, CodeUnknown, "x", nil) }, func() ([]byte, error) { return EncodeReply(CodeUnknown, "x", nil) }},
		} {
			got, err := tc.signed()
			if err != nil {
				t.Fatalf("%s %s: %v", p, tc.name, err)
			}
			msg, err := tc.plain()
			if err != nil {
				t.Fatal(err)
			}
			want, err := SignMessage(k, p, msg)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyMessage(pub, p, got); err != nil {
				t.Errorf("%s %s: %v", p, tc.name, err)
			}
			g, err1 := signdomain.SetSign(got, "")
			w, err2 := signdomain.SetSign(want, "")
			if err1 != nil || err2 != nil || !bytes.Equal(g, w) || !bytes.Equal(g, msg) || len(got) != len(want) {
				t.Errorf("%s %s:\n got %s\nwant %s", p, tc.name, got, want)
			}
		}
	}
}

func BenchmarkSignedRequest(b *testing.B) {
	k, err := TestKey(TestInstKeyHex)
	if err != nil {
		b.Fatal(err)
	}
	env := Request{JoinInstID: TestJoinInstID, JoinInstSSN: "2211053800000000001", AreaFlag: TestAreaFlag,
		ReqDate: "20261122", ReqTime: "053800", InstID: TestInstID, MchntID: TestMchntID, NetID: TestNetID,
		TermID: TestTermID, TermSeq: "000001", OprID: TestOprID, BatchNo: "000001", ChnlID: TestChnlID}
	data := OrderCreateReq{CardNo: "3100000000000001", ChargeType: "1", PayType: "1", TxnAmt: "100"}
	b.Run("SignMessage", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			msg, err := EncodeRequest(env, data)
			if err == nil {
				_, err = SignMessage(k, signdomain.SignEmpty, msg)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SignedRequest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := SignedRequest(k, signdomain.SignEmpty, env, data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
