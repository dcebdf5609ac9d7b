// Package kakatongsuite is the conformance suite of the Kakatong card gateway
// (seed 000): every REST method and SOAP 1.2 operation on its happy path,
// one Entry per trade type/mode row, one Entry per result code (the
// unprovokable ones skipped with the catalogue's reason), the business
// flows, REST/SOAP parity and a negative matrix.
//
// Against a real endpoint (PAYCERT_TARGET_KAKATONG=URL or --target) the
// suite reads the Target.Params params.go documents: the merchant, its
// licence key, the cards to trade on (defaults: the seed's test accounts),
// and the fixture states the code specs provoke codes with (cards lost,
// frozen, not yet active..., other merchants, capped terminals); a spec
// whose param is missing is skipped naming it. Before the first spec the
// suite reads each card's balance and stream: amounts are chosen clear of
// every amount the streams list (the duplicate rule spans runs), and
// nothing depends on the time of day. Purchases are undone, binds unbound
// and passwords reset after each spec, so a second run finds the cards as
// the first did.
//
// Generated negatives (generated.go) break every request parameter of
// every method and operation one way at a time, from the catalogue
// (conformance/negatives), and hold the answer to the code the seed names;
// in process the embedded simulator is always strict, and each must be
// recorded as one violation naming the parameter, while a spec of valid
// requests must leave it nothing to record.
//
// The daily limits (58, 67, 68) read today's use from the stream and
// expect exactly what is left to pass (daily.go); the REST/SOAP parity
// specs read both cards' balance and points and compare what each reply
// moved. Specs that need the embedded simulator itself (its clock, closing
// its gateway, its fixture's service codes, strict mode) are labelled
// sim-only and skipped with the reason there.
//
// The suite is written on conformance.Framework: the framework starts the
// environment lazily, audits the simulator's ledger and looks for simulator
// panics after every spec, builds the code table from the provokers, and
// hands every spec its context, which each call of the target receives (a
// spec timeout or Ctrl-C cancels the call in flight). Kakatong adds one
// check after each spec: card balances equal seed - purchases + recharges.
package kakatongsuite

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/conformance"
	"paycert/platforms/catalog"
	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongclient"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

// Suite returns the Kakatong suite.
func Suite() conformance.Suite {
	return conformance.Suite{Platform: "kakatong", Register: register}
}

// framework is the suite's conformance framework: specs reach the
// environment with f.Env() and give f.Ctx() (or their SpecContext) to every
// call of the target.
type framework = conformance.Framework[*env]

// env is what the specs share: the target's URL and accounts, the
// catalogue, the fixture states the specs provoke codes with, and for the
// embedded simulator the simulator itself and its manual clock.
type env struct {
	cat   *catalog.Catalogue
	url   string
	sim   *kakatongsim.Simulator
	clock *sim.ManualClock

	key, copno, pos, pwd string
	cards                []string
	fx                   fixture

	next   atomic.Int64 // fresh card numbers and binding numbers
	cardRR atomic.Int64

	mu       sync.Mutex
	amt      int64          // the last amount handed out
	used     map[int64]bool // amounts the target's streams list: the duplicate rule's 24 h spans runs
	inactIdx int            // first entry of fx.inactive not known to be activated
	reading  string         // the REST reply shape a target uses: "record" or "root"
	warned   map[string]bool
}

