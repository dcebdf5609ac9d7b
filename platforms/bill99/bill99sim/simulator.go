package bill99sim

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"paycert/codecs/testpki"
	"paycert/platforms/bill99"
	"paycert/platforms/catalog"
	"paycert/platforms/sim"
)

// Fault names (see Faults for what each breaks).
const (
	FaultNoClientCert   = "accept-no-client-cert"
	FaultForeignCA      = "accept-foreign-ca"
	FaultExpiredCert    = "accept-expired-cert"
	FaultBothCodes      = "both-codes"
	FaultReuseValidCode = "reuse-validcode"
	FaultTR3UTF8        = "tr3-signed-utf8"
	FaultResendStops3   = "resend-stops-after-3"
	FaultStorableLast6  = "storablepan-last6"
	FaultDoubleCharge   = "duplicate-ref-double-charge"
	FaultAnyCustomer    = "paytoken-any-customer"
	FaultNeverSettles   = "pending-never-settles"
	FaultNoHalfYear     = "query-ignores-half-year"
	FaultTR4Any200      = "tr4-any-200"
	FaultPciDelNoop     = "pci-del-keeps-binding"
	FaultNoLengthCheck  = "no-length-check"
	FaultRefMismatch    = "ref-mismatch-accepted"
	FaultAnyNamespace   = "wrong-namespace-accepted"
	FaultPhoneUnchecked = "phone-not-checked"
	FaultManyCardsBank  = "one-bank-many-cards"
	// Validation faults (issue 17): each is killed by the generated
	// negatives (conformance/bill99suite/generated.go).
	FaultLengthBytes      = "length-in-bytes"
	FaultEmptyPresent     = "empty-is-present"
	FaultNumberLetters    = "number-accepts-letters"
	FaultCharsetUnchecked = "charset-unchecked"
	FaultRefusedCharged   = "refused-purchase-charged"
)

var faultList = []sim.Fault{
	{Name: FaultNoClientCert, Description: "TLS accepts a client that presents no certificate (VerifyClientCertIfGiven)"},
	{Name: FaultForeignCA, Description: "TLS accepts a client certificate from any CA (chain not verified against the platform CA)"},
	{Name: FaultExpiredCert, Description: "TLS accepts an expired client certificate (validity not checked)"},
	{Name: FaultBothCodes, Description: "format-error replies carry a responseCode next to the errorCode"},
	{Name: FaultReuseValidCode, Description: "a verification code stays valid after a successful ind_auth_verify"},
	{Name: FaultTR3UTF8, Description: "TR3 is sent GBK but signed over its UTF-8 form"},
	{Name: FaultResendStops3, Description: "TR3 resending stops after 3 resends instead of 10"},
	{Name: FaultStorableLast6, Description: "storablePan built from the first 4 and last 6 digits"},
	{Name: FaultDoubleCharge, Description: "a replayed externalRefNumber creates a second order and debits again"},
	{Name: FaultAnyCustomer, Description: "purchase matches the payToken alone, ignoring customerId (any customer can spend another's binding)"},
	{Name: FaultNeverSettles, Description: "C0/68 orders stay pending forever (no settlement, no TR3)"},
	{Name: FaultNoHalfYear, Description: "order query finds orders older than half a year"},
	{Name: FaultTR4Any200, Description: "any HTTP 200 from tr3Url counts as a TR4 (no resend on a wrong ack)"},
	{Name: FaultPciDelNoop, Description: "pci_del answers 00 but the binding stays usable"},
	{Name: FaultNoLengthCheck, Description: "field lengths are not checked (over-long values accepted)"},
	{Name: FaultRefMismatch, Description: "ind_auth_verify accepts an externalRefNumber other than the sign-up's"},
	{Name: FaultAnyNamespace, Description: "a MasMessage in the wrong (or no) namespace is accepted"},
	{Name: FaultPhoneUnchecked, Description: "ind_auth does not compare the phone with the bank-reserved one (no HW)"},
	{Name: FaultManyCardsBank, Description: "a customer may bind several cards of the same bank (no T3)"},
	{Name: FaultLengthBytes, Description: "field lengths counted in UTF-8 bytes, not characters (a 32-character Chinese ext1 is refused)"},
	{Name: FaultEmptyPresent, Description: "an empty required element counts as present (no B.MGW.0120 for <merchantId></merchantId>)"},
	{Name: FaultNumberLetters, Description: "Number fields accept letters (merchantId 10411004511201X passes the format check)"},
	{Name: FaultCharsetUnchecked, Description: "a field that is not UTF-8 is decoded leniently (U+FFFD) and served instead of refused"},
	{Name: FaultRefusedCharged, Description: "a purchase refused for a field is entered and debited before the field check"},
}

