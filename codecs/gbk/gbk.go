// Package gbk converts between UTF-8 and GBK (Code Page 936), strictly.
//
// The character mapping is golang.org/x/text's simplifiedchinese.GBK. That
// package is lenient by design (an invalid sequence becomes U+FFFD and a
// rune GBK cannot hold becomes an error with no position), which is wrong
// for a conformance harness: a peer that sends broken GBK must be told where,
// and a MAC over bytes we silently repaired would prove nothing. So this
// package indexes x/text's mapping once, on first use, into two flat tables
// and decodes/encodes with an ASCII fast path (a run of bytes < 0x80 is copied
// as is, eight bytes at a time), reporting the byte offset of the first
// sequence it cannot convert.
//
// Which decoder when:
//   - Decode: the peer declares GBK, GB2312 or CP936 (iPos, 99bill TR3
//     notices, Kakatong LANG=GB2312). GB2312 is a subset of GBK, so one table
//     serves both. Like x/text and the WHATWG encoding standard, the single
//     byte 0x80 is the euro sign (CP936).
//   - DecodeGB18030: the peer declares GB18030, or an operator asks for it
//     (paycert gbk decode --gb18030). GB18030 is GBK plus four-byte
//     sequences that reach every Unicode code point; a GBK decoder must
//     reject those, so accepting them is an explicit choice.
//
// Strict GBK is glibc's CP936, what `iconv -f GBK` accepts and `iconv -t
// GBK` produces on every Debian machine (TestStrictGBKIsGlibcCP936 compares
// the whole table with iconv at run time). x/text's GBK is the WHATWG
// decoder, which is GB18030's two-byte table: it also holds 82 codes
// GB18030 added to GBK (A2E3 the euro, A3A0, A8BF, A989-A995 the
// ideographic description characters, and 66 codes in FE50-FE9F), which a
// CP936 peer cannot read. Decode refuses them and Encode never produces
// them; DecodeGB18030 accepts them.
//
// GB18030 mode follows GB18030-2005, as glibc does: the one pair the 2005
// edition swapped maps A8BC to U+1E3F (ḿ) and 81 35 F4 37 to U+E7C7, where
// x/text keeps the 2000 mapping (81 35 F4 37 to U+1E3F, A8BC unassigned).
// Private-use (user-defined) areas are refused in both modes.
//
// Encoding always produces GBK (two-byte) output; a rune outside GBK is an
// error rather than a four-byte GB18030 sequence, because a peer that
// declared GBK cannot read one.
package gbk

