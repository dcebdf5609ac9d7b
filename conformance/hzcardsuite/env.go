// Package hzcardsuite is the conformance suite for the Huzhou transit-card
// recharge platform (seed 003): every interface on its happy path with every
// reply field and both signatures checked, the whole charge flow through a
// software CPU card with balances checked on the card (and, in process, in
// the centre's ledger), a tear at each step of the flow ending with card and
// centre agreeing, the same tears at a reader in front of a real card, one
// Entry per result code of appendix D (provoked, or skipped with the
// catalogue's reason), negatives (bad signature, another sign-domain
// profile, malformed JSON, wrong APDU count, forged MAC1, replayed confirm,
// amount over the limit, oversized body) and the seed's SM2 vector
// (erratum E-HZ-SM2-VECTOR).
//
// Target params (conformance.Target.Params; values may be secrets and are
// never printed):
//
//	joininstid, instid, mchntid, termid, chnlid   envelope identities (default: the simulator fixture's)
//	inst_key     the joining institution's SM2 private key, hex or PEM (default hzcard.TestInstKeyHex)
//	centre_pub   the centre's SM2 public key, hex or PEM (default hzcard.TestCentrePubHex)
//	sign_profile the sign domain both sides sign (codecs/signdomain; default sign-empty, seed 003 §2.2's
//	             literal reading); another profile only applies to a real endpoint, the simulator signs
//	             with the default
//
//	master_keys  the issuer master keys MLK,MPK,MTK,MAMK the centre diversifies card keys from (cpucard.DeriveKeys)
//	key_index, key_version  the load/purchase key index and version the cards carry (default 01, 01)
//	cards        ranges first-last[,first-last] of ordinary, sold, normal cards with balance 0 the centre knows
//	unsold_cards the same for ordinary cards not yet activated (initflag 00)
//	student_card, senior_card, unsold_senior_card, blacklisted_card, lost_card, locked_card, unknown_card
//	             one card number each, for the codes those cards provoke
//	merchant_no_quota/term_no_quota, merchant_no_fee/term_no_fee, merchant_low_quota/term_low_quota,
//	term_other_merchant   the merchants and terminals the merchant codes need
//	reader       a PC/SC reader holding a real card of the centre's test environment: the reader
//	             specs (recharge, command and reply lost at the reader, management) run on it
//
// Specs that need a card whose keys the centre holds (every flow, most
// codes) create cards in the embedded simulator with AddCard and run them
// as software cards, whose balance the simulator's ledger must match after
// every spec (Audit): an extra check in process. Against a target they
// build software cards from master_keys for the numbers in cards and
// unsold_cards, taking the next fresh one (the centre says it is normal,
// with the expected initflag, and lists no charge order for it: a card an
// earlier run charged, returned or activated is passed over), and load a
// balance a spec needs through the centre; every tear is the software
// card's. paycert sim hzcard --write-config writes these params for the
// simulator's lab batch.
package hzcardsuite

import (
	"context"
	"crypto/rand"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Skip reads best unqualified

	"paycert/codecs/signdomain"
	"paycert/codecs/sm2"
	"paycert/conformance"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/pcsc/lab"
	"paycert/platforms/pcsc/reader"
	"paycert/platforms/sim"
)

//go:embed testdata/seed003_vector.json
var seed003Vector []byte

type env struct {
	target    conformance.Target
	sim       *hzcardsim.Simulator // nil against a real endpoint
	url       string
	instKey   *sm2.PrivateKey
	centrePub *sm2.PublicKey
	cfg       hzcardclient.Config

	fx   fixture
	lab  labCards // target: how to build the centre's cards
	zone *time.Location

	mu         sync.Mutex
	reader     *lab.Lab     // the reader param's PC/SC context, connected on first use
	readerConn *reader.Card // the card in it
	cards      int          // fresh card numbers handed out
	pays       int          // payment order numbers
	run        string

	gen bases // the generated negatives' valid requests, per interface
}

// fixture names the cards, merchants and terminals the code specs need:
// the embedded simulator's, or the target's from params ("" unknown).
type fixture struct {
	queryCard                                                                          string // a card the centre knows, for queries
	student, senior, unsoldSenior, blacklisted, lost, locked, unknown                  string
	mchNoQuota, termNoQuota, mchNoFee, termNoFee, mchLowQuota, termLowQuota, termOther string
}

