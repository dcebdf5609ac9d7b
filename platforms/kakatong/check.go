package kakatong

import (
	"fmt"
	"strconv"
	"time"

	"paycert/platforms/catalog"
)

// Expect is what a caller knows about the request a reply answers: the
// request side of CheckReply (the suite and the load runner know the
// method, row, card and language they sent, not a request struct).
type Expect struct {
	Method string // REST method (SOAP replies are checked as their method's)
	Row    *Row   // the trade row, for cTRequest
	Lang   string // LANG sent ("" = English)
	CardNo string // card sent, when the reply must echo it
	IDNum  string // IDNUM sent (bind)
	Code   string // the code the caller expects; "" accepts any documented code
	// AllowUnwrapped accepts fields directly under <TradeResult> (the first
	// sample's form); the default form is <Record> (E-KAKATONG-RECORD-WRAPPER).
	AllowUnwrapped bool
	SOAP           bool // the reply came from a SOAP call (no wrapper rule)
}

// Paths of the reply elements findings name. Fields are written as the
// catalogue writes them: TradeResult/Record/<name>.
const (
	recordPath = "TradeResult/Record"
	codesSec   = "000 接口返回值规范"
)

func fieldPath(name string) string { return recordPath + "/" + name }

// CheckReply judges every documented field of a decoded reply against the
// catalogue: the code is documented, its text is the catalogue's in the
// requested language, and a success fills exactly the fields its row or
// method fills, in the documented format. Parsing (ParseReply,
// ParseSOAPReply) is separate: CheckReply only judges fields. Each finding
// names the element path, a stable rule and, where known, the seed section;
// the details are worded as what the spec requires.
func CheckReply(cat *catalog.Catalogue, x Expect, r *Reply) []catalog.Finding {
	c := checker{cat: cat, x: x}
	if r == nil {
		c.add("", "missing", "", "no reply was decoded")
		return c.fs
	}
	if i, ok := cat.Interface(x.Method); ok {
		c.sec = i.Section
	}
	c.check(r)
	return c.fs
}

// checker collects the findings of one CheckReply.
type checker struct {
	cat *catalog.Catalogue
	x   Expect
	sec string // the method's seed section
	fs  []catalog.Finding
}

func (c *checker) add(path, rule, section, format string, a ...any) {
	c.fs = append(c.fs, catalog.Finding{Path: path, Rule: rule, Detail: fmt.Sprintf(format, a...), Section: section})
}

// field records a finding about one element of the record, in the method's section.
func (c *checker) field(name, rule, format string, a ...any) {
	c.add(fieldPath(name), rule, c.sec, format, a...)
}

