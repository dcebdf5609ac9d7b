package hzcardsuite

import (
	"context"
	"fmt"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best unqualified
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/codecs/apdu"
	"paycert/conformance"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/pcsc/lab"
)

// The lab case (target param reader): a real card in a PC/SC reader, one
// the centre's test environment issued and recharges. The suite cannot
// pull a real card out of the field at the right microsecond, so its tears
// happen where a terminal sees them, at the reader: a command that never
// reaches the card (lostCommand), or one the card executed whose reply
// never comes back (lostReply). The centre sees exactly what it sees when
// a person pulls the card. The same specs run, without the param, on a
// software card, so they are never skipped.

// readerCard is the card the reader specs run on: the card in the reader
// named by the reader param (its number read from the card), or a fresh
// card of the batch (embedded: AddCard's, whose ledger Audit checks too).
type readerCard struct {
	no   string
	card hzcardclient.Transmitter
	soft *cpucard.Card // nil for a card in a reader
}

// readerCard connects to the card in the target's reader, or takes a fresh
// software card when no reader is named.
func (e *env) readerCard(ctx context.Context) readerCard {
	name := e.target.Param("reader", "")
	if name == "" {
		no, card := e.card(ctx, hzcardsim.CardSpec{})
		return readerCard{no: no, card: card, soft: card}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.reader == nil {
		l, err := lab.Attach(name)
		Expect(err).NotTo(HaveOccurred(), "the reader param: PC/SC reader %q", name)
		// The session outlives this spec (later reader specs reuse it) and
		// a reader connection ends with the context it was opened with:
		// open it with the spec's values but not its cancellation; the
		// env's stop closes it. The wait is bounded like paycert card's.
		k, err := l.Connect(context.WithoutCancel(ctx), 0, 30*time.Second)
		if err != nil {
			l.Close()
		}
		Expect(err).NotTo(HaveOccurred(), "a card in reader %q", name)
		e.reader, e.readerConn = l, k
	}
	info, err := hzcardclient.ReadCard(ctx, e.client(), e.readerConn)
	Expect(err).NotTo(HaveOccurred(), "cardInfoQuery for the card in reader %q", name)
	return readerCard{no: info.CardNo, card: e.readerConn}
}

// lostCommand is a reader that loses the command with instruction ins on
// the way: the card never sees it and the terminal reports a tear.
type lostCommand struct {
	card hzcardclient.Transmitter
	ins  byte
	done bool
}

func (d *lostCommand) Transmit(b []byte) ([]byte, error) {
	if !d.done && len(b) > 1 && b[1] == d.ins {
		d.done = true
		return nil, fmt.Errorf("reader: %w", cpucard.ErrTorn)
	}
	return d.card.Transmit(b)
}

// lostReply is a reader that loses the reply to the command with
// instruction ins: the card executed it, the terminal reports a tear.
type lostReply struct {
	card hzcardclient.Transmitter
	ins  byte
	done bool
}

func (d *lostReply) Transmit(b []byte) ([]byte, error) {
	r, err := d.card.Transmit(b)
	if err == nil && !d.done && len(b) > 1 && b[1] == d.ins {
		d.done = true
		return nil, fmt.Errorf("reader: reply lost: %w", cpucard.ErrTorn)
	}
	return r, err
}

// purse reads the card's balance with SELECT purse and GET BALANCE.
func purse(c *hzcardclient.Client, card hzcardclient.Transmitter) int64 {
	resp := runList(c, card, apdu.NewList(apdu.SelectByNameNoLe(apdu.PurseAID).Bytes(), apdu.GetBalance().Bytes()).String())
	r, err := apdu.ParseResponse(resp[1].Bytes)
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "GET BALANCE")
	ExpectWithOffset(1, r.OK()).To(BeTrue(), "GET BALANCE answered %s", r.SW)
	b, err := apdu.ParseBalance(r.Data)
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "GET BALANCE")
	return int64(b)
}

