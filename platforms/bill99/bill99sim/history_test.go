package bill99sim_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99client"
	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/sim"
)

// A simulator serving a soak keeps only its history window
// (E-BILL99-HISTORY): 600 purchases with a window of 100 keep 100 orders,
// Totals and Audit exact, and a resend of the newest purchase inside the
// window is answered with its first reply and charges nothing.
func TestHistoryIsBounded(t *testing.T) {
	const limit, n = 100, 600
	clk := sim.NewManualClock(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	s, err := bill99sim.NewWithConfig(sim.Options{Clock: clk, History: limit}, bill99sim.Config{NoNotifier: true})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); s.Close() })
	kit := s.Kit()
	c := bill99client.New(bill99client.Config{URL: srv.URL, TLS: bill99client.TLSConfig(mustPFX(t, kit.Client), kit.CA.Pool()),
		MerchantID: bill99sim.DefaultMerchant, TerminalID: bill99sim.DefaultTerminal})
	b, err := s.SeedBindings(bill99sim.DefaultMerchant, 1)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	req := func(i int) bill99.PurchaseRequest {
		return bill99.PurchaseRequest{CustomerID: b[0].CustomerID, ExternalRefNumber: fmt.Sprintf("H%06d", i),
			EntryTime: "20260301180000", Amount: "1", PayToken: b[0].PayToken}
	}
	var lastRef string
	for i := range n {
		r, err := c.Purchase(ctx, req(i))
		if err != nil {
			t.Fatalf("purchase %d: %v", i, err)
		}
		lastRef = r.Get("refNumber")
	}
	if h := s.History(); h.Kept != limit || h.Aged != n-limit {
		t.Errorf("History() = %+v, want %d kept and %d aged", h, limit, n-limit)
	}
	want := bill99sim.Totals{Orders: n, Succeeded: n, SucceededFen: n * 100, DebitedFen: n * 100, CreditedFen: n * 100}
	if got := s.Totals(); got != want {
		t.Errorf("Totals() = %+v, want %+v", got, want)
	}
	if err := s.Audit(); err != nil {
		t.Fatal(err)
	}
	r, err := c.Purchase(ctx, req(n-1))
	if err != nil || r.Get("refNumber") != lastRef {
		t.Errorf("resend of the newest purchase: %v, refNumber %q, want the first reply's %q", err, r.Get("refNumber"), lastRef)
	}
	if got := s.Totals(); got != want {
		t.Errorf("a resend moved the ledger: %+v, want %+v", got, want)
	}
}
