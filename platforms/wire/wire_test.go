package wire

import (
	"strings"
	"testing"
)

func TestStringShowsDecodedBodies(t *testing.T) {
	e := Exchange{Method: "POST", URL: "http://127.0.0.1:1/ipos", Interface: "card_verify", Charset: "GBK",
		Request: []byte("xml=..."), Status: 200, Reply: []byte("<comment>\xd3\xe0\xb6\xee\xb2\xbb\xd7\xe3</comment>")}
	s := e.String()
	for _, want := range []string{"POST http://127.0.0.1:1/ipos (card_verify)", "> xml=...", "< HTTP 200", "余额不足"} {
		if !strings.Contains(s, want) {
			t.Errorf("%q lacks %q", s, want)
		}
	}
	bin := Exchange{Charset: "UTF-8", Request: []byte{0xff, 0x00}}
	if !strings.Contains(bin.String(), "FF 00") {
		t.Errorf("binary bodies must show as hex: %q", bin.String())
	}
}

// TestStringLongAndGB18030Bodies: a body over the 4 KiB display limit is
// still shown as text when the cut falls inside a character, and a GB18030
// reply's four-byte characters are decoded.
func TestStringLongAndGB18030Bodies(t *testing.T) {
	yu := "\xd3\xe0"                            // 余 in GBK
	gbkOdd := "x" + strings.Repeat(yu, 3000)    // the limit falls after a lead byte
	utf8Odd := "xx" + strings.Repeat("余", 2000) // the limit falls inside a 3-byte rune
	gb18030 := "<a>\x81\x30\x81\x30</a>"        // U+0080, a four-byte sequence
	for _, tt := range []struct {
		charset, body, want string
	}{
		{"GBK", gbkOdd, "x余余"},
		{"GBK", gbkOdd, "余… (1905 more bytes)"},
		{"UTF-8", utf8Odd, "xx余余"},
		{"UTF-8", utf8Odd, "余… (1908 more bytes)"},
		{"GB18030", gb18030, "<a>\u0080</a>"},
	} {
		s := Exchange{Charset: tt.charset, Status: 200, Reply: []byte(tt.body)}.String()
		if !strings.Contains(s, tt.want) {
			t.Errorf("%s body of %d bytes: %.80q... lacks %q", tt.charset, len(tt.body), s, tt.want)
		}
	}
}
