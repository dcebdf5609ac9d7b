// Package bill99suite is the conformance suite for 99bill agreement payment (seed
// 001): every interface on its happy path with every reply field checked,
// every response code and errorCode provoked (or listed as unprovokable),
// the chapter-5 flows (sign-up, pending orders, TR3/TR4 and resending,
// unbinding, replayed externalRefNumber, the half-year query window), the
// mutual-TLS matrix and a negative matrix per endpoint, and one generated
// negative per request field and breach of the catalogue (generated.go:
// the errorCode seed 001 names, no state change, and in process one strict
// violation naming the field). It also certifies the merchant side of TR3:
// a merchant endpoint must verify the platform's RSA-SHA1 signature over
// the exact GBK bytes, answer TR4, and acknowledge no malformed notice.
//
// Target params (conformance.Target.Params; values may be secrets and are
// never printed):
//
//	merchant_pfx, merchant_pfx_password  the merchant's client certificate (.pfx), required for a real endpoint
//	server_ca                            PEM/DER CAs of the endpoint's server certificate (default: system roots)
//	platform_cert                        mgw.cer, to verify TR3 notices (required for TR3 specs on a real endpoint)
//	query_url                            base URL for query_txn, card info and pci_query when it differs (sandbox: port 9445)
//	merchant_id, terminal_id             default the sandbox's 104110045112012 / 00002012
//	customer_id, pay_token               a bound card for purchase/query/pci specs on a real endpoint
//	card_type                            that card's type for pci_query (default 0002, debit)
//	pan, phone                           a card and its bank-reserved phone the suite may sign up (customers of its own)
//	sms_url, sms_code                    where the SMS code of a sign-up is read (GET ?merchantId=&externalRefNumber=), or the one code a sandbox accepts
//	code_bindings                        bound cards whose bank answers C0, 68, I8, ZG: "CODE=customerId/payToken[/amount],..."
//	expired_pfx, foreign_pfx             an expired client certificate and one from another CA (TLS matrix)
//	tr3_listen, tr3_url                  where the suite's own TR3 endpoint listens and the URL the platform reaches it by
//	                                     (a target on loopback reaches the suite's loopback endpoint without them)
//	merchant_tr3_url, mgw_key            a merchant TR3 endpoint under test, and the platform private key it trusts
//	pki_dir, pki_password                embedded only: serve the simulator with this kit (paycert bill99 pki) instead of a fresh one
//
// Against a target the suite changes only what it creates: it signs up
// customers of its own with pan/phone, unbinds only those, and resends a
// replayed purchase byte for byte. Every reply is held to the catalogue's
// tables (bill99.CheckReply) whatever the target; what only the simulator
// can tell (its ledger, delivery log, fixture cards) is an extra check in
// process.
//
// The specs are declared on conformance.Framework[*env]: the environment
// starts on the first spec that needs it, every call to the target gets the
// spec's context (cancelled on timeout or Ctrl-C), and the result-code
// table is one f.CodeTable entry per catalogue code. Against the embedded
// simulator the suite generates the whole PKI at start (about 0.1 s),
// drives a manual clock instead of sleeping, and the framework checks the
// simulator's ledger (Audit) and panics after every spec.
package bill99suite

import (
	"context"
	"crypto/rsa"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/codecs/rsasig"
	"paycert/codecs/testpki"
	"paycert/conformance"
	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99client"
	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/catalog"
	"paycert/platforms/sim"
)

