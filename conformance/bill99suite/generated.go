package bill99suite

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	. "github.com/onsi/ginkgo/v2" //nolint:revive
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/codecs/gbk"
	"paycert/conformance"
	"paycert/conformance/negatives"
	"paycert/platforms/bill99"
	"paycert/platforms/catalog"
	"paycert/platforms/sim"
)

// Rules is what seed 001 tells the negatives generator: lengths in
// characters of the UTF-8 message (MAX(32) holds 32 Chinese characters),
// 00 and the pending C0/68 are not refusals, amounts are yuan with at most
// two decimals, and the closed tables (4.9 txnType, 4.12 bankId, §4.4
// txnStatus) have values outside them. The TR3 notice's cases go to the
// merchant's TR3 endpoint (describeGeneratedTR3).
func Rules() negatives.Rules {
	return negatives.Rules{
		Unit:      "characters",
		Len:       utf8.RuneCountInString,
		Success:   []string{bill99.RCSuccess, bill99.RCTimeoutC0, bill99.RCTimeout68},
		Fill:      fill,
		WrongType: wrongType,
		Omit:      omit,
	}
}

// fill is n characters of the field's type: digits for numbers, amounts
// and times (so a too-long amount is too long, not malformed), letters for
// text.
func fill(f catalog.Field, n int) string {
	switch f.Type {
	case "Number", "Amount", "DateTime":
		return strings.Repeat("1", n)
	}
	return strings.Repeat("A", n)
}

// wrongType breaks a field's type within its length: a letter in a number,
// an impossible time, three decimals of a yuan amount, a value outside the
// field's closed table.
func wrongType(f catalog.Field) (string, bool) {
	switch f.Type {
	case "Amount":
		return "1.234", true
	case "Number", "DateTime":
		return negatives.DefaultWrongType(f)
	}
	switch f.Path[strings.LastIndex(f.Path, "/")+1:] {
	case "txnType":
		return "XYZ", true // not in table 4.9
	case "bankId":
		return "XXXX", true // not in table 4.12
	case "txnStatus":
		return "X", true // not S, F or P (§4.4)
	}
	return "", false
}

// omit leaves out a wrong charset in the TR3 notice: it is GBK, and the
// UTF-8 bytes of Chinese text are valid GBK pairs (翼码 reads 缈肩爜), so no
// merchant can tell them from GBK text (E-BILL99-TR3-MALFORMED).
func omit(iface catalog.Interface, _ catalog.Field, b catalog.Breach) string {
	if iface.Name == bill99.IfTR3 && b == catalog.WrongCharset {
		return "UTF-8 bytes of Chinese text are valid GBK pairs: a merchant cannot tell them from the GBK notice's text"
	}
	return ""
}

// chineseText is a valid free-text value of 32 characters (96 UTF-8 bytes)
// for the bases' MAX(32) text fields: a length counted in bytes instead of
// characters refuses it.
const chineseText = "测试测试测试测试测试测试测试测试测试测试测试测试测试测试测试测试"

// caseBase is a valid request of one interface for a generated case, and
// the read of the state the request could change, made before and after the
// bad request is sent: the two must be equal.
type caseBase struct {
	msg   *bill99.Node
	state func(ctx context.Context) string
}

