package hzcardsuite

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best unqualified
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/codecs/apdu"
	"paycert/codecs/signdomain"
	"paycert/codecs/sm2"
	"paycert/conformance"
	"paycert/platforms/catalog"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

const platform = hzcard.Platform

// Suite is the Huzhou transit-card conformance suite.
func Suite() conformance.Suite { return suiteAt(defaultClock()) }

// suiteAt is the suite whose embedded centre starts at the given instant
// (the time-of-day test runs it at several).
func suiteAt(at time.Time) conformance.Suite {
	register := func(t conformance.Target) func() {
		return registerWith(t, func(t conformance.Target) (*env, func() error, error) { return startAt(t, sim.NewManualClock(at)) })
	}
	return conformance.Suite{Platform: platform, Register: register, Profiles: func(t conformance.Target) []string {
		p, err := signProfile(t)
		if err != nil {
			return []string{"hzcard sign domain: invalid (" + err.Error() + ")"}
		}
		return []string{"hzcard sign domain: " + string(p)}
	}}
}

// register declares the suite on the framework, which starts the
// environment on first use and, after every spec against the embedded
// centre, checks that its ledger and the cards agree (Audit) and that it
// did not panic.
func registerWith(t conformance.Target, start func(conformance.Target) (*env, func() error, error)) func() {
	f := conformance.NewFramework(t, hzcard.Catalogue(), start)
	f.Describe("Huzhou transit card recharge (seed 003)", func() {
		describeHappy(f)
		describeFlow(f)
		describeTears(f)
		describeReader(f)
		describeCodes(f)
		describeNegative(f)
		describeErrata(f)
		describeGenerated(f)
		strictRecordsOnlyRefusals(f)
	})
	return f.Close
}

// ---- every interface on its happy path ----

