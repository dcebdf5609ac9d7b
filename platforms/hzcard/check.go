package hzcard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"paycert/codecs/signdomain"
	"paycert/codecs/sm2"
	"paycert/platforms/catalog"
)

// CheckFields checks a JSON message against the fields of one direction of an
// interface: presence of required fields, lengths, digits, dates and times,
// list elements. Conditional fields are checked for form only; their
// conditions are business rules the simulator applies. Each finding's Path
// is the JSON path ("mchntid", "data.cardno", "data.orderlist[3].paystate"),
// its Rule one of "missing", "too-long", "too-short", "not-digits",
// "bad-date", "bad-time", "not-hex", "not-int", "not-string", "not-object",
// "not-list", "not-json", and its Section the interface's.
func CheckFields(iface catalog.Interface, dir catalog.Direction, msg []byte) []catalog.Finding {
	return Scan(msg).CheckFields(iface, dir)
}

// CheckFields is the package-level CheckFields of the scanned message. The
// members are looked up in the scan instead of a decoded map; a message
// that did not scan (not a JSON object with one string "sign") and a data
// member in string form are decoded into maps as before, so every result,
// problems and their details included, is the one the maps give.
func (r Received) CheckFields(iface catalog.Interface, dir catalog.Direction) []catalog.Finding {
	return inSection(r.checkFields(iface, dir), iface.Section)
}

func (r Received) checkFields(iface catalog.Interface, dir catalog.Direction) []catalog.Finding {
	var top, data members
	if r.err == nil {
		top = members{obj: r.m.Top(), scanned: true}
	} else if err := json.Unmarshal(r.msg, &top.m); err != nil {
		return []catalog.Finding{{Path: "", Rule: "not-json", Detail: err.Error()}}
	}
	if raw, ok := top.get("data"); ok {
		b, err := DataBytes(raw)
		if err != nil {
			return []catalog.Finding{{Path: "data", Rule: "not-object", Detail: err.Error()}}
		}
		switch {
		case b == nil:
		case top.scanned && raw[0] == '{': // b is raw: the object Scan found
			data.obj, data.scanned = r.data, true
		default:
			if err := json.Unmarshal(b, &data.m); err != nil {
				return []catalog.Finding{{Path: "data", Rule: "not-object", Detail: err.Error()}}
			}
		}
	}
	var out []catalog.Finding
	for _, f := range iface.Fields { // FieldsFor(dir) without its per-call copy (this runs on every message)
		if f.Dir != dir {
			continue
		}
		switch {
		case f.Path == "data":
			continue
		case strings.Contains(f.Path, "[]."):
			out = append(out, checkList(f, data)...)
		case strings.HasPrefix(f.Path, "data."):
			out = append(out, checkValue(f, f.Path, data, strings.TrimPrefix(f.Path, "data."))...)
		default:
			out = append(out, checkValue(f, f.Path, top, f.Path)...)
		}
	}
	return out
}

// members is an object's members: scanned (obj) or decoded (m).
type members struct {
	obj     signdomain.Object
	scanned bool
	m       map[string]json.RawMessage
}

// get is the value of key, as m[key] gives it.
func (o members) get(key string) ([]byte, bool) {
	if o.scanned {
		return o.obj.Value(key)
	}
	v, ok := o.m[key]
	return v, ok
}

func checkList(f catalog.Field, data members) []catalog.Finding {
	list, member, _ := strings.Cut(strings.TrimPrefix(f.Path, "data."), "[].")
	raw, ok := data.get(list)
	if !ok {
		return nil // the list itself is its own field
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return []catalog.Finding{{Path: "data." + list, Rule: "not-list", Detail: err.Error()}}
	}
	var out []catalog.Finding
	for i, it := range items {
		out = append(out, checkValue(f, fmt.Sprintf("data.%s[%d].%s", list, i, member), members{m: it}, member)...)
	}
	return out
}

