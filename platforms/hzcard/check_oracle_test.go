package hzcard

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"paycert/codecs/signdomain"
	"paycert/platforms/catalog"
)

// checkFieldsMaps is CheckFields as it was before it looked members up in
// the sign-domain scan: every object decoded into a map. It is the oracle
// the scan-based checker must agree with, problems and details included.
func checkFieldsMaps(iface catalog.Interface, dir catalog.Direction, msg []byte) []catalog.Finding {
	return inSection(checkFieldsMapsNoSection(iface, dir, msg), iface.Section)
}

func checkFieldsMapsNoSection(iface catalog.Interface, dir catalog.Direction, msg []byte) []catalog.Finding {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(msg, &top); err != nil {
		return []catalog.Finding{{Path: "", Rule: "not-json", Detail: err.Error()}}
	}
	var data map[string]json.RawMessage
	if raw, ok := top["data"]; ok {
		b, err := DataBytes(raw)
		if err != nil {
			return []catalog.Finding{{Path: "data", Rule: "not-object", Detail: err.Error()}}
		}
		if b != nil {
			if err := json.Unmarshal(b, &data); err != nil {
				return []catalog.Finding{{Path: "data", Rule: "not-object", Detail: err.Error()}}
			}
		}
	}
	var out []catalog.Finding
	for _, f := range iface.Fields {
		if f.Dir != dir {
			continue
		}
		switch {
		case f.Path == "data":
			continue
		case strings.Contains(f.Path, "[]."):
			list, member, _ := strings.Cut(strings.TrimPrefix(f.Path, "data."), "[].")
			raw, ok := data[list]
			if !ok {
				continue
			}
			var items []map[string]json.RawMessage
			if err := json.Unmarshal(raw, &items); err != nil {
				out = append(out, catalog.Finding{Path: "data." + list, Rule: "not-list", Detail: err.Error()})
				continue
			}
			for i, it := range items {
				out = append(out, checkValue(f, fmt.Sprintf("data.%s[%d].%s", list, i, member), members{m: it}, member)...)
			}
		case strings.HasPrefix(f.Path, "data."):
			out = append(out, checkValue(f, f.Path, members{m: data}, strings.TrimPrefix(f.Path, "data."))...)
		default:
			out = append(out, checkValue(f, f.Path, members{m: top}, f.Path)...)
		}
	}
	return out
}

// sameAsMaps fails t when CheckFields and the map oracle disagree on msg
// for any interface and direction.
func sameAsMaps(t *testing.T, cat *catalog.Catalogue, msg []byte) {
	t.Helper()
	for _, it := range cat.Interfaces {
		for _, dir := range []catalog.Direction{catalog.Request, catalog.Reply} {
			got, want := CheckFields(it, dir, msg), checkFieldsMaps(it, dir, msg)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %s of %q:\n got %v\nwant %v", it.Name, dir, msg, got, want)
			}
		}
	}
}

func TestCheckFieldsAsMaps(t *testing.T) {
	cat := Catalogue()
	for _, msg := range []string{
		`{"joininstid":"00000001","data":{"cardno":"3305000000000001","txnamt":"1000","apdunum":2,"apdulist":["9000","9000"]},"sign":""}`,
		`{"result":"000000","resultdesc":"成功","data":{"orderno":"1","apdunum":"1","apdulist":"9000"},"sign":"AB"}`,
		`{"data":"{\"cardno\":\"1\"}","sign":"AB"}`,
		`{"data":"{\"cardno\":","sign":"AB"}`,
		`{"data":{"cardno":"1","cardno":"22"},"data":{"orderno":null},"sign":""}`,
		`{"sign":"a","sign":"b","reqdate":"2026"}`,
		`{"sign":1}`, `null`, `[]`, `{"data":[]}`, `{"data":" "}`, `{"d\u0061ta":{"c\u0061rdno":"x"}}`,
		`{"data":{"orderlist":[{"orderno":1}]}}`,
		// Hex, digits, dates and lengths in and out of form, as plain strings.
		`{"sign":"abcdefABCDEF0123","reqdate":"20260230","reqtime":"246000","termseq":"１２","data":{"cardno":"33050000000000０1","txnamt":"10.0"}}`,
		`{"sign":"ıI","reqdate":"00000000","reqtime":"235959","data":{"cardno":"3305000000000001","apdunum":"2","apdulist":"9000,ı"}}`,
		`{"sign":"0xAB","result":"000000","resultdesc":"成功成功","data":{"orderno":"O","apdunum":"1","apdulist":""}}`,
		`{"sign":"ABé","joininstid":"0000000100000000000000000000000000000000","data":{"txnamt":"1000","txnamt":"x"}}`,
	} {
		sameAsMaps(t, cat, []byte(msg))
	}
}

// BenchmarkCheckFields is the centre's field check of a cardChargeRequest
// request, the largest message of the charge flow.
func BenchmarkCheckFields(b *testing.B) {
	cat := Catalogue()
	iface, _ := cat.Interface(CardChargeRequest)
	env := Request{JoinInstID: TestJoinInstID, JoinInstSSN: "L0026112207300000000001", AreaFlag: TestAreaFlag,
		ReqDate: "20261122", ReqTime: "073000", InstID: TestInstID, MchntID: TestMchntID, NetID: TestNetID,
		TermID: TestTermID, TermSeq: "1", OprID: TestOprID, BatchNo: "000001", ChnlID: TestChnlID}
	msg, err := EncodeRequest(env, ChargeReq{CardNo: "3305000000000001", OrderNo: "CO202611220000000001", ChargeType: "01",
		PayType: "10", PayOrderNo: "26112207300000000000001", APDUNum: "2",
		APDUList: "00A4040008A000000632010105,805000020B0100000003E8112233445566",
		APDUResp: RespOf("9000,000003E80001000000010203049000"), TxnAmt: "1000"})
	if err != nil {
		b.Fatal(err)
	}
	msg, err = signdomain.SetSign(msg, strings.Repeat("AB", 64)) // the checks look at the sign's form only
	if err != nil {
		b.Fatal(err)
	}
	r := Scan(msg)
	if ps := r.CheckFields(iface, catalog.Request); len(ps) > 0 {
		b.Fatal(ps)
	}
	b.ReportAllocs()
	for b.Loop() {
		r.CheckFields(iface, catalog.Request)
	}
}
