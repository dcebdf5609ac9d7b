// Package kakatongsuite is the conformance suite of the Kakatong card gateway
// (seed 000): every REST method and SOAP 1.2 operation on its happy path,
// one Entry per trade type/mode row, one Entry per result code (the
// unprovokable ones skipped with the catalogue's reason), the business
// flows, REST/SOAP parity and a negative matrix.
//
// Against a real endpoint (PAYCERT_TARGET_KAKATONG=URL or --target) the
// suite reads these Target.Params (defaults: the seed's test accounts):
//
//	licence_key  LICENSEKEY             (NV41VDlSNldhFTFeYw0z)
//	copno        COPNO                  (1155)
//	poscode      POSCODE                (11552001)
//	password     the cards' password    (111111)
//	cards        comma-separated active cards to trade on (1680115500000126..133)
//
// Specs that need the simulator's fixture (cards in given states, other
// merchants, the clock, fault-free state inspection) are labelled sim-only
// and skipped with the reason against a real endpoint.
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
// catalogue, and for the embedded simulator the simulator itself and its
// manual clock.
type env struct {
	cat   *catalog.Catalogue
	url   string
	sim   *kakatongsim.Simulator
	clock *sim.ManualClock

	key, copno, pos, pwd string
	cards                []string

	next   atomic.Int64 // fresh card numbers and unique amounts
	cardRR atomic.Int64
	base   int64 // amount base, distinct per run against a real endpoint
}

// epoch is the embedded simulator's start time: a Monday morning in China.
var epoch = time.Date(2026, 1, 5, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func start(t conformance.Target) (*env, func() error, error) {
	e := &env{cat: kakatong.Catalogue(),
		key:   t.Param("licence_key", kakatongsim.LicenceKey),
		copno: t.Param("copno", kakatongsim.CopNo),
		pos:   t.Param("poscode", kakatongsim.PosCode),
		pwd:   t.Param("password", kakatongsim.Password),
		base:  100,
	}
	for _, c := range strings.Split(t.Param("cards", ""), ",") {
		if c = strings.TrimSpace(c); c != "" {
			e.cards = append(e.cards, c)
		}
	}
	if len(e.cards) == 0 {
		for i := 126; i <= 133; i++ {
			e.cards = append(e.cards, fmt.Sprintf("1680115500000%d", i))
		}
	}
	if !t.Embedded() {
		e.url = t.URL
		// Amounts of an earlier run within 24 h would be duplicates (12).
		e.base = 100 + time.Now().Unix()%86400*10
		return e, func() error { return nil }, nil
	}
	e.clock = sim.NewManualClock(epoch)
	s, err := kakatongsim.New(sim.Options{Clock: e.clock, Faults: t.Faults, Strict: t.Strict})
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

// amount returns a fen amount no other request of this run uses.
func (e *env) amount() string { return strconv.FormatInt(e.base+e.next.Add(1), 10) }

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

// idnum returns a mobile number no other request of this run binds.
func (e *env) idnum() string { return fmt.Sprintf("139%08d", (e.base+e.next.Add(1))%100_000_000) }

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
func (e *env) expectReply(r *kakatong.Reply, x kakatong.Expect) {
	Expect(r).NotTo(BeNil(), "a reply must be decoded")
	Expect(catalog.FindingsError(kakatong.CheckReply(e.cat, x, r))).To(Succeed())
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
		AfterEach(func() {
			e := started.Load()
			if e == nil || e.sim == nil {
				return
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
	})
	return f.Close
}
