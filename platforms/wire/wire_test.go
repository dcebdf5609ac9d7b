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
