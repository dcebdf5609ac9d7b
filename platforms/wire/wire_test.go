package wire

import (
	"net/url"
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

// TestRenderDecodesByDeclaredCharset: each body is decoded by the charset
// it declares, a form-encoded iPos body reads as its XML and MAC, and the
// hex is there only when asked for.
func TestRenderDecodesByDeclaredCharset(t *testing.T) {
	gbkXML := "<?xml version=\"1.0\" encoding=\"GBK\"?><comment>\xd3\xe0\xb6\xee\xb2\xbb\xd7\xe3</comment>"
	form := "xml=" + url.QueryEscape(gbkXML) + "&mac=4df919c0"
	utf8Reply := "<?xml version=\"1.0\" encoding=\"UTF-8\"?><comment>余额不足</comment>"
	for _, tt := range []struct {
		name      string
		ex        Exchange
		hex       bool
		want, not []string
	}{
		{"iPos form body as its XML", Exchange{Charset: "GBK", Request: []byte(form),
			Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Reply-Content-Type": ""}},
			false, []string{"> xml=<?xml version=\"1.0\" encoding=\"GBK\"?><comment>余额不足</comment>", "> mac=4df919c0"},
			[]string{"%3C", "hex"}},
		{"reply declared UTF-8 on a GBK platform", Exchange{Charset: "GBK", Status: 200, Reply: []byte(utf8Reply)},
			false, []string{"<comment>余额不足</comment>"}, []string{"not valid"}},
		{"reply declared GBK by Content-Type on a UTF-8 platform", Exchange{Charset: "UTF-8", Status: 200,
			Reply:  []byte("<c>\xd3\xe0</c>"),
			Header: map[string]string{"Reply-Content-Type": "text/xml; charset=GBK"}},
			false, []string{"<c>余</c>"}, nil},
		{"hex on demand", Exchange{Charset: "UTF-8", Request: []byte("ab"), Status: 200, Reply: []byte("cd")},
			true, []string{"> hex (2 bytes):", "61 62", "< hex (2 bytes):", "63 64"}, nil},
	} {
		s := tt.ex.Render(tt.hex)
		for _, w := range tt.want {
			if !strings.Contains(s, w) {
				t.Errorf("%s: %q lacks %q", tt.name, s, w)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(s, n) {
				t.Errorf("%s: %q shows %q", tt.name, s, n)
			}
		}
	}
}
