package apdu

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func hx(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseCommandCases(t *testing.T) {
	long := bytes.Repeat([]byte{0xAB}, 300)
	tests := []struct {
		name string
		in   string
		want Command
		cas  int
	}{
		{"case 1", "00A40400", Command{0x00, 0xA4, 0x04, 0x00, nil, NoLe}, 1},
		{"case 2S", "805C000204", Command{0x80, 0x5C, 0x00, 0x02, nil, 4}, 2},
		{"case 2S Le 00 = 256", "00B0950000", Command{0x00, 0xB0, 0x95, 0x00, nil, 256}, 2},
		{"case 3S", "00A4040008A000000632010105", Command{0x00, 0xA4, 0x04, 0x00, hx(t, "A000000632010105"), NoLe}, 3},
		{"case 4S", "00A4040008A00000063201010500", Command{0x00, 0xA4, 0x04, 0x00, hx(t, "A000000632010105"), 256}, 4},
		{"case 2E", "00B00000000400", Command{0x00, 0xB0, 0x00, 0x00, nil, 1024}, 2},
		{"case 2E 0000 = 65536", "00B00000000000", Command{0x00, 0xB0, 0x00, 0x00, nil, 65536}, 2},
		{"case 3E", "00D60000" + "00012C" + strings.Repeat("AB", 300), Command{0x00, 0xD6, 0x00, 0x00, long, NoLe}, 3},
		{"case 4E", "00D60000" + "00012C" + strings.Repeat("AB", 300) + "0000", Command{0x00, 0xD6, 0x00, 0x00, long, 65536}, 4},
		{"case 4E small data", "80500002" + "000002" + "0102" + "0010", Command{0x80, 0x50, 0x00, 0x02, hx(t, "0102"), 16}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := hx(t, tt.in)
			c, err := ParseCommand(b)
			if err != nil {
				t.Fatal(err)
			}
			if c.CLA != tt.want.CLA || c.INS != tt.want.INS || c.P1 != tt.want.P1 || c.P2 != tt.want.P2 ||
				!bytes.Equal(c.Data, tt.want.Data) || c.Le != tt.want.Le {
				t.Fatalf("ParseCommand = %+v, want %+v", c, tt.want)
			}
			if c.Case() != tt.cas {
				t.Errorf("Case() = %d, want %d", c.Case(), tt.cas)
			}
			// Re-encoding in the form the input used gives the input back.
			form := Short
			if len(b) > 5 && b[4] == 0 {
				form = Extended
			}
			got, err := c.Encode(form)
			if err != nil || !bytes.Equal(got, b) {
				t.Errorf("Encode = %X, %v; want %X", got, err, b)
			}
		})
	}
}

func TestParseCommandErrors(t *testing.T) {
	tests := []struct{ name, in, mention string }{
		{"empty", "", "0 bytes"},
		{"3 bytes", "00A404", "3 bytes"},
		{"Lc too long", "00A4040008A0000006", "Lc 08"},
		{"Lc short by more than Le", "00A4040002AABBCCDD", "want 3 or 4"},
		{"extended marker truncated 2", "00B000000001", "2 more length bytes"},
		{"extended Lc 0000", "00B00000000000AA", "Lc 0000"},
		{"extended Lc mismatch", "00D6000000000301", "extended Lc 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseCommand(hx(t, tt.in))
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("err %q does not mention %q", err, tt.mention)
			}
		})
	}
}

func TestEncodeForms(t *testing.T) {
	tests := []struct {
		name string
		c    Command
		form Form
		want string
		err  bool
	}{
		{"auto short", GetBalance(), Auto, "805C000204", false},
		{"auto extended Le", Command{0, 0xB0, 0, 0, nil, 1000}, Auto, "00B000000003E8", false},
		{"auto extended data", Command{0, 0xD6, 0, 0, make([]byte, 256), NoLe}, Auto, "00D60000000100" + strings.Repeat("00", 256), false},
		{"forced extended case 4", Command{0x80, 0x5C, 0, 2, []byte{1}, 4}, Extended, "805C000200000101" + "0004", false},
		{"forced extended case 1", Command{0, 0xA4, 0, 0, nil, NoLe}, Extended, "00A40000", false},
		{"Le 0 encodes as 00", Command{0, 0xB0, 0x95, 0, nil, 0}, Auto, "00B0950000", false},
		{"short refused", Command{0, 0xB0, 0, 0, nil, 257}, Short, "", true},
		{"Le out of range", Command{0, 0xB0, 0, 0, nil, 65537}, Auto, "", true},
		{"Le below -1", Command{0, 0xB0, 0, 0, nil, -2}, Auto, "", true},
		{"data too long", Command{0, 0xD6, 0, 0, make([]byte, 65536), NoLe}, Auto, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.Encode(tt.form)
			if tt.err {
				if err == nil {
					t.Fatalf("Encode = %X, want an error", got)
				}
				if tt.form == Auto && tt.c.Bytes() != nil {
					t.Error("Bytes() not nil for an unencodable command")
				}
				return
			}
			if err != nil || !bytes.Equal(got, hx(t, tt.want)) {
				t.Fatalf("Encode = %X, %v; want %s", got, err, tt.want)
			}
		})
	}
}