import (
	"encoding/binary"
	"fmt"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Error reports a sequence that cannot be converted.
type Error struct {
	// Offset is the byte offset of the offending sequence in the input:
	// the GBK bytes for Decode, the UTF-8 string for Encode.
	Offset int
	// Byte is the first byte of the offending sequence (Decode) or the first
	// byte of the rune's UTF-8 form (Encode).
	Byte byte
	// Rune is the rune GBK cannot hold (Encode only; zero otherwise).
	Rune rune
	// Reason says what is wrong, e.g. "truncated sequence at end of input".
	Reason string
}

func (e *Error) Error() string {
	if e.Rune != 0 {
		return fmt.Sprintf("gbk: offset %d: %s (U+%04X %q)", e.Offset, e.Reason, e.Rune, e.Rune)
	}
	return fmt.Sprintf("gbk: offset %d (byte 0x%02X): %s", e.Offset, e.Byte, e.Reason)
}

// Two-byte GBK codes: lead 0x81..0xFE, trail 0x40..0xFE except 0x7F. The
// decode table is indexed (lead-0x81)*trailSpan + (trail-0x40); 0x7F simply
// maps to 0 (invalid) so the index needs no branch.
const (
	leadMin   = 0x81
	leadMax   = 0xFE
	trailMin  = 0x40
	trailMax  = 0xFE
	trailSpan = trailMax - trailMin + 1
)

// tables is x/text's GBK mapping, indexed. It is built once and never
// written afterwards, so sharing it between goroutines is safe.
type tables struct {
	decode [(leadMax - leadMin + 1) * trailSpan]uint16 // GBK code -> BMP rune, 0 = unmapped
	encode [0x10000]uint16                             // BMP rune -> GBK code, 0 = not in GBK
	// gb18030 holds the two-byte codes GB18030 has and CP936 lacks (see
	// the package comment), consulted by DecodeGB18030 only.
	gb18030 map[uint16]rune
}

// gb18030Only reports whether the two-byte code is one of GB18030's
// additions to GBK that glibc's CP936 does not have.
func gb18030Only(code uint16) bool {
	switch {
	case code == 0xA2E3, code == 0xA3A0, code == 0xA8BF:
		return true
	case code >= 0xA989 && code <= 0xA995:
		return true
	case code >= 0xFE50 && code <= 0xFE9F:
		return true
	}
	return false
}

// getTables builds the tables on first use (about a millisecond) rather
// than in init, so programs that never touch GBK do not pay for it.
var getTables = sync.OnceValue(buildTables)

func buildTables() *tables {
	t := &tables{gb18030: map[uint16]rune{0xA8BC: 0x1E3F}} // GB18030-2005's swap, see the package comment
	dec := simplifiedchinese.GBK.NewDecoder()
	var out [8]byte
	for lead := leadMin; lead <= leadMax; lead++ {
		for trail := trailMin; trail <= trailMax; trail++ {
			if trail == 0x7F {
				continue
			}
			in := [2]byte{byte(lead), byte(trail)}
			nDst, nSrc, err := dec.Transform(out[:], in[:], true)
			if err != nil || nSrc != 2 {
				continue
			}
			r, size := utf8.DecodeRune(out[:nDst])
			if size != nDst || r == utf8.RuneError {
				continue
			}
			if code := uint16(lead)<<8 | uint16(trail); gb18030Only(code) {
				t.gb18030[code] = r
				continue
			}
			t.decode[(lead-leadMin)*trailSpan+(trail-trailMin)] = uint16(r)
		}
	}
	enc := simplifiedchinese.GBK.NewEncoder()
	var in [4]byte
	for r := rune(0x80); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		n := utf8.EncodeRune(in[:], r)
		nDst, _, err := enc.Transform(out[:], in[:n], true)
		switch {
		case err != nil:
		case nDst == 2 && gb18030Only(uint16(out[0])<<8|uint16(out[1])):
			// a character only GB18030 has (the euro still encodes, as 0x80: below)
		case nDst == 2:
			t.encode[r] = uint16(out[0])<<8 | uint16(out[1])
		case nDst == 1 && out[0] == 0x80: // the CP936 euro sign
			t.encode[r] = 0x80
		}
	}
	return t
}

// asciiPrefix returns the length of the longest prefix of b made of bytes
// below 0x80, testing eight bytes at a time.
func asciiPrefix(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			break
		}
	}
	return i
}

// asciiPrefixString is asciiPrefix for a string, without converting it.
func asciiPrefixString(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if w&0x8080808080808080 != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			break
		}
	}
	return i
}

// Encode appends the GBK encoding of s to dst. On error it returns dst with
// the bytes converted before the offending rune, and an *Error whose Offset
// is that rune's byte offset in s (invalid UTF-8 in s is an error too).
func Encode(dst []byte, s string) ([]byte, error) {
	var t *tables
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n := asciiPrefixString(s[i:])
			dst = append(dst, s[i:i+n]...)
			i += n
			continue
		}
		if t == nil {
			t = getTables()
		}
		// Chinese text is three-byte UTF-8; decode it inline and leave
		// everything else (and anything malformed) to the utf8 package.
		var r rune
		var size int
		if c&0xF0 == 0xE0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			r, size = rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
			if r < 0x800 || (r >= 0xD800 && r <= 0xDFFF) {
				r, size = utf8.RuneError, 1
			}
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if r == utf8.RuneError && size == 1 {
			return dst, &Error{Offset: i, Byte: s[i], Reason: "invalid UTF-8 in input"}
		}
		var code uint16
		if r < 0x10000 {
			code = t.encode[r]
		}
		switch {
		case code == 0:
			return dst, &Error{Offset: i, Byte: s[i], Rune: r, Reason: "rune not representable in GBK"}
		case code < 0x100:
			dst = append(dst, byte(code))
		default:
			dst = append(dst, byte(code>>8), byte(code))
		}
		i += size
	}
	return dst, nil
}

// EncodeString returns the GBK encoding of s.
func EncodeString(s string) ([]byte, error) {
	return Encode(make([]byte, 0, len(s)), s)
}

// Decode appends the UTF-8 form of the GBK bytes b to dst. It is strict: an
// invalid, unmapped or truncated sequence stops it with an *Error naming the
// sequence's byte offset in b; dst then holds what was converted before it.
func Decode(dst []byte, b []byte) ([]byte, error) {
	return decode(dst, b, false)
}

// DecodeGB18030 is Decode that also accepts GB18030's four-byte sequences
// (second and fourth byte 0x30..0x39). Use it only where the peer declared
// GB18030; see the package comment.
func DecodeGB18030(dst []byte, b []byte) ([]byte, error) {
	return decode(dst, b, true)
}

