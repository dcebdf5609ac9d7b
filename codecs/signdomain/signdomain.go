// Package signdomain turns a JSON message into the exact bytes a signature
// covers (its "sign domain"), under a named profile, and splices a computed
// signature back into the message without disturbing any other byte.
//
// # Why profiles
//
// Platforms that sign JSON rarely say precisely which bytes are signed. Seed
// 003 (Huzhou transit card, §2.2) says: "sign 算法,数据项为除 sign 键值外的键值
// 内容。以上数据的 sign 计算域为: {"key":"value", "data": {...}, "sign":""}" —
// the data items are all members except sign, and the sign domain is the
// message with "sign" present and empty. Read literally, the second sentence
// wins: the signer serialises the message with "sign":"", signs those bytes,
// then fills the value in; the verifier blanks the value and checks the same
// bytes. That is the default profile, SignEmpty. Key order and whitespace are
// whatever the sender produced: nothing is re-serialised, so the domain is
// byte-exact and cheap to compute.
//
// The first sentence ("除 sign 键值外") also admits other readings, so they are
// selectable when certifying a peer that signs differently:
//
//   - SignRemoved: the message with the top-level sign member deleted
//     (and its separating comma), all other bytes as sent.
//   - SortedSignEmpty: keys of every object sorted (by their decoded
//     text, byte order) recursively, whitespace removed, top-level
//     "sign":"" present — the canonical form of Java code that builds a
//     TreeMap/JSONObject and calls toJSONString.
//   - SortedSignRemoved: sorted and compact, with sign dropped.
//
// In the sorted profiles scalars (strings, numbers, literals) keep their
// exact source bytes, escapes included; only member order and insignificant
// whitespace change. Duplicate keys make the sorted order ambiguous and are
// rejected there; duplicate top-level "sign" members are rejected in every
// profile (which one was signed would be the receiver's guess).
//
// Only the top-level "sign" member is special: a "sign" key inside "data" is
// ordinary data. Its value must be a JSON string.
package signdomain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Profile names a reading of "the bytes the signature covers".
type Profile string

// The profiles; see the package documentation for what each means and why
// SignEmpty is the default.
const (
	SignEmpty         Profile = "sign-empty"
	SignRemoved       Profile = "sign-removed"
	SortedSignEmpty   Profile = "sorted-sign-empty"
	SortedSignRemoved Profile = "sorted-sign-removed"

	// Default is seed 003 §2.2's literal reading.
	Default = SignEmpty
)

// SignKey is the member that carries the signature.
const SignKey = "sign"

// Profiles lists every profile, the default first.
func Profiles() []Profile {
	return []Profile{SignEmpty, SignRemoved, SortedSignEmpty, SortedSignRemoved}
}

// ParseProfile checks a profile name given by a user or a config file.
func ParseProfile(s string) (Profile, error) {
	for _, p := range Profiles() {
		if string(p) == s {
			return p, nil
		}
	}
	names := make([]string, 0, 4)
	for _, p := range Profiles() {
		names = append(names, string(p))
	}
	return "", fmt.Errorf("signdomain: unknown profile %q (want one of %s)", s, strings.Join(names, ", "))
}

// Domain returns the bytes to sign (or to verify against) for msg under p.
// msg must be a JSON object with at most one top-level "sign" member, whose
// value is a string. Under the sign-empty profiles a missing sign member is
// added as the last member, so a signer may pass its message with or without
// it. The result never aliases msg.
func Domain(p Profile, msg []byte) ([]byte, error) {
	m, err := Parse(msg)
	if err != nil {
		return nil, err
	}
	return m.Domain(p)
}

// SetSign returns msg with the value of its top-level sign member replaced by
// the JSON string value, every other byte unchanged. The signer builds its
// message with "sign":"", computes the signature over Domain(SignEmpty, msg)
// (which is then msg itself) and splices the value in with SetSign. msg must
// already have exactly one top-level sign member.
func SetSign(msg []byte, value string) ([]byte, error) {
	m, err := Parse(msg)
	if err != nil {
		return nil, err
	}
	return m.SetSign(value)
}

// SignValue returns the decoded value of the top-level sign member, and
// false when there is none.
func SignValue(msg []byte) (string, bool, error) {
	m, err := Parse(msg)
	if err != nil {
		return "", false, err
	}
	return m.SignValue()
}

