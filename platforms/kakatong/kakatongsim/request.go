package kakatongsim

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"paycert/platforms/catalog"
	"paycert/platforms/kakatong"
	"paycert/platforms/sim"
)

// finding is one request parameter that breaks its table row: the
// catalogue finding (the parameter as the path, a stable rule, the seed
// section) and the value sent ("" when it is missing).
type finding struct {
	catalog.Finding
	Value string
}

// requestFindings judges the parameters of a request of iface (a REST
// method, or a SOAP operation with its own parameter names) against the
// catalogue, at most one finding per parameter, so a bad value is one
// violation: missing, empty, too long, too short, then its type, in that
// order (a charset mismatch is judged before any of them, on the whole
// body: serveSOAP). rest adds what only the REST wire can break: unknown
// parameters and an md5-less CARDPWD on cTRequest (E-KAKATONG-PLAIN-PWD).
func requestFindings(cat *catalog.Catalogue, iface string, p map[string]string, rest bool) []finding {
	it, _ := cat.Interface(iface)
	var fs []finding
	add := func(path, rule, detail, value string) {
		fs = append(fs, finding{Finding: catalog.Finding{Path: path, Rule: rule, Detail: detail, Section: it.Section}, Value: sim.Short(value)})
	}
	method := iface
	if op, ok := kakatong.OperationFor(iface); ok {
		method = op.Method
	}
	allowed := map[string]bool{}
	for _, f := range it.FieldsFor(catalog.Request) {
		allowed[f.Path] = true
		v, ok := p[f.Path]
		if rule, detail := judge(method, f, v, ok); rule != "" {
			add(f.Path, rule, detail, v)
		}
	}
	if !rest {
		return fs
	}
	if method == kakatong.MethodTrade {
		for _, k := range kakatong.TradeExtraParams() {
			allowed[k] = true
		}
	}
	var unknown []string
	for k := range p {
		if !allowed[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown) // a stable order for the report
	for _, k := range unknown {
		add(k, "unknown-parameter", "not a parameter of "+method, p[k])
	}
	if pw := p["CARDPWD"]; method == kakatong.MethodTrade && plainPassword(pw) {
		add("CARDPWD", "plain-password", "CARDPWD must be md5 of the password, not the password itself", pw)
	}
	return fs
}

// streamFilters are tSRequest's filters: "0" or empty means "not
// filtering by it" (E-KAKATONG-STREAM-EMPTY-FILTER), absent is an error
// (E-KAKATONG-STREAM-MISSING-FILTER).
var streamFilters = map[string]bool{"CARDNO": true, "POSCODE": true, "STANCE_NO": true, "START": true, "END": true}

// judge returns the rule one parameter breaks and what exactly, "" when it
// keeps its row. Lengths count GB2312 bytes, as the gateway does
// (kakatong.GBKLen): 32 Chinese characters fill a 64-byte holder field.
func judge(method string, f catalog.Field, v string, present bool) (rule, detail string) {
	filter := method == kakatong.MethodStream && streamFilters[f.Path]
	switch {
	case !present && f.Presence == catalog.Required:
		return "missing-parameter", "required by the parameter table"
	case !present:
		return "", ""
	case v == "" && f.Presence == catalog.Required && f.MinLen > 0 && !filter:
		return "empty-parameter", "required by the parameter table, sent empty"
	case v == "":
		return "", ""
	}
	pwd := (f.Path == "CARDPWD" || f.Path == "cd_pwd") && plainPassword(v) // E-KAKATONG-PLAIN-PWD: judged apart
	if n := kakatong.GBKLen(v); f.MaxLen > 0 && n > f.MaxLen {
		return "parameter-too-long", fmt.Sprintf("at most %d GB2312 bytes, got %d: %q", f.MaxLen, n, short(v))
	} else if n < f.MinLen && !pwd {
		return "parameter-too-short", fmt.Sprintf("at least %d GB2312 bytes, got %d: %q", f.MinLen, n, short(v))
	}
	if pwd {
		return "", ""
	}
	return typeRule(f, v)
}

// typeRule checks a non-empty value of the right length against its type.
func typeRule(f catalog.Field, v string) (rule, detail string) {
	bad := func(what string) (string, string) { return "wrong-type", fmt.Sprintf("%q is not %s", short(v), what) }
	switch t := f.Type; {
	case t == "Digits":
		if !catalog.IsDigits(v) {
			return bad("digits")
		}
	case t == "Fen":
		if strings.Contains(v, ".") {
			return "decimal-amount", "AMOUNT is fen without a decimal point: " + short(v)
		}
		if !catalog.IsDigits(v) {
			return bad("fen digits")
		}
	case t == "Hex":
		if strings.Trim(strings.ToLower(v), "0123456789abcdef") != "" {
			return bad("hex (md5 of the password)")
		}
	case t == "Time":
		if _, err := time.Parse("2006-01-02 15:04:05", v); err != nil && !isZero(v) {
			return bad("a time YYYY-MM-DD HH:MM:SS or 0")
		}
	case strings.HasPrefix(t, "Date"):
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return bad("a date YYYY-MM-DD")
		}
	}
	return "", ""
}

// plainPassword reports a 6-digit password sent without md5
// (E-KAKATONG-PLAIN-PWD: accepted everywhere, recorded on REST cTRequest).
func plainPassword(v string) bool { return len(v) == kakatong.PasswordLen && catalog.IsDigits(v) }

// recordFindings records what a request broke, each finding one violation naming
// its parameter, value, rule, seed section and the code the request was
// answered with.
func (s *Simulator) recordFindings(iface string, fs []finding, code string) {
	if !s.strict {
		return
	}
	for _, f := range fs {
		s.rec.Record(sim.Violation{Time: s.clock.Now(), Interface: iface, Rule: f.Rule, Detail: f.Finding.String(),
			Path: f.Path, Section: f.Section, Value: f.Value, Code: code})
	}
}

// codeOf is the code an outcome answers: the licence code, else the
// result element of its first record ("" for a successful cIRequest or a
// stream, which carry none).
func codeOf(out outcome) string {
	if out.licence != "" {
		return out.licence
	}
	if len(out.records) == 0 {
		return ""
	}
	return out.records[0].V(kakatong.CodeField(out.method))
}
