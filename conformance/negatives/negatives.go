// Package negatives generates bad requests from a platform catalogue: for
// every request field of every interface, each breach its table row allows
// (missing, empty, one unit too long or too short, a wrong type, a wrong
// charset), with the result code the catalogue names for it. Schemathesis
// does this for OpenAPI; here the catalogue also knows the code each
// violation must get, so a case is a complete expectation.
//
// The package knows nothing of wire formats: a suite turns a Case into a
// request (its field replaced or removed, the MAC or signature recomputed
// over the bad request so the endpoint must judge the field itself), sends
// it and checks the answer with Want.
package negatives

import (
	"fmt"
	"slices"
	"strings"

	"paycert/platforms/catalog"
)

// Case is one generated bad request: one field of one interface broken one
// way, everything else valid.
type Case struct {
	Interface string
	Field     catalog.Field
	Breach    catalog.Breach
	// Value is the bad value as text (UTF-8 in the program; a suite encodes
	// it as its wire does, or, for WrongCharset, in the other charset).
	// Empty for Missing and Empty.
	Value string
	// Detail says what is wrong, in the units the seed counts:
	// "11 GBK bytes, max 10".
	Detail string
	Want   Want
}

// Name is the spec text of a case: interface, field, breach, detail and
// the code. The interface makes it unique in a platform: the same field
// (an envelope's joininstid, a header's pos_id) is in many interfaces, and
// the report, waivers and --rerun-failed know a spec by its text.
func (c Case) Name() string {
	s := c.Interface + ": " + c.Field.Path + " " + string(c.Breach)
	if c.Detail != "" {
		s += " (" + c.Detail + ")"
	}
	return s + " -> " + c.Want.String()
}

// Labels are the case's spec labels: "generated", "negative",
// "interface:<i>", "field:<path>", "breach:<b>".
func (c Case) Labels() []string {
	return []string{"generated", "negative", "interface:" + c.Interface, "field:" + LabelPath(c.Field.Path), "breach:" + string(c.Breach)}
}

// LabelPath writes a field path as a Ginkgo label may hold it: labels
// cannot contain any of &|!,()/ (Ginkgo refuses the whole suite), and
// nested paths are written with '/' (iPos business_trans/store_info/
// store_name), so each of those characters becomes '.'.
func LabelPath(path string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("&|!,()/", r) {
			return '.'
		}
		return r
	}, path)
}

// Want is the answer a case must get.
type Want struct {
	// Code is the code the seed names for this breach (catalog.FieldCodes),
	// "" where it names none.
	Code    string
	Section string
	// Errors are the catalogue's error codes (every code but the success
	// ones): where the seed names no code, any of them is accepted.
	Errors []string
	// Refusal, when set, replaces the code: the receiver of this message
	// answers it with no result code (99bill's merchant refuses a bad TR3
	// notice by withholding the TR4 acknowledgement), and the suite checks
	// the refusal it names.
	Refusal string
}

// Documented reports whether the seed names the code for this breach.
func (w Want) Documented() bool { return w.Code != "" }

// Accepts reports whether code is an acceptable answer.
func (w Want) Accepts(code string) bool {
	if w.Documented() {
		return code == w.Code
	}
	return slices.Contains(w.Errors, code)
}

func (w Want) String() string {
	if w.Refusal != "" {
		return w.Refusal
	}
	if w.Documented() {
		return w.Code
	}
	return "any documented error code (the seed names none)"
}

// Omission is a breach of a field the generator did not make a case of,
// with the reason (an optional field cannot be missing; a field the client
// computes, such as the MAC, has its own negatives).
type Omission struct {
	Interface string
	Path      string
	Breach    catalog.Breach
	Reason    string
}

// Rules is what a platform tells the generator about its wire.
type Rules struct {
	// Unit names how the seed counts lengths ("GBK bytes", "bytes",
	// "characters"); Len counts a value in it. Fill values are ASCII, one
	// byte a unit in every charset, so Len matters for the charset cases.
	Unit string
	Len  func(string) int
	// Success lists the codes that are not errors.
	Success []string
	// Fill returns a value of n units of the field's type, valid but for its
	// length; nil: DefaultFill.
	Fill func(f catalog.Field, n int) string
	// WrongType returns a value of valid length that breaks the field's type,
	// or false where the type has no wrong value (free text); nil:
	// DefaultWrongType.
	WrongType func(f catalog.Field) (string, bool)
	// Text reports whether a field holds text a wrong charset can break;
	// nil: its Type is "String".
	Text func(f catalog.Field) bool
	// Omit returns why a breach of a field is not generated, "" to generate
	// it (after the generator's own rules: Missing and Empty only for
	// required fields, TooLong only with a MaxLen, ...).
	Omit func(iface catalog.Interface, f catalog.Field, b catalog.Breach) string
}

