package hzcardsuite

// genbase.go: the valid request of each interface the generated negatives
// break one field of, and the state each reads back to prove a refused
// request changed nothing.

import (
	"context"
	"fmt"
	"sync"

	. "github.com/onsi/gomega" //nolint:revive // Gomega's DSL reads best unqualified

	"paycert/codecs/apdu"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/hzcard/hzcardsim"
)

// genNetID is the outlet every generated request names: 14 Chinese
// characters, 42 UTF-8 bytes, inside netid's 32 characters (erratum
// E-HZ-LENGTH-UNIT). Every generated case is thereby also a boundary case
// for a centre that counts bytes.
const genNetID = "湖州市吴兴区爱山街道营业网点"

// base is a valid request of one interface: its data, and a probe that
// reads (through the protocol, so against a target too) the state the
// interface could change.
type base struct {
	data  any
	probe func(ctx context.Context) string // nil: the interface changes nothing
	want  string                           // the probe's reading when the base was built
}

// bases builds each interface's base once per environment, on the first
// case of that interface: refused requests leave it valid (they must
// change nothing), so every case of the interface reuses it.
type bases struct {
	mu sync.Mutex
	m  map[string]*base
}

func (e *env) genBase(ctx context.Context, iface string) *base {
	e.gen.mu.Lock()
	defer e.gen.mu.Unlock()
	if b := e.gen.m[iface]; b != nil {
		return b
	}
	b := e.buildBase(ctx, iface)
	if b.probe != nil {
		b.want = b.probe(ctx)
	}
	if e.gen.m == nil {
		e.gen.m = map[string]*base{}
	}
	e.gen.m[iface] = b
	return b
}