// env is what the specs run against.
type env struct {
	target conformance.Target
	sim    *bill99sim.Simulator // nil against a real endpoint
	clock  *sim.ManualClock
	url    string
	qurl   string      // query_url param ("" = url)
	tls    *tls.Config // the valid merchant certificate
	kit    *testpki.Kit
	cat    *catalog.Catalogue // seed 001's tables, which every reply is checked against
	mid    string
	tid    string

	platformKey    *rsa.PublicKey         // verifies TR3 (mgw.cer)
	signKey        *rsa.PrivateKey        // signs TR3s sent to a merchant under test
	merchant       *bill99client.Merchant // the suite's own TR3 endpoint
	tr3URL         string                 // where the platform reaches it ("" = TR3 specs skip)
	merchantURL    string                 // merchant endpoint under test (default: the suite's own)
	ownMerchantURL string                 // the suite's own merchant's URL (merchantURL unless merchant_tr3_url)
	refs           *bill99client.RefGenerator
	customerID     string // a bound customer for purchases
	payToken       string
	pan, phone     string // a card the suite may sign up (params pan, phone)
	smsURL         string // param sms_url: where the SMS code of a sign-up is read
	smsFixed       string // param sms_code: the one code a sandbox accepts
	// codeBindings are bound cards whose bank answers a code (C0, 68,
	// I8, ZG): the fixture's, or param code_bindings.
	codeBindings map[string]bill99sim.CodeBinding
	// negBinding is a card the suite bound for the generated pci_del
	// negatives (ownBinding), so a target that wrongly unbinds loses only
	// the suite's own customer.
	negBinding *ownCard
}

// ownCard is a binding the suite made for a customer of its own.
type ownCard struct{ customer, pan, payToken, bankID string }

// ownBinding returns the suite's binding for the generated pci_del
// negatives, binding a fresh customer when there is none yet or the last
// one is gone (a spec that saw it unbound has already failed).
func (e *env) ownBinding(ctx context.Context) ownCard {
	if b := e.negBinding; b != nil && strings.Contains(bindingsOf(ctx, e, b.customer), b.payToken) {
		return *b
	}
	pan, phone := e.signUpCard()
	cust := "gen-del-" + e.ref()
	tok := bind(ctx, e, cust, pan, phone)
	e.negBinding = &ownCard{customer: cust, pan: pan, payToken: tok, bankID: boundCard(ctx, e, cust, tok).Get("bankId")}
	return *e.negBinding
}

// parseCodeBindings reads param code_bindings:
// "CODE=customerId/payToken[/amount],..." (amount default 1.00).
func parseCodeBindings(s string) (map[string]bill99sim.CodeBinding, error) {
	out := map[string]bill99sim.CodeBinding{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		code, rest, ok := strings.Cut(item, "=")
		parts := strings.Split(rest, "/")
		if !ok || code == "" || len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
			return nil, fmt.Errorf("code_bindings: %q is not CODE=customerId/payToken[/amount]", item)
		}
		b := bill99sim.CodeBinding{CustomerID: parts[0], PayToken: parts[1], Amount: "1.00"}
		if len(parts) == 3 {
			b.Amount = parts[2]
		}
		out[code] = b
	}
	return out, nil
}

// formatCodeBindings is parseCodeBindings' inverse, in code order.
func formatCodeBindings(m map[string]bill99sim.CodeBinding) string {
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	items := make([]string, len(codes))
	for i, c := range codes {
		items[i] = c + "=" + m[c].CustomerID + "/" + m[c].PayToken + "/" + m[c].Amount
	}
	return strings.Join(items, ",")
}

// smsCode is the SMS verification code of the sign-up ref: read from the
// embedded simulator, from the endpoint of param sms_url (paycert sim
// bill99 serves one on loopback), or the fixed param sms_code of a
// sandbox; a spec that needs it skips when the target gives none.
func (e *env) smsCode(ctx context.Context, ref string) string {
	if e.sim != nil {
		code, ok := e.sim.SMSCode(e.mid, ref)
		Expect(ok).To(BeTrue(), "the simulator sent an SMS for %s", ref)
		return code
	}
	if e.smsFixed != "" {
		return e.smsFixed
	}
	if e.smsURL == "" {
		Skip("needs param sms_url or sms_code to read the SMS verification code of a sign-up")
	}
	status, b := e.fetchSMS(ctx, ref)
	Expect(status).To(Equal(http.StatusOK), "sms_url for %s: %s", ref, b)
	return strings.TrimSpace(b)
}