func (c *checker) check(r *Reply) {
	x := c.x
	code := r.Code()
	codeEl := fieldPath(CodeField(x.Method))
	if x.Code != "" && code != x.Code {
		c.add(codeEl, "mismatch", codesSec, "result code must be %q, got %q (%s)", x.Code, code, c.codeOf(code).TextEN)
	}
	if r.Licence != "" {
		if !IsLicenceCode(r.Licence) {
			c.add("return", "unknown-code", "000 授权码返回错误值", "a SOAP number reply must be a licence code 1-4, got %q", r.Licence)
		}
		return
	}
	if !x.SOAP && !x.AllowUnwrapped && len(r.Records) > 0 && !r.Wrapped {
		c.add(recordPath, "wrapper", c.sec, "REST reply fields must be wrapped in <Record> (the default form, E-KAKATONG-RECORD-WRAPPER)")
	}
	if x.Method == MethodStream && r.IsStreamList() {
		for i, rec := range r.Records {
			c.streamRecord(rec, i)
		}
		return
	}
	if len(r.Records) != 1 {
		c.add(recordPath, "count", c.sec, "%s reply must hold exactly one record, got %d", x.Method, len(r.Records))
		return
	}
	rec := r.Records[0]
	if _, ok := rec.Get(CodeField(x.Method)); !ok && x.Method != MethodInfo {
		c.add(codeEl, "missing", c.sec, "%s reply must carry <%s>", x.Method, CodeField(x.Method))
	}
	_, known := c.cat.Code(code)
	success := false
	switch {
	case x.Method == MethodInfo && code == "":
		success = true
	case !known:
		c.add(codeEl, "unknown-code", codesSec, "code %q is not documented in 000 接口返回值规范", code)
	case x.Row != nil:
		success = code == x.Row.OK
	default:
		success = code == successOf(x.Method, rec)
	}
	if x.Method == MethodTrade || (x.Method == MethodStream && !success) {
		txt, ok := rec.Get("PayInResult")
		want := Text(c.codeOf(code), x.Lang, x.IDNum)
		if !ok {
			c.field("PayInResult", "missing", "a %s reply must carry <PayInResult>", x.Method)
		} else if StripCodePrefix(txt) != want {
			c.add(fieldPath("PayInResult"), "mismatch", codesSec, "PayInResult for %s in LANG=%q must be %q, got %q", code, x.Lang, want, txt)
		}
	}
	if !success {
		if v := rec.V("Stance"); v != "" {
			c.field("Stance", "unexpected", "Stance is sent only on success, got %q with code %s", v, code)
		}
		return
	}
	for _, f := range ReplyFields(x.Method) {
		if _, ok := rec.Get(f); !ok {
			c.field(f, "missing", "%s success reply must carry <%s>", x.Method, f)
		}
	}
	if x.CardNo != "" && rec.V("CardNo") != x.CardNo {
		c.field("CardNo", "mismatch", "CardNo must echo the card %s, got %q", x.CardNo, rec.V("CardNo"))
	}
	switch x.Method {
	case MethodTrade:
		c.tradeFill(rec)
	case MethodPassword:
		if rec.V("TradeName") == "" {
			c.field("TradeName", "missing", "TradeName must name the password trade")
		}
	case MethodBind:
		if x.IDNum != "" && rec.V("IDNum") != x.IDNum {
			c.field("IDNum", "mismatch", "IDNum must echo %s, got %q", x.IDNum, rec.V("IDNum"))
		}
		for _, f := range []string{"CopNo", "TmnNo"} {
			if !catalog.IsDigits(rec.V(f)) {
				c.field(f, "format", "%s must be digits, got %q", f, rec.V(f))
			}
		}
	case MethodInfo:
		if b := rec.V("UsrBirthday"); b != "0000-00-00" {
			if _, err := time.Parse("2006-01-02", b); err != nil {
				c.field("UsrBirthday", "format", "UsrBirthday must be YYYY-MM-DD or 0000-00-00, got %q", b)
			}
		}
		if !catalog.IsDigits(rec.V("CopNo")) {
			c.field("CopNo", "format", "CopNo must be digits, got %q", rec.V("CopNo"))
		}
	}
}

// codeOf is the catalogue's entry for code; an unknown code gets the
// catch-all 非法操作 text, as the seed's "其他" row says (CodeOf).
func (c *checker) codeOf(code string) Code {
	if k, ok := c.cat.Code(code); ok {
		return k
	}
	return CodeOf(code)
}

// successOf is the success code of a method whose row the caller did not
// name: activation 57, bind 40 or unbind 44, password 45 or 47.
func successOf(method string, rec Record) string {
	code := rec.V(CodeField(method))
	switch method {
	case MethodActivate:
		return CodeActivated
	case MethodBind:
		if code == CodeUnbound {
			return CodeUnbound
		}
		return CodeBound
	case MethodPassword:
		if code == CodePwdReset {
			return CodePwdReset
		}
		return CodePwdChanged
	}
	return CodeOK
}

