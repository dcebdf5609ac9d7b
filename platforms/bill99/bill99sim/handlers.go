package bill99sim

import (
	"bytes"
	"cmp"
	"container/heap"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"paycert/platforms/bill99"
	"paycert/platforms/catalog"
	"paycert/platforms/sim"
)

// reply is what a handler decided: the message to send.
type reply struct{ msg *bill99.Node }

func (s *Simulator) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path { // a switch, not a map literal built per request
	case bill99.PathIndAuth, bill99.PathIndAuthVerify, bill99.PathPurchase,
		bill99.PathQueryTxn, bill99.PathPciDel, bill99.PathPciQuery:
	case PathSMS:
		s.serveSMS(w, r)
		return
	default:
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only (seed 001 §4)", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		reason := "request body unreadable"
		if sim.IsBodyTooLarge(err) {
			reason = "request body over 1 MiB"
		}
		// Harden refuses a body whose Content-Length is over the cap before
		// this handler runs; a chunked one is only found over the cap here.
		rule := "body"
		if sim.IsBodyTooLarge(err) {
			rule = "body-too-large"
		}
		s.violate(r.URL.Path, catalog.Finding{Rule: rule, Detail: reason, Section: s.sectionOf(r.URL.Path)}, "", bill99.ECUnparsable)
		s.write(w, s.errorReply(nil, bill99.ECUnparsable, reason))
		return
	}
	var peer string // the client certificate's CN, for the §6.1 check
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		peer = r.TLS.PeerCertificates[0].Subject.CommonName
	}
	s.write(w, s.handle(r.URL.Path, body, peer))
}

// certMerchant records, in strict mode, a client certificate that is not
// the merchant's own (§6.1: "请使用交易商户对应的网关证书进行交易"; the fixture's
// other merchants share the kit's one client certificate, so it is not
// refused). It runs on requests whose fields passed, so a refused request
// is recorded once, for the field that refused it.
func (s *Simulator) certMerchant(iface string, content *bill99.Node, peer string) {
	if mid := content.Get("merchantId"); s.opts.Strict && peer != "" && mid != "" && peer != mid {
		s.violate(iface, catalog.Finding{Path: content.Name + "/merchantId", Rule: "cert-merchant", Section: "001 §6.1",
			Detail: fmt.Sprintf("%q: the client certificate is %s's, not the merchant's own gateway certificate", short(mid), peer)}, mid, "")
	}
}

// PathSMS is the simulator's own endpoint (not 99bill's) that tells a
// client on this machine the SMS code of a sign-up, as the cardholder's
// phone would: GET PathSMS?merchantId=M&externalRefNumber=R over the same
// mutual TLS answers the 6 digits as text/plain, 404 when no sign-up has
// that key. It answers callers on this machine only (loopback, or an
// address AdmitHost made it serve on): a suite certifying the simulator
// from another process completes ind_auth_verify with it (target param
// sms_url).
const PathSMS = "/paycert/sms"