// Faults lists every fault the simulator can inject.
func Faults() []sim.Fault { return append([]sim.Fault(nil), faultList...) }

// Config are the bill99-specific settings beyond sim.Options.
type Config struct {
	// Kit is the PKI to serve with; nil generates one (about 0.1 s).
	Kit *testpki.Kit
	// HTTPClient delivers TR3 notices; nil uses a client with a 5 s timeout.
	HTTPClient *http.Client
	// NoNotifier disables the background TR3 deliverer; DeliverDue must then
	// be called (deterministic tests).
	NoNotifier bool
}

// Simulator is the 99bill reference simulator.
type Simulator struct {
	opts    sim.Options
	clock   sim.Clock
	faults  sim.FaultSet
	rec     *sim.Recorder
	cat     *catalog.Catalogue
	kit     *testpki.Kit
	tlsConf *tls.Config
	// hosts are the machine's own addresses AdmitHost made the simulator
	// serve on: the SMS endpoint answers callers from them as from loopback.
	hosts   []netip.Addr
	handler http.Handler
	client  *http.Client

	mu        sync.Mutex
	merchants map[string]*merchant
	bins      map[string]BIN
	cards     map[string]*Card
	customers map[string]*customer // merchant/customer
	tokens    map[string]*binding  // payToken
	signups   map[string]*signup   // merchant/externalRefNumber
	orders    map[string]*order    // merchant/externalRefNumber
	byRef     map[string]*order    // refNumber
	orderList []*order
	pending   pendingOrders // orders with status P, a min-heap by settleAt (see settleDueLocked)
	notices   []*notice
	debited   map[string]int64 // pan -> fen debited (ledger)
	credited  map[string]int64 // merchant -> fen credited (ledger)
	seq       int64

	// The history window (sim.Options.History, E-BILL99-HISTORY): at most
	// history orders are kept whole in orderList (a pending one is kept
	// until it settles), at most history finished notices in notices; the
	// older ones live on in these sums, so Totals and Audit stay exact.
	history    int
	orderSeq   int              // entry order of orders (order.index)
	agedOrders Totals           // Orders, Succeeded, Failed, SucceededFen, Notices* of what aged out
	agedPerPan map[string]int64 // pan -> fen of aged S orders

	wake chan struct{}
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

type merchant struct {
	id        string
	opened    bool
	terminals map[string]map[string]bool // terminal -> txnTypes
	tr3URL    string
}

type customer struct {
	merchant, id string
	bindings     []*binding
}

type binding struct {
	cust      *customer
	pan       string
	payToken  string
	bankID    string
	cardType  string
	active    bool
	suspended bool // a new sign-up for this card is pending (E-BILL99-RESIGN)
	phone     string
}

type signup struct {
	merchant, terminal, customer, extRef string
	pan, phone, token, code              string
	issued                               time.Time
	used                                 bool
	reqKey                               string
	replyMsg                             *bill99.Node // the 00 reply, read-only once stored
}

type order struct {
	merchant, terminal, customer, extRef string
	refNumber, payToken, pan             string
	amountFen                            int64
	amount                               string
	entryTime, transTime                 string
	entered                              time.Time
	status                               string // S F P
	code, text                           string
	finalStatus, finalCode               string
	settleAt                             time.Time
	authCode                             string
	reqKey                               string
	replyMsg                             *bill99.Node // the TR2 reply, read-only once stored
	tr3URL                               string
	bin                                  BIN
	counted                              bool // debited into the ledger
	index                                int  // entry order (orderSeq), so a batch of due orders settles in entry order
}

// New builds a simulator with the default fixture and a fresh PKI.
func New(opts sim.Options) (*Simulator, error) { return NewWithConfig(opts, Config{}) }

// NewWithConfig is New with an explicit PKI and TR3 HTTP client.
func NewWithConfig(opts sim.Options, cfg Config) (*Simulator, error) {
	fs, err := sim.NewFaultSet(faultList, opts.Faults)
	if err != nil {
		return nil, fmt.Errorf("bill99 simulator: %w", err)
	}
	kit := cfg.Kit
	if kit == nil {
		kit, err = testpki.NewKit(time.Now(), testpki.KitOptions{ClientCN: DefaultMerchant, SignerCN: "mgw"})
		if err != nil {
			return nil, fmt.Errorf("bill99 simulator: pki: %w", err)
		}
	}
	if kit.SignerKey() == nil {
		return nil, errors.New("bill99 simulator: the kit's signing key must be RSA (TR3 is RSA-SHA1)")
	}
	s := &Simulator{
		opts: opts, clock: opts.ClockOrSystem(), faults: fs, rec: &sim.Recorder{}, cat: bill99.Catalogue(), kit: kit,
		client:    cfg.HTTPClient,
		merchants: map[string]*merchant{}, bins: map[string]BIN{}, cards: map[string]*Card{},
		customers: map[string]*customer{}, tokens: map[string]*binding{}, signups: map[string]*signup{},
		orders: map[string]*order{}, byRef: map[string]*order{}, debited: map[string]int64{}, credited: map[string]int64{},
		seq: 100000, history: opts.HistoryOrDefault(), agedPerPan: map[string]int64{},
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: 5 * time.Second}
	}
	s.tlsConf = s.buildTLS()
	s.merchants[DefaultMerchant] = &merchant{id: DefaultMerchant, opened: true,
		terminals: map[string]map[string]bool{DefaultTerminal: {bill99.TxnPurchase: true}, "00002013": {bill99.TxnPurchase: true, bill99.TxnInstalment: true}}}
	s.merchants[ClosedMerchant] = &merchant{id: ClosedMerchant, opened: false, terminals: map[string]map[string]bool{"00002099": {bill99.TxnPurchase: true}}}
	for _, b := range defaultBINs() {
		s.bins[b.Prefix] = b
	}
	for _, c := range defaultCards() {
		s.AddCard(c)
	}
	for _, b := range defaultBindings() {
		if _, err := s.AddBinding(b); err != nil {
			return nil, fmt.Errorf("bill99 simulator: fixture: %w", err)
		}
	}
	var tooLarge func(*http.Request) sim.Violation // strict: a declared oversized body is recorded too
	if opts.Strict {
		tooLarge = func(r *http.Request) sim.Violation {
			f := catalog.Finding{Rule: "body-too-large", Detail: fmt.Sprintf("Content-Length %d over the 1 MiB a message may take", r.ContentLength),
				Section: s.sectionOf(r.URL.Path)}
			return sim.Violation{Time: s.clock.Now(), Interface: r.URL.Path, Rule: f.Rule, Detail: f.String()}
		}
	}
	s.handler = sim.HardenStrict(http.HandlerFunc(s.serve), s.rec, tooLarge)
	if cfg.NoNotifier {
		close(s.done)
	} else {
		go s.notifier()
	}
	return s, nil
}

