package bill99sim_test

import (
	"bytes"
	"net/http/httptest"
	"strconv"
	"testing"

	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/sim"
)

// BenchmarkPurchase is the simulator's side of one bill99-purchase request
// outside TLS: parse, table check, ledger and the TR2 reply, as the load
// scenario drives it (a bound card, a new externalRefNumber each time).
func BenchmarkPurchase(b *testing.B) {
	s, err := bill99sim.NewWithConfig(sim.Options{}, bill99sim.Config{NoNotifier: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	binds, err := s.SeedBindings(bill99sim.DefaultMerchant, 1)
	if err != nil {
		b.Fatal(err)
	}
	req := bill99.PurchaseRequest{MerchantID: bill99sim.DefaultMerchant, TerminalID: bill99sim.DefaultTerminal,
		CustomerID: binds[0].CustomerID, PayToken: binds[0].PayToken, EntryTime: "20261122050000", Amount: "1"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		req.ExternalRefNumber = "B" + strconv.Itoa(i)
		body := bill99.Encode(req.Message())
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("POST", bill99.PathPurchase, bytes.NewReader(body)))
		if c, code, err := bill99.Classify(bill99.IfPurchase, w.Body.Bytes()); err != nil || c != bill99.ClassSuccess {
			b.Fatalf("%v %s %v: %s", c, code, err, w.Body)
		}
	}
}