func describeHappy(f *conformance.Framework[*env]) {
	Describe("happy paths: every reply field checked (hzcard.CheckReply) and the centre's signature verified", func() {
		f.It("cardInfoQuery returns the card read from file 0x15 and its GET BALANCE", conformance.Interface(hzcard.CardInfoQuery), func(ctx context.Context) {
			e := f.Env()
			no, card := e.card(ctx, hzcardsim.CardSpec{Balance: 1200})
			info, err := hzcardclient.ReadCard(ctx, e.client(), card)
			Expect(err).NotTo(HaveOccurred())
			Expect([]string{info.CardNo, info.CardStatus, info.CardStatusDesc, info.CardType, info.InitFlag, info.InitFlagDesc, info.CardBal}).To(Equal(
				[]string{no, hzcard.CardNormal, "正常", hzcard.CardTypeOrdinary, hzcard.InitFlagOn, "启用", "1200"}), "the card read and the centre's record of it")
			Expect(info.CardTypeName).To(Equal(desc(hzcard.CardTypes(), info.CardType)), "cardtypename names cardtype (appendix)")
			limits := map[string]int64{}
			for name, v := range map[string]string{"chargebase": info.ChargeBase, "minsvamt": info.MinSvAmt, "maxsvamt": info.MaxSvAmt, "walletmaxbal": info.WalletMaxBal} {
				n, err := hzcard.ParseAmount(v)
				Expect(err).NotTo(HaveOccurred(), name)
				limits[name] = n
			}
			Expect(info.MaxSvAmt).To(Equal(hzcard.Amount(maxSv(limits["chargebase"], limits["maxsvamt"], limits["walletmaxbal"], 1200))),
				"maxsvamt is at most walletmaxbal - cardbal, a multiple of chargebase (E-HZ-MAXSVAMT)")
			if e.sim != nil { // the fixture's values, which only the embedded centre's are known
				Expect(info).To(Equal(hzcard.CardInfo{CardNo: no, CardFaceNo: "HZ" + no[8:], CardStatus: hzcard.CardNormal, CardStatusDesc: "正常",
					CardType: hzcard.CardTypeOrdinary, CardTypeName: "普通卡", InitFlag: hzcard.InitFlagOn, InitFlagDesc: "启用", CardSaleDate: "20240101", CardValDate: "20401231",
					ChargeBase: "100", MinSvAmt: "1000", MaxSvAmt: "50000", WalletMaxBal: "100000", CardBal: "1200"}))
			}
		})
		f.It("chargeOrderCreate answers an order and [SELECT purse, INITIALIZE FOR LOAD(amount, terminal)]", conformance.Interface(hzcard.ChargeOrderCreate), func(ctx context.Context) {
			e := f.Env()
			no, _ := fresh(ctx, e)
			c := e.client()
			cr, err := c.ChargeOrderCreate(ctx, createReq(no, 2500, e.pay()))
			Expect(err).NotTo(HaveOccurred())
			Expect(cr.OrderNo).NotTo(BeEmpty())
			Expect(string(cr.APDUNum)).To(Equal("2"))
			want := apdu.NewList(apdu.SelectByNameNoLe(apdu.PurseAID).Bytes(),
				apdu.InitializeForLoad(1, 2500, hzcard.Terminal(e.cfg.TermID)).Bytes()).String()
			Expect(string(cr.APDUList)).To(Equal(want))
			e.expectWhen(cr.TxnDate, cr.TxnTime)
			Expect(cr.SettDate).To(Equal(cr.TxnDate))
		})
		f.It("chargeOrderQuery lists the card's orders with every field", conformance.Interface(hzcard.ChargeOrderQuery), func(ctx context.Context) {
			e := f.Env()
			no, _ := fresh(ctx, e)
			c := e.client()
			a := mustCreate(ctx, e, c, no, 1000)
			b := mustCreate(ctx, e, c, no, 2000)
			rep, err := c.ChargeOrderQuery(ctx, hzcard.OrderQueryReq{CardNo: no, RecNumPerPage: "1", CurrPage: "1", OrderBy: hzcard.OrderByAsc})
			Expect(err).NotTo(HaveOccurred())
			Expect(rep.TotalNum).To(Equal(2))
			Expect(rep.TotalPage).To(Equal(2))
			Expect(rep.RecNumPerPage).To(Equal(1))
			Expect(rep.OrderList).To(HaveLen(1))
			it := rep.OrderList[0]
			Expect(it.OrderNo).To(Equal(a.no), "orderby 1 is ascending")
			e.expectWhen(it.OrderDate, it.OrderTime)
			e.expectWhen(it.TxnDate, it.TxnTime)
			otype := hzcard.OrderTypeFor(e.cfg.ChnlID)
			Expect(it).To(Equal(hzcard.OrderItem{OrderNo: a.no, CardNo: no, OrderState: hzcard.StateInitial, OrderStateDesc: "初始状态", OrderAmt: "1000",
				OrderDate: it.OrderDate, OrderTime: it.OrderTime, TxnDate: it.TxnDate, TxnTime: it.TxnTime, OrderType: otype, OrderTypeDesc: desc(hzcard.OrderTypes(), otype),
				ChnlID: e.cfg.ChnlID, ChnlIDDesc: desc(hzcard.Channels(), e.cfg.ChnlID), PayType: hzcard.PayTypeUnionPay, PayTypeDesc: "银联", PayState: hzcard.PayPaid, PayStateDesc: "已支付"}))
			if e.sim != nil {
				Expect([]string{it.OrderType, it.OrderTypeDesc, it.ChnlIDDesc}).To(Equal([]string{hzcard.OrderSupplementary, "补登", "自有安卓 APP"}),
					"channel 10, the fixture's, is an app: its orders are supplementary loads (E-HZ-ORDER-TYPE)")
			}
			rep, err = c.ChargeOrderQuery(ctx, hzcard.OrderQueryReq{CardNo: no, RecNumPerPage: "20", CurrPage: "1", OrderBy: hzcard.OrderByDesc})
			Expect(err).NotTo(HaveOccurred())
			Expect(rep.OrderList).To(HaveLen(2))
			Expect(rep.OrderList[0].OrderNo).To(Equal(b.no), "orderby 0 is descending")
		})
		f.It("chargeOrderCancel refunds an order not yet charged (state B, pay state 2)", conformance.Interface(hzcard.ChargeOrderCancel), func(ctx context.Context) {
			e := f.Env()
			no, _ := fresh(ctx, e)
			c := e.client()
			o := mustCreate(ctx, e, c, no, 1000)
			Expect(c.ChargeOrderCancel(ctx, hzcard.OrderCancelReq{CardNo: no, OrderNo: o.no})).To(Succeed())
			st, ps := state(ctx, c, no, o.no)
			Expect([]string{st, ps}).To(Equal([]string{hzcard.StateRefunded, hzcard.PayRefunded}))
		})
		f.It("cardChargeRequest checks MAC1 and answers [CREDIT FOR LOAD(date, time, MAC2)]; the order is in state 2", conformance.Interface(hzcard.CardChargeRequest), func(ctx context.Context) {
			e := f.Env()
			no, card, c, o := freshOrder(ctx, e, 3000)
			rep, err := request(ctx, c, card, o, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(rep.OrderNo).To(Equal(o.no))
			Expect(string(rep.APDUNum)).To(Equal("1"))
			Expect(string(rep.APDUList)).To(HavePrefix("805200000B" + rep.TxnDate + rep.TxnTime))
			Expect(string(rep.APDUList)).To(HaveLen(2 * (5 + 11 + 1)))
			st, _ := state(ctx, c, no, o.no)
			Expect(st).To(Equal(hzcard.StateAuthorised), "after the key authorisation the order is 2 (appendix G)")
		})
		f.It("cardChargeConfirm checks the TAC: state 5, balance on the card and at the centre", conformance.Interface(hzcard.CardChargeConfirm), func(ctx context.Context) {
			e := f.Env()
			no, card := fresh(ctx, e)
			c := e.client()
			res, err := c.Recharge(ctx, card, hzcardclient.RechargeOptions{CardNo: no, Amount: 4000, PayOrderNo: e.pay()})
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Before).To(BeZero())
			Expect(res.After).To(BeEquivalentTo(4000))
			e.expectWhen(res.Times.TxnDate, res.Times.TxnTime)
			st, _ := state(ctx, c, no, res.Order.OrderNo)
			Expect(st).To(Equal(hzcard.StateConfirmed))
			agree(e, no, card, 4000)
		})
		f.It("chargeOrderManageRequest answers [SELECT, GET BALANCE, GET TRANSACTION PROOF(02, counter+1)]", conformance.Interface(hzcard.ChargeOrderManageRequest), func(ctx context.Context) {
			e := f.Env()
			no, _, o, c := tornCredit(ctx, e)
			rep, err := c.ChargeOrderManageRequest(ctx, chargeReq(no, o.no, o.amt, o.pay))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(rep.APDUNum)).To(Equal("3"))
			want := apdu.NewList(apdu.SelectByNameNoLe(apdu.PurseAID).Bytes(), apdu.GetBalance().Bytes(),
				apdu.GetTransactionProof(0x02, 1).Bytes()).String()
			Expect(string(rep.APDUList)).To(Equal(want), "the proof is asked for the online counter after the load (cards.md)")
		})
		f.It("chargeOrderManageConfirm finds the load on the card: state 8, money once", conformance.Interface(hzcard.ChargeOrderManageConfirm), func(ctx context.Context) {
			e := f.Env()
			no, card, o, c := tornCredit(ctx, e)
			mr, err := c.Manage(ctx, card, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay})
			Expect(err).NotTo(HaveOccurred())
			Expect(mr).To(Equal(hzcardclient.ManageResult{Credited: true, Code: hzcard.CodeOK}))
			st, _ := state(ctx, c, no, o.no)
			Expect(st).To(Equal(hzcard.StateAdjusted))
			agree(e, no, card, 1000)
		})
		f.It("cardSaleRequest answers UPDATE BINARY 0x15 with a secure-messaging MAC", conformance.Interface(hzcard.CardSaleRequest), func(ctx context.Context) {
			e := f.Env()
			no, card := e.card(ctx, hzcardsim.CardSpec{Unsold: true})
			c := e.client()
			resp := runList(c, card, apdu.NewList(apdu.SelectByNameNoLe(apdu.PurseAID).Bytes(), apdu.GetChallenge(4).Bytes()).String())
			rep, err := c.CardSaleRequest(ctx, hzcard.SaleReq{CardNo: no, APDUNum: "1", APDUList: hzcard.APDUs(resp[1:].String()),
				RealNameFlag: hzcard.RealNameYes, PayType: hzcard.PayTypeCash, CustInfo: cust()})
			Expect(err).NotTo(HaveOccurred())
			Expect(rep.RefNum).NotTo(BeEmpty())
			Expect(string(rep.APDUList)).To(HavePrefix("04D6950022"), "IDX_2001")
			Expect(runList(c, card, string(rep.APDUList)).String()).To(Equal("9000"), "the card accepts the centre's MAC")
		})
		f.It("cardSaleConfirm activates the card and takes the deposit", conformance.Interface(hzcard.CardSaleConfirm), func(ctx context.Context) {
			e := f.Env()
			no, card := e.card(ctx, hzcardsim.CardSpec{Unsold: true})
			c := e.client()
			rep, err := c.Activate(ctx, card, hzcardclient.ActivateOptions{CardNo: no, Cust: cust()})
			Expect(err).NotTo(HaveOccurred())
			Expect(rep.CardPdpt).To(Equal("2000"))
			Expect(rep.OrgiCardPdpt).To(Equal("2000"))
			Expect(rep.RefNum).NotTo(BeEmpty())
			card.PowerOn()
			info, err := hzcardclient.ReadCard(ctx, c, card)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.InitFlag).To(Equal(hzcard.InitFlagOn))
			e.expectWhen(info.CardSaleDate, "")
		})
		f.It("cardReturnApply answers the refundable balance and DEBIT FOR PURCHASE", conformance.Interface(hzcard.CardReturnApply), func(ctx context.Context) {
			e := f.Env()
			no, card := e.card(ctx, hzcardsim.CardSpec{Balance: 3300})
			c := e.client()
			resp := runList(c, card, apdu.NewList(apdu.SelectByNameNoLe(apdu.PurseAID).Bytes(),
				apdu.InitializeForPurchase(1, 3300, hzcard.Terminal(e.cfg.TermID)).Bytes()).String())
			rep, err := c.CardReturnApply(ctx, hzcard.ReturnApplyReq{CardNo: no, ReturnType: hzcard.ReturnGoodCard, CardBal: "3300", APDUNum: "1",
				APDUList: hzcard.APDUs(resp[1:].String()), CustInfo: cust()})
			Expect(err).NotTo(HaveOccurred())
			Expect(rep.ReturnAmt).To(Equal("3300"))
			Expect(string(rep.APDUList)).To(HavePrefix("805401000F"), "IDX_2005")
		})
		f.It("cardReturnConfirm empties the purse and refunds it: card and centre at 0", conformance.Interface(hzcard.CardReturnConfirm), func(ctx context.Context) {
			e := f.Env()
			no, card := e.card(ctx, hzcardsim.CardSpec{Balance: 3300})
			c := e.client()
			rr, err := c.Return(ctx, card, hzcardclient.ReturnOptions{CardNo: no, Cust: *cust()})
			Expect(err).NotTo(HaveOccurred())
			Expect(rr.ReturnAmt).To(BeEquivalentTo(3300))
			Expect(rr.Confirm.OrderNo).To(Equal(rr.OrderNo))
			agree(e, no, card, 0)
			info, err := hzcardclient.ReadCard(ctx, c, card)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.CardStatus).To(Equal(hzcard.CardReturned))
		})
	})
}

