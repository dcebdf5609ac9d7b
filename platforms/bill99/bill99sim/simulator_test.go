package bill99sim_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99client"
	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

func TestFaultsListed(t *testing.T) {
	if err := sim.CheckFaults(bill99sim.Faults(), func(o sim.Options) error { _, err := bill99sim.New(o); return err }); err != nil {
		t.Error(err)
	}
}

func start(t *testing.T, faults ...string) (*bill99sim.Simulator, *bill99client.Client, *sim.ManualClock) {
	t.Helper()
	clk := sim.NewManualClock(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	s, err := bill99sim.NewWithConfig(sim.Options{Clock: clk, Faults: faults}, bill99sim.Config{NoNotifier: true})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); s.Close() })
	kit := s.Kit()
	tc := bill99client.TLSConfig(mustPFX(t, kit.Client), kit.CA.Pool())
	c := bill99client.New(bill99client.Config{URL: srv.URL, TLS: tc, MerchantID: bill99sim.DefaultMerchant, TerminalID: bill99sim.DefaultTerminal})
	return s, c, clk
}

func TestSignUpPurchaseQueryTR3(t *testing.T) {
	s, c, clk := start(t)
	ctx := context.Background()
	m := bill99client.NewMerchant(&s.PlatformKey().PublicKey)
	hs := httptest.NewServer(m)
	defer hs.Close()

	ia, err := c.IndAuth(ctx, bill99.IndAuthRequest{CustomerID: "u1", ExternalRefNumber: "SU1", Pan: "6217000000000000022", PhoneNO: "13700000022"})
	if err != nil {
		t.Fatalf("ind_auth: %v", err)
	}
	code, _ := s.SMSCode(bill99sim.DefaultMerchant, "SU1")
	vr := bill99.VerifyRequest{CustomerID: "u1", ExternalRefNumber: "SU1", Pan: "6217000000000000022", PhoneNO: "13700000022", ValidCode: code, Token: ia.Get("token")}
	v, err := c.Verify(ctx, vr)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if _, err := c.Verify(ctx, vr); wire.Code(err) != "T6" {
		t.Fatalf("reused code: %v, want T6", err)
	}
	p, err := c.Purchase(ctx, bill99.PurchaseRequest{CustomerID: "u1", ExternalRefNumber: "P1", EntryTime: "20260301180000", Amount: "12.34", PayToken: v.Get("payToken"), TR3URL: hs.URL})
	if err != nil {
		t.Fatalf("purchase: %v", err)
	}
	if got := p.Get("storableCardNo"); got != "6217000022" {
		t.Errorf("storableCardNo %q", got)
	}
	// A replay gets the stored reply (the reply is kept as a tree and
	// re-encoded: it must not change).
	p1again, err := c.Purchase(ctx, bill99.PurchaseRequest{CustomerID: "u1", ExternalRefNumber: "P1", EntryTime: "20260301180000", Amount: "12.34", PayToken: v.Get("payToken"), TR3URL: hs.URL})
	if err != nil {
		t.Fatalf("replayed purchase: %v", err)
	}
	for _, f := range []string{"refNumber", "authorizationCode", "transTime", "responseCode", "storableCardNo"} {
		if p1again.Get(f) != p.Get(f) {
			t.Errorf("replay %s = %q, first reply %q", f, p1again.Get(f), p.Get(f))
		}
	}
	q, err := c.Query(ctx, bill99.QueryRequest{ExternalRefNumber: "P1"})
	if err != nil || q.Get("txnStatus") != "S" {
		t.Fatalf("query: %v %q", err, q.Get("txnStatus"))
	}
	if n := s.DeliverDue(ctx); n != 1 {
		t.Fatalf("delivered %d notices", n)
	}
	log, acked, _ := s.Deliveries(p.Get("refNumber"))
	if !acked || len(m.NoticesFor(p.Get("refNumber"))) != 1 {
		t.Fatalf("TR3 not acked: %+v rejected=%v", log, m.Rejected())
	}
	// Pending then settle.
	if _, err := c.Purchase(ctx, bill99.PurchaseRequest{CustomerID: "c-timeout-c0", ExternalRefNumber: "P2", EntryTime: "20260301180000", Amount: "1", PayToken: "8120000000000000101"}); wire.Code(err) != "C0" {
		t.Fatalf("timeout card: %v", err)
	}
	// A second pending order a minute later: settling is driven by a heap of
	// pending orders, so check each settles at its own time, not before.
	clk.Advance(time.Minute)
	if _, err := c.Purchase(ctx, bill99.PurchaseRequest{CustomerID: "c-timeout-68", ExternalRefNumber: "P3", EntryTime: "20260301180000", Amount: "2", PayToken: "8120000000000000102"}); wire.Code(err) != "68" {
		t.Fatalf("timeout-68 card: %v", err)
	}
	clk.Advance(2 * time.Minute)
	if st := s.OrderStatus(bill99sim.DefaultMerchant, "P2"); st != "S" {
		t.Fatalf("pending order status %q after 3 minutes", st)
	}
	if st := s.OrderStatus(bill99sim.DefaultMerchant, "P3"); st != "P" {
		t.Fatalf("second pending order status %q after 2 minutes, want P", st)
	}
	clk.Advance(time.Minute)
	if st := s.OrderStatus(bill99sim.DefaultMerchant, "P3"); st != "F" {
		t.Fatalf("second pending order status %q after 3 minutes, want F", st)
	}
	if err := s.Audit(); err != nil {
		t.Fatal(err)
	}
	tot := s.Totals()
	if tot.Succeeded != 2 || tot.SucceededFen != 1334 || tot.DebitedFen != 1334 {
		t.Fatalf("totals %+v", tot)
	}
}