func describeReader(f *conformance.Framework[*env]) {
	Describe("a card behind a reader that loses a command or a reply (param reader: a real card)", conformance.Flow, Ordered, func() {
		var (
			e   *env
			c   *hzcardclient.Client
			rc  readerCard
			amt int64
		)
		BeforeAll(func(ctx SpecContext) {
			e = f.Env()
			c = e.client()
			rc = e.readerCard(ctx)
			info, err := hzcardclient.ReadCard(ctx, c, rc.card)
			Expect(err).NotTo(HaveOccurred())
			Expect([]string{info.CardStatus, info.InitFlag}).To(Equal([]string{hzcard.CardNormal, hzcard.InitFlagOn}), "card %s must be sold and normal", rc.no)
			min, err1 := strconv.ParseInt(info.MinSvAmt, 10, 64)
			max, err2 := strconv.ParseInt(info.MaxSvAmt, 10, 64)
			Expect([]error{err1, err2}).To(Equal([]error{nil, nil}), "minsvamt %q maxsvamt %q", info.MinSvAmt, info.MaxSvAmt)
			amt = min
			Expect(3*amt).To(BeNumerically("<=", max), "card %s has room for %d fen (maxsvamt): the specs load 3 × minsvamt; spend or return it", rc.no, max)
		})
		// settled asserts the card holds want and, for the embedded
		// centre's own card, that its ledger agrees.
		settled := func(want int64) {
			ExpectWithOffset(1, purse(c, rc.card)).To(Equal(want), "GET BALANCE on card %s", rc.no)
			if rc.soft != nil {
				agree(e, rc.no, rc.soft, want)
			}
		}
		f.It("recharges minsvamt: GET BALANCE moves by the amount once, the order is 5", func(ctx context.Context) {
			before := purse(c, rc.card)
			res, err := c.Recharge(ctx, rc.card, hzcardclient.RechargeOptions{CardNo: rc.no, Amount: amt, PayOrderNo: e.pay()})
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Before).To(BeEquivalentTo(before))
			st, _ := state(ctx, c, rc.no, res.Order.OrderNo)
			Expect(st).To(Equal(hzcard.StateConfirmed))
			settled(before + amt)
		})
		f.It("CREDIT FOR LOAD lost before the card: management says not credited (000152, state 3), charging again credits once", func(ctx context.Context) {
			before := purse(c, rc.card)
			o := mustCreate(ctx, e, c, rc.no, amt)
			ord := hzcardclient.Order{CardNo: rc.no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay, LoadList: o.list}
			_, err := c.Load(ctx, &lostCommand{card: rc.card, ins: apdu.INSCreditForLoad}, ord)
			Expect(isTorn(err)).To(BeTrue(), "the tear reaches the caller: %v", err)
			mr, err := c.Manage(ctx, rc.card, ord)
			Expect(err).NotTo(HaveOccurred())
			Expect(mr).To(Equal(hzcardclient.ManageResult{Code: hzcard.CodeChargeFailed}))
			st, _ := state(ctx, c, rc.no, o.no)
			Expect(st).To(Equal(hzcard.StateCardFailed))
			settled(before)
			_, err = c.Load(ctx, rc.card, ord)
			Expect(err).NotTo(HaveOccurred(), "state 3 may be charged again (appendix G)")
			settled(before + amt)
		})
		f.It("CREDIT FOR LOAD applied, its reply lost: confirm 000151 (state 4), management finds the load (8), money once", func(ctx context.Context) {
			before := purse(c, rc.card)
			o := mustCreate(ctx, e, c, rc.no, amt)
			ord := hzcardclient.Order{CardNo: rc.no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay, LoadList: o.list}
			_, err := c.Load(ctx, &lostReply{card: rc.card, ins: apdu.INSCreditForLoad}, ord)
			Expect(isTorn(err)).To(BeTrue(), "the tear reaches the caller: %v", err)
			st, _ := state(ctx, c, rc.no, o.no)
			Expect(st).To(Equal(hzcard.StateCardUnknown))
			Expect(purse(c, rc.card)).To(Equal(before+amt), "the card was credited")
			_, err = c.CardChargeRequest(ctx, staleRequest(o))
			expectCode(err, hzcard.CodeNeedManage, "an order in doubt cannot be charged again before management")
			mr, err := c.Manage(ctx, &lostReply{card: rc.card, ins: apdu.INSGetProof}, ord)
			Expect(isTorn(err)).To(BeTrue(), "GET TRANSACTION PROOF's reply lost: %v", err)
			mr, err = c.Manage(ctx, rc.card, ord)
			Expect(err).NotTo(HaveOccurred(), "managing again resolves the order")
			Expect(mr.Credited).To(BeTrue())
			st, _ = state(ctx, c, rc.no, o.no)
			Expect(st).To(Equal(hzcard.StateAdjusted))
			settled(before + amt)
		})
	})
}
