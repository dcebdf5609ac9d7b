package hzcardsim

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/sim"
)

// ---- shared checks ----

// apdus parses an APDU exchange: apdunum must count apdulist, and apduresp
// may be shorter only where the caller allows a torn tail (tornOK). It
// returns the responses; a missing tail item is reported by len(resp) <
// len(cmds).
func (s *Simulator) apdus(c *call, num hzcard.Text, list, resp hzcard.APDUs, tornOK bool) ([]apdu.Command, []apdu.Response, *fail) {
	cl, err := apdu.ParseList(string(list))
	if err != nil {
		return nil, nil, s.refuse(c.iface, sim.Violation{Path: "data.apdulist", Rule: "apdu-format", Section: secAPDU, Value: string(list)}, hzcard.CodeAPDUResult, "apdulist: %v", err)
	}
	rl, err := apdu.ParseList(string(resp))
	if err != nil {
		return nil, nil, s.refuse(c.iface, sim.Violation{Path: "data.apduresp", Rule: "apdu-format", Section: secAPDU, Value: string(resp)}, hzcard.CodeAPDUResult, "apduresp: %v", err)
	}
	n, err := strconv.Atoi(string(num))
	count := !s.faults.Has(FaultAPDUCountIgnored)
	if count && (err != nil || n != len(cl) || len(rl) > len(cl) || len(rl) < len(cl) && !tornOK) {
		return nil, nil, s.refuse(c.iface, sim.Violation{Path: "data.apdunum", Rule: "apdu-count", Section: secAPDU, Value: string(num)},
			hzcard.CodeAPDUCount, "apdunum %s, %d commands, %d responses", num, len(cl), len(rl))
	}
	cmds, err := cl.Commands()
	if err != nil {
		return nil, nil, s.failf(hzcard.CodeAPDUResult, "apdulist: %v", err)
	}
	var rs []apdu.Response
	for i, e := range rl {
		r, err := apdu.ParseResponse(e.Bytes)
		if err != nil {
			return nil, nil, s.failf(hzcard.CodeAPDUResult, "apduresp item %d: %v", i+1, err)
		}
		rs = append(rs, r)
	}
	return cmds, rs, nil
}

// results parses a results-only list (4.10-4.13 carry results in apdulist).
func (s *Simulator) results(c *call, num hzcard.Text, list hzcard.APDUs) ([]apdu.Response, bool, *fail) {
	rl, err := apdu.ParseList(string(list))
	if err != nil {
		return nil, false, s.refuse(c.iface, sim.Violation{Path: "data.apdulist", Rule: "apdu-format", Section: secAPDU, Value: string(list)}, hzcard.CodeAPDUResult, "apdulist: %v", err)
	}
	n, err := strconv.Atoi(string(num))
	if err != nil || n < len(rl) {
		return nil, false, s.refuse(c.iface, sim.Violation{Path: "data.apdunum", Rule: "apdu-count", Section: secAPDU, Value: string(num)},
			hzcard.CodeAPDUCount, "apdunum %s, %d results", num, len(rl))
	}
	var rs []apdu.Response
	torn := false
	for i, e := range rl {
		if len(e.Bytes) < 2 {
			torn = true
			break
		}
		r, err := apdu.ParseResponse(e.Bytes)
		if err != nil {
			return nil, false, s.failf(hzcard.CodeAPDUResult, "apdulist item %d: %v", i+1, err)
		}
		rs = append(rs, r)
	}
	if len(rs) < n {
		torn = true
	}
	return rs, torn, nil
}

// cardFor finds a card by number and applies the checks every business
// interface shares. sold: the card must be activated.
func (s *Simulator) cardFor(no string, sold bool) (*card, *fail) {
	cd := s.cards[no]
	if cd == nil {
		return nil, s.failf(hzcard.CodeCardNotFound, "cardno %s", no)
	}
	if cd.blacklisted && !s.faults.Has(FaultBlacklistIgnored) {
		return nil, s.failf(hzcard.CodeBlacklist, "")
	}
	switch cd.status {
	case hzcard.CardLost:
		return nil, s.failf(hzcard.CodeReportedLost, "")
	case hzcard.CardLocked, hzcard.CardReturned:
		d, _ := hzcard.Desc(hzcard.CardStates(), cd.status)
		return nil, s.failf(hzcard.CodeCardState, "card %s", d)
	}
	if sold && cd.initflag != hzcard.InitFlagOn {
		return nil, s.failf(hzcard.CodeCardStateHost, "card not activated (initflag 00)")
	}
	return cd, nil
}

func (s *Simulator) nextNo(prefix string, c *call) string {
	s.seq++
	return fmt.Sprintf("%s%s%010d", prefix, c.now.Format("20060102"), s.seq)
}

func (s *Simulator) payCheck(c *call, paytype, payorderno string) *fail {
	if _, ok := hzcard.Desc(hzcard.PayTypes(), paytype); !ok {
		return s.failf(hzcard.CodePayType, "paytype %q", paytype)
	}
	if paytype == hzcard.PayTypeCash && !hzcard.CashChannel(c.req.ChnlID) {
		return s.failf(hzcard.CodePayTypeNotAllowed, "cash on channel %s", c.req.ChnlID)
	}
	if paytype != hzcard.PayTypeCash && payorderno == "" {
		return s.refuse(c.iface, sim.Violation{Path: "data.payorderno", Rule: "field-conditional", Section: "003 §4.2 (erratum E-HZ-PAYTYPES)"},
			hzcard.CodeUnknown, "payorderno is required (C+) when paytype is not %s", hzcard.PayTypeCash)
	}
	return nil
}