// epoch is the embedded simulator's start time: a Monday morning in China.
var epoch = time.Date(2026, 1, 5, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// minBalance is what a configured card must hold to be traded on: the
// specs' amounts stay far below it.
const minBalance = 10_000

func start(t conformance.Target) (*env, func() error, error) {
	e := &env{cat: kakatong.Catalogue(),
		key:   t.Param("licence_key", kakatongsim.LicenceKey),
		copno: t.Param("copno", kakatongsim.CopNo),
		pos:   t.Param("poscode", kakatongsim.PosCode),
		pwd:   t.Param("password", kakatongsim.Password),
		amt:   99,
	}
	e.cards = list(t.Param("cards", ""))
	if len(e.cards) == 0 {
		for i := 126; i <= 133; i++ {
			e.cards = append(e.cards, fmt.Sprintf("1680115500000%d", i))
		}
	}
	fx, err := fixtureOf(t)
	if err != nil {
		return nil, nil, err
	}
	e.fx = fx
	if !t.Embedded() {
		e.url = t.URL
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := e.survey(ctx); err != nil {
			return nil, nil, err
		}
		return e, func() error { return nil }, nil
	}
	e.clock = sim.NewManualClock(epoch)
	// Always strict: strict mode only records what a request breaks and
	// never changes an answer, and the generated negatives read what it
	// recorded for each bad request (conformance.ExpectRecorded).
	s, err := kakatongsim.New(sim.Options{Clock: e.clock, Faults: t.Faults, Strict: true})
	if err != nil {
		return nil, nil, err
	}
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		return nil, nil, err
	}
	e.sim, e.url = s, srv.URL
	return e, srv.Close, nil
}

// survey reads, before any spec trades on a target, the state the specs
// depend on: each configured card's balance (a card below minBalance is
// not traded on) and the amounts the streams list, which the duplicate
// rule (same card, terminal, trade and amount within 24 h: 12) forbids
// this run to reuse. A stream lists one merchant's trades, so the cards are
// read at every merchant the specs trade them at. Nothing is derived from
// the time of day.
func (e *env) survey(ctx context.Context) error {
	own := merchantRef{e.key, e.copno, e.pos}
	e.used = map[int64]bool{}
	var rich []string
	for _, card := range e.cards {
		bal, err := e.read(ctx, own, card, true)
		if err != nil {
			return err
		}
		if bal >= minBalance {
			rich = append(rich, card)
		}
		if e.fx.other != (merchantRef{}) {
			if _, err := e.read(ctx, e.fx.other, card, false); err != nil {
				return err
			}
		}
	}
	if e.fx.testMode != (merchantRef{}) && e.fx.testCard != "" {
		if _, err := e.read(ctx, e.fx.testMode, e.fx.testCard, false); err != nil {
			return err
		}
	}
	if len(rich) == 0 {
		return fmt.Errorf("kakatong: none of the %d configured cards holds %s yuan or more: give cards with money in the target param cards", len(e.cards), kakatong.FormatYuan(minBalance))
	}
	e.cards = rich
	return nil
}

// read adds the amounts card's stream at merchant m lists to e.used and,
// with balance, returns the card's balance.
func (e *env) read(ctx context.Context, m merchantRef, card string, balance bool) (int64, error) {
	c, err := kakatongclient.New(kakatongclient.Config{URL: e.url, LicenceKey: m.key, CopNo: m.copno, PosCode: m.pos})
	if err != nil {
		return 0, fmt.Errorf("kakatong: survey: %w", err)
	}
	st, err := c.ReadCard(ctx, card, e.pwd, balance)
	if err != nil {
		return 0, fmt.Errorf("kakatong: survey: at merchant %s: %w", m.copno, err)
	}
	for n := range st.Used {
		e.used[n] = true
	}
	return st.Balance, nil
}