// ---- the charge flow ----

func describeFlow(f *conformance.Framework[*env]) {
	Describe("the charge flow through a software card", conformance.Flow, Ordered, func() {
		var (
			e    *env
			c    *hzcardclient.Client
			no   string
			sc   *cpucard.Card
			card interface{ Transmit([]byte) ([]byte, error) }
		)
		BeforeAll(func() {
			e = f.Env()
			c = e.client()
			no, sc = e.card(f.Ctx(), hzcardsim.CardSpec{Balance: 1000})
			card = sc
		})
		f.It("reads the card, charges twice and agrees on every balance", func(ctx context.Context) {
			info, err := hzcardclient.ReadCard(ctx, c, card)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.CardBal).To(Equal("1000"))
			o := mustCreate(ctx, e, c, no, 1500)
			st, _ := state(ctx, c, no, o.no)
			Expect(st).To(Equal(hzcard.StateInitial))
			rep, err := request(ctx, c, card, o, nil)
			Expect(err).NotTo(HaveOccurred())
			st, _ = state(ctx, c, no, o.no)
			Expect(st).To(Equal(hzcard.StateAuthorised))
			if e.sim != nil {
				b, _ := e.sim.CardBalance(no)
				Expect(b).To(BeEquivalentTo(1000), "the centre books nothing before the confirm")
			}
			Expect(confirmWith(ctx, c, card, o, string(rep.APDUList), nil)).To(Succeed())
			st, _ = state(ctx, c, no, o.no)
			Expect(st).To(Equal(hzcard.StateConfirmed))
			agree(e, no, sc, 2500)
			seq := sc.Snapshot().OnlineSeq
			res, err := c.Recharge(ctx, card, hzcardclient.RechargeOptions{CardNo: no, Amount: 3000, PayOrderNo: e.pay()})
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Before).To(BeEquivalentTo(2500))
			agree(e, no, sc, 5500)
			Expect(sc.Snapshot().OnlineSeq).To(Equal(seq+1), "one online counter step per load")
			info, err = hzcardclient.ReadCard(ctx, c, card)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.CardBal).To(Equal("5500"))
			Expect(info.MaxSvAmt).To(Equal("50000"))
		})
		f.It("charges up to exactly walletmaxbal and refuses one charge base more (000041)", func(ctx context.Context) {
			_, err := c.Recharge(ctx, card, hzcardclient.RechargeOptions{CardNo: no, Amount: 44500, PayOrderNo: e.pay()})
			Expect(err).NotTo(HaveOccurred())
			_, err = c.Recharge(ctx, card, hzcardclient.RechargeOptions{CardNo: no, Amount: 50000, PayOrderNo: e.pay()})
			Expect(err).NotTo(HaveOccurred(), "a balance may reach walletmaxbal (100000) exactly")
			agree(e, no, sc, 100000)
			_, err = c.ChargeOrderCreate(ctx, createReq(no, 1000, e.pay()))
			expectCode(err, hzcard.CodeOverLimit, "a charge past walletmaxbal must be refused")
			agree(e, no, sc, 100000)
		})
	})
}

