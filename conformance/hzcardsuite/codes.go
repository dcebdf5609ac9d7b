package hzcardsuite

import (
	"context"
	"strings"

	. "github.com/onsi/gomega" //nolint:revive

	"paycert/codecs/apdu"
	"paycert/conformance"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/wire"
)

// describeCodes is appendix D: one entry per code, provoked, or skipped
// with the catalogue's reason when it cannot be.
func describeCodes(f *conformance.Framework[*env]) {
	f.CodeTable("appendix D: one entry per result code", provokers())
}

// provokers makes the centre answer each provokable code. Every one runs
// against any endpoint: the cards come from the embedded centre's AddCard
// or, against a target, are built from its master_keys for the card
// numbers its params give (env.card, env.fixtureCard); the special cards,
// merchants and terminals come from the fixture (params against a target:
// a missing one skips the code, naming the param).
func provokers() map[string]conformance.Provoker[*env] {
	type check = func(ctx context.Context, e *env)
	anywhere := func(iface string, c check) conformance.Provoker[*env] {
		return conformance.Provoker[*env]{Interface: iface, Check: c}
	}
	createWith := func(ctx context.Context, e *env, cardno string, amt int64, mods ...func(*hzcardclient.Config)) error {
		_, err := e.client(mods...).ChargeOrderCreate(ctx, createReq(cardno, amt, e.pay()))
		return err
	}
	merchant := func(m, term string) func(*hzcardclient.Config) {
		return func(c *hzcardclient.Config) { c.MchntID, c.TermID = m, term }
	}
	queryOf := func(e *env) hzcard.OrderQueryReq {
		return hzcard.OrderQueryReq{CardNo: e.fx.queryCard, RecNumPerPage: "20", CurrPage: "1", OrderBy: hzcard.OrderByDesc}
	}

	// manageList asks for management and runs the list on the card.
	manageList := func(ctx context.Context, c *hzcardclient.Client, card *cpucard.Card, o order) (string, apdu.List) {
		mr, err := c.ChargeOrderManageRequest(ctx, chargeReq(o.cardno, o.no, o.amt, o.pay))
		Expect(err).NotTo(HaveOccurred())
		return string(mr.APDUList), runList(c, card, string(mr.APDUList))
	}
	saleWith := func(ctx context.Context, e *env, cardno string, card *cpucard.Card, named string, ci *hzcard.CustInfo, chal string) (hzcard.SaleRep, error) {
		c := e.client()
		if chal == "" {
			resp := runList(c, card, apdu.NewList(apdu.SelectByNameNoLe(apdu.PurseAID).Bytes(), apdu.GetChallenge(4).Bytes()).String())
			chal = resp[1:].String()
		}
		return c.CardSaleRequest(ctx, hzcard.SaleReq{CardNo: cardno, APDUNum: "1", APDUList: hzcard.APDUs(chal),
			RealNameFlag: named, PayType: hzcard.PayTypeCash, CustInfo: ci})
	}
	returnApply := func(ctx context.Context, e *env, cardno string, card *cpucard.Card, stated string) (hzcard.ReturnApplyRep, error) {
		c := e.client()
		bal := card.Snapshot().Balance
		resp := runList(c, card, apdu.NewList(apdu.SelectByNameNoLe(apdu.PurseAID).Bytes(),
			apdu.InitializeForPurchase(1, bal, hzcard.Terminal(e.cfg.TermID)).Bytes()).String())
		if stated == "" {
			stated = hzcard.Amount(int64(bal))
		}
		return c.CardReturnApply(ctx, hzcard.ReturnApplyReq{CardNo: cardno, ReturnType: hzcard.ReturnGoodCard, CardBal: hzcard.Text(stated),
			APDUNum: "1", APDUList: hzcard.APDUs(resp[1:].String()), CustInfo: cust()})
	}

	provs := map[string]conformance.Provoker[*env]{
		hzcard.CodeOK: anywhere(hzcard.ChargeOrderQuery, func(ctx context.Context, e *env) {
			_, err := e.client().ChargeOrderQuery(ctx, queryOf(e))
			expectCode(err, hzcard.CodeOK, "a well-formed query")
		}),
		hzcard.CodeNoQuota: anywhere(hzcard.ChargeOrderCreate, func(ctx context.Context, e *env) {
			no, _ := fresh(ctx, e)
			expectCode(createWith(ctx, e, no, 1000, merchant(need(e.fx.mchNoQuota, "merchant_no_quota"), need(e.fx.termNoQuota, "term_no_quota"))), hzcard.CodeNoQuota, "merchant without an authorisation quota")
		}),
		hzcard.CodeNoTxnInfo: anywhere(hzcard.ChargeOrderQuery, func(ctx context.Context, e *env) {
			c := e.client()
			msg, err := hzcard.EncodeRequest(c.Envelope(), nil)
			Expect(err).NotTo(HaveOccurred())
			_, err = c.Send(ctx, hzcard.ChargeOrderQuery, resign(e, msg, "sign-empty"), nil)
			expectCode(err, hzcard.CodeNoTxnInfo, "a request without data")
		}),
		hzcard.CodeNoInstitution: anywhere(hzcard.ChargeOrderQuery, func(ctx context.Context, e *env) {
			_, err := e.client(func(c *hzcardclient.Config) { c.JoinInstID = "NOSUCHINST" }).ChargeOrderQuery(ctx, queryOf(e))
			expectCode(err, hzcard.CodeNoInstitution, "unknown joininstid")
		}),
		hzcard.CodeNoMerchant: anywhere(hzcard.ChargeOrderQuery, func(ctx context.Context, e *env) {
			_, err := e.client(func(c *hzcardclient.Config) { c.MchntID = "330599999999999" }).ChargeOrderQuery(ctx, queryOf(e))
			expectCode(err, hzcard.CodeNoMerchant, "unknown mchntid")
		}),
		hzcard.CodeNoTerminal: anywhere(hzcard.ChargeOrderQuery, func(ctx context.Context, e *env) {
			_, err := e.client(func(c *hzcardclient.Config) { c.TermID = "19999999" }).ChargeOrderQuery(ctx, queryOf(e))
			expectCode(err, hzcard.CodeNoTerminal, "unknown termid")
		}),
		hzcard.CodeTerminalCheck: anywhere(hzcard.ChargeOrderQuery, func(ctx context.Context, e *env) {
			_, err := e.client(func(c *hzcardclient.Config) { c.TermID = need(e.fx.termOther, "term_other_merchant") }).ChargeOrderQuery(ctx, queryOf(e))
			expectCode(err, hzcard.CodeTerminalCheck, "a terminal of another merchant")
		}),
		hzcard.CodeBadSign: anywhere(hzcard.ChargeOrderQuery, func(ctx context.Context, e *env) {
			c := e.client()
			body := rawBody(c, queryOf(e))
			_, err := c.Send(ctx, hzcard.ChargeOrderQuery, []byte(strings.Replace(string(body), `"currpage":"1"`, `"currpage":"2"`, 1)), nil)
			expectCode(err, hzcard.CodeBadSign, "a signed request altered after signing")
		}),
		hzcard.CodeNoCard: anywhere(hzcard.CardInfoQuery, func(ctx context.Context, e *env) {
			card := cpucard.MustNew(cpucard.Profile{PAN: need(e.fx.unknown, "unknown_card")})
			_, err := hzcardclient.ReadCard(ctx, e.client(), card)
			expectCode(err, hzcard.CodeNoCard, "a card the centre never issued")
		}),
		hzcard.CodeCardNotFound: anywhere(hzcard.ChargeOrderCreate, func(ctx context.Context, e *env) {
			expectCode(createWith(ctx, e, need(e.fx.unknown, "unknown_card"), 1000), hzcard.CodeCardNotFound, "an order for an unknown card number")
		}),
		hzcard.CodeAPDUCount: anywhere(hzcard.CardInfoQuery, func(ctx context.Context, e *env) {
			_, card := fresh(ctx, e)
			c := e.client()
			list := hzcardclient.ReadList()
			resp := runList(c, card, list)
			_, err := c.CardInfoQuery(ctx, hzcard.CardInfoQueryReq{APDUNum: count(list) + "0", APDUList: hzcard.APDUs(list), APDUResp: hzcard.APDUs(resp.String())})
			expectCode(err, hzcard.CodeAPDUCount, "apdunum does not count the list")
		}),
		hzcard.CodeAPDUResult: anywhere(hzcard.CardChargeRequest, func(ctx context.Context, e *env) {
			_, card, c, o := freshOrder(ctx, e, 1000)
			_, err := request(ctx, c, card, o, func(r *hzcard.ChargeReq) {
				items := strings.Split(string(r.Resp()), ",")
				items[1] = "6985"
				r.APDUResp = hzcard.RespOf(strings.Join(items, ","))
			})
			expectCode(err, hzcard.CodeAPDUResult, "INITIALIZE FOR LOAD answered 6985")
		}),
		hzcard.CodeCardAuth: anywhere(hzcard.CardReturnConfirm, func(ctx context.Context, e *env) {
			no, card := e.card(ctx, hzcardsim.CardSpec{Balance: 1200})
			c := e.client()
			ap, err := returnApply(ctx, e, no, card, "")
			Expect(err).NotTo(HaveOccurred())
			resp := runList(c, card, string(ap.APDUList))
			_, err = c.CardReturnConfirm(ctx, hzcard.ReturnConfirmReq{CardNo: no, RefNum: ap.RefNum, OrderNo: ap.OrderNo, APDUNum: "1",
				APDUList: hzcard.APDUs(flipByte(resp.String(), 7)), CustInfo: cust()})
			expectCode(err, hzcard.CodeCardAuth, "the card's purchase MAC2 forged")
		}),
		hzcard.CodeMAC1: anywhere(hzcard.CardChargeRequest, func(ctx context.Context, e *env) {
			_, card, c, o := freshOrder(ctx, e, 1000)
			_, err := request(ctx, c, card, o, func(r *hzcard.ChargeReq) {
				items := strings.Split(string(r.Resp()), ",")
				items[1] = flipByte(items[1], 12)
				r.APDUResp = hzcard.RespOf(strings.Join(items, ","))
			})
			expectCode(err, hzcard.CodeMAC1, "a forged MAC1")
		}),
		hzcard.CodeRandom: anywhere(hzcard.CardSaleRequest, func(ctx context.Context, e *env) {
			no, card := e.card(ctx, hzcardsim.CardSpec{Unsold: true})
			_, err := saleWith(ctx, e, no, card, "N", nil, "01020304050607089000")
			expectCode(err, hzcard.CodeRandom, "a challenge of 8 bytes")
		}),
		hzcard.CodeCardKey: anywhere(hzcard.CardChargeRequest, func(ctx context.Context, e *env) {
			_, card, c, o := freshOrder(ctx, e, 1000)
			_, err := request(ctx, c, card, o, func(r *hzcard.ChargeReq) {
				items := strings.Split(string(r.Resp()), ",")
				b := []byte(items[1])
				b[12], b[13] = '0', '9' // key version 09
				items[1] = string(b)
				r.APDUResp = hzcard.RespOf(strings.Join(items, ","))
			})
			expectCode(err, hzcard.CodeCardKey, "a key version the centre does not hold")
		}),
		hzcard.CodeBlacklist: anywhere(hzcard.ChargeOrderCreate, func(ctx context.Context, e *env) {
			expectCode(createWith(ctx, e, need(e.fx.blacklisted, "blacklisted_card"), 1000), hzcard.CodeBlacklist, "a blacklisted card")
		}),
		hzcard.CodeNoOrder: anywhere(hzcard.CardChargeRequest, func(ctx context.Context, e *env) {
			_, err := e.client().CardChargeRequest(ctx, hzcard.ChargeReq{CardNo: "2253000000000001", OrderNo: "NOSUCHORDER", ChargeType: hzcard.ChargeTypeWallet,
				PayType: hzcard.PayTypeUnionPay, PayOrderNo: "X", TxnAmt: "1000", APDUNum: "1", APDUList: "805C000204", APDUResp: hzcard.RespOf("000000009000")})
			expectCode(err, hzcard.CodeNoOrder, "an unknown order number")
		}),
		hzcard.CodeOrderState: anywhere(hzcard.ChargeOrderCancel, func(ctx context.Context, e *env) {
			no, card := fresh(ctx, e)
			c := e.client()
			res, err := c.Recharge(ctx, card, hzcardclient.RechargeOptions{CardNo: no, Amount: 1000, PayOrderNo: e.pay()})
			Expect(err).NotTo(HaveOccurred())
			err = c.ChargeOrderCancel(ctx, hzcard.OrderCancelReq{CardNo: no, OrderNo: res.Order.OrderNo})
			expectCode(err, hzcard.CodeOrderState, "a charged order cannot be cancelled (appendix G: refund only in 1, 3, 6, C)")
			o := mustCreate(ctx, e, c, no, 1000)
			r := chargeReq(no, o.no, 1000, o.pay)
			r.APDUNum, r.APDUList, r.APDUResp = "1", "805200000B0000000000000000000000", hzcard.RespOf("")
			_, err = c.CardChargeConfirm(ctx, r)
			expectCode(err, hzcard.CodeOrderState, "a confirm for an order in state 1")
		}),
		hzcard.CodeOverLimit: anywhere(hzcard.ChargeOrderCreate, func(ctx context.Context, e *env) {
			no, _ := e.card(ctx, hzcardsim.CardSpec{Balance: 90000})
			expectCode(createWith(ctx, e, no, 20000), hzcard.CodeOverLimit, "balance + amount over walletmaxbal")
		}),
		hzcard.CodeTAC: anywhere(hzcard.CardChargeConfirm, func(ctx context.Context, e *env) {
			no, card, c, o := freshOrder(ctx, e, 1000)
			rep, err := request(ctx, c, card, o, nil)
			Expect(err).NotTo(HaveOccurred())
			err = confirmWith(ctx, c, card, o, string(rep.APDUList), func(r *hzcard.ChargeReq) {
				r.APDUResp = hzcard.RespOf(flipByte(string(r.Resp()), 0))
			})
			expectCode(err, hzcard.CodeTAC, "a TAC that does not verify")
			card.PowerOn()
			_, err = c.Manage(ctx, card, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay})
			Expect(err).NotTo(HaveOccurred(), "management settles the order after a bad TAC")
		}),
		hzcard.CodeAmountMismatch: anywhere(hzcard.CardChargeRequest, func(ctx context.Context, e *env) {
			_, card, c, o := freshOrder(ctx, e, 1000)
			_, err := request(ctx, c, card, o, func(r *hzcard.ChargeReq) { r.TxnAmt = "2000" })
			expectCode(err, hzcard.CodeAmountMismatch, "txnamt differs from the order")
		}),
		hzcard.CodeAmount: anywhere(hzcard.ChargeOrderCreate, func(ctx context.Context, e *env) {
			no, _ := fresh(ctx, e)
			err := createWith(ctx, e, no, 1050)
			expectCode(err, hzcard.CodeAmount, "not a multiple of chargebase")
			expectDesc(err, "充值金额不满足")
			err = createWith(ctx, e, no, 500)
			expectCode(err, hzcard.CodeAmount, "below minsvamt")
			expectDesc(err, hzcard.TextBelowMinimum)
		}),
		hzcard.CodeNoFee: anywhere(hzcard.ChargeOrderCreate, func(ctx context.Context, e *env) {
			no, _ := fresh(ctx, e)
			expectCode(createWith(ctx, e, no, 1000, merchant(need(e.fx.mchNoFee, "merchant_no_fee"), need(e.fx.termNoFee, "term_no_fee"))), hzcard.CodeNoFee, "merchant without a card service fee")
		}),
		hzcard.CodeCardState: anywhere(hzcard.ChargeOrderCreate, func(ctx context.Context, e *env) {
			expectCode(createWith(ctx, e, need(e.fx.locked, "locked_card"), 1000), hzcard.CodeCardState, "a locked card")
		}),
		hzcard.CodeCharged: anywhere(hzcard.CardChargeRequest, func(ctx context.Context, e *env) {
			no, card, c, o := freshOrder(ctx, e, 1000)
			_, err := c.Load(ctx, card, hzcardclient.Order{CardNo: no, OrderNo: o.no, Amount: o.amt, PayOrderNo: o.pay, LoadList: o.list})
			Expect(err).NotTo(HaveOccurred())
			_, err = c.CardChargeRequest(ctx, staleRequest(o))
			expectCode(err, hzcard.CodeCharged, "a charge request for a charged order")
		}),
		hzcard.CodeCardOpError: anywhere(hzcard.CardSaleConfirm, func(ctx context.Context, e *env) {
			no, card := e.card(ctx, hzcardsim.CardSpec{Unsold: true})
			sr, err := saleWith(ctx, e, no, card, "N", nil, "")
			Expect(err).NotTo(HaveOccurred())
			_, err = e.client().CardSaleConfirm(ctx, hzcard.SaleConfirmReq{CardNo: no, CardResult: hzcard.CardResultFailed, APDUNum: "1", APDUList: "6988",
				RealNameFlag: hzcard.RealNameNo, PayType: hzcard.PayTypeCash, OrderNo: sr.OrderNo, RefNum: sr.RefNum})
			expectCode(err, hzcard.CodeCardOpError, "the terminal reports the card operation failed")
		}),
		hzcard.CodeCardOpUnknown: anywhere(hzcard.CardSaleConfirm, func(ctx context.Context, e *env) {
			no, card := e.card(ctx, hzcardsim.CardSpec{Unsold: true})
			_, err := e.client().Activate(ctx, &dropper{card: card, ins: apdu.INSUpdateBinary}, hzcardclient.ActivateOptions{CardNo: no, Cust: nil})
			Expect(isTorn(err)).To(BeTrue())
			expectCode(errorsUnwrapResult(err), hzcard.CodeCardOpUnknown, "no UPDATE BINARY result")
		}),
		hzcard.CodeDuplicateTxn: anywhere(hzcard.ChargeOrderQuery, func(ctx context.Context, e *env) {
			c := e.client()
			body := rawBody(c, queryOf(e))
			_, _ = c.Send(ctx, hzcard.ChargeOrderQuery, body, nil)
			_, err := c.Send(ctx, hzcard.ChargeOrderQuery, body, nil)
			expectCode(err, hzcard.CodeDuplicateTxn, "the same joininstssn twice")
		}),
		hzcard.CodeDuplicateOrder: anywhere(hzcard.ChargeOrderCreate, func(ctx context.Context, e *env) {
			no, _ := fresh(ctx, e)
			c := e.client()
			pay := e.pay()
			_, err := c.ChargeOrderCreate(ctx, createReq(no, 1000, pay))
			Expect(err).NotTo(HaveOccurred())
			_, err = c.ChargeOrderCreate(ctx, createReq(no, 1000, pay))
			expectCode(err, hzcard.CodeDuplicateOrder, "payorderno used twice")
		}),
		hzcard.CodeRefundMismatch: anywhere(hzcard.CardReturnApply, func(ctx context.Context, e *env) {
			no, card := e.card(ctx, hzcardsim.CardSpec{Balance: 1200})
			_, err := returnApply(ctx, e, no, card, "1300")
			expectCode(err, hzcard.CodeRefundMismatch, "cardbal differs from the card's balance")
		}),
		hzcard.CodeInsufficient: anywhere(hzcard.ChargeOrderCreate, func(ctx context.Context, e *env) {
			no, _ := fresh(ctx, e)
			expectCode(createWith(ctx, e, no, 6000, merchant(need(e.fx.mchLowQuota, "merchant_low_quota"), need(e.fx.termLowQuota, "term_low_quota"))), hzcard.CodeInsufficient, "merchant quota of 5000 fen")
		}),
		hzcard.CodeCardTypeBusiness: anywhere(hzcard.CardReturnApply, func(ctx context.Context, e *env) {
			card := e.fixtureCard(e.fx.student, "student_card")
			_, err := returnApply(ctx, e, e.fx.student, card, "")
			expectCode(err, hzcard.CodeCardTypeBusiness, "a student card cannot be returned")
		}),
		hzcard.CodeReportedLost: anywhere(hzcard.ChargeOrderCreate, func(ctx context.Context, e *env) {
			expectCode(createWith(ctx, e, need(e.fx.lost, "lost_card"), 1000), hzcard.CodeReportedLost, "a card reported lost")
		}),
		hzcard.CodeAlreadyApplied: anywhere(hzcard.CardReturnApply, func(ctx context.Context, e *env) {
			no, card := e.card(ctx, hzcardsim.CardSpec{Balance: 1200})
			_, err := returnApply(ctx, e, no, card, "")
			Expect(err).NotTo(HaveOccurred())
			card.PowerOn()
			_, err = returnApply(ctx, e, no, card, "")
			expectCode(err, hzcard.CodeAlreadyApplied, "a second return while one is pending")
		}),
		hzcard.CodeNoNamedRegistration: anywhere(hzcard.CardSaleRequest, func(ctx context.Context, e *env) {
			card := e.fixtureCard(e.fx.unsoldSenior, "unsold_senior_card")
			_, err := saleWith(ctx, e, e.fx.unsoldSenior, card, "Y", cust(), "")
			expectCode(err, hzcard.CodeNoNamedRegistration, "a senior card sold by name")
		}),
		hzcard.CodeNoRealName: anywhere(hzcard.CardSaleRequest, func(ctx context.Context, e *env) {
			no, card := e.card(ctx, hzcardsim.CardSpec{Unsold: true})
			_, err := saleWith(ctx, e, no, card, "Y", nil, "")
			expectCode(err, hzcard.CodeNoRealName, "a real-name sale without custinfo")
		}),
		hzcard.CodeCardMismatch: anywhere(hzcard.CardChargeRequest, func(ctx context.Context, e *env) {
			no, card := fresh(ctx, e)
			other, _ := fresh(ctx, e)
			c := e.client()
			o := mustCreate(ctx, e, c, no, 1000)
			_, err := request(ctx, c, card, o, func(r *hzcard.ChargeReq) { r.CardNo = other })
			expectCode(err, hzcard.CodeCardMismatch, "the order is for another card")
		}),
		hzcard.CodeNeedManage: anywhere(hzcard.CardChargeRequest, func(ctx context.Context, e *env) {
			_, _, o, c := tornCredit(ctx, e)
			_, err := c.CardChargeRequest(ctx, staleRequest(o))
			expectCode(err, hzcard.CodeNeedManage, "charging an order in doubt (state 4)")
		}),
		hzcard.CodeChargeFailed: anywhere(hzcard.ChargeOrderManageRequest, func(ctx context.Context, e *env) {
			no, _ := fresh(ctx, e)
			c := e.client()
			o := mustCreate(ctx, e, c, no, 1000)
			_, err := c.ChargeOrderManageRequest(ctx, chargeReq(no, o.no, o.amt, o.pay))
			expectCode(err, hzcard.CodeChargeFailed, "managing an order never written (state 1)")
		}),
		hzcard.CodeManagePacket: anywhere(hzcard.ChargeOrderManageConfirm, func(ctx context.Context, e *env) {
			no, card, o, c := tornCredit(ctx, e)
			_, resp := manageList(ctx, c, card, o)
			r := chargeReq(no, o.no, o.amt, o.pay)
			r.APDUNum, r.APDUList, r.APDUResp = "3", "00A4040008A000000632010105,805C000204,805A00020200FF08", hzcard.RespOf(resp.String())
			_, err := c.ChargeOrderManageConfirm(ctx, r)
			expectCode(err, hzcard.CodeManagePacket, "a manage confirm for another list")
		}),
		hzcard.CodeNoManageNeeded: anywhere(hzcard.ChargeOrderManageRequest, func(ctx context.Context, e *env) {
			no, card := fresh(ctx, e)
			c := e.client()
			pay := e.pay()
			res, err := c.Recharge(ctx, card, hzcardclient.RechargeOptions{CardNo: no, Amount: 1000, PayOrderNo: pay})
			Expect(err).NotTo(HaveOccurred())
			_, err = c.ChargeOrderManageRequest(ctx, chargeReq(no, res.Order.OrderNo, 1000, pay))
			expectCode(err, hzcard.CodeNoManageNeeded, "managing a confirmed order")
		}),
		hzcard.CodeManual: anywhere(hzcard.ChargeOrderManageConfirm, func(ctx context.Context, e *env) {
			no, card, o, c := tornCredit(ctx, e)
			list, resp := manageList(ctx, c, card, o)
			resp[2].Bytes[5] ^= 0x01 // the proof's TAC
			r := chargeReq(no, o.no, o.amt, o.pay)
			r.APDUNum, r.APDUList, r.APDUResp = "3", hzcard.APDUs(list), hzcard.RespOf(resp.String())
			_, err := c.ChargeOrderManageConfirm(ctx, r)
			expectCode(err, hzcard.CodeManual, "a transaction proof that does not verify goes to manual handling")
			st, _ := state(ctx, c, no, o.no)
			Expect(st).To(Equal(hzcard.StateAdjustFailed))
		}),
		hzcard.CodePayType: anywhere(hzcard.ChargeOrderCreate, func(ctx context.Context, e *env) {
			no, _ := fresh(ctx, e)
			r := createReq(no, 1000, e.pay())
			r.PayType = "99"
			_, err := e.client().ChargeOrderCreate(ctx, r)
			expectCode(err, hzcard.CodePayType, "paytype 99")
		}),
		hzcard.CodePayTypeNotAllowed: anywhere(hzcard.ChargeOrderCreate, func(ctx context.Context, e *env) {
			no, _ := fresh(ctx, e)
			r := createReq(no, 1000, "")
			r.PayType = hzcard.PayTypeCash
			_, err := e.client().ChargeOrderCreate(ctx, r)
			expectCode(err, hzcard.CodePayTypeNotAllowed, "cash on an app channel")
		}),
		hzcard.CodeCancelled: anywhere(hzcard.ChargeOrderCancel, func(ctx context.Context, e *env) {
			no, _ := fresh(ctx, e)
			c := e.client()
			o := mustCreate(ctx, e, c, no, 1000)
			Expect(c.ChargeOrderCancel(ctx, hzcard.OrderCancelReq{CardNo: no, OrderNo: o.no})).To(Succeed())
			err := c.ChargeOrderCancel(ctx, hzcard.OrderCancelReq{CardNo: no, OrderNo: o.no})
			expectCode(err, hzcard.CodeCancelled, "a cancelled order")
			expectDesc(err, "订单已取消")
			err = createWith(ctx, e, need(e.fx.senior, "senior_card"), 1000)
			expectCode(err, hzcard.CodeCancelled, "a supplementary load for a senior card")
			expectDesc(err, hzcard.TextNoSupplementary)
		}),
		hzcard.CodeCardStateHost: anywhere(hzcard.ChargeOrderCreate, func(ctx context.Context, e *env) {
			no, _ := e.card(ctx, hzcardsim.CardSpec{Unsold: true})
			expectCode(createWith(ctx, e, no, 1000), hzcard.CodeCardStateHost, "charging a card not yet activated")
		}),
		hzcard.CodeUnknown: anywhere(hzcard.ChargeOrderQuery, func(ctx context.Context, e *env) {
			_, err := e.client().Send(ctx, hzcard.ChargeOrderQuery, []byte(`{"joininstid":"HZTEST0001",`), nil)
			expectCode(err, hzcard.CodeUnknown, "malformed JSON")
		}),
	}
	return provs
}

// errorsUnwrapResult digs the centre's answer out of a flow error that also
// carries a tear.
func errorsUnwrapResult(err error) error {
	if k := wire.Code(err); k != "" {
		return &wire.ResultError{Platform: hzcard.Platform, Code: k}
	}
	return err
}
