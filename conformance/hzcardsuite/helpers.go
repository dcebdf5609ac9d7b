package hzcardsuite

import (
	"context"
	"errors"
	"strconv"

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

// agree asserts the card, the centre's balance and the ledger agree.
func agree(e *env, cardno string, card *cpucard.Card, want int64) {
	ExpectWithOffset(1, int64(card.Snapshot().Balance)).To(Equal(want), "balance on the card %s", cardno)
	b, ok := e.sim.CardBalance(cardno)
	ExpectWithOffset(1, ok).To(BeTrue())
	ExpectWithOffset(1, b).To(Equal(want), "balance of card %s at the centre", cardno)
	ExpectWithOffset(1, e.sim.Audit()).To(Succeed(), "no money made or lost")
}

func fresh(e *env) (string, *cpucard.Card) { return e.card(hzcardsim.CardSpec{}) }

// freshOrder makes a fresh card, a client and a charge order of amt fen for it.
func freshOrder(ctx context.Context, e *env, amt int64) (string, *cpucard.Card, *hzcardclient.Client, order) {
	no, card := fresh(e)
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