// chargeOrder decodes a 4.5-4.8 request into r, finds its charge order and
// checks what all four share.
func (s *Simulator) chargeOrder(c *call, r *hzcard.ChargeReq) (*order, *card, *fail) {
	if f := s.decode(c, r); f != nil {
		return nil, nil, f
	}
	o := s.orders[r.OrderNo]
	if o == nil || o.kind != kindCharge {
		return nil, nil, s.failf(hzcard.CodeNoOrder, "orderno %q", r.OrderNo)
	}
	if o.cardno != r.CardNo {
		return nil, nil, s.failf(hzcard.CodeCardMismatch, "order %s is for card %s", o.no, o.cardno)
	}
	if _, ok := hzcard.Desc(hzcard.ChargeTypes(), r.ChargeType); !ok {
		return nil, nil, s.refuse(c.iface, sim.Violation{Path: "data.chargetype", Rule: "field-value", Section: "003 §4.2", Value: r.ChargeType}, hzcard.CodeUnknown, "chargetype %q is not in the §4.2 table", r.ChargeType)
	}
	if _, ok := hzcard.Desc(hzcard.PayTypes(), r.PayType); !ok {
		return nil, nil, s.failf(hzcard.CodePayType, "paytype %q", r.PayType)
	}
	amt, err := hzcard.ParseAmount(string(r.TxnAmt))
	if err != nil {
		return nil, nil, s.failf(hzcard.CodeUnknown, "txnamt: %v", err)
	}
	if o.state == hzcard.StateRefundApplied || o.state == hzcard.StateRefunded {
		return nil, nil, s.failf(hzcard.CodeCancelled, "")
	}
	if amt != o.amount {
		return nil, nil, s.failf(hzcard.CodeAmountMismatch, "txnamt %d, order %d", amt, o.amount)
	}
	cd := s.cards[o.cardno]
	return o, cd, nil
}

// ---- 4.1 cardInfoQuery ----

func (s *Simulator) cardInfoQuery(c *call) (any, *fail) {
	var r hzcard.CardInfoQueryReq
	if f := s.decode(c, &r); f != nil {
		return nil, f
	}
	cmds, rs, f := s.apdus(c, r.APDUNum, r.APDUList, r.APDUResp, false)
	if f != nil {
		return nil, f
	}
	var pub *cpucard.PublicInfo
	bal := int64(-1)
	for i, cmd := range cmds {
		if i >= len(rs) {
			break
		}
		resp := rs[i]
		required := false
		switch {
		case cmd.INS == apdu.INSSelect && cmd.P1 == 0x04 && !bytes.Equal(cmd.Data, apdu.PPSE):
			// The purse selection (IDX_0002): A000000632010105, or the AID
			// of a card variant with its own (the card is not known yet:
			// file 0x15 comes after the SELECT).
			required = true
		case cmd.INS == apdu.INSGetBalance:
			required = true
			if resp.OK() {
				b, err := apdu.ParseBalance(resp.Data)
				if err != nil {
					return nil, s.failf(hzcard.CodeAPDUResult, "GET BALANCE: %v", err)
				}
				bal = int64(b)
			}
		case cmd.INS == apdu.INSReadBinary && cmd.P1 == 0x80|cpucard.SFIPublic:
			required = true
			if resp.OK() {
				p, err := cpucard.ParsePublicInfo(resp.Data)
				if err != nil {
					return nil, s.failf(hzcard.CodeAPDUResult, "file 0x15: %v", err)
				}
				pub = &p
			}
		}
		if required && !resp.OK() {
			return nil, s.failf(hzcard.CodeAPDUResult, "%s answered %s", cmd, resp.SW)
		}
	}
	if pub == nil || bal < 0 {
		return nil, s.refuse(c.iface, sim.Violation{Path: "data.apdulist", Rule: "apdu-missing", Section: "003 §4.1, appendix C"}, hzcard.CodeAPDUCount, "the results must include READ BINARY 0x15 (IDX_0004) and GET BALANCE (IDX_0003)")
	}
	no := pub.ShortCardNumber()
	cd := s.cards[no]
	if cd == nil {
		return nil, s.failf(hzcard.CodeNoCard, "card %s", no)
	}
	if cd.blacklisted && !s.faults.Has(FaultBlacklistIgnored) {
		return nil, s.failf(hzcard.CodeBlacklist, "")
	}
	t := s.types[cd.ctype]
	st, _ := hzcard.Desc(hzcard.CardStates(), cd.status)
	fl, _ := hzcard.Desc(hzcard.InitFlags(), cd.initflag)
	info := hzcard.CardInfo{
		CardNo: cd.no, CardFaceNo: cd.face, CardStatus: cd.status, CardStatusDesc: st,
		CardType: cd.ctype, CardTypeName: t.name, InitFlag: cd.initflag, InitFlagDesc: fl,
		CardSaleDate: cd.saleDate, CardValDate: cd.valDate,
		ChargeBase: hzcard.Amount(t.chargeBase), MinSvAmt: hzcard.Amount(t.minCharge),
		MaxSvAmt: hzcard.Amount(maxCharge(t, cd.walletMax, bal)), WalletMaxBal: hzcard.Amount(cd.walletMax),
		CardBal: hzcard.Amount(bal),
	}
	if s.faults.Has(FaultInfoDropsField) {
		info.CardFaceNo = ""
	}
	return info, nil
}

// maxCharge is erratum E-HZ-MAXSVAMT: min(per-charge max, walletmaxbal -
// balance) rounded down to the charge base.
func maxCharge(t cardType, walletMax, bal int64) int64 {
	m := min(t.maxCharge, walletMax-bal)
	if m < 0 {
		return 0
	}
	return m - m%t.chargeBase
}

// ---- 4.2 chargeOrderCreate ----

