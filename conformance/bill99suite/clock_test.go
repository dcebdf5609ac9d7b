package bill99suite

import (
	"context"
	"testing"
	"time"

	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99client"
	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/sim"
)

// TestNoSpecDependsOnTheTimeOfDay: what the suite derives from the clock
// is the purchase's entryTime (Beijing time, 001 §4.3) and the prefix of
// its externalRefNumbers; no amount comes from it. At 00:00, 12:00 and
// 23:59, in the machine's zone, in Beijing and in UTC, the entryTime is
// the simulator's Beijing wall time, a purchase made with it succeeds, its
// echo matches and query_txn finds it; and two runs started within one
// second get different prefixes.
func TestNoSpecDependsOnTheTimeOfDay(t *testing.T) {
	beijing := time.FixedZone("Beijing", 8*3600)
	for _, z := range []*time.Location{time.Local, beijing, time.UTC} {
		for _, hm := range [][2]int{{0, 0}, {12, 0}, {23, 59}} {
			at := time.Date(2026, 3, 2, hm[0], hm[1], 0, 0, z)
			t.Run(at.Format("15:04 MST"), func(t *testing.T) {
				clk := sim.NewManualClock(at)
				s, err := bill99sim.NewWithConfig(sim.Options{Clock: clk}, bill99sim.Config{NoNotifier: true})
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				srv, err := sim.Start(s, sim.ListenOptions{})
				if err != nil {
					t.Fatal(err)
				}
				defer srv.Close()
				e := &env{clock: clk, refs: bill99client.NewRefGenerator(refPrefix(at, 7))}
				if got, want := e.entryTime(), at.In(beijing).Format("20060102150405"); got != want {
					t.Fatalf("entryTime %s at %s, want Beijing wall time %s", got, at, want)
				}
				c := bill99client.New(bill99client.Config{URL: srv.URL, TLS: s.ClientTLS(), MerchantID: bill99sim.DefaultMerchant, TerminalID: bill99sim.DefaultTerminal})
				defer c.Close()
				ctx := context.Background()
				ref := e.ref()
				req := bill99.PurchaseRequest{MerchantID: bill99sim.DefaultMerchant, TerminalID: bill99sim.DefaultTerminal, CustomerID: bill99sim.FixtureCustomer,
					ExternalRefNumber: ref, EntryTime: e.entryTime(), Amount: "0.01", PayToken: bill99sim.FixturePayToken}
				rep, err := c.Do(ctx, bill99.IfPurchase, req.Message())
				if err != nil || !rep.Result.OK() {
					t.Fatalf("purchase at %s: %v %v", at, rep, err)
				}
				if f := bill99.CheckReply(bill99.Catalogue(), req.Message(), rep); len(f) != 0 {
					t.Fatalf("purchase reply at %s: %v", at, f)
				}
				q, err := c.Do(ctx, bill99.IfQueryTxn, bill99.QueryRequest{MerchantID: bill99sim.DefaultMerchant, ExternalRefNumber: ref, TxnType: bill99.TxnPurchase}.Message())
				if err != nil || q.Get("txnStatus") != bill99.TxnSucceeded {
					t.Fatalf("query_txn of %s at %s: %v %v", ref, at, q, err)
				}
			})
		}
	}
	t.Run("two runs in one second", func(t *testing.T) {
		now := time.Now()
		a, b := refPrefix(now, 1), refPrefix(now, 2)
		if a == b || len(a) > 12 || len(b) > 12 {
			t.Fatalf("prefixes %q and %q: want two different ones of at most 12 characters", a, b)
		}
	})
}
