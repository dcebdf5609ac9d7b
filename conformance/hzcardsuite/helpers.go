package hzcardsuite

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	. "github.com/onsi/gomega" //nolint:revive // Gomega's DSL reads best unqualified

	"paycert/codecs/apdu"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/wire"
)

// expectCode asserts the business result of a call, and that the reply was
// delivered (signed by the centre, every field in order): a protocol or
// transport error is never an acceptable answer to bad input.
func expectCode(err error, code, why string) {
	ExpectWithOffset(1, wire.IsTransport(err)).To(BeFalse(), "transport failure: %v", err)
	ExpectWithOffset(1, wire.IsProtocol(err)).To(BeFalse(), "the reply must be a signed, well-formed envelope: %v", err)
	got := wire.Code(err)
	if err == nil {
		got = hzcard.CodeOK
	}
	ExpectWithOffset(1, got).To(Equal(code), "%s (seed 003 appendix D): %v", why, err)
}

// expectDesc asserts the resultdesc of a business failure starts with text.
func expectDesc(err error, text string) {
	var re *wire.ResultError
	ExpectWithOffset(1, errors.As(err, &re)).To(BeTrue(), "want a business failure, got %v", err)
	ExpectWithOffset(1, re.Text).To(HavePrefix(text))
}

func createReq(cardno string, amt int64, pay string) hzcard.OrderCreateReq {
	return hzcard.OrderCreateReq{CardNo: cardno, ChargeType: hzcard.ChargeTypeWallet, PayType: hzcard.PayTypeUnionPay, PayOrderNo: pay, TxnAmt: hzcard.Text(hzcard.Amount(amt))}
}

func chargeReq(cardno, orderno string, amt int64, pay string) hzcard.ChargeReq {
	return hzcard.ChargeReq{CardNo: cardno, OrderNo: orderno, ChargeType: hzcard.ChargeTypeWallet, PayType: hzcard.PayTypeUnionPay, PayOrderNo: pay, TxnAmt: hzcard.Text(hzcard.Amount(amt))}
}

// order is a charge order the suite created.
type order struct {
	cardno, no, pay, list string
	amt                   int64
}

func mustCreate(ctx context.Context, e *env, c *hzcardclient.Client, cardno string, amt int64) order {
	pay := e.pay()
	cr, err := c.ChargeOrderCreate(ctx, createReq(cardno, amt, pay))
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "chargeOrderCreate for card %s, %d fen", cardno, amt)
	return order{cardno: cardno, no: cr.OrderNo, pay: pay, list: string(cr.APDUList), amt: amt}
}

// runList runs an APDU list on the card; the card must answer every command.
func runList(c *hzcardclient.Client, card hzcardclient.Transmitter, list string) apdu.List {
	resp, err := c.Run(card, list)
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "the card must answer %s", list)
	return resp
}

func count(list string) hzcard.Text {
	l, err := apdu.ParseList(list)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return hzcard.Text(strconv.Itoa(len(l)))
}

// request runs the order's load list on the card and sends the charge
// request with the results (optionally altered).
func request(ctx context.Context, c *hzcardclient.Client, card hzcardclient.Transmitter, o order, alter func(*hzcard.ChargeReq)) (hzcard.APDUReply, error) {
	return c.CardChargeRequest(ctx, ran(c, card, o, o.list, alter))
}

// confirmWith runs the credit list and sends the confirm (optionally altered).
func confirmWith(ctx context.Context, c *hzcardclient.Client, card hzcardclient.Transmitter, o order, credit string, alter func(*hzcard.ChargeReq)) error {
	_, err := c.CardChargeConfirm(ctx, ran(c, card, o, credit, alter))
	return err
}

// ran runs list on the card and builds the order's 4.5/4.6 request carrying
// the list and its results, then lets alter change it.
func ran(c *hzcardclient.Client, card hzcardclient.Transmitter, o order, list string, alter func(*hzcard.ChargeReq)) hzcard.ChargeReq {
	resp := runList(c, card, list)
	r := chargeReq(o.cardno, o.no, o.amt, o.pay)
	r.APDUNum, r.APDUList, r.APDUResp = count(list), hzcard.APDUs(list), hzcard.RespOf(resp.String())
	if alter != nil {
		alter(&r)
	}
	return r
}

// state queries an order's state and pay state through chargeOrderQuery.
func state(ctx context.Context, c *hzcardclient.Client, cardno, orderno string) (string, string) {
	rep, err := c.ChargeOrderQuery(ctx, hzcard.OrderQueryReq{CardNo: cardno, OrderNo: orderno, RecNumPerPage: "20", CurrPage: "1", OrderBy: hzcard.OrderByDesc})
	ExpectWithOffset(1, err).NotTo(HaveOccurred(), "chargeOrderQuery %s", orderno)
	ExpectWithOffset(1, rep.OrderList).To(HaveLen(1), "chargeOrderQuery by orderno %s", orderno)
	return rep.OrderList[0].OrderState, rep.OrderList[0].PayState
}

