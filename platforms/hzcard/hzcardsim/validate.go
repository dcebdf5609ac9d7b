package hzcardsim

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"paycert/platforms/catalog"
	"paycert/platforms/hzcard"
	"paycert/platforms/sim"
)

// Seed sections a refusal names (sim.Violation.Section).
const (
	secFormat    = "003 §2.2"
	secSecurity  = "003 §2.3"
	secEnvelope  = "003 §2.4"
	secCharset   = "003 §2.2 (erratum E-HZ-CHARSET)"
	secData      = "003 §2.4 (erratum E-HZ-DATA-REQUIRED)"
	secAPDU      = "003 §4 (erratum E-HZ-APDULIST-FORMAT)"
	secDuplicate = "003 §2.4 (erratum E-HZ-DUP-SSN)"
)

// refuse answers a request with code and, in strict mode, records why as
// one violation naming the element (v.Path), the rule, the seed section,
// the value (shortened) and the code answered, so a client under test
// learns which of its fields broke which rule.
func (s *Simulator) refuse(iface string, v sim.Violation, code, format string, a ...any) *fail {
	f := s.failf(code, format, a...)
	if s.strict {
		v.Time, v.Interface, v.Code = s.clock.Now(), iface, code
		if v.Detail == "" {
			v.Detail = f.desc
		}
		v.Value = sim.Short(v.Value)
		s.rec.Record(v)
	}
	return f
}

// notUTF8 finds the member of a JSON body whose bytes are not UTF-8
// (erratum E-HZ-CHARSET): its path ("oprid", "data.cardno") and its raw
// value. ok is false when the body is UTF-8; a body too broken to walk is
// reported as a whole (path "").
func notUTF8(body []byte) (path string, raw []byte, bad bool) {
	if utf8.Valid(body) {
		return "", nil, false
	}
	path, raw = badMember(body, "")
	if raw == nil {
		return "", body, true
	}
	return path, raw, true
}

// badMember walks an object's members (Go's decoder keeps a RawMessage's
// bytes as sent, invalid UTF-8 included) and returns the first holding
// bytes that are not UTF-8, descending into objects.
func badMember(obj []byte, prefix string) (string, []byte) {
	var m []struct {
		key string
		raw json.RawMessage
	}
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", nil
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return "", nil
		}
		key, _ := k.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return "", nil
		}
		m = append(m, struct {
			key string
			raw json.RawMessage
		}{key, raw})
	}
	for _, e := range m {
		if utf8.Valid(e.raw) {
			continue
		}
		if t := bytes.TrimSpace(e.raw); len(t) > 0 && t[0] == '{' {
			if p, r := badMember(t, prefix+e.key+"."); r != nil {
				return p, r
			}
		}
		return prefix + e.key, e.raw
	}
	return "", nil
}

// quoteBytes shows a value that is not UTF-8 with its bytes escaped
// ("\xd2\xed"), so a violation record stays valid text.
func quoteBytes(raw []byte) string {
	s := strconv.Quote(string(raw))
	return s[1 : len(s)-1]
}

// values decodes the request's envelope and data members into text by
// path ("oprid", "data.cardno"): what a refusal quotes, and what the
// validation faults look at. Only refusals and faulty centres pay for it.
func values(body []byte) map[string]string {
	out := map[string]string{}
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return out
	}
	for k, raw := range top {
		out[k] = text(raw)
	}
	if d, err := hzcard.DataBytes(top["data"]); err == nil && d != nil {
		var data map[string]json.RawMessage
		if json.Unmarshal(d, &data) == nil {
			for k, raw := range data {
				out["data."+k] = text(raw)
			}
		}
	}
	return out
}

// text is a JSON value as text: a string's contents, anything else as
// written.
func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

// emptyObject reports whether a data object has no members ({}): the
// seed's 000014 获取 txninfo 信息为空 (erratum E-HZ-DATA-REQUIRED).
func emptyObject(d []byte) bool {
	t := bytes.TrimSpace(d)
	return len(t) >= 2 && t[0] == '{' && t[len(t)-1] == '}' && len(bytes.TrimSpace(t[1:len(t)-1])) == 0
}

// checkRequest is the field table's verdict on a request (hzcard.CheckFields),
// bent by the validation faults a broken centre has.
func (s *Simulator) checkRequest(c *call, iface catalog.Interface) []catalog.Finding {
	fs := c.msg.CheckFields(iface, catalog.Request)
	loose := s.faults.Has(FaultLengthOffByOne) || s.faults.Has(FaultRequiredUnchecked) || s.faults.Has(FaultDateDigitsOnly) || s.faults.Has(FaultLengthInBytes)
	if !loose {
		return fs
	}
	vals := values(c.body)
	byPath := map[string]catalog.Field{}
	for _, f := range iface.FieldsFor(catalog.Request) {
		byPath[f.Path] = f
	}
	var out []catalog.Finding
	for _, f := range fs {
		v, fl := vals[f.Path], byPath[f.Path]
		switch {
		case s.faults.Has(FaultLengthOffByOne) && f.Rule == "too-long" && utf8.RuneCountInString(v) == fl.MaxLen+1:
		case s.faults.Has(FaultRequiredUnchecked) && f.Rule == "missing" && strings.HasPrefix(f.Path, "data."):
		case s.faults.Has(FaultDateDigitsOnly) && (f.Rule == "bad-date" || f.Rule == "bad-time") && catalog.IsDigits(v):
		default:
			out = append(out, f)
		}
	}
	if s.faults.Has(FaultLengthInBytes) {
		for _, fl := range iface.FieldsFor(catalog.Request) {
			if v, ok := vals[fl.Path]; ok && fl.MaxLen > 0 && len(v) > fl.MaxLen && utf8.RuneCountInString(v) <= fl.MaxLen {
				out = append(out, catalog.Finding{Path: fl.Path, Rule: "too-long", Detail: strconv.Itoa(len(v)) + " bytes", Section: iface.Section})
			}
		}
	}
	return out
}
