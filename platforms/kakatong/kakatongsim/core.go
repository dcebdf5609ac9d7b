package kakatongsim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"paycert/codecs/gbk"
	"paycert/codecs/mac"
	"paycert/platforms/catalog"
	"paycert/platforms/kakatong"
)

// outcome is what one request produced, before it is rendered as REST XML
// or a SOAP response.
type outcome struct {
	method  string
	licence string // "1".."4": a licence-key error
	lang    string
	records []kakatong.Record
}

// result builds the single record of method with code and fields.
func (s *Simulator) result(method, lang, code string, raw map[string]string, fields map[string]string) outcome {
	var rec kakatong.Record
	p := map[string]string{}
	for _, k := range []string{"CARDNO", "IDNUM", "POSCODE"} {
		p[k] = clean(raw[k])
	}
	text := kakatong.Text(s.code(code), s.lang(lang), fields["IDNum"])
	switch method {
	case kakatong.MethodTrade, kakatong.MethodStream:
		rec.Set("PayInForm", code)
		rec.Set("PayInResult", text)
		if method == kakatong.MethodTrade {
			integral, points := fields["Integral"], fields["Points"]
			if s.faults.Has(FaultSwapPoints) {
				integral, points = points, integral
			}
			rec.Set("Stance", s.stanceOut(fields["Stance"]))
			rec.Set("Integral", integral)
			rec.Set("Points", points)
			rec.Set("CardNo", clean(fields["CardNo"]))
			rec.Set("TradeName", fields["TradeName"])
		}
	case kakatong.MethodPassword:
		rec.Set("PayInForm", code)
		rec.Set("CardNo", p["CARDNO"])
		rec.Set("TradeName", "修改/重置密码")
	case kakatong.MethodActivate:
		rec.Set("Result", code)
		rec.Set("CardNo", p["CARDNO"])
	case kakatong.MethodBind:
		rec.Set("Result", code)
		rec.Set("CardNo", p["CARDNO"])
		rec.Set("CopNo", fields["CopNo"])
		rec.Set("IDNum", p["IDNUM"])
		rec.Set("TmnNo", p["POSCODE"])
	case kakatong.MethodInfo:
		rec.Set("Result", code)
		rec.Set("CardNo", p["CARDNO"])
		rec.Set("CopNo", fields["CopNo"])
		for _, f := range kakatong.ReplyFields(method)[3:] {
			if v, ok := fields[f]; ok {
				rec.Set(f, v)
			}
		}
	}
	return outcome{method: method, lang: lang, records: []kakatong.Record{rec}}
}

// code returns the catalogue entry of a code (cached: this is the hot path).
func (s *Simulator) code(code string) kakatong.Code {
	if c, ok := s.codes[code]; ok {
		return c
	}
	return kakatong.CodeOf(code)
}

// clean keeps an echoed request value only when it is printable text of
// reasonable length: a reply never carries control characters or a
// megabyte back.
func clean(v string) string {
	if !utf8.ValidString(v) || kakatong.GBKLen(v) > 64 { // GB2312 bytes, as every length
		return ""
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return ""
		}
	}
	return v
}

func (s *Simulator) lang(l string) string {
	if l == "" && s.faults.Has(FaultChineseDefault) {
		return "GB2312"
	}
	return l
}

func (s *Simulator) stanceOut(st string) string {
	if st != "" && s.faults.Has(FaultStance6) && len(st) == 8 {
		return st[2:]
	}
	return st
}

// licenceOf checks a licence key (E-KAKATONG-LICENCE-MEANING) and returns
// the merchant it authorises, or the licence code.
func (s *Simulator) licenceOf(rawKey, copno string) (*merchant, string) {
	key := strings.TrimSpace(rawKey)
	if key == "" {
		return nil, kakatong.LicenceInvalid
	}
	if (len(key) < kakatong.MinLicenceLen || len(key) > kakatong.MaxLicenceLen) && !s.faults.Has(FaultLicenceLength) {
		return nil, kakatong.LicenceIllegal
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' || c == '.') {
			return nil, kakatong.LicenceIllegal
		}
	}
	l, ok := s.licences[key]
	if !ok {
		return nil, kakatong.LicenceInvalid
	}
	if !l.Expires.IsZero() && !s.clock.Now().Before(l.Expires) {
		return nil, kakatong.LicenceExpired
	}
	if copno != "" && copno != l.CopNo {
		return nil, kakatong.LicenceWrongWeb
	}
	return s.merchants[l.CopNo], ""
}