// fetchSMS asks the endpoint of param sms_url for the SMS code of the
// sign-up ref: the status (200 with the code, 404 while there is no such
// sign-up) and the first 64 bytes of the body.
func (e *env) fetchSMS(ctx context.Context, ref string) (int, string) {
	u, err := url.Parse(e.smsURL)
	Expect(err).NotTo(HaveOccurred(), "param sms_url")
	q := u.Query()
	q.Set("merchantId", e.mid)
	q.Set("externalRefNumber", ref)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	Expect(err).NotTo(HaveOccurred())
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: e.tls}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	Expect(err).NotTo(HaveOccurred(), "reading the SMS code from param sms_url")
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64))
	Expect(err).NotTo(HaveOccurred())
	return resp.StatusCode, string(b)
}

// signUpCard is the card and phone a spec signs up: the fixture's on the
// simulator, params pan and phone on a real endpoint.
func (e *env) signUpCard() (pan, phone string) {
	if e.pan == "" || e.phone == "" {
		Skip("needs params pan and phone (a card the suite may sign up) on a real endpoint")
	}
	return e.pan, e.phone
}

func (e *env) client() *bill99client.Client {
	return bill99client.New(bill99client.Config{URL: e.url, QueryURL: e.qurl, TLS: e.tls, MerchantID: e.mid, TerminalID: e.tid, Observe: conformance.Transcript()})
}

// clientWith uses another TLS configuration (TLS matrix).
func (e *env) clientWith(tc *tls.Config) *bill99client.Client {
	return bill99client.New(bill99client.Config{URL: e.url, QueryURL: e.qurl, TLS: tc, MerchantID: e.mid, TerminalID: e.tid, Observe: conformance.Transcript(), Timeout: 10 * time.Second})
}

func (e *env) ref() string { return e.refs.Next() }

func (e *env) entryTime() string {
	var now time.Time
	if e.clock != nil {
		now = e.clock.Now()
	} else {
		now = time.Now()
	}
	return now.In(time.FixedZone("CST", 8*3600)).Format("20060102150405")
}

// refPrefix is a run's externalRefNumber prefix (12 characters at most):
// its start second and 4 random base-36 digits, so two runs started within
// one second against one endpoint never replay each other's orders.
func refPrefix(start time.Time, r uint32) string {
	return "PC" + strconv.FormatInt(start.Unix()%1e8, 36) + fmt.Sprintf("%04s", strconv.FormatUint(uint64(r%(36*36*36*36)), 36))
}

// deliver makes the embedded simulator deliver what is due (it runs without
// a background deliverer so that the clock alone decides); ctx is the
// spec's, so a spec that times out stops the TR3 posts too.
func (e *env) deliver(ctx context.Context) {
	if e.sim != nil {
		e.sim.DeliverDue(ctx)
	}
}

// Simulator is the embedded simulator for the framework's after-each
// checks, or nil against a real endpoint: a nil interface, not a typed nil
// *bill99sim.Simulator.
func (e *env) Simulator() sim.Simulator { return e.sim } // nil *Simulator: a target (the framework knows)