func (s *Simulator) orderCreate(c *call) (any, *fail) {
	var r hzcard.OrderCreateReq
	if f := s.decode(c, &r); f != nil {
		return nil, f
	}
	if _, ok := hzcard.Desc(hzcard.ChargeTypes(), r.ChargeType); !ok {
		return nil, s.refuse(c.iface, sim.Violation{Path: "data.chargetype", Rule: "field-value", Section: "003 §4.2", Value: r.ChargeType}, hzcard.CodeUnknown, "chargetype %q is not in the §4.2 table", r.ChargeType)
	}
	if f := s.payCheck(c, r.PayType, r.PayOrderNo); f != nil {
		return nil, f
	}
	cd, f := s.cardFor(r.CardNo, true)
	if f != nil {
		return nil, f
	}
	t := s.types[cd.ctype]
	otype := hzcard.OrderTypeFor(c.req.ChnlID)
	if otype == hzcard.OrderSupplementary && !t.supplementary {
		return nil, &fail{code: hzcard.CodeCancelled, desc: hzcard.TextNoSupplementary}
	}
	if r.PayOrderNo != "" && !s.faults.Has(FaultDuplicatePayOrder) {
		if prev, dup := s.payOrders[r.PayOrderNo]; dup {
			return nil, s.failf(hzcard.CodeDuplicateOrder, "payorderno %s is order %s", r.PayOrderNo, prev)
		}
	}
	amt, err := hzcard.ParseAmount(string(r.TxnAmt))
	if err != nil {
		return nil, s.failf(hzcard.CodeUnknown, "txnamt: %v", err)
	}
	switch {
	case amt%t.chargeBase != 0 || amt == 0:
		return nil, s.failf(hzcard.CodeAmount, "%d is not a multiple of chargebase %d", amt, t.chargeBase)
	case amt < t.minCharge:
		return nil, &fail{code: hzcard.CodeAmount, desc: hzcard.TextBelowMinimum + fmt.Sprintf(": %d < %d", amt, t.minCharge)}
	case amt > t.maxCharge:
		return nil, s.failf(hzcard.CodeOverLimit, "%d over the per-charge maximum %d", amt, t.maxCharge)
	case s.overWallet(cd.balance+amt, cd.walletMax):
		return nil, s.failf(hzcard.CodeOverLimit, "balance %d + %d over walletmaxbal %d", cd.balance, amt, cd.walletMax)
	}
	m := c.mch
	switch {
	case !m.hasQuota:
		return nil, s.failf(hzcard.CodeNoQuota, "merchant %s", m.id)
	case !m.hasFee:
		return nil, s.failf(hzcard.CodeNoFee, "merchant %s", m.id)
	case m.quota < amt:
		return nil, s.failf(hzcard.CodeInsufficient, "merchant %s has %d fen of quota", m.id, m.quota)
	}
	m.quota -= amt
	o := &order{no: s.nextNo("HZ", c), kind: kindCharge, cardno: cd.no, payOrderNo: r.PayOrderNo, amount: amt,
		state: hzcard.StateInitial, payState: hzcard.PayPaid, orderType: otype, chnlid: c.req.ChnlID,
		paytype: r.PayType, merchant: m.id, created: c.now, txn: c.now, terminal: hzcard.Terminal(c.req.TermID)}
	o.issued = apdu.NewList(apdu.SelectByNameNoLe(cd.aid).Bytes(),
		apdu.InitializeForLoad(cd.keyIdx, uint32(amt), o.terminal).Bytes()).String()
	o.loadList = o.issued
	s.addOrder(o)
	if r.PayOrderNo != "" {
		s.payOrders[r.PayOrderNo] = o.no
	}
	s.ledger.paidIn += amt
	s.ledger.ordersCreated++
	tm := stamp(c.now)
	return hzcard.APDUReply{OrderNo: o.no, APDUNum: "2", APDUList: hzcard.APDUs(o.issued),
		TxnTime: tm.TxnTime, TxnDate: tm.TxnDate, SettDate: tm.SettDate}, nil
}

// overWallet is the walletmaxbal rule: a balance may reach the maximum,
// not pass it.
func (s *Simulator) overWallet(after, max int64) bool {
	if s.faults.Has(FaultLimitOffByOne) {
		return after >= max
	}
	return after > max
}

// ---- 4.3 chargeOrderQuery ----

func (s *Simulator) orderQuery(c *call) (any, *fail) {
	var r hzcard.OrderQueryReq
	if f := s.decode(c, &r); f != nil {
		return nil, f
	}
	per, err1 := strconv.Atoi(string(r.RecNumPerPage))
	page, err2 := strconv.Atoi(string(r.CurrPage))
	if err1 != nil || per < 1 || per > 20 {
		return nil, s.refuse(c.iface, sim.Violation{Path: "data.recnumperpage", Rule: "field-value", Section: "003 §4.3.1 (erratum E-HZ-QUERY-DUPROWS)", Value: string(r.RecNumPerPage)}, hzcard.CodeUnknown, "recnumperpage %q: 1 to 20", r.RecNumPerPage)
	}
	if err2 != nil || page < 1 {
		return nil, s.refuse(c.iface, sim.Violation{Path: "data.currpage", Rule: "field-value", Section: "003 §4.3.1", Value: string(r.CurrPage)}, hzcard.CodeUnknown, "currpage %q: from 1", r.CurrPage)
	}
	by := string(r.OrderBy)
	if by != hzcard.OrderByDesc && by != hzcard.OrderByAsc {
		return nil, s.refuse(c.iface, sim.Violation{Path: "data.orderby", Rule: "field-value", Section: "003 §4.3.1", Value: string(r.OrderBy)}, hzcard.CodeUnknown, "orderby %q: 0 or 1", r.OrderBy)
	}
	if r.OrderState != "" {
		if _, ok := hzcard.Desc(hzcard.OrderStates(), r.OrderState); !ok {
			return nil, s.refuse(c.iface, sim.Violation{Path: "data.orderstate", Rule: "field-value", Section: "003 appendix G", Value: r.OrderState}, hzcard.CodeUnknown, "orderstate %q is not in appendix G", r.OrderState)
		}
	}
	if s.cards[r.CardNo] == nil {
		return nil, s.failf(hzcard.CodeCardNotFound, "cardno %s", r.CardNo)
	}
	var list []*order
	for _, o := range s.orders {
		if o.kind == kindCharge && o.cardno == r.CardNo && (r.OrderNo == "" || o.no == r.OrderNo) &&
			(r.OrderState == "" || o.state == r.OrderState) {
			list = append(list, o)
		}
	}
	if r.OrderNo != "" && len(list) == 0 {
		return nil, s.failf(hzcard.CodeNoOrder, "orderno %s", r.OrderNo)
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if !a.created.Equal(b.created) {
			return a.created.Before(b.created) == (by == hzcard.OrderByAsc)
		}
		return (a.no < b.no) == (by == hzcard.OrderByAsc)
	})
	rep := hzcard.OrderQueryRep{CurrPage: page, RecNumPerPage: per, TotalNum: len(list),
		TotalPage: (len(list) + per - 1) / per, OrderList: []hzcard.OrderItem{}}
	for i := (page - 1) * per; i < len(list) && i < page*per; i++ {
		rep.OrderList = append(rep.OrderList, item(list[i]))
	}
	return rep, nil
}

