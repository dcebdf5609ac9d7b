package ipossim

import (
	"sort"
	"strconv"

	"paycert/codecs/gbkxml"
	"paycert/platforms/ipos"
)

// business runs the interface on the state. s.mu is held.
func (s *Simulator) business(c *call) (*outcome, body) {
	switch c.iface {
	case ipos.BindPos:
		return s.bindPos(c)
	case ipos.CardQuery:
		return s.cardQuery(c)
	case ipos.CardVerify:
		return s.cardVerify(c)
	case ipos.CardCancel, ipos.CardReversal:
		return s.cardUndo(c)
	case ipos.CardDaily:
		return s.cardDaily(c)
	case ipos.WecardGetCodeInfo:
		return s.giftInfo(c)
	case ipos.WecardGetTraceList:
		return s.giftTraceList(c)
	case ipos.WecardPosCancelCard:
		return s.giftConsume(c)
	case ipos.WecardGetPosSeqInfo:
		return s.giftPosSeqInfo(c)
	case ipos.WecardPosReturnd:
		return s.giftRefund(c)
	case ipos.WecardPosRevoke:
		return s.giftRevoke(c)
	}
	return fail(ipos.CodeMethod), nil
}

func (s *Simulator) bindPos(c *call) (*outcome, body) {
	storeID, name := c.val("store_info/store_id"), c.val("store_info/store_name")
	key := c.m.isspid + "/" + c.val("pos_id")
	if t := s.terms[key]; t != nil {
		if !s.sameHost(t.ip, c.remote) {
			return fail(ipos.CodeBindIPFailed), nil
		}
		t.storeID = storeID
	} else {
		s.terms[key] = &terminal{isspid: c.m.isspid, posID: c.val("pos_id"), storeID: storeID, ip: c.remote}
	}
	st := s.stores[c.m.isspid+"/"+storeID]
	if st == nil {
		st = &store{id: storeID}
		s.stores[c.m.isspid+"/"+storeID] = st
	}
	st.name, st.addr = name, c.val("store_info/store_addr")
	return nil, nil
}

// resolve finds the voucher named by valid_info (auxiliary code or QR,
// 002 §4.2: without encode_type the kind is detected).
func (s *Simulator) resolve(c *call) *voucher {
	g := c.iface + "_request/"
	vi := c.val(g + "valid_info")
	et, ok := c.get(g + "encode_type")
	if !ok || et == "" {
		if auxCode(vi) {
			et = ipos.EncodeAux
		} else {
			et = ipos.EncodeQR
		}
	}
	if et == ipos.EncodeQR {
		vi = s.qr[vi]
	}
	return s.vouchers[vi]
}

func notFound() *outcome { return failf(ipos.CodeFailed, "交易失败: 条码不存在") }

func (s *Simulator) cardQuery(c *call) (*outcome, body) {
	v := s.resolve(c)
	if v == nil {
		return notFound(), nil
	}
	if v.offline {
		return fail(ipos.CodeUpstreamTimeout), nil
	}
	return nil, func(x *gbkxml.Writer) {
		s.writeQueryInfo(x, v, v.remain)
		if st := v.status(); st == ipos.VaInUse || st == ipos.VaUsed {
			x.Start("verify_info")
			x.Element("count", strconv.Itoa(len(v.live)))
			for _, vf := range v.live {
				x.Start("redeem")
				x.Element("store_id", vf.storeID)
				x.Element("pos_id", vf.posID)
				x.Element("pos_seq", vf.posSeq)
				x.Element("store_name", vf.storeName)
				x.Element("trans_time", vf.at.In(china).Format(ipos.TimeLayout))
				x.End("redeem")
			}
			x.End("verify_info")
		}
	}
}

func (s *Simulator) writeQueryInfo(x *gbkxml.Writer, v *voucher, remain int64) {
	x.Start("query_info")
	x.Element("order_id", v.orderID)
	x.Element("batch_no", v.batchNo)
	x.Element("batch_name", v.batchName)
	x.Element("batch_short_name", v.shortName)
	x.Element("use_type", strconv.Itoa(v.kind))
	x.Element("va_status", strconv.Itoa(v.status()))
	x.Element("end_use_time", v.endUse.In(china).Format(ipos.TimeLayout))
	if v.kind == KindAmount {
		x.Element("remain_amt", itoa(remain))
	} else {
		x.Element("remain_times", itoa(remain))
		x.Element("price", itoa(v.price))
	}
	x.End("query_info")
}