// need skips the running spec when a fixture entry is unknown for the
// target, naming the param that would unlock it.
func need(v, param string) string {
	if v == "" {
		Skip("needs target param " + param + " (see paycert certify --help and conformance/README.md)")
	}
	return v
}

// defaultClock is where the embedded centre's clock starts: 2026-05-01
// 18:00 in Asia/Shanghai. No spec depends on it (TestTimeOfDay).
func defaultClock() time.Time { return time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC) }

// startAt is start with the embedded simulator's clock given (the
// time-of-day test starts it at several instants).
func startAt(t conformance.Target, clock *sim.ManualClock) (*env, func() error, error) {
	e := &env{target: t, run: runID(), zone: hzcard.Zone()}
	var err error
	if e.instKey, err = hzcard.ReadKey(t.Param("inst_key", hzcard.TestInstKeyHex), sm2.ParsePrivateKey); err != nil {
		return nil, nil, fmt.Errorf("inst_key: %w", err)
	}
	if e.centrePub, err = hzcard.ReadKey(t.Param("centre_pub", hzcard.TestCentrePubHex), sm2.ParsePublicKey); err != nil {
		return nil, nil, fmt.Errorf("centre_pub: %w", err)
	}
	profile, err := signProfile(t)
	if err != nil {
		return nil, nil, err
	}
	e.cfg = hzcardclient.Config{
		Profile:    profile,
		JoinInstID: t.Param("joininstid", hzcard.TestJoinInstID), InstID: t.Param("instid", hzcard.TestInstID),
		MchntID: t.Param("mchntid", hzcard.TestMchntID), TermID: t.Param("termid", hzcard.TestTermID),
		ChnlID: t.Param("chnlid", hzcard.TestChnlID), Key: e.instKey, CentreKey: e.centrePub,
	}
	stop := func() error { return nil }
	if t.Embedded() {
		e.fx = simFixture()
		// Strict always: the generated negatives check what the centre
		// records, and strictViolations that valid requests record nothing.
		s, err := hzcardsim.New(sim.Options{Clock: clock, Faults: t.Faults, Strict: true})
		if err != nil {
			return nil, nil, err
		}
		srv, err := sim.Start(s, sim.ListenOptions{})
		if err != nil {
			return nil, nil, err
		}
		e.sim, e.url, stop = s, srv.URL, srv.Close
		e.cfg.Now = clock.Now
	} else {
		e.url = t.URL
		e.cfg.Now = time.Now
		if e.lab, err = parseLab(t); err != nil {
			return nil, nil, err
		}
		e.fx = targetFixture(t, e.lab)
	}
	e.cfg.URL = e.url
	return e, func() error {
		e.mu.Lock()
		l := e.reader
		e.mu.Unlock()
		if l != nil {
			_ = e.readerConn.Disconnect()
			_ = l.Close()
		}
		return stop()
	}, nil
}

// runID names this run in payment order numbers: random, so two runs
// against one endpoint never collide and nothing depends on the clock.
func runID() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return fmt.Sprintf("%08X", b)
}

func simFixture() fixture {
	return fixture{queryCard: "2253000000000001", student: hzcardsim.CardStudent, senior: hzcardsim.CardSenior,
		unsoldSenior: hzcardsim.CardSeniorNew, blacklisted: hzcardsim.CardBlacklisted, lost: hzcardsim.CardLost,
		locked: hzcardsim.CardLocked, unknown: hzcardsim.CardUnknown,
		mchNoQuota: hzcardsim.MerchantNoQuota, termNoQuota: hzcardsim.TermNoQuota, mchNoFee: hzcardsim.MerchantNoFee,
		termNoFee: hzcardsim.TermNoFee, mchLowQuota: hzcardsim.MerchantLowQuota, termLowQuota: hzcardsim.TermLowQuota,
		termOther: hzcardsim.TermOtherMerchant}
}

