package hzcardsim

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

// A simulator serving a soak keeps only its history window (E-HZ-HISTORY):
// 150 recharges with a window of 40 keep 40 orders and 40 serial numbers,
// Totals and Audit exact (aged orders by their sums), the newest payorderno
// still refused as a duplicate (000090), and a changed aged sum caught.
func TestHistoryIsBounded(t *testing.T) {
	const limit, n = 40, 150
	s, err := New(sim.Options{Clock: sim.NewManualClock(time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)), History: limit})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := hzcardclient.New(hzcardclient.Config{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	const no = "3305990000000001"
	card, err := s.AddCard(CardSpec{CardNo: no, WalletMax: 10_000_000})
	if err != nil {
		t.Fatal(err)
	}
	if !card.Powered() {
		card.PowerOn()
	}
	ctx := context.Background()
	before := s.Totals()
	for i := range n {
		if _, err := c.Recharge(ctx, card, hzcardclient.RechargeOptions{CardNo: no, Amount: MinCharge, PayOrderNo: fmt.Sprintf("PAYH%06d", i)}); err != nil {
			t.Fatalf("recharge %d: %v", i, err)
		}
	}
	if h := s.History(); h.Kept != limit || h.Aged != n-limit {
		t.Errorf("History() = %+v, want %d kept and %d aged", h, limit, n-limit)
	}
	if len(s.ssns) != limit {
		t.Errorf("%d serial numbers kept, want %d", len(s.ssns), limit)
	}
	got := s.Totals()
	if got.Orders-before.Orders != n || got.Loaded-before.Loaded != n*MinCharge || got.Outstanding != before.Outstanding {
		t.Errorf("Totals() %+v -> %+v after %d recharges of %d fen", before, got, n, MinCharge)
	}
	if b, _ := s.CardBalance(no); b != n*MinCharge || int64(card.Snapshot().Balance) != b {
		t.Errorf("card %s: centre %d, card %d, want %d", no, b, card.Snapshot().Balance, n*MinCharge)
	}
	if err := s.Audit(); err != nil {
		t.Fatal(err)
	}
	_, err = c.Recharge(ctx, card, hzcardclient.RechargeOptions{CardNo: no, Amount: MinCharge, PayOrderNo: fmt.Sprintf("PAYH%06d", n-1)})
	if wire.Code(err) != hzcard.CodeDuplicateOrder {
		t.Errorf("the newest payorderno again: %v, want %s", err, hzcard.CodeDuplicateOrder)
	}
	if err := s.Audit(); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.aged.loadedBy[no] += MinCharge
	s.mu.Unlock()
	if err := s.Audit(); err == nil {
		t.Error("Audit passed aged sums that credit the card once more than it was")
	}
}