// TestStringIsUpperHex: commands and responses print as the uppercase hex
// the seed's APDU lists use.
func TestStringIsUpperHex(t *testing.T) {
	c := Command{CLA: 0x80, INS: 0x5C, P1: 0x00, P2: 0x02, Le: 4}
	if got := c.String(); got != "805C000204" {
		t.Errorf("Command.String = %q", got)
	}
	c = Command{CLA: 0x00, INS: 0xA4, P1: 0x04, P2: 0x00, Data: []byte{0xA0, 0x00, 0xBC, 0xFE}, Le: NoLe}
	if got := c.String(); got != "00A4040004A000BCFE" {
		t.Errorf("Command.String = %q", got)
	}
	if got := (Response{Data: []byte{0xDE, 0xAD}, SW: 0x6A82}).String(); got != "DEAD6A82" {
		t.Errorf("Response.String = %q", got)
	}
}

func TestParseResponse(t *testing.T) {
	r, err := ParseResponse(hx(t, "000010009000"))
	if err != nil || r.SW != SWOK || !bytes.Equal(r.Data, hx(t, "00001000")) || !r.OK() {
		t.Fatalf("ParseResponse = %+v, %v", r, err)
	}
	if r.String() != "000010009000" {
		t.Errorf("String = %s", r)
	}
	r, err = ParseResponse(hx(t, "9401"))
	if err != nil || r.SW != SWInsufficientBalance || len(r.Data) != 0 {
		t.Fatalf("ParseResponse(9401) = %+v, %v", r, err)
	}
	for _, in := range []string{"", "90"} {
		_, err := ParseResponse(hx(t, in))
		var te *TornError
		if !errors.Is(err, ErrTorn) || !errors.As(err, &te) || len(te.Got) != len(in)/2 {
			t.Errorf("ParseResponse(%q) err = %v, want a TornError", in, err)
		}
	}
}

func TestSWMeanings(t *testing.T) {
	tests := []struct {
		sw   SW
		want string
	}{
		{0x9000, "9000 (success)"},
		{0x6110, "6110 (success, 16 response bytes still available (GET RESPONSE))"},
		{0x6C04, "6C04 (wrong Le, the exact length is 4)"},
		{0x6700, "6700 (wrong length)"},
		{0x6982, "6982 (security status not satisfied)"},
		{0x6985, "6985 (conditions of use not satisfied)"},
		{0x6988, "6988 (incorrect secure-messaging data (bad MAC))"},
		{0x6A82, "6A82 (file or application not found)"},
		{0x6A83, "6A83 (record not found)"},
		{0x6B00, "6B00 (wrong parameters P1-P2 (offset outside the file))"},
		{0x6D00, "6D00 (instruction code not supported or invalid)"},
		{0x6E00, "6E00 (class not supported)"},
		{0x9302, "9302 (MAC invalid)"},
		{0x9401, "9401 (insufficient balance)"},
		{0x9406, "9406 (requested MAC/TAC not available (no such transaction recorded))"},
		{0x63C2, "63C2 (verification failed, 2 tries left)"},
		{0x1234, "1234 (unknown status)"},
	}
	for _, tt := range tests {
		if got := tt.sw.String(); got != tt.want {
			t.Errorf("SW(%04X).String() = %q, want %q", uint16(tt.sw), got, tt.want)
		}
	}
	if !SW(0x6102).Success() || SW(0x6A82).Success() {
		t.Error("Success() wrong")
	}
}