// ---- a tear at each step ----

func describeTears(f *conformance.Framework[*env]) {
	Describe("tears: the card leaves at each step; card and centre end agreeing", conformance.Flow, func() {
		f.It("during the reads: nothing changes, reading again works", func(ctx context.Context) {
			e := f.Env()
			no, card := fresh(ctx, e)
			c := e.client()
			card.TearNext(apdu.INSReadBinary)
			_, err := hzcardclient.ReadCard(ctx, c, card)
			Expect(isTorn(err)).To(BeTrue())
			card.PowerOn()
			info, err := hzcardclient.ReadCard(ctx, c, card)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.CardNo).To(Equal(no))
			agree(e, no, card, 0)
		})
		f.It("during INITIALIZE FOR LOAD: the order stays 1 and loads on the second try", func(ctx context.Context) {
			e := f.Env()
			no, card, c, o := freshOrder(ctx, e, 2000)
			card.TearNext(apdu.INSInitialize)
			_, err := c.Load(ctx, card, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay, LoadList: o.list})
			Expect(isTorn(err)).To(BeTrue())
			st, _ := state(ctx, c, no, o.no)
			Expect(st).To(Equal(hzcard.StateInitial))
			card.PowerOn()
			_, err = c.Load(ctx, card, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay, LoadList: o.list})
			Expect(err).NotTo(HaveOccurred())
			agree(e, no, card, 2000)
		})
		f.It("CREDIT FOR LOAD applied, reply lost: confirm 000151 (state 4), management finds the load (8)", func(ctx context.Context) {
			e := f.Env()
			no, card, c, o := freshOrder(ctx, e, 2000)
			card.TearNext(apdu.INSCreditForLoad)
			pay := o.pay
			_, err := c.Load(ctx, card, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay, LoadList: o.list})
			Expect(isTorn(err)).To(BeTrue())
			on := tornOrder(err)
			st, _ := state(ctx, c, no, on)
			Expect(st).To(Equal(hzcard.StateCardUnknown))
			Expect(int64(card.Snapshot().Balance)).To(BeEquivalentTo(2000), "the card was credited")
			if e.sim != nil {
				b, _ := e.sim.CardBalance(no)
				Expect(b).To(BeZero(), "the centre does not know yet")
			}
			_, err = c.CardChargeRequest(ctx, staleRequest(o))
			expectCode(err, hzcard.CodeNeedManage, "an order in doubt cannot be charged again before management")
			card.PowerOn()
			mr, err := c.Manage(ctx, card, hzcardclient.Order{CardNo: no, OrderNo: on, Amount: 2000, PayOrderNo: pay})
			Expect(err).NotTo(HaveOccurred())
			Expect(mr.Credited).To(BeTrue())
			st, _ = state(ctx, c, no, on)
			Expect(st).To(Equal(hzcard.StateAdjusted))
			agree(e, no, card, 2000)
			_, err = c.ChargeOrderManageRequest(ctx, chargeReq(no, on, 2000, pay))
			expectCode(err, hzcard.CodeNoManageNeeded, "an adjusted order needs no more management")
		})
		f.It("CREDIT FOR LOAD never reached the card: management says not credited (000152, state 3), charging again credits once", func(ctx context.Context) {
			e := f.Env()
			no, card, c, o := freshOrder(ctx, e, 3000)
			_, err := c.Load(ctx, &dropper{card: card, ins: apdu.INSCreditForLoad}, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay, LoadList: o.list})
			Expect(isTorn(err)).To(BeTrue())
			card.PowerOn()
			mr, err := c.Manage(ctx, card, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay})
			Expect(err).NotTo(HaveOccurred())
			Expect(mr).To(Equal(hzcardclient.ManageResult{Code: hzcard.CodeChargeFailed}))
			st, _ := state(ctx, c, no, o.no)
			Expect(st).To(Equal(hzcard.StateCardFailed))
			agree(e, no, card, 0)
			_, err = c.Load(ctx, card, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay, LoadList: o.list})
			Expect(err).NotTo(HaveOccurred())
			agree(e, no, card, 3000)
		})
		f.It("CREDIT FOR LOAD never reached the card: after management the order can be refunded instead", func(ctx context.Context) {
			e := f.Env()
			no, card, c, o := freshOrder(ctx, e, 3000)
			_, err := c.Load(ctx, &dropper{card: card, ins: apdu.INSCreditForLoad}, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay, LoadList: o.list})
			Expect(isTorn(err)).To(BeTrue())
			err = c.ChargeOrderCancel(ctx, hzcard.OrderCancelReq{CardNo: no, OrderNo: o.no})
			expectCode(err, hzcard.CodeNeedManage, "an order in doubt cannot be refunded before management")
			card.PowerOn()
			_, err = c.Manage(ctx, card, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay})
			Expect(err).NotTo(HaveOccurred())
			Expect(c.ChargeOrderCancel(ctx, hzcard.OrderCancelReq{CardNo: no, OrderNo: o.no})).To(Succeed())
			st, ps := state(ctx, c, no, o.no)
			Expect([]string{st, ps}).To(Equal([]string{hzcard.StateRefunded, hzcard.PayRefunded}))
			agree(e, no, card, 0)
		})
		f.It("during management (GET TRANSACTION PROOF): managing again resolves the order", func(ctx context.Context) {
			e := f.Env()
			no, card, o, c := tornCredit(ctx, e)
			card.TearNext(apdu.INSGetProof)
			_, err := c.Manage(ctx, card, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay})
			Expect(isTorn(err)).To(BeTrue())
			card.PowerOn()
			mr, err := c.Manage(ctx, card, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay})
			Expect(err).NotTo(HaveOccurred())
			Expect(mr.Credited).To(BeTrue())
			agree(e, no, card, 1000)
		})
		f.It("the confirm's reply lost: confirming again is 000079 and credits nothing", func(ctx context.Context) {
			e := f.Env()
			no, card, c, o := freshOrder(ctx, e, 2000)
			rep, err := request(ctx, c, card, o, nil)
			Expect(err).NotTo(HaveOccurred())
			resp := runList(c, card, string(rep.APDUList))
			r := chargeReq(no, o.no, o.amt, o.pay)
			r.APDUNum, r.APDUList, r.APDUResp = "1", rep.APDUList, hzcard.RespOf(resp.String())
			_, err = c.CardChargeConfirm(ctx, r)
			Expect(err).NotTo(HaveOccurred())
			_, err = c.CardChargeConfirm(ctx, r)
			expectCode(err, hzcard.CodeCharged, "a confirm sent again for a confirmed order")
			agree(e, no, card, 2000)
		})
	})
}

