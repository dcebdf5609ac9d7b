package ipossuite

// generated.go: the generated negatives (#17). For every request field of
// every interface of the catalogue, each breach its row allows (package
// negatives): a valid request of the interface with that one field
// removed, emptied, one GBK byte too long or too short, of the wrong type,
// or in UTF-8 in a message declared GBK, MACed over the bad bytes so the
// endpoint must judge the field itself. Each must get the code §5 names
// for it (catalogue FieldCodes; any documented error code where §5 names
// none), never a 5xx or a dropped connection, and move nothing: what the
// interface could move is read through the protocol before and after, so
// the check is the same against a target. In process the strict simulator
// must also record the refusal as one violation naming the field.

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/conformance"
	"paycert/conformance/negatives"
	"paycert/platforms/catalog"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/ipossim"
)

// format is what a request field holds beyond its table type ("String"
// everywhere but tx_amt), by its element name: the format codes of §5 and
// the samples say which are digits, dates or amounts.
type format int

const (
	text   format = iota // free text: Chinese allowed, no type to break
	digits               // isspid, system_id, pos_seq, org_pos_seq, valid_info (auxiliary code), encode_type
	date                 // yyyymmdd
	amount               // whole fen
	ascii                // request_type: a fixed ASCII name
)

func formatOf(f catalog.Field) format {
	switch f.Path[strings.LastIndex(f.Path, "/")+1:] {
	case "isspid", "system_id", "pos_seq", "org_pos_seq", "valid_info", "encode_type":
		return digits
	case "daily_day", "s_time", "e_time":
		return date
	case "tx_amt", "amount":
		return amount
	case "request_type":
		return ascii
	}
	return text
}

// rules is what the generator needs to know of iPos: lengths in GBK
// bytes (002 §2), 0000 the only success, and the fills and wrong values
// of each format.
func rules() negatives.Rules {
	return negatives.Rules{Unit: "GBK bytes", Len: ipos.GBKLen, Success: []string{ipos.CodeOK}, Fill: fill, WrongType: wrongType}
}

// fill is n GBK bytes of a field's format: digits for the formats, and
// Chinese for free text (2 bytes a character, an ASCII digit for an odd
// n), so a length counted in characters, not bytes, lets the too-long
// value through and is caught.
func fill(f catalog.Field, n int) string {
	if formatOf(f) != text {
		return strings.Repeat("1", n)
	}
	return strings.Repeat("翼", n/2) + strings.Repeat("1", n%2)
}

// wrongType breaks a field's format at a valid length: a letter among
// digits, an impossible date in the past (a future one is a different
// rule, erratum E-IPOS-DAILY-FUTURE), an amount with a decimal point.
// Free text and request_type have no wrong type.
func wrongType(f catalog.Field) (string, bool) {
	switch leaf := f.Path[strings.LastIndex(f.Path, "/")+1:]; {
	case leaf == "isspid":
		return "3949300X", true
	case leaf == "system_id":
		return "888X", true
	case leaf == "pos_seq", leaf == "org_pos_seq":
		return "151130000000000X", true
	case leaf == "valid_info":
		return "12345678901X", true // an auxiliary code (encode_type 099) is 12 or 16 digits
	case leaf == "encode_type":
		return "09X", true
	case formatOf(f) == date:
		return "20250231", true
	case formatOf(f) == amount:
		return "1.5", true
	}
	return "", false
}

// generatedCases is every generated case of the catalogue.
func generatedCases(cat *catalog.Catalogue) ([]negatives.Case, []negatives.Omission) {
	return negatives.Generate(cat, rules())
}

func generated(f *conformance.Framework[*env]) {
	cat := ipos.Catalogue()
	cases, _ := generatedCases(cat)
	// One container per interface: a case's name says field, breach and
	// code but not the interface, and a spec's full text must be unique
	// (waivers, --rerun-failed and the report find specs by it).
	byIface := map[string][]negatives.Case{}
	for _, c := range cases {
		byIface[c.Interface] = append(byIface[c.Interface], c)
	}
	for _, name := range ipos.Interfaces() {
		f.Generated("generated negatives: "+name, byIface[name], func(c negatives.Case) {
			runGenerated(f.Ctx(), f.Env(), cat, c)
		})
	}
}