func checkValue(f catalog.Field, path string, obj members, key string) []catalog.Finding {
	raw, ok := obj.get(key)
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
		if f.Presence == catalog.Required {
			return []catalog.Finding{{Path: path, Rule: "missing", Detail: "required by " + string(f.Dir) + " table"}}
		}
		return nil
	}
	raw = bytes.TrimSpace(raw)
	var s string
	switch {
	case f.Type == "Obj" || f.Type == "jsonlist" && key == "orderlist":
		if f.Type == "Obj" && (len(raw) == 0 || raw[0] != '{') {
			return []catalog.Finding{{Path: path, Rule: "not-object", Detail: string(raw)}}
		}
		if f.Type == "Obj" && f.Presence == catalog.Required && len(raw) >= 2 && len(bytes.TrimSpace(raw[1:len(raw)-1])) == 0 {
			return []catalog.Finding{{Path: path, Rule: "missing", Detail: "empty object"}}
		}
		if key == "orderlist" && (len(raw) == 0 || raw[0] != '[') {
			return []catalog.Finding{{Path: path, Rule: "not-list", Detail: string(raw)}}
		}
		return nil
	case f.Type == "Int":
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return []catalog.Finding{{Path: path, Rule: "not-int", Detail: string(raw)}}
		}
		if _, err := n.Int64(); err != nil {
			return []catalog.Finding{{Path: path, Rule: "not-int", Detail: string(raw)}}
		}
		return nil
	case plainString(raw):
		// What Text and APDUs decode a plain string to, without the string
		// (a load profile: ~5 µs of field checks per message, a third of it
		// converting values only to look at them).
		return checkText(f, path, raw[1:len(raw)-1])
	default:
		var t Text
		if strings.HasPrefix(f.Path, "data.apdu") {
			var a APDUs
			if err := a.UnmarshalJSON(raw); err != nil {
				return []catalog.Finding{{Path: path, Rule: "not-string", Detail: string(raw)}}
			}
			s = string(a)
		} else {
			if err := t.UnmarshalJSON(raw); err != nil || (raw[0] != '"' && f.Type != "N" && path != "data.apdunum") {
				return []catalog.Finding{{Path: path, Rule: "not-string", Detail: string(raw)}}
			}
			s = string(t)
		}
	}
	return checkText(f, path, []byte(s))
}

// checkText checks a string value v (decoded) against field f.
func checkText(f catalog.Field, path string, v []byte) []catalog.Finding {
	if len(v) == 0 {
		// An empty APDU list is a card that answered nothing (a tear,
		// E-HZ-CONFIRM-TORN), judged by the APDU rules; an empty count is
		// not a count.
		if f.Presence == catalog.Required && f.Path != "data.apdulist" && f.Path != "data.apduresp" {
			return []catalog.Finding{{Path: path, Rule: "missing", Detail: "empty"}}
		}
		return nil
	}
	n := utf8.RuneCount(v)
	if f.MaxLen > 0 && n > f.MaxLen {
		return []catalog.Finding{{Path: path, Rule: "too-long", Detail: fmt.Sprintf("%d characters, at most %d", n, f.MaxLen)}}
	}
	if f.MinLen > 0 && n < f.MinLen {
		return []catalog.Finding{{Path: path, Rule: "too-short", Detail: fmt.Sprintf("%d characters, at least %d", n, f.MinLen)}}
	}
	switch f.Type {
	case "N":
		if !catalog.IsDigits(string(v)) { // v is not empty here
			return []catalog.Finding{{Path: path, Rule: "not-digits", Detail: string(v)}}
		}
	case "YYYYMMDD":
		if s := string(v); !parses("20060102", s) && s != "00000000" {
			return []catalog.Finding{{Path: path, Rule: "bad-date", Detail: s}}
		}
	case "HHMISS":
		if s := string(v); !parses("150405", s) {
			return []catalog.Finding{{Path: path, Rule: "bad-time", Detail: s}}
		}
	case "H":
		// Every byte a hex digit in either case is what trimming the hex
		// digits off strings.ToUpper(v) leaving nothing meant: no other
		// character upper-cases to 0-9 or A-F.
		if !allBytes(v, isHex) {
			return []catalog.Finding{{Path: path, Rule: "not-hex", Detail: string(v)}}
		}
	}
	return nil
}