func TestStrictModeRecordsViolations(t *testing.T) {
	for _, strict := range []bool{false, true} {
		s, err := bill99sim.NewWithConfig(sim.Options{Strict: strict}, bill99sim.Config{NoNotifier: true})
		if err != nil {
			t.Fatal(err)
		}
		body := `<MasMessage xmlns="` + bill99.Namespace + `"><version>1.0</version><CardInfoContent><cardNo>6217003320034459100</cardNo><cardNo>1</cardNo><colour>red</colour></CardInfoContent></MasMessage>`
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("POST", bill99.PathQueryTxn, strings.NewReader(body)))
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "<responseCode>00</responseCode>") {
			t.Fatalf("lenient reply expected: %d %s", rec.Code, rec.Body)
		}
		rules := map[string]bool{}
		for _, v := range s.Violations() {
			rules[v.Rule] = true
		}
		want := strict
		for _, r := range []string{"declaration", "field-duplicate", "field-unknown"} {
			if rules[r] != want {
				t.Errorf("strict=%v: rule %s recorded=%v", strict, r, rules[r])
			}
		}
		s.Close()
	}
}

func TestBackgroundNotifierDelivers(t *testing.T) {
	s, err := bill99sim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := bill99client.NewMerchant(&s.PlatformKey().PublicKey)
	hs := httptest.NewServer(m)
	defer hs.Close()
	s.SetMerchantTR3URL(bill99sim.DefaultMerchant, hs.URL)
	msg := bill99.PurchaseRequest{MerchantID: bill99sim.DefaultMerchant, TerminalID: bill99sim.DefaultTerminal, CustomerID: "33150001",
		ExternalRefNumber: "BG1", EntryTime: "20260301180000", Amount: "1", PayToken: "8120000002867710851"}.Message()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("POST", bill99.PathPurchase, strings.NewReader(string(bill99.Encode(msg)))))
	r, err := bill99.DecodeReply(bill99.IfPurchase, rec.Body.Bytes())
	if err != nil || !r.Result.OK() {
		t.Fatalf("purchase: %v %s", err, rec.Body)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(m.NoticesFor(r.Get("refNumber"))) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(m.NoticesFor(r.Get("refNumber"))) != 1 {
		t.Fatal("the configured tr3 address got no notice from the background deliverer")
	}
}