func start(t conformance.Target) (*env, func() error, error) {
	e := &env{target: t, cat: bill99.Catalogue(), mid: t.Param("merchant_id", bill99sim.DefaultMerchant), tid: t.Param("terminal_id", bill99sim.DefaultTerminal)}
	e.refs = bill99client.NewRefGenerator(refPrefix(time.Now(), rand.Uint32()))
	var stops []func() error
	stop := func() error {
		var errs []error
		for i := len(stops) - 1; i >= 0; i-- {
			errs = append(errs, stops[i]())
		}
		return errors.Join(errs...)
	}
	fail := func(err error) (*env, func() error, error) { _ = stop(); return nil, nil, err }

	if t.Embedded() {
		e.clock = sim.NewManualClock(time.Now().Truncate(time.Second))
		cfg := bill99sim.Config{NoNotifier: true}
		if dir := t.Param("pki_dir", ""); dir != "" {
			kit, err := testpki.LoadKit(dir, bill99sim.ClientPFXName, bill99sim.SignerName, t.Param("pki_password", bill99sim.DefaultPFXPassword))
			if err != nil {
				return fail(fmt.Errorf("pki_dir: %w", err))
			}
			cfg.Kit = kit
		}
		// Always strict: the generated negatives check what the strict mock
		// records for each (strict mode only records; it answers the same).
		s, err := bill99sim.NewWithConfig(sim.Options{Clock: e.clock, Faults: t.Faults, Strict: true}, cfg)
		if err != nil {
			return fail(err)
		}
		stops = append(stops, s.Close)
		srv, err := sim.Start(s, sim.ListenOptions{})
		if err != nil {
			return fail(err)
		}
		stops = append(stops, srv.Close)
		e.sim, e.url, e.kit = s, srv.URL, s.Kit()
		e.tls = s.ClientTLS()
		e.platformKey = &s.PlatformKey().PublicKey
		e.signKey = s.PlatformKey()
		e.customerID, e.payToken = "33150001", "8120000002867710851"
		e.pan, e.phone = bill99sim.SignUpPan, bill99sim.SignUpPhone
		e.codeBindings = bill99sim.CodeBindings()
	} else {
		e.url = t.URL
		e.qurl = t.Param("query_url", "")
		pfxPath := t.Param("merchant_pfx", "")
		if pfxPath == "" {
			return fail(errors.New("bill99: a real endpoint needs param merchant_pfx (the merchant's .pfx) for mutual TLS"))
		}
		tc, err := bill99client.LoadTLSConfig(pfxPath, t.Param("merchant_pfx_password", ""), t.Param("server_ca", ""))
		if err != nil {
			return fail(err)
		}
		e.tls = tc
		if p := t.Param("platform_cert", ""); p != "" {
			if e.platformKey, err = bill99client.LoadPlatformKey(p); err != nil {
				return fail(err)
			}
		}
		e.customerID, e.payToken = t.Param("customer_id", ""), t.Param("pay_token", "")
		e.pan, e.phone = t.Param("pan", ""), t.Param("phone", "")
		e.smsURL, e.smsFixed = t.Param("sms_url", ""), t.Param("sms_code", "")
		if e.codeBindings, err = parseCodeBindings(t.Param("code_bindings", "")); err != nil {
			return fail(err)
		}
	}
	if p := t.Param("mgw_key", ""); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return fail(fmt.Errorf("mgw_key: %w", err))
		}
		if e.signKey, err = rsasig.ParsePrivateKey(b); err != nil {
			return fail(fmt.Errorf("mgw_key: %w", err))
		}
	}
	// The suite's own merchant TR3 endpoint (the reference merchant).
	if e.platformKey != nil {
		e.merchant = bill99client.NewMerchant(e.platformKey)
		listen := t.Param("tr3_listen", "")
		srv, err := sim.Listen(e.merchant, sim.ListenOptions{Addr: listen, AllowRemote: listen != ""})
		if err != nil {
			return fail(fmt.Errorf("suite TR3 endpoint: %w", err))
		}
		stops = append(stops, srv.Close)
		switch {
		case t.Embedded():
			e.tr3URL = srv.URL + "/tr3"
		case t.Param("tr3_url", "") != "":
			e.tr3URL = t.Param("tr3_url", "")
		case loopback(t.URL):
			// A platform on this machine reaches the suite's own
			// endpoint on loopback: no param needed.
			e.tr3URL = srv.URL + "/tr3"
		}
		e.merchantURL = srv.URL + "/tr3"
		e.ownMerchantURL = e.merchantURL
	}
	if u := t.Param("merchant_tr3_url", ""); u != "" {
		e.merchantURL = u
	}
	return e, stop, nil
}

// loopback reports whether raw is a URL whose host is a loopback address
// or localhost.
func loopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(u.Hostname())
	return err == nil && a.IsLoopback()
}

// tr3HTTP posts TR3s to a merchant endpoint.
func tr3HTTP() *http.Client { return &http.Client{Timeout: 10 * time.Second} }