func item(o *order) hzcard.OrderItem {
	d := func(t []hzcard.Entry, k string) string { v, _ := hzcard.Desc(t, k); return v }
	return hzcard.OrderItem{
		OrderNo: o.no, CardNo: o.cardno, OrderState: o.state, OrderStateDesc: d(hzcard.OrderStates(), o.state),
		OrderAmt: hzcard.Amount(o.amount), OrderDate: o.created.Format("20060102"), OrderTime: o.created.Format("150405"),
		TxnDate: o.txn.Format("20060102"), TxnTime: o.txn.Format("150405"),
		OrderType: o.orderType, OrderTypeDesc: d(hzcard.OrderTypes(), o.orderType),
		ChnlID: o.chnlid, ChnlIDDesc: d(hzcard.Channels(), o.chnlid),
		PayType: o.paytype, PayTypeDesc: d(hzcard.PayTypes(), o.paytype),
		PayState: o.payState, PayStateDesc: d(hzcard.PayStates(), o.payState),
	}
}

// ---- 4.4 chargeOrderCancel ----

func (s *Simulator) orderCancel(c *call) (any, *fail) {
	var r hzcard.OrderCancelReq
	if f := s.decode(c, &r); f != nil {
		return nil, f
	}
	o := s.orders[r.OrderNo]
	if o == nil || o.kind != kindCharge {
		return nil, s.failf(hzcard.CodeNoOrder, "orderno %q", r.OrderNo)
	}
	if o.cardno != r.CardNo {
		return nil, s.failf(hzcard.CodeCardMismatch, "order %s is for card %s", o.no, o.cardno)
	}
	switch {
	case o.state == hzcard.StateRefundApplied || o.state == hzcard.StateRefunded:
		return nil, s.failf(hzcard.CodeCancelled, "")
	case hzcard.Refundable(o.state):
	case hzcard.Credited(o.state) && s.faults.Has(FaultCancelAfterCredit):
		o.credits = 0 // the broken centre forgets the load when it refunds
	case hzcard.NeedsManagement(o.state):
		return nil, s.failf(hzcard.CodeNeedManage, "order %s is in state %s", o.no, o.state)
	default:
		return nil, s.failf(hzcard.CodeOrderState, "order %s is in state %s", o.no, o.state)
	}
	o.state, o.payState, o.txn = hzcard.StateRefunded, hzcard.PayRefunded, c.now
	o.refunds++
	s.ledger.refunded += o.amount
	if m := s.merchants[o.merchant]; m != nil && m.hasQuota {
		m.quota += o.amount
	}
	return nil, nil
}

// ---- 4.5 cardChargeRequest ----

func (s *Simulator) chargeRequest(c *call) (any, *fail) {
	var r hzcard.ChargeReq
	o, cd, f := s.chargeOrder(c, &r)
	if f != nil {
		return nil, f
	}
	switch {
	case hzcard.Credited(o.state):
		return nil, s.failf(hzcard.CodeCharged, "")
	case hzcard.NeedsManagement(o.state):
		return nil, s.failf(hzcard.CodeNeedManage, "order %s is in state %s", o.no, o.state)
	case !hzcard.Rechargeable(o.state):
		return nil, s.failf(hzcard.CodeOrderState, "order %s is in state %s", o.no, o.state)
	}
	if _, f := s.cardFor(cd.no, true); f != nil {
		return nil, f
	}
	_, rs, f := s.apdus(c, r.APDUNum, r.APDUList, r.Resp(), false)
	if f != nil {
		return nil, f
	}
	if mustList(string(r.APDUList)).String() != o.loadList {
		return nil, s.failf(hzcard.CodeAPDUResult, "apdulist is not the list chargeOrderCreate issued")
	}
	for i, resp := range rs {
		if !resp.OK() {
			o.state, o.txn = hzcard.StateCardFailed, c.now
			return nil, s.failf(hzcard.CodeAPDUResult, "command %d answered %s", i+1, resp.SW)
		}
	}
	ir, err := apdu.ParseInitLoadReply(rs[len(rs)-1].Data)
	if err != nil {
		o.state = hzcard.StateCardFailed
		return nil, s.failf(hzcard.CodeAPDUResult, "INITIALIZE FOR LOAD reply: %v", err)
	}
	if ir.KeyVer != 0x01 || ir.AlgID != algID(cd) {
		o.state = hzcard.StateCardFailed
		return nil, s.failf(hzcard.CodeCardKey, "key version %02X algorithm %02X not held for this card", ir.KeyVer, ir.AlgID)
	}
	ses, err := cd.scheme.LoadSessionKey(s.keysOf(cd).DLK, ir.Random, ir.OnlineSeq)
	if err != nil {
		return nil, s.failf(hzcard.CodeCardKey, "%v", err)
	}
	l := epurse.Load{OldBalance: ir.Balance, Amount: uint32(o.amount), Type: epurse.TypePurseLoad,
		Terminal: o.terminal, OnlineSeq: ir.OnlineSeq, Random: ir.Random}
	mac1, err := cd.scheme.LoadMAC1(ses, l)
	if err != nil {
		return nil, s.failf(hzcard.CodeCardKey, "%v", err)
	}
	if subtle.ConstantTimeCompare(mac1, ir.MAC1[:]) != 1 && !s.faults.Has(FaultMAC1NotChecked) {
		o.state, o.txn = hzcard.StateCardFailed, c.now
		return nil, s.refuse(c.iface, sim.Violation{Path: "data.apduresp", Rule: "mac1", Section: "003 §4.5 (erratum E-HZ-FLOW)", Detail: fmt.Sprintf("MAC1 %X does not verify", ir.MAC1)}, hzcard.CodeMAC1, "")
	}
	if s.overWallet(int64(ir.Balance)+o.amount, cd.walletMax) {
		o.state, o.txn = hzcard.StateCardFailed, c.now
		return nil, s.failf(hzcard.CodeOverLimit, "card balance %d + %d over walletmaxbal %d", ir.Balance, o.amount, cd.walletMax)
	}
	tm := stamp(c.now)
	dt, err := hzcard.BCDDateTime(tm.TxnDate, tm.TxnTime)
	if err != nil {
		return nil, s.failf(hzcard.CodeUnknown, "%v", err)
	}
	l.DateTime = dt
	m2 := l
	if s.faults.Has(FaultMAC2WrongData) {
		m2.Type = epurse.TypeDepositLoad
	}
	mac2, err := cd.scheme.LoadMAC2(ses, m2)
	if err != nil {
		return nil, s.failf(hzcard.CodeCardKey, "%v", err)
	}
	o.onlineSeq, o.random, o.oldBal, o.dateTime, o.loadKnown = ir.OnlineSeq, ir.Random, ir.Balance, dt, true
	copy(o.mac2[:], mac2)
	o.state, o.txn = hzcard.StateAuthorised, c.now
	o.issued = apdu.NewList(apdu.CreditForLoad(dt, o.mac2).Bytes()).String()
	if s.faults.Has(FaultStateSkip) {
		s.credit(o, cd, hzcard.StateConfirmed)
	}
	return hzcard.APDUReply{OrderNo: o.no, APDUNum: "1", APDUList: hzcard.APDUs(o.issued),
		TxnTime: tm.TxnTime, TxnDate: tm.TxnDate, SettDate: tm.SettDate}, nil
}

