package client

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"paycert/platforms/hzcard/simulator"
	"paycert/platforms/sim"
)

// BenchmarkCharge is one whole charge (3 signed exchanges over loopback
// HTTP, 12 SM2 operations, the software card's MAC1/MAC2/TAC) per op: the
// unit of the load runner's hzcard-charge scenario.
func BenchmarkCharge(b *testing.B) {
	s, err := simulator.New(sim.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, err := New(Config{URL: srv.URL})
	if err != nil {
		b.Fatal(err)
	}
	card, err := s.AddCard(simulator.CardSpec{CardNo: "2253800000000001", WalletMax: 1<<32 - 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Charge(context.Background(), c, card, "2253800000000001", 1000, fmt.Sprintf("B%d", i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Audit(); err != nil {
		b.Fatal(err)
	}
}