func targetFixture(t conformance.Target, l labCards) fixture {
	p := func(n string) string { return t.Param(n, "") }
	fx := fixture{student: p("student_card"), senior: p("senior_card"), unsoldSenior: p("unsold_senior_card"),
		blacklisted: p("blacklisted_card"), lost: p("lost_card"), locked: p("locked_card"), unknown: p("unknown_card"),
		mchNoQuota: p("merchant_no_quota"), termNoQuota: p("term_no_quota"), mchNoFee: p("merchant_no_fee"),
		termNoFee: p("term_no_fee"), mchLowQuota: p("merchant_low_quota"), termLowQuota: p("term_low_quota"),
		termOther: p("term_other_merchant")}
	if len(l.sold) > 0 {
		fx.queryCard = l.sold[0].First
	}
	return fx
}

// Simulator is the embedded centre, or nil against a real endpoint (a nil
// interface, not a nil *hzcardsim.Simulator).
func (e *env) Simulator() sim.Simulator { return e.sim } // nil *Simulator: a target (the framework knows)

// signProfile reads the sign_profile param.
func signProfile(t conformance.Target) (signdomain.Profile, error) {
	p, err := signdomain.ParseProfile(t.Param("sign_profile", string(signdomain.Default)))
	if err != nil {
		return "", fmt.Errorf("sign_profile: %w", err)
	}
	if t.Embedded() && p != signdomain.Default {
		return "", fmt.Errorf("sign_profile %s: the embedded simulator signs with %s; other profiles are for real endpoints", p, signdomain.Default)
	}
	return p, nil
}

// client returns a client whose exchanges are attached to the running spec.
func (e *env) client(mods ...func(*hzcardclient.Config)) *hzcardclient.Client {
	cfg := e.cfg
	cfg.Observe = conformance.Transcript()
	for _, m := range mods {
		m(&cfg)
	}
	c, err := hzcardclient.New(cfg)
	if err != nil {
		panic(fmt.Sprintf("hzcard suite: client: %v", err)) // the config was validated at start
	}
	return c
}

// card returns a fresh card number and the software card holding its keys:
// against the embedded centre a card added with AddCard; against a target
// the next fresh card of the cards (or unsold_cards) param, loaded with
// spec.Balance through the centre.
func (e *env) card(ctx context.Context, spec hzcardsim.CardSpec) (string, *cpucard.Card) {
	if e.sim == nil {
		return e.labCard(ctx, spec)
	}
	e.mu.Lock()
	e.cards++
	no := fmt.Sprintf("22531%05d%06d", e.cards, 0)
	e.mu.Unlock()
	spec.CardNo = no
	c, err := e.sim.AddCard(spec)
	if err != nil {
		panic(fmt.Sprintf("hzcard suite: add card: %v", err))
	}
	return no, c
}

// pay returns a fresh payment order number.
func (e *env) pay() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pays++
	return fmt.Sprintf("PAY%s%06d", e.run, e.pays)
}

// dropper is a card whose reader loses one command on the way: the command
// with instruction ins never reaches the card and the reader reports a
// tear. It is the "card left before the command" half of the tear matrix;
// cpucard's own tear switch is the "command applied, reply lost" half.
type dropper struct {
	card *cpucard.Card
	ins  byte
	done bool
}

func (d *dropper) Transmit(b []byte) ([]byte, error) {
	if !d.done && len(b) > 1 && b[1] == d.ins {
		d.done = true
		d.card.PowerOff()
		return nil, fmt.Errorf("reader: %w", cpucard.ErrTorn)
	}
	return d.card.Transmit(b)
}

// isTorn reports whether err is a card tear.
func isTorn(err error) bool {
	var te *hzcardclient.TornError
	return errors.As(err, &te)
}

func tornOrder(err error) string {
	var te *hzcardclient.TornError
	if errors.As(err, &te) {
		return te.OrderNo
	}
	return ""
}

// flip changes the last hex digit of s (a signature, a MAC): well-formed
// and wrong.
func flip(s string) string {
	if s == "" {
		return s
	}
	last := s[len(s)-1]
	r := byte('0')
	if last == '0' {
		r = '1'
	}
	return s[:len(s)-1] + string(r)
}

// flipByte flips a byte of an APDU response item given as hex.
func flipByte(item string, i int) string {
	b := []byte(strings.ToUpper(item))
	pos := 2*i + 1
	if b[pos] == '0' {
		b[pos] = '1'
	} else {
		b[pos] = '0'
	}
	return string(b)
}
