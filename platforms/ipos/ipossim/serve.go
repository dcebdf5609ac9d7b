package ipossim

import (
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

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
}

func fail(code string) *outcome { return &outcome{code: code} }

func failf(code, format string, a ...any) *outcome {
	return &outcome{code: code, comment: fmt.Sprintf(format, a...)}
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
		s.violate(c, "method", "HTTP method %s; 002 §2 says POST", r.Method)
		s.write(w, c, fail(ipos.CodeMethod), nil)
		return
	}
	body, err := wire.ReadBody(r.Body, r.ContentLength, sim.MaxBody)
	if err != nil {
		if sim.IsBodyTooLarge(err) {
			// No iPos code fits a body over the cap: a clean 413.
			s.violate(c, "body-too-large", "request body over %d bytes", sim.MaxBody)
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
			s.violate(c, "charset", "Content-Type %q; 002 §2 wants a form body with charset GBK", ct)
		}
	}
	xmlBytes, macHex, err := gbkxml.ParseFormBody(body)
	switch {
	case errors.Is(err, gbkxml.ErrNoMAC):
		// Still parse the message so the reply can echo it.
	case err != nil:
		s.violate(c, "no-xml", "%v", err)
		s.write(w, c, fail(ipos.CodeNoXML), nil)
		return
	}
	c.xml = xmlBytes
	doc, perr := gbkxml.Parse(xmlBytes)
	if perr != nil || doc.Root() == nil || doc.Root().Name != ipos.Root {
		why := "root element is not business_trans"
		if perr != nil {
			why = perr.Error()
		}
		s.violate(c, "xml", "%s", why)
		s.write(w, c, fail(ipos.CodeBadXML), nil)
		return
	}
	c.root = doc.Root()
	if s.strict && doc.Encoding() != gbkxml.GBK {
		s.violate(c, "encoding", "xml declares %q; 002 §2 wants GBK", doc.EncodingLabel())
	}
	rt := c.val("request_type")
	name, ok := strings.CutSuffix(rt, "_request")
	if !ok || !known(name) {
		s.violate(c, "request-type", "request_type %q is none of the 12 interfaces", rt)
		s.write(w, c, fail(ipos.CodeMethod), nil)
		return
	}
	c.iface = name
	if o := s.admit(c, macHex, err); o != nil {
		s.violate(c, "access-"+o.code, "%s", s.comment(o))
		s.write(w, c, o, nil)
		return
	}
	if o := s.validate(c); o != nil {
		s.violate(c, "field-"+o.code, "%s", s.comment(o))
		s.write(w, c, o, nil)
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
			return s.render(c, failf(ipos.CodeFailed, "终端流水号重复"), nil)
		}
	}
	o, body2 := s.business(c)
	reply := s.render(c, o, body2)
	if key != "" {
		s.seqs[key] = &seqRecord{iface: c.iface, xml: xmlKey, reply: reply}
	}
	return reply
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
		return fail(ipos.CodeISSPIDFormat)
	}
	s.mu.Lock()
	m := s.merchants[isspid]
	s.mu.Unlock()
	if m == nil {
		return failf(ipos.CodeNotAuthorised, "商户没有授权访问该接口: 商户%s不存在", isspid)
	}
	c.m = m
	if errors.Is(formErr, gbkxml.ErrNoMAC) {
		return failf(ipos.CodeBadMAC, "MAC值校验失败: 缺少mac参数")
	}
	macOver := c.xml
	if s.faults.Has(FaultMACOverUTF8) {
		if u, err := gbk.Decode(nil, c.xml); err == nil {
			macOver = u
		}
	}
	if !mac.VerifyIPos([]byte(m.key), macOver, macHex) {
		return fail(ipos.CodeBadMAC)
	}
	if !s.faults.Has(FaultIPNotChecked) && !allowed(m.allow, c.remote) {
		return fail(ipos.CodeIPNotAllowed)
	}
	sys, ok := c.get("system_id")
	switch {
	case !ok || sys == "":
		return fail(ipos.CodeSystemIDEmpty)
	case len(sys) != 4 || !catalog.IsDigits(sys):
		return fail(ipos.CodeSystemIDFormat)
	case sys != m.systemID:
		return fail(ipos.CodeSystemIDWrong)
	}
	if m.noWecard && strings.HasPrefix(c.iface, "wecard_") {
		return fail(ipos.CodeNotAuthorised)
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
		s.violate(c, "unknown-element", "elements not in the request table: %s", strings.Join(unknown, ", "))
	}

	if has("pos_id") {
		v, ok := c.get("pos_id")
		if (required("pos_id") && (!ok || v == "")) || len(v) > ipos.MaxPosIDLen {
			return fail(ipos.CodePosID)
		}
	}
	if has("store_id") {
		v, ok := c.get("store_id")
		if (required("store_id") && (!ok || v == "")) || len(v) > ipos.MaxStoreIDLen {
			return fail(ipos.CodeStoreID)
		}
	}
	if has("pos_seq") {
		v, ok := c.get("pos_seq")
		switch {
		case required("pos_seq") && (!ok || !posSeq(v, fields["pos_seq"])):
			return fail(ipos.CodePosSeq)
		case ok && v != "" && (len(v) > fields["pos_seq"].MaxLen || !catalog.IsDigits(v)):
			return fail(ipos.CodePosSeq)
		}
	}
	if v, _ := c.get("user_id"); len(v) > ipos.MaxUserIDLen {
		return fail(ipos.CodeUserID)
	}
	g := c.iface + "_request/"
	switch c.iface {
	case ipos.BindPos:
		if v, ok := c.get("store_info/store_id"); !ok || v == "" || len(v) > ipos.MaxStoreIDLen {
			return fail(ipos.CodeStoreID)
		}
		if v, ok := c.get("store_info/store_name"); !ok || strings.TrimSpace(v) == "" || ipos.GBKLen(v) > fields["store_info/store_name"].MaxLen {
			return fail(ipos.CodeStoreName)
		}
	case ipos.CardQuery, ipos.CardVerify, ipos.CardCancel, ipos.CardReversal:
		vi, ok := c.get(g + "valid_info")
		if !ok || vi == "" || len(vi) > fields[g+"valid_info"].MaxLen {
			return fail(ipos.CodeValidInfo)
		}
		et, etOK := c.get(g + "encode_type")
		if etOK && et != ipos.EncodeAux && et != ipos.EncodeQR {
			return fail(ipos.CodeEncodeType)
		}
		if et == ipos.EncodeAux && !auxCode(vi) {
			return failf(ipos.CodeValidInfo, "验证数据格式不正确: 辅助码须为12或16位数字")
		}
		if v, ok := c.get(g + "tx_amt"); ok && c.iface == ipos.CardVerify {
			if _, good := ipos.ParseFen(v); !good {
				return fail(ipos.CodeTxAmt)
			}
		}
		if c.iface == ipos.CardCancel || c.iface == ipos.CardReversal {
			if v, ok := c.get(g + "org_pos_seq"); !ok || !posSeq(v, fields[g+"org_pos_seq"]) {
				return fail(ipos.CodeOrgPosSeq)
			}
		}
	case ipos.CardDaily:
		v, _ := c.get(g + "daily_day")
		d, err := time.ParseInLocation(ipos.DayLayout, v, china)
		if err != nil || len(v) != 8 {
			return fail(ipos.CodeDailyDay)
		}
		if today := c.now.In(china).Format(ipos.DayLayout); v > today {
			return failf(ipos.CodeDailyDay, "日结日期 (daily_day) 格式不正确: %s 晚于当前日期 %s", d.Format(ipos.DayLayout), today)
		}
	case ipos.WecardGetCodeInfo:
		code, _ := c.get("code")
		enc, _ := c.get("encrypt_code")
		if code == "" && enc == "" {
			return failf(ipos.CodeFailed, "交易失败: code与encrypt_code不能同时为空")
		}
	case ipos.WecardGetTraceList:
		st, sok := c.get("s_time")
		et, eok := c.get("e_time")
		if sok || eok {
			if !day(st) {
				return fail(ipos.CodeSTime)
			}
			if !day(et) {
				return fail(ipos.CodeETime)
			}
		}
		_, hasStore := c.get("store_id")
		_, hasPos := c.get("pos_id")
		if hasStore != hasPos {
			return failf(ipos.CodeFailed, "交易失败: 门店号与终端号需同时传入")
		}
		if p, ok := c.get("page"); ok && (!catalog.IsDigits(p) || p == "0" || len(p) > 6) {
			return failf(ipos.CodeFailed, "交易失败: page须为正整数")
		}
	case ipos.WecardGetPosSeqInfo:
		code, _ := c.get("code")
		seq, _ := c.get("pos_seq")
		if (code == "") == (seq == "") {
			return failf(ipos.CodeFailed, "交易失败: code与终端流水号只能传入其中一个")
		}
	case ipos.WecardPosCancelCard, ipos.WecardPosReturnd, ipos.WecardPosRevoke:
		for _, p := range []string{"code", "consume_source"} {
			if v, _ := c.get(p); v == "" {
				return failf(ipos.CodeFailed, "交易失败: 缺少必填节点%s", p)
			}
		}
		if v, ok := c.get("amount"); ok && has("amount") {
			if _, good := ipos.ParseFen(v); !good {
				return fail(ipos.CodeTxAmt)
			}
		}
		if c.iface == ipos.WecardPosReturnd {
			if v, ok := c.get("org_pos_seq"); !ok || !posSeq(v, fields["org_pos_seq"]) {
				return fail(ipos.CodeOrgPosSeq)
			}
		}
	}
	// What no dedicated code covers: required elements and the tables' lengths.
	for n, f := range rf.list { // table order: a deterministic first finding
		p := rf.paths[n]
		v, ok := c.get(p)
		if f.Presence == catalog.Required && !ok {
			return failf(ipos.CodeFailed, "交易失败: 缺少必填节点%s", p)
		}
		if ok && f.MaxLen > 0 && ipos.GBKLen(v) > f.MaxLen {
			return failf(ipos.CodeFailed, "交易失败: %s超过%s(%d)", p, f.Type, f.MaxLen)
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
	byPath map[string]catalog.Field
	list   []catalog.Field // the request fields in table order
	paths  []string        // list[n]'s path below the root
}

func buildRequestFields(cat *catalog.Catalogue) map[string]requestFields {
	out := map[string]requestFields{}
	for _, it := range cat.Interfaces {
		rf := requestFields{byPath: map[string]catalog.Field{}, list: it.FieldsFor(catalog.Request)}
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
	if !sameHost(t.ip, c.remote) {
		return fail(ipos.CodeBindIPWrong)
	}
	c.term = t
	return nil
}

// violate records a strict-mode violation.
func (s *Simulator) violate(c *call, rule, format string, a ...any) {
	if !s.strict {
		return
	}
	iface := c.iface
	if iface == "" {
		iface = "?"
	}
	s.rec.Record(sim.Violation{Time: c.now, Interface: iface, Rule: rule, Detail: fmt.Sprintf(format, a...)})
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
// loopback address is one host (a client may reach 127.0.0.1 or ::1).
func sameHost(a, b netip.Addr) bool {
	return a == b || (a.IsLoopback() && b.IsLoopback())
}