// ServeHTTP serves the six endpoints.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Faults lists every fault (sim.Simulator).
func (s *Simulator) Faults() []sim.Fault { return Faults() }

// Violations returns what strict-mock mode recorded.
func (s *Simulator) Violations() []sim.Violation { return s.rec.Violations() }

// DroppedViolations counts the violations past sim.MaxViolations.
func (s *Simulator) DroppedViolations() int { return s.rec.Dropped() }

// History says how many orders are kept whole (queried, replayed on a
// resend, audited one by one) and how many aged out into the sums.
func (s *Simulator) History() sim.History {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sim.History{Limit: s.history, Kept: len(s.orderList), Aged: s.agedOrders.Orders}
}

// ageLocked ages the oldest orders past the history window, and the oldest
// finished notices past it (E-BILL99-HISTORY). A pending order stops the
// orders' ageing until it settles (3 minutes at most, E-BILL99-PENDING):
// its settlement must still find it. s.mu is held.
func (s *Simulator) ageLocked() {
	for len(s.orderList) > s.history {
		o := s.orderList[0]
		if o.status == bill99.TxnPending {
			break
		}
		s.orderList[0] = nil
		s.orderList = s.orderList[1:]
		if key := o.merchant + "/" + o.extRef; s.orders[key] == o {
			delete(s.orders, key)
		}
		if s.byRef[o.refNumber] == o {
			delete(s.byRef, o.refNumber)
		}
		s.agedOrders.Orders++
		switch o.status {
		case bill99.TxnSucceeded:
			s.agedOrders.Succeeded++
			s.agedOrders.SucceededFen += o.amountFen
			s.agedPerPan[o.pan] += o.amountFen
		case bill99.TxnFailed:
			s.agedOrders.Failed++
		}
	}
	for len(s.notices) > s.history {
		n := s.notices[0]
		if !n.acked && !n.gaveUp {
			break
		}
		s.notices[0] = nil
		s.notices = s.notices[1:]
		if n.acked {
			s.agedOrders.NoticesDelivered++
		}
		if n.gaveUp {
			s.agedOrders.NoticesGivenUp++
		}
	}
}

