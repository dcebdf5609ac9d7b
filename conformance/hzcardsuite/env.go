// Package hzcardsuite is the conformance suite for the Huzhou transit-card
// recharge platform (seed 003): every interface on its happy path with every
// reply field and both signatures checked, the whole charge flow through a
// software CPU card with balances checked on the card and at the centre, a
// tear at each step of the flow ending with card and centre agreeing, one
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
// Specs that need a card whose keys the centre holds (every flow, most
// codes) create cards in the embedded simulator with AddCard and run them
// as software cards; against a real endpoint they are skipped with that
// reason (a real centre's card keys are not the suite's to hold). The
// protocol specs (signatures, malformed bodies, unknown institution, merchant,
// terminal, order, duplicate serial) run against any endpoint. After every
// spec against the embedded simulator the ledger must balance (Audit).
package hzcardsuite

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"paycert/codecs/signdomain"
	"paycert/codecs/sm2"
	"paycert/conformance"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/hzcard/hzcardsim"
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

	mu    sync.Mutex
	cards int // fresh card numbers handed out
	pays  int // payment order numbers
	run   string
}

func start(t conformance.Target) (*env, func() error, error) {
	e := &env{target: t, run: fmt.Sprintf("%06d", time.Now().UnixNano()/1e3%1e6)}
	var err error
	if e.instKey, err = sm2.ParsePrivateKey([]byte(t.Param("inst_key", hzcard.TestInstKeyHex))); err != nil {
		return nil, nil, fmt.Errorf("inst_key: %w", err)
	}
	if e.centrePub, err = sm2.ParsePublicKey([]byte(t.Param("centre_pub", hzcard.TestCentrePubHex))); err != nil {
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
		clock := sim.NewManualClock(time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC))
		s, err := hzcardsim.New(sim.Options{Clock: clock, Faults: t.Faults, Strict: t.Strict})
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
	}
	e.cfg.URL = e.url
	return e, stop, nil
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

// card adds a fresh card to the embedded centre and returns its number and
// the software card holding the same keys.
func (e *env) card(spec hzcardsim.CardSpec) (string, *cpucard.Card) {
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
