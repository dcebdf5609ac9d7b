package hzcard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"paycert/codecs/signdomain"
	"paycert/codecs/sm2"
	"paycert/platforms/catalog"
)

// Problem is one field that breaks the catalogue's table.
type Problem struct {
	Path   string // "mchntid", "data.cardno", "data.orderlist[3].paystate"
	Rule   string // "missing", "too-long", "too-short", "not-digits", "bad-date", "bad-time", "not-object", ...
	Detail string
}

func (p Problem) Error() string { return p.Path + ": " + p.Rule + " (" + p.Detail + ")" }

// CheckFields checks a JSON message against the fields of one direction of an
// interface: presence of required fields, lengths, digits, dates and times,
// list elements. Conditional fields are checked for form only; their
// conditions are business rules the simulator applies.
func CheckFields(iface catalog.Interface, dir catalog.Direction, msg []byte) []Problem {
	return Scan(msg).CheckFields(iface, dir)
}

// CheckFields is the package-level CheckFields of the scanned message. The
// members are looked up in the scan instead of a decoded map; a message
// that did not scan (not a JSON object with one string "sign") and a data
// member in string form are decoded into maps as before, so every result,
// problems and their details included, is the one the maps give.
func (r Received) CheckFields(iface catalog.Interface, dir catalog.Direction) []Problem {
	var top, data members
	if r.err == nil {
		top = members{obj: r.m.Top(), scanned: true}
	} else if err := json.Unmarshal(r.msg, &top.m); err != nil {
		return []Problem{{Path: "", Rule: "not-json", Detail: err.Error()}}
	}
	if raw, ok := top.get("data"); ok {
		b, err := DataBytes(raw)
		if err != nil {
			return []Problem{{Path: "data", Rule: "not-object", Detail: err.Error()}}
		}
		switch {
		case b == nil:
		case top.scanned && raw[0] == '{': // b is raw: the object Scan found
			data.obj, data.scanned = r.data, true
		default:
			if err := json.Unmarshal(b, &data.m); err != nil {
				return []Problem{{Path: "data", Rule: "not-object", Detail: err.Error()}}
			}
		}
	}
	var out []Problem
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

func checkList(f catalog.Field, data members) []Problem {
	list, member, _ := strings.Cut(strings.TrimPrefix(f.Path, "data."), "[].")
	raw, ok := data.get(list)
	if !ok {
		return nil // the list itself is its own field
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return []Problem{{Path: "data." + list, Rule: "not-list", Detail: err.Error()}}
	}
	var out []Problem
	for i, it := range items {
		out = append(out, checkValue(f, fmt.Sprintf("data.%s[%d].%s", list, i, member), members{m: it}, member)...)
	}
	return out
}

func checkValue(f catalog.Field, path string, obj members, key string) []Problem {
	raw, ok := obj.get(key)
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
		if f.Presence == catalog.Required {
			return []Problem{{Path: path, Rule: "missing", Detail: "required by " + string(f.Dir) + " table"}}
		}
		return nil
	}
	raw = bytes.TrimSpace(raw)
	var s string
	switch {
	case f.Type == "Obj" || f.Type == "jsonlist" && key == "orderlist":
		if f.Type == "Obj" && (len(raw) == 0 || raw[0] != '{') {
			return []Problem{{Path: path, Rule: "not-object", Detail: string(raw)}}
		}
		if key == "orderlist" && (len(raw) == 0 || raw[0] != '[') {
			return []Problem{{Path: path, Rule: "not-list", Detail: string(raw)}}
		}
		return nil
	case f.Type == "Int":
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return []Problem{{Path: path, Rule: "not-int", Detail: string(raw)}}
		}
		if _, err := n.Int64(); err != nil {
			return []Problem{{Path: path, Rule: "not-int", Detail: string(raw)}}
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
				return []Problem{{Path: path, Rule: "not-string", Detail: string(raw)}}
			}
			s = string(a)
		} else {
			if err := t.UnmarshalJSON(raw); err != nil || (raw[0] != '"' && f.Type != "N" && path != "data.apdunum") {
				return []Problem{{Path: path, Rule: "not-string", Detail: string(raw)}}
			}
			s = string(t)
		}
	}
	return checkText(f, path, []byte(s))
}