// baseFor builds the valid request of iface that a case breaks, with the
// suite's own customers and refs, and how to read what it could change
// through the protocol (so it works against a target too).
func baseFor(ctx context.Context, e *env, iface string) caseBase {
	switch iface {
	case bill99.IfIndAuth:
		pan, phone := e.signUpCard()
		cust, ref := "gen-"+e.ref(), e.ref()
		r := bill99.IndAuthRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: cust, ExternalRefNumber: ref, Pan: pan, PhoneNO: phone,
			CardHolderName: chineseText, IDType: "0", CardHolderID: "32058219870706111X", ExpiredDate: "1230", CVV2: "123"}
		return caseBase{msg: r.Message(), state: func(ctx context.Context) string { return signUpState(ctx, e, cust, ref) }}
	case bill99.IfIndAuthVerify:
		pan, phone := e.signUpCard()
		cust, ref := "gen-"+e.ref(), e.ref()
		ia := indAuth(ctx, e, cust, ref, pan, phone)
		Expect(code(ia)).To(Equal(bill99.RCSuccess), "ind_auth of the verification's sign-up")
		r := bill99.VerifyRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: cust, ExternalRefNumber: ref, Pan: pan, PhoneNO: phone,
			ValidCode: e.smsCode(ctx, ref), Token: ia.Get("token")}
		return caseBase{msg: r.Message(), state: func(ctx context.Context) string { return bindingsOf(ctx, e, cust) }}
	case bill99.IfPurchase:
		needBinding(e)
		ref := e.ref()
		r := bill99.PurchaseRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: e.customerID, ExternalRefNumber: ref,
			EntryTime: e.entryTime(), Amount: "0.01", PayToken: e.payToken, TR3URL: e.tr3URL, Ext1: chineseText}
		return caseBase{msg: r.Message(), state: func(ctx context.Context) string { return orderState(ctx, e, ref) }}
	case bill99.IfQueryTxn:
		r := bill99.QueryRequest{MerchantID: e.mid, TerminalID: e.tid, ExternalRefNumber: e.ref(), TxnType: bill99.TxnPurchase, TxnStatus: bill99.TxnSucceeded}
		return caseBase{msg: r.Message()}
	case bill99.IfCardInfo:
		return caseBase{msg: bill99.CardInfoRequest{TxnType: bill99.TxnPurchase, CardNo: "6217003320034459100"}.Message()}
	case bill99.IfPciDel:
		b := e.ownBinding(ctx)
		r := bill99.PciDeleteRequest{MerchantID: e.mid, CustomerID: b.customer, Pan: b.pan, PayToken: b.payToken, BankID: b.bankID}
		return caseBase{msg: r.Message(), state: func(ctx context.Context) string { return bindingsOf(ctx, e, b.customer) }}
	case bill99.IfPciQuery:
		cust := "gen-" + e.ref()
		return caseBase{msg: bill99.PciQueryRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: cust, CardType: bill99.CardDebit, BindType: "0"}.Message()}
	}
	Fail("no base request for interface " + iface)
	return caseBase{}
}

// signUpState says whether a sign-up (an SMS code) exists for ref: read
// from the embedded simulator, from param sms_url (404: none), or, with the
// fixed sms_code of a sandbox, by whether cust's verification of ref
// succeeds.
func signUpState(ctx context.Context, e *env, cust, ref string) string {
	if e.sim != nil {
		_, ok := e.sim.SMSCode(e.mid, ref)
		return fmt.Sprintf("sign-up %s: %v", ref, ok)
	}
	if e.smsURL != "" {
		status, _ := e.fetchSMS(ctx, ref)
		return fmt.Sprintf("sign-up %s: %v", ref, status == http.StatusOK)
	}
	if e.smsFixed == "" {
		Skip("needs param sms_url or sms_code to read whether a refused ind_auth made a sign-up")
	}
	pan, phone := e.signUpCard()
	v := verify(ctx, e, cust, ref, pan, phone, e.smsFixed, "1300177")
	return fmt.Sprintf("sign-up %s verifies: %v", ref, code(v) == bill99.RCSuccess)
}

// bindingsOf lists a customer's bound payTokens of both card types.
func bindingsOf(ctx context.Context, e *env, cust string) string {
	var tokens []string
	for _, ct := range []string{bill99.CardDebit, bill99.CardCredit} {
		list, _ := send(ctx, e, bill99.IfPciQuery, bill99.PciQueryRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: cust, CardType: ct}.Message())
		for _, in := range list.Content.Child("pciInfos").All("pciInfo") {
			tokens = append(tokens, ct+":"+in.Get("payToken"))
		}
	}
	return fmt.Sprintf("bindings of %s: %v", cust, tokens)
}

// orderState is what query_txn says of ref (B.MGW.0170 while no order
// exists), and in process the simulator's ledger.
func orderState(ctx context.Context, e *env, ref string) string {
	q, _ := send(ctx, e, bill99.IfQueryTxn, bill99.QueryRequest{MerchantID: e.mid, ExternalRefNumber: ref, TxnType: bill99.TxnPurchase}.Message())
	return fmt.Sprintf("order %s: %s %s", ref, code(q), q.Get("txnStatus"))
}

// breakField applies a case to a valid request: the field removed,
// emptied, or given the bad value; a wrong charset is the value's GBK bytes
// in the UTF-8 message (§4.1..4.7: 编码必须为 UTF-8). Nothing signs a
// bill99 request (mutual TLS authenticates it), so the bytes go as built.
func breakField(m *bill99.Node, c negatives.Case) []byte {
	if c.Breach != catalog.WrongCharset {
		breakNode(m, c)
		return bill99.Encode(m)
	}
	const mark = "PAYCERTWRONGCHARSET"
	set(m, c.Field.Path, mark)
	gb, err := gbk.EncodeString(c.Value)
	Expect(err).NotTo(HaveOccurred())
	return bytes.Replace(bill99.Encode(m), []byte(mark), gb, 1)
}

