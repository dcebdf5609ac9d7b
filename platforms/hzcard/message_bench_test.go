package hzcard

import (
	"testing"

	"paycert/codecs/signdomain"
)

// benchOrderCreate is the load scenario's sm2-sign unit: an orderCreate
// request with "sign":"", as EncodeRequest makes it.
func benchOrderCreate(b *testing.B) []byte {
	req := Request{JoinInstID: TestJoinInstID, JoinInstSSN: "2211053800000000001", AreaFlag: TestAreaFlag,
		ReqDate: "20261122", ReqTime: "053800", InstID: TestInstID, MchntID: TestMchntID, NetID: TestNetID,
		TermID: TestTermID, TermSeq: "000001", OprID: TestOprID, BatchNo: "000001", ChnlID: TestChnlID}
	msg, err := EncodeRequest(req, OrderCreateReq{CardNo: "3100000000000001", ChargeType: "1", PayType: "1", TxnAmt: "100"})
	if err != nil {
		b.Fatal(err)
	}
	return msg
}

// BenchmarkSignMessage and BenchmarkVerifyMessage are the per-message cost
// of the sm2-sign and sm2-sign-verify load scenarios without the runner:
// the SM2 operation plus the sign-domain work around it.
func BenchmarkSignMessage(b *testing.B) {
	k, err := TestKey(TestInstKeyHex)
	if err != nil {
		b.Fatal(err)
	}
	msg := benchOrderCreate(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SignMessage(k, signdomain.SignEmpty, msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyMessage(b *testing.B) {
	k, err := TestKey(TestInstKeyHex)
	if err != nil {
		b.Fatal(err)
	}
	pub, err := TestPub(TestInstPubHex)
	if err != nil {
		b.Fatal(err)
	}
	signed, err := SignMessage(k, signdomain.SignEmpty, benchOrderCreate(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := VerifyMessage(pub, signdomain.SignEmpty, signed); err != nil {
			b.Fatal(err)
		}
	}
}