func (s *Simulator) cardVerify(c *call) (*outcome, body) {
	v := s.resolve(c)
	if v == nil {
		return notFound(), nil
	}
	switch {
	case v.offline:
		return fail(ipos.CodeUpstreamTimeout), nil
	case v.voided:
		return fail(ipos.CodeCancelled), nil
	case c.now.After(v.endUse) && !s.faults.Has(FaultExpiryIgnored):
		return fail(ipos.CodeExpired), nil
	case v.remain == 0:
		return fail(ipos.CodeAlreadyVerified), nil
	}
	amtText, hasAmt := c.get("card_verify_request/tx_amt")
	var moved, value int64
	if v.kind == KindAmount {
		if !hasAmt || amtText == "" {
			// tx_amt is conditional on an amount voucher: its absence is the
			// client's (recorded), not the voucher's.
			return fail(ipos.CodeAmountNeeded).because(ipos.CardVerify+"_request/tx_amt", "missing", s.fields[c.iface].section,
				"tx_amt is required for amount voucher %s and absent or empty (0305)", short(v.code)), nil
		}
		amt, _ := ipos.ParseFen(amtText)
		if amt > v.remain {
			if s.faults.Has(FaultWrongShortCode) {
				return fail(ipos.CodeFailed), nil
			}
			return fail(ipos.CodeBalanceShort), nil
		}
		moved, value = amt, amt
	} else {
		moved, value = 1, v.price
	}
	t := s.terms[c.m.isspid+"/"+c.val("pos_id")]
	st := s.stores[c.m.isspid+"/"+t.storeID]
	vf := &verification{isspid: c.m.isspid, posSeq: c.val("pos_seq"), posID: t.posID, storeID: t.storeID,
		v: v, moved: moved, value: value, at: c.now}
	if st != nil {
		vf.storeName = st.name
	}
	v.remain -= moved
	v.live = append(v.live, vf)
	s.verifs[c.m.isspid+"/"+vf.posSeq] = vf
	t.addDaily(v.goodsNo, v.goodsName, 1, value)
	s.stats.Verifications++
	if v.kind == KindAmount {
		s.stats.VerifiedFen += moved
	} else {
		s.stats.VerifiedUses += moved
	}
	shown := v.remain
	if s.faults.Has(FaultRemainOffByOne) && v.kind == KindAmount && shown > 0 {
		shown--
	}
	if !hasAmt || amtText == "" {
		amtText = itoa(value)
	}
	return &outcome{code: ipos.CodeOK, comment: "交易成功"}, func(x *gbkxml.Writer) {
		x.Start("addition_info")
		x.Element("print_text", "券名:"+v.shortName+" 验证成功 流水:"+vf.posSeq)
		x.Element("tx_amt", amtText)
		x.End("addition_info")
		s.writeQueryInfo(x, v, shown)
	}
}

func (s *Simulator) cardUndo(c *call) (*outcome, body) {
	g := c.iface + "_request/"
	vf := s.verifs[c.m.isspid+"/"+c.val(g+"org_pos_seq")]
	if vf == nil || s.resolve(c) != vf.v {
		return fail(ipos.CodeNoOriginal), nil
	}
	if vf.undone && !s.faults.Has(FaultCancelTwice) {
		return fail(ipos.CodeCancelled), nil
	}
	restore := !(c.iface == ipos.CardReversal && s.faults.Has(FaultReversalNoRestore))
	if restore {
		vf.v.remain += vf.moved
	}
	if !vf.undone {
		for i, l := range vf.v.live {
			if l == vf {
				vf.v.live = append(vf.v.live[:i], vf.v.live[i+1:]...)
				break
			}
		}
		s.stats.Undone++
		if vf.v.kind == KindAmount {
			s.stats.UndoneFen += vf.moved
		} else {
			s.stats.UndoneUses += vf.moved
		}
	}
	vf.undone = true
	sign := int64(-1)
	if s.faults.Has(FaultDailyCountsCancel) {
		sign = 1
	}
	c.term.addDaily(vf.v.goodsNo, vf.v.goodsName, sign, sign*vf.value)
	return nil, nil
}

