package hzcardsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"paycert/codecs/signdomain"
	"paycert/codecs/sm2"
	"paycert/platforms/catalog"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

// Simulator is the Huzhou recharge centre ("市民卡接入前置"): an
// http.Handler with the whole state behind one mutex.
type Simulator struct {
	handler http.Handler
	cat     *catalog.Catalogue
	clock   sim.Clock
	faults  sim.FaultSet
	strict  bool
	rec     *sim.Recorder
	logf    func(string, ...any)

	key      *sm2.PrivateKey // the centre's: signs replies
	wrongKey *sm2.PrivateKey // FaultReplyWrongKey
	profile  signdomain.Profile
	cst      atomic.Pointer[time.Location] // the wire's zone (see cst, SetZone)
	masters  cpucard.MasterKeys

	mu        sync.Mutex
	insts     map[string]*institution // by joininstid; written only by New
	merchants map[string]*merchant    // by mchntid
	terminals map[string]*terminal    // by termid
	types     map[string]cardType
	cards     map[string]*card    // by cardno
	orders    map[string]*order   // by orderno
	payOrders map[string]string   // payorderno -> orderno
	ssns      map[string]struct{} // joininstid|joininstssn already answered
	seq       int64               // order and reference numbers
	termSeq   uint32              // the centre's PSAM transaction counter (card return)
	ledger    ledger

	// The history window (sim.Options.History, E-HZ-HISTORY): orders in a
	// final state (5, 8, B) past the latest history age out into aged, and
	// serial numbers past the latest history are forgotten, so a soak holds
	// flat memory while Audit stays exact.
	history int
	orderQ  sim.Queue[string] // order numbers, oldest first
	ssnQ    sim.Queue[string] // keys of s.ssns, oldest first
	aged    agedOrders
}

