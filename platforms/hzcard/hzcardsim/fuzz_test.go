package hzcardsim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

// Strict-mock mode records what a client under test did wrong, while still
// answering with the documented code.
func TestStrictRecordsViolations(t *testing.T) {
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
	q := hzcard.OrderQueryReq{CardNo: "2253000000000001", RecNumPerPage: "20", CurrPage: "1", OrderBy: "0"}
	if _, err := c.ChargeOrderQuery(t.Context(), q); err != nil {
		t.Fatal(err)
	}
	if v := s.Violations(); len(v) != 0 {
		t.Fatalf("a conforming request recorded %v", v)
	}
	body, _ := c.Body(c.Envelope(), q)
	bad := strings.Replace(string(body), `"currpage":"1"`, `"currpage":"2"`, 1)
	if _, err := c.Send(t.Context(), hzcard.ChargeOrderQuery, []byte(bad), nil); wire.Code(err) != hzcard.CodeBadSign {
		t.Fatalf("tampered request: %v", err)
	}
	env := c.Envelope()
	env.TermID = "123"
	b, _ := c.Body(env, q)
	if _, err := c.Send(t.Context(), hzcard.ChargeOrderQuery, b, nil); wire.Code(err) != hzcard.CodeUnknown {
		t.Fatalf("short termid: %v", err)
	}
	rules := map[string]bool{}
	for _, v := range s.Violations() {
		rules[v.Rule] = true
	}
	for _, want := range []string{"bad-signature", "field-too-short"} {
		if !rules[want] {
			t.Errorf("violation %s not recorded; got %v", want, rules)
		}
	}
}

// FuzzServe: whatever the body, the centre answers HTTP 200 (413 for an
// oversized body) with a JSON envelope carrying a documented code, and
// never panics.
func FuzzServe(f *testing.F) {
	s, err := New(sim.Options{})
	if err != nil {
		f.Fatal(err)
	}
	c, err := hzcardclient.New(hzcardclient.Config{URL: "http://fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	seed, _ := c.Body(c.Envelope(), hzcard.OrderCreateReq{CardNo: "2253000000000001", ChargeType: "01", PayType: "10", PayOrderNo: "F", TxnAmt: "1000"})
	f.Add(uint8(1), string(seed))
	f.Add(uint8(4), `{"joininstid":"HZTEST0001","data":{"apdulist":"00,","apduresp":[1]},"sign":""}`)
	f.Add(uint8(0), `{"data":"{\"apdunum\":1e99}"}`)
	f.Add(uint8(12), "")
	cat := hzcard.Catalogue()
	names := append(hzcard.InterfaceNames(), "noSuchInterface")
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, hzcard.Path(names[int(which)%len(names)]), strings.NewReader(body))
		s.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			t.Fatalf("HTTP %d for %q", rec.Code, body)
		}
		var rep hzcard.Reply
		if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
			t.Fatalf("reply not JSON: %v", err)
		}
		if _, ok := cat.Code(rep.Result); !ok {
			t.Fatalf("result %q not in appendix D", rep.Result)
		}
		for _, v := range s.Violations() {
			if v.Rule == "simulator-panic" {
				t.Fatalf("panic: %s", v.Detail)
			}
		}
	})
}

// FuzzHandlers reaches past the signature check (the accept-bad-signature
// fault) so that fuzzed data objects exercise every interface's business
// checks: still a documented code, HTTP 200, no panic, and the ledger holds.
func FuzzHandlers(f *testing.F) {
	s, err := New(sim.Options{Faults: []string{FaultAcceptBadSignature}})
	if err != nil {
		f.Fatal(err)
	}
	c, err := hzcardclient.New(hzcardclient.Config{URL: "http://fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(1), `{"cardno":"2253000000000001","chargetype":"01","paytype":"10","payorderno":"A","txnamt":"1000"}`)
	f.Add(uint8(4), `{"cardno":"2253000000000001","orderno":"HZ202605010000000001","chargetype":"01","paytype":"10","payorderno":"A","txnamt":"1000","apdunum":"2","apdulist":"00A4040008A000000632010105,805000020B01000003E8000010000001","apduresp":"9000,00000000000001000000000000009000"}`)
	f.Add(uint8(0), `{"apdunum":"2","apdulist":"805C000204,00B0950000","apduresp":"000000009000,6A82"}`)
	f.Add(uint8(10), `{"cardno":"2253000000000001","returntype":"0","cardbal":"0","apdunum":"1","apdulist":"9000","custinfo":{}}`)
	names := hzcard.InterfaceNames()
	cat := hzcard.Catalogue()
	f.Fuzz(func(t *testing.T, which uint8, data string) {
		env := c.Envelope()
		env.Data = json.RawMessage(data)
		body, err := json.Marshal(env)
		if err != nil {
			return // not a JSON value: FuzzServe covers raw bodies
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, hzcard.Path(names[int(which)%len(names)]), strings.NewReader(string(body))))
		var rep hzcard.Reply
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &rep) != nil {
			t.Fatalf("HTTP %d %s", rec.Code, rec.Body.String())
		}
		if _, ok := cat.Code(rep.Result); !ok {
			t.Fatalf("result %q not in appendix D", rep.Result)
		}
		if err := s.Audit(); err != nil {
			t.Fatalf("ledger after %s: %v", data, err)
		}
	})
}