// buildBase makes the state a valid request of iface needs (a card, an
// order in the right state, the card's answers to the commands) with the
// suite's own builders.
func (e *env) buildBase(ctx context.Context, iface string) *base {
	c := e.client()
	switch iface {
	case hzcard.CardInfoQuery:
		_, card := fresh(ctx, e)
		list := hzcardclient.ReadList()
		resp := runList(c, card, list)
		return &base{data: hzcard.CardInfoQueryReq{APDUNum: count(list), APDUList: hzcard.APDUs(list), APDUResp: hzcard.APDUs(resp.String())}}
	case hzcard.ChargeOrderQuery:
		no, _ := fresh(ctx, e)
		return &base{data: hzcard.OrderQueryReq{CardNo: no, RecNumPerPage: "20", CurrPage: "1", OrderBy: hzcard.OrderByDesc}}
	case hzcard.ChargeOrderCreate:
		no, _ := fresh(ctx, e)
		return &base{data: createReq(no, 1000, e.pay()), probe: orders(e, no, "")}
	case hzcard.ChargeOrderCancel:
		no, _, _, o := freshOrder(ctx, e, 1000)
		return &base{data: hzcard.OrderCancelReq{CardNo: no, OrderNo: o.no}, probe: orders(e, no, o.no)}
	case hzcard.CardChargeRequest:
		no, card, c, o := freshOrder(ctx, e, 1000)
		return &base{data: ran(c, card, o, o.list, nil), probe: orders(e, no, o.no)}
	case hzcard.CardChargeConfirm:
		no, card, c, o := freshOrder(ctx, e, 1000)
		rep, err := request(ctx, c, card, o, nil)
		Expect(err).NotTo(HaveOccurred(), "cardChargeRequest for the confirm's base")
		// The card is credited; the centre holds the order in state 2
		// (in doubt) until a confirm it accepts.
		return &base{data: ran(c, card, o, string(rep.APDUList), nil), probe: orders(e, no, o.no)}
	case hzcard.ChargeOrderManageRequest:
		no, _, o, _ := tornCredit(ctx, e)
		return &base{data: chargeReq(no, o.no, o.amt, o.pay), probe: orders(e, no, o.no)}
	case hzcard.ChargeOrderManageConfirm:
		no, card, o, c := tornCredit(ctx, e)
		mr, err := c.ChargeOrderManageRequest(ctx, chargeReq(no, o.no, o.amt, o.pay))
		Expect(err).NotTo(HaveOccurred(), "chargeOrderManageRequest for the manage confirm's base")
		r := chargeReq(no, o.no, o.amt, o.pay)
		list := string(mr.APDUList)
		resp := runList(c, card, list)
		r.APDUNum, r.APDUList, r.APDUResp = count(list), hzcard.APDUs(list), hzcard.RespOf(resp.String())
		return &base{data: r, probe: orders(e, no, o.no)}
	case hzcard.CardSaleRequest:
		no, card := e.card(ctx, hzcardsim.CardSpec{Unsold: true})
		resp := runList(c, card, apdu.NewList(apdu.SelectByNameNoLe(apdu.PurseAID).Bytes(), apdu.GetChallenge(4).Bytes()).String())
		return &base{data: hzcard.SaleReq{CardNo: no, APDUNum: "1", APDUList: hzcard.APDUs(resp[1:].String()),
			RealNameFlag: hzcard.RealNameYes, PayType: hzcard.PayTypeCash, CustInfo: cust()}, probe: info(e, card)}
	case hzcard.CardSaleConfirm:
		no, card := e.card(ctx, hzcardsim.CardSpec{Unsold: true})
		resp := runList(c, card, apdu.NewList(apdu.SelectByNameNoLe(apdu.PurseAID).Bytes(), apdu.GetChallenge(4).Bytes()).String())
		sr, err := c.CardSaleRequest(ctx, hzcard.SaleReq{CardNo: no, APDUNum: "1", APDUList: hzcard.APDUs(resp[1:].String()),
			RealNameFlag: hzcard.RealNameYes, PayType: hzcard.PayTypeCash, CustInfo: cust()})
		Expect(err).NotTo(HaveOccurred(), "cardSaleRequest for the sale confirm's base")
		uresp := runList(c, card, string(sr.APDUList))
		return &base{data: hzcard.SaleConfirmReq{CardNo: no, CardResult: hzcard.CardResultOK, APDUNum: sr.APDUNum, APDUList: hzcard.APDUs(uresp.String()),
			RealNameFlag: hzcard.RealNameYes, PayType: hzcard.PayTypeCash, CustInfo: cust(), OrderNo: sr.OrderNo, RefNum: sr.RefNum}, probe: info(e, card)}
	case hzcard.CardReturnApply:
		no, card := e.card(ctx, hzcardsim.CardSpec{Balance: 3300})
		resp := runList(c, card, apdu.NewList(apdu.SelectByNameNoLe(apdu.PurseAID).Bytes(),
			apdu.InitializeForPurchase(1, 3300, hzcard.Terminal(e.cfg.TermID)).Bytes()).String())
		return &base{data: hzcard.ReturnApplyReq{CardNo: no, ReturnType: hzcard.ReturnGoodCard, CardBal: "3300", APDUNum: "1",
			APDUList: hzcard.APDUs(resp[1:].String()), CustInfo: cust()}, probe: info(e, card)}
	case hzcard.CardReturnConfirm:
		// A bad-card return (returntype 1): no card command to run, so the
		// card and the centre agree while the confirm waits (a good card
		// debited before its confirm would be money in doubt).
		no, card := e.card(ctx, hzcardsim.CardSpec{Balance: 3300})
		ap, err := c.CardReturnApply(ctx, hzcard.ReturnApplyReq{CardNo: no, ReturnType: hzcard.ReturnBadCard, CardBal: "3300", APDUNum: "0", CustInfo: cust()})
		Expect(err).NotTo(HaveOccurred(), "cardReturnApply for the return confirm's base")
		return &base{data: hzcard.ReturnConfirmReq{CardNo: no, RefNum: ap.RefNum, OrderNo: ap.OrderNo, APDUNum: "0", CustInfo: cust()}, probe: info(e, card)}
	}
	panic(fmt.Sprintf("hzcard suite: no generated base for interface %q", iface))
}

// orders reads a card's orders through chargeOrderQuery: how many, and
// the state and pay state of orderno ("" none).
func orders(e *env, cardno, orderno string) func(ctx context.Context) string {
	return func(ctx context.Context) string {
		c := e.client()
		rep, err := c.ChargeOrderQuery(ctx, hzcard.OrderQueryReq{CardNo: cardno, RecNumPerPage: "20", CurrPage: "1", OrderBy: hzcard.OrderByDesc})
		ExpectWithOffset(1, err).NotTo(HaveOccurred(), "chargeOrderQuery of card %s", cardno)
		s := fmt.Sprintf("card %s: %d orders", cardno, rep.TotalNum)
		for _, it := range rep.OrderList {
			if it.OrderNo == orderno {
				s += fmt.Sprintf("; order %s state %s pay state %s", it.OrderNo, it.OrderState, it.PayState)
			}
		}
		return s
	}
}

// info reads the card through cardInfoQuery with the card's own answers to
// the read commands: the centre's status, activation and balance of it.
func info(e *env, card hzcardclient.Transmitter) func(ctx context.Context) string {
	return func(ctx context.Context) string {
		ci, err := hzcardclient.ReadCard(ctx, e.client(), card)
		ExpectWithOffset(1, err).NotTo(HaveOccurred(), "cardInfoQuery")
		return fmt.Sprintf("card %s status %s initflag %s sold %s balance %s max %s", ci.CardNo, ci.CardStatus, ci.InitFlag, ci.CardSaleDate, ci.CardBal, ci.MaxSvAmt)
	}
}
