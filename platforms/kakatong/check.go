package kakatong

import (
	"errors"
	"fmt"
	"time"
)

// Expect is what a caller knows about the request a reply answers.
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

// CheckReply checks every documented field of a reply against the
// catalogue: the code is documented, its text is the catalogue's in the
// requested language, and a success fills exactly the fields its row or
// method fills, in the documented format. It returns every finding joined,
// worded as what the spec requires.
func CheckReply(r *Reply, e Expect) error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	code := r.Code()
	if e.Code != "" && code != e.Code {
		bad("result code must be %q, got %q (%s)", e.Code, code, CodeOf(code).TextEN)
	}
	if r.Licence != "" {
		if !IsLicenceCode(r.Licence) {
			bad("a SOAP number reply must be a licence code 1-4, got %q", r.Licence)
		}
		return errors.Join(errs...)
	}
	if !e.SOAP && !e.AllowUnwrapped && len(r.Records) > 0 && !r.Wrapped {
		bad("REST reply fields must be wrapped in <Record> (the default form, E-KAKATONG-RECORD-WRAPPER)")
	}
	if e.Method == MethodStream && r.IsStreamList() {
		for i, rec := range r.Records {
			checkStreamRecord(rec, i, bad)
		}
		return errors.Join(errs...)
	}
	if len(r.Records) != 1 {
		bad("%s reply must hold exactly one record, got %d", e.Method, len(r.Records))
		return errors.Join(errs...)
	}
	rec := r.Records[0]
	if _, ok := rec.Get(CodeField(e.Method)); !ok && !(e.Method == MethodInfo) {
		bad("%s reply must carry <%s>", e.Method, CodeField(e.Method))
	}
	known := false
	for _, c := range codes() {
		if c.Code == code {
			known = true
		}
	}
	success := false
	switch {
	case e.Method == MethodInfo && code == "":
		success = true
	case !known:
		bad("code %q is not documented in 000 接口返回值规范", code)
	case e.Row != nil:
		success = code == e.Row.OK
	default:
		success = code == successOf(e.Method, rec)
	}
	if e.Method == MethodTrade || (e.Method == MethodStream && !success) {
		txt, ok := rec.Get("PayInResult")
		want := Text(CodeOf(code), e.Lang, e.IDNum)
		if !ok {
			bad("a %s reply must carry <PayInResult>", e.Method)
		} else if StripCodePrefix(txt) != want {
			bad("PayInResult for %s in LANG=%q must be %q, got %q", code, e.Lang, want, txt)
		}
	}
	if !success {
		if v := rec.V("Stance"); v != "" {
			bad("Stance is sent only on success, got %q with code %s", v, code)
		}
		return errors.Join(errs...)
	}
	for _, f := range ReplyFields(e.Method) {
		if _, ok := rec.Get(f); !ok {
			bad("%s success reply must carry <%s>", e.Method, f)
		}
	}
	if e.CardNo != "" && rec.V("CardNo") != e.CardNo {
		bad("CardNo must echo the card %s, got %q", e.CardNo, rec.V("CardNo"))
	}
	switch e.Method {
	case MethodTrade:
		checkTradeFill(rec, e, bad)
	case MethodPassword:
		if rec.V("TradeName") == "" {
			bad("TradeName must name the password trade")
		}
	case MethodBind:
		if e.IDNum != "" && rec.V("IDNum") != e.IDNum {
			bad("IDNum must echo %s, got %q", e.IDNum, rec.V("IDNum"))
		}
		if !IsDigits(rec.V("CopNo")) || !IsDigits(rec.V("TmnNo")) {
			bad("CopNo and TmnNo must be digits, got %q, %q", rec.V("CopNo"), rec.V("TmnNo"))
		}
	case MethodInfo:
		if b := rec.V("UsrBirthday"); b != "0000-00-00" {
			if _, err := time.Parse("2006-01-02", b); err != nil {
				bad("UsrBirthday must be YYYY-MM-DD or 0000-00-00, got %q", b)
			}
		}
		if !IsDigits(rec.V("CopNo")) {
			bad("CopNo must be digits, got %q", rec.V("CopNo"))
		}
	}
	return errors.Join(errs...)
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