// DecodeString returns the UTF-8 form of the GBK bytes b.
func DecodeString(b []byte) (string, error) {
	out, err := Decode(make([]byte, 0, len(b)+len(b)/2), b)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

func decode(dst []byte, b []byte, gb18030 bool) ([]byte, error) {
	var t *tables
	var quad *fourByte
	for i := 0; i < len(b); {
		c0 := b[i]
		if c0 < utf8.RuneSelf {
			n := asciiPrefix(b[i:])
			dst = append(dst, b[i:i+n]...)
			i += n
			continue
		}
		if t == nil {
			t = getTables()
		}
		switch {
		case c0 == 0x80:
			dst = utf8.AppendRune(dst, '€')
			i++
			continue
		case c0 == 0xFF:
			return dst, &Error{Offset: i, Byte: c0, Reason: "0xFF is not a GBK lead byte"}
		case i+1 >= len(b):
			return dst, &Error{Offset: i, Byte: c0, Reason: "truncated sequence at end of input"}
		}
		c1 := b[i+1]
		if gb18030 && c1 >= '0' && c1 <= '9' {
			if quad == nil {
				quad = newFourByte()
			}
			r, err := quad.decode(b, i)
			if err != nil {
				return dst, err
			}
			dst = utf8.AppendRune(dst, r)
			i += 4
			continue
		}
		if c1 < trailMin || c1 > trailMax || c1 == 0x7F {
			reason := fmt.Sprintf("invalid trail byte 0x%02X after lead byte", c1)
			if c1 >= '0' && c1 <= '9' {
				reason += " (a GB18030 four-byte sequence; GBK cannot hold it)"
			}
			return dst, &Error{Offset: i, Byte: c0, Reason: reason}
		}
		r := t.decode[int(c0-leadMin)*trailSpan+int(c1-trailMin)]
		if r == 0 {
			if x, ok := t.gb18030[uint16(c0)<<8|uint16(c1)]; ok {
				if !gb18030 {
					return dst, &Error{Offset: i, Byte: c0, Reason: fmt.Sprintf("code 0x%02X%02X is GB18030's, not GBK (CP936)", c0, c1)}
				}
				r = uint16(x)
			}
		}
		switch {
		case r == 0:
			return dst, &Error{Offset: i, Byte: c0, Reason: fmt.Sprintf("unassigned code 0x%02X%02X", c0, c1)}
		case r >= 0x800: // always true but for a few symbols: three UTF-8 bytes, inline
			dst = append(dst, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
		default:
			dst = utf8.AppendRune(dst, rune(r))
		}
		i += 2
	}
	return dst, nil
}

// fourByte decodes GB18030 four-byte sequences with x/text's GB18030
// decoder, one sequence at a time, after checking the byte ranges itself so
// that x/text's replacement character never stands in for an error.
type fourByte struct {
	dec interface {
		Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error)
	}
}

func newFourByte() *fourByte {
	return &fourByte{dec: simplifiedchinese.GB18030.NewDecoder()}
}

func (q *fourByte) decode(b []byte, i int) (rune, error) {
	if i+3 >= len(b) {
		return 0, &Error{Offset: i, Byte: b[i], Reason: "truncated four-byte GB18030 sequence at end of input"}
	}
	c2, c3 := b[i+2], b[i+3]
	if c2 < leadMin || c2 > leadMax || c3 < '0' || c3 > '9' {
		return 0, &Error{Offset: i, Byte: b[i], Reason: fmt.Sprintf("invalid four-byte GB18030 sequence % X", b[i:i+4])}
	}
	var out [utf8.UTFMax]byte
	nDst, nSrc, err := q.dec.Transform(out[:], b[i:i+4], true)
	r, size := utf8.DecodeRune(out[:nDst])
	// x/text answers U+FFFD for linear indexes beyond the mapped ranges;
	// 84 31 A4 37 is the one sequence that really means U+FFFD.
	if b[i] == 0x81 && b[i+1] == 0x35 && c2 == 0xF4 && c3 == 0x37 {
		return 0xE7C7, nil // GB18030-2005 (x/text keeps 2000's U+1E3F here); see the package comment
	}
	isFFFD := b[i] == 0x84 && b[i+1] == 0x31 && c2 == 0xA4 && c3 == 0x37
	if err != nil || nSrc != 4 || size != nDst || (r == utf8.RuneError && !isFFFD) {
		return 0, &Error{Offset: i, Byte: b[i], Reason: fmt.Sprintf("unassigned four-byte GB18030 sequence % X", b[i:i+4])}
	}
	return r, nil
}