// TLSConfig is the server side of the mutual TLS (sim.TLSSimulator): the
// server certificate for 127.0.0.1/::1/localhost, client certificates
// required and verified against the kit's CA (validity included).
func (s *Simulator) TLSConfig() *tls.Config { return s.tlsConf.Clone() }

// Kit returns the PKI the simulator serves with (clients need Client and
// CA, merchants the Signer certificate as mgw.cer).
func (s *Simulator) Kit() *testpki.Kit { return s.kit }

// PlatformKey is the TR3 signing key.
func (s *Simulator) PlatformKey() *rsa.PrivateKey { return s.kit.SignerKey() }

// Close stops the background TR3 deliverer.
func (s *Simulator) Close() error {
	s.once.Do(func() { close(s.stop) })
	<-s.done
	return nil
}

func (s *Simulator) buildTLS() *tls.Config {
	c := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{s.kit.Server.TLS()},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    s.kit.CA.Pool(),
	}
	switch {
	case s.faults.Has(FaultNoClientCert):
		c.ClientAuth = tls.VerifyClientCertIfGiven
	case s.faults.Has(FaultForeignCA):
		// The broken server checks the dates but not who issued the certificate.
		c.ClientAuth = tls.RequireAnyClientCert
		c.ClientCAs = nil
		c.VerifyPeerCertificate = func(raw [][]byte, _ [][]*x509.Certificate) error {
			leaf, err := x509.ParseCertificate(raw[0])
			if err != nil {
				return err
			}
			if now := time.Now(); now.After(leaf.NotAfter) || now.Before(leaf.NotBefore) {
				return errors.New("client certificate expired")
			}
			return nil
		}
	case s.faults.Has(FaultExpiredCert):
		// The broken server verifies the chain at the certificate's own start time.
		c.ClientAuth = tls.RequireAnyClientCert
		pool := s.kit.CA.Pool()
		c.ClientCAs = pool
		c.VerifyPeerCertificate = func(raw [][]byte, _ [][]*x509.Certificate) error {
			leaf, err := x509.ParseCertificate(raw[0])
			if err != nil {
				return err
			}
			_, err = leaf.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: leaf.NotBefore.Add(time.Minute),
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
			return err
		}
	}
	return c
}

// AddCard adds (or replaces) the bank's record of a card.
func (s *Simulator) AddCard(c Card) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cc := c
	s.cards[c.Pan] = &cc
}

// AddBIN adds a BIN row.
func (s *Simulator) AddBIN(b BIN) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bins[b.Prefix] = b
}

// AddBinding binds a card to a customer directly (seeding for load runs).
// An empty PayToken is generated. It returns the payToken.
func (s *Simulator) AddBinding(b Binding) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	bin, ok := s.binOf(b.Pan)
	if !ok {
		return "", fmt.Errorf("card %s: no BIN row", b.Pan)
	}
	if _, ok := s.merchants[b.MerchantID]; !ok {
		return "", fmt.Errorf("unknown merchant %s", b.MerchantID)
	}
	if b.PayToken == "" {
		b.PayToken = s.newPayToken()
	}
	if _, dup := s.tokens[b.PayToken]; dup {
		return "", fmt.Errorf("payToken %s already used", b.PayToken)
	}
	phone := ""
	if c := s.cards[b.Pan]; c != nil {
		phone = c.Phone
	}
	cu := s.customer(b.MerchantID, b.CustomerID)
	bd := &binding{cust: cu, pan: b.Pan, payToken: b.PayToken, bankID: bin.BankID, cardType: bin.CardType, active: true, phone: phone}
	cu.bindings = append(cu.bindings, bd)
	s.tokens[b.PayToken] = bd
	return b.PayToken, nil
}