// CharsetSample is the text a WrongCharset case puts in a field: two
// characters, 4 GBK bytes and 6 UTF-8 bytes; a field shorter than that gets
// the first character alone.
const CharsetSample = "翼码"

// Generate returns every case of every request field of every interface of
// cat, in catalogue order, and the breaches it left out with why.
func Generate(cat *catalog.Catalogue, r Rules) ([]Case, []Omission) {
	if r.Len == nil {
		r.Len = func(s string) int { return len(s) }
	}
	if r.Fill == nil {
		r.Fill = DefaultFill
	}
	if r.WrongType == nil {
		r.WrongType = DefaultWrongType
	}
	if r.Text == nil {
		r.Text = func(f catalog.Field) bool { return f.Type == "String" }
	}
	var errs []string
	for _, c := range cat.Codes {
		if !slices.Contains(r.Success, c.Code) {
			errs = append(errs, c.Code)
		}
	}
	var cases []Case
	var omitted []Omission
	for _, it := range cat.Interfaces {
		for _, f := range it.FieldsFor(catalog.Request) {
			for _, b := range catalog.Breaches() {
				value, detail, why := r.make(f, b)
				if why == "" && r.Omit != nil {
					why = r.Omit(it, f, b)
				}
				if why != "" {
					omitted = append(omitted, Omission{Interface: it.Name, Path: f.Path, Breach: b, Reason: why})
					continue
				}
				w := Want{Errors: errs}
				if fc, ok := cat.CodeFor(it.Name, f.Path, b); ok {
					w.Code, w.Section = fc.Code, fc.Section
				}
				cases = append(cases, Case{Interface: it.Name, Field: f, Breach: b, Value: value, Detail: detail, Want: w})
			}
		}
	}
	return cases, omitted
}

// make builds the bad value of a breach, or says why the field has none.
func (r Rules) make(f catalog.Field, b catalog.Breach) (value, detail, omit string) {
	switch b {
	case catalog.Missing, catalog.Empty:
		if f.Presence != catalog.Required {
			return "", "", string(f.Presence) + ": absence is allowed"
		}
		return "", "", ""
	case catalog.TooLong:
		if f.MaxLen == 0 {
			return "", "", "no maximum length in the seed"
		}
		v := r.Fill(f, f.MaxLen+1)
		return v, fmt.Sprintf("%d %s, max %d", r.Len(v), r.Unit, f.MaxLen), ""
	case catalog.TooShort:
		if f.MinLen <= 1 {
			return "", "", "no minimum length above 1 (empty is its own case)"
		}
		v := r.Fill(f, f.MinLen-1)
		return v, fmt.Sprintf("%d %s, min %d", r.Len(v), r.Unit, f.MinLen), ""
	case catalog.WrongType:
		v, ok := r.WrongType(f)
		if !ok {
			return "", "", strings.TrimSpace("type "+f.Type) + " has no wrong value"
		}
		return v, fmt.Sprintf("%q is not %s", v, f.Type), ""
	case catalog.WrongCharset:
		if !r.Text(f) {
			return "", "", "not a text field"
		}
		v := CharsetSample
		if f.MaxLen != 0 && r.Len(v) > f.MaxLen {
			v = string([]rune(v)[:1])
		}
		if f.MaxLen != 0 && r.Len(v) > f.MaxLen || r.Len(v) < f.MinLen {
			return "", "", fmt.Sprintf("a CJK character does not fit %d-%d %s", f.MinLen, f.MaxLen, r.Unit)
		}
		return v, "", ""
	}
	return "", "", "unknown breach"
}

// numeric reports whether a spec type holds digits only.
func numeric(typ string) bool {
	switch strings.ToLower(typ) {
	case "number", "digits", "n", "numeric", "fen":
		return true
	}
	return false
}

func hex(typ string) bool {
	t := strings.ToLower(typ)
	return t == "hex" || t == "h"
}

