package hzcardsim

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	cardterm "paycert/platforms/cpucard/terminal"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/sim"
)

// TestOneClockForTheWire: at 20:30 UTC it is 04:30 the next day in
// Huzhou. The centre dates its reply and the CREDIT FOR LOAD it writes
// into the card's log in Asia/Shanghai, the client dates its request
// there, and the terminal dates a purchase there too, so the card's log
// reads in order whatever zone the lab machine runs in.
func TestOneClockForTheWire(t *testing.T) {
	at := time.Date(2026, 5, 1, 20, 30, 0, 0, time.UTC)
	clock := sim.NewManualClock(at)
	s, err := New(sim.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := hzcardclient.New(hzcardclient.Config{URL: srv.URL, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if env := c.Envelope(); env.ReqDate != "20260502" || env.ReqTime != "043000" {
		t.Errorf("request dated %s %s, want 20260502 043000 (Asia/Shanghai)", env.ReqDate, env.ReqTime)
	}
	card, _ := s.Card("2253000000000001")
	res, err := c.Recharge(context.Background(), card, hzcardclient.RechargeOptions{CardNo: "2253000000000001", Amount: 1000, PayOrderNo: "P1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Times.TxnDate != "20260502" || res.Times.TxnTime != "043000" {
		t.Errorf("reply dated %s %s, want 20260502 043000", res.Times.TxnDate, res.Times.TxnTime)
	}
	loads := card.Snapshot().Loads
	if len(loads) != 1 {
		t.Fatalf("%d load records on the card, want 1", len(loads))
	}
	if want := cardterm.DateTime(at); loads[0].DateTime != want {
		t.Errorf("the centre wrote %X into the card's load record, the terminal writes %X for the same instant", loads[0].DateTime, want)
	}
	if want := cardterm.DateTimeIn(at, time.UTC); loads[0].DateTime == want {
		t.Errorf("the card's load record is dated in UTC (%X)", want)
	}
	if hzcard.Zone().String() != hzcard.ZoneName {
		t.Errorf("zone %s, want %s", hzcard.Zone(), hzcard.ZoneName)
	}
}
