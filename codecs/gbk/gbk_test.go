package gbk

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestEncodeDecode(t *testing.T) {
	tests := []struct {
		name string
		utf8 string
		gbk  []byte
	}{
		{"empty", "", nil},
		{"ascii", "<a>123</a>", []byte("<a>123</a>")},
		{"chinese", "门店名称", []byte{0xC3, 0xC5, 0xB5, 0xEA, 0xC3, 0xFB, 0xB3, 0xC6}},
		{"mixed", "a成功b", []byte{'a', 0xB3, 0xC9, 0xB9, 0xA6, 'b'}},
		{"euro is CP936 0x80", "€", []byte{0x80}},
		{"trail byte in ASCII range", "丂", []byte{0x81, 0x40}},
		{"long ascii then chinese", strings.Repeat("x", 17) + "测", append([]byte(strings.Repeat("x", 17)), 0xB2, 0xE2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeString(tt.utf8)
			if err != nil {
				t.Fatalf("EncodeString: %v", err)
			}
			if !bytes.Equal(got, tt.gbk) {
				t.Fatalf("EncodeString = % X, want % X", got, tt.gbk)
			}
			back, err := DecodeString(tt.gbk)
			if err != nil {
				t.Fatalf("DecodeString: %v", err)
			}
			if back != tt.utf8 {
				t.Fatalf("DecodeString = %q, want %q", back, tt.utf8)
			}
			// Append semantics: existing dst content is kept.
			app, err := Decode([]byte("pre:"), tt.gbk)
			if err != nil || string(app) != "pre:"+tt.utf8 {
				t.Fatalf("Decode append = %q, %v", app, err)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		gb18030 bool
		offset  int
		partial string
		reason  string
	}{
		{"truncated lead at end", []byte("abc\xB3"), false, 3, "abc", "truncated"},
		{"0xFF", []byte("ab\xFFcd"), false, 2, "ab", "0xFF"},
		{"bad trail", []byte{0xB3, 0x20}, false, 0, "", "trail byte 0x20"},
		{"bad trail after char", []byte{0xB3, 0xC9, 0xB3, 0x20}, false, 2, "成", "trail byte 0x20"},
		{"trail 0x7F", []byte{'x', 0x81, 0x7F}, false, 1, "x", "trail byte 0x7F"},
		{"unassigned code", []byte{'x', 0xA2, 0xA0}, false, 1, "x", "unassigned"},
		{"four-byte in GBK", []byte{0x81, 0x30, 0x81, 0x30}, false, 0, "", "GB18030"},
		{"four-byte truncated", []byte{'a', 0x81, 0x30, 0x81}, true, 1, "a", "truncated"},
		{"four-byte bad third", []byte{0x81, 0x30, 0x20, 0x30}, true, 0, "", "invalid four-byte"},
		{"four-byte beyond range", []byte{0xFE, 0x39, 0xFE, 0x39}, true, 0, "", "unassigned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := Decode
			if tt.gb18030 {
				dec = DecodeGB18030
			}
			out, err := dec(nil, tt.in)
			var ge *Error
			if !errors.As(err, &ge) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if ge.Offset != tt.offset || ge.Byte != tt.in[tt.offset] {
				t.Errorf("Offset/Byte = %d/0x%02X, want %d/0x%02X", ge.Offset, ge.Byte, tt.offset, tt.in[tt.offset])
			}
			if string(out) != tt.partial {
				t.Errorf("partial output = %q, want %q", out, tt.partial)
			}
			if !strings.Contains(ge.Error(), tt.reason) || !strings.Contains(ge.Error(), "offset") {
				t.Errorf("Error() = %q, want it to mention %q and the offset", ge.Error(), tt.reason)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		offset int
		rune   rune
	}{
		{"emoji", "ok😀", 2, '😀'},
		{"hangul not in GBK", "a한", 1, '한'},
		{"invalid utf8", "ab\xff", 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Encode(nil, tt.in)
			var ge *Error
			if !errors.As(err, &ge) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if ge.Offset != tt.offset || ge.Rune != tt.rune {
				t.Errorf("Offset/Rune = %d/%U, want %d/%U", ge.Offset, ge.Rune, tt.offset, tt.rune)
			}
			if string(out) != tt.in[:tt.offset] {
				t.Errorf("partial = %q, want %q", out, tt.in[:tt.offset])
			}
		})
	}
}

func TestGB18030(t *testing.T) {
	for _, s := range []string{"😀", "a€b", "한국", "\uFFFD", "测试𠀀"} {
		want, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatalf("x/text GB18030 encode %q: %v", s, err)
		}
		got, err := DecodeGB18030(nil, want)
		if err != nil {
			t.Fatalf("DecodeGB18030(% X): %v", want, err)
		}
		if string(got) != s {
			t.Errorf("DecodeGB18030(% X) = %q, want %q", want, got, s)
		}
	}
}

// TestAgreesWithXText checks every two-byte code and every BMP rune against
// x/text, so the indexed tables cannot drift from the mapping they index:
// they agree but for GB18030's additions, which strict GBK refuses (and
// TestStrictGBKIsGlibcCP936 pins to glibc).
func TestAgreesWithXText(t *testing.T) {
	dec := simplifiedchinese.GBK.NewDecoder()
	for lead := 0x81; lead <= 0xFE; lead++ {
		for trail := 0x40; trail <= 0xFE; trail++ {
			in := []byte{byte(lead), byte(trail)}
			want, _ := dec.Bytes(in)
			got, err := Decode(nil, in)
			wantValid := utf8.RuneCount(want) == 1 && !bytes.Equal(want, []byte("\uFFFD"))
			if gb18030Only(uint16(lead)<<8|uint16(trail)) && wantValid {
				if err == nil {
					t.Fatalf("% X: a GB18030 addition: x/text %q, strict GBK must refuse it, got %q %v", in, want, got, err)
				}
				if g, err := DecodeGB18030(nil, in); err != nil || !bytes.Equal(g, want) {
					t.Fatalf("% X: DecodeGB18030 %q %v, want x/text's %q", in, g, err, want)
				}
				continue
			}
			if wantValid != (err == nil) {
				t.Fatalf("% X: x/text %q, ours %q, %v", in, want, got, err)
			}
			if err == nil && !bytes.Equal(got, want) {
				t.Fatalf("% X: x/text %q, ours %q", in, want, got)
			}
		}
	}
	enc := simplifiedchinese.GBK.NewEncoder()
	for r := rune(0); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		want, xerr := enc.Bytes([]byte(string(r)))
		got, err := Encode(nil, string(r))
		if xerr == nil && len(want) == 2 && gb18030Only(uint16(want[0])<<8|uint16(want[1])) {
			if err == nil {
				t.Fatalf("%U: only GB18030 has it (% X), strict GBK encoded it as % X", r, want, got)
			}
			continue
		}
		if (xerr == nil) != (err == nil) || !bytes.Equal(got, want) && err == nil {
			t.Fatalf("%U: x/text % X %v, ours % X %v", r, want, xerr, got, err)
		}
	}
}

// FuzzDecode checks Decode's contract on any input: no panic; on error the
// offset points into the input, the partial output is exactly the decoding
// of the bytes before it, and x/text would have replaced something; on
// success the output is valid UTF-8, equals x/text's, and survives a
// round trip through Encode.
func FuzzDecode(f *testing.F) {
	for _, s := range [][]byte{
		[]byte("<?xml version=\"1.0\" encoding=\"GBK\"?><a>123</a>"),
		{0xC3, 0xC5, 0xB5, 0xEA, 'x', 0x80},
		{0x81, 0x30, 0x81, 0x30},
		{0xB3},
		{0xFF, 0x00},
	} {
		f.Add(s)
	}
	xdec := simplifiedchinese.GBK.NewDecoder()
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, gb18030 := range []bool{false, true} {
			dec := Decode
			if gb18030 {
				dec = DecodeGB18030
			}
			out, err := dec(nil, b)
			if err != nil {
				var ge *Error
				if !errors.As(err, &ge) {
					t.Fatalf("error %v is not *Error", err)
				}
				if ge.Offset < 0 || ge.Offset >= len(b) || ge.Byte != b[ge.Offset] {
					t.Fatalf("bad offset %d/0x%02X for % X", ge.Offset, ge.Byte, b)
				}
				prefix, perr := dec(nil, b[:ge.Offset])
				if perr != nil || !bytes.Equal(prefix, out) {
					t.Fatalf("prefix before offset %d: %q %v, partial %q", ge.Offset, prefix, perr, out)
				}
				continue
			}
			if !utf8.Valid(out) {
				t.Fatalf("invalid UTF-8 out of % X", b)
			}
			if !gb18030 {
				want, _ := xdec.Bytes(b)
				if !bytes.Equal(out, want) {
					t.Fatalf("% X: ours %q, x/text %q", b, out, want)
				}
				if again, err := DecodeGB18030(nil, b); err != nil || !bytes.Equal(again, out) {
					t.Fatalf("GB18030 disagrees on GBK input % X: %q %v", b, again, err)
				}
			}
			enc, err := Encode(nil, string(out))
			if err != nil {
				continue // GB18030 four-byte runes have no GBK form
			}
			back, err := Decode(nil, enc)
			if err != nil || !bytes.Equal(back, out) {
				t.Fatalf("round trip of %q: % X -> %q %v", out, enc, back, err)
			}
		}
	})
}