// checkText checks a string value v (decoded) against field f.
func checkText(f catalog.Field, path string, v []byte) []Problem {
	if len(v) == 0 {
		if f.Presence == catalog.Required && !strings.HasPrefix(f.Path, "data.apdu") {
			return []Problem{{Path: path, Rule: "missing", Detail: "empty"}}
		}
		return nil
	}
	n := utf8.RuneCount(v)
	if f.MaxLen > 0 && n > f.MaxLen {
		return []Problem{{Path: path, Rule: "too-long", Detail: fmt.Sprintf("%d characters, at most %d", n, f.MaxLen)}}
	}
	if f.MinLen > 0 && n < f.MinLen {
		return []Problem{{Path: path, Rule: "too-short", Detail: fmt.Sprintf("%d characters, at least %d", n, f.MinLen)}}
	}
	switch f.Type {
	case "N":
		if !allBytes(v, isDigit) {
			return []Problem{{Path: path, Rule: "not-digits", Detail: string(v)}}
		}
	case "YYYYMMDD":
		if s := string(v); !parses("20060102", s) && s != "00000000" {
			return []Problem{{Path: path, Rule: "bad-date", Detail: s}}
		}
	case "HHMISS":
		if s := string(v); !parses("150405", s) {
			return []Problem{{Path: path, Rule: "bad-time", Detail: s}}
		}
	case "H":
		// Every byte a hex digit in either case is what trimming the hex
		// digits off strings.ToUpper(v) leaving nothing meant: no other
		// character upper-cases to 0-9 or A-F.
		if !allBytes(v, isHex) {
			return []Problem{{Path: path, Rule: "not-hex", Detail: string(v)}}
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

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool { return isDigit(c) || 'A' <= c && c <= 'F' || 'a' <= c && c <= 'f' }

// ErrReplyRejected is wrapped by CheckReply for a reply a client must drop.
var ErrReplyRejected = errors.New("hzcard: reply rejected")

// CheckReply is the check the suites and the load runner share: the reply
// body of interface name must be a JSON envelope with a documented result
// code and a text, signed by the centre (pub; nil skips the signature under
// an explicit caller decision), and on success every reply field of the
// catalogue present and well formed. It returns the decoded envelope and
// every problem joined; the envelope is usable even when err != nil.
func CheckReply(cat *catalog.Catalogue, name string, body []byte, pub *sm2.PublicKey, p signdomain.Profile) (Reply, error) {
	return CheckReceived(cat, name, Scan(body), pub, p)
}

// CheckReceived is CheckReply of a scanned reply body, for a caller that
// goes on to decode the reply's data from the same scan (Received.Data).
func CheckReceived(cat *catalog.Catalogue, name string, msg Received, pub *sm2.PublicKey, p signdomain.Profile) (Reply, error) {
	var r Reply
	iface, ok := cat.Interface(name)
	if !ok {
		return r, fmt.Errorf("%w: unknown interface %q", ErrReplyRejected, name)
	}
	body := msg.msg
	r, ok = msg.Reply() // one scan for the envelope, the signature and the field checks
	if !ok {
		r = Reply{}
		if err := json.Unmarshal(body, &r); err != nil {
			return r, fmt.Errorf("%w: %s: reply is not a JSON envelope: %v", ErrReplyRejected, name, err)
		}
	}
	var errs []error
	if pub != nil {
		if err := msg.Verify(pub, p); err != nil {
			errs = append(errs, fmt.Errorf("%s: centre signature: %w", name, err))
		}
	}
	if _, ok := cat.Code(r.Result); !ok {
		errs = append(errs, fmt.Errorf("%s: result %q is not in appendix D", name, r.Result))
	}
	if r.ResultDesc == "" {
		errs = append(errs, fmt.Errorf("%s: resultdesc is empty", name))
	}
	if r.OK() {
		for _, pr := range msg.CheckFields(iface, catalog.Reply) {
			errs = append(errs, fmt.Errorf("%s reply: %w", name, pr))
		}
	}
	if len(errs) > 0 {
		return r, fmt.Errorf("%w: %w", ErrReplyRejected, errors.Join(errs...))
	}
	return r, nil
}
