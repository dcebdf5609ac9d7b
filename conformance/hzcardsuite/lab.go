package hzcardsuite

import (
	"context"
	"encoding/hex"
	"fmt"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best unqualified
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/conformance"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/hzcard/hzcardsim"
)

// labCards is what the suite needs to build, against a target, software
// cards the centre holds the keys of: the issuer master keys the centre
// diversifies from, the key index and version the cards carry, and the
// numbers of the test cards it knows.
type labCards struct {
	masters         *cpucard.MasterKeys // nil: master_keys not given
	keyIdx, keyVer  byte
	sold, unsold    []cpucard.CardRange
	nextSold, nextU int // next candidate in sold/unsold, in card-number order across ranges
}

// parseLab reads the card params of a target. A missing param leaves its
// part empty (the specs needing it skip, naming it); a malformed one is an
// error at start.
func parseLab(t conformance.Target) (labCards, error) {
	l := labCards{keyIdx: 1, keyVer: 1}
	if v := t.Param("master_keys", ""); v != "" {
		m, err := cpucard.ParseMasterKeys(v)
		if err != nil {
			return l, fmt.Errorf("master_keys: %w", err)
		}
		l.masters = m
	}
	for _, p := range []struct {
		name string
		dst  *byte
	}{{"key_index", &l.keyIdx}, {"key_version", &l.keyVer}} {
		b, err := hex.DecodeString(t.Param(p.name, fmt.Sprintf("%02X", *p.dst)))
		if err != nil || len(b) != 1 {
			return l, fmt.Errorf("%s: want one byte in hex, e.g. 01", p.name)
		}
		*p.dst = b[0]
	}
	var err error
	if l.sold, err = cpucard.ParseCardRanges(t.Param("cards", "")); err != nil {
		return l, fmt.Errorf("cards: %w", err)
	}
	if l.unsold, err = cpucard.ParseCardRanges(t.Param("unsold_cards", "")); err != nil {
		return l, fmt.Errorf("unsold_cards: %w", err)
	}
	return l, nil
}

// softCard builds the software card for a number the centre knows, with
// the keys diversified from master_keys.
func (e *env) softCard(no string, maxBal uint32) *cpucard.Card {
	if e.lab.masters == nil {
		Skip("needs target param master_keys: the issuer master keys the centre diversifies card keys from")
	}
	c, err := cpucard.New(cpucard.Profile{PAN: no, Masters: e.lab.masters, KeyIndex: e.lab.keyIdx, KeyVersion: e.lab.keyVer, MaxBalance: maxBal})
	ExpectWithOffset(2, err).NotTo(HaveOccurred(), "software card %s", no)
	return c
}

// labCard takes the next fresh card of the target's batch for spec
// (Unsold and Balance are honoured; other fields are the embedded
// centre's only). Fresh is read from the centre, not assumed: a card that
// is not normal, has the wrong initflag, or already has charge orders
// (an earlier run charged it) is passed over.
func (e *env) labCard(ctx context.Context, spec hzcardsim.CardSpec) (string, *cpucard.Card) {
	pool, next, param := e.lab.sold, &e.lab.nextSold, "cards"
	wantFlag := hzcard.InitFlagOn
	if spec.Unsold {
		pool, next, param, wantFlag = e.lab.unsold, &e.lab.nextU, "unsold_cards", hzcard.InitFlagOff
	}
	if len(pool) == 0 {
		Skip("needs target param " + param + ": card numbers the centre knows")
	}
	ExpectWithOffset(1, spec.Type == "" && spec.Status == "" && !spec.Blacklisted && spec.WalletMax == 0).To(BeTrue(),
		"a suite bug: against a target a card spec sets only Unsold and Balance")
	c := e.client()
	for {
		e.mu.Lock()
		no, ok := cpucard.NthCard(pool, *next)
		*next++
		e.mu.Unlock()
		if !ok {
			Fail(fmt.Sprintf("every card of the %s param is spent (charged, returned or activated by earlier runs): give fresh ones", param))
		}
		card := e.softCard(no, 0)
		info, err := hzcardclient.ReadCard(ctx, c, card)
		ExpectWithOffset(1, err).NotTo(HaveOccurred(), "cardInfoQuery for card %s of the %s param", no, param)
		if info.CardStatus != hzcard.CardNormal || info.InitFlag != wantFlag {
			continue
		}
		if !spec.Unsold {
			q, err := c.ChargeOrderQuery(ctx, hzcard.OrderQueryReq{CardNo: no, RecNumPerPage: "1", CurrPage: "1", OrderBy: hzcard.OrderByDesc})
			ExpectWithOffset(1, err).NotTo(HaveOccurred(), "chargeOrderQuery for card %s", no)
			if q.TotalNum > 0 {
				continue
			}
		}
		if m, err := hzcard.ParseAmount(info.WalletMaxBal); err == nil && m > 0 && m != 100000 {
			card = e.softCard(no, uint32(m)) // the purse cap the centre gives the card
		}
		step := int64(hzcardsim.MaxCharge)
		if m, err := hzcard.ParseAmount(info.MaxSvAmt); err == nil && m > 0 {
			step = m // the per-charge maximum at balance 0 (E-HZ-MAXSVAMT)
		}
		for left := int64(spec.Balance); left > 0; {
			amt := min(left, step)
			_, err := c.Recharge(ctx, card, hzcardclient.RechargeOptions{CardNo: no, Amount: amt, PayOrderNo: e.pay()})
			ExpectWithOffset(1, err).NotTo(HaveOccurred(), "loading %d fen onto card %s for the spec", amt, no)
			left -= amt
		}
		return no, card
	}
}

// fixtureCard is the software card of one of the fixture's special cards
// (student, unsold senior): the embedded centre's own, or one built from
// master_keys for the number the param gives.
func (e *env) fixtureCard(no, param string) *cpucard.Card {
	need(no, param)
	if e.sim != nil {
		c, ok := e.sim.Card(no)
		ExpectWithOffset(1, ok).To(BeTrue(), "fixture card %s", no)
		return c
	}
	return e.softCard(no, 0)
}
