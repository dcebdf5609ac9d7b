package mac

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"strings"
	"testing"
)

func TestIPos(t *testing.T) {
	// The seed 002 §2 example: key 654321, message as printed (it is cut
	// short in the spec; the MAC is over whatever bytes are sent).
	sample := []byte(`<?xml version="1.0" encoding="GBK" ?><a>123`)
	tests := []struct {
		name     string
		key, msg []byte
	}{
		{"seed 002 example", []byte("654321"), sample},
		{"empty message", []byte("k"), nil},
		{"empty key", nil, []byte("<a/>")},
		{"GBK bytes", []byte("654321"), []byte{'<', 'a', '>', 0xB3, 0xC9, 0xB9, 0xA6, '<', '/', 'a', '>'}},
		{"large", []byte("secret"), bytes.Repeat([]byte("x"), 100000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			concat := append(append(append([]byte{}, tt.key...), tt.msg...), tt.key...)
			sum := md5.Sum(concat)
			want := hex.EncodeToString(sum[:])
			if got := IPos(tt.key, tt.msg); got != want {
				t.Fatalf("IPos = %s, want %s", got, want)
			}
			if got := AppendIPos([]byte("mac="), tt.key, tt.msg); string(got) != "mac="+want {
				t.Fatalf("AppendIPos = %s", got)
			}
			if !VerifyIPos(tt.key, tt.msg, want) {
				t.Fatal("VerifyIPos rejects the lowercase MAC")
			}
			if !VerifyIPos(tt.key, tt.msg, strings.ToUpper(want)) {
				t.Fatal("VerifyIPos rejects the upper-case MAC")
			}
		})
	}
}

func TestIPosKnownValue(t *testing.T) {
	// Independent of Go's md5: `printf %s '654321<a>123</a>654321' | md5sum`.
	const want = "9764adfd0de079a6744f345abf01eda7"
	if got := IPos([]byte("654321"), []byte("<a>123</a>")); got != want {
		t.Fatalf("IPos = %s, want %s", got, want)
	}
}

func TestVerifyIPosRejects(t *testing.T) {
	key, msg := []byte("654321"), []byte("<a>123</a>")
	good := IPos(key, msg)
	flip := []byte(good)
	flip[31] ^= 1
	tests := []struct{ name, mac string }{
		{"empty", ""},
		{"short", good[:31]},
		{"long", good + "0"},
		{"last digit wrong", string(flip)},
		{"not hex but same length", strings.Repeat("z", 32)},
		{"whitespace padded", " " + good[1:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if VerifyIPos(key, msg, tt.mac) {
				t.Fatalf("VerifyIPos accepted %q", tt.mac)
			}
		})
	}
	if VerifyIPos([]byte("654322"), msg, good) {
		t.Fatal("VerifyIPos accepted a MAC under another key")
	}
	if VerifyIPos(key, append(msg, ' '), good) {
		t.Fatal("VerifyIPos accepted a MAC for different bytes")
	}
}

func TestAppendIPosAllocs(t *testing.T) {
	key, msg := []byte("654321"), bytes.Repeat([]byte("<a>1</a>"), 100)
	dst := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { dst = AppendIPos(dst[:0], key, msg) }); n != 0 {
		t.Fatalf("AppendIPos allocates %.0f times per call", n)
	}
	if n := testing.AllocsPerRun(100, func() { VerifyIPos(key, msg, "96e79218965eb72c92a549dd5a330112") }); n != 0 {
		t.Fatalf("VerifyIPos allocates %.0f times per call", n)
	}
}

func TestCardPassword(t *testing.T) {
	tests := []struct{ pw, want string }{
		// Seed 000: the cTRequest sample sends CARDPWD=96e7...0112 for the
		// password 111111 used in the aCRequest sample.
		{"111111", "96e79218965eb72c92a549dd5a330112"},
		{"", "d41d8cd98f00b204e9800998ecf8427e"},
		{"123456", "e10adc3949ba59abbe56e057f20f883e"},
	}
	for _, tt := range tests {
		if got := CardPassword(tt.pw); got != tt.want {
			t.Errorf("CardPassword(%q) = %s, want %s", tt.pw, got, tt.want)
		}
	}
}

// BenchmarkMAC compares the streamed MAC with the obvious implementation:
// concatenate key+msg+key, md5.Sum, hex. The message is a ~1 KiB request.
func BenchmarkMAC(b *testing.B) {
	key := []byte("654321")
	msg := bytes.Repeat([]byte(`<pos_seq>1511300000001</pos_seq>`), 32)
	b.Run("paycert", func(b *testing.B) {
		b.SetBytes(int64(len(msg) + 2*len(key)))
		b.ReportAllocs()
		dst := make([]byte, 0, IPosLen)
		for b.Loop() {
			dst = AppendIPos(dst[:0], key, msg)
		}
	})
	b.Run("md5concat", func(b *testing.B) {
		b.SetBytes(int64(len(msg) + 2*len(key)))
		b.ReportAllocs()
		for b.Loop() {
			buf := make([]byte, 0, len(key)+len(msg)+len(key))
			buf = append(append(append(buf, key...), msg...), key...)
			sum := md5.Sum(buf)
			_ = hex.EncodeToString(sum[:])
		}
	})
}