func (s *Simulator) cardDaily(c *call) (*outcome, body) {
	type sum struct {
		no, name string
		num, amt int64
	}
	by := map[string]*sum{}
	var order []string
	for no, e := range c.term.window { // copied: the reply is rendered after the window is closed
		by[no] = &sum{no: e.goodsNo, name: e.goodsName, num: e.num, amt: e.amt}
		order = append(order, no)
	}
	if !s.faults.Has(FaultDailyNotReset) {
		c.term.window = nil
	}
	sort.Strings(order)
	return &outcome{code: ipos.CodeOK, comment: "交易成功"}, func(x *gbkxml.Writer) {
		x.Start("daily_info")
		for _, no := range order {
			g := by[no]
			if g.num == 0 && g.amt == 0 {
				continue // netted to nothing: nothing was actually verified
			}
			x.Start("goods_list")
			x.Element("goods_custom_no", g.no)
			x.Element("goods_name", g.name)
			x.Element("act_validate_num", itoa(g.num))
			x.Element("act_validate_amt", itoa(g.amt))
			x.End("goods_list")
		}
		x.End("daily_info")
	}
}

// --- WeChat gift cards ---

func (s *Simulator) gift(c *call) *giftCard {
	code := c.val("code")
	if code == "" && c.iface == ipos.WecardGetCodeInfo {
		enc := c.val("encrypt_code")
		for _, g := range s.gifts {
			if g.encrypt != "" && g.encrypt == enc {
				code = g.code
			}
		}
	}
	g := s.gifts[code]
	if g == nil || g.isspid != c.m.isspid {
		return nil
	}
	return g
}

func giftMissing() *outcome { return failf(ipos.CodeFailed, "交易失败: 礼品卡不存在") }

func (s *Simulator) giftInfo(c *call) (*outcome, body) {
	g := s.gift(c)
	if g == nil {
		return giftMissing(), nil
	}
	return &outcome{code: ipos.CodeOK, comment: "查询成功"}, func(x *gbkxml.Writer) {
		x.Start("base_info")
		x.Element("brand_name", g.brand)
		x.Element("logo_url", "http://mmbiz.qpic.cn/mmbiz_jpg/paycert/0")
		x.Element("card_type", strconv.Itoa(g.typ))
		x.Element("title", g.title)
		x.Element("use_all_locations", "1")
		x.Element("location_id_list", "")
		x.Element("service_phone", "4008000000")
		x.Element("cancel_type", "3")
		x.Element("stock", "100")
		x.Element("time_type", "DATE_TYPE_FIX_TIME_RANGE")
		x.Element("begin", itoa(g.begin.Unix()))
		x.Element("end", itoa(g.end.Unix()))
		x.End("base_info")
		x.Start("trace_info")
		x.Element("node_id", g.nodeID)
		x.Element("order_id", g.orderID)
		x.Element("card_id", g.cardID)
		x.Element("user_card_code", g.code)
		x.Element("total_price", itoa(g.total))
		x.Element("overplus", itoa(g.overplus))
		x.Element("use_flag", strconv.Itoa(g.useFlag))
		r := g.lastConsume
		if r != nil {
			x.Element("consume_source", r.source)
			x.Element("location_name", r.location)
			x.Element("verify_time", itoa(r.at.Unix()))
			x.Element("req_seq", r.reqSeq)
			x.Element("pos_id", r.posID)
			x.Element("store_id", r.storeID)
		} else {
			for _, e := range []string{"consume_source", "location_name", "verify_time", "req_seq", "pos_id", "store_id"} {
				x.Element(e, "")
			}
		}
		x.End("trace_info")
	}
}

func writeRow(x *gbkxml.Writer, r *giftRow) {
	x.Start("row")
	x.Element("id", strconv.Itoa(r.id))
	x.Element("node_id", "00055818")
	x.Element("code", r.code)
	x.Element("type", strconv.Itoa(r.typ))
	x.Element("req_seq", r.reqSeq)
	x.Element("pos_id", r.posID)
	x.Element("return_code", "ok")
	x.Element("return_msg", "ok")
	x.Element("amount", itoa(r.amount))
	x.Element("use_type", r.useType)
	x.Element("overplus", itoa(r.overplus))
	x.Element("location_name", r.location)
	x.Element("store_id", r.storeID)
	x.Element("consume_source", r.source)
	x.Element("open_id", "")
	x.Element("create_time", itoa(r.at.Unix()))
	x.Element("batch_num", "")
	x.Element("memo", "")
	x.Element("status", r.status)
	x.Element("org_pos_seq", r.orgPosSeq)
	x.End("row")
}

