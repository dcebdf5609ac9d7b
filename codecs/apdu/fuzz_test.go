package apdu

import (
	"bytes"
	"errors"
	"testing"
)

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"00A40400", "805C000204", "00A4040008A000000632010105", "00A4040008A00000063201010500",
		"00B00000000400", "80500002000002010200100", "0084000004", "00D6000000000301", ""} {
		if b, err := decodeHexLoose(s); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCommand(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		form := Short
		if len(b) > 5 && b[4] == 0 {
			form = Extended
		}
		got, err := c.Encode(form)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("re-encode %X = %X, %v", b, got, err)
		}
		again, err := ParseCommand(c.Bytes())
		if err != nil || again.Le != c.Le || !bytes.Equal(again.Data, c.Data) || again.INS != c.INS {
			t.Fatalf("Auto round trip of %X: %+v, %v", b, again, err)
		}
		_ = Name(c)
	})
}

func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{"9000", "000010009000", "90", "", "6A82"} {
		if b, err := decodeHexLoose(s); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseResponse(b)
		if err != nil {
			if !errors.Is(err, ErrTorn) || len(b) >= 2 {
				t.Fatalf("%X: err %v", b, err)
			}
			return
		}
		if !bytes.Equal(r.Bytes(), b) {
			t.Fatalf("round trip %X -> %X", b, r.Bytes())
		}
		_ = r.SW.String()
		for _, p := range []func([]byte) error{
			func(d []byte) error { _, err := ParseInitLoadReply(d); return err },
			func(d []byte) error { _, err := ParseInitPurchaseReply(d); return err },
			func(d []byte) error { _, err := ParseDebitReply(d); return err },
			func(d []byte) error { _, err := ParseProofReply(d); return err },
			func(d []byte) error { _, err := FindTag(d, 0x9F0C); return err },
		} {
			_ = p(r.Data)
		}
	})
}

func FuzzParseHexList(f *testing.F) {
	for _, s := range []string{"00A4040008A000000632010105,805C000204", "IDX 0002 00A4, idx_0003|805C000204",
		`["805C000204"]`, "00B2013C00(充值交易明细1)，0x9000;", "", ",,", "IDX_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseList(s)
		if err != nil {
			if !errors.Is(err, ErrHexList) {
				t.Fatalf("error %v does not wrap ErrHexList", err)
			}
			return
		}
		again, err := ParseList(l.String())
		if err != nil || again.String() != l.String() {
			t.Fatalf("canonical %q does not round-trip: %q, %v", l.String(), again.String(), err)
		}
	})
}

func decodeHexLoose(s string) ([]byte, error) {
	l, err := ParseList(s)
	if err != nil || len(l) == 0 {
		return nil, errors.New("no bytes")
	}
	return l[0].Bytes, nil
}
