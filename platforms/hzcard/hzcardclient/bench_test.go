package hzcardclient

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/sim"
)

// BenchmarkCharge is one whole charge (3 signed exchanges over loopback
// HTTP, 12 SM2 operations, the software card's MAC1/MAC2/TAC) per op: the
// unit of the load runner's hzcard-charge scenario.
func BenchmarkCharge(b *testing.B) {
	s, err := hzcardsim.New(sim.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	charges(b, s, Config{URL: srv.URL})
}

// charges runs one charge per op through a client of cfg against s, on a
// card with room for every load, and audits the simulator's books after.
func charges(b *testing.B, s *hzcardsim.Simulator, cfg Config) {
	b.Helper()
	c, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	card, err := s.AddCard(hzcardsim.CardSpec{CardNo: "2253800000000001", WalletMax: 1<<32 - 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := c.Recharge(context.Background(), card, RechargeOptions{CardNo: "2253800000000001", Amount: 1000, PayOrderNo: fmt.Sprintf("B%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Audit(); err != nil {
		b.Fatal(err)
	}
}

// memTransport hands each request straight to a handler: the charge flow
// without the network, so a profile of it shows the client's, the centre's
// and the card's own work (signing, JSON, field checks, APDUs, state).
type memTransport struct{ h http.Handler }

func (t memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	return w.Result(), nil
}

// BenchmarkChargeInMemory is BenchmarkCharge over memTransport.
func BenchmarkChargeInMemory(b *testing.B) {
	s, err := hzcardsim.New(sim.Options{})
	if err != nil {
		b.Fatal(err)
	}
	charges(b, s, Config{URL: "http://centre.invalid", HTTP: &http.Client{Transport: memTransport{s}}})
}