// perPage is the trace list's page size (erratum E-IPOS-TRACE-PAGING).
const perPage = 15

func (s *Simulator) giftTraceList(c *call) (*outcome, body) {
	st, et := c.val("s_time"), c.val("e_time")
	code, storeID, posID := c.val("code"), c.val("store_id"), c.val("pos_id")
	var rows []*giftRow
	for _, r := range s.giftRows {
		if r.isspid != c.m.isspid || (code != "" && r.code != code) || (posID != "" && (r.posID != posID || r.storeID != storeID)) {
			continue
		}
		if st != "" {
			d := r.at.In(china).Format(ipos.DayLayout)
			if d < st || d > et {
				continue
			}
		}
		rows = append(rows, r)
	}
	page := 1
	if p := c.val("page"); p != "" {
		page, _ = strconv.Atoi(p)
	}
	last := (len(rows) + perPage - 1) / perPage
	if last == 0 {
		last = 1
	}
	from := (page - 1) * perPage
	to := min(from+perPage, len(rows))
	var pageRows []*giftRow
	if from < len(rows) {
		pageRows = rows[from:to]
	}
	return &outcome{code: ipos.CodeOK, comment: "查询成功"}, func(x *gbkxml.Writer) {
		x.Element("current_page", strconv.Itoa(page))
		x.Start("list")
		for _, r := range pageRows {
			writeRow(x, r)
		}
		x.End("list")
		if len(pageRows) > 0 {
			x.Element("from", strconv.Itoa(from+1))
			x.Element("to", strconv.Itoa(to))
		} else {
			x.Element("from", "")
			x.Element("to", "")
		}
		x.Element("last_page", strconv.Itoa(last))
		x.Element("per_page", strconv.Itoa(perPage))
		x.Element("total", strconv.Itoa(len(rows)))
	}
}

