package kakatongsuite

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/codecs/mac"
	"paycert/conformance"
	"paycert/conformance/negatives"
	"paycert/platforms/catalog"
	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongclient"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

// rules is what Kakatong tells the negative generator: lengths count
// GB2312 bytes (kakatong.GBKLen, the unit of every parameter length), the
// success codes of every method, Chinese fills for the holder fields (so a
// length counted in characters or UTF-8 bytes is caught), and the breaches
// the seed or its errata make legal.
func rules() negatives.Rules {
	return negatives.Rules{
		Unit: "GB2312 bytes",
		Len:  kakatong.GBKLen,
		Success: []string{kakatong.LicenceOK, kakatong.CodeOK, kakatong.CodeReversed, kakatong.CodeBound, kakatong.CodeUnbound,
			kakatong.CodePwdChanged, kakatong.CodePwdReset, kakatong.CodeActivated},
		Fill: fill,
		Omit: omit,
	}
}

// holder reports a cIRequest holder text field (USR_*, not the birthday).
func holder(f catalog.Field) bool { return strings.HasPrefix(f.Path, "USR_") && f.Type == "String" }

// fill is negatives.DefaultFill but for the holder fields, which get
// Chinese text: 65 GB2312 bytes are 32 characters and a letter, 33
// characters, which a gateway counting characters would let through.
func fill(f catalog.Field, n int) string {
	if holder(f) && n > 1 {
		return strings.Repeat("张", n/2) + strings.Repeat("A", n%2)
	}
	return negatives.DefaultFill(f, n)
}

// soapOp returns the SOAP operation an interface name is, if it is one.
func soapOp(iface string) (kakatong.Operation, bool) {
	op, ok := kakatong.OperationFor(iface)
	return op, ok && op.Name == iface
}

// omit says why a breach is not generated: where the seed or its errata
// make the "bad" value legal, no endpoint may be held to refuse it.
func omit(it catalog.Interface, f catalog.Field, b catalog.Breach) string {
	_, soap := soapOp(it.Name)
	method := it.Name
	if op, ok := soapOp(it.Name); ok {
		method = op.Method
	}
	rest := f.Path
	if op, ok := soapOp(it.Name); ok && op.REST[f.Path] != "" {
		rest = op.REST[f.Path]
	}
	switch {
	case rest == "LANG":
		return "E-KAKATONG-LANG-ANY: LANG only selects the reply language (any value but GB2312 is English); no value is refused"
	case rest == "COPNO" && (b == catalog.Missing || b == catalog.Empty):
		return "E-KAKATONG-COPNO-OPTIONAL: an absent COPNO is the licence key's merchant (strict mode records it; the gateway serves it)"
	case b == catalog.Empty && f.MinLen == 0:
		return "the table allows an empty value (0400 takes an empty TRADEMODE: E-KAKATONG-REVERSAL)"
	case b == catalog.Empty && method == kakatong.MethodStream && streamFilter(rest):
		return "E-KAKATONG-STREAM-EMPTY-FILTER: an empty filter is 0, not filtering by it"
	case b == catalog.WrongCharset && !soap:
		return "E-KAKATONG-REST-CHARSET: a REST query declares no charset (GB2312 escapes are read as GB2312); the charset cases run over SOAP"
	}
	return ""
}

func streamFilter(name string) bool {
	switch name {
	case "CARDNO", "POSCODE", "STANCE_NO", "START", "END":
		return true
	}
	return false
}

// generatedCases are the suite's generated negatives (the Uncovered test
// reads the same).
func generatedCases() ([]negatives.Case, []negatives.Omission) {
	return negatives.Generate(kakatong.Catalogue(), rules())
}

// newPwd is the password a generated password change asks for: were the
// bad request served, the card's password would no longer be e.pwd.
const newPwd = "654321"

func generatedSpecs(f *framework) {
	cases, _ := generatedCases()
	f.Generated("generated negatives: every parameter of every method and operation, each breach (GB2312 bytes)", cases, func(c negatives.Case) {
		e := f.Env()
		ctx := f.Ctx()
		runGenerated(ctx, e, c)
	})
}

// base is a valid request of one interface, by REST parameter names, and
// the state check that proves a refused request moved nothing.
type base struct {
	method string
	params kakatongclient.Params
	check  func(ctx context.Context) // nil: the interface moves nothing
}

