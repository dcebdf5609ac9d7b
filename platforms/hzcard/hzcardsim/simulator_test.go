package hzcardsim

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/sim"
)

func TestFaultsListed(t *testing.T) {
	s, err := New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.CheckFaults(s.Faults(), func(o sim.Options) error { _, err := New(o); return err }); err != nil {
		t.Error(err)
	}
}

func start(t *testing.T, faults ...string) (*Simulator, *hzcardclient.Client) {
	t.Helper()
	s, err := New(sim.Options{Clock: sim.NewManualClock(time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)), Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := hzcardclient.New(hzcardclient.Config{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func TestFixtureKeysMatchCards(t *testing.T) {
	s, _ := start(t)
	for _, no := range []string{"2253000000000001", CardSenior} {
		card, ok := s.Card(no)
		if !ok {
			t.Fatalf("no software card %s", no)
		}
		want, err := cpucard.DeriveKeys(epurse.Scheme{}, cpucard.TestMasterKeys(), no)
		if err != nil {
			t.Fatal(err)
		}
		if string(card.Keys().DLK) != string(want.DLK) || string(s.keysOf(s.cards[no]).DTK) != string(want.DTK) {
			t.Errorf("card %s: keys differ between card, centre and DeriveKeys", no)
		}
	}
}

func TestChargeFlowAndTears(t *testing.T) {
	ctx := context.Background()
	s, c := start(t)
	card, _ := s.Card("2253000000000001")
	info, err := hzcardclient.ReadCard(ctx, c, card)
	if err != nil {
		t.Fatal(err)
	}
	if info.CardNo != "2253000000000001" || info.CardBal != "0" || info.MaxSvAmt != "50000" {
		t.Fatalf("card info %+v", info)
	}
	res, err := c.Recharge(ctx, card, hzcardclient.RechargeOptions{CardNo: "2253000000000001", Amount: 5000, PayOrderNo: "PAY-1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Before != 0 || res.After != 5000 || card.Snapshot().Balance != 5000 {
		t.Fatalf("result %+v, card balance %d", res, card.Snapshot().Balance)
	}
	if b, _ := s.CardBalance("2253000000000001"); b != 5000 {
		t.Fatalf("centre balance %d", b)
	}
	if st, _, _ := s.OrderState(res.Order.OrderNo); st != hzcard.StateConfirmed {
		t.Fatalf("state %s", st)
	}
	// Tear during CREDIT FOR LOAD: the card is credited, the centre does not know.
	card.TearNext(0x52)
	_, err = c.Recharge(ctx, card, hzcardclient.RechargeOptions{CardNo: "2253000000000001", Amount: 1000, PayOrderNo: "PAY-2"})
	var te *hzcardclient.TornError
	if !errors.As(err, &te) {
		t.Fatalf("want a tear, got %v", err)
	}
	if st, _, _ := s.OrderState(te.OrderNo); st != hzcard.StateCardUnknown {
		t.Fatalf("state after tear %s", st)
	}
	if err := s.Audit(); err != nil {
		t.Fatalf("audit with an order in doubt: %v", err)
	}
	card.PowerOn()
	mr, err := c.Manage(ctx, card, hzcardclient.Order{CardNo: "2253000000000001", OrderNo: te.OrderNo, Amount: 1000, PayOrderNo: "PAY-2"})
	if err != nil || !mr.Credited {
		t.Fatalf("manage: %+v %v", mr, err)
	}
	if b, _ := s.CardBalance("2253000000000001"); b != 6000 || card.Snapshot().Balance != 6000 {
		t.Fatalf("centre %d card %d", b, card.Snapshot().Balance)
	}
	if err := s.Audit(); err != nil {
		t.Fatal(err)
	}
	// Return the card: the purse is emptied and refunded.
	rr, err := c.Return(ctx, card, hzcardclient.ReturnOptions{CardNo: "2253000000000001", Cust: hzcard.CustInfo{Name: "张三", IDType: "01", IDNo: "330501199001011234"}})
	if err != nil {
		t.Fatal(err)
	}
	if rr.ReturnAmt != 6000 || card.Snapshot().Balance != 0 {
		t.Fatalf("return %+v card %d", rr, card.Snapshot().Balance)
	}
	if err := s.Audit(); err != nil {
		t.Fatal(err)
	}
}

func TestActivate(t *testing.T) {
	ctx := context.Background()
	s, c := start(t)
	card, _ := s.Card(CardUnsold)
	out, err := c.Activate(ctx, card, hzcardclient.ActivateOptions{CardNo: CardUnsold, Cust: &hzcard.CustInfo{Name: "李四", IDType: "01", IDNo: "330501199001015678"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.CardPdpt != "2000" {
		t.Fatalf("%+v", out)
	}
	if _, err := c.Recharge(ctx, card, hzcardclient.RechargeOptions{CardNo: CardUnsold, Amount: 1000, PayOrderNo: "PAY-A"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Audit(); err != nil {
		t.Fatal(err)
	}
}
