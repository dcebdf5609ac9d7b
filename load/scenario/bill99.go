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

// bill99Payer is a bound card the run buys with: a customer and its pay token.
type bill99Payer struct{ customerID, payToken string }

func setupBill99(ctx context.Context, env *load.Env) (*load.Workload, error) {
	// The merchant is certify's params (the same paycert.yaml section);
	// the sandbox's, which the simulator's fixture is, by default.
	mid, tid := env.Param("merchant_id", bill99sim.DefaultMerchant), env.Param("terminal_id", bill99sim.DefaultTerminal)
	wl := &load.Workload{
		Note: "requests are built by background signers ahead of their send time; connections are kept alive, so the mutual-TLS handshake is paid once per connection",
	}
	var target string
	var payers []bill99Payer
	var tlsConf *tls.Config
	if env.Embedded() {
		s, err := bill99sim.New(sim.Options{})
		if err != nil {
			return nil, fmt.Errorf("bill99 simulator: %w", err)
		}
		binds, err := s.SeedBindings(mid, bill99Customers)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("seeding bindings: %w", err)
		}
		for _, b := range binds {
			payers = append(payers, bill99Payer{b.CustomerID, b.PayToken})
		}
		emb, err := serve(s)
		if err != nil {
			s.Close()
			return nil, err
		}
		target, tlsConf = emb.URL(), s.ClientTLS()
		before := s.Totals()
		wl.Close = func() error { err := emb.Close(); s.Close(); return err }
		wl.Audit = func(acc *load.Stats) error { return auditBill99(s, acc, before) }
	} else {
		target = env.Target
		var err error
		if tlsConf, payers, err = bill99Target(ctx, env, mid, tid); err != nil {
			return nil, err
		}
		remote, err := openRemoteLedger(ctx, env, nil)
		if err != nil {
			return nil, err
		}
		if remote != nil {
			wl.Audit = func(acc *load.Stats) error {
				return remote.audit(func(d, _ map[string]int64) []error { return bill99Ledger(d, acc) })
			}
		}
	}
	c := bill99client.New(bill99client.Config{URL: target, TLS: tlsConf, MerchantID: mid, TerminalID: tid})
	cat := bill99.Catalogue()
	entry := "20" + env.Stamp // the run's start: requests stay a pure function of their id
	build := func(id uint64) bill99.PurchaseRequest {
		p := payers[id%uint64(len(payers))]
		return bill99.PurchaseRequest{MerchantID: mid, TerminalID: tid, CustomerID: p.customerID,
			ExternalRefNumber: bill99Ref(env.Stamp, id), EntryTime: entry, Amount: "1", PayToken: p.payToken}
	}
	wl.HTTP = &load.HTTPWork{
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
	}
	return wl, nil
}

// bill99Target reads, before anything is sent, what a run against a
// target needs from its params (certify's: conformance/bill99suite): the
// merchant's client certificate for the mutual TLS and the server's CA,
// and the bound card the run buys with, which pci_query must list (that
// call also proves the handshake). A missing param, a handshake the
// target refuses or a card it does not list is one line. pay_token is a
// secret: no message repeats it.
func bill99Target(ctx context.Context, env *load.Env, mid, tid string) (*tls.Config, []bill99Payer, error) {
	pfx := env.Param("merchant_pfx", "")
	if pfx == "" {
		return nil, nil, errors.New("bill99-purchase against a target needs params.merchant_pfx (with merchant_pfx_password, and server_ca unless the system roots sign the server): the merchant's client certificate for the mutual TLS")
	}
	payer := bill99Payer{env.Param("customer_id", ""), env.Param("pay_token", "")}
	if payer.customerID == "" || payer.payToken == "" {
		return nil, nil, errors.New("bill99-purchase against a target needs params.customer_id and pay_token: a card bound on the target, which the run buys from at 1 yuan a purchase")
	}
	tlsConf, err := bill99client.LoadTLSConfig(pfx, env.Param("merchant_pfx_password", ""), env.Param("server_ca", ""))
	if err != nil {
		return nil, nil, fmt.Errorf("bill99: %w", err)
	}
	c := bill99client.New(bill99client.Config{URL: env.Target, TLS: tlsConf, MerchantID: mid, TerminalID: tid})
	defer c.Close()
	for _, ct := range []string{env.Param("card_type", bill99.CardDebit), bill99.CardCredit} {
		rep, err := c.PciQuery(ctx, bill99.PciQueryRequest{MerchantID: mid, TerminalID: tid, CustomerID: payer.customerID, CardType: ct})
		if err != nil {
			return nil, nil, fmt.Errorf("bill99: pci_query for customer %s (is the target up, and does it accept the merchant's certificate?): %w", payer.customerID, err)
		}
		if rep.Content == nil || rep.Content.Child("pciInfos") == nil {
			continue
		}
		for _, in := range rep.Content.Child("pciInfos").All("pciInfo") {
			if in.Get("payToken") == payer.payToken {
				return tlsConf, []bill99Payer{payer}, nil
			}
		}
	}
	return nil, nil, fmt.Errorf("bill99: pci_query lists no card with the pay_token param for customer %s: bind one, or give a bound customer_id and pay_token", payer.customerID)
}

// bill99Ledger is the out-of-process ledger on the admin endpoint's
// counter deltas: one successful order per accepted purchase, 1 yuan
// each, and what was debited from cards credited to the merchant.
func bill99Ledger(d map[string]int64, acc *load.Stats) []error {
	var errs []error
	n := d["succeeded"]
	if err := countMatches(n, acc, "successful orders"); err != nil {
		errs = append(errs, err)
	}
	if d["succeeded_fen"] != n*100 {
		errs = append(errs, fmt.Errorf("successful orders sum to %d fen, %d orders of 1 yuan make %d", d["succeeded_fen"], n, n*100))
	}
	if d["debited_fen"] != d["credited_fen"] || d["debited_fen"] != d["succeeded_fen"] {
		errs = append(errs, fmt.Errorf("money in != money out: debited %d, credited %d, orders %d fen", d["debited_fen"], d["credited_fen"], d["succeeded_fen"]))
	}
	return errs
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