// runGenerated sends one case and checks its answer, that nothing moved,
// and in process what the strict simulator recorded.
func runGenerated(ctx context.Context, e *env, cat *catalog.Catalogue, c negatives.Case) {
	GinkgoHelper()
	it, ok := cat.Interface(c.Interface)
	Expect(ok).To(BeTrue(), "interface %s", c.Interface)
	base, state := generatedBase(ctx, e, c)
	x, err := breakField(it, base, c)
	Expect(err).NotTo(HaveOccurred(), "building the bad request")
	before := state(ctx)
	var totals ipossim.Totals
	seen := 0
	if e.sim != nil {
		totals, seen = e.sim.Totals(), len(e.sim.Violations())
	}
	resp, err := sendBody(ctx, e, c.Interface, ipos.FormBody(nil, []byte(e.key), x))
	Expect(err).NotTo(HaveOccurred(), "%s %s: bad input must get an answer, not a dropped connection or a hang", c.Field.Path, c.Breach)
	code := ""
	if resp.Reply != nil {
		code = resp.Reply.Result.ID
		enveloped(resp.Reply)
	}
	if code == ipos.CodeOK {
		undoAccepted(e, c, base)
	}
	conformance.ExpectAnswered(c, resp.Status, code)
	Expect(state(ctx)).To(Equal(before), "a refused %s request moves nothing", c.Interface)
	if e.sim != nil {
		Expect(e.sim.Totals()).To(Equal(totals), "a refused request moves no money (the simulator's totals)")
		conformance.ExpectRecorded(c, e.sim.Violations()[seen:], code)
	}
}

// marker stands in for a field's value until the bytes of a wrong-charset
// value replace it in the encoded message.
const marker = "PAYCERTMARK"

// breakField encodes base with the case's field broken, in GBK as the
// message declares, but for a wrong-charset value, whose UTF-8 bytes go in
// as they are.
func breakField(it catalog.Interface, base ipos.Request, c negatives.Case) ([]byte, error) {
	rel := strings.TrimPrefix(c.Field.Path, ipos.Root+"/")
	value := c.Value
	if c.Breach == catalog.WrongCharset {
		value = marker
	}
	if rel == "request_type" { // written from Interface by AppendXML: edited in the bytes
		x, err := base.AppendXML(nil)
		if err != nil {
			return nil, err
		}
		el := "<request_type>" + ipos.RequestType(base.Interface) + "</request_type>"
		bad := "<request_type>" + value + "</request_type>"
		if c.Breach == catalog.Missing {
			bad = ""
		}
		x = bytes.Replace(x, []byte(el), []byte(bad), 1)
		return utf8Marker(x, c), nil
	}
	var r ipos.Request
	switch c.Breach {
	case catalog.Missing:
		r = base.Without(rel)
	case catalog.Empty:
		r = base.With(rel, "")
	default:
		r = base.With(rel, value)
	}
	x, err := ipos.OrderByCatalogue(it, r).AppendXML(nil)
	if err != nil {
		return nil, fmt.Errorf("encode %s with %s %s: %w", c.Interface, rel, c.Breach, err)
	}
	return utf8Marker(x, c), nil
}

// utf8Marker puts a wrong-charset case's value, in UTF-8, where the marker is.
func utf8Marker(x []byte, c negatives.Case) []byte {
	if c.Breach != catalog.WrongCharset {
		return x
	}
	return bytes.Replace(x, []byte(marker), []byte(c.Value), 1)
}