// ---- negatives ----

// rawBody builds a signed request body, then lets alter change the signed
// message (nil: none).
func rawBody(c *hzcardclient.Client, d any) []byte {
	b, err := c.Body(c.Envelope(), d)
	Expect(err).NotTo(HaveOccurred())
	return b
}

func resign(e *env, msg []byte, p signdomain.Profile) []byte {
	b, err := hzcard.SignMessage(e.instKey, p, msg)
	Expect(err).NotTo(HaveOccurred())
	return b
}

// post sends body as JSON to url outside the client (a body the client
// would not build, an interface it does not know), under the spec's ctx.
func post(ctx context.Context, url string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return http.DefaultClient.Do(req)
}

func describeNegative(f *conformance.Framework[*env]) {
	Describe("negatives: the documented code, never a 5xx, and nothing changes", conformance.Negative, func() {
		query := func(e *env) hzcard.OrderQueryReq {
			return hzcard.OrderQueryReq{CardNo: e.fx.queryCard, RecNumPerPage: "20", CurrPage: "1", OrderBy: hzcard.OrderByDesc}
		}
		f.It("a request signature that does not verify is 000020", conformance.Code(hzcard.CodeBadSign), conformance.Interface(hzcard.ChargeOrderQuery), func(ctx context.Context) {
			e := f.Env()
			c := e.client()
			body := rawBody(c, query(e))
			v, _, _ := signdomain.SignValue(body)
			bad, err := signdomain.SetSign(body, flip(v))
			Expect(err).NotTo(HaveOccurred())
			_, err = c.Send(ctx, hzcard.ChargeOrderQuery, bad, nil)
			expectCode(err, hzcard.CodeBadSign, "§2.3: the server rejects a request whose signature fails")
		})
		f.It("a signature over another sign-domain profile (sign member removed, sorted keys) is 000020", conformance.Code(hzcard.CodeBadSign), conformance.Interface(hzcard.ChargeOrderQuery), func(ctx context.Context) {
			e := f.Env()
			c := e.client()
			for _, p := range []signdomain.Profile{signdomain.SignRemoved, signdomain.SortedSignEmpty} {
				body := rawBody(c, query(e))
				_, err := c.Send(ctx, hzcard.ChargeOrderQuery, resign(e, body, p), nil)
				expectCode(err, hzcard.CodeBadSign, "the sign domain is the message with \"sign\":\"\" as sent (E-HZ-SIGN-DOMAIN), not "+string(p))
			}
		})
		f.It("an unsigned request is 000020", conformance.Code(hzcard.CodeBadSign), conformance.Interface(hzcard.ChargeOrderQuery), func(ctx context.Context) {
			e := f.Env()
			c := e.client()
			msg, err := hzcard.EncodeRequest(c.Envelope(), query(e))
			Expect(err).NotTo(HaveOccurred())
			_, err = c.Send(ctx, hzcard.ChargeOrderQuery, msg, nil)
			expectCode(err, hzcard.CodeBadSign, "sign is required (§2.4)")
		})
		f.It("a body that is not JSON is 999999 (E-HZ-FORMAT-CODE)", conformance.Code(hzcard.CodeUnknown), conformance.Interface(hzcard.ChargeOrderQuery), func(ctx context.Context) {
			e := f.Env()
			c := e.client()
			for _, b := range []string{`{"joininstid":`, `not json`, ``, `[]`} {
				_, err := c.Send(ctx, hzcard.ChargeOrderQuery, []byte(b), nil)
				expectCode(err, hzcard.CodeUnknown, "malformed JSON "+b)
			}
		})
		f.It("a missing or over-long envelope field is 999999", conformance.Code(hzcard.CodeUnknown), conformance.Interface(hzcard.ChargeOrderQuery), func(ctx context.Context) {
			e := f.Env()
			c := e.client()
			env := c.Envelope()
			env.MchntID = "12345"
			b, err := c.Body(env, query(e))
			Expect(err).NotTo(HaveOccurred())
			_, err = c.Send(ctx, hzcard.ChargeOrderQuery, b, nil)
			expectCode(err, hzcard.CodeUnknown, "mchntid is 15 digits (appendix B)")
			env = c.Envelope()
			env.ReqDate = ""
			b, err = c.Body(env, query(e))
			Expect(err).NotTo(HaveOccurred())
			_, err = c.Send(ctx, hzcard.ChargeOrderQuery, b, nil)
			expectCode(err, hzcard.CodeUnknown, "reqdate is required")
		})
		f.It("a body over 1 MiB is refused before parsing, never a 5xx", func(ctx context.Context) {
			e := f.Env()
			big := bytes.Repeat([]byte(" "), 1<<20+10)
			resp, err := post(ctx, e.url+hzcard.Path(hzcard.ChargeOrderQuery), bytes.NewReader(big))
			Expect(err).NotTo(HaveOccurred())
			resp.Body.Close()
			Expect(resp.StatusCode).To(BeNumerically("<", 500))
		})
		f.It("an unknown interface is 999999 in a signed reply", func(ctx context.Context) {
			e := f.Env()
			resp, err := post(ctx, e.url+"/cardfront/noSuchThing/V1", strings.NewReader(`{}`))
			Expect(err).NotTo(HaveOccurred())
			defer resp.Body.Close()
			var r hzcard.Reply
			Expect(json.NewDecoder(resp.Body).Decode(&r)).To(Succeed())
			Expect(r.Result).To(Equal(hzcard.CodeUnknown))
		})
		f.It("the client drops a reply whose signature does not verify, and reports it", func(ctx context.Context) {
			e := f.Env()
			other, err := hzcard.TestKey(hzcard.TestOtherKeyHex)
			Expect(err).NotTo(HaveOccurred())
			c := e.client(func(cfg *hzcardclient.Config) { cfg.CentreKey = other.Public() })
			_, err = c.ChargeOrderQuery(ctx, query(e))
			Expect(wire.IsProtocol(err)).To(BeTrue(), "§2.3: a client that fails to verify drops the reply: %v", err)
			Expect(errors.Is(err, hzcard.ErrBadSignature)).To(BeTrue())
		})
		f.It("a wrong APDU count is 000026 and the order stays 1", conformance.Code(hzcard.CodeAPDUCount), conformance.Interface(hzcard.CardChargeRequest), func(ctx context.Context) {
			e := f.Env()
			no, card, c, o := freshOrder(ctx, e, 1000)
			_, err := request(ctx, c, card, o, func(r *hzcard.ChargeReq) { r.APDUNum = "3" })
			expectCode(err, hzcard.CodeAPDUCount, "apdunum must count the list")
			st, _ := state(ctx, c, no, o.no)
			Expect(st).To(Equal(hzcard.StateInitial))
		})
		f.It("a forged MAC1 is 000031: state 3, nothing loaded, the order can be charged again", conformance.Code(hzcard.CodeMAC1), conformance.Interface(hzcard.CardChargeRequest), func(ctx context.Context) {
			e := f.Env()
			no, card, c, o := freshOrder(ctx, e, 1000)
			_, err := request(ctx, c, card, o, func(r *hzcard.ChargeReq) {
				items := strings.Split(string(r.Resp()), ",")
				items[1] = flipByte(items[1], 15)
				r.APDUResp = hzcard.RespOf(strings.Join(items, ","))
			})
			expectCode(err, hzcard.CodeMAC1, "MAC1 over a forged INITIALIZE FOR LOAD reply")
			st, _ := state(ctx, c, no, o.no)
			Expect(st).To(Equal(hzcard.StateCardFailed))
			card.PowerOn()
			_, err = c.Load(ctx, card, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay, LoadList: o.list})
			Expect(err).NotTo(HaveOccurred(), "state 3 may be charged again (appendix G)")
			agree(e, no, card, 1000)
		})
		f.It("a replayed request (same joininstssn) is 000082 and changes nothing", conformance.Code(hzcard.CodeDuplicateTxn), conformance.Interface(hzcard.ChargeOrderCreate), func(ctx context.Context) {
			e := f.Env()
			no, _ := fresh(ctx, e)
			c := e.client()
			body := rawBody(c, createReq(no, 1000, e.pay()))
			_, err := c.Send(ctx, hzcard.ChargeOrderCreate, body, nil)
			Expect(err).NotTo(HaveOccurred())
			_, err = c.Send(ctx, hzcard.ChargeOrderCreate, body, nil)
			expectCode(err, hzcard.CodeDuplicateTxn, "the same request twice")
			rep, err := c.ChargeOrderQuery(ctx, hzcard.OrderQueryReq{CardNo: no, RecNumPerPage: "20", CurrPage: "1", OrderBy: hzcard.OrderByDesc})
			Expect(err).NotTo(HaveOccurred())
			Expect(rep.TotalNum).To(Equal(1), "one order, not two")
		})
		f.It("an amount over the per-charge maximum is 000041", conformance.Code(hzcard.CodeOverLimit), conformance.Interface(hzcard.ChargeOrderCreate), func(ctx context.Context) {
			e := f.Env()
			no, _ := fresh(ctx, e)
			_, err := e.client().ChargeOrderCreate(ctx, createReq(no, 50100, e.pay()))
			expectCode(err, hzcard.CodeOverLimit, "maxsvamt is 50000")
		})
	})
}

