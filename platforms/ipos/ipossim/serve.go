package ipossim

import (
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"paycert/codecs/gbk"
	"paycert/codecs/gbkxml"
	"paycert/codecs/mac"
	"paycert/platforms/catalog"
	"paycert/platforms/ipos"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

// call is one request on its way through the simulator.
type call struct {
	iface  string
	root   *gbkxml.Node
	xml    []byte
	m      *merchant
	term   *terminal
	remote netip.Addr
	now    time.Time
}

func (c *call) get(path string) (string, bool) { return c.root.Get(path) }

func (c *call) val(path string) string {
	v, _ := c.root.Get(path)
	return v
}

// outcome is a result code with its comment; a zero comment means the
// catalogue's text for the code.
type outcome struct {
	code, comment string
	// why is the rule of the spec the request broke, which strict mode
	// records; nil for a business outcome (balance short, voucher used or
	// expired, terminal bound elsewhere), which a conforming client meets.
	why *catalog.Finding
	// value is the offending value strict mode quotes when it is not the
	// text of the element why names (a charset error: the raw bytes).
	value *string
}

func fail(code string) *outcome { return &outcome{code: code} }

func failf(code, format string, a ...any) *outcome {
	return &outcome{code: code, comment: fmt.Sprintf(format, a...)}
}

// because says which rule of the spec the request broke: path is below the
// root ("" for the message as a whole), detail names the value (short).
func (o *outcome) because(path, rule, section, format string, a ...any) *outcome {
	if path != "" {
		path = ipos.Root + "/" + path
	}
	o.why = &catalog.Finding{Path: path, Rule: rule, Section: section, Detail: fmt.Sprintf(format, a...)}
	return o
}

// inForm is because for a parameter of the form body (xml, mac), which is
// no element of the message.
func (o *outcome) inForm(param, rule, format string, a ...any) *outcome {
	o.why = &catalog.Finding{Path: param, Rule: rule, Section: secTransport, Detail: fmt.Sprintf(format, a...)}
	return o
}

// Sections of seed 002 the simulator's rules come from.
const (
	secTransport = "002 §2" // POST, the form body, the MAC, the charset
	secMessage   = "002 §4" // the business_trans envelope and request_type
	secCodes     = "002 §5" // rules only a code states (lengths of 5209-5211, formats)
	// bodyUnread names the interface of a body refused unread.
	bodyUnread = "(body over 1 MiB, not read)"
)

// short quotes a value for a violation's detail, cut to 32 characters:
// enough to recognise it, never a 1 MiB padding.
func short(v string) string {
	const max = 32
	if utf8.RuneCountInString(v) <= max {
		return strconv.Quote(v)
	}
	r := []rune(v)
	return strconv.Quote(string(r[:max])) + fmt.Sprintf("... (%d characters)", len(r))
}

// serve is the whole request pipeline. Its order is a reading (doc.go): the
// transport and the envelope first, then who is calling (merchant, MAC, IP,
// system), then the fields, then the terminal, then pos_seq, then business.
func (s *Simulator) serve(w http.ResponseWriter, r *http.Request) {
	now := s.clock.Now()
	c := &call{now: now}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		if a, err := netip.ParseAddr(host); err == nil {
			c.remote = a.Unmap()
		}
	}
	if r.Method != http.MethodPost {
		s.refuse(w, c, fail(ipos.CodeMethod).because("", "method", secTransport, "HTTP method %s; 002 §2 says POST", r.Method))
		return
	}
	body, err := wire.ReadBody(r.Body, r.ContentLength, sim.MaxBody)
	if err != nil {
		if sim.IsBodyTooLarge(err) {
			// No iPos code fits a body over the cap: a clean 413. A body
			// that declared its length never gets here (sim.HardenStrict
			// refuses and records it: tooLarge).
			c.iface = bodyUnread
			s.violate(c, "", 0, tooLargeFinding("sent chunked"), "")
			http.Error(w, "request body over 1 MiB", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read request body", http.StatusBadRequest)
		return
	}
	if s.strict {
		ct := r.Header.Get("Content-Type")
		mt, params, _ := mime.ParseMediaType(ct)
		if mt != "application/x-www-form-urlencoded" || !strings.EqualFold(params["charset"], "GBK") {
			c.iface = ipos.RequestTypeOf(body) // request_type is ASCII, urlencoded as itself
			s.violate(c, "", http.StatusOK, catalog.Finding{Path: "Content-Type", Rule: "charset", Section: secTransport,
				Detail: fmt.Sprintf("Content-Type %s; 002 §2 wants a form body with charset GBK", short(ct))}, ct)
			c.iface = ""
		}
	}
	xmlBytes, macHex, err := gbkxml.ParseFormBody(body)
	switch {
	case errors.Is(err, gbkxml.ErrNoMAC):
		// Still parse the message so the reply can echo it.
	case err != nil:
		s.refuse(w, c, fail(ipos.CodeNoXML).inForm("xml", "missing", "no xml parameter in the form body: %v", err))
		return
	}
	c.xml = xmlBytes
	// The charset before anything reads a field: a length counted in GBK
	// bytes, or a store name stored, means nothing in mojibake.
	check := ipos.CheckCharsetText
	if s.faults.Has(FaultCharsetDecodeOnly) {
		check = ipos.CheckCharsetDecodeOnly
	}
	if f, text := check(xmlBytes); f != nil {
		c.iface = ipos.RequestTypeOf(xmlBytes)
		o := failf(ipos.CodeBadXML, "XML格式错误, 无法解析: 报文字符集与声明不符")
		o.why = f
		v := rawText(text)
		o.value = &v
		s.refuse(w, c, o)
		return
	}
	doc, perr := gbkxml.Parse(xmlBytes)
	if perr != nil || doc.Root() == nil || doc.Root().Name != ipos.Root {
		why := "root element is not business_trans"
		if perr != nil {
			why = perr.Error()
		}
		c.iface = ipos.RequestTypeOf(xmlBytes)
		s.refuse(w, c, fail(ipos.CodeBadXML).because("", "xml", secMessage, "%s", why))
		return
	}
	c.root = doc.Root()
	if s.strict && doc.Encoding() != gbkxml.GBK {
		c.iface = ipos.RequestTypeOf(xmlBytes)
		s.violate(c, "", http.StatusOK, catalog.Finding{Path: "xml declaration", Rule: "charset", Section: secTransport,
			Detail: fmt.Sprintf("the xml declares %s; 002 §2 wants GBK", short(doc.EncodingLabel()))}, doc.EncodingLabel())
		c.iface = ""
	}
	rt := c.val("request_type")
	name, ok := strings.CutSuffix(rt, "_request")
	if !ok || !known(name) {
		s.refuse(w, c, fail(ipos.CodeMethod).because("request_type", "unknown-value", secMessage, "request_type %s is none of the 12 interfaces", short(rt)))
		return
	}
	c.iface = name
	if o := s.admit(c, macHex, err); o != nil {
		s.refuse(w, c, o)
		return
	}
	if s.faults.Has(FaultVerifyBeforeCheck) && c.iface == ipos.CardVerify {
		s.verifyEarly(c)
	}
	if o := s.validate(c); o != nil {
		s.refuse(w, c, o)
		return
	}

	// Only deciding and rendering the reply needs the state lock; the copy
	// of the request kept for replays is made before it and the reply is
	// written to the connection after it (a load profile of ipos-verify
	// showed both inside the lock, serialising the handlers).
	xmlKey := string(c.xml)
	s.send(w, s.decide(c, xmlKey))
}

// decide runs the stateful part of a request under the lock and returns the
// rendered reply.
func (s *Simulator) decide(c *call, xmlKey string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.checkTerminal(c); o != nil {
		return s.render(c, o, nil)
	}
	key := ""
	if seq, ok := c.get("pos_seq"); ok && c.iface != ipos.BindPos && c.iface != ipos.WecardGetPosSeqInfo && !s.faults.Has(FaultDuplicatePosSeq) {
		key = c.m.isspid + "/" + seq
		if prev, dup := s.seqs[key]; dup {
			if prev.iface == c.iface && prev.xml == xmlKey {
				s.logf("ipos sim: replaying the reply to %s pos_seq %s", c.iface, seq)
				return prev.reply
			}
			o := failf(ipos.CodeFailed, "终端流水号重复").because("pos_seq", "duplicate", secCodes,
				"pos_seq %s was already used by a different %s request; it is unique per merchant (002 §4.3)", short(seq), prev.iface)
			s.record(c, o)
			return s.render(c, o, nil)
		}
	}
	o, body2 := s.business(c)
	s.record(c, o)
	reply := s.render(c, o, body2)
	if key != "" {
		s.remember(key, &seqRecord{iface: c.iface, xml: xmlKey, reply: reply})
	}
	return reply
}

// verifyEarly is fault verify-before-field-check: the verification is made
// (and booked, so the ledger still balances) before the fields are judged.
func (s *Simulator) verifyEarly(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.terms[c.m.isspid+"/"+c.val("pos_id")] == nil || s.resolve(c) == nil {
		return
	}
	s.cardVerify(c)
}

// glen is a length as the seed counts it, in GBK bytes (fault
// length-in-characters: in characters).
func (s *Simulator) glen(v string) int {
	if s.faults.Has(FaultLenInCharacters) {
		return utf8.RuneCountInString(v)
	}
	return ipos.GBKLen(v)
}

// fen reads an amount in fen (fault fen-decimal-accepted: a decimal
// amount passes, truncated).
func (s *Simulator) fen(v string) (int64, bool) {
	if n, ok := ipos.ParseFen(v); ok || !s.faults.Has(FaultFenDecimal) {
		return n, ok
	}
	whole, _, found := strings.Cut(v, ".")
	if !found {
		return 0, false
	}
	return ipos.ParseFen(whole)
}

// isDay reports whether v is a yyyymmdd date (fault
// date-calendar-unchecked: any 8 digits).
func (s *Simulator) isDay(v string) bool {
	if s.faults.Has(FaultDateUnchecked) {
		return len(v) == 8 && catalog.IsDigits(v)
	}
	return day(v)
}

func known(name string) bool {
	for _, n := range ipos.Interfaces() {
		if n == name {
			return true
		}
	}
	return false
}

// admit decides who is calling: merchant id, MAC, IP, system, interface.
func (s *Simulator) admit(c *call, macHex string, formErr error) *outcome {
	isspid, _ := c.get("isspid")
	if len(isspid) != 8 || !catalog.IsDigits(isspid) {
		return fail(ipos.CodeISSPIDFormat).because("isspid", "format", secCodes, "isspid %s must be 8 digits (6104)", short(isspid))
	}
	s.mu.Lock()
	m := s.merchants[isspid]
	s.mu.Unlock()
	if m == nil {
		return failf(ipos.CodeNotAuthorised, "商户没有授权访问该接口: 商户%s不存在", isspid).
			because("isspid", "unknown-merchant", secCodes, "no merchant %s (6101, erratum E-IPOS-UNKNOWN-MERCHANT)", short(isspid))
	}
	c.m = m
	if errors.Is(formErr, gbkxml.ErrNoMAC) {
		return failf(ipos.CodeBadMAC, "MAC值校验失败: 缺少mac参数").inForm("mac", "missing", "the form body has no mac parameter")
	}
	macOver := c.xml
	if s.faults.Has(FaultMACOverUTF8) {
		if u, err := gbk.Decode(nil, c.xml); err == nil {
			macOver = u
		}
	}
	if !mac.VerifyIPos([]byte(m.key), macOver, macHex) {
		return fail(ipos.CodeBadMAC).inForm("mac", "mac", "mac %s is not md5(key+xml+key) over the xml's GBK bytes under merchant %s's key", short(macHex), isspid)
	}
	if !s.faults.Has(FaultIPNotChecked) && !allowed(m.allow, c.remote) {
		return fail(ipos.CodeIPNotAllowed).because("", "ip-not-allowed", secCodes, "merchant %s does not accept requests from %s (6103)", isspid, c.remote)
	}
	sys, ok := c.get("system_id")
	switch {
	case !ok || sys == "":
		return fail(ipos.CodeSystemIDEmpty).because("system_id", "missing", secCodes, "system_id is required (5200)")
	case len(sys) != 4 || !catalog.IsDigits(sys):
		return fail(ipos.CodeSystemIDFormat).because("system_id", "format", secCodes, "system_id %s must be 4 digits (6105)", short(sys))
	case sys != m.systemID:
		return fail(ipos.CodeSystemIDWrong).because("system_id", "mismatch", secCodes, "system_id %s is not merchant %s's (6102)", short(sys), isspid)
	}
	if m.noWecard && strings.HasPrefix(c.iface, "wecard_") {
		return fail(ipos.CodeNotAuthorised).because("request_type", "not-authorised", secCodes, "merchant %s may not use %s (6101)", isspid, c.iface)
	}
	return nil
}

func allowed(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// validate checks the fields of the request against the interface's table
// and the codes of 002 §5. Field limits of the access codes (ipos.MaxPosIDLen
// and the rest) win over the tables' lengths (erratum E-IPOS-LEN-LIMITS).
func (s *Simulator) validate(c *call) *outcome {
	rf := s.fields[c.iface]
	fields := rf.byPath
	has := func(p string) bool { _, ok := fields[p]; return ok }
	required := func(p string) bool { return fields[p].Presence == catalog.Required }

	// Unknown elements: tolerated (recorded in strict mode).
	var unknown []string
	walk(c.root, "", func(path string, leaf bool) {
		if _, ok := fields[path]; !ok && leaf && path != "request_type" && !(c.iface == ipos.WecardGetTraceList && path == "page") {
			unknown = append(unknown, path)
		}
	})
	if len(unknown) > 0 {
		if s.faults.Has(FaultRejectUnknownElement) {
			return failf(ipos.CodeBadXML, "XML格式错误, 无法解析: 未知节点 %s", unknown[0])
		}
		s.violate(c, "", http.StatusOK, catalog.Finding{Path: ipos.Root + "/" + unknown[0], Rule: "unknown-element", Section: rf.section,
			Detail: fmt.Sprintf("elements not in the %s request table: %s", c.iface, strings.Join(unknown, ", "))}, c.val(unknown[0]))
	}

	// Every length is counted in GBK bytes, as the seed counts them (002
	// §2: the charset is GBK): a Chinese character is 2, whatever its
	// UTF-8 length (erratum E-IPOS-LEN-LIMITS).
	tooLong := func(code, p string, v string, max int, section string) *outcome {
		return fail(code).because(p, "too-long", section, "%s is %d GBK bytes, over %d: %s", p, s.glen(v), max, short(v))
	}
	missing := func(code, p string, section string) *outcome {
		return fail(code).because(p, "missing", section, "%s is required and absent or empty", p)
	}
	if has("pos_id") {
		v, ok := c.get("pos_id")
		if required("pos_id") && (!ok || v == "") && !s.faults.Has(FaultPosIDEmptyOK) {
			return missing(ipos.CodePosID, "pos_id", secCodes)
		}
		if s.glen(v) > ipos.MaxPosIDLen {
			return tooLong(ipos.CodePosID, "pos_id", v, ipos.MaxPosIDLen, secCodes)
		}
	}
	if has("store_id") {
		v, ok := c.get("store_id")
		if required("store_id") && (!ok || v == "") {
			return missing(ipos.CodeStoreID, "store_id", secCodes)
		}
		if s.glen(v) > ipos.MaxStoreIDLen {
			return tooLong(ipos.CodeStoreID, "store_id", v, ipos.MaxStoreIDLen, secCodes)
		}
	}
	if has("pos_seq") {
		v, ok := c.get("pos_seq")
		switch {
		case required("pos_seq") && (!ok || !posSeq(v, fields["pos_seq"])):
			return fail(ipos.CodePosSeq).because("pos_seq", "format", secCodes, "pos_seq %s must be %d to %d digits (5212)", short(v), ipos.MinPosSeqLen, fields["pos_seq"].MaxLen)
		case ok && v != "" && (len(v) > fields["pos_seq"].MaxLen || !catalog.IsDigits(v)):
			return fail(ipos.CodePosSeq).because("pos_seq", "format", secCodes, "pos_seq %s must be digits, at most %d (5212)", short(v), fields["pos_seq"].MaxLen)
		}
	}
	if v, _ := c.get("user_id"); s.glen(v) > ipos.MaxUserIDLen {
		return tooLong(ipos.CodeUserID, "user_id", v, ipos.MaxUserIDLen, secCodes)
	}
	g := c.iface + "_request/"
	sec := rf.section
	switch c.iface {
	case ipos.BindPos:
		if v, ok := c.get("store_info/store_id"); !ok || v == "" {
			return missing(ipos.CodeStoreID, "store_info/store_id", sec)
		} else if s.glen(v) > ipos.MaxStoreIDLen {
			return tooLong(ipos.CodeStoreID, "store_info/store_id", v, ipos.MaxStoreIDLen, secCodes)
		}
		const name = "store_info/store_name"
		if v, ok := c.get(name); !ok || strings.TrimSpace(v) == "" {
			return missing(ipos.CodeStoreName, name, sec)
		} else if s.glen(v) > fields[name].MaxLen {
			return tooLong(ipos.CodeStoreName, name, v, fields[name].MaxLen, sec)
		}
	case ipos.CardQuery, ipos.CardVerify, ipos.CardCancel, ipos.CardReversal:
		vi, ok := c.get(g + "valid_info")
		if !ok || vi == "" {
			return missing(ipos.CodeValidInfo, g+"valid_info", sec)
		}
		if max := fields[g+"valid_info"].MaxLen; s.glen(vi) > max {
			return tooLong(ipos.CodeValidInfo, g+"valid_info", vi, max, sec)
		}
		et, etOK := c.get(g + "encode_type")
		if etOK && et != ipos.EncodeAux && et != ipos.EncodeQR {
			return fail(ipos.CodeEncodeType).because(g+"encode_type", "format", sec, "encode_type %s must be 099 or 098", short(et))
		}
		if et == ipos.EncodeAux && !auxCode(vi) {
			return failf(ipos.CodeValidInfo, "验证数据格式不正确: 辅助码须为12或16位数字").
				because(g+"valid_info", "format", sec, "valid_info %s with encode_type 099 must be 12 or 16 digits", short(vi))
		}
		if v, ok := c.get(g + "tx_amt"); ok && c.iface == ipos.CardVerify {
			if _, good := s.fen(v); !good {
				return fail(ipos.CodeTxAmt).because(g+"tx_amt", "format", sec, "tx_amt %s must be an integer >= 0 in fen, at most 16 digits (5221)", short(v))
			}
		}
		if c.iface == ipos.CardCancel || c.iface == ipos.CardReversal {
			if v, ok := c.get(g + "org_pos_seq"); !ok || !posSeq(v, fields[g+"org_pos_seq"]) {
				return fail(ipos.CodeOrgPosSeq).because(g+"org_pos_seq", "format", sec, "org_pos_seq %s must be %d to %d digits (5215)", short(v), ipos.MinPosSeqLen, fields[g+"org_pos_seq"].MaxLen)
			}
		}
	case ipos.CardDaily:
		v, _ := c.get(g + "daily_day")
		if !s.isDay(v) {
			return fail(ipos.CodeDailyDay).because(g+"daily_day", "format", sec, "daily_day %s is not a yyyymmdd date", short(v))
		}
		if today := c.now.In(china).Format(ipos.DayLayout); v > today {
			return failf(ipos.CodeDailyDay, "日结日期 (daily_day) 格式不正确: %s 晚于当前日期 %s", v, today).
				because(g+"daily_day", "future", sec, "daily_day %s is after today %s (erratum E-IPOS-DAILY-FUTURE)", v, today)
		}
	case ipos.WecardGetCodeInfo:
		code, _ := c.get("code")
		enc, _ := c.get("encrypt_code")
		if code == "" && enc == "" {
			return failf(ipos.CodeFailed, "交易失败: code与encrypt_code不能同时为空").
				because("code", "missing", sec, "one of code and encrypt_code is required")
		}
	case ipos.WecardGetTraceList:
		st, sok := c.get("s_time")
		et, eok := c.get("e_time")
		if sok || eok {
			if !s.isDay(st) {
				return fail(ipos.CodeSTime).because("s_time", "format", sec, "s_time %s is not a yyyymmdd date (both dates or neither)", short(st))
			}
			if !s.isDay(et) {
				return fail(ipos.CodeETime).because("e_time", "format", sec, "e_time %s is not a yyyymmdd date (both dates or neither)", short(et))
			}
		}
		_, hasStore := c.get("store_id")
		_, hasPos := c.get("pos_id")
		if hasStore != hasPos {
			p := "pos_id"
			if hasPos {
				p = "store_id"
			}
			return failf(ipos.CodeFailed, "交易失败: 门店号与终端号需同时传入").
				because(p, "missing", sec, "store_id and pos_id go together; %s is absent (erratum E-IPOS-NO-TERMINAL-CODES)", p)
		}
		if p, ok := c.get("page"); ok && (!catalog.IsDigits(p) || p == "0" || len(p) > 6) {
			return failf(ipos.CodeFailed, "交易失败: page须为正整数").
				because("page", "format", sec, "page %s must be a positive integer (erratum E-IPOS-TRACE-PAGING)", short(p))
		}
	case ipos.WecardGetPosSeqInfo:
		code, _ := c.get("code")
		seq, _ := c.get("pos_seq")
		if (code == "") == (seq == "") {
			return failf(ipos.CodeFailed, "交易失败: code与终端流水号只能传入其中一个").
				because("code", "exclusive", sec, "exactly one of code and pos_seq is required, got code %s and pos_seq %s", short(code), short(seq))
		}
	case ipos.WecardPosCancelCard, ipos.WecardPosReturnd, ipos.WecardPosRevoke:
		for _, p := range []string{"code", "consume_source"} {
			if v, _ := c.get(p); v == "" {
				return failf(ipos.CodeFailed, "交易失败: 缺少必填节点%s", p).because(p, "missing", sec, "%s is required and absent or empty", p)
			}
		}
		if v, ok := c.get("amount"); ok && has("amount") {
			if _, good := s.fen(v); !good {
				return fail(ipos.CodeTxAmt).because("amount", "format", sec, "amount %s must be an integer >= 0 in fen (5221)", short(v))
			}
		}
		if c.iface == ipos.WecardPosReturnd {
			if v, ok := c.get("org_pos_seq"); !ok || !posSeq(v, fields["org_pos_seq"]) {
				return fail(ipos.CodeOrgPosSeq).because("org_pos_seq", "format", sec, "org_pos_seq %s must be %d to %d digits (5215)", short(v), ipos.MinPosSeqLen, fields["org_pos_seq"].MaxLen)
			}
		}
	}
	// What no dedicated code covers: required elements and the tables' lengths.
	for n, f := range rf.list { // table order: a deterministic first finding
		p := rf.paths[n]
		v, ok := c.get(p)
		if f.Presence == catalog.Required && !ok {
			return failf(ipos.CodeFailed, "交易失败: 缺少必填节点%s", p).because(p, "missing", sec, "%s is required and absent", p)
		}
		if ok && f.MaxLen > 0 && s.glen(v) > f.MaxLen {
			return failf(ipos.CodeFailed, "交易失败: %s超过%s(%d)", p, f.Type, f.MaxLen).
				because(p, "too-long", sec, "%s is %d GBK bytes, over %s(%d): %s", p, s.glen(v), f.Type, f.MaxLen, short(v))
		}
	}
	return nil
}

// requestFields is one interface's request table as validate reads it,
// keyed by the path below the root. The catalogue is fixed for the
// simulator's life, so this is built once in New: a load profile of
// ipos-verify showed validate rebuilding the map (and filtering the table
// twice) on every request at about a quarter of the handler's CPU.
type requestFields struct {
	section string // the interface's sections in the seed ("002 §3.3, §4.3")
	byPath  map[string]catalog.Field
	list    []catalog.Field // the request fields in table order
	paths   []string        // list[n]'s path below the root
}

func buildRequestFields(cat *catalog.Catalogue) map[string]requestFields {
	out := map[string]requestFields{}
	for _, it := range cat.Interfaces {
		rf := requestFields{section: it.Section, byPath: map[string]catalog.Field{}, list: it.FieldsFor(catalog.Request)}
		for _, f := range rf.list {
			p := strings.TrimPrefix(f.Path, ipos.Root+"/")
			rf.byPath[p] = f
			rf.paths = append(rf.paths, p)
		}
		out[it.Name] = rf
	}
	return out
}

// walk calls fn for every element below n with its path.
func walk(n *gbkxml.Node, prefix string, fn func(path string, leaf bool)) {
	for _, ch := range n.Children {
		p := ch.Name
		if prefix != "" {
			p = prefix + "/" + ch.Name
		}
		fn(p, len(ch.Children) == 0)
		walk(ch, p, fn)
	}
}

// posSeq reports whether v is a pos_seq as 5212 and 5215 want it: digits,
// longer than 12, within the table's length f.
func posSeq(v string, f catalog.Field) bool {
	return len(v) >= ipos.MinPosSeqLen && len(v) <= f.MaxLen && catalog.IsDigits(v)
}

func auxCode(s string) bool { return (len(s) == 12 || len(s) == 16) && catalog.IsDigits(s) }

func day(s string) bool {
	if len(s) != 8 {
		return false
	}
	_, err := time.Parse(ipos.DayLayout, s)
	return err == nil
}

// checkTerminal applies to trades made at a terminal: it must exist for the
// merchant, belong to the store named, and be bound to the caller's IP.
// bind_pos creates terminals; the gift-card queries name none.
func (s *Simulator) checkTerminal(c *call) *outcome {
	switch c.iface {
	case ipos.BindPos, ipos.WecardGetCodeInfo, ipos.WecardGetTraceList, ipos.WecardGetPosSeqInfo:
		return nil
	}
	t := s.terms[c.m.isspid+"/"+c.val("pos_id")]
	if t == nil {
		return fail(ipos.CodeNoTerminal)
	}
	if t.storeID != c.val("store_id") {
		return failf(ipos.CodeNoTerminal, "没有该终端: 门店%s下没有终端%s", c.val("store_id"), c.val("pos_id"))
	}
	if !s.sameHost(t.ip, c.remote) {
		return fail(ipos.CodeBindIPWrong)
	}
	c.term = t
	return nil
}

// refuse answers a request the spec's rules refuse, recording the rule it
// broke (strict mode).
func (s *Simulator) refuse(w http.ResponseWriter, c *call, o *outcome) {
	s.record(c, o)
	s.write(w, c, o, nil)
}

// record records the rule behind a refusal (strict mode); a business
// outcome (o.why nil) and success record nothing.
func (s *Simulator) record(c *call, o *outcome) {
	if o == nil || o.why == nil {
		return
	}
	s.violate(c, o.code, 0, *o.why, valueOf(c, o))
}

// valueOf is the value a refusal quotes: the outcome's own, else the text
// of the element it names ("" for one that is missing or the message as a
// whole).
func valueOf(c *call, o *outcome) string {
	if o.value != nil {
		return *o.value
	}
	rel, ok := strings.CutPrefix(o.why.Path, ipos.Root+"/")
	if !ok || c.root == nil {
		return ""
	}
	return c.val(rel)
}

// rawText quotes bytes refused for their charset: as UTF-8 text when they
// are (what the client meant), else Go-quoted with the bytes escaped.
func rawText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strconv.Quote(string(b))
}

// violate records a strict-mode violation: the request answered code (or,
// with no code, HTTP status: 200 for a violation the simulator tolerates,
// 413 for a body over the cap).
func (s *Simulator) violate(c *call, code string, status int, f catalog.Finding, value string) {
	if !s.strict {
		return
	}
	if code == "" && status != 0 {
		f.Detail += fmt.Sprintf(" (tolerated: HTTP %d)", status)
	}
	s.rec.Record(sim.Violation{Time: c.now, Interface: interfaceName(c.iface), Rule: f.Rule, Detail: f.Detail,
		Path: f.Path, Section: f.Section, Code: code, Value: sim.Short(value)})
}

// interfaceName names a request's interface for a violation; one whose
// request_type could not be read says so.
func interfaceName(iface string) string {
	if iface == "" {
		return "(request_type not readable)"
	}
	return iface
}

// tooLargeFinding is a body over sim.MaxBody refused with 413: no iPos code
// fits, and the body is not read, so neither is its interface.
func tooLargeFinding(how string) catalog.Finding {
	return catalog.Finding{Rule: "too-large", Section: secTransport,
		Detail: fmt.Sprintf("request body over %d bytes (%s), refused 413 unread: the simulator's cap, no iPos code fits", sim.MaxBody, how)}
}

func (s *Simulator) comment(o *outcome) string {
	if o.comment != "" {
		return o.comment
	}
	if k, ok := s.cat.Code(o.code); ok {
		return k.Text
	}
	return "交易失败"
}

func (s *Simulator) contentType() string {
	if s.faults.Has(FaultReplyUTF8) {
		return "text/xml; charset=UTF-8"
	}
	return "text/xml; charset=GBK"
}

// sameHost compares a terminal's bound address with the caller's; every
// loopback address is one host (a client may reach 127.0.0.1 or ::1), and
// so is every address AdmitHost named (the simulator's own, off loopback).
func (s *Simulator) sameHost(a, b netip.Addr) bool {
	return a == b || (s.ownHost(a) && s.ownHost(b))
}