// generatedBase is a valid request of the case's interface, carrying
// every element its table has (so a breach of an optional one is a
// breach in context), and a reading of what the request could move,
// taken through the protocol so it is the same against a target.
func generatedBase(ctx context.Context, e *env, c negatives.Case) (ipos.Request, func(context.Context) string) {
	GinkgoHelper()
	none := func(context.Context) string { return "" }
	switch c.Interface {
	case ipos.BindPos:
		h := e.header()
		h.PosID = e.newPosID("8")
		req := ipos.BindPosRequest{Header: h, Store: ipos.StoreInfo{StoreID: e.storeID, StoreName: "翼码测试门店",
			StoreAddr: "湖州市吴兴区", Contact: "张三", ContactTel: "13900000000", Province: "浙江", City: "湖州", Town: "吴兴"}}.Request()
		// A terminal the bad bind_pos must not have bound: its daily is
		// refused (7000) before and after.
		return req, func(ctx context.Context) string { return codeOf(e.do(ctx, dailyReq(h, e.today()))) }
	case ipos.CardQuery:
		return queryReq(e, e.amountVoucher(10000)), none
	case ipos.CardVerify:
		code := e.amountVoucher(10000)
		return verifyReq(e.header(), code, "1"), remainOf(e, code)
	case ipos.CardCancel, ipos.CardReversal:
		// The undo of a real verification: a bad one must not restore it.
		code := e.amountVoucher(10000)
		v := verifyReq(e.header(), code, "1")
		ok(e.do(ctx, v))
		e.undoLater(code, seqOf(v))
		return undoReq(c.Interface, e.header(), code, seqOf(v)), remainOf(e, code)
	case ipos.CardDaily:
		return dailyReq(e.header(), e.today()), none
	}
	gift := func() string { return e.giftCash(1000) }
	q := e.wecard(c.Interface)
	switch c.Interface {
	case ipos.WecardGetCodeInfo:
		q.Code = gift()
		return q.Request(), none
	case ipos.WecardGetTraceList:
		q.Code, q.STime, q.ETime = gift(), e.today(), e.today()
		return q.Request(), none
	case ipos.WecardGetPosSeqInfo:
		// exactly one of code and pos_seq: the one the case breaks
		q.PosID, q.StoreID = "", ""
		if strings.HasSuffix(c.Field.Path, "/code") {
			q.Code, q.PosSeq = gift(), ""
		}
		return q.Request(), none
	case ipos.WecardPosCancelCard:
		q.Code, q.ConsumeSource, q.Amount = gift(), "收银台核销", "1"
		return q.Request(), overplusOf(e, q.Code)
	case ipos.WecardPosReturnd:
		// The refund of a real consume: a bad one must not restore it.
		consume := e.wecard(ipos.WecardPosCancelCard)
		consume.Code, consume.ConsumeSource, consume.Amount = gift(), "收银台核销", "2"
		ok(e.do(ctx, consume.Request()))
		e.refundLater(consume.Code, consume.PosSeq)
		q.Code, q.ConsumeSource, q.OrgPosSeq, q.Amount = consume.Code, "收银台退款", consume.PosSeq, "1"
		return q.Request(), overplusOf(e, q.Code)
	case ipos.WecardPosRevoke:
		q.Code, q.ConsumeSource = e.revocableGift(ctx, 1000), "收银台注销"
		return q.Request(), overplusOf(e, q.Code)
	}
	Fail("no base request for interface " + c.Interface)
	return ipos.Request{}, none
}

func remainOf(e *env, code string) func(context.Context) string {
	return func(ctx context.Context) string { return fmt.Sprintf("remain_amt %d", e.remainAmt(ctx, code)) }
}

func overplusOf(e *env, code string) func(context.Context) string {
	return func(ctx context.Context) string { return fmt.Sprintf("overplus %d", e.overplus(ctx, code)) }
}

// undoAccepted undoes a bad request a faulty target accepted, when the
// spec ends, so a shared voucher or gift card gets its value back.
func undoAccepted(e *env, c negatives.Case, base ipos.Request) {
	code, _ := base.Get(c.Interface + "_request/valid_info")
	switch c.Interface {
	case ipos.CardVerify:
		e.undoLater(code, seqOf(base))
	case ipos.WecardPosCancelCard:
		gift, _ := base.Get("code")
		e.refundLater(gift, seqOf(base))
	}
}