func (c *checker) tradeFill(rec Record) {
	row := c.x.Row
	if row == nil {
		return
	}
	st := rec.V("Stance")
	if row.Stance && (len(st) != 8 || !catalog.IsDigits(st)) {
		c.field("Stance", "format", "%s/%s success must carry an 8-digit Stance (E-KAKATONG-STANCE-DIGITS), got %q", row.Type, row.Mode, st)
	}
	if !row.Stance && st != "" {
		c.field("Stance", "unexpected", "%s/%s carries no Stance, got %q", row.Type, row.Mode, st)
	}
	in, pt := rec.V("Integral"), rec.V("Points")
	switch row.Fill {
	case FillBalance:
		if !catalog.IsDigits(in) {
			c.field("Integral", "format", "%s/%s must return the stored-value balance in Integral as fen digits, got %q", row.Type, row.Mode, in)
		}
		if pt != "" {
			c.field("Points", "unexpected", "%s/%s fills Integral only (E-KAKATONG-INTEGRAL-POINTS); Points must be empty, got %q", row.Type, row.Mode, pt)
		}
	case FillPoints:
		if !catalog.IsDigits(pt) {
			c.field("Points", "format", "%s/%s must return the points balance in Points as digits, got %q", row.Type, row.Mode, pt)
		}
		if in != "" {
			c.field("Integral", "unexpected", "%s/%s fills Points only (E-KAKATONG-INTEGRAL-POINTS); Integral must be empty, got %q", row.Type, row.Mode, in)
		}
	case FillIDNum:
		if in == "" || (c.x.IDNum != "" && in != c.x.IDNum) {
			c.field("Integral", "mismatch", "%s/%s must return the bound number %q in Integral, got %q", row.Type, row.Mode, c.x.IDNum, in)
		}
	default:
		if in != "" || pt != "" {
			c.field("Integral", "unexpected", "%s/%s fills neither Integral nor Points, got %q / %q", row.Type, row.Mode, in, pt)
		}
	}
	if rec.V("TradeName") == "" {
		c.field("TradeName", "missing", "TradeName must be the service description or the trade's name")
	}
}

func (c *checker) streamRecord(rec Record, i int) {
	at := func(name string) string { return recordPath + "[" + strconv.Itoa(i) + "]/" + name }
	bad := func(name, rule, format string, a ...any) {
		c.add(at(name), rule, c.sec, "stream record %d: "+format, append([]any{i}, a...)...)
	}
	for _, f := range ReplyFields(MethodStream) {
		if _, ok := rec.Get(f); !ok {
			c.add(at(f), "missing", c.sec, "stream record %d must carry <%s>", i, f)
		}
	}
	if s := rec.V("stanceNo"); len(s) != 8 || !catalog.IsDigits(s) {
		bad("stanceNo", "format", "stanceNo must be 8 digits, got %q", s)
	}
	if a := rec.V("Amount"); !isYuan(a) {
		bad("Amount", "format", "Amount must be yuan with two decimals (E-KAKATONG-STREAM-AMOUNT), got %q", a)
	}
	if _, err := ParseAmount(rec.V("Points")); err != nil {
		bad("Points", "format", "Points must be a decimal, got %q", rec.V("Points"))
	}
	if _, err := time.Parse("2006-01-02 15:04:05", rec.V("TradeTime")); err != nil {
		bad("TradeTime", "format", "TradeTime must be YYYY-MM-DD HH:MM:SS, got %q", rec.V("TradeTime"))
	}
	if !catalog.IsDigits(rec.V("Integral")) {
		bad("Integral", "format", "Integral must be the balance after the trade in fen, got %q", rec.V("Integral"))
	}
	if !catalog.IsDigits(rec.V("TmnNo")) || !catalog.IsDigits(rec.V("CardNo")) || rec.V("TradeName") == "" {
		bad("TmnNo", "format", "TmnNo/CardNo digits and TradeName required, got %q/%q/%q", rec.V("TmnNo"), rec.V("CardNo"), rec.V("TradeName"))
	}
}

// isYuan reports whether s is a stream amount: yuan with exactly two decimals.
func isYuan(s string) bool {
	_, err := ParseAmount(s)
	return err == nil && len(s) >= 4 && s[len(s)-3] == '.'
}