// list splits a comma-separated param.
func list(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Simulator is the embedded simulator, or nil (a nil interface, not a
// typed nil pointer) against a real endpoint.
func (e *env) Simulator() sim.Simulator { return e.sim } // nil *Simulator: a target (the framework knows)

// client returns a client for the env's merchant; mod adjusts the config.
func (e *env) client(mod ...func(*kakatongclient.Config)) *kakatongclient.Client {
	cfg := kakatongclient.Config{URL: e.url, LicenceKey: e.key, CopNo: e.copno, PosCode: e.pos, Observe: conformance.Transcript()}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := kakatongclient.New(cfg)
	Expect(err).NotTo(HaveOccurred())
	return c
}

func lang(l string) func(*kakatongclient.Config) {
	return func(c *kakatongclient.Config) { c.Lang = l }
}

func merchantOf(key, copno, pos string) func(*kakatongclient.Config) {
	return func(c *kakatongclient.Config) { c.LicenceKey, c.CopNo, c.PosCode = key, copno, pos }
}

// amount returns a fen amount no other request of this run uses and,
// against a target, none its cards' streams listed when the run began.
func (e *env) amount() string { return strconv.FormatInt(e.amountN(), 10) }

func (e *env) amountN() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	for {
		e.amt++
		if !e.used[e.amt] {
			return e.amt
		}
	}
}

// card returns an active card with 1000.00 yuan and 1000 points: a fresh
// one in the simulator, else the next of the configured cards.
func (e *env) card(mod ...func(*kakatongsim.CardSpec)) string {
	if e.sim == nil {
		return e.cards[int(e.cardRR.Add(1))%len(e.cards)]
	}
	spec := kakatongsim.CardSpec{No: fmt.Sprintf("16801155%08d", 50_000_000+e.next.Add(1)), Issuer: kakatongsim.CopNo,
		Password: kakatongsim.Password, Balance: 100_000, Points: 1_000, SingleLimit: kakatongsim.SingleLimit}
	for _, m := range mod {
		m(&spec)
	}
	Expect(e.sim.AddCard(spec)).To(Succeed())
	return spec.No
}

func inactive(c *kakatongsim.CardSpec) { c.State, c.Balance, c.Points = kakatongsim.Inactive, 0, 0 }

// idnum returns a mobile number no other request of this run binds (every
// bind of a spec is undone, so a later run may bind it again).
func (e *env) idnum() string { return fmt.Sprintf("139%08d", e.next.Add(1)%100_000_000) }

// balance reads a card's balance and points with queries 0011/0 and 0011/1.
func (e *env) balance(ctx context.Context, c *kakatongclient.Client, card string) (int64, int64) {
	r, err := c.Trade(ctx, kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: e.pwd})
	Expect(err).NotTo(HaveOccurred(), "balance query 0011/0")
	bal, err := strconv.ParseInt(r.First().V("Integral"), 10, 64)
	Expect(err).NotTo(HaveOccurred(), "0011/0 Integral must be fen digits")
	r, err = c.Trade(ctx, kakatongclient.Trade{Type: "0011", Mode: "1", CardNo: card, Password: e.pwd})
	Expect(err).NotTo(HaveOccurred(), "points query 0011/1")
	pts, err := strconv.ParseInt(r.First().V("Points"), 10, 64)
	Expect(err).NotTo(HaveOccurred(), "0011/1 Points must be digits")
	return bal, pts
}

// expectReply runs CheckReply and fails the spec with every finding.
//
// Seed 000 contradicts itself on a REST reply's shape: the interface
// sections wrap the fields in <Record>, the sample section and the sample
// PHP ($xml->PayInResult) read them at the root of <TradeResult>
// (E-KAKATONG-RECORD-WRAPPER). The embedded simulator serves <Record> and
// is held to it; a target may use either reading but only one: the first
// reply fixes it, a later reply in the other shape fails, and the reading
// spec reports which one the endpoint uses. An element the catalogue does
// not know beside the <Record> elements is a warning, reported once.
func (e *env) expectReply(r *kakatong.Reply, x kakatong.Expect) {
	Expect(r).NotTo(BeNil(), "a reply must be decoded")
	if e.sim == nil && !x.SOAP && len(r.Records) > 0 && (r.Method != kakatong.MethodStream || len(r.Records) == 1) {
		x.AllowUnwrapped = true
		reading := readingOf(r)
		e.mu.Lock()
		if e.reading == "" {
			e.reading = reading
		}
		first := e.reading
		e.mu.Unlock()
		Expect(reading).To(Equal(first), "the endpoint answered in the %s reading before: one endpoint must use one reading of <TradeResult> (E-KAKATONG-RECORD-WRAPPER)", first)
	}
	for _, w := range e.warnings(r) {
		conformance.Note("%s", w)
	}
	Expect(catalog.FindingsError(kakatong.CheckReply(e.cat, x, r))).To(Succeed())
}