func (s *Simulator) serveSMS(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err != nil || !s.onThisMachine(ap.Addr().Unmap()) {
		http.Error(w, "the SMS endpoint answers callers on the simulator's machine only", http.StatusForbidden)
		return
	}
	q := r.URL.Query()
	code, ok := s.SMSCode(q.Get("merchantId"), q.Get("externalRefNumber"))
	if !ok {
		http.Error(w, "no sign-up for that merchantId and externalRefNumber", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, code)
}

// onThisMachine reports whether a caller's address is loopback or one the
// simulator serves on (AdmitHost).
func (s *Simulator) onThisMachine(a netip.Addr) bool {
	if a.IsLoopback() {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Contains(s.hosts, a)
}

func (s *Simulator) write(w http.ResponseWriter, m *bill99.Node) {
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	w.Write(bill99.Encode(m)) //nolint:errcheck // the client went away
}

// violate records f in strict mode, with the value sent (shortened; "" when
// the element is missing or the violation is of the whole message) and the
// code answered ("" when the request was served anyway). The violation's
// Detail is the finding as catalog.Finding renders it, "path: rule: detail
// (001 §x)", as every simulator writes it; Path and Section repeat the
// element and the seed section for a reader that filters on them.
func (s *Simulator) violate(iface string, f catalog.Finding, value, code string) {
	if s.opts.Strict {
		v := sim.Violation{Time: s.clock.Now(), Interface: iface, Rule: f.Rule, Detail: f.String(), Path: f.Path, Section: f.Section, Code: code}
		if value != "" {
			v.Value = sim.Short(value)
		}
		s.rec.Record(v)
	}
}

// sectionOf is the seed section of the interface served at path (both
// queries share /cnp/query_txn, E-BILL99-CARDINFO-URL): every section
// says "HTTPS 双向认证,编码必须为 UTF-8" and gives the message's samples.
func (s *Simulator) sectionOf(path string) string {
	var secs []string
	for _, in := range s.cat.Interfaces {
		if in.Path == path {
			secs = append(secs, strings.TrimPrefix(in.Section, "001 "))
		}
	}
	if len(secs) == 0 {
		return "001 §4"
	}
	return "001 " + strings.Join(secs, ", ")
}

// short keeps a recorded value readable: a client's slip may be a 1 MiB
// value, the entry needs its start.
func short(v string) string {
	const max = 40
	if r := []rune(v); len(r) > max {
		return string(r[:max]) + "…"
	}
	return v
}

// errorReply is the format-error reply: ErrorMsgContent only, or after the
// query's echo (§5.3.3 samples).
func (s *Simulator) errorReply(echo *bill99.Node, code, msg string) *bill99.Node {
	m := bill99.NewMessage(bill99.Version)
	if echo != nil {
		m.Children = append(m.Children, echo)
	}
	e := m.AddNode(bill99.ElError)
	e.Add("errorCode", code).Add("errorMessage", msg)
	if s.faults.Has(FaultBothCodes) {
		e.Add("responseCode", bill99.RCSuccess)
	}
	return m
}

func (s *Simulator) text(code string) string {
	if c, ok := s.cat.Code(code); ok {
		return c.Text
	}
	return ""
}

func (s *Simulator) handle(path string, body []byte, peer string) *bill99.Node {
	if el, value, bad := bill99.Misencoded(body); bad {
		if !s.faults.Has(FaultCharsetUnchecked) {
			// §4.1..4.7 "编码必须为 UTF-8": a field in other bytes is a charset
			// error of that element, before any length or content rule
			// (E-BILL99-FIELD-CHARSET).
			s.violate(s.interfaceOf(path, el), catalog.Finding{Path: el, Rule: "charset", Section: s.sectionOf(path),
				Detail: "bytes that are not UTF-8 in a message declared UTF-8 (编码必须为 UTF-8)"}, value, bill99.ECUnparsable)
			return s.errorReply(nil, bill99.ECUnparsable, "element["+el+"] is not UTF-8")
		}
		body = bytes.ToValidUTF8(body, []byte("\uFFFD")) // the fault: decoded leniently and served
	}
	doc, err := bill99.Parse(body)
	if err != nil {
		if pe, ok := err.(*bill99.ParseError); ok && s.faults.Has(FaultAnyNamespace) && strings.Contains(pe.Reason, "namespace") {
			doc, err = parseAnyNamespace(body)
		}
		if err != nil {
			s.violate(path, catalog.Finding{Rule: "unparsable", Detail: err.Error(), Section: s.sectionOf(path)}, "", bill99.ECUnparsable)
			return s.errorReply(nil, bill99.ECUnparsable, err.Error())
		}
	}
	if doc.Charset != "UTF-8" && doc.Charset != "UTF8" {
		// §4.1..4.7: "编码必须为 UTF-8".
		s.violate(path, catalog.Finding{Path: "?xml/@encoding", Rule: "charset", Section: s.sectionOf(path),
			Detail: fmt.Sprintf("%q declared, the seed says 编码必须为 UTF-8", short(doc.Charset))}, doc.Charset, bill99.ECUnparsable)
		return s.errorReply(nil, bill99.ECUnparsable, "encoding must be UTF-8, message declares "+doc.Charset)
	}
	if !doc.Declared {
		s.violate(path, catalog.Finding{Path: "?xml", Rule: "declaration", Detail: "no XML declaration (every sample has one)", Section: s.sectionOf(path)}, "", "")
	}
	content := doc.Content()
	if content == nil {
		s.violate(path, catalog.Finding{Path: "MasMessage", Rule: "content", Detail: "no content element", Section: s.sectionOf(path)}, "", bill99.ECUnparsable)
		return s.errorReply(nil, bill99.ECUnparsable, "no content element")
	}
	ifname := bill99.InterfaceAt(path, content.Name)
	if ifname == "" {
		s.violate(path, catalog.Finding{Path: "MasMessage/" + short(content.Name), Rule: "content", Section: s.sectionOf(path),
			Detail: "content element <" + short(content.Name) + "> does not belong to " + path}, content.Name, bill99.ECUnparsable)
		return s.errorReply(nil, bill99.ECUnparsable, "content element <"+content.Name+"> is not accepted at "+path)
	}
	iface, _ := s.cat.Interface(ifname)
	var echo *bill99.Node
	if ifname == bill99.IfQueryTxn {
		echo = queryEcho(content)
	}
	if ferr := s.validate(iface, doc.Root); ferr != nil {
		if ifname == bill99.IfPurchase && s.faults.Has(FaultRefusedCharged) {
			s.mu.Lock()
			s.purchase(content) // the fault: the order is entered and debited before the field check refuses it
			s.mu.Unlock()
		}
		return s.errorReply(echo, bill99.ECField, ferr.Detail) // the platform's own wording (LengthMessage/FormatMessage)
	}
	s.certMerchant(ifname, content, peer)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleDueLocked()
	switch ifname {
	case bill99.IfIndAuth:
		return s.indAuth(content)
	case bill99.IfIndAuthVerify:
		return s.verify(content)
	case bill99.IfPurchase:
		return s.purchase(content)
	case bill99.IfQueryTxn:
		return s.query(content, echo)
	case bill99.IfCardInfo:
		return s.cardInfo(content)
	case bill99.IfPciDel:
		return s.pciDel(content)
	default:
		return s.pciQuery(content)
	}
}

func parseAnyNamespace(body []byte) (*bill99.Doc, error) {
	fixed := bytes.Replace(body, []byte("<MasMessage>"), []byte(`<MasMessage xmlns="`+bill99.Namespace+`">`), 1)
	if i := bytes.Index(fixed, []byte(`<MasMessage xmlns="`)); i >= 0 {
		j := bytes.IndexByte(fixed[i+19:], '"')
		if j >= 0 {
			fixed = append(append(append([]byte{}, fixed[:i+19]...), bill99.Namespace...), fixed[i+19+j:]...)
		}
	}
	return bill99.Parse(fixed)
}

// validate checks the table; it returns the first finding to report and
// records every finding in strict mode, with the value sent and the code
// answered (B.MGW.0120 for the finding reported, none for the lenient ones).
func (s *Simulator) validate(iface catalog.Interface, root *bill99.Node) *catalog.Finding {
	var first *catalog.Finding
	for _, fe := range s.faulty(iface, root, bill99.ValidateRequest(iface, root)) {
		rf := fe
		rf.Rule = "field-" + fe.Rule // the Violation's rule keeps its established "field-" prefix
		v, _ := root.Lookup(fe.Path)
		if v != "" {
			rf.Detail = fmt.Sprintf("%q: %s", short(v), fe.Detail) // the reply's wording names no value; the entry does
		}
		lenient := fe.Rule == "unknown" || fe.Rule == "duplicate" || // replies and requests gain elements (strict mode records them)
			s.faults.Has(FaultNoLengthCheck) && (fe.Rule == "too-long" || fe.Rule == "too-short")
		code := ""
		if !lenient {
			code = bill99.ECField // the request is refused with it
			if first == nil {
				f := fe
				first = &f
			}
		}
		s.violate(iface.Name, rf, v, code)
	}
	return first
}

func queryEcho(c *bill99.Node) *bill99.Node {
	e := &bill99.Node{Name: bill99.ElQryTxn}
	for _, n := range []string{"externalRefNumber", "refNumber", "txnType", "merchantId", "terminalId"} {
		e.AddOpt(n, c.Get(n))
	}
	return e
}

// merchantCheck applies B.MGW.0001 / M1 (E-BILL99-M1-VS-0001). terminal ""
// means the interface carries none.
func (s *Simulator) merchantCheck(mid, terminal string) (*merchant, string) {
	m := s.merchants[mid]
	if m == nil {
		return nil, bill99.ECBadMerchant
	}
	if !m.opened {
		return m, bill99.RCBadMerchant
	}
	if terminal != "" {
		if _, ok := m.terminals[terminal]; !ok {
			return m, bill99.RCBadMerchant
		}
	}
	return m, ""
}

// business builds a content reply with echoes and a responseCode.
func (s *Simulator) business(el string, code string, fill func(c *bill99.Node)) *bill99.Node {
	m := bill99.NewMessage(bill99.Version)
	c := m.AddNode(el)
	fill(c)
	c.Add("responseCode", code).Add("responseTextMessage", s.text(code))
	return m
}

// ---- ind_auth (§4.1) ----

func (s *Simulator) indAuth(c *bill99.Node) *bill99.Node {
	mid, tid, cid, ref := c.Get("merchantId"), c.Get("terminalId"), c.Get("customerId"), c.Get("externalRefNumber")
	pan, phone := c.Get("pan"), c.Get("phoneNO")
	echo := func(extra ...string) func(*bill99.Node) {
		return func(n *bill99.Node) {
			n.Add("merchantId", mid).Add("terminalId", tid).Add("customerId", cid).Add("externalRefNumber", ref).
				Add("storablePan", s.storable(pan))
			for i := 0; i+1 < len(extra); i += 2 {
				n.Add(extra[i], extra[i+1])
			}
		}
	}
	if _, code := s.merchantCheck(mid, tid); code == bill99.ECBadMerchant {
		return s.errorReply(nil, code, s.text(code))
	} else if code != "" {
		return s.business(bill99.ElIndAuth, code, echo())
	}
	key := mid + "/" + ref
	reqKey := strings.Join([]string{cid, pan, phone, c.Get("cardHolderName"), c.Get("cardHolderId"), c.Get("expiredDate"), c.Get("cvv2")}, "|")
	if prev := s.signups[key]; prev != nil {
		if prev.reqKey == reqKey && prev.replyMsg != nil {
			return prev.replyMsg // E-BILL99-DUPLICATE: the same request gets the same answer
		}
		return s.errorReply(nil, bill99.ECDuplicateRef, "externalRefNumber "+ref+" already used")
	}
	bin, ok := s.binOf(pan)
	if !ok || bin.ValidFlag != "1" {
		return s.business(bill99.ElIndAuth, bill99.RCNoRoute, echo())
	}
	// The bank's validateType bitmap says which elements it checks (4.7):
	// missing ones are TC (4.14(6) "检查卡要素是否全部上送").
	// E-BILL99-VALIDATETYPE-BITS: read right to left, CVV2 (with the expiry
	// date), name, id number.
	vt := ("000" + bin.ValidateType)[len(bin.ValidateType):]
	if (vt[2] == '1' && (c.Get("cvv2") == "" || c.Get("expiredDate") == "")) ||
		(vt[1] == '1' && c.Get("cardHolderName") == "") || (vt[0] == '1' && c.Get("cardHolderId") == "") {
		return s.business(bill99.ElIndAuth, bill99.RCPermission, echo())
	}
	if card := s.cards[pan]; card != nil && card.Phone != phone && !s.faults.Has(FaultPhoneUnchecked) {
		return s.business(bill99.ElIndAuth, bill99.RCPhone, echo())
	}
	cu := s.customer(mid, cid)
	if !s.faults.Has(FaultManyCardsBank) {
		for _, b := range cu.bindings {
			if b.active && b.bankID == bin.BankID && b.pan != pan {
				return s.business(bill99.ElIndAuth, bill99.RCNotBound, echo())
			}
		}
	}
	for _, b := range cu.bindings {
		if b.active && b.pan == pan {
			b.suspended = true // E-BILL99-RESIGN
		}
	}
	su := &signup{merchant: mid, terminal: tid, customer: cid, extRef: ref, pan: pan, phone: phone,
		token: s.newToken(), code: randomDigits(6), issued: s.clock.Now(), reqKey: reqKey}
	s.signups[key] = su
	s.logf("bill99 sim: SMS to %s for %s/%s: code %s (token %s)", bill99.ShortPhone(phone), mid, ref, su.code, su.token)
	out := s.business(bill99.ElIndAuth, bill99.RCSuccess, echo("token", su.token))
	su.replyMsg = out
	return out
}

// ---- ind_auth_verify (§4.2) ----

func (s *Simulator) verify(c *bill99.Node) *bill99.Node {
	mid, cid, ref := c.Get("merchantId"), c.Get("customerId"), c.Get("externalRefNumber")
	pan := c.Get("pan")
	fill := func(extra ...string) func(*bill99.Node) {
		return func(n *bill99.Node) {
			n.Add("merchantId", mid).Add("customerId", cid).Add("externalRefNumber", ref).Add("storablePan", s.storable(pan))
			for i := 0; i+1 < len(extra); i += 2 {
				n.Add(extra[i], extra[i+1])
			}
		}
	}
	if _, code := s.merchantCheck(mid, c.Get("terminalId")); code == bill99.ECBadMerchant {
		return s.errorReply(nil, code, s.text(code))
	} else if code != "" {
		return s.business(bill99.ElVerify, code, fill())
	}
	su := s.signups[mid+"/"+ref]
	if su == nil && s.faults.Has(FaultRefMismatch) {
		for _, x := range s.signups {
			if x.merchant == mid && x.token == c.Get("token") {
				su = x
			}
		}
	}
	t6 := func() *bill99.Node { return s.business(bill99.ElVerify, bill99.RCBadCode, fill()) }
	switch {
	case su == nil, su.replyMsg == nil: // no sign-up under this externalRefNumber (5.4.1: T6)
		return t6()
	case su.customer != cid, su.pan != pan, su.phone != c.Get("phoneNO"), su.token != c.Get("token"):
		return t6()
	case su.used && !s.faults.Has(FaultReuseValidCode):
		return t6()
	case s.clock.Now().Sub(su.issued) > 5*time.Minute: // E-BILL99-CODE-LIFE
		return t6()
	case su.code != c.Get("validCode"):
		return t6()
	}
	su.used = true
	cu := s.customer(mid, cid)
	bin, _ := s.binOf(pan)
	// Replace any binding of the same card (the re-sign completed).
	for _, b := range cu.bindings {
		if b.pan == pan && b.active {
			b.active = false
			delete(s.tokens, b.payToken)
		}
	}
	bd := &binding{cust: cu, pan: pan, payToken: s.newPayToken(), bankID: bin.BankID, cardType: bin.CardType, active: true, phone: su.phone}
	cu.bindings = append(cu.bindings, bd)
	s.tokens[bd.payToken] = bd
	return s.business(bill99.ElVerify, bill99.RCSuccess, fill("payToken", bd.payToken))
}

// ---- purchase (§4.3) ----

func (s *Simulator) purchase(c *bill99.Node) *bill99.Node {
	mid, tid, cid, ref := c.Get("merchantId"), c.Get("terminalId"), c.Get("customerId"), c.Get("externalRefNumber")
	amount, entry, txnType := c.Get("amount"), c.Get("entryTime"), c.Get("txnType")
	payToken := c.Get("payToken")
	storable := c.Get("storableCardNo")
	if storable == "" {
		storable = c.Get("storablePan") // E-BILL99-STORABLE-NAME
	}
	if c.Get("interactiveStatus") != bill99.StatusTR1 {
		return s.errorReply(nil, bill99.ECField, bill99.FormatMessage("interactiveStatus"))
	}
	if c.Get("spFlag") != bill99.SpFlagAgreement {
		return s.errorReply(nil, bill99.ECField, bill99.FormatMessage("spFlag"))
	}
	fen, err := parseFen(amount)
	if err != nil || fen <= 0 {
		return s.errorReply(nil, bill99.ECField, bill99.FormatMessage("amount"))
	}
	transTime := s.nowStamp()
	base := func(n *bill99.Node) {
		n.Add("txnType", txnType).Add("interactiveStatus", bill99.StatusTR2).Add("amount", amount).Add("merchantId", mid).
			Add("terminalId", tid).Add("entryTime", entry).Add("externalRefNumber", ref).Add("customerId", cid).
			Add("transTime", transTime)
	}
	m, code := s.merchantCheck(mid, tid)
	if code == bill99.ECBadMerchant {
		return s.errorReply(nil, code, s.text(code))
	} else if code != "" {
		return s.business(bill99.ElTxn, code, base)
	}
	if !m.terminals[tid][txnType] {
		return s.business(bill99.ElTxn, bill99.RCTxnType, base)
	}
	key := mid + "/" + ref
	reqKey := strings.Join([]string{tid, cid, payToken, amount, txnType}, "|")
	if prev := s.orders[key]; prev != nil && !s.faults.Has(FaultDoubleCharge) {
		if prev.reqKey == reqKey {
			return prev.replyMsg // E-BILL99-DUPLICATE: the original TR2 again
		}
		return s.errorReply(nil, bill99.ECDuplicateRef, "externalRefNumber "+ref+" already used")
	}
	bd := s.tokens[payToken]
	if bd != nil && s.faults.Has(FaultAnyCustomer) {
		cid = bd.cust.id
	}
	if bd == nil || !bd.active || bd.suspended || bd.cust.merchant != mid || bd.cust.id != cid ||
		(storable != "" && storable != bill99.StorablePan(bd.pan)) || (c.Get("bankId") != "" && c.Get("bankId") != bd.bankID) {
		return s.business(bill99.ElTxn, bill99.RCNotBound, base)
	}
	bin, _ := s.binOf(bd.pan)
	card := s.cards[bd.pan]
	if card == nil {
		card = &Card{Pan: bd.pan, Behaviour: Approve}
	}
	limit := card.LimitFen
	if limit == 0 {
		limit = 100_000_000
	}
	o := &order{merchant: mid, terminal: tid, customer: cid, extRef: ref, refNumber: s.newRefNumber(), payToken: payToken,
		pan: bd.pan, amountFen: fen, amount: amount, entryTime: entry, transTime: transTime, entered: s.clock.Now(),
		reqKey: reqKey, bin: bin, tr3URL: c.Get("tr3Url")}
	if o.tr3URL == "" {
		o.tr3URL = m.tr3URL
	}
	switch {
	case card.Behaviour == Revoked:
		o.status, o.code = bill99.TxnFailed, bill99.RCResign
	case fen > limit:
		o.status, o.code = bill99.TxnFailed, bill99.RCLimit
	case card.Behaviour == TimeoutC0S:
		o.status, o.code, o.finalStatus, o.finalCode = bill99.TxnPending, bill99.RCTimeoutC0, bill99.TxnSucceeded, bill99.RCSuccess
	case card.Behaviour == Timeout68F:
		o.status, o.code, o.finalStatus, o.finalCode = bill99.TxnPending, bill99.RCTimeout68, bill99.TxnFailed, bill99.RCTimeout68
	default:
		o.status, o.code = bill99.TxnSucceeded, bill99.RCSuccess
	}
	o.text = s.text(o.code)
	if o.status == bill99.TxnPending {
		o.settleAt = o.entered.Add(3 * time.Minute) // E-BILL99-PENDING
	}
	if o.status == bill99.TxnSucceeded {
		o.authCode = randomDigits(6)
		s.debit(o)
	}
	s.orderSeq++
	o.index = s.orderSeq
	s.orderList = append(s.orderList, o)
	defer s.ageLocked()
	if s.orders[key] == nil { // else FaultDoubleCharge: a second order under the same key
		s.orders[key] = o
	}
	if o.status == bill99.TxnPending {
		heap.Push(&s.pending, o)
	}
	s.byRef[o.refNumber] = o
	out := s.business(bill99.ElTxn, o.code, func(n *bill99.Node) {
		base(n)
		n.Add("refNumber", o.refNumber)
	})
	cont := out.Child(bill99.ElTxn)
	cont.Add("cardOrg", bin.CardOrg).Add("issuer", bin.Issuer).Add("storableCardNo", s.storable(bd.pan))
	if o.code == bill99.RCSuccess {
		cont.Add("authorizationCode", o.authCode)
	}
	// Kept as the tree, not encoded here: a load profile showed every
	// purchase reply encoded twice (here, under the lock, and again by
	// write). Nothing modifies a reply after its handler returns, so a
	// repeated request is sent this same tree again.
	o.replyMsg = out
	if o.status != bill99.TxnPending {
		s.scheduleTR3(o)
	}
	return out
}

func (s *Simulator) debit(o *order) {
	if o.counted {
		return
	}
	o.counted = true
	s.debited[o.pan] += o.amountFen
	s.credited[o.merchant] += o.amountFen
}

// settleDueLocked settles pending orders whose time has come and schedules
// their TR3.
//
// It runs on every request, so it must not walk every order: a load profile
// showed the old walk over orderList at 29 % of the CPU, growing with the
// number of orders. Pending orders live in a min-heap by settlement time, so
// a call costs O(1) when nothing is due and O(due·log pending) otherwise. The
// due batch is settled in entry order, as the walk did, so TR3 notices are
// scheduled in the same order even if the clock was set back between entries.
func (s *Simulator) settleDueLocked() {
	if s.faults.Has(FaultNeverSettles) || len(s.pending) == 0 {
		return
	}
	now := s.clock.Now()
	var due []*order
	for len(s.pending) > 0 && !now.Before(s.pending[0].settleAt) {
		due = append(due, heap.Pop(&s.pending).(*order))
	}
	if len(due) > 1 {
		slices.SortFunc(due, func(a, b *order) int { return cmp.Compare(a.index, b.index) })
	}
	for _, o := range due {
		o.status, o.code = o.finalStatus, o.finalCode
		o.text = s.text(o.code)
		o.transTime = o.settleAt.In(cst).Format(layout)
		if o.status == bill99.TxnSucceeded {
			o.authCode = randomDigits(6)
			s.debit(o)
		}
		s.scheduleTR3(o)
	}
}

// pendingOrders is a container/heap of orders ordered by settleAt.
type pendingOrders []*order

func (h pendingOrders) Len() int           { return len(h) }
func (h pendingOrders) Less(i, j int) bool { return h[i].settleAt.Before(h[j].settleAt) }
func (h pendingOrders) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *pendingOrders) Push(x any)        { *h = append(*h, x.(*order)) }
func (h *pendingOrders) Pop() any {
	old := *h
	o := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return o
}

// ---- query_txn (§4.4) ----

func (s *Simulator) query(c *bill99.Node, echo *bill99.Node) *bill99.Node {
	mid := c.Get("merchantId")
	if _, code := s.merchantCheck(mid, ""); code == bill99.ECBadMerchant {
		return s.errorReply(echo, code, s.text(code))
	} else if code != "" {
		m := bill99.NewMessage(bill99.Version)
		m.Children = append(m.Children, echo)
		m.AddNode(bill99.ElTxn).Add("txnType", c.Get("txnType")).Add("merchantId", mid).
			Add("responseCode", code).Add("responseTextMessage", s.text(code))
		return m
	}
	ref, refNo := c.Get("externalRefNumber"), c.Get("refNumber")
	var o *order
	if ref != "" {
		o = s.orders[mid+"/"+ref]
	} else {
		o = s.byRef[refNo]
	}
	notFound := fmt.Sprintf("No transaction[externalRefNumber='%s', refNumber='%s'] exists!", nullable(ref), nullable(refNo))
	switch {
	case o == nil, o.merchant != mid, refNo != "" && o.refNumber != refNo, c.Get("txnType") != bill99.TxnPurchase,
		c.Get("terminalId") != "" && c.Get("terminalId") != o.terminal,
		c.Get("txnStatus") != "" && c.Get("txnStatus") != o.status:
		return s.errorReply(echo, bill99.ECNoTxn, notFound)
	case !s.faults.Has(FaultNoHalfYear) && o.entered.Before(s.clock.Now().AddDate(0, -6, 0)): // E-BILL99-HALFYEAR
		return s.errorReply(echo, bill99.ECNoTxn, notFound)
	}
	// E-BILL99-QUERY-RESULT: responseCode 00 says the order was found; its
	// outcome is txnStatus ("具体订单状态需看 txnStatus 节点", §5.3.3).
	m := bill99.NewMessage(bill99.Version)
	m.Children = append(m.Children, echo)
	n := m.AddNode(bill99.ElTxn)
	n.Add("txnType", bill99.TxnPurchase).Add("amount", o.amount).Add("merchantId", o.merchant).Add("terminalId", o.terminal).
		Add("entryTime", o.entryTime).Add("externalRefNumber", o.extRef).Add("customerId", o.customer).
		Add("transTime", o.transTime).Add("voidFlag", "0").Add("refNumber", o.refNumber).
		Add("responseCode", bill99.RCSuccess).Add("responseTextMessage", s.text(bill99.RCSuccess)).Add("cardOrg", o.bin.CardOrg).
		Add("issuer", o.bin.Issuer).Add("storableCardNo", s.storable(o.pan)).AddOpt("authorizationCode", o.authCode).
		Add("txnStatus", o.status)
	return m
}

func nullable(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

// ---- card info (§4.7) ----

func (s *Simulator) cardInfo(c *bill99.Node) *bill99.Node {
	cardNo, txnType := c.Get("cardNo"), c.Get("txnType")
	if txnType == "" {
		txnType = bill99.TxnPurchase
	}
	bin, ok := s.binOf(cardNo)
	code := bill99.RCSuccess
	if !ok {
		code = bill99.RCNoRoute
	}
	return s.business(bill99.ElCardInfo, code, func(n *bill99.Node) {
		n.Add("txnType", txnType).Add("cardNo", cardNo)
		if !ok {
			n.Add("validFlag", "2")
			return
		}
		n.Add("cardOrg", bin.CardOrg).Add("cardType", bin.CardType).Add("issuer", bin.Issuer).
			Add("validFlag", bin.ValidFlag).Add("validateType", bin.ValidateType).Add("bankId", bin.BankID)
	})
}

// ---- pci_del (§4.5) ----

func (s *Simulator) pciDel(c *bill99.Node) *bill99.Node {
	mid, cid := c.Get("merchantId"), c.Get("customerId")
	tok, sp, bank, pan := c.Get("payToken"), c.Get("storablePan"), c.Get("bankId"), c.Get("pan")
	_, code := s.merchantCheck(mid, "")
	if code == bill99.ECBadMerchant {
		return s.errorReply(nil, code, s.text(code))
	}
	if code == "" {
		code = bill99.RCNotBound
		for _, b := range s.customer(mid, cid).bindings {
			if b.active && (tok == "" || b.payToken == tok) && (sp == "" || bill99.StorablePan(b.pan) == sp) &&
				b.bankID == bank && (pan == "" || b.pan == pan) {
				code, sp = bill99.RCSuccess, s.storable(b.pan)
				if !s.faults.Has(FaultPciDelNoop) {
					b.active = false
					delete(s.tokens, b.payToken)
				}
				break
			}
		}
	}
	return s.business(bill99.ElPciDelete, code, func(n *bill99.Node) {
		n.Add("merchantId", mid).Add("customerId", cid).Add("pan", pan).Add("storablePan", sp).Add("bankId", bank)
	})
}

// ---- pci_query (§4.6) ----

func (s *Simulator) pciQuery(c *bill99.Node) *bill99.Node {
	mid, tid, cid := c.Get("merchantId"), c.Get("terminalId"), c.Get("customerId")
	cardType := c.Get("cardType")
	if cardType == "" {
		cardType = bill99.CardCredit // "不传默认信用卡" (E-BILL99-PCIQUERY-REQ)
	}
	fill := func(n *bill99.Node) {
		n.Add("merchantId", mid).AddOpt("terminalId", tid).Add("customerId", cid).Add("storablePan", c.Get("storablePan")).
			Add("bankId", c.Get("bankId")).Add("cardType", cardType)
	}
	if _, code := s.merchantCheck(mid, tid); code == bill99.ECBadMerchant {
		return s.errorReply(nil, code, s.text(code))
	} else if code != "" {
		return s.business(bill99.ElPciQuery, code, fill)
	}
	return s.business(bill99.ElPciQuery, bill99.RCSuccess, func(n *bill99.Node) {
		fill(n)
		infos := n.AddNode("pciInfos")
		for _, b := range s.customer(mid, cid).bindings {
			if !b.active || b.cardType != cardType {
				continue
			}
			if f := c.Get("storablePan"); f != "" && f != bill99.StorablePan(b.pan) {
				continue
			}
			if f := c.Get("payToken"); f != "" && f != b.payToken {
				continue
			}
			if f := c.Get("bankId"); f != "" && f != b.bankID {
				continue
			}
			infos.AddNode("pciInfo").Add("bankId", b.bankID).Add("storablePan", s.storable(b.pan)).Add("payToken", b.payToken).
				Add("shortPhoneNo", bill99.ShortPhone(b.phone)).AddOpt("phoneNO", b.phone).Add("cardType", b.cardType)
		}
	})
}