// algID is the algorithm identifier the card must report in its
// INITIALIZE replies: 00 for 3DES, 04 for SM4 (epurse.Cipher.AlgID).
func algID(cd *card) byte {
	if cd.scheme.Cipher == nil {
		return 0x00
	}
	return cd.scheme.Cipher.AlgID()
}

func mustList(s string) apdu.List {
	l, _ := apdu.ParseList(s) // already parsed once by apdus
	return l
}

// credit books an order's load on the centre's side.
func (s *Simulator) credit(o *order, cd *card, state string) {
	o.state = state
	o.credits++
	cd.balance += o.amount
	cd.loaded += o.amount
	s.ledger.loaded += o.amount
	s.ledger.ordersConfirmed++
}

// ---- 4.6 cardChargeConfirm ----

func (s *Simulator) chargeConfirm(c *call) (any, *fail) {
	var r hzcard.ChargeReq
	o, cd, f := s.chargeOrder(c, &r)
	if f != nil {
		return nil, f
	}
	switch {
	case hzcard.Credited(o.state):
		if s.faults.Has(FaultCreditTwice) {
			s.credit(o, cd, o.state)
			return stamp(c.now), nil
		}
		return nil, s.failf(hzcard.CodeCharged, "")
	case o.state == hzcard.StateCardUnknown || o.state == hzcard.StateAdjustFailed:
		return nil, s.failf(hzcard.CodeNeedManage, "order %s is in state %s", o.no, o.state)
	case o.state != hzcard.StateAuthorised:
		return nil, s.failf(hzcard.CodeOrderState, "order %s is in state %s, not 2", o.no, o.state)
	}
	_, rs, f := s.apdus(c, r.APDUNum, r.APDUList, r.Resp(), true)
	if f != nil {
		return nil, f
	}
	if mustList(string(r.APDUList)).String() != o.issued {
		return nil, s.failf(hzcard.CodeAPDUResult, "apdulist is not the CREDIT FOR LOAD cardChargeRequest issued")
	}
	o.txn = c.now
	if len(rs) == 0 { // torn: the card may or may not have been credited
		o.state = hzcard.StateCardUnknown
		return nil, s.failf(hzcard.CodeNeedManage, "no CREDIT FOR LOAD result")
	}
	if !rs[0].OK() {
		o.state = hzcard.StateCardFailed
		return nil, s.failf(hzcard.CodeAPDUResult, "CREDIT FOR LOAD answered %s", rs[0].SW)
	}
	tac, err := apdu.ParseCreditReply(rs[0].Data)
	want, err2 := cd.scheme.LoadTAC(s.keysOf(cd).DTK, s.loadOf(o))
	if err != nil || err2 != nil || subtle.ConstantTimeCompare(want, tac[:]) != 1 {
		if !s.faults.Has(FaultTACNotChecked) {
			o.state = hzcard.StateCardUnknown
			return nil, s.refuse(c.iface, sim.Violation{Path: "data.apduresp", Rule: "tac", Section: "003 §4.6 (erratum E-HZ-FLOW)", Detail: fmt.Sprintf("TAC %X does not verify", rs[0].Data)}, hzcard.CodeTAC, "")
		}
	}
	s.credit(o, cd, hzcard.StateConfirmed)
	return stamp(c.now), nil
}

func (s *Simulator) loadOf(o *order) epurse.Load {
	return epurse.Load{OldBalance: o.oldBal, Amount: uint32(o.amount), Type: epurse.TypePurseLoad,
		Terminal: o.terminal, OnlineSeq: o.onlineSeq, Random: o.random, DateTime: o.dateTime}
}

// ---- 4.7 chargeOrderManageRequest ----

func (s *Simulator) manageState(o *order) *fail {
	switch {
	case hzcard.Credited(o.state):
		return s.failf(hzcard.CodeNoManageNeeded, "")
	case o.state == hzcard.StateAdjustFailed:
		return s.failf(hzcard.CodeManual, "")
	case hzcard.Rechargeable(o.state):
		return s.failf(hzcard.CodeChargeFailed, "")
	case !hzcard.NeedsManagement(o.state) || !o.loadKnown:
		return s.failf(hzcard.CodeOrderState, "order %s is in state %s", o.no, o.state)
	}
	return nil
}

func (s *Simulator) manageRequest(c *call) (any, *fail) {
	var r hzcard.ChargeReq
	o, cd, f := s.chargeOrder(c, &r)
	if f != nil {
		return nil, f
	}
	if f := s.manageState(o); f != nil {
		return nil, f
	}
	counter := o.onlineSeq + 1 // the proof is filed under the counter after the load
	if s.faults.Has(FaultProofCounter) {
		counter = o.onlineSeq
	}
	o.issued = apdu.NewList(apdu.SelectByNameNoLe(cd.aid).Bytes(), apdu.GetBalance().Bytes(),
		apdu.GetTransactionProof(epurse.TypePurseLoad, counter).Bytes()).String()
	return hzcard.APDUReply{OrderNo: o.no, APDUNum: "3", APDUList: hzcard.APDUs(o.issued)}, nil
}

// ---- 4.8 chargeOrderManageConfirm ----

