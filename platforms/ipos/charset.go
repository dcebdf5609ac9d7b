package ipos

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"paycert/codecs/gbk"
	"paycert/platforms/catalog"
)

// sectionCharset is where the seed sets the charset (传输时的charset需要设置为GBK).
const sectionCharset = "002 §2"

// CheckCharset checks that the bytes of a request's xml are in the
// charset its declaration names (none: UTF-8), before anything reads a
// field from them: a length counted in GBK bytes, or a store name stored,
// means nothing when the text was never GBK (erratum E-IPOS-REQUEST-CHARSET).
// It returns nil when the bytes fit, else one finding (rule "charset")
// naming the element whose text is not in the declared charset (the root
// when the stray bytes are outside any element's text).
//
// Two mismatches are caught. Bytes the declared decoder refuses (strict
// GBK is glibc's CP936, so this is what iconv -f GBK refuses). And UTF-8
// text declared GBK that happens to decode: Chinese in UTF-8 is often
// valid GBK too ("门店名称" reads as six GBK characters), so an element
// of a message declared GBK whose text is valid UTF-8 holding Chinese
// characters is UTF-8, judged element by element so one UTF-8 field among
// GBK ones is found. GBK Chinese text practically never is valid UTF-8
// holding them: its lead bytes 0xB0-0xF7 and trail bytes 0xA1-0xFE would
// have to line up as E4-E9 lead bytes each followed by exactly two
// 0x80-0xBF bytes, over the whole text (TestCheckCharsetGBKCorpus runs
// every Chinese text of the catalogue through it).
func CheckCharset(xml []byte) *catalog.Finding {
	f, _ := CheckCharsetText(xml)
	return f
}

// CheckCharsetText is CheckCharset with the raw bytes of the text it
// refused, for a strict mock to quote.
func CheckCharsetText(xml []byte) (*catalog.Finding, []byte) {
	return checkCharset(xml, true)
}

// CheckCharsetDecodeOnly refuses only bytes the declared decoder refuses:
// UTF-8 text declared GBK that happens to decode passes as mojibake. It is
// what an implementation that never looks past its decoder does (the
// simulator's charset fault), not a reading of the seed.
func CheckCharsetDecodeOnly(xml []byte) (*catalog.Finding, []byte) {
	return checkCharset(xml, false)
}

func checkCharset(xml []byte, utf8Text bool) (*catalog.Finding, []byte) {
	i := 0
	for i < len(xml) && xml[i] < utf8.RuneSelf {
		i++
	}
	if i == len(xml) {
		return nil, nil // ASCII reads the same in every charset Parse knows
	}
	label := declaredEncoding(xml)
	bad := func(path string, format string, a ...any) *catalog.Finding {
		return &catalog.Finding{Path: path, Rule: "charset", Section: sectionCharset, Detail: fmt.Sprintf(format, a...)}
	}
	switch strings.ToUpper(label) {
	case "", "UTF-8", "UTF8":
		what := "declared UTF-8"
		if label == "" {
			what = "without an encoding declaration (UTF-8)"
		}
		if path, text := firstText(xml, func(t []byte) bool { return !utf8.Valid(t) }); text != nil {
			off := invalidUTF8At(text)
			return bad(path, "the xml is %s but byte 0x%02X of %s is not UTF-8 (GBK bytes?); 002 §2 wants GBK", what, text[off], path), text
		}
		if !utf8.Valid(xml) {
			off := invalidUTF8At(xml)
			return bad(Root, "the xml is %s but byte 0x%02X at offset %d is not UTF-8 (GBK bytes?); 002 §2 wants GBK", what, xml[off], off), nil
		}
		return nil, nil
	case "GBK", "GB2312", "GB_2312-80", "CP936", "X-GBK", "WINDOWS-936", "GB18030":
		decode := gbk.Decode
		if strings.EqualFold(label, "GB18030") {
			decode = gbk.DecodeGB18030
		}
		path, text := firstText(xml, func(t []byte) bool {
			if _, err := decode(nil, t); err != nil {
				return true
			}
			_, u := utf8Chinese(t)
			return utf8Text && u
		})
		if text != nil {
			if _, err := decode(nil, text); err != nil {
				return bad(path, "%s is declared %s but is not: %v", path, label, err), text
			}
			r, _ := utf8Chinese(text)
			return bad(path, "%s is declared %s but is UTF-8: it decodes as UTF-8 to Chinese text (%q...), as GBK to mojibake", path, label, r), text
		}
		if _, err := decode(nil, xml); err != nil {
			return bad(Root, "the xml is declared %s but is not: %v", label, err), nil
		}
		if r, ok := utf8Chinese(xml); ok && utf8Text {
			return bad(Root, "the xml is declared %s but is UTF-8: it decodes as UTF-8 to Chinese text (%q...), as GBK to mojibake", label, r), nil
		}
		return nil, nil
	}
	return bad(Root, "the xml declares encoding %q; 002 §2 wants GBK", label), nil
}

