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
// It returns nil when the bytes fit, else one finding (rule "charset").
//
// Two mismatches are caught. Bytes the declared decoder refuses (strict
// GBK is glibc's CP936, so this is what iconv -f GBK refuses). And UTF-8
// text declared GBK that happens to decode: Chinese in UTF-8 is often
// valid GBK too ("门店名称" reads as six GBK characters), so a body declared
// GBK that is valid UTF-8 and, read as UTF-8, holds Chinese characters is
// UTF-8. GBK Chinese text practically never is valid UTF-8 holding them:
// its lead bytes 0xB0-0xF7 and trail bytes 0xA1-0xFE would have to line up
// as E4-E9 lead bytes each followed by exactly two 0x80-0xBF bytes, over
// the whole message (TestCheckCharsetGBKCorpus runs every Chinese text of
// the catalogue through it).
func CheckCharset(xml []byte) *catalog.Finding {
	i := 0
	for i < len(xml) && xml[i] < utf8.RuneSelf {
		i++
	}
	if i == len(xml) {
		return nil // ASCII reads the same in every charset Parse knows
	}
	label := declaredEncoding(xml)
	bad := func(format string, a ...any) *catalog.Finding {
		return &catalog.Finding{Path: Root, Rule: "charset", Section: sectionCharset, Detail: fmt.Sprintf(format, a...)}
	}
	switch strings.ToUpper(label) {
	case "", "UTF-8", "UTF8":
		if !utf8.Valid(xml) {
			off := invalidUTF8At(xml)
			what := "declared UTF-8"
			if label == "" {
				what = "without an encoding declaration (UTF-8)"
			}
			return bad("the xml is %s but byte 0x%02X at offset %d is not UTF-8 (GBK bytes?); 002 §2 wants GBK", what, xml[off], off)
		}
		return nil
	case "GBK", "GB2312", "GB_2312-80", "CP936", "X-GBK", "WINDOWS-936", "GB18030":
		decode := gbk.Decode
		if strings.EqualFold(label, "GB18030") {
			decode = gbk.DecodeGB18030
		}
		if _, err := decode(nil, xml); err != nil {
			return bad("the xml is declared %s but is not: %v", label, err)
		}
		if r, ok := utf8Chinese(xml); ok {
			return bad("the xml is declared %s but is UTF-8: it decodes as UTF-8 to Chinese text (%q...), as GBK to mojibake", label, r)
		}
		return nil
	}
	return bad("the xml declares encoding %q; 002 §2 wants GBK", label)
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