// agree asserts the card holds want and, against the embedded centre (the
// only one whose ledger the suite can read), that the centre's balance and
// the ledger agree: an extra check in process.
func agree(e *env, cardno string, card *cpucard.Card, want int64) {
	ExpectWithOffset(1, int64(card.Snapshot().Balance)).To(Equal(want), "balance on the card %s", cardno)
	if e.sim == nil {
		return
	}
	b, ok := e.sim.CardBalance(cardno)
	ExpectWithOffset(1, ok).To(BeTrue())
	ExpectWithOffset(1, b).To(Equal(want), "balance of card %s at the centre", cardno)
	ExpectWithOffset(1, e.sim.Audit()).To(Succeed(), "no money made or lost")
}

func fresh(ctx context.Context, e *env) (string, *cpucard.Card) {
	return e.card(ctx, hzcardsim.CardSpec{})
}

// freshOrder makes a fresh card, a client and a charge order of amt fen for it.
func freshOrder(ctx context.Context, e *env, amt int64) (string, *cpucard.Card, *hzcardclient.Client, order) {
	no, card := fresh(ctx, e)
	c := e.client()
	return no, card, c, mustCreate(ctx, e, c, no, amt)
}

// tornCredit makes a fresh card and a 1000 fen order, and tears the card
// during CREDIT FOR LOAD: the card is credited, the centre does not know
// (state 4), and the card is powered on again for management.
func tornCredit(ctx context.Context, e *env) (string, *cpucard.Card, order, *hzcardclient.Client) {
	no, card, c, o := freshOrder(ctx, e, 1000)
	card.TearNext(apdu.INSCreditForLoad)
	_, err := c.Load(ctx, card, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay, LoadList: o.list})
	ExpectWithOffset(1, isTorn(err)).To(BeTrue(), "the tear must reach the caller: %v", err)
	card.PowerOn()
	return no, card, o, c
}

func cust() *hzcard.CustInfo {
	return &hzcard.CustInfo{Name: "张三", IDType: "01", IDNo: "330501199001011234", Mobile: "13800000000"}
}

// staleRequest is a charge request carrying the order's list with results
// that were never run: for provoking the order-state checks, which come
// before the APDUs are judged.
func staleRequest(o order) hzcard.ChargeReq {
	r := chargeReq(o.cardno, o.no, o.amt, o.pay)
	r.APDUNum, r.APDUList, r.APDUResp = "2", hzcard.APDUs(o.list), hzcard.RespOf("9000,9000")
	return r
}

// desc is the description a table of the seed gives a value ("" unknown).
func desc(t []hzcard.Entry, k string) string {
	d, _ := hzcard.Desc(t, k)
	return d
}

// maxSv is erratum E-HZ-MAXSVAMT's maxsvamt for a card with balance bal,
// from the per-charge maximum perCharge: min(perCharge, walletMax - bal)
// rounded down to the charge base.
func maxSv(base, perCharge, walletMax, bal int64) int64 {
	m := min(perCharge, walletMax-bal)
	if m < 0 || base <= 0 {
		return 0
	}
	return m - m%base
}

// skew is how far a target's clock may be from ours when the suite checks
// the dates and times it puts on the wire.
const skew = 10 * time.Minute

// expectWhen asserts that a date (YYYYMMDD) and time (hhmmss, "" for a
// date alone) a reply carries are now in the wire's zone (Asia/Shanghai,
// seed 003 dates everything in local time): exactly the embedded centre's
// clock, or within skew of ours for a target.
func (e *env) expectWhen(date, clock string) {
	ExpectWithOffset(1, e.when(date, clock)).To(Succeed())
}

func (e *env) when(date, clock string) error {
	now := e.cfg.Now().In(e.zone)
	if clock == "" {
		lo, hi := now.Add(-skew).Format("20060102"), now.Add(skew).Format("20060102")
		if e.sim != nil {
			lo, hi = now.Format("20060102"), now.Format("20060102")
		}
		if date != lo && date != hi {
			return fmt.Errorf("date %s: want today in %s (%s)", date, e.zone, now.Format("20060102 15:04:05"))
		}
		return nil
	}
	t, err := time.ParseInLocation("20060102150405", date+clock, e.zone)
	if err != nil {
		return fmt.Errorf("date and time %s %s: %w", date, clock, err)
	}
	d := t.Sub(now.Truncate(time.Second))
	if e.sim != nil && d != 0 || d < -skew || d > skew {
		return fmt.Errorf("%s %s is not now in %s (%s)", date, clock, e.zone, now.Format("20060102 150405"))
	}
	return nil
}