// Message is a JSON message validated and scanned once, so that a signer
// (Domain, then SetSign) or a verifier (SignValue, then Domain) pays for one
// scan instead of one per call: a load profile of Huzhou signing showed the
// repeated validation and scanning at about 40 % of building and signing a
// request. A Message keeps msg, which the caller must not modify while it
// uses the Message; the byte slices it returns never alias msg.
type Message struct {
	msg []byte
	obj object
}

// Parse validates msg (a JSON object with at most one top-level "sign"
// member, whose value is a string) and scans its top level.
func Parse(msg []byte) (Message, error) {
	obj, err := scanTop(msg)
	if err != nil {
		return Message{}, err
	}
	return Message{msg: msg, obj: obj}, nil
}

// Domain is the package-level Domain of the parsed message. Under the
// sign-empty profiles the sign value is blanked, so a verifier passes the
// signed message as received.
func (m Message) Domain(p Profile) ([]byte, error) {
	switch p {
	case SignEmpty:
		return m.obj.withSign(m.msg, `""`), nil
	case SignRemoved:
		return m.obj.withoutSign(m.msg), nil
	case SortedSignEmpty, SortedSignRemoved:
		var buf bytes.Buffer
		buf.Grow(len(m.msg))
		if err := writeSorted(&buf, m.msg, m.obj, p == SortedSignEmpty); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	default:
		_, err := ParseProfile(string(p))
		return nil, err
	}
}

// HasSign reports whether the message has a top-level sign member.
func (m Message) HasSign() bool { return m.obj.sign >= 0 }

// SetSign is the package-level SetSign of the parsed message.
func (m Message) SetSign(value string) ([]byte, error) {
	if m.obj.sign < 0 {
		return nil, errors.New("signdomain: message has no top-level \"sign\" member to fill in")
	}
	return m.obj.withSign(m.msg, quote(value)), nil
}

// SignValue is the package-level SignValue of the parsed message.
func (m Message) SignValue() (string, bool, error) {
	if m.obj.sign < 0 {
		return "", false, nil
	}
	mem := m.obj.members[m.obj.sign]
	tok := m.msg[mem.valStart:mem.valEnd]
	if bytes.IndexByte(tok, '\\') < 0 && utf8.Valid(tok) { // as json.Unmarshal would decode it, without its reflection
		return string(tok[1 : len(tok)-1]), true, nil
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return "", false, fmt.Errorf("signdomain: sign value: %w", err)
	}
	return s, true, nil
}

// Object is a JSON object of a parsed message (the top level, or an object
// value inside it), scanned once, whose members a receiver looks up without
// decoding the message again into a map: a load profile of Huzhou field
// checks showed json.Unmarshal into map[string]json.RawMessage at ~15 % of
// a whole charge flow apart from SM2.
type Object struct {
	msg []byte
	obj object
}

// Top returns the message's top-level object.
func (m Message) Top() Object { return Object{msg: m.msg, obj: m.obj} }

// Len returns the number of members, duplicates included.
func (o Object) Len() int { return len(o.obj.members) }

// Member returns the i-th member in message order: the bytes of its key
// between the quotes and whether they are its text (plain: ASCII without
// escapes; otherwise Value and Object find it by its decoded text), and
// its value's exact bytes. Both alias the message. It lets a receiver
// decode a known envelope member by member without a string per key.
func (o Object) Member(i int) (key []byte, plain bool, value []byte) {
	m := o.obj.members[i]
	return o.msg[m.keyStart+1 : m.keyEnd-1], !m.escaped, o.msg[m.valStart:m.valEnd]
}

// Value returns the exact bytes of the value of the member named key (its
// decoded text), and whether there is one. Of duplicate keys the last wins,
// as json.Unmarshal into a map decides. The bytes alias the message: the
// caller must not modify them.
func (o Object) Value(key string) ([]byte, bool) {
	for n := len(o.obj.members) - 1; n >= 0; n-- {
		if m := &o.obj.members[n]; m.keyIs(o.msg, key) {
			return o.msg[m.valStart:m.valEnd], true
		}
	}
	return nil, false
}

// Object returns the member named key (the last, as Value) scanned as an
// object, and false when there is none or its value is not an object.
func (o Object) Object(key string) (Object, bool) {
	for n := len(o.obj.members) - 1; n >= 0; n-- {
		if m := &o.obj.members[n]; m.keyIs(o.msg, key) {
			if o.msg[m.valStart] != '{' {
				return Object{}, false
			}
			return Object{msg: o.msg, obj: scanObject(o.msg, m.valStart)}, true
		}
	}
	return Object{}, false
}