func (s *Simulator) manageConfirm(c *call) (any, *fail) {
	var r hzcard.ChargeReq
	o, cd, f := s.chargeOrder(c, &r)
	if f != nil {
		return nil, f
	}
	if f := s.manageState(o); f != nil {
		return nil, f
	}
	l, err := apdu.ParseList(string(r.APDUList))
	if err != nil || l.String() != o.issued {
		return nil, s.failf(hzcard.CodeManagePacket, "apdulist is not the list chargeOrderManageRequest issued")
	}
	_, rs, f := s.apdus(c, r.APDUNum, r.APDUList, r.Resp(), false)
	if f != nil {
		return nil, f
	}
	o.txn = c.now
	if s.faults.Has(FaultManageAlwaysCredits) {
		s.credit(o, cd, hzcard.StateAdjusted)
		return stamp(c.now), nil
	}
	if !rs[0].OK() || !rs[1].OK() {
		return nil, s.failf(hzcard.CodeAPDUResult, "select %s, GET BALANCE %s", rs[0].SW, rs[1].SW)
	}
	bal, err := apdu.ParseBalance(rs[1].Data)
	if err != nil {
		return nil, s.failf(hzcard.CodeAPDUResult, "GET BALANCE: %v", err)
	}
	proof := rs[2]
	switch {
	case proof.OK():
		pr, err := apdu.ParseProofReply(proof.Data)
		want, err2 := cd.scheme.LoadTAC(s.keysOf(cd).DTK, s.loadOf(o))
		if err != nil || err2 != nil || pr.MAC != o.mac2 || subtle.ConstantTimeCompare(want, pr.TAC[:]) != 1 {
			o.state = hzcard.StateAdjustFailed
			return nil, s.failf(hzcard.CodeManual, "the transaction proof does not verify")
		}
		s.credit(o, cd, hzcard.StateAdjusted)
		return stamp(c.now), nil
	case proof.SW == apdu.SW(0x9406) && bal == o.oldBal:
		o.state = hzcard.StateCardFailed
		return nil, s.failf(hzcard.CodeChargeFailed, "")
	default:
		o.state = hzcard.StateAdjustFailed
		return nil, s.failf(hzcard.CodeManual, "proof %s with balance %d (before the load %d)", proof.SW, bal, o.oldBal)
	}
}

// ---- 4.10 cardSaleRequest ----

func (s *Simulator) saleRequest(c *call) (any, *fail) {
	var r hzcard.SaleReq
	if f := s.decode(c, &r); f != nil {
		return nil, f
	}
	if r.RealNameFlag != hzcard.RealNameYes && r.RealNameFlag != hzcard.RealNameNo {
		return nil, s.refuse(c.iface, sim.Violation{Path: "data.realnameflag", Rule: "field-value", Section: "003 §4.10", Value: r.RealNameFlag}, hzcard.CodeUnknown, "realnameflag %q: Y or N", r.RealNameFlag)
	}
	if _, ok := hzcard.Desc(hzcard.PayTypes(), r.PayType); !ok {
		return nil, s.failf(hzcard.CodePayType, "paytype %q", r.PayType)
	}
	if r.PayType != hzcard.PayTypeCash {
		return nil, s.failf(hzcard.CodePayTypeNotAllowed, "activation is paid in cash (%s)", hzcard.PayTypeCash)
	}
	cd := s.cards[r.CardNo]
	if cd == nil {
		return nil, s.failf(hzcard.CodeCardNotFound, "cardno %s", r.CardNo)
	}
	if cd.blacklisted && !s.faults.Has(FaultBlacklistIgnored) {
		return nil, s.failf(hzcard.CodeBlacklist, "")
	}
	if cd.initflag == hzcard.InitFlagOn || cd.status != hzcard.CardNormal {
		return nil, s.failf(hzcard.CodeCardStateHost, "card already activated or not normal")
	}
	t := s.types[cd.ctype]
	if r.RealNameFlag == hzcard.RealNameYes {
		if !t.namedAllowed {
			return nil, s.failf(hzcard.CodeNoNamedRegistration, "card type %s", t.name)
		}
		if r.CustInfo == nil || r.CustInfo.Name == "" || r.CustInfo.IDNo == "" {
			return nil, s.failf(hzcard.CodeNoRealName, "")
		}
	}
	rs, torn, f := s.results(c, r.APDUNum, r.APDUList)
	if f != nil {
		return nil, f
	}
	if torn || len(rs) != 1 {
		return nil, s.failf(hzcard.CodeAPDUCount, "want the one GET CHALLENGE result")
	}
	if !rs[0].OK() {
		return nil, s.failf(hzcard.CodeAPDUResult, "GET CHALLENGE answered %s", rs[0].SW)
	}
	if len(rs[0].Data) != 4 {
		return nil, s.failf(hzcard.CodeRandom, "challenge of %d bytes, want 4", len(rs[0].Data))
	}
	var ch [4]byte
	copy(ch[:], rs[0].Data)
	tm := stamp(c.now)
	pub := s.publicInfo(cd, tm.TxnDate)
	mac, err := cd.scheme.SecureMessagingMAC(s.keysOf(cd).DAMK, ch, apdu.UpdateBinaryMACInput(cpucard.SFIPublic, 0, pub.Bytes()))
	if err != nil {
		return nil, s.failf(hzcard.CodeCardKey, "%v", err)
	}
	var m4 [4]byte
	copy(m4[:], mac)
	o := &order{no: s.nextNo("SL", c), kind: kindSale, cardno: cd.no, amount: t.deposit, state: hzcard.StateAuthorised,
		payState: hzcard.PayPaid, chnlid: c.req.ChnlID, paytype: r.PayType, merchant: c.mch.id, created: c.now, txn: c.now,
		refnum: s.nextNo("RF", c), cust: r.CustInfo, realName: r.RealNameFlag}
	o.issued = apdu.NewList(apdu.UpdateBinaryMAC(cpucard.SFIPublic, 0, pub.Bytes(), m4).Bytes()).String()
	s.addOrder(o)
	return hzcard.SaleRep{RefNum: o.refnum, OrderNo: o.no, APDUNum: "1", APDUList: hzcard.APDUs(o.issued), Times: tm}, nil
}

// publicInfo is file 0x15 as activation writes it: the cards.md sample's
// issuer, type and version, the card's serial, start date = sale date,
// expiry = sale date + 5 years, issuer data 0001 = enabled (erratum
// E-HZ-SALE-CHALLENGE).
func (s *Simulator) publicInfo(cd *card, date string) cpucard.PublicInfo {
	var p cpucard.PublicInfo
	copy(p.IssuerID[:], []byte{0x01, 0x01, 0x10, 0x00, 0xFF, 0xFF, 0xFF, 0xFF})
	p.AppType, p.AppVersion = 0x02, 0x01
	serial := strings.Repeat("0", 20-len(cd.no)) + cd.no
	for i := 0; i < 10; i++ {
		p.Serial[i] = (serial[2*i]-'0')<<4 | (serial[2*i+1] - '0')
	}
	dt, _ := hzcard.BCDDateTime(date, "000000")
	copy(p.StartDate[:], dt[:4])
	y, _ := strconv.Atoi(date[:4])
	exp, _ := hzcard.BCDDateTime(fmt.Sprintf("%04d%s", y+saleValYears, date[4:]), "000000")
	copy(p.ExpiryDate[:], exp[:4])
	p.IssuerData = [2]byte{0x00, 0x01}
	return p
}