func (s *Simulator) giftPosSeqInfo(c *call) (*outcome, body) {
	code, seq := c.val("code"), c.val("pos_seq")
	var rows []*giftRow
	for _, r := range s.giftRows {
		if r.isspid != c.m.isspid {
			continue
		}
		if (code != "" && r.code == code) || (seq != "" && (r.reqSeq == seq || r.orgPosSeq == seq)) {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 && code != "" && s.gift(c) == nil {
		return giftMissing(), nil
	}
	if len(rows) == 0 && seq != "" {
		return fail(ipos.CodeNoOriginal), nil
	}
	return &outcome{code: ipos.CodeOK, comment: "查询成功"}, func(x *gbkxml.Writer) {
		x.Start("pos_seq_info")
		for _, r := range rows {
			writeRow(x, r)
		}
		x.End("pos_seq_info")
	}
}

func (s *Simulator) newRow(c *call, g *giftCard, useType string, amount int64) *giftRow {
	s.rowID++
	r := &giftRow{id: s.rowID, isspid: c.m.isspid, code: g.code, reqSeq: c.val("pos_seq"),
		posID: c.val("pos_id"), storeID: c.val("store_id"), typ: g.typ, useType: useType, status: ipos.RowNormal,
		amount: amount, overplus: g.overplus, source: c.val("consume_source"), orgPosSeq: c.val("org_pos_seq"), at: c.now}
	if st := s.stores[c.m.isspid+"/"+r.storeID]; st != nil {
		r.location = st.name
	}
	s.giftRows = append(s.giftRows, r)
	s.ageRows()
	return r
}

func (s *Simulator) giftConsume(c *call) (*outcome, body) {
	g := s.gift(c)
	switch {
	case g == nil:
		return giftMissing(), nil
	case g.useFlag == ipos.FlagInvalid:
		return fail(ipos.CodeCancelled), nil
	case c.now.After(g.end) || c.now.Before(g.begin):
		return fail(ipos.CodeExpired), nil
	}
	before := g.overplus
	var amt int64
	if g.typ == ipos.GiftTypeCash {
		text, ok := c.get("amount")
		if !ok || text == "" {
			return fail(ipos.CodeAmountNeeded).because("amount", "missing", s.fields[c.iface].section,
				"amount is required for cash gift card %s and absent or empty (0305, erratum E-IPOS-GIFT-CODES)", short(g.code)), nil
		}
		amt, _ = ipos.ParseFen(text)
		if amt > g.overplus {
			return fail(ipos.CodeBalanceShort), nil
		}
		g.overplus -= amt
		if g.overplus == 0 {
			g.useFlag = ipos.FlagConsumed
		}
		s.stats.GiftConsumed += amt
	} else {
		if g.useFlag == ipos.FlagConsumed {
			return fail(ipos.CodeAlreadyVerified), nil
		}
		g.useFlag = ipos.FlagConsumed
		before = 0
	}
	r := s.newRow(c, g, ipos.UseConsume, amt)
	g.lastConsume = r
	return &outcome{code: ipos.CodeOK, comment: "核销成功"}, s.giftInfoBody(c, g, r, amt, before)
}

func (s *Simulator) giftInfoBody(c *call, g *giftCard, r *giftRow, amt, before int64) body {
	after := g.overplus
	if g.typ == ipos.GiftTypeItem {
		amt, before, after = 0, 0, 0
	}
	return func(x *gbkxml.Writer) {
		x.Start("info")
		x.Element("node_id", g.nodeID)
		x.Element("code", g.code)
		x.Element("pos_id", r.posID)
		x.Element("location_name", r.location)
		x.Element("card_id", g.cardID)
		x.Element("store_id", r.storeID)
		x.Element("consume_source", r.source)
		x.Element("amount", itoa(amt))
		x.Element("balance", itoa(before))
		x.Element("req_seq", r.reqSeq)
		x.Element("type", strconv.Itoa(g.typ))
		x.Element("card_name", g.title)
		x.Element("brand_name", g.brand)
		x.Element("create_time", itoa(r.at.Unix()))
		x.Element("overplus", itoa(after))
		x.Element("return_code", "ok")
		x.Element("return_msg", "ok")
		x.End("info")
	}
}

func (s *Simulator) giftRefund(c *call) (*outcome, body) {
	org := c.val("org_pos_seq")
	var consume *giftRow
	for _, r := range s.giftRows {
		if r.isspid == c.m.isspid && r.reqSeq == org && r.useType == ipos.UseConsume {
			consume = r
		}
	}
	if consume == nil || consume.code != c.val("code") {
		return fail(ipos.CodeNoOriginal), nil
	}
	g := s.gifts[consume.code]
	if g.useFlag == ipos.FlagInvalid {
		return fail(ipos.CodeCancelled), nil
	}
	if consume.status == ipos.RowRefunded {
		return failf(ipos.CodeFailed, "交易失败: 原交易已退款"), nil
	}
	amt := consume.amount
	if text, ok := c.get("amount"); ok && text != "" {
		amt, _ = ipos.ParseFen(text)
		if amt > consume.amount {
			return failf(ipos.CodeFailed, "交易失败: 退款金额超过核销金额"), nil
		}
	}
	if g.typ == ipos.GiftTypeItem {
		amt = 0
		g.useFlag = ipos.FlagReceived
	}
	if !s.faults.Has(FaultRefundNoRestore) {
		g.overplus += amt
		if g.typ == ipos.GiftTypeCash && g.useFlag == ipos.FlagConsumed && g.overplus > 0 {
			g.useFlag = ipos.FlagReceived
		}
	}
	consume.refunded += amt
	if !s.faults.Has(FaultTraceStatusStale) {
		consume.status = ipos.RowRefunded
	}
	s.stats.GiftRefunded += amt
	s.newRow(c, g, ipos.UseRefund, amt)
	return &outcome{code: ipos.CodeOK, comment: "退款成功"}, nil
}

func (s *Simulator) giftRevoke(c *call) (*outcome, body) {
	g := s.gift(c)
	switch {
	case g == nil:
		return giftMissing(), nil
	case g.useFlag == ipos.FlagInvalid:
		return fail(ipos.CodeCancelled), nil
	}
	before := g.overplus
	amt := g.overplus
	g.revokedAmt += amt
	g.overplus = 0
	g.useFlag = ipos.FlagInvalid
	s.stats.GiftRevoked += amt
	r := s.newRow(c, g, ipos.UseRevoke, amt)
	return &outcome{code: ipos.CodeOK, comment: "注销成功"}, s.giftInfoBody(c, g, r, amt, before)
}