// baseFor builds the valid request a case breaks and arms its state check:
// balances before and after for trades, the password still working, the
// card still inactive, no binding, the holder unchanged; all read through
// the protocol, so they hold against a target as in process.
func baseFor(ctx context.Context, e *env, c negatives.Case) base {
	method := c.Interface
	if op, ok := soapOp(c.Interface); ok {
		method = op.Method
	}
	cl := e.client()
	md5 := mac.CardPassword(e.pwd)
	switch method {
	case kakatong.MethodTrade:
		card := e.card()
		t := kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: e.amount()}
		if c.Field.Path == "STANCE_REV" || c.Field.Path == "stance_rev" {
			// An undo: the only row STANCE_REV matters to. The stance the
			// case replaces names no trade; a malformed one cannot.
			t = kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: "0", CardNo: card, Password: e.pwd, StanceRev: "00000001"}
		}
		bal, pts := e.balance(ctx, cl, card)
		return base{method, cl.TradeParams(t), func(ctx context.Context) {
			b, p := e.balance(ctx, cl, card)
			Expect([]int64{b, p}).To(Equal([]int64{bal, pts}), "a refused request must not move card %s's balance or points", card)
		}}
	case kakatong.MethodPassword:
		card := e.card()
		return base{method, kakatongclient.Params{"CARDNO": card, "OLD_PWD": e.pwd, "NEW_PWD": newPwd, "POSCODE": e.pos}, func(ctx context.Context) {
			r := must(cl.Trade(ctx, kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: e.pwd}))
			if r.Code() != kakatong.CodeOK { // put the password back before failing, so the card stays usable
				_, _ = cl.ChangePassword(ctx, card, "", e.pwd, "")
			}
			Expect(r.Code()).To(Equal(kakatong.CodeOK), "a refused password change must leave card %s's password as it was", card)
		}}
	case kakatong.MethodActivate:
		card := e.inactiveCard(ctx)
		return base{method, kakatongclient.Params{"CARDNO": card, "CARDPWD": md5, "POSCODE": e.pos}, func(ctx context.Context) {
			r := must(cl.Trade(ctx, kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: e.pwd}))
			Expect(r.Code()).To(Equal(kakatong.CodeNotActive), "a refused activation must leave card %s inactive", card)
		}}
	case kakatong.MethodStream:
		// Only one filter may be used (E-KAKATONG-STREAM-FILTER): the card
		// filter where the case breaks the card or its password, none
		// otherwise, so a bad terminal or stance filter is the only one.
		q := kakatongclient.StreamQuery{}
		if p := strings.ToUpper(c.Field.Path); p == "CARDNO" || p == "CARDPWD" {
			q = kakatongclient.StreamQuery{CardNo: e.card(), Password: e.pwd}
		}
		return base{method, kakatongclient.StreamParams(q), nil}
	case kakatong.MethodInfo:
		card := e.card()
		before := holderOf(ctx, cl, card)
		return base{method, kakatongclient.InfoParams(card, kakatongclient.Holder{}), func(ctx context.Context) {
			Expect(holderOf(ctx, cl, card)).To(Equal(before), "a refused cIRequest must leave card %s's holder as it was", card)
		}}
	case kakatong.MethodBind:
		card := e.card()
		return base{method, kakatongclient.Params{"CARDNO": card, "CARDPWD": md5, "IDNUM": e.idnum(), "TRADEMODE": "1", "POSCODE": e.pos}, func(ctx context.Context) {
			// Unbound, the card takes a fresh binding (40) and gives it
			// back (44); a binding the bad request made answers 42.
			id := e.idnum()
			r := must(cl.Bind(ctx, card, e.pwd, id, true, ""))
			if r.Code() == kakatong.CodeBound {
				r2 := must(cl.Bind(ctx, card, e.pwd, id, false, ""))
				Expect(r2.Code()).To(Equal(kakatong.CodeUnbound), "unbinding the check's own binding")
			}
			Expect(r.Code()).To(Equal(kakatong.CodeBound), "a refused bind must leave card %s unbound", card)
		}}
	}
	Fail("no base request for interface " + c.Interface)
	return base{}
}