// member is one "key": value pair of an object, as offsets into the message.
type member struct {
	keyStart, keyEnd int // the key token, quotes included
	valStart, valEnd int // the value token
	// key is the decoded key when the token has escapes; a plain key is
	// read from the message (keyIs) without a string per member,
	// which a load profile showed among the scan's largest allocations.
	key     string
	escaped bool
}

// keyIs reports whether the member's decoded key is k.
func (m *member) keyIs(msg []byte, k string) bool {
	if m.escaped {
		return m.key == k
	}
	return m.keyEnd-m.keyStart-2 == len(k) && string(msg[m.keyStart+1:m.keyEnd-1]) == k
}

// object is a scanned JSON object: where its braces are, its members, and
// which member (if any) is the top-level sign.
type object struct {
	open, close int // offsets of '{' and '}'
	members     []member
	sign        int // index into members, -1 when absent
}

// scanTop validates msg and scans its top-level object.
func scanTop(msg []byte) (object, error) {
	if !valid(msg) {
		return object{}, fmt.Errorf("signdomain: message is not valid JSON: %w", validErr(msg))
	}
	i := skipSpace(msg, 0)
	if msg[i] != '{' {
		return object{}, fmt.Errorf("signdomain: message is a JSON %s, want an object", kind(msg[i]))
	}
	obj := scanObject(msg, i)
	obj.sign = -1
	for n, m := range obj.members {
		if !m.keyIs(msg, SignKey) {
			continue
		}
		if obj.sign >= 0 {
			return object{}, fmt.Errorf("signdomain: duplicate top-level \"sign\" members at offsets %d and %d", obj.members[obj.sign].keyStart, m.keyStart)
		}
		if msg[m.valStart] != '"' {
			return object{}, fmt.Errorf("signdomain: top-level \"sign\" at offset %d is a JSON %s, want a string", m.keyStart, kind(msg[m.valStart]))
		}
		obj.sign = n
	}
	return obj, nil
}

func validErr(msg []byte) error {
	var v any
	if err := json.Unmarshal(msg, &v); err != nil {
		return err
	}
	return errors.New("invalid")
}

func kind(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	default:
		return "number"
	}
}

// withSign returns msg with the sign value replaced by val (a JSON token),
// or with "sign":val appended as the last member when there is none.
func (o object) withSign(msg []byte, val string) []byte {
	if o.sign >= 0 {
		m := o.members[o.sign]
		return splice(msg, m.valStart, m.valEnd, val)
	}
	if len(o.members) == 0 {
		return splice(msg, o.open+1, o.open+1, `"sign":`+val)
	}
	last := o.members[len(o.members)-1].valEnd
	return splice(msg, last, last, `,"sign":`+val)
}

// withoutSign returns msg minus the sign member and one adjacent comma.
func (o object) withoutSign(msg []byte) []byte {
	if o.sign < 0 {
		return bytes.Clone(msg)
	}
	m := o.members[o.sign]
	switch {
	case o.sign > 0: // drop from the end of the previous value: ", "sign":"…"
		return splice(msg, o.members[o.sign-1].valEnd, m.valEnd, "")
	case len(o.members) > 1: // first of several: drop "sign":"…", up to the next key
		return splice(msg, m.keyStart, o.members[1].keyStart, "")
	default:
		return splice(msg, m.keyStart, m.valEnd, "")
	}
}

func splice(msg []byte, from, to int, with string) []byte {
	out := make([]byte, 0, len(msg)-(to-from)+len(with))
	out = append(out, msg[:from]...)
	out = append(out, with...)
	return append(out, msg[to:]...)
}

// The scanner below runs only on input valid (json.Valid's decision)
// accepted, so it can skip tokens without re-checking their grammar.

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanObject scans the object whose '{' is at i.
func scanObject(b []byte, i int) object {
	o := object{open: i, members: make([]member, 0, 16)} // room for an hzcard envelope or data object
	i = skipSpace(b, i+1)
	if b[i] == '}' {
		o.close = i
		return o
	}
	for {
		var m member
		m.keyStart = i
		m.keyEnd = skipString(b, i)
		if tok := b[m.keyStart:m.keyEnd]; !plainASCII(tok) {
			m.key, m.escaped = decodeKey(tok), true
		}
		i = skipSpace(b, m.keyEnd)
		i = skipSpace(b, i+1) // ':'
		m.valStart = i
		m.valEnd = skipValue(b, i)
		o.members = append(o.members, m)
		i = skipSpace(b, m.valEnd)
		if b[i] == '}' {
			o.close = i
			return o
		}
		i = skipSpace(b, i+1) // ','
	}
}

