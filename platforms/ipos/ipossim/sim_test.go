package ipossim_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"paycert/platforms/catalog"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/iposclient"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

func TestFaultsListed(t *testing.T) {
	s, err := ipossim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.CheckFaults(s.Faults(), func(o sim.Options) error { _, err := ipossim.New(o); return err }); err != nil {
		t.Error(err)
	}
}

func start(t *testing.T, o sim.Options) (*ipossim.Simulator, *iposclient.Client) {
	t.Helper()
	if o.Clock == nil {
		o.Clock = sim.NewManualClock(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	}
	s, err := ipossim.New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := iposclient.New(iposclient.Config{URL: srv.URL, Key: ipossim.FixtureKey})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func header(seq string) ipos.Header {
	return ipos.Header{ISSPID: ipossim.FixtureISSPID, PosID: ipossim.FixturePosID, StoreID: ipossim.FixtureStoreID,
		PosSeq: seq, SystemID: ipossim.FixtureSystemID}
}

// The ledger: verifications, a cancel, a duplicate, and what Totals and
// Audit say afterwards.
func TestVerifyCancelLedger(t *testing.T) {
	s, c := start(t, sim.Options{})
	ctx := context.Background()
	if err := s.AddVoucher(ipossim.VoucherSpec{Code: "5000000000000001", Kind: ipossim.KindAmount, Balance: 1000, Price: 1000,
		Expires: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	verify := ipos.CardVerifyRequest{Header: header("2026030100001"), ValidInfo: "5000000000000001", TxAmt: "300"}.Request()
	for i := 0; i < 2; i++ { // the second is a resend: replayed, no money moves
		r, err := c.Do(ctx, verify)
		if err != nil {
			t.Fatalf("verify %d: %v", i, err)
		}
		if fs := ipos.CheckReply(ipos.Catalogue(), verify, r); len(fs) != 0 {
			t.Errorf("verify reply: %v", catalog.FindingsError(fs))
		}
		if r.Query == nil || r.Query.RemainAmt != "700" {
			t.Fatalf("verify %d: remain %+v, want 700", i, r.Query)
		}
	}
	short := ipos.CardVerifyRequest{Header: header("2026030100002"), ValidInfo: "5000000000000001", TxAmt: "701"}.Request()
	_, err := c.Do(ctx, short)
	if wire.Code(err) != ipos.CodeBalanceShort {
		t.Fatalf("short verify: %v, want 0325", err)
	}
	cancel := ipos.CardUndoRequest{Interface: ipos.CardCancel, Header: header("2026030100003"), ValidInfo: "5000000000000001",
		OrgPosSeq: "2026030100001"}.Request()
	if _, err := c.Do(ctx, cancel); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	again := cancel.With("pos_seq", "2026030100004")
	if _, err := c.Do(ctx, again); wire.Code(err) != ipos.CodeCancelled {
		t.Fatalf("second cancel: %v, want 3037", err)
	}
	got := s.Totals()
	if got.Verifications != 1 || got.VerifiedFen != 300 || got.Undone != 1 || got.UndoneFen != 300 {
		t.Errorf("totals %+v", got)
	}
	if v, _ := s.Voucher("5000000000000001"); v.Remain != 1000 || v.Status != 0 {
		t.Errorf("voucher after cancel: %+v", v)
	}
	if err := s.Audit(); err != nil {
		t.Error(err)
	}
}

// Audit is a real check: a simulator whose reversal forgets to restore the
// voucher fails it, and a correct one passes the same sequence.
func TestAuditDetectsLostMoney(t *testing.T) {
	for _, fault := range []string{"", ipossim.FaultReversalNoRestore, ipossim.FaultCancelTwice} {
		var faults []string
		if fault != "" {
			faults = []string{fault}
		}
		s, c := start(t, sim.Options{Faults: faults})
		ctx := context.Background()
		v := ipos.CardVerifyRequest{Header: header("2026030100011"), ValidInfo: ipossim.VoucherAmount, TxAmt: "100"}.Request()
		if _, err := c.Do(ctx, v); err != nil {
			t.Fatal(err)
		}
		for i, seq := range []string{"2026030100012", "2026030100013"} {
			iface := ipos.CardReversal
			if i == 1 {
				iface = ipos.CardCancel
			}
			_, _ = c.Do(ctx, ipos.CardUndoRequest{Interface: iface, Header: header(seq), ValidInfo: ipossim.VoucherAmount,
				OrgPosSeq: "2026030100011"}.Request())
		}
		err := s.Audit()
		if (err != nil) != (fault != "") {
			t.Errorf("fault %q: Audit() = %v", fault, err)
		}
	}
}

// Strict mode records what a client under test got wrong, and still answers.
func TestStrictRecords(t *testing.T) {
	s, c := start(t, sim.Options{Strict: true})
	ctx := context.Background()
	q := ipos.CardQueryRequest{Header: header("2026030100021"), ValidInfo: ipossim.VoucherAmount}.Request()
	if _, err := c.Do(ctx, q); err != nil || len(s.Violations()) != 0 {
		t.Fatalf("conforming request: %v, violations %+v", err, s.Violations())
	}
	x, _ := q.With("pos_seq", "2026030100022").With("shop_extra", "1").AppendXML(nil)
	if _, err := c.PostBody(ctx, ipos.CardQuery, ipos.FormBody(nil, []byte(ipossim.FixtureKey), x), "text/plain"); err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, v := range s.Violations() {
		rules[v.Rule] = true
	}
	if !rules["charset"] || !rules["unknown-element"] {
		t.Errorf("violations %+v", s.Violations())
	}
}
