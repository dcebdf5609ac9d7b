package kakatongsim

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"paycert/platforms/kakatong"
	"paycert/platforms/sim"
)

// The gateway must answer any query or body with a code or a 4xx, never a
// 5xx or a panic, and keep its ledger balanced.
func FuzzRESTQuery(f *testing.F) {
	f.Add("method=cTRequest&LICENSEKEY=NV41VDlSNldhFTFeYw0z&TRADETYPE=0022&TRADEMODE=1&CARDNO=1680115500000126&CARDPWD=111111&POSCODE=11552001&AMOUNT=100&COPNO=1155")
	f.Add("method=tSRequest&LICENSEKEY=NV41VDlSNldhFTFeYw0z&TRADETYPE=0012&TRADEMODE=0&CARDNO=0&POSCODE=0&STANCE_NO=0&START=0&END=0&COPNO=1155")
	f.Add("method=cIRequest&LICENSEKEY=NV41VDlSNldhFTFeYw0z&CARDNO=1680115500000126&USR_CH_NAME=%D5%C5")
	f.Add("method=%zz&&&=")
	s, err := New(sim.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		r := httptest.NewRequest("GET", "http://gw"+kakatong.RESTPath, nil)
		r.URL.RawQuery = q
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("query %q: HTTP %d %s", q, w.Code, w.Body.Bytes())
		}
		if err := s.Audit(); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzSOAPBody(f *testing.F) {
	op, _ := kakatong.OperationFor(kakatong.OpTrade)
	b, _ := kakatong.BuildSOAPRequest(op, map[string]string{"lickey": LicenceKey, "trade_code": "0022", "trade_mode": "1",
		"cd_no": CardFirst, "cd_pwd": Password, "tmn_no": PosCode, "trad_amount": "100"}, kakatong.CharsetGB2312)
	f.Add(b, "application/soap+xml; charset=GB2312")
	f.Add([]byte("<x/>"), "text/xml")
	s, err := New(sim.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		r := httptest.NewRequest("POST", "http://gw"+kakatong.SOAPPath, bytes.NewReader(body))
		r.Header.Set("Content-Type", ct)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("HTTP %d %s", w.Code, w.Body.Bytes())
		}
		if err := s.Audit(); err != nil {
			t.Fatal(err)
		}
	})
}
