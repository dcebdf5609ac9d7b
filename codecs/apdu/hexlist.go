package apdu

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Entry is one element of an APDU list: the bytes of a command (apdulist)
// or of a response (apduresp), with the appendix C index it was tagged
// with, if any ("IDX_0003").
type Entry struct {
	ID    string
	Bytes []byte
}

// List is an APDU command list or result list as seed 003 carries them in
// apdulist/apduresp.
//
// Canonical form (String): uppercase hex items joined by "," with no
// spaces, each prefixed "IDX_nnnn:" only when the entry has an ID:
//
//	00A4040008A000000632010105,805C000204
//	IDX_0002:00A4040008A000000632010105,IDX_0003:805C000204
//
// ParseList is tolerant: a JSON array of strings; separators ",", "，"
// (full-width), ";" and newlines; blanks inside an item ("00 A4 04 00");
// a "0x" prefix; an index prefix "IDX_nnnn" or "IDX nnnn" (as the seed's
// extraction prints it) followed by ":", "=", "|", a blank or a tab; a
// trailing annotation in parentheses, as appendix C writes
// "00B2013C00(充值交易明细1)". A trailing separator is ignored; any other
// empty item is an error, since the seed counts items (apdunum).
type List []Entry

// ErrHexList is wrapped by every ParseList error.
var ErrHexList = errors.New("apdu: bad hex list")

// NewList makes an untagged list from raw APDUs.
func NewList(apdus ...[]byte) List {
	l := make(List, len(apdus))
	for i, a := range apdus {
		l[i] = Entry{Bytes: a}
	}
	return l
}

// String formats l canonically. It writes uppercase hex straight into one
// buffer: the hex-then-ToUpper of each entry was two strings per entry on
// every step of a charge.
func (l List) String() string {
	n := 0
	for _, e := range l {
		n += len(e.ID) + 1 + 2*len(e.Bytes) + 1
	}
	b := make([]byte, 0, n)
	for i, e := range l {
		if i > 0 {
			b = append(b, ',')
		}
		if e.ID != "" {
			b = append(b, e.ID...)
			b = append(b, ':')
		}
		b = appendUpperHex(b, e.Bytes)
	}
	return string(b)
}

// upperHex returns p in uppercase hex, the form APDUs are shown and sent in.
func upperHex(p []byte) string {
	return string(appendUpperHex(make([]byte, 0, 2*len(p)), p))
}

// appendUpperHex appends p in uppercase hex.
func appendUpperHex(b, p []byte) []byte {
	const digits = "0123456789ABCDEF"
	for _, c := range p {
		b = append(b, digits[c>>4], digits[c&0x0f])
	}
	return b
}

// Raw returns the bytes of each entry.
func (l List) Raw() [][]byte {
	out := make([][]byte, len(l))
	for i, e := range l {
		out[i] = e.Bytes
	}
	return out
}

// ParseList parses an APDU list in any of the forms List accepts.
func ParseList(s string) (List, error) {
	t := strings.TrimSpace(s)
	if l, ok := parsePlain(t); ok {
		return l, nil
	}
	return parseGeneral(t)
}

// parseGeneral is ParseList for every form (t trimmed).
func parseGeneral(t string) (List, error) {
	var items []string
	if strings.HasPrefix(t, "[") {
		if err := json.Unmarshal([]byte(t), &items); err != nil {
			return nil, fmt.Errorf("%w: JSON array: %v", ErrHexList, err)
		}
	} else {
		if strings.ContainsAny(t, "，;\n") { // building the Replacer costs more than the rest of a short list
			t = strings.NewReplacer("，", ",", ";", ",", "\r\n", ",", "\n", ",").Replace(t)
		}
		items = strings.Split(t, ",")
		if len(items) > 0 && strings.TrimSpace(items[len(items)-1]) == "" {
			items = items[:len(items)-1]
		}
	}
	l := make(List, 0, len(items))
	for i, it := range items {
		e, err := parseItem(it)
		if err != nil {
			return nil, fmt.Errorf("%w: item %d %q: %v", ErrHexList, i+1, clip(it), err)
		}
		l = append(l, e)
	}
	return l, nil
}

// parsePlain parses the form every list on the hot path has, canonical
// untagged hex items joined by "," (the centre's apdulist, the client's
// apduresp), without the per-item strings of the general parser: a load
// profile of hzcard-charge showed ParseList at ~10 % of the flow's
// allocations. It returns false for anything else (tags, blanks, other
// separators, empty or odd items), which the general parser handles and
// reports; for the inputs it accepts the result is the general parser's.
func parsePlain(t string) (List, bool) {
	if t == "" {
		return nil, false
	}
	n := 1
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c == ',':
			n++
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return nil, false
		}
	}
	if t[len(t)-1] == ',' { // a trailing separator is ignored
		t = t[:len(t)-1]
		n--
	}
	// One backing array for every item's bytes; each entry's capacity ends
	// at its own bytes, so appending to one never writes into the next.
	raw := make([]byte, 0, len(t)/2)
	l := make(List, 0, n)
	for range n {
		item, rest, _ := strings.Cut(t, ",")
		if item == "" || len(item)%2 != 0 {
			return nil, false
		}
		from := len(raw)
		for i := 0; i < len(item); i += 2 {
			raw = append(raw, unhex(item[i])<<4|unhex(item[i+1]))
		}
		l = append(l, Entry{Bytes: raw[from:len(raw):len(raw)]})
		t = rest
	}
	return l, true
}

// unhex is the value of a hex digit parsePlain has checked.
func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

func parseItem(s string) (Entry, error) {
	var e Entry
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "(（"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if len(s) >= 3 && strings.EqualFold(s[:3], "IDX") {
		rest := strings.TrimLeft(s[3:], "_ ")
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 0 {
			return e, errors.New("index prefix IDX without digits")
		}
		e.ID = "IDX_" + rest[:n]
		s = strings.TrimLeft(rest[n:], ":=| \t")
	}
	if len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X") {
		s = s[2:]
	}
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return e, errors.New("empty item")
	}
	if len(s)%2 != 0 {
		return e, fmt.Errorf("odd number of hex digits (%d)", len(s))
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return e, fmt.Errorf("not hex: %v", err)
	}
	e.Bytes = b
	return e, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Commands parses every entry of l as a command APDU.
func (l List) Commands() ([]Command, error) {
	out := make([]Command, len(l))
	for i, e := range l {
		c, err := ParseCommand(e.Bytes)
		if err != nil {
			return nil, fmt.Errorf("apdu list item %d: %w", i+1, err)
		}
		out[i] = c
	}
	return out, nil
}

// Responses parses every entry of l as a response APDU; an entry shorter
// than 2 bytes is a torn transaction (ErrTorn).
func (l List) Responses() ([]Response, error) {
	out := make([]Response, len(l))
	for i, e := range l {
		r, err := ParseResponse(e.Bytes)
		if err != nil {
			return nil, fmt.Errorf("apdu result list item %d: %w", i+1, err)
		}
		out[i] = r
	}
	return out, nil
}