// ---- 4.11 cardSaleConfirm ----

// authorisedOrder finds the sale or return order a 4.11/4.13 confirm names
// and checks it is still waiting for the terminal's card result.
func (s *Simulator) authorisedOrder(kind, orderNo, refnum, cardNo string) (*order, *fail) {
	o := s.orders[orderNo]
	if o == nil || o.kind != kind || o.refnum != refnum {
		return nil, s.failf(hzcard.CodeNoOrder, "orderno %q refnum %q", orderNo, refnum)
	}
	if o.cardno != cardNo {
		return nil, s.failf(hzcard.CodeCardMismatch, "order %s is for card %s", o.no, o.cardno)
	}
	if o.state != hzcard.StateAuthorised {
		return nil, s.failf(hzcard.CodeOrderState, "order %s is in state %s", o.no, o.state)
	}
	return o, nil
}

func (s *Simulator) saleConfirm(c *call) (any, *fail) {
	var r hzcard.SaleConfirmReq
	if f := s.decode(c, &r); f != nil {
		return nil, f
	}
	o, f := s.authorisedOrder(kindSale, r.OrderNo, r.RefNum, r.CardNo)
	if f != nil {
		return nil, f
	}
	switch r.CardResult {
	case hzcard.CardResultOK:
	case hzcard.CardResultFailed:
		o.state, o.txn = hzcard.StateCardFailed, c.now
		return nil, s.failf(hzcard.CodeCardOpError, "the terminal reports the card operation failed")
	default:
		return nil, s.refuse(c.iface, sim.Violation{Path: "data.cardresult", Rule: "field-value", Section: "003 §4.11", Value: r.CardResult}, hzcard.CodeUnknown, "cardresult %q: 00 or 01", r.CardResult)
	}
	rs, torn, f := s.results(c, r.APDUNum, r.APDUList)
	if f != nil {
		return nil, f
	}
	if torn {
		o.state, o.txn = hzcard.StateCardUnknown, c.now
		return nil, s.failf(hzcard.CodeCardOpUnknown, "no UPDATE BINARY result")
	}
	if len(rs) != 1 || !rs[0].OK() {
		o.state, o.txn = hzcard.StateCardFailed, c.now
		return nil, s.failf(hzcard.CodeAPDUResult, "UPDATE BINARY did not answer 9000")
	}
	cd := s.cards[o.cardno]
	tm := stamp(c.now)
	cd.initflag, cd.saleDate = hzcard.InitFlagOn, tm.TxnDate
	cd.valDate = fmt.Sprintf("%04d%s", c.now.Year()+saleValYears, tm.TxnDate[4:])
	cd.cust = o.cust
	cd.depositPaid, cd.depositIn = o.amount, true
	s.ledger.deposits += o.amount
	o.state, o.txn = hzcard.StateConfirmed, c.now
	return hzcard.SaleConfirmRep{RefNum: s.nextNo("RF", c), CardPdpt: hzcard.Amount(o.amount),
		OrgiCardPdpt: hzcard.Amount(o.amount), Times: tm}, nil
}

// ---- 4.12 cardReturnApply ----

func (s *Simulator) returnApply(c *call) (any, *fail) {
	var r hzcard.ReturnApplyReq
	if f := s.decode(c, &r); f != nil {
		return nil, f
	}
	if r.ReturnType != hzcard.ReturnGoodCard && r.ReturnType != hzcard.ReturnBadCard {
		return nil, s.refuse(c.iface, sim.Violation{Path: "data.returntype", Rule: "field-value", Section: "003 §4.12", Value: r.ReturnType}, hzcard.CodeUnknown, "returntype %q: 0 or 1", r.ReturnType)
	}
	if r.CustInfo == nil {
		return nil, s.refuse(c.iface, sim.Violation{Path: "data.custinfo", Rule: "field-missing", Section: "003 §4.12"}, hzcard.CodeUnknown, "custinfo is required")
	}
	cd, f := s.cardFor(r.CardNo, true)
	if f != nil {
		return nil, f
	}
	if !s.types[cd.ctype].returnable {
		return nil, s.failf(hzcard.CodeCardTypeBusiness, "card type %s cannot be returned", s.types[cd.ctype].name)
	}
	if cd.returning != "" {
		return nil, s.failf(hzcard.CodeAlreadyApplied, "return order %s pending", cd.returning)
	}
	stated, err := hzcard.ParseAmount(string(r.CardBal))
	if err != nil {
		return nil, s.failf(hzcard.CodeUnknown, "cardbal: %v", err)
	}
	tm := stamp(c.now)
	o := &order{no: s.nextNo("RT", c), kind: kindReturn, cardno: cd.no, state: hzcard.StateAuthorised, payState: hzcard.PayPaid,
		chnlid: c.req.ChnlID, merchant: c.mch.id, created: c.now, txn: c.now, refnum: s.nextNo("RF", c),
		returnType: r.ReturnType, terminal: hzcard.Terminal(c.req.TermID), cust: r.CustInfo}
	if r.ReturnType == hzcard.ReturnBadCard { // a bad card: no APDUs, refund the centre's balance
		o.amount = cd.balance
		s.addOrder(o)
		cd.returning = o.no
		return hzcard.ReturnApplyRep{RefNum: o.refnum, OrderNo: o.no, ReturnAmt: hzcard.Amount(o.amount), APDUNum: "0", Times: tm}, nil
	}
	rs, torn, f := s.results(c, r.APDUNum, r.APDUList)
	if f != nil {
		return nil, f
	}
	if torn || len(rs) != 1 {
		return nil, s.failf(hzcard.CodeAPDUCount, "want the one INITIALIZE FOR PURCHASE result")
	}
	if !rs[0].OK() {
		return nil, s.failf(hzcard.CodeAPDUResult, "INITIALIZE FOR PURCHASE answered %s", rs[0].SW)
	}
	ip, err := apdu.ParseInitPurchaseReply(rs[0].Data)
	if err != nil {
		return nil, s.failf(hzcard.CodeAPDUResult, "INITIALIZE FOR PURCHASE reply: %v", err)
	}
	if int64(ip.Balance) != stated {
		return nil, s.failf(hzcard.CodeRefundMismatch, "cardbal %d, the card says %d", stated, ip.Balance)
	}
	if ip.KeyVer != 0x01 || ip.AlgID != algID(cd) {
		return nil, s.failf(hzcard.CodeCardKey, "key version %02X algorithm %02X not held for this card", ip.KeyVer, ip.AlgID)
	}
	s.termSeq++
	dt, err := hzcard.BCDDateTime(tm.TxnDate, tm.TxnTime)
	if err != nil {
		return nil, s.failf(hzcard.CodeUnknown, "%v", err)
	}
	o.amount, o.offlineSeq, o.random, o.termSeq, o.dateTime, o.oldBal = int64(ip.Balance), ip.OfflineSeq, ip.Random, s.termSeq, dt, ip.Balance
	pu := s.purchaseOf(o)
	ses, err := cd.scheme.PurchaseSessionKey(s.keysOf(cd).DPK, pu.Random, pu.OfflineSeq, pu.TermSeq)
	if err != nil {
		return nil, s.failf(hzcard.CodeCardKey, "%v", err)
	}
	mac1, err := cd.scheme.PurchaseMAC1(ses, pu)
	if err != nil {
		return nil, s.failf(hzcard.CodeCardKey, "%v", err)
	}
	var m4 [4]byte
	copy(m4[:], mac1)
	o.issued = apdu.NewList(apdu.DebitForPurchase(o.termSeq, dt, m4).Bytes()).String()
	s.addOrder(o)
	cd.returning = o.no
	return hzcard.ReturnApplyRep{RefNum: o.refnum, OrderNo: o.no, ReturnAmt: hzcard.Amount(o.amount), APDUNum: "1",
		APDUList: hzcard.APDUs(o.issued), Times: tm}, nil
}