// handle runs one request of a REST method (SOAP calls are mapped to their
// method's parameters first).
func (s *Simulator) handle(method string, p map[string]string) outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	lang := p["LANG"]
	mer, lic := s.licenceOf(p["LICENSEKEY"], p["COPNO"])
	if lic != "" {
		return outcome{method: method, licence: lic, lang: lang}
	}
	fields := map[string]string{"CopNo": mer.CopNo, "CardNo": p["CARDNO"]}
	fail := func(code string) outcome { return s.result(method, lang, code, p, fields) }
	if s.closed {
		return fail(kakatong.CodeGatewayClosed)
	}
	if mer.Closed {
		return fail(kakatong.CodeMerchantClosed)
	}
	switch method {
	case kakatong.MethodTrade:
		return s.trade(mer, p, fields)
	case kakatong.MethodStream:
		if code := missingFilter(p); code != "" && !s.faults.Has(FaultMissingFilter) {
			return fail(code)
		}
		if p["TRADETYPE"] != kakatong.TypeStream {
			return fail(kakatong.CodeBadTradeType)
		}
		if p["TRADEMODE"] != kakatong.ModeStream {
			return fail(kakatong.CodeBadTradeMode)
		}
		return s.stream(mer, p, lang)
	case kakatong.MethodPassword:
		return s.password(mer, p, fields, method, "")
	case kakatong.MethodActivate:
		return s.activate(mer, p, fields, method)
	case kakatong.MethodBind:
		return s.bind(mer, p, fields, method, p["TRADEMODE"])
	case kakatong.MethodInfo:
		return s.info(mer, p, fields)
	}
	return fail(kakatong.CodeIllegal)
}

// missingFilter is the code of the first stream filter a tSRequest leaves
// out (E-KAKATONG-STREAM-MISSING-FILTER): a missing filter is judged as a
// malformed one, by the code of what it filters (card 01, terminal 70,
// stance 61; a time 00). An empty one is 0 (E-KAKATONG-STREAM-EMPTY-FILTER).
func missingFilter(p map[string]string) string {
	for _, f := range []struct{ name, code string }{
		{"CARDNO", kakatong.CodeBadCardNo}, {"POSCODE", kakatong.CodeBadTerminal}, {"STANCE_NO", kakatong.CodeNoStance},
		{"START", kakatong.CodeFailed}, {"END", kakatong.CodeFailed},
	} {
		if _, ok := p[f.name]; !ok {
			return f.code
		}
	}
	return ""
}

// validItemCode reports whether ITEMCODE is absent or 3-8 digits (its
// parameter row); anything else is refused with 00 before any money moves
// (E-KAKATONG-ITEMCODE).
func validItemCode(v string) bool {
	return v == "" || len(v) >= 3 && len(v) <= 8 && catalog.IsDigits(v)
}

// terminalOf returns the terminal if it belongs to mer (else 70).
func (s *Simulator) terminalOf(mer *merchant, pos string) (TerminalSpec, bool) {
	t, ok := s.terminals[pos]
	return t, ok && t.CopNo == mer.CopNo
}

// terminalCard checks POSCODE is the merchant's terminal, then finds CARDNO;
// activation, password and bind all start this way (terminal before card).
func (s *Simulator) terminalCard(mer *merchant, p map[string]string) (*card, string) {
	if _, ok := s.terminalOf(mer, p["POSCODE"]); !ok {
		return nil, kakatong.CodeBadTerminal
	}
	return s.cardOf(p["CARDNO"])
}

// cardOf validates the card number format (01) and existence (05).
func (s *Simulator) cardOf(no string) (*card, string) {
	if len(no) != kakatong.CardNoLen || !catalog.IsDigits(no) {
		return nil, kakatong.CodeBadCardNo
	}
	c, ok := s.cards[no]
	if !ok {
		return nil, kakatong.CodeNoCard
	}
	return c, ""
}

// pwdOK accepts md5 hex or a plain 6-digit password (E-KAKATONG-PLAIN-PWD).
func pwdOK(c *card, given string) bool {
	if len(given) == kakatong.PasswordLen && catalog.IsDigits(given) {
		given = mac.CardPassword(given)
	}
	return strings.EqualFold(given, c.pwdHash)
}