// plainASCII reports whether a string token is ASCII without escapes: its
// text is then the bytes between the quotes.
func plainASCII(tok []byte) bool {
	for _, c := range tok {
		if c == '\\' || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// decodeKey returns a key's text as encoding/json decodes it: escapes are
// decoded so that "\u0073ign" is recognised as "sign" (and as a duplicate
// of it), and invalid UTF-8 becomes U+FFFD.
func decodeKey(tok []byte) string {
	var s string
	_ = json.Unmarshal(tok, &s) // valid by construction
	return s
}

// skipString returns the offset just past the string token starting at i.
func skipString(b []byte, i int) int {
	for i++; ; i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
}

// skipValue returns the offset just past the value starting at i.
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
	default: // number, true, false, null
		for i < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[i])) {
			i++
		}
		return i
	}
}

// writeSorted writes the top-level object in sorted compact form, with the
// sign member present-and-empty or dropped.
func writeSorted(buf *bytes.Buffer, msg []byte, o object, signEmpty bool) error {
	ms := make([]member, 0, len(o.members)+1)
	for n, m := range o.members {
		if n != o.sign {
			ms = append(ms, m)
		}
	}
	if signEmpty {
		ms = append(ms, member{key: SignKey, keyStart: -1})
	}
	return writeMembers(buf, msg, ms, 0)
}

// withKeys fills in every member's key for sorting: escapes decoded, other
// bytes as sent (an invalid UTF-8 key sorts by its bytes, not as U+FFFD).
func withKeys(msg []byte, ms []member) []member {
	for n, m := range ms {
		if m.keyStart >= 0 && bytes.IndexByte(msg[m.keyStart:m.keyEnd], '\\') < 0 {
			ms[n].key = string(msg[m.keyStart+1 : m.keyEnd-1])
		}
	}
	return ms
}

// maxDepth bounds recursion; encoding/json rejects deeper input anyway.
const maxDepth = 10000

func writeMembers(buf *bytes.Buffer, msg []byte, ms []member, depth int) error {
	ms = withKeys(msg, ms)
	slices.SortStableFunc(ms, func(a, b member) int { return strings.Compare(a.key, b.key) })
	for n := 1; n < len(ms); n++ {
		if ms[n].key == ms[n-1].key {
			return fmt.Errorf("signdomain: duplicate key %q: sorted order is ambiguous", truncate(ms[n].key))
		}
	}
	buf.WriteByte('{')
	for n, m := range ms {
		if n > 0 {
			buf.WriteByte(',')
		}
		if m.keyStart < 0 { // the synthesised "sign":""
			buf.WriteString(`"sign":""`)
			continue
		}
		buf.Write(msg[m.keyStart:m.keyEnd])
		buf.WriteByte(':')
		if err := writeValue(buf, msg, m.valStart, depth+1); err != nil {
			return err
		}
	}
	buf.WriteByte('}')
	return nil
}

func writeValue(buf *bytes.Buffer, msg []byte, i, depth int) error {
	if depth > maxDepth {
		return errors.New("signdomain: JSON nested too deeply")
	}
	switch msg[i] {
	case '{':
		return writeMembers(buf, msg, scanObject(msg, i).members, depth)
	case '[':
		buf.WriteByte('[')
		i = skipSpace(msg, i+1)
		for first := true; msg[i] != ']'; first = false {
			if !first {
				buf.WriteByte(',')
			}
			if err := writeValue(buf, msg, i, depth+1); err != nil {
				return err
			}
			i = skipSpace(msg, skipValue(msg, i))
			if msg[i] == ',' {
				i = skipSpace(msg, i+1)
			}
		}
		buf.WriteByte(']')
		return nil
	default:
		buf.Write(msg[i:skipValue(msg, i)])
		return nil
	}
}

// truncate shortens a key for an error message, at a character boundary
// (keys are UTF-8 text; a cut character would print as escapes).
func truncate(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// quote encodes s as a JSON string: only '"', '\\' and control characters
// are escaped (no HTML escaping), and invalid UTF-8 becomes U+FFFD, as
// encoding/json does.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < 0x20:
				fmt.Fprintf(&b, `\u%04x`, c)
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\ufffd`)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}