// SeedBindings creates n customers ("load-000001"...) of merchant, each with
// one approving card of the given BIN prefix (default 621700) and a large
// limit, and returns their bindings: what a long load run purchases with.
func (s *Simulator) SeedBindings(merchantID string, n int) ([]Binding, error) {
	out := make([]Binding, 0, n)
	for i := 0; i < n; i++ {
		pan := fmt.Sprintf("621700%013d", 9_000_000_000_000+int64(i))
		s.AddCard(Card{Pan: pan, Phone: fmt.Sprintf("139%08d", i), Name: "压测", ID: "110101199001010000", Behaviour: Approve, LimitFen: 1 << 50})
		b := Binding{MerchantID: merchantID, CustomerID: fmt.Sprintf("load-%06d", i), Pan: pan}
		tok, err := s.AddBinding(b)
		if err != nil {
			return nil, err
		}
		b.PayToken = tok
		out = append(out, b)
	}
	return out, nil
}

// SetMerchantTR3URL configures a merchant's default notice address (used
// when a purchase carries no tr3Url).
func (s *Simulator) SetMerchantTR3URL(merchantID, url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.merchants[merchantID]; m != nil {
		m.tr3URL = url
	}
}

// SMS is one verification code the simulated bank "sent".
type SMS struct {
	MerchantID, ExternalRefNumber, Phone, Code, Token string
	At                                                time.Time
}

// SMSCode returns the code sent for a sign-up (the suite's stand-in for
// reading the phone).
func (s *Simulator) SMSCode(merchantID, externalRefNumber string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	su := s.signups[merchantID+"/"+externalRefNumber]
	if su == nil {
		return "", false
	}
	return su.code, true
}

// BackdateOrder moves an order's entry time into the past (half-year
// window tests). It reports whether the order exists.
func (s *Simulator) BackdateOrder(merchantID, externalRefNumber string, d time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[merchantID+"/"+externalRefNumber]
	if o == nil {
		return false
	}
	o.entered = o.entered.Add(-d)
	o.entryTime = o.entered.In(cst).Format(layout)
	return true
}

// OrderStatus returns an order's txnStatus ("" when absent).
func (s *Simulator) OrderStatus(merchantID, externalRefNumber string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleDueLocked()
	if o := s.orders[merchantID+"/"+externalRefNumber]; o != nil {
		return o.status
	}
	return ""
}

// Totals is the ledger summary the load runner checks.
type Totals struct {
	Orders, Succeeded, Failed, Pending int
	SucceededFen                       int64 // sum of S orders
	DebitedFen, CreditedFen            int64 // bank and merchant side of the ledger
	NoticesDelivered, NoticesGivenUp   int
}

// Totals summarises the ledger.
func (s *Simulator) Totals() Totals {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleDueLocked()
	t := s.agedOrders
	for _, o := range s.orderList {
		t.Orders++
		switch o.status {
		case bill99.TxnSucceeded:
			t.Succeeded++
			t.SucceededFen += o.amountFen
		case bill99.TxnFailed:
			t.Failed++
		case bill99.TxnPending:
			t.Pending++
		}
	}
	for _, v := range s.debited {
		t.DebitedFen += v
	}
	for _, v := range s.credited {
		t.CreditedFen += v
	}
	for _, n := range s.notices {
		if n.acked {
			t.NoticesDelivered++
		}
		if n.gaveUp {
			t.NoticesGivenUp++
		}
	}
	return t
}

