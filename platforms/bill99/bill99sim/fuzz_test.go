package bill99sim_test

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/sim"
)

// FuzzServe sends arbitrary bodies to every endpoint: the simulator must
// answer every one with HTTP 200 and a MasMessage carrying exactly one of
// errorCode/responseCode (or 413 for an oversized body), never a panic or a
// 5xx, and its ledger must stay balanced.
func FuzzServe(f *testing.F) {
	s, err := bill99sim.NewWithConfig(sim.Options{}, bill99sim.Config{NoNotifier: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	paths := []string{bill99.PathIndAuth, bill99.PathIndAuthVerify, bill99.PathPurchase, bill99.PathQueryTxn, bill99.PathPciDel, bill99.PathPciQuery}
	seed := bill99.PurchaseRequest{MerchantID: bill99sim.DefaultMerchant, TerminalID: bill99sim.DefaultTerminal, CustomerID: "33150001",
		ExternalRefNumber: "F1", EntryTime: "20260301180000", Amount: "1", PayToken: "8120000002867710851"}.Message()
	f.Add(uint8(2), bill99.Encode(seed))
	f.Add(uint8(3), bill99.Encode(bill99.CardInfoRequest{CardNo: "6217003320034459100"}.Message()))
	f.Add(uint8(0), bill99.Encode(bill99.IndAuthRequest{MerchantID: bill99sim.DefaultMerchant, TerminalID: bill99sim.DefaultTerminal,
		CustomerID: "f", ExternalRefNumber: "F2", Pan: "6217000000000000022", PhoneNO: "13700000022"}.Message()))
	f.Add(uint8(5), []byte("<MasMessage"))
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("POST", paths[int(which)%len(paths)], bytes.NewReader(body)))
		if rec.Code != 200 {
			t.Fatalf("HTTP %d for %q", rec.Code, body)
		}
		r, err := bill99.DecodeReply(bill99.IfPurchase, rec.Body.Bytes())
		if err != nil {
			t.Fatalf("reply is not a MasMessage: %v\n%s", err, rec.Body)
		}
		if r.Result.HasErrorCode == r.Result.HasRespCode {
			t.Fatalf("reply must carry exactly one of errorCode/responseCode: %s", rec.Body)
		}
		if err := s.Audit(); err != nil {
			t.Fatal(err)
		}
	})
}