// New builds the centre with its default fixture (see the package doc).
func New(opts sim.Options) (*Simulator, error) {
	fs, err := sim.NewFaultSet(faults(), opts.Faults)
	if err != nil {
		return nil, fmt.Errorf("hzcard simulator: %w", err)
	}
	if err := hzcard.ZoneErr(); err != nil {
		return nil, fmt.Errorf("hzcard simulator: %s: %w", hzcard.ZoneEnv, err)
	}
	key, err := hzcard.TestKey(hzcard.TestCentreKeyHex)
	if err != nil {
		return nil, err
	}
	other, err := hzcard.TestKey(hzcard.TestOtherKeyHex)
	if err != nil {
		return nil, err
	}
	s := &Simulator{
		cat: hzcard.Catalogue(), clock: opts.ClockOrSystem(), faults: fs, strict: opts.Strict,
		rec: &sim.Recorder{}, logf: opts.Logf, key: key, wrongKey: other, profile: signdomain.Default,
		masters:   cpucard.TestMasterKeys(),
		insts:     map[string]*institution{},
		merchants: map[string]*merchant{},
		terminals: map[string]*terminal{},
		types:     map[string]cardType{},
		cards:     map[string]*card{},
		orders:    map[string]*order{},
		payOrders: map[string]string{},
		ssns:      map[string]struct{}{},
		history:   opts.HistoryOrDefault(),
		aged:      agedOrders{loadedBy: map[string]int64{}, quota: map[string]int64{}},
	}
	s.cst.Store(cst())
	if s.logf == nil {
		s.logf = func(string, ...any) {}
	}
	if err := s.loadFixture(); err != nil {
		return nil, fmt.Errorf("hzcard simulator: fixture: %w", err)
	}
	s.handler = sim.Harden(http.HandlerFunc(s.serve), s.rec)
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Faults lists every fault the simulator can inject.
func (s *Simulator) Faults() []sim.Fault { return faults() }

// Violations returns what strict-mock mode recorded.
func (s *Simulator) Violations() []sim.Violation { return s.rec.Violations() }

// DroppedViolations counts the violations past sim.MaxViolations.
func (s *Simulator) DroppedViolations() int { return s.rec.Dropped() }

// History says how many orders are kept whole (queried, managed, audited
// one by one) and how many aged out into the ledger's sums.
func (s *Simulator) History() sim.History {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sim.History{Limit: s.history, Kept: len(s.orders), Aged: s.aged.orders}
}

// CentrePublicKey is the key clients verify replies with.
func (s *Simulator) CentrePublicKey() *sm2.PublicKey { return s.key.Public() }

// fail is a business or format failure: the code, its text and a detail.
type fail struct {
	code, desc string
}

func (s *Simulator) failf(code, format string, a ...any) *fail {
	desc := ""
	if k, ok := s.cat.Code(code); ok {
		desc = k.Text
	}
	if format != "" {
		desc += ": " + fmt.Sprintf(format, a...)
	}
	return &fail{code: code, desc: desc}
}

// section is the seed section of an interface's tables.
func (s *Simulator) section(iface string) string {
	if it, ok := s.cat.Interface(iface); ok {
		return it.Section
	}
	return "003 §4"
}

// call is one decoded, verified request.
type call struct {
	iface string
	req   hzcard.Request
	body  []byte
	msg   hzcard.Received // body scanned once: envelope, signature, fields, data
	data  []byte          // the data object, nil when absent
	now   time.Time
	inst  *institution
	mch   *merchant
}

type handlerFunc func(c *call) (any, *fail)

func (s *Simulator) route(name string) handlerFunc {
	switch name {
	case hzcard.CardInfoQuery:
		return s.cardInfoQuery
	case hzcard.ChargeOrderCreate:
		return s.orderCreate
	case hzcard.ChargeOrderQuery:
		return s.orderQuery
	case hzcard.ChargeOrderCancel:
		return s.orderCancel
	case hzcard.CardChargeRequest:
		return s.chargeRequest
	case hzcard.CardChargeConfirm:
		return s.chargeConfirm
	case hzcard.ChargeOrderManageRequest:
		return s.manageRequest
	case hzcard.ChargeOrderManageConfirm:
		return s.manageConfirm
	case hzcard.CardSaleRequest:
		return s.saleRequest
	case hzcard.CardSaleConfirm:
		return s.saleConfirm
	case hzcard.CardReturnApply:
		return s.returnApply
	case hzcard.CardReturnConfirm:
		return s.returnConfirm
	}
	return nil
}

// serve answers every request with HTTP 200 and a signed reply (erratum
// E-HZ-HTTP-STATUS), whatever was wrong with it.
func (s *Simulator) serve(w http.ResponseWriter, r *http.Request) {
	data, f := s.handle(r)
	var out any
	code, desc := hzcard.CodeOK, "成功"
	if f != nil {
		code, desc = f.code, f.desc
	} else {
		out = data
	}
	body, err := s.reply(code, desc, out)
	if err != nil {
		// Encoding our own reply cannot fail on well-formed values; if it
		// does, it is a simulator bug and the suites must see a 5xx.
		panic(fmt.Sprintf("hzcard simulator: encode reply: %v", err))
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func (s *Simulator) reply(code, desc string, data any) ([]byte, error) {
	switch {
	case s.faults.Has(FaultReplyUnsigned):
		return hzcard.EncodeReply(code, desc, data)
	case s.faults.Has(FaultReplyWrongKey):
		return hzcard.SignedReply(s.wrongKey, s.profile, code, desc, data)
	}
	return hzcard.SignedReply(s.key, s.profile, code, desc, data)
}

func (s *Simulator) handle(r *http.Request) (any, *fail) {
	name, ok := interfaceOf(r.URL.Path)
	h := s.route(name)
	if !ok || h == nil {
		return nil, s.refuse(r.URL.Path, sim.Violation{Rule: "unknown-interface", Section: "003 §4"}, hzcard.CodeUnknown, "no interface at %s", r.URL.Path)
	}
	if r.Method != http.MethodPost {
		return nil, s.refuse(name, sim.Violation{Rule: "method", Section: secFormat}, hzcard.CodeUnknown, "method %s: use POST", r.Method)
	}
	body, err := wire.ReadBody(r.Body, r.ContentLength, 1<<20)
	if err != nil {
		if sim.IsBodyTooLarge(err) {
			return nil, s.refuse(name, sim.Violation{Rule: "too-large", Section: "003 §2.2 (erratum E-HZ-HTTP-STATUS)"}, hzcard.CodeUnknown, "body over 1 MiB")
		}
		return nil, s.failf(hzcard.CodeUnknown, "reading the body: %v", err)
	}
	c := &call{iface: name, body: body, now: s.clock.Now().In(s.cst.Load())}
	// The charset comes before every other rule (erratum E-HZ-CHARSET):
	// Go's decoder would turn GBK bytes into U+FFFD and judge the mojibake.
	if !s.faults.Has(FaultCharsetNotChecked) {
		if path, raw, bad := notUTF8(body); bad {
			return nil, s.refuse(name, sim.Violation{Path: path, Rule: "wrong-charset", Section: secCharset, Value: quoteBytes(raw)},
				hzcard.CodeUnknown, "%s is not UTF-8", orBody(path))
		}
	}
	msg := hzcard.Scan(body) // one scan for the envelope, the signature, the field checks and the data
	c.msg = msg
	if req, ok := msg.Request(); ok {
		c.req = req
	} else {
		dec := json.NewDecoder(bytes.NewReader(body)) // no string copy of the body
		if err := dec.Decode(&c.req); err != nil {
			return nil, s.refuse(name, sim.Violation{Rule: "malformed-json", Section: secFormat, Detail: err.Error()}, hzcard.CodeUnknown, "body is not a JSON envelope: %v", err)
		}
		if dec.More() {
			return nil, s.refuse(name, sim.Violation{Rule: "malformed-json", Section: secFormat}, hzcard.CodeUnknown, "trailing data after the JSON envelope")
		}
	}

	// joininstid selects the key the signature is verified with, so it is
	// resolved before the field table (erratum E-HZ-JOININSTID-FIRST).
	// Institutions are fixed at New, so the signature (the expensive part)
	// is verified before taking the state lock: requests verify in parallel.
	inst := s.insts[c.req.JoinInstID]
	if inst == nil {
		return nil, s.refuse(name, sim.Violation{Path: "joininstid", Rule: s.joinRule(c), Section: secEnvelope, Value: c.req.JoinInstID},
			hzcard.CodeNoInstitution, "joininstid %q", c.req.JoinInstID)
	}
	c.inst = inst
	pub := inst.pub
	if s.faults.Has(FaultVerifyWrongKey) {
		pub = s.key.Public()
	}
	if err := msg.Verify(pub, s.profile); err != nil && !s.faults.Has(FaultAcceptBadSignature) {
		return nil, s.refuse(name, sim.Violation{Path: "sign", Rule: "bad-signature", Section: secSecurity, Value: c.req.Sign, Detail: err.Error()},
			hzcard.CodeBadSign, "request signature does not verify under %s's key", inst.id)
	}
	iface, _ := s.cat.Interface(name)
	d, err := hzcard.DataBytes(c.req.Data)
	switch {
	case err != nil:
		return nil, s.refuse(name, sim.Violation{Path: "data", Rule: "not-object", Section: "003 §2.4 (erratum E-HZ-DATA-OBJECT)", Value: string(c.req.Data), Detail: err.Error()},
			hzcard.CodeUnknown, "data: %v", err)
	case d == nil: // every interface of §4 has request data
		return nil, s.refuse(name, sim.Violation{Path: "data", Rule: "missing", Section: secData}, hzcard.CodeNoTxnInfo, "")
	case emptyObject(d) && !s.faults.Has(FaultEmptyDataAccepted):
		return nil, s.refuse(name, sim.Violation{Path: "data", Rule: "empty", Section: secData, Value: string(d)}, hzcard.CodeNoTxnInfo, "")
	}
	c.data = d
	if fs := s.checkRequest(c, iface); len(fs) > 0 {
		if s.faults.Has(FaultStateBeforeCheck) {
			s.serveAnyway(c, h)
		}
		vals := values(body)
		for _, f := range fs[1:] { // every finding is recorded, the first answered
			s.refuse(name, sim.Violation{Path: f.Path, Rule: "field-" + f.Rule, Section: f.Section, Value: vals[f.Path], Detail: f.String()}, hzcard.CodeUnknown, "")
		}
		f := fs[0]
		return nil, s.refuse(name, sim.Violation{Path: f.Path, Rule: "field-" + f.Rule, Section: f.Section, Value: vals[f.Path], Detail: f.String()},
			hzcard.CodeUnknown, "%s: %s (%s)", f.Path, f.Rule, f.Detail)
	}
	if _, ok := hzcard.Desc(hzcard.AreaFlags(), c.req.AreaFlag); !ok {
		return nil, s.refuse(name, sim.Violation{Path: "areaflag", Rule: "field-value", Section: secEnvelope, Value: c.req.AreaFlag}, hzcard.CodeUnknown, "areaflag %q is not 00-03", c.req.AreaFlag)
	}
	if _, ok := hzcard.Desc(hzcard.Channels(), c.req.ChnlID); !ok {
		return nil, s.refuse(name, sim.Violation{Path: "chnlid", Rule: "field-value", Section: "003 appendix E", Value: c.req.ChnlID}, hzcard.CodeUnknown, "chnlid %q is not in appendix E", c.req.ChnlID)
	}
	if c.req.InstID != inst.instid {
		return nil, s.failf(hzcard.CodeNoInstitution, "instid %q is not %s's", c.req.InstID, inst.id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	mch := s.merchants[c.req.MchntID]
	if mch == nil || mch.inst != inst.id {
		return nil, s.failf(hzcard.CodeNoMerchant, "mchntid %q", c.req.MchntID)
	}
	c.mch = mch
	term := s.terminals[c.req.TermID]
	if term == nil {
		return nil, s.failf(hzcard.CodeNoTerminal, "termid %q", c.req.TermID)
	}
	if term.merchant != mch.id {
		return nil, s.failf(hzcard.CodeTerminalCheck, "termid %s belongs to merchant %s, not %s", term.id, term.merchant, mch.id)
	}
	key := inst.id + "|" + c.req.JoinInstSSN
	if _, dup := s.ssns[key]; dup {
		return nil, s.refuse(name, sim.Violation{Path: "joininstssn", Rule: "duplicate", Section: secDuplicate, Value: c.req.JoinInstSSN},
			hzcard.CodeDuplicateTxn, "joininstssn %s already used", c.req.JoinInstSSN)
	}
	s.ssns[key] = struct{}{}
	s.ssnQ.Push(key)
	for s.ssnQ.Len() > s.history {
		old, _ := s.ssnQ.Pop()
		delete(s.ssns, old)
	}
	return h(c)
}

// joinRule names how a joininstid that selects no institution is wrong:
// absent, empty, longer than the field table allows, or unknown.
func (s *Simulator) joinRule(c *call) string {
	iface, _ := s.cat.Interface(c.iface)
	for _, f := range c.msg.CheckFields(iface, catalog.Request) {
		if f.Path == "joininstid" {
			return "field-" + f.Rule
		}
	}
	return "unknown-institution"
}

// serveAnyway is FaultStateBeforeCheck: the broken centre does the
// business of a request before its field check refuses it, as one that
// validates after processing would (whatever the business answers, the
// refusal stands).
func (s *Simulator) serveAnyway(c *call, h handlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mch := s.merchants[c.req.MchntID]
	if mch == nil || s.terminals[c.req.TermID] == nil {
		return
	}
	c.mch = mch
	_, _ = h(c)
}

func orBody(path string) string {
	if path == "" {
		return "the body"
	}
	return path
}

// interfaceOf extracts <name> from /cardfront/<name>/V1 (a doubled slash,
// as §4.13 prints, is tolerated).
func interfaceOf(path string) (string, bool) {
	path = strings.ReplaceAll(path, "//", "/")
	rest, ok := strings.CutPrefix(path, "/cardfront/")
	if !ok {
		return "", false
	}
	name, ver, ok := strings.Cut(rest, "/")
	if !ok || strings.TrimSuffix(ver, "/") != "V1" {
		return "", false
	}
	return name, true
}

// cst is the zone of the wire (hzcard.Zone, Asia/Shanghai): dates and
// times on the wire are local. New makes it once.
func cst() *time.Location { return hzcard.Zone() }

// SetZone dates the centre's replies and the CREDIT FOR LOAD it writes
// into cards in loc instead of the wire's zone (hzcard.Zone): a centre
// whose cards are at home in another zone, the time-zone variant of a lab
// run (hwtests PAYCERT_TZ, card recharge --tz). Safe while serving.
func (s *Simulator) SetZone(loc *time.Location) {
	if loc == nil {
		loc = cst()
	}
	s.cst.Store(loc)
}

func stamp(t time.Time) hzcard.Times {
	d := t.Format("20060102")
	return hzcard.Times{TxnTime: t.Format("150405"), TxnDate: d, SettDate: d}
}

// decode unmarshals the data object into v; a type mismatch is 999999.
func (s *Simulator) decode(c *call, v any) *fail {
	if c.data == nil {
		return s.failf(hzcard.CodeNoTxnInfo, "")
	}
	if o, ok := c.msg.Data(); ok && hzcard.DecodeData(o, v) { // c.data is that object
		return nil
	}
	if err := json.Unmarshal(c.data, v); err != nil {
		return s.refuse(c.iface, sim.Violation{Path: "data", Rule: "field-type", Section: s.section(c.iface), Detail: err.Error()}, hzcard.CodeUnknown, "data: %v", err)
	}
	return nil
}