func TestSeedBindingsAndAudit(t *testing.T) {
	s, err := bill99sim.NewWithConfig(sim.Options{}, bill99sim.Config{NoNotifier: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	bs, err := s.SeedBindings(bill99sim.DefaultMerchant, 50)
	if err != nil || len(bs) != 50 {
		t.Fatal(err)
	}
	for i, b := range bs {
		msg := bill99.PurchaseRequest{MerchantID: bill99sim.DefaultMerchant, TerminalID: bill99sim.DefaultTerminal, CustomerID: b.CustomerID,
			ExternalRefNumber: fmt.Sprintf("S%d", i), EntryTime: "20260301180000", Amount: "2.50", PayToken: b.PayToken}.Message()
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("POST", bill99.PathPurchase, strings.NewReader(string(bill99.Encode(msg)))))
		if c, code, _ := bill99.Classify(bill99.IfPurchase, rec.Body.Bytes()); c != bill99.ClassSuccess {
			t.Fatalf("seeded purchase %d: %v %s", i, c, code)
		}
	}
	tot := s.Totals()
	if tot.Succeeded != 50 || tot.DebitedFen != 12500 || tot.CreditedFen != 12500 {
		t.Fatalf("totals %+v", tot)
	}
	if err := s.Audit(); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentPurchasesKeepTheLedger hammers one binding set from many
// goroutines, replays included: every externalRefNumber is debited once.
func TestConcurrentPurchasesKeepTheLedger(t *testing.T) {
	s, err := bill99sim.NewWithConfig(sim.Options{}, bill99sim.Config{NoNotifier: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	bs, _ := s.SeedBindings(bill99sim.DefaultMerchant, 8)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				// Every request is sent twice, identical: the replay must
				// get the first answer and not debit again.
				b := bs[(w+i/2)%len(bs)]
				msg := bill99.PurchaseRequest{MerchantID: bill99sim.DefaultMerchant, TerminalID: bill99sim.DefaultTerminal, CustomerID: b.CustomerID,
					ExternalRefNumber: fmt.Sprintf("C%d-%d", w, i/2), EntryTime: "20260301180000", Amount: "1", PayToken: b.PayToken}.Message()
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, httptest.NewRequest("POST", bill99.PathPurchase, strings.NewReader(string(bill99.Encode(msg)))))
				if rec.Code != 200 {
					t.Errorf("HTTP %d", rec.Code)
				}
			}
		}(w)
	}
	wg.Wait()
	if err := s.Audit(); err != nil {
		t.Fatal(err)
	}
	tot := s.Totals()
	if tot.Orders != 8*20 || tot.Succeeded != 8*20 || tot.DebitedFen != 8*20*100 || tot.CreditedFen != 8*20*100 {
		t.Fatalf("totals %+v, want 160 orders of 1 yuan, each debited and credited once", tot)
	}
}

// TestSMSEndpoint: the code of a sign-up is readable over the simulator's
// own loopback endpoint (how a suite in another process completes
// ind_auth_verify), and only the code of a sign-up that exists.
func TestSMSEndpoint(t *testing.T) {
	s, c, _ := start(t)
	ctx := context.Background()
	if _, err := c.IndAuth(ctx, bill99.IndAuthRequest{CustomerID: "sms1", ExternalRefNumber: "SMS1", Pan: "6217000000000000022", PhoneNO: "13700000022"}); err != nil {
		t.Fatalf("ind_auth: %v", err)
	}
	want, _ := s.SMSCode(bill99sim.DefaultMerchant, "SMS1")
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: bill99client.TLSConfig(mustPFX(t, s.Kit().Client), s.Kit().CA.Pool())}}
	get := func(ref string) (int, string) {
		t.Helper()
		resp, err := hc.Get(srv.URL + bill99sim.PathSMS + "?" + url.Values{"merchantId": {bill99sim.DefaultMerchant}, "externalRefNumber": {ref}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := get("SMS1"); status != http.StatusOK || body != want {
		t.Fatalf("GET %s for SMS1: %d %q, want 200 %q", bill99sim.PathSMS, status, body, want)
	}
	if status, _ := get("NOSUCH"); status != http.StatusNotFound {
		t.Fatalf("GET %s for no sign-up: %d, want 404", bill99sim.PathSMS, status)
	}
}