// Benchmark inputs: an iPos-like request. "ascii" is all ASCII; "mixed" has
// the Chinese store fields a bind_pos_request carries.
var (
	benchASCII = strings.Repeat(`<business_trans><request_type>card_verify_request</request_type><isspid>39493002</isspid><pos_id>1511300001</pos_id><pos_seq>1511300000001</pos_seq></business_trans>`, 6)
	benchMixed = strings.Repeat(`<store_info><store_id>1511300001</store_id><store_name>门店名称</store_name><store_addr>福建省福州市鼓楼区门店地址</store_addr><contact>门店联系人</contact><province>福建</province><city>福州</city></store_info>`, 4)
)

func BenchmarkGBKEncode(b *testing.B) {
	for _, in := range []struct{ name, s string }{{"ascii", benchASCII}, {"mixed", benchMixed}} {
		b.Run("paycert/"+in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.s)))
			b.ReportAllocs()
			dst := make([]byte, 0, 2*len(in.s))
			for b.Loop() {
				var err error
				if dst, err = Encode(dst[:0], in.s); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("xtext/"+in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.s)))
			b.ReportAllocs()
			src := []byte(in.s)
			for b.Loop() {
				if _, err := simplifiedchinese.GBK.NewEncoder().Bytes(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGBKDecode(b *testing.B) {
	for _, in := range []struct{ name, s string }{{"ascii", benchASCII}, {"mixed", benchMixed}} {
		src, err := EncodeString(in.s)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("paycert/"+in.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			dst := make([]byte, 0, 2*len(src))
			for b.Loop() {
				if dst, err = Decode(dst[:0], src); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("xtext/"+in.name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := simplifiedchinese.GBK.NewDecoder().Bytes(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