// stateCode returns the code a card's state or dates give, "" when it may trade.
func (s *Simulator) stateCode(c *card) string {
	switch c.State {
	case Inactive:
		return kakatong.CodeNotActive
	case Lost:
		return kakatong.CodeLost
	case Cancelled:
		return kakatong.CodeCancelled
	case Replaced:
		return kakatong.CodeReplaced
	case Frozen:
		if s.faults.Has(FaultFrozenAsLost) {
			return kakatong.CodeLost
		}
		return kakatong.CodeFrozen
	}
	now := s.clock.Now()
	if !c.ValidFrom.IsZero() && now.Before(c.ValidFrom) {
		return kakatong.CodeNotYetValid
	}
	if !c.ExpireAt.IsZero() && !now.Before(c.ExpireAt) && !s.faults.Has(FaultExpiryIgnored) {
		return kakatong.CodeExpired
	}
	return ""
}

// amountOf reads AMOUNT (parseAmount); the decimal-amount fault reads
// "1.5" as 1 fen.
func (s *Simulator) amountOf(v string) (int64, bool) {
	if i := strings.IndexByte(v, '.'); i > 0 && s.faults.Has(FaultDecimalAmount) {
		v = v[:i]
	}
	return parseAmount(v)
}

// parseAmount reads AMOUNT: fen digits, 1-12 of them, above zero (02).
func parseAmount(v string) (int64, bool) {
	if len(v) == 0 || len(v) > kakatong.MaxAmountLen || !catalog.IsDigits(v) {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil && n > 0
}

func dayKey(t time.Time) string { return t.In(cst).Format("2006-01-02") }

func (s *Simulator) trade(mer *merchant, p map[string]string, fields map[string]string) outcome {
	const m = kakatong.MethodTrade
	lang := p["LANG"]
	fail := func(code string) outcome { return s.result(m, lang, code, p, fields) }
	row, ok, known := kakatong.RowFor(p["TRADETYPE"], p["TRADEMODE"])
	if !known {
		return fail(kakatong.CodeBadTradeType)
	}
	if !ok {
		return fail(kakatong.CodeBadTradeMode)
	}
	fields["TradeName"] = row.Name
	if row.Family == kakatong.FamStream {
		q := map[string]string{"CARDNO": p["CARDNO"], "CARDPWD": p["CARDPWD"], "POSCODE": "0", "STANCE_NO": "0", "START": "0", "END": "0"}
		return s.stream(mer, q, lang)
	}
	t, ok := s.terminalOf(mer, p["POSCODE"])
	if !ok {
		return fail(kakatong.CodeBadTerminal)
	}
	var amount int64
	if row.Money && !row.Undo {
		if amount, ok = s.amountOf(p["AMOUNT"]); !ok {
			return fail(kakatong.CodeBadAmount)
		}
	} else if row.Undo && row.Money && p["AMOUNT"] != "" {
		if amount, ok = s.amountOf(p["AMOUNT"]); !ok {
			return fail(kakatong.CodeBadAmount)
		}
	}
	if !validItemCode(p["ITEMCODE"]) && !s.faults.Has(FaultMoneyBeforeCheck) {
		return fail(kakatong.CodeFailed)
	}
	c, code := s.cardOf(p["CARDNO"])
	if code != "" {
		return fail(code)
	}
	switch row.Family {
	case kakatong.FamActivate:
		return s.activate(mer, p, fields, m)
	case kakatong.FamPassword:
		return s.password(mer, p, fields, m, row.Mode)
	}
	if !pwdOK(c, p["CARDPWD"]) {
		return fail(kakatong.CodeBadPassword)
	}
	if code := s.stateCode(c); code != "" {
		return fail(code)
	}
	switch {
	case row.Family == kakatong.FamRecharge && c.Kind == PointsOnly:
		return fail(kakatong.CodePointsCardValue)
	case (row.Family == kakatong.FamConsume || (row.Family == kakatong.FamQuery && row.Fill == kakatong.FillBalance)) && c.Kind == PointsOnly:
		return fail(kakatong.CodeNoValueFunction)
	case (row.Family == kakatong.FamPointsAdd || row.Family == kakatong.FamPointsUse || (row.Family == kakatong.FamQuery && row.Fill == kakatong.FillPoints)) && c.Kind == ValueOnly:
		return fail(kakatong.CodeNoPointsFunc)
	}
	switch row.Family {
	case kakatong.FamQuery:
		// A query gets a stance but is kept nowhere: nothing can undo,
		// reverse, list or count it (61 for its stance, as for an unknown
		// one), and issue 19 measured ~0.4 KB of heap per kept query.
		fields["Stance"] = s.nextStance()
		s.fill(row, c, fields, "")
		return fail(kakatong.CodeOK)
	case kakatong.FamBind:
		return s.bind(mer, p, fields, m, row.Mode)
	case kakatong.FamStreamRet:
		return fail(kakatong.CodeOK)
	case kakatong.FamReversal:
		return s.reverse(mer, t, c, p, fields)
	}
	return s.money(mer, t, c, row, amount, p, fields)
}

// fill sets the reply field the row fills (E-KAKATONG-INTEGRAL-POINTS).
func (s *Simulator) fill(row kakatong.Row, c *card, fields map[string]string, idnum string) {
	switch row.Fill {
	case kakatong.FillBalance:
		fields["Integral"] = strconv.FormatInt(c.Balance, 10)
	case kakatong.FillPoints:
		fields["Points"] = strconv.FormatInt(c.Points, 10)
	case kakatong.FillIDNum:
		fields["Integral"] = idnum
	}
}

func (s *Simulator) nextStance() string {
	s.seq++
	return fmt.Sprintf("%08d", s.seq)
}

func (s *Simulator) record(t *trade) *trade {
	t.Stance = s.nextStance()
	if t.Time.IsZero() {
		t.Time = s.clock.Now()
	}
	t.dayKey = dayKey(t.Time)
	s.trades = append(s.trades, t)
	s.byStance[t.Stance] = t
	if c, ok := s.cards[t.Card]; ok && !t.Query {
		c.trades = append(c.trades, t)
	}
	for len(s.trades) > s.history {
		s.age()
	}
	return t
}

// age drops the oldest kept trade out of the history window
// (E-KAKATONG-HISTORY), keeping what the ledger needs: its movements join
// its card's and merchant's aged sums, and Totals' aged counts.
func (s *Simulator) age() {
	t := s.trades[0]
	s.trades[0] = nil
	s.trades = s.trades[1:]
	delete(s.byStance, t.Stance)
	if c, ok := s.cards[t.Card]; ok {
		for i, x := range c.trades { // the first, as both lists are in stance order
			if x == t {
				copy(c.trades[i:], c.trades[i+1:])
				c.trades[len(c.trades)-1] = nil
				c.trades = c.trades[:len(c.trades)-1]
				break
			}
		}
		if !t.Reversed {
			c.agedBal += t.Delta
			c.agedPts += t.PtsDelta
		}
	}
	for _, idx := range []map[string]*trade{s.dup, s.dupAnyPos} {
		for _, k := range []string{dupKey(t.Card, t.Pos, t.Row, t.Amount), dupKey(t.Card, "", t.Row, t.Amount)} {
			if idx[k] == t {
				delete(idx, k)
			}
		}
	}
	if !t.Reversed {
		s.agedMer[t.CopNo] += t.MerDelta
		s.aged.add(t)
	}
	s.agedTrades++
	s.lastAged = t.Stance
}

// dupKey is the duplicate rule's key (E-KAKATONG-DUPLICATE); pos "" for
// the index that ignores the terminal (used only by a fault).
func dupKey(card, pos string, row kakatong.Row, amount int64) string {
	return card + "|" + pos + "|" + row.Type + "|" + row.Mode + "|" + strconv.FormatInt(amount, 10)
}

// isDup applies the duplicate rule. Only the latest trade of a key needs
// looking at: an earlier one of the same key is at least 24 h older than
// it (else the later one would have been a duplicate), so if the latest
// was reversed the earlier one is out of the window too.
func (s *Simulator) isDup(c *card, pos string, row kakatong.Row, amount int64, now time.Time) bool {
	window := 24 * time.Hour
	if s.faults.Has(FaultDupWindow23h) {
		window = 23 * time.Hour
	}
	t := s.dup[dupKey(c.No, pos, row, amount)]
	if s.faults.Has(FaultDupIgnoresTerm) {
		t = s.dupAnyPos[dupKey(c.No, "", row, amount)]
	}
	return t != nil && !t.Reversed && now.Sub(t.Time) < window
}

func (s *Simulator) money(mer *merchant, t TerminalSpec, c *card, row kakatong.Row, amount int64, p, fields map[string]string) outcome {
	const m = kakatong.MethodTrade
	fail := func(code string) outcome { return s.result(m, p["LANG"], code, p, fields) }
	now := s.clock.Now()
	var orig *trade
	if row.Undo {
		var code string
		if orig, code = s.checkUndo(row, c, mer, p["STANCE_REV"], amount); code != "" {
			return fail(code)
		}
		amount = orig.Amount
	}
	if !validItemCode(p["ITEMCODE"]) { // only with FaultMoneyBeforeCheck: trade checks it first
		if row.Family == kakatong.FamConsume && !row.Undo && c.Balance >= amount {
			c.Balance -= amount
		}
		return fail(kakatong.CodeFailed)
	}
	if it := p["ITEMCODE"]; it != "" {
		if i, ok := s.items[it]; ok {
			fields["TradeName"] = i.Name
		} else if row.Family == kakatong.FamPointsAdd && !row.Undo {
			return fail(kakatong.CodeNoPointsRule)
		}
	}
	if s.isDup(c, t.PosCode, row, amount, now) {
		return fail(kakatong.CodeDuplicate)
	}
	day := now.In(cst).Format("2006-01-02")
	tc := s.termDay[t.PosCode+"|"+day]
	if tc == nil {
		tc = &dayCount{}
		s.termDay[t.PosCode+"|"+day] = tc
	}
	testCap := 100
	if s.faults.Has(FaultTestCap101) {
		testCap = 101
	}
	if mer.TestMode && s.merchDay[mer.CopNo+"|"+day] >= testCap {
		return fail(kakatong.CodeTestModeCap)
	}
	if t.DailyMaxTrades > 0 && tc.count >= t.DailyMaxTrades {
		return fail(kakatong.CodeTermDailyCount)
	}
	fwdValue := !row.Undo && (row.Family == kakatong.FamConsume || row.Family == kakatong.FamRecharge)
	if fwdValue && c.SingleLimit > 0 && amount > c.SingleLimit {
		return fail(kakatong.CodeOverSingleLimit)
	}
	tr := &trade{Row: row, Card: c.No, Pos: t.PosCode, CopNo: mer.CopNo, Amount: amount, Time: now, countable: true}
	switch row.Family {
	case kakatong.FamConsume:
		if row.Undo {
			tr.Delta = amount
		} else {
			if c.Balance < amount {
				return fail(kakatong.CodeNoFunds)
			}
			tr.Delta = -amount
		}
	case kakatong.FamRecharge:
		if row.Undo {
			if c.Balance < amount {
				return fail(kakatong.CodeNoFunds)
			}
			tr.Delta, tr.MerDelta = -amount, amount
		} else {
			if t.DailyRecharge > 0 && tc.recharge+amount > t.DailyRecharge {
				return fail(kakatong.CodeTermDailyCap)
			}
			if mer.Prepaid < amount {
				return fail(kakatong.CodeMerchantNoFunds)
			}
			tr.Delta, tr.MerDelta = amount, -amount
		}
	case kakatong.FamPointsAdd:
		if row.Undo {
			tr.PtsDelta = -orig.PtsDelta
		} else {
			pts := amount
			if i, ok := s.items[p["ITEMCODE"]]; ok {
				pts = amount * i.Rate / 100
			}
			tr.PtsDelta = pts
		}
	case kakatong.FamPointsUse:
		if row.Undo {
			tr.PtsDelta = -orig.PtsDelta
		} else {
			if c.Points < amount {
				return fail(kakatong.CodeNoPoints)
			}
			tr.PtsDelta = -amount
		}
	}
	if c.Points+tr.PtsDelta < 0 {
		return fail(kakatong.CodeNoPoints)
	}
	c.Balance += tr.Delta
	if row.Undo && row.Family == kakatong.FamConsume && s.faults.Has(FaultUndoTwice) {
		c.Balance += tr.Delta
	}
	c.Points += tr.PtsDelta
	mer.Prepaid += tr.MerDelta
	tr.BalAfter = c.Balance
	s.record(tr)
	s.dup[dupKey(c.No, t.PosCode, row, amount)] = tr
	s.dupAnyPos[dupKey(c.No, "", row, amount)] = tr
	if orig != nil {
		tr.UndoOf = orig.Stance
		orig.UndoneBy = tr.Stance
	}
	if !row.Undo && row.Family == kakatong.FamRecharge {
		tc.recharge += amount
	}
	tc.count++
	s.merchDay[mer.CopNo+"|"+day]++
	fields["Stance"] = tr.Stance
	s.fill(row, c, fields, "")
	return fail(row.OK)
}

// checkUndo applies E-KAKATONG-UNDO and returns the original trade.
func (s *Simulator) checkUndo(row kakatong.Row, c *card, mer *merchant, st string, amount int64) (*trade, string) {
	orig, ok := s.byStance[st]
	if !ok || orig.Query || orig.Reversed {
		return nil, kakatong.CodeNoStance
	}
	if orig.UndoOf != "" {
		return nil, kakatong.CodeStanceIsUndo
	}
	if orig.UndoneBy != "" {
		return nil, kakatong.CodeAlreadyUndone
	}
	if orig.CopNo != mer.CopNo && !s.faults.Has(FaultUndoOtherMerchant) {
		return nil, kakatong.CodeOtherMerchant
	}
	fwd, _ := kakatong.UndoOf(row)
	if orig.Row.Type != fwd.Type || orig.Row.Mode != fwd.Mode || orig.Card != c.No {
		return nil, kakatong.CodeBadOriginal
	}
	if amount != 0 && amount != orig.Amount && !s.faults.Has(FaultUndoAmount) {
		return nil, kakatong.CodeBadOriginal
	}
	return orig, ""
}

// reverse is 0400 (E-KAKATONG-REVERSAL).
func (s *Simulator) reverse(mer *merchant, t TerminalSpec, c *card, p, fields map[string]string) outcome {
	fail := func(code string) outcome { return s.result(kakatong.MethodTrade, p["LANG"], code, p, fields) }
	orig, ok := s.byStance[p["STANCE_REV"]]
	if !ok || orig.Query {
		return fail(kakatong.CodeNoStance)
	}
	if !orig.Row.Money {
		return fail(kakatong.CodeBadOriginal)
	}
	if orig.UndoOf != "" {
		return fail(kakatong.CodeStanceIsUndo)
	}
	if orig.Reversed || orig.UndoneBy != "" {
		return fail(kakatong.CodeAlreadyUndone)
	}
	if orig.Card != c.No {
		return fail(kakatong.CodeBadOriginal)
	}
	if orig.Pos != t.PosCode || orig.dayKey != dayKey(s.clock.Now()) {
		return fail(kakatong.CodeFailed)
	}
	if c.Balance < orig.Delta || c.Points < orig.PtsDelta {
		return fail(kakatong.CodeNoFunds)
	}
	if !s.faults.Has(FaultReversalKeeps) {
		c.Balance -= orig.Delta
		c.Points -= orig.PtsDelta
	}
	s.merchants[orig.CopNo].Prepaid -= orig.MerDelta
	orig.Reversed = true
	return fail(kakatong.CodeReversed)
}

// activate is aCRequest and 0001/1 (E-KAKATONG-ACTIVATION).
func (s *Simulator) activate(mer *merchant, p, fields map[string]string, method string) outcome {
	fail := func(code string) outcome { return s.result(method, p["LANG"], code, p, fields) }
	c, code := s.terminalCard(mer, p)
	if code != "" {
		return fail(code)
	}
	if c.Issuer != mer.CopNo {
		return fail(kakatong.CodeOtherIssuer)
	}
	if c.State == Cancelled {
		return fail(kakatong.CodeCannotActivate)
	}
	if c.State != Inactive {
		return fail(kakatong.CodeActivateFailed)
	}
	if !pwdOK(c, p["CARDPWD"]) {
		return fail(kakatong.CodeBadPassword)
	}
	if c.Mobile != "" {
		for _, o := range s.cards {
			if o != c && o.State == Active && o.info.Mobile == c.Mobile {
				return fail(kakatong.CodeMobileExists)
			}
		}
	}
	if c.FaceValue > 0 {
		if mer.Prepaid < c.FaceValue {
			return fail(kakatong.CodeIssuerNoFunds)
		}
		mer.Prepaid -= c.FaceValue
		c.Balance += c.FaceValue
		c.activation = c.FaceValue
	}
	c.State = Active
	row, _, _ := kakatong.RowFor(kakatong.TypeActivate, kakatong.ModeActivate)
	// Recorded so the stream shows the activation; it moves nothing (the
	// face value is booked as the card's activation load).
	s.record(&trade{Row: row, Card: c.No, Pos: p["POSCODE"], CopNo: mer.CopNo, Amount: c.FaceValue, BalAfter: c.Balance})
	return fail(kakatong.CodeActivated)
}

// password is rSCardPwd and 4400: an empty OLD_PWD (or mode 1) resets.
func (s *Simulator) password(mer *merchant, p, fields map[string]string, method, mode string) outcome {
	fail := func(code string) outcome { return s.result(method, p["LANG"], code, p, fields) }
	c, code := s.terminalCard(mer, p)
	if code != "" {
		return fail(code)
	}
	newPwd := p["NEW_PWD"]
	if len(newPwd) != kakatong.PasswordLen || !catalog.IsDigits(newPwd) {
		return fail(kakatong.CodeFailed)
	}
	reset := mode == "1" || (mode == "" && p["OLD_PWD"] == "")
	if !reset {
		if !pwdOK(c, p["OLD_PWD"]) {
			return fail(kakatong.CodeOldPwdWrong)
		}
	}
	c.Password, c.pwdHash = newPwd, mac.CardPassword(newPwd)
	if reset {
		return fail(kakatong.CodePwdReset)
	}
	return fail(kakatong.CodePwdChanged)
}

func validIDNum(v string) bool {
	switch {
	case len(v) == 11 && v[0] == '1' && catalog.IsDigits(v):
		return true
	case len(v) == 15 && catalog.IsDigits(v):
		return true
	case len(v) == 18 && catalog.IsDigits(v[:17]) && (v[17] == 'X' || v[17] == 'x' || (v[17] >= '0' && v[17] <= '9')):
		return true
	}
	return false
}

// bind is bCRequest and 2200: mode 1 binds, 0 unbinds.
func (s *Simulator) bind(mer *merchant, p, fields map[string]string, method, mode string) outcome {
	fail := func(code string) outcome { return s.result(method, p["LANG"], code, p, fields) }
	if mode != "0" && mode != "1" {
		return fail(kakatong.CodeBadTradeMode)
	}
	c, code := s.terminalCard(mer, p)
	if code != "" {
		return fail(code)
	}
	if !pwdOK(c, p["CARDPWD"]) {
		return fail(kakatong.CodeBadPassword)
	}
	if code := s.stateCode(c); code != "" {
		return fail(code)
	}
	id := p["IDNUM"]
	if !validIDNum(id) {
		return fail(kakatong.CodeBadIDNum)
	}
	fields["IDNum"] = id
	if mode == "1" {
		if c.bound != "" {
			return fail(kakatong.CodeBoundElsewhere)
		}
		c.bound = id
		if method == kakatong.MethodTrade {
			row, _, _ := kakatong.RowFor(kakatong.TypeBind, kakatong.ModeBind)
			s.fill(row, c, fields, id)
		}
		return fail(kakatong.CodeBound)
	}
	if c.bound == "" || c.bound != id {
		return fail(kakatong.CodeNotBound)
	}
	c.bound = ""
	return fail(kakatong.CodeUnbound)
}

// info is cIRequest: a query when every USR_* is empty, else an update of
// the non-empty ones (E-KAKATONG-INFO-RESULT).
func (s *Simulator) info(mer *merchant, p, fields map[string]string) outcome {
	const m = kakatong.MethodInfo
	fail := func(code string) outcome { return s.result(m, p["LANG"], code, p, fields) }
	c, code := s.cardOf(p["CARDNO"])
	if code != "" {
		return fail(code)
	}
	in := map[string]*string{"USR_CH_NAME": &c.info.ChName, "USR_EN_NAME": &c.info.EnName, "USR_ADDR": &c.info.Addr,
		"USR_EMAIL": &c.info.Email, "USR_MOBILE_NO": &c.info.Mobile, "USR_TEL_PHONE": &c.info.Tel, "USR_BIRTHDAY": &c.info.Birthday}
	for name := range in {
		v := p[name]
		n := kakatong.GBKLen(v) // 64 GB2312 bytes: 32 Chinese characters
		if s.faults.Has(FaultLenInChars) {
			n = utf8.RuneCountInString(v)
		}
		if n > 64 || (clean(v) != v && !s.faults.Has(FaultLenInChars)) {
			return fail(kakatong.CodeFailed)
		}
		if _, err := gbk.EncodeString(v); err != nil {
			// Every holder field must survive a GB2312 SOAP reply.
			return fail(kakatong.CodeFailed)
		}
		switch {
		case v == "":
		case name == "USR_EMAIL" && !strings.Contains(v, "@"):
			return fail(kakatong.CodeFailed)
		case name == "USR_BIRTHDAY":
			if _, err := time.Parse("2006-01-02", v); err != nil {
				return fail(kakatong.CodeFailed)
			}
		case name == "USR_MOBILE_NO" && !catalog.IsDigits(v):
			return fail(kakatong.CodeFailed)
		}
	}
	for name, dst := range in {
		if v := p[name]; v != "" {
			*dst = v
		}
	}
	bd := c.info.Birthday
	if bd == "" {
		bd = "0000-00-00"
	}
	for k, v := range map[string]string{"UsrChName": c.info.ChName, "UsrEnName": c.info.EnName, "UsrAddr": c.info.Addr,
		"UsrEmail": c.info.Email, "UsrMobile": c.info.Mobile, "UsrTel": c.info.Tel, "UsrBirthday": bd} {
		fields[k] = v
	}
	return fail("")
}

// maxStream bounds a stream reply (a load run leaves many trades behind).
const maxStream = 500

func isZero(v string) bool { return v == "" || strings.Trim(v, "0") == "" }

// stream is tSRequest and 0012 (E-KAKATONG-STREAM-FILTER).
func (s *Simulator) stream(mer *merchant, p map[string]string, lang string) outcome {
	const m = kakatong.MethodStream
	fail := func(code string) outcome { return s.result(m, lang, code, p, nil) }
	n := 0
	for _, f := range []string{"CARDNO", "POSCODE", "STANCE_NO"} {
		if !isZero(p[f]) {
			n++
		}
	}
	if n > 1 {
		return fail(kakatong.CodeFailed)
	}
	var from, to time.Time
	for _, tv := range []struct {
		v   string
		dst *time.Time
	}{{p["START"], &from}, {p["END"], &to}} {
		if isZero(tv.v) {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02 15:04:05", tv.v, cst)
		if err != nil {
			return fail(kakatong.CodeFailed)
		}
		*tv.dst = t
	}
	cardNo, pos, st := p["CARDNO"], p["POSCODE"], p["STANCE_NO"]
	if !isZero(cardNo) {
		c, code := s.cardOf(cardNo)
		if code != "" {
			return fail(code)
		}
		if p["CARDPWD"] != "" && !pwdOK(c, p["CARDPWD"]) {
			return fail(kakatong.CodeBadPassword)
		}
	}
	if !isZero(pos) {
		if _, ok := s.terminalOf(mer, pos); !ok {
			return fail(kakatong.CodeBadTerminal)
		}
	}
	if !isZero(st) && (len(st) > 8 || !catalog.IsDigits(st)) {
		return fail(kakatong.CodeNoStance)
	}
	out := outcome{method: m, lang: lang, records: []kakatong.Record{}}
	for i := len(s.trades) - 1; i >= 0 && len(out.records) < maxStream; i-- {
		t := s.trades[i]
		switch {
		case t.Query || t.Reversed || t.CopNo != mer.CopNo:
			continue
		case !isZero(cardNo) && t.Card != cardNo, !isZero(pos) && t.Pos != pos:
			continue
		case !isZero(st) && t.Stance != fmt.Sprintf("%08s", st):
			continue
		case !from.IsZero() && t.Time.Before(from), !to.IsZero() && t.Time.After(to):
			continue
		}
		var rec kakatong.Record
		rec.Set("stanceNo", s.stanceOut(t.Stance))
		rec.Set("CardNo", t.Card)
		amt, pts := int64(0), int64(0)
		if t.Row.Family == kakatong.FamPointsAdd || t.Row.Family == kakatong.FamPointsUse {
			pts = abs(t.PtsDelta)
		} else {
			amt = t.Amount
		}
		rec.Set("Amount", kakatong.FormatYuan(amt))
		rec.Set("Points", strconv.FormatInt(pts, 10)+".00")
		rec.Set("Integral", strconv.FormatInt(t.BalAfter, 10))
		rec.Set("TradeTime", t.Time.In(cst).Format("2006-01-02 15:04:05"))
		rec.Set("TmnNo", t.Pos)
		rec.Set("TradeName", t.Row.Name)
		out.records = append(out.records, rec)
	}
	return out
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