// firstText returns the path (from the root element, as the catalogue
// writes it) and the raw bytes of the first element text that holds a
// byte above ASCII and for which wrong reports true. It reads the bytes
// without decoding them: '<' and '>' are never part of a GBK or UTF-8
// multi-byte character, so tags are found whatever the charset.
func firstText(xml []byte, wrong func([]byte) bool) (string, []byte) {
	var stack []string
	check := func(t []byte) bool {
		for _, b := range t {
			if b >= utf8.RuneSelf {
				return wrong(t)
			}
		}
		return false
	}
	for i := 0; i < len(xml); {
		lt := bytes.IndexByte(xml[i:], '<')
		if lt < 0 {
			lt = len(xml) - i
		}
		if text := xml[i : i+lt]; len(stack) > 0 && check(text) {
			return strings.Join(stack, "/"), text
		}
		i += lt
		if i >= len(xml) {
			break
		}
		rest := xml[i:]
		if body, ok := bytes.CutPrefix(rest, []byte("<![CDATA[")); ok {
			end := bytes.Index(body, []byte("]]>"))
			if end < 0 {
				end = len(body)
			}
			if len(stack) > 0 && check(body[:end]) {
				return strings.Join(stack, "/"), body[:end]
			}
			i += len("<![CDATA[") + end + len("]]>")
			continue
		}
		gt := bytes.IndexByte(rest, '>')
		if gt < 0 {
			break
		}
		tag := rest[1:gt]
		switch {
		case len(tag) == 0 || tag[0] == '?' || tag[0] == '!':
		case tag[0] == '/':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case tag[len(tag)-1] == '/':
		default:
			name, _, _ := bytes.Cut(tag, []byte(" "))
			stack = append(stack, string(name))
		}
		i += gt + 1
	}
	return "", nil
}

// declaredEncoding is the encoding label of the XML declaration, "" when
// there is none. Parse reads the declaration properly; this only needs the
// label, before Parse decodes anything.
func declaredEncoding(xml []byte) string {
	xml = bytes.TrimPrefix(xml, []byte{0xEF, 0xBB, 0xBF})
	if !bytes.HasPrefix(xml, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(xml, []byte("?>"))
	if end < 0 {
		return ""
	}
	decl := xml[:end]
	i := bytes.Index(decl, []byte("encoding"))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	rest, ok := bytes.CutPrefix(rest, []byte("="))
	if !ok {
		return ""
	}
	rest = bytes.TrimLeft(rest, " \t\r\n")
	if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	val, _, ok := bytes.Cut(rest[1:], rest[:1])
	if !ok {
		return ""
	}
	return string(val)
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return 0
}

// utf8Chinese reports whether b is valid UTF-8 holding a Han character,
// and returns the first.
func utf8Chinese(b []byte) (rune, bool) {
	if !utf8.Valid(b) {
		return 0, false
	}
	for _, r := range string(b) {
		if unicode.Is(unicode.Han, r) {
			return r, true
		}
	}
	return 0, false
}

// RequestTypeOf reads the interface name out of a request's raw xml
// without parsing it (request_type is ASCII in every charset), so a
// request refused before it parses can still be named; "" when it cannot
// be read or names none of the 12 interfaces.
func RequestTypeOf(xml []byte) string {
	const open, close = "<request_type>", "</request_type>"
	i := bytes.Index(xml, []byte(open))
	if i < 0 {
		return ""
	}
	v := xml[i+len(open):]
	j := bytes.Index(v, []byte(close))
	if j < 0 || j > 64 {
		return ""
	}
	name, ok := strings.CutSuffix(strings.TrimSpace(string(v[:j])), requestSuffix)
	if !ok {
		return ""
	}
	for _, n := range Interfaces() {
		if n == name {
			return n
		}
	}
	return ""
}
