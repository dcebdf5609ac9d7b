package kakatongclient

import (
	"context"
	"net/http/httptest"
	"testing"

	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
)

// benchConsume measures the load runner's hot path without a network:
// build purchase i, let the simulator serve it in process, classify the
// reply. The ledger is audited at the end, so the figure is for correct work.
func benchConsume(b *testing.B, soap bool) {
	s, err := kakatongsim.New(sim.Options{})
	if err != nil {
		b.Fatal(err)
	}
	cards, err := s.SeedLoad("16809999", 64, 1<<50)
	if err != nil {
		b.Fatal(err)
	}
	c, err := New(Config{URL: "http://127.0.0.1:1", LicenceKey: kakatongsim.LicenceKey, CopNo: kakatongsim.CopNo, PosCode: kakatongsim.LoadTerminal})
	if err != nil {
		b.Fatal(err)
	}
	plan := LoadPlan{Cards: cards, Password: kakatongsim.Password}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		build := c.ConsumeRequest
		if soap {
			build = c.SOAPConsumeRequest
		}
		req, err := build(ctx, plan, uint64(i))
		if err != nil {
			b.Fatal(err)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		var o Outcome
		if soap {
			o, err = ClassifySOAP(kakatong.OpTrade, w.Header().Get("Content-Type"), w.Body.Bytes())
		} else {
			o, err = Classify(kakatong.MethodTrade, w.Body.Bytes())
		}
		if err != nil || !o.Success {
			b.Fatalf("request %d: %+v %v", i, o, err)
		}
	}
	b.StopTimer()
	if err := s.Audit(); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkConsumeREST(b *testing.B) { benchConsume(b, false) }
func BenchmarkConsumeSOAP(b *testing.B) { benchConsume(b, true) }