// ---- errata ----

func describeErrata(f *conformance.Framework[*env]) {
	Describe("errata", conformance.Errata, func() {
		f.It("E-HZ-SM2-VECTOR: the §5.1 sample signature does not verify under the standard reading or its common variants", func() {
			var v struct {
				PublicKeyHex, MessageRepaired, MessageAsExtracted, SignatureHex string
			}
			var raw map[string]string
			Expect(json.Unmarshal(seed003Vector, &raw)).To(Succeed())
			v.PublicKeyHex, v.MessageRepaired, v.MessageAsExtracted, v.SignatureHex =
				raw["public_key_hex"], raw["message_repaired"], raw["message_as_extracted"], raw["signature_hex"]
			pub, err := sm2.ParsePublicKey([]byte(v.PublicKeyHex))
			Expect(err).NotTo(HaveOccurred(), "the published key is a valid point")
			sig, err := sm2.ParseSignature([]byte(v.SignatureHex))
			Expect(err).NotTo(HaveOccurred())
			var tried []string
			for _, msg := range []string{v.MessageRepaired, v.MessageAsExtracted, v.MessageRepaired[:len(v.MessageRepaired)-1] + `,"sign":""}`} {
				for _, uid := range [][]byte{nil, []byte{}} {
					ok := false
					if uid == nil {
						ok = sm2.Verify(pub, nil, []byte(msg), sig)
					} else {
						e := sm2.SM3([]byte(msg))
						ok = sm2.VerifyDigest(pub, e[:], sig)
					}
					Expect(ok).To(BeFalse(), "seed 003 §5.1 now verifies over %q: resolve E-HZ-SM2-VECTOR", msg)
					tried = append(tried, msg)
				}
			}
			AddReportEntry("E-HZ-SM2-VECTOR", "the sample does not verify under SM3withSM2 with ZA(1234567812345678) nor SM3 without ZA, over "+
				strings.Join(tried[:2], " / ")+" and variants; codecs/sm2 tries 280 readings with the same outcome")
			e := sm2.SM3([]byte(v.MessageRepaired))
			AddReportEntry("SM3(message)", strings.ToUpper(hex.EncodeToString(e[:])))
		})
		f.It("E-HZ-DATA-OBJECT: data sent as a string holding the JSON object is accepted", func(ctx context.Context) {
			e := f.Env()
			c := e.client()
			d, err := hzcard.Marshal(hzcard.OrderQueryReq{CardNo: e.fx.queryCard, RecNumPerPage: "20", CurrPage: "1", OrderBy: hzcard.OrderByDesc})
			Expect(err).NotTo(HaveOccurred())
			env := c.Envelope()
			s, _ := json.Marshal(string(d))
			env.Data = s
			msg, err := hzcard.EncodeRequest(env, nil)
			Expect(err).NotTo(HaveOccurred())
			_, err = c.Send(ctx, hzcard.ChargeOrderQuery, resign(e, msg, signdomain.Default), nil)
			expectCode(err, hzcard.CodeOK, "data as a string")
		})
		f.It("the catalogue validates and records both readings of 000071 and 000159", func() {
			cat := hzcard.Catalogue()
			Expect(cat.Validate()).To(Succeed())
			ids := map[string]catalog.Erratum{}
			for _, er := range cat.Errata {
				ids[er.ID] = er
			}
			Expect(ids).To(HaveKey("E-HZ-DUP-000071"))
			Expect(ids).To(HaveKey("E-HZ-DUP-000159"))
			Expect(ids).To(HaveKey("E-HZ-ORDER-URLS"))
		})
	})
}
