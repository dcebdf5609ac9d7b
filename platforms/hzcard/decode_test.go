package hzcard

import (
	"encoding/json"
	"reflect"
	"testing"
)

// sameDecodes fails t when DecodeData accepts the data object of a
// message and decodes it otherwise than encoding/json, starting from a
// zero and from a filled value, or changes the value when it declines.
func sameDecodes(t *testing.T, data []byte) {
	t.Helper()
	msg := append(append([]byte(`{"data":`), data...), `,"sign":""}`...)
	o, ok := Scan(msg).Data()
	if !ok {
		return
	}
	resp := APDUs("R")
	filled := []any{
		&OrderCreateReq{CardNo: "C", PayOrderNo: "P", TxnAmt: "1"},
		&ChargeReq{CardNo: "C", APDUNum: "1", APDUResp: &resp, TxnAmt: "2"},
		&APDUReply{OrderNo: "O", APDUList: "L", SettDate: "S"},
		&Times{TxnTime: "T"},
	}
	for _, start := range filled {
		for _, zero := range []bool{true, false} {
			v := reflect.New(reflect.TypeOf(start).Elem())
			if !zero {
				v.Elem().Set(reflect.ValueOf(start).Elem())
			}
			got, want := v.Interface(), reflect.New(v.Type().Elem())
			want.Elem().Set(v.Elem())
			before := reflect.ValueOf(got).Elem().Interface()
			if !DecodeData(o, got) {
				if !reflect.DeepEqual(reflect.ValueOf(got).Elem().Interface(), before) {
					t.Fatalf("DecodeData(%s) declined but changed %T", data, got)
				}
				continue
			}
			if err := json.Unmarshal(data, want.Interface()); err != nil || !reflect.DeepEqual(got, want.Interface()) {
				t.Fatalf("DecodeData(%s) = %+v; encoding/json %+v, %v", data, got, want.Interface(), err)
			}
		}
	}
}

func TestDecodeData(t *testing.T) {
	for _, d := range []string{
		`{"cardno":"3305000000000001","chargetype":"01","paytype":"10","payorderno":"P1","txnamt":"1000"}`,
		`{"cardno":"1","orderno":"2","apdunum":"2","apdulist":"9000,9000","apduresp":"","txnamt":"1"}`,
		`{"orderno":"O","apdunum":"1","apdulist":"805200000B","txntime":"120000","txndate":"20261122","settdate":"20261122"}`,
		`{"txntime":"1","txntime":"2"}`,
		`{"txntime":null}`, `{"txnamt":1000}`, `{"apdulist":["9000"]}`, `{"TxnTime":"1"}`, `{"txntime":"\u0031"}`,
		`{"other":"x"}`, `{}`, `{"apduresp":"成功"}`,
	} {
		sameDecodes(t, []byte(d))
	}
	if DecodeData(Scan([]byte(`{"data":{"a":"b"},"sign":""}`)).m.Top(), &struct{ A string }{}) {
		t.Error("DecodeData decoded a type it does not know")
	}
}

func FuzzDecodeData(f *testing.F) {
	for _, s := range []string{`{"cardno":"1","apduresp":"9000"}`, `{"txntime":"1","txndate":"2","settdate":"3"}`, `{"orderno":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(sameDecodes)
}

// BenchmarkDecodeData is the simulator's decode of a cardChargeRequest's
// data object (allocs/op is the figure to watch: one per member value).
func BenchmarkDecodeData(b *testing.B) {
	o, ok := Scan([]byte(`{"data":{"cardno":"2253000000000001","orderno":"CO202605010000000001","chargetype":"01","paytype":"10",` +
		`"payorderno":"X","txnamt":"1000","apdunum":"1","apdulist":"805200000B","apduresp":"9000"},"sign":""}`)).Data()
	if !ok {
		b.Fatal("no data object")
	}
	b.ReportAllocs()
	for b.Loop() {
		var r ChargeReq
		if !DecodeData(o, &r) {
			b.Fatal("DecodeData declined a plain ChargeReq")
		}
	}
}