// breakNode removes, empties or replaces the case's field in m.
func breakNode(m *bill99.Node, c negatives.Case) {
	switch c.Breach {
	case catalog.Missing:
		remove(m, c.Field.Path)
	case catalog.Empty:
		set(m, c.Field.Path, "")
	default:
		set(m, c.Field.Path, c.Value)
	}
}

// violationRule is the rule the simulator records for a breach.
func violationRule(b catalog.Breach) string {
	switch b {
	case catalog.Missing, catalog.Empty:
		return "field-missing"
	case catalog.WrongType:
		return "field-format"
	case catalog.WrongCharset:
		return "charset"
	}
	return "field-" + string(b)
}

// describeGenerated registers one spec per generated negative case of
// every merchant-to-platform interface: the request is valid but for the
// one field, must get the documented errorCode (never a 5xx, a hang or a
// dropped connection), and must change nothing; in process the strict
// simulator must record it as one violation naming the field.
func describeGenerated(f *conformance.Framework[*env]) {
	all, _ := negatives.Generate(f.Catalogue, Rules())
	var cases, tr3 []negatives.Case
	for _, c := range all {
		if c.Interface == bill99.IfTR3 {
			c.Want = negatives.Want{Refusal: "no TR4 acknowledgement (§5.3.2)"}
			tr3 = append(tr3, c)
		} else {
			cases = append(cases, c)
		}
	}
	describeGeneratedTR3(f, tr3)
	f.Generated("generated negatives (seed 001 field tables, §5.3.3)", cases, func(c negatives.Case) {
		ctx := f.Ctx()
		e := f.Env()
		base := baseFor(ctx, e, c.Interface)
		state := func() string {
			var s string
			if base.state != nil {
				s = base.state(ctx)
			}
			if e.sim != nil {
				s += fmt.Sprintf("; ledger %+v", e.sim.Totals()) // in process: nothing moved anywhere
			}
			return s
		}
		before := state()
		var seen int
		if e.sim != nil {
			seen = len(e.sim.Violations())
		}
		cl := e.client()
		defer cl.Close()
		status, body, err := cl.Post(ctx, c.Interface, breakField(base.msg, c))
		Expect(err).NotTo(HaveOccurred(), "a bad request must be answered, not dropped or left hanging")
		var fresh []sim.Violation
		if e.sim != nil {
			fresh = e.sim.Violations()[seen:]
		}
		rep, derr := bill99.DecodeReply(c.Interface, body)
		Expect(derr).NotTo(HaveOccurred(), "HTTP %d: the answer to a bad request is a MasMessage", status)
		conformance.ExpectAnswered(c, status, code(rep))
		Expect(status).To(Equal(http.StatusOK), "a refusal is a MasMessage with HTTP 200 (§5.3.3)")
		Expect(rep.Result.HasErrorCode && rep.Result.HasRespCode).To(BeFalse(), "errorCode and responseCode are never both present (§5.3.3)")
		Expect(echoless(bill99.CheckReply(f.Catalogue, nil, rep), c)).To(BeEmpty(), "the refusal breaks seed 001's reply tables")
		if m := elementNamed.FindStringSubmatch(rep.Result.ErrorMessage); m != nil && c.Want.Documented() {
			// §5.3.3's sample names the element refused: it must be this one.
			Expect(m[1]).To(Equal(c.Field.Path[strings.LastIndex(c.Field.Path, "/")+1:]), "errorMessage %q names another element", rep.Result.ErrorMessage)
		}
		Expect(state()).To(Equal(before), "a refused request must change nothing")
		if e.sim != nil {
			conformance.ExpectRecorded(c, fresh, code(rep))
			Expect(fresh).To(HaveLen(1), "the strict mock records a refused request once, for the field that refused it")
			Expect(fresh[0].Rule).To(Equal(violationRule(c.Breach)), "the violation names the rule broken")
			Expect(fresh[0].Code).To(Equal(code(rep)), "the violation names the code answered")
		}
	})
}

// elementNamed finds the element an errorMessage names, as §5.3.3's
// "Data length of element[merchantId] is incorrect!" does.
var elementNamed = regexp.MustCompile(`element\[([A-Za-z0-9]+)\]`)

// echoless drops the findings on the query's echo of the broken field: the
// error reply of query_txn echoes QryTxnMsgContent (§5.3.3 sample), bad
// value and all.
func echoless(fs []catalog.Finding, c negatives.Case) []catalog.Finding {
	var out []catalog.Finding
	for _, f := range fs {
		if c.Interface == bill99.IfQueryTxn && f.Path == c.Field.Path {
			continue
		}
		out = append(out, f)
	}
	return out
}