func (s *Simulator) purchaseOf(o *order) epurse.Purchase {
	return epurse.Purchase{OldBalance: o.oldBal, Amount: uint32(o.amount), Type: epurse.TypePursePurchase,
		Terminal: o.terminal, OfflineSeq: o.offlineSeq, TermSeq: o.termSeq, Random: o.random, DateTime: o.dateTime}
}

// ---- 4.13 cardReturnConfirm ----

func (s *Simulator) returnConfirm(c *call) (any, *fail) {
	var r hzcard.ReturnConfirmReq
	if f := s.decode(c, &r); f != nil {
		return nil, f
	}
	o, f := s.authorisedOrder(kindReturn, r.OrderNo, r.RefNum, r.CardNo)
	if f != nil {
		return nil, f
	}
	cd := s.cards[o.cardno]
	if o.returnType == hzcard.ReturnGoodCard {
		rs, torn, f := s.results(c, r.APDUNum, r.APDUList)
		if f != nil {
			return nil, f
		}
		if torn {
			o.state, o.txn = hzcard.StateCardUnknown, c.now
			cd.returning = ""
			return nil, s.failf(hzcard.CodeCardOpUnknown, "no DEBIT FOR PURCHASE result")
		}
		if len(rs) != 1 || !rs[0].OK() {
			o.state, o.txn = hzcard.StateCardFailed, c.now
			cd.returning = ""
			return nil, s.failf(hzcard.CodeAPDUResult, "DEBIT FOR PURCHASE did not answer 9000")
		}
		dr, err := apdu.ParseDebitReply(rs[0].Data)
		if err != nil {
			return nil, s.failf(hzcard.CodeAPDUResult, "DEBIT FOR PURCHASE reply: %v", err)
		}
		pu := s.purchaseOf(o)
		ses, err := cd.scheme.PurchaseSessionKey(s.keysOf(cd).DPK, pu.Random, pu.OfflineSeq, pu.TermSeq)
		if err != nil {
			return nil, s.failf(hzcard.CodeCardKey, "%v", err)
		}
		mac2, err := cd.scheme.PurchaseMAC2(ses, pu)
		if err != nil || subtle.ConstantTimeCompare(mac2, dr.MAC2[:]) != 1 {
			// The card may have been debited, but not provably: the order
			// is in doubt (4) and the refund waits for a person.
			o.state, o.txn, cd.returning = hzcard.StateCardUnknown, c.now, ""
			return nil, s.refuse(c.iface, sim.Violation{Path: "data.apdulist", Rule: "mac2", Section: "003 §4.13 (erratum E-HZ-RETURN-FLOW)", Detail: fmt.Sprintf("purchase MAC2 %X does not verify", dr.MAC2)}, hzcard.CodeCardAuth, "purchase MAC2 does not verify")
		}
		tac, err := cd.scheme.PurchaseTAC(s.keysOf(cd).DTK, pu)
		if err != nil || subtle.ConstantTimeCompare(tac, dr.TAC[:]) != 1 {
			o.state, o.txn, cd.returning = hzcard.StateCardUnknown, c.now, ""
			return nil, s.refuse(c.iface, sim.Violation{Path: "data.apdulist", Rule: "tac", Section: "003 §4.13 (erratum E-HZ-RETURN-FLOW)", Detail: fmt.Sprintf("purchase TAC %X does not verify", dr.TAC)}, hzcard.CodeTAC, "")
		}
	}
	// The refund: the purse balance the card gave up (or, for a bad card,
	// the centre's balance) and the deposit.
	cd.balance -= o.amount
	cd.returned += o.amount
	s.ledger.balancesBack += o.amount
	s.ledger.depositsBack += cd.depositPaid
	if cd.depositIn {
		s.ledger.depositsBackIn += cd.depositPaid
	}
	cd.depositPaid, cd.depositIn = 0, false
	cd.status, cd.returning = hzcard.CardReturned, ""
	cd.offCard = o.returnType == hzcard.ReturnBadCard // a bad card keeps whatever its chip holds
	o.state, o.txn = hzcard.StateConfirmed, c.now
	return hzcard.ReturnConfirmRep{RefNum: s.nextNo("RF", c), OrderNo: o.no, Times: stamp(c.now)}, nil
}