func parses(layout, s string) bool {
	_, err := time.Parse(layout, s)
	return err == nil
}

func allBytes(v []byte, ok func(byte) bool) bool {
	for _, c := range v {
		if !ok(c) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' || 'a' <= c && c <= 'f' }

// inSection sets the seed section of every finding (the field table they
// break).
func inSection(fs []catalog.Finding, section string) []catalog.Finding {
	for i := range fs {
		fs[i].Section = section
	}
	return fs
}

// Call is the request a reply answers, as CheckReply judges the reply: the
// interface it was posted to. The URL names the interface (§3), not the
// envelope, and seed 003's replies echo nothing of the request envelope, so
// the interface is all the check needs of the request.
type Call struct {
	Interface string
}

// ParseReply decodes a reply body into its envelope, keeping the scan that
// VerifyReply and CheckReply read (the body is scanned once for all three).
// An error means the body is not a JSON envelope: a reply to drop.
func ParseReply(body []byte) (Reply, error) { return Scan(body).ParseReply() }

// ParseReply is ParseReply of the scanned body, for a caller that goes on
// to decode the reply's data from the same scan (Received.Data).
func (r Received) ParseReply() (Reply, error) {
	rep, ok := r.Reply()
	if !ok {
		rep = Reply{}
		if err := json.Unmarshal(r.msg, &rep); err != nil {
			return Reply{}, fmt.Errorf("hzcard: reply is not a JSON envelope: %w", err)
		}
	}
	rep.scan = &r
	return rep, nil
}

// VerifyReply checks the centre's signature (pub) on a reply ParseReply
// returned, under profile p; the error wraps ErrBadSignature. It is apart
// from CheckReply because it is the expensive half: the load runner
// verifies a sample, the client every reply unless told not to.
func VerifyReply(rep *Reply, pub *sm2.PublicKey, p signdomain.Profile) error {
	if rep.scan == nil {
		return fmt.Errorf("%w: the reply was not parsed from a body (ParseReply)", ErrBadSignature)
	}
	return rep.scan.Verify(pub, p)
}

// CheckReply judges the fields of a reply to req, the check the suites,
// the client and the load runner share: a documented interface, a result
// code of appendix D, a result text, and on success every reply field of
// the catalogue present and well formed. The signature is VerifyReply's.
// A reply built in memory rather than by ParseReply is judged as Marshal
// encodes it.
func CheckReply(cat *catalog.Catalogue, req Call, rep *Reply) []catalog.Finding {
	iface, ok := cat.Interface(req.Interface)
	if !ok {
		return []catalog.Finding{{Rule: "unknown-interface", Detail: fmt.Sprintf("%q is not an interface of seed 003", req.Interface), Section: "003 §4"}}
	}
	var out []catalog.Finding
	if _, ok := cat.Code(rep.Result); !ok {
		out = append(out, catalog.Finding{Path: "result", Rule: "unknown-code", Detail: fmt.Sprintf("%q is not in appendix D", rep.Result), Section: "003 appendix D"})
	}
	if rep.ResultDesc == "" {
		out = append(out, catalog.Finding{Path: "resultdesc", Rule: "missing", Detail: "empty", Section: "003 §2.5"})
	}
	if rep.OK() {
		msg := rep.scan
		if msg == nil {
			b, err := Marshal(rep)
			if err != nil {
				return append(out, catalog.Finding{Rule: "not-json", Detail: err.Error(), Section: "003 §2.5"})
			}
			s := Scan(b)
			msg = &s
		}
		out = append(out, msg.CheckFields(iface, catalog.Reply)...)
	}
	return out
}