func checkTradeFill(rec Record, e Expect, bad func(string, ...any)) {
	row := e.Row
	if row == nil {
		return
	}
	st := rec.V("Stance")
	if row.Stance && (len(st) != 8 || !IsDigits(st)) {
		bad("%s/%s success must carry an 8-digit Stance (E-KAKATONG-STANCE-DIGITS), got %q", row.Type, row.Mode, st)
	}
	if !row.Stance && st != "" {
		bad("%s/%s carries no Stance, got %q", row.Type, row.Mode, st)
	}
	in, pt := rec.V("Integral"), rec.V("Points")
	switch row.Fill {
	case FillBalance:
		if !IsDigits(in) {
			bad("%s/%s must return the stored-value balance in Integral as fen digits, got %q", row.Type, row.Mode, in)
		}
		if pt != "" {
			bad("%s/%s fills Integral only (E-KAKATONG-INTEGRAL-POINTS); Points must be empty, got %q", row.Type, row.Mode, pt)
		}
	case FillPoints:
		if !IsDigits(pt) {
			bad("%s/%s must return the points balance in Points as digits, got %q", row.Type, row.Mode, pt)
		}
		if in != "" {
			bad("%s/%s fills Points only (E-KAKATONG-INTEGRAL-POINTS); Integral must be empty, got %q", row.Type, row.Mode, in)
		}
	case FillIDNum:
		if in == "" || (e.IDNum != "" && in != e.IDNum) {
			bad("%s/%s must return the bound number %q in Integral, got %q", row.Type, row.Mode, e.IDNum, in)
		}
	default:
		if in != "" || pt != "" {
			bad("%s/%s fills neither Integral nor Points, got %q / %q", row.Type, row.Mode, in, pt)
		}
	}
	if rec.V("TradeName") == "" {
		bad("TradeName must be the service description or the trade's name")
	}
}

func checkStreamRecord(rec Record, i int, bad func(string, ...any)) {
	for _, f := range ReplyFields(MethodStream) {
		if _, ok := rec.Get(f); !ok {
			bad("stream record %d must carry <%s>", i, f)
		}
	}
	if s := rec.V("stanceNo"); len(s) != 8 || !IsDigits(s) {
		bad("stream record %d: stanceNo must be 8 digits, got %q", i, s)
	}
	if _, err := ParseAmount(rec.V("Amount")); err != nil || len(rec.V("Amount")) < 4 || rec.V("Amount")[len(rec.V("Amount"))-3] != '.' {
		bad("stream record %d: Amount must be yuan with two decimals (E-KAKATONG-STREAM-AMOUNT), got %q", i, rec.V("Amount"))
	}
	if _, err := ParseAmount(rec.V("Points")); err != nil {
		bad("stream record %d: Points must be a decimal, got %q", i, rec.V("Points"))
	}
	if _, err := time.Parse("2006-01-02 15:04:05", rec.V("TradeTime")); err != nil {
		bad("stream record %d: TradeTime must be YYYY-MM-DD HH:MM:SS, got %q", i, rec.V("TradeTime"))
	}
	if !IsDigits(rec.V("Integral")) {
		bad("stream record %d: Integral must be the balance after the trade in fen, got %q", i, rec.V("Integral"))
	}
	if !IsDigits(rec.V("TmnNo")) || !IsDigits(rec.V("CardNo")) || rec.V("TradeName") == "" {
		bad("stream record %d: TmnNo/CardNo digits and TradeName required, got %q/%q/%q", i, rec.V("TmnNo"), rec.V("CardNo"), rec.V("TradeName"))
	}
}
