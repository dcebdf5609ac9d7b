package hzcard

import (
	"bytes"
	"encoding/json"
	"testing"
)

// marshalRequest and marshalReply are EncodeRequest and EncodeReply as
// they were before the hand encoders: Marshal throughout. They are the
// oracle.
func marshalRequest(r Request, d any) ([]byte, error) {
	if d != nil {
		b, err := Marshal(d)
		if err != nil {
			return nil, err
		}
		r.Data = b
	}
	r.Sign = ""
	return Marshal(r)
}

func marshalReply(result, desc string, d any) ([]byte, error) {
	r := Reply{Result: result, ResultDesc: desc}
	if d != nil {
		b, err := Marshal(d)
		if err != nil {
			return nil, err
		}
		r.Data = b
	}
	return Marshal(r)
}

// sameEncodings fails t when the encoders and the Marshal oracle differ on
// messages built from the strings s and u.
func sameEncodings(t *testing.T, s, u string) {
	t.Helper()
	resp := APDUs(u)
	datas := []any{nil,
		OrderCreateReq{CardNo: s, ChargeType: "01", PayType: u, PayOrderNo: s, TxnAmt: Text(u)},
		OrderCreateReq{CardNo: s},
		ChargeReq{CardNo: s, OrderNo: u, APDUNum: Text(s), APDUList: APDUs(u), APDUResp: &resp, TxnAmt: "1000"},
		ChargeReq{CardNo: s, APDUResp: RespOf("")},
		APDUReply{OrderNo: s, APDUNum: "2", APDUList: APDUs(u), TxnTime: s, SettDate: u},
		APDUReply{},
		Times{TxnTime: s, TxnDate: u},
		&Times{TxnTime: s}, // not a hand-encoded type: Marshal
		map[string]string{"k": s},
	}
	for _, d := range datas {
		for _, env := range []Request{
			{JoinInstID: s, JoinInstSSN: u, AreaFlag: "01", ReqDate: s, ChnlID: u, Sign: "ignored"},
			{JoinInstID: s, Data: json.RawMessage(` { "caller" : "data" } `)}, // a caller's data, kept only without d
		} {
			got, err1 := EncodeRequest(env, d)
			want, err2 := marshalRequest(env, d)
			if (err1 == nil) != (err2 == nil) || !bytes.Equal(got, want) {
				t.Fatalf("EncodeRequest(%+v, %#v):\n got %s, %v\nwant %s, %v", env, d, got, err1, want, err2)
			}
		}
		got, err1 := EncodeReply(s, u, d)
		want, err2 := marshalReply(s, u, d)
		if (err1 == nil) != (err2 == nil) || !bytes.Equal(got, want) {
			t.Fatalf("EncodeReply(%q, %q, %#v):\n got %s, %v\nwant %s, %v", s, u, d, got, err1, want, err2)
		}
	}
}

func TestEncodersAsMarshal(t *testing.T) {
	for _, s := range []string{"", "3305000000000001", "成功", "<&>", "a\"b", `a\b`, "tab\there", "\x7f", "\u2028", "\u2029", "\xff", "é\x00", "00A4040008A000000632010105,805C000204"} {
		sameEncodings(t, s, "9000,9000")
		sameEncodings(t, "000000", s)
	}
}

func FuzzEncoders(f *testing.F) {
	f.Add("3305000000000001", "成功")
	f.Add("\u2028<", "\xe2\x80")
	f.Fuzz(sameEncodings)
}

func BenchmarkEncodeRequest(b *testing.B) {
	env := Request{JoinInstID: TestJoinInstID, JoinInstSSN: "2211053800000000001", AreaFlag: TestAreaFlag,
		ReqDate: "20261122", ReqTime: "053800", InstID: TestInstID, MchntID: TestMchntID, NetID: TestNetID,
		TermID: TestTermID, TermSeq: "000001", OprID: TestOprID, BatchNo: "000001", ChnlID: TestChnlID}
	data := ChargeReq{CardNo: "3305000000000001", OrderNo: "CO202611220000000001", ChargeType: "01", PayType: "10",
		APDUNum: "2", APDUList: "00A4040008A000000632010105,805000020B0100000003E8112233445566",
		APDUResp: RespOf("9000,000003E80001000000010203049000"), TxnAmt: "1000"}
	for _, tc := range []struct {
		name string
		enc  func(Request, any) ([]byte, error)
	}{{"Marshal", marshalRequest}, {"EncodeRequest", EncodeRequest}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tc.enc(env, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
