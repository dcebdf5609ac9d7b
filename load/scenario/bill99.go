package scenario

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strconv"
	"strings"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"paycert/load"
	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99client"
	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/catalog"
	"paycert/platforms/sim"
)

// bill99Customers spreads a run over bound customers.
const bill99Customers = 32

// bill99Connections is the merchant's pool of kept-alive mutual-TLS
// connections: without a cap, a burst opens one connection per new worker
// and the RSA handshakes starve the run (measured: a run at half of the
// closed-model capacity collapsed to a fifth of its rate, p99 over 5 s).
const bill99Connections = 32

// Bill99Purchase is the agreement-payment purchase (TR1/TR2) over mutual TLS.
func Bill99Purchase() *load.Scenario {
	return &load.Scenario{
		Name:     "bill99-purchase",
		Summary:  "99bill agreement-payment purchase (TR1/TR2, UTF-8 MasMessage) over mutual TLS, keep-alive, unique externalRefNumber",
		Measures: "HTTPS round trip over kept-alive mutual-TLS connections (requests built ahead by the background signers)",
		Setup:    setupBill99,
	}
}

// bill99Ref is the unique externalRefNumber of id (String 1..32).
func bill99Ref(stamp string, id uint64) string { return fmt.Sprintf("LD%s%011d", stamp, id) }

func bill99ID(ref string) (uint64, bool) {
	if len(ref) != 25 || !strings.HasPrefix(ref, "LD") {
		return 0, false
	}
	id, err := strconv.ParseUint(ref[14:], 10, 64)
	return id, err == nil
}

func setupBill99(ctx context.Context, env *load.Env) (*load.Workload, error) {
	if !env.Embedded() {
		// The client certificate and the bound customers belong to the
		// simulator's own PKI and state; a remote 99bill needs its own.
		return nil, errors.New("bill99-purchase runs against the embedded simulator only (its mutual-TLS kit and bound cards are generated per run)")
	}
	s, err := bill99sim.New(sim.Options{})
	if err != nil {
		return nil, fmt.Errorf("bill99 simulator: %w", err)
	}
	binds, err := s.SeedBindings(bill99sim.DefaultMerchant, bill99Customers)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("seeding bindings: %w", err)
	}
	emb, err := serve(s)
	if err != nil {
		s.Close()
		return nil, err
	}
	kit := s.Kit()
	tlsConf := &tls.Config{Certificates: []tls.Certificate{kit.Client.TLS()}, RootCAs: kit.CA.Pool(), MinVersion: tls.VersionTLS12}
	c := bill99client.New(bill99client.Config{URL: emb.URL(), TLS: tlsConf, MerchantID: bill99sim.DefaultMerchant, TerminalID: bill99sim.DefaultTerminal})
	cat := bill99.Catalogue()
	entry := "20" + env.Stamp // the run's start: requests stay a pure function of their id
	build := func(id uint64) bill99.PurchaseRequest {
		b := binds[id%uint64(len(binds))]
		return bill99.PurchaseRequest{MerchantID: bill99sim.DefaultMerchant, TerminalID: bill99sim.DefaultTerminal, CustomerID: b.CustomerID,
			ExternalRefNumber: bill99Ref(env.Stamp, id), EntryTime: entry, Amount: "1", PayToken: b.PayToken}
	}
	before := s.Totals()
	wl := &load.Workload{
		Note: "requests are built by background signers ahead of their send time; connections are kept alive, so the mutual-TLS handshake is paid once per connection",
		HTTP: &load.HTTPWork{
			TLS:            tlsConf,
			MaxConnections: bill99Connections,
			Next: func(id uint64) (vegeta.Target, error) {
				req, _, err := c.PurchaseRequest(context.Background(), build(id))
				if err != nil {
					return vegeta.Target{}, err
				}
				return targetOf(req)
			},
			Classify: func(r *vegeta.Result) error {
				cl, code, err := bill99.Classify(bill99.IfPurchase, r.Body)
				switch {
				case err != nil:
					return fmt.Errorf("not a conforming reply: %w", err)
				case cl != bill99.ClassSuccess:
					return load.Fail(code, cl.String())
				}
				return nil
			},
			Check: func(r *vegeta.Result) error {
				rep, err := bill99.DecodeReply(bill99.IfPurchase, r.Body)
				if err != nil {
					return err
				}
				id, ok := bill99ID(rep.Get("externalRefNumber"))
				if !ok {
					return fmt.Errorf("reply externalRefNumber %q is not the number of any request sent", rep.Get("externalRefNumber"))
				}
				return catalog.FindingsError(bill99.CheckReply(cat, build(id).Message(), rep))
			},
		},
		Close: func() error { err := emb.Close(); s.Close(); return err },
		Audit: func(acc *load.Stats) error { return auditBill99(s, acc, before) },
	}
	return wl, nil
}

// auditBill99: the simulator's invariants (each order debited once, debits
// = credits = sum of successful orders, one order per externalRefNumber),
// one successful order per accepted purchase, and 1 yuan each.
func auditBill99(s *bill99sim.Simulator, acc *load.Stats, before bill99sim.Totals) error {
	errs := simulatorChecks(s)
	t := s.Totals()
	n := t.Succeeded - before.Succeeded
	if err := countMatches(int64(n), acc, "successful orders"); err != nil {
		errs = append(errs, err)
	}
	if fen := t.SucceededFen - before.SucceededFen; fen != int64(n)*100 {
		errs = append(errs, fmt.Errorf("successful orders sum to %d fen, %d orders of 1 yuan make %d", fen, n, n*100))
	}
	if t.DebitedFen != t.CreditedFen || t.DebitedFen != t.SucceededFen {
		errs = append(errs, fmt.Errorf("money in != money out: debited %d, credited %d, orders %d fen", t.DebitedFen, t.CreditedFen, t.SucceededFen))
	}
	return errors.Join(errs...)
}
