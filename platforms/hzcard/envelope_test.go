package hzcard

import (
	"encoding/json"
	"reflect"
	"testing"
)

// sameEnvelopes fails t when Received.Request or Received.Reply accepts msg
// and decodes it otherwise than encoding/json.
func sameEnvelopes(t *testing.T, msg []byte) {
	t.Helper()
	r := Scan(msg)
	if got, ok := r.Request(); ok {
		var want Request
		if err := json.Unmarshal(msg, &want); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("Request of %q = %+v; encoding/json: %+v, %v", msg, got, want, err)
		}
	}
	if got, ok := r.Reply(); ok {
		var want Reply
		if err := json.Unmarshal(msg, &want); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("Reply of %q = %+v; encoding/json: %+v, %v", msg, got, want, err)
		}
	}
}

func TestEnvelopes(t *testing.T) {
	for _, tt := range []struct {
		msg            string
		request, reply bool // decoded without encoding/json
	}{
		{`{"joininstid":"00000001","termseq":"1","data":{"cardno":"1"},"sign":"AB"}`, true, false},
		{`{"result":"000000","resultdesc":"成功","data":null,"sign":""}`, false, true},
		{`{"result":"000000","result":"999999","sign":"x"}`, false, true},
		{`{"sign":""}`, true, true},
		{`{"Result":"000000","sign":""}`, false, false},            // json folds the case
		{`{"result":"00\u0030000","sign":""}`, false, false},       // an escape
		{`{"result":null,"sign":""}`, false, false},                // null keeps the field
		{`{"result":0,"sign":""}`, false, false},                   // a type error
		{`{"r\u0065sult":"000000","sign":""}`, false, false},       // an escaped key
		{`{"joininstid":"1","other":"x","sign":""}`, false, false}, // an unknown member
		{`{"sign":"a","sign":"b"}`, false, false},                  // does not scan
		{`[1]`, false, false},
	} {
		r := Scan([]byte(tt.msg))
		if _, ok := r.Request(); ok != tt.request {
			t.Errorf("Request of %s: %v, want %v", tt.msg, ok, tt.request)
		}
		if _, ok := r.Reply(); ok != tt.reply {
			t.Errorf("Reply of %s: %v, want %v", tt.msg, ok, tt.reply)
		}
		sameEnvelopes(t, []byte(tt.msg))
	}
}

func FuzzEnvelopes(f *testing.F) {
	for _, s := range []string{`{"joininstid":"1","data":"{}","sign":""}`, `{"result":"000000","resultdesc":"ok","sign":"A"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(sameEnvelopes)
}

// BenchmarkEnvelopes is the envelope decode every request the centre
// receives and every reply the client receives goes through.
func BenchmarkEnvelopes(b *testing.B) {
	req := Scan([]byte(`{"joininstid":"HZTEST0001","joininstssn":"L0012345600000001","areaflag":"00","reqdate":"20260501",` +
		`"reqtime":"100000","instid":"33050001","mchntid":"330500000000001","netid":"0001","termid":"10000001","termseq":"1",` +
		`"oprid":"0001","batchno":"000001","chnlid":"10","data":{"cardno":"2253000000000001"},"sign":"AB"}`))
	rep := Scan([]byte(`{"result":"000000","resultdesc":"成功","data":{"orderno":"CO1","apdunum":"1"},"sign":"AB"}`))
	b.Run("Request", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := req.Request(); !ok {
				b.Fatal("declined")
			}
		}
	})
	b.Run("Reply", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := rep.Reply(); !ok {
				b.Fatal("declined")
			}
		}
	})
}