// readingOf names a REST reply's shape: "record" or "root".
func readingOf(r *kakatong.Reply) string {
	if r.Wrapped {
		return kakatongsim.ProfileRecord
	}
	return kakatongsim.ProfileRoot
}

// warnings returns a warning for each unknown element beside <Record> in
// r that no earlier reply of the run carried (the element path, the
// interface and one example), so each is reported once, not per spec.
func (e *env) warnings(r *kakatong.Reply) []string {
	var out []string
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, x := range r.Extra {
		path, example, _ := strings.Cut(x, "=")
		if e.warned[path] {
			continue
		}
		if e.warned == nil {
			e.warned = map[string]bool{}
		}
		e.warned[path] = true
		out = append(out, fmt.Sprintf("warning: %s: element not in the catalogue, beside <Record> in a %s reply; example %q", path, r.Method, example))
	}
	return out
}

func rowOf(typ, mode string) *kakatong.Row {
	r, ok, _ := kakatong.RowFor(typ, mode)
	Expect(ok).To(BeTrue(), "row %s/%s must be in the catalogue", typ, mode)
	return &r
}

// must returns the reply of a call whose code the spec checks itself:
// only transport and protocol errors fail here.
func must(r *kakatong.Reply, err error) *kakatong.Reply {
	if err != nil && wire.Code(err) == "" {
		Fail("call failed before a result code: " + err.Error())
	}
	return r
}

// validRequests reports whether a spec's labels say it sends only valid
// requests: not a negative, generated, errata or code-provoking spec.
func validRequests(labels []string) bool {
	for _, l := range labels {
		if l == "negative" || l == "generated" || l == "errata" || strings.HasPrefix(l, "code:") {
			return false
		}
	}
	return true
}

func register(t conformance.Target) func() {
	// started is the environment once a spec started it: the totals check
	// after each spec must not start one for a spec that needed none.
	var started atomic.Pointer[env]
	f := conformance.NewFramework(t, kakatong.Catalogue(), func(t conformance.Target) (*env, func() error, error) {
		e, stop, err := start(t)
		if err == nil {
			started.Store(e)
		}
		return e, stop, err
	})
	f.Describe("Kakatong card gateway (seed 000)", func() {
		// The framework audits the ledger and looks for simulator panics
		// after every spec; Kakatong adds the money totals.
		var recorded int // violations the embedded simulator held before the spec
		BeforeEach(func() {
			if e := started.Load(); e != nil && e.sim != nil {
				recorded = len(e.sim.Violations())
			}
		})
		AfterEach(func() {
			e := started.Load()
			if e == nil || e.sim == nil {
				return
			}
			// A spec of valid requests (no bad input by design: not
			// negative, generated, errata or a code provoker) must leave
			// the always-strict simulator nothing to record: the paycert
			// client conforms.
			if vs := e.sim.Violations(); validRequests(CurrentSpecReport().Labels()) && len(vs) > recorded {
				v := vs[recorded]
				Fail(fmt.Sprintf("a spec of valid requests made the strict simulator record %d violations, first %s %s %s: %s", len(vs)-recorded, v.Interface, v.Path, v.Rule, v.Detail))
			}
			tot := e.sim.Totals()
			Expect(tot.Balances).To(Equal(tot.Seeded-tot.Consumed+tot.Recharged), "card balances must equal seed - purchases + recharges")
		})
		catalogueSpecs(f)
		happySpecs(f)
		rowSpecs(f)
		codeSpecs(f)
		flowSpecs(f)
		paritySpecs(f)
		negativeSpecs(f)
		wsdlSpecs(f)
		strictSpecs(f)
		generatedSpecs(f)
	})
	return f.Close
}