// Audit re-checks the ledger invariants over the whole state: each S order
// debited exactly once, debits = credits = sum of S orders, one order per
// (merchant, externalRefNumber) and per refNumber, no pending order past its
// settlement time, at most 11 TR3 attempts per notice.
func (s *Simulator) Audit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleDueLocked()
	var errs []string
	sumS := s.agedOrders.SucceededFen
	seenRef := map[string]bool{}
	seenKey := map[string]bool{}
	perPan := map[string]int64{}
	for pan, fen := range s.agedPerPan {
		perPan[pan] = fen
	}
	for _, o := range s.orderList {
		key := o.merchant + "/" + o.extRef
		if seenKey[key] {
			errs = append(errs, "two orders for "+key)
		}
		seenKey[key] = true
		if o.refNumber != "" {
			if seenRef[o.refNumber] {
				errs = append(errs, "refNumber "+o.refNumber+" used twice")
			}
			seenRef[o.refNumber] = true
		}
		if o.status == bill99.TxnSucceeded {
			sumS += o.amountFen
			perPan[o.pan] += o.amountFen
			if !o.counted {
				errs = append(errs, "order "+o.refNumber+" is S but was never debited")
			}
		} else if o.counted {
			errs = append(errs, "order "+o.refNumber+" debited but status "+o.status)
		}
		if o.status == bill99.TxnPending && !s.faults.Has(FaultNeverSettles) && !s.clock.Now().Before(o.settleAt) {
			errs = append(errs, "order "+o.refNumber+" still pending after its settlement time")
		}
	}
	var deb, cred int64
	for pan, v := range s.debited {
		deb += v
		if perPan[pan] != v {
			errs = append(errs, fmt.Sprintf("card %s debited %d fen, its S orders sum to %d", bill99.StorablePan(pan), v, perPan[pan]))
		}
	}
	for _, v := range s.credited {
		cred += v
	}
	if deb != sumS || cred != sumS {
		errs = append(errs, fmt.Sprintf("ledger: S orders %d fen, debited %d, credited %d", sumS, deb, cred))
	}
	for _, n := range s.notices {
		if n.attempts > bill99.TR3Deliveries {
			errs = append(errs, fmt.Sprintf("TR3 for %s sent %d times (max %d)", n.ref, n.attempts, bill99.TR3Deliveries))
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return fmt.Errorf("bill99 audit: %s", strings.Join(errs, "; "))
	}
	return nil
}

// ---- helpers (s.mu held) ----

func (s *Simulator) customer(m, id string) *customer {
	k := m + "/" + id
	c := s.customers[k]
	if c == nil {
		c = &customer{merchant: m, id: id}
		s.customers[k] = c
	}
	return c
}

func (s *Simulator) binOf(pan string) (BIN, bool) {
	if len(pan) < 6 {
		return BIN{}, false
	}
	b, ok := s.bins[pan[:6]]
	return b, ok
}

func (s *Simulator) next() int64 { s.seq++; return s.seq }

func (s *Simulator) newPayToken() string {
	return fmt.Sprintf("812%016d", 9_000_000_000_000_000+s.next())
}

func (s *Simulator) newRefNumber() string { return fmt.Sprintf("%012d", 10_000_000_000+s.next()) }

func (s *Simulator) newToken() string { return strconv.FormatInt(1_300_000+s.next()%8_700_000, 10) }

// randomDigits returns n (at most 19) random decimal digits: SMS and
// authorisation codes.
func randomDigits(n int) string {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24)
	mod := uint64(1)
	for range n {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", n, binary.BigEndian.Uint64(b[:])%mod)
}

func (s *Simulator) storable(pan string) string {
	if s.faults.Has(FaultStorableLast6) && len(pan) >= 10 {
		return pan[:4] + pan[len(pan)-6:]
	}
	return bill99.StorablePan(pan)
}

func (s *Simulator) logf(format string, a ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, a...)
	}
}

var cst = time.FixedZone("CST", 8*3600)

const layout = "20060102150405"

func (s *Simulator) nowStamp() string { return s.clock.Now().In(cst).Format(layout) }