// DefaultFill returns n units of the field's type: digits for numbers,
// hex digits for hex, "A" otherwise (ASCII: one unit in every charset).
func DefaultFill(f catalog.Field, n int) string {
	if n <= 0 {
		return ""
	}
	if numeric(f.Type) || dated(f.Type) {
		return strings.Repeat("1", n)
	}
	return strings.Repeat("A", n) // also hex
}

// dated reports whether a spec type is a date or time layout (digits).
func dated(typ string) bool {
	t := strings.ToUpper(typ)
	for _, k := range []string{"YYYY", "HHMI", "HHMM", "DATE", "TIME"} {
		if strings.Contains(t, k) {
			return true
		}
	}
	return false
}

// DefaultWrongType breaks the common types while keeping a valid length:
// a letter in a number, a non-hex letter in hex, an impossible date or time
// of the layout's length, a fractional amount where fen are integers.
func DefaultWrongType(f catalog.Field) (string, bool) {
	n := 4 // a short value inside the field's limits
	if f.MaxLen != 0 {
		n = min(n, f.MaxLen)
	}
	n = max(n, f.MinLen, 1)
	t := strings.ToUpper(f.Type)
	switch {
	case numeric(f.Type):
		if t == "FEN" {
			return "1.5", f.MaxLen == 0 || f.MaxLen >= 3
		}
		return strings.Repeat("1", n-1) + "X", true
	case hex(f.Type):
		return strings.Repeat("A", n-1) + "G", true
	case strings.Contains(t, "YYYY-MM-DD"):
		return "2026-13-32", true
	case strings.Contains(t, "YYYYMMDDHHMISS"), strings.Contains(t, "YYYYMMDDHHMMSS"), t == "DATETIME":
		return "20261332250000", true
	case strings.Contains(t, "YYYYMMDD"):
		return "20261332", true
	case strings.Contains(t, "HHMISS"), strings.Contains(t, "HHMMSS"):
		return "256161", true
	case t == "TIME", strings.Contains(t, "HH:MM:SS"):
		return "25:61:61", true
	}
	return "", false
}

// Count tallies cases per interface and breach, for READMEs and reports.
func Count(cases []Case) map[string]map[catalog.Breach]int {
	out := map[string]map[catalog.Breach]int{}
	for _, c := range cases {
		if out[c.Interface] == nil {
			out[c.Interface] = map[catalog.Breach]int{}
		}
		out[c.Interface][c.Breach]++
	}
	return out
}

// Uncovered returns the request fields of cat with no case at all, each
// with the reasons its breaches were omitted: a platform test asserts it is
// empty, or that each field left is one no breach can apply to.
func Uncovered(cat *catalog.Catalogue, cases []Case, omitted []Omission) map[string][]string {
	has := map[string]bool{}
	for _, c := range cases {
		has[c.Interface+" "+c.Field.Path] = true
	}
	out := map[string][]string{}
	for _, o := range omitted {
		k := o.Interface + " " + o.Path
		if !has[k] {
			out[k] = append(out[k], string(o.Breach)+": "+o.Reason)
		}
	}
	return out
}

// Row is a platform's line of the counts table in conformance/README.md:
// request fields of the catalogue, fields with a case, cases, cases per
// breach in Breaches order, cases whose code the seed names, and cases that
// accept any documented error code. Each suite's test holds the README to
// it, so the table cannot drift from what the generator makes.
func Row(cat *catalog.Catalogue, cases []Case) string {
	fields := 0
	for _, it := range cat.Interfaces {
		fields += len(it.FieldsFor(catalog.Request))
	}
	covered := map[string]bool{}
	per := map[catalog.Breach]int{}
	documented := 0
	for _, c := range cases {
		covered[c.Interface+" "+c.Field.Path] = true
		per[c.Breach]++
		if c.Want.Documented() {
			documented++
		}
	}
	cols := []string{cat.Platform, fmt.Sprint(fields), fmt.Sprint(len(covered)), fmt.Sprint(len(cases))}
	for _, b := range catalog.Breaches() {
		cols = append(cols, fmt.Sprint(per[b]))
	}
	cols = append(cols, fmt.Sprint(documented), fmt.Sprint(len(cases)-documented))
	return "| " + strings.Join(cols, " | ") + " |"
}