// holderOf reads a card's holder record with a cIRequest query.
func holderOf(ctx context.Context, cl *kakatongclient.Client, card string) map[string]string {
	r := must(cl.Info(ctx, card, kakatongclient.Holder{}))
	Expect(r.Code()).To(Equal(""), "a holder query of card %s must succeed", card)
	return r.First().Values
}

// charsetMark stands for a wrong-charset value while the envelope is
// written in GB2312; its bytes are then replaced by the value's UTF-8
// bytes, so only that parameter is in the charset the body does not
// declare.
const charsetMark = "PAYCERTCHARSETMARK"

// runGenerated sends one generated case and checks the answer, that
// nothing moved, and in process what the strict simulator recorded.
func runGenerated(ctx context.Context, e *env, c negatives.Case) {
	b := baseFor(ctx, e, c)
	var before int
	if e.sim != nil {
		before = len(e.sim.Violations())
	}
	var status int
	var code string
	if op, ok := soapOp(c.Interface); ok {
		status, code = sendSOAP(ctx, e, op, b, c)
	} else {
		status, code = sendREST(ctx, e, b, c)
	}
	var fresh []sim.Violation
	if e.sim != nil {
		fresh = e.sim.Violations()[before:]
	}
	conformance.ExpectAnswered(c, status, code)
	if b.check != nil {
		b.check(ctx)
	}
	if e.sim != nil {
		conformance.ExpectRecorded(c, fresh, code)
	}
}

// sendREST breaks the case's parameter in the base request's URL.
func sendREST(ctx context.Context, e *env, b base, c negatives.Case) (int, string) {
	cl := e.client()
	p := kakatongclient.Params{}
	for k, v := range b.params {
		p[k] = v
	}
	switch c.Breach {
	case catalog.Missing:
		p[c.Field.Path] = kakatongclient.Omit
	case catalog.Empty:
		p[c.Field.Path] = ""
	default:
		p[c.Field.Path] = c.Value
	}
	// CallURL sends the URL as built and reports the exchange to the
	// transcript; a result error still carries the reply.
	r, err := cl.CallURL(ctx, b.method, cl.RESTURL(b.method, p))
	var te *wire.TransportError
	var pe *wire.ProtocolError
	switch {
	case errors.As(err, &te):
		Fail("the gateway must answer " + c.Field.Path + " " + string(c.Breach) + ", not drop the connection: " + err.Error())
	case errors.As(err, &pe):
		if pe.Status != http.StatusOK {
			return pe.Status, ""
		}
		Fail("the answer to " + c.Field.Path + " " + string(c.Breach) + " must be a gateway reply: " + err.Error())
	}
	status := http.StatusOK
	e.expectReply(r, kakatong.Expect{Method: b.method, Lang: p["LANG"]})
	return status, r.Code()
}

// sendSOAP breaks the case's parameter in the base request's envelope
// (GB2312, as the seed's PHP client and paycert's send it).
func sendSOAP(ctx context.Context, e *env, op kakatong.Operation, b base, c negatives.Case) (int, string) {
	cl := e.client()
	p := cl.SOAPParams(op, b.params)
	switch c.Breach {
	case catalog.Missing:
		delete(p, c.Field.Path)
	case catalog.Empty:
		p[c.Field.Path] = ""
	case catalog.WrongCharset:
		p[c.Field.Path] = charsetMark
	default:
		p[c.Field.Path] = c.Value
	}
	charset := cl.Config().SOAPCharset
	body, err := kakatong.BuildSOAPRequest(op, p, charset)
	Expect(err).NotTo(HaveOccurred())
	if c.Breach == catalog.WrongCharset {
		Expect(kakatong.IsGBCharset(charset)).To(BeTrue(), "the wrong-charset cases put UTF-8 bytes in a GB2312 envelope")
		body = bytes.Replace(body, []byte(charsetMark), []byte(c.Value), 1)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url+kakatong.SOAPPath, bytes.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", kakatong.SOAPContentType(charset, op.Name))
	status, ct, reply := httpDo(req)
	if status != http.StatusOK {
		return status, ""
	}
	r, err := kakatong.ParseSOAPReply(op, ct, reply)
	Expect(err).NotTo(HaveOccurred(), "the answer to %s %s must be a SOAP reply: %s", c.Field.Path, c.Breach, reply)
	e.expectReply(r, kakatong.Expect{Method: op.Method, Lang: p["LANG"], SOAP: true})
	return status, r.Code()
}