// parseFen reads an amount in yuan with at most two decimals.
func parseFen(a string) (int64, error) {
	whole, frac, _ := strings.Cut(a, ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 || w > 1e12 {
		return 0, fmt.Errorf("amount %q", a)
	}
	f := int64(0)
	if frac != "" {
		if len(frac) == 1 {
			frac += "0"
		}
		f, err = strconv.ParseInt(frac, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("amount %q", a)
		}
	}
	return w*100 + f, nil
}

// DeliverDue delivers every TR3 whose time has come on the simulator clock
// and returns how many attempts it made. Tests with a manual clock call it
// after Advance; the background deliverer calls it too.
func (s *Simulator) DeliverDue(ctx context.Context) int { return s.deliverDue(ctx) }

// PKI file names, as the 99bill sandbox kit names them (§5.1).
const (
	ClientPFXName = "10411004511201290.pfx"
	SignerName    = "mgw"
)

// DefaultPFXPassword protects the .pfx bundles of a test PKI unless told
// otherwise: one default for paycert sim bill99, paycert bill99 pki, the
// config --write-config writes and the suite's pki_dir param.
const DefaultPFXPassword = "changeit"

// WritePKI writes the simulator's PKI into dir so a client in another
// process can connect (client .pfx, CA and its key, mgw.cer...).
func (s *Simulator) WritePKI(dir, password string) (testpki.KitFiles, error) {
	return s.kit.WriteFiles(dir, ClientPFXName, SignerName, password)
}

// UsePKIDir makes dir the simulator's PKI home before it serves: when dir
// holds a kit (an earlier run, or paycert bill99 pki) the simulator serves
// with it, so clients keep the .pfx and CA they were given across
// restarts; otherwise it writes its own kit there. ca-key.pem is kept with
// it, so a lab can issue its own client certificates. reused says which;
// an empty password is DefaultPFXPassword, returned as usedPassword.
// It must be called before the simulator is served.
func (s *Simulator) UsePKIDir(dir, password string) (files testpki.KitFiles, usedPassword string, reused bool, err error) {
	if password == "" {
		password = DefaultPFXPassword
	}
	if _, err := os.Stat(filepath.Join(dir, ClientPFXName)); err == nil {
		kit, err := testpki.LoadKit(dir, ClientPFXName, SignerName, password)
		if err != nil {
			return files, password, false, fmt.Errorf("bill99 simulator: the kit in %s: %w", dir, err)
		}
		if kit.SignerKey() == nil {
			return files, password, false, fmt.Errorf("bill99 simulator: the kit in %s: the signing key must be RSA (TR3 is RSA-SHA1)", dir)
		}
		s.mu.Lock()
		s.kit = kit
		s.tlsConf = s.buildTLS()
		s.mu.Unlock()
		reused = true
	}
	files, err = s.kit.WriteFiles(dir, ClientPFXName, SignerName, password)
	return files, password, reused, err
}

// ClientTLS is the merchant side of the mutual TLS for this simulator: the
// kit's valid client certificate and its CA as the only trusted root (what a
// load generator or an in-process client needs).
func (s *Simulator) ClientTLS() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{s.kit.Client.TLS()}, RootCAs: s.kit.CA.Pool()}
}

// The simulator is served over mutual TLS.
var _ sim.TLSSimulator = (*Simulator)(nil)

// It records refused handshakes in strict mode.
var _ sim.HandshakeObserver = (*Simulator)(nil)

// HandshakeFailed records, in strict mode, a TLS handshake the server
// refused because of the client's certificate (sim.HandshakeObserver:
// sim.Start wires it to the server): none given, issued by another CA,
// expired or otherwise unverifiable (§4.8 双向认证; §6.1: an expired
// gateway certificate fails every request). The refusal itself is the
// standard library's, alert and all; other handshake failures (a client
// that hung up, one that does not trust the server) are not the client's
// breach of the spec and are not recorded.
func (s *Simulator) HandshakeFailed(remote net.Addr, err error) {
	f, ok := handshakeFinding(err)
	if !ok {
		return
	}
	addr := "?"
	if remote != nil {
		addr = remote.String()
	}
	f.Detail = "client " + addr + ": " + f.Detail
	s.violate("tls", f, "", "")
}

// handshakeFinding classifies a server-side handshake error.
func handshakeFinding(err error) (catalog.Finding, bool) {
	const path = "tls/client-certificate"
	var cve *tls.CertificateVerificationError
	switch {
	case err == nil:
		return catalog.Finding{}, false
	case errors.As(err, &cve):
		subject := "?"
		if len(cve.UnverifiedCertificates) > 0 {
			subject = cve.UnverifiedCertificates[0].Subject.CommonName
		}
		var ua x509.UnknownAuthorityError
		var ci x509.CertificateInvalidError
		switch {
		case errors.As(cve.Err, &ua):
			return catalog.Finding{Path: path, Rule: "tls-unknown-ca", Section: "001 §4.8",
				Detail: "certificate " + subject + " is not issued by the platform's CA: " + cve.Err.Error()}, true
		case errors.As(cve.Err, &ci) && ci.Reason == x509.Expired:
			return catalog.Finding{Path: path, Rule: "tls-expired-cert", Section: "001 §6.1",
				Detail: "certificate " + subject + " is expired or not yet valid: " + cve.Err.Error()}, true
		default:
			return catalog.Finding{Path: path, Rule: "tls-bad-cert", Section: "001 §4.8",
				Detail: "certificate " + subject + " refused: " + cve.Err.Error()}, true
		}
	case strings.Contains(err.Error(), "didn't provide a certificate"):
		// crypto/tls has no error type for this; its text is stable.
		return catalog.Finding{Path: path, Rule: "tls-no-client-cert", Section: "001 §4.8",
			Detail: "no client certificate (HTTPS 双向认证 needs the merchant's gateway certificate): " + err.Error()}, true
	}
	return catalog.Finding{}, false
}
