package ipossim_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"paycert/platforms/ipos"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
)

// FuzzServe throws arbitrary bodies at the simulator: every answer is below
// 500, and the ledger still balances.
func FuzzServe(f *testing.F) {
	h := ipos.Header{ISSPID: ipossim.FixtureISSPID, PosID: ipossim.FixturePosID, StoreID: ipossim.FixtureStoreID,
		PosSeq: "2026030100001", SystemID: ipossim.FixtureSystemID}
	for _, r := range []ipos.Request{
		ipos.CardVerifyRequest{Header: h, ValidInfo: ipossim.VoucherAmount, TxAmt: "100"}.Request(),
		ipos.CardUndoRequest{Interface: ipos.CardCancel, Header: h, ValidInfo: ipossim.VoucherAmountInUse, OrgPosSeq: "1511300000901"}.Request(),
		ipos.CardDailyRequest{Header: h, DailyDay: "20260301"}.Request(),
		ipos.WecardRequest{Interface: ipos.WecardPosCancelCard, ISSPID: h.ISSPID, PosID: h.PosID, StoreID: h.StoreID, PosSeq: h.PosSeq,
			SystemID: h.SystemID, Code: ipossim.GiftCash, ConsumeSource: "渠道", Amount: "5"}.Request(),
	} {
		x, _ := r.AppendXML(nil)
		f.Add(ipos.FormBody(nil, []byte(ipossim.FixtureKey), x))
		f.Add(x)
	}
	f.Add([]byte("xml=%ZZ&mac=1"))
	s, err := ipossim.New(sim.Options{Clock: sim.NewManualClock(time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)), Strict: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.RemoteAddr = "127.0.0.1:40000"
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=GBK")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body.Bytes())
		}
		if rec.Code == http.StatusOK {
			if _, _, err := ipos.Classify(rec.Body.Bytes()); err != nil {
				t.Fatalf("200 without an iPos reply for %q: %v", body, err)
			}
		}
		if err := s.Audit(); err != nil {
			t.Fatal(err)
		}
	})
}
