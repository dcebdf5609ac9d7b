package epurse

import (
	"bytes"
	"crypto/cipher"
	"crypto/des"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/emmansun/gmsm/sm4"
)

func TestPad(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 8, "8000000000000000"},
		{"01", 8, "0180000000000000"},
		{"01020304050607", 8, "0102030405060780"},
		{"0102030405060708", 8, "01020304050607088000000000000000"},
		{"01", 16, "01800000000000000000000000000000"},
	}
	for _, tt := range tests {
		if got := Pad(h(t, tt.in), tt.n); !bytes.Equal(got, h(t, tt.want)) {
			t.Errorf("Pad(%s, %d) = %X, want %s", tt.in, tt.n, got, tt.want)
		}
	}
}

// TestMACAlgorithm3 checks the retail MAC against an independent
// formulation: ISO 9797-1 algorithm 3 equals single-DES CBC over all blocks
// but the last, then 3DES-EDE (K1,K2,K1) of the last chained block, which we
// compute with crypto/cipher's CBC mode and crypto/des's 3DES.
func TestMACAlgorithm3(t *testing.T) {
	key := h(t, "0123456789ABCDEFFEDCBA9876543210")
	iv := h(t, "1122334400000000")
	for _, n := range []int{0, 1, 7, 8, 9, 23, 64} {
		data := bytes.Repeat([]byte{0xA5}, n)
		got, err := MAC(key, iv, data)
		if err != nil {
			t.Fatal(err)
		}
		p := Pad(data, 8)
		k1, _ := des.NewCipher(key[:8])
		x := make([]byte, len(p))
		cipher.NewCBCEncrypter(k1, iv).CryptBlocks(x, p)
		chain := iv
		if len(p) > 8 {
			chain = x[len(p)-16 : len(p)-8]
		}
		last := make([]byte, 8)
		for i := range last {
			last[i] = chain[i] ^ p[len(p)-8+i]
		}
		want, _ := TDES(key, last)
		if !bytes.Equal(got, want[:4]) {
			t.Errorf("len %d: MAC = %X, want %X", n, got, want[:4])
		}
	}
}

// TestSM4MACIsCBC checks the SM4 MAC against crypto/cipher's CBC mode over
// Pad(data, 16): the last ciphertext block, with and without an IV.
func TestSM4MACIsCBC(t *testing.T) {
	key := h(t, "0123456789ABCDEFFEDCBA9876543210")
	blk, err := sm4.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	for _, iv := range [][]byte{nil, h(t, "11223344000000000000000000000000")} {
		for _, n := range []int{0, 1, 15, 16, 17, 40, 64} {
			data := bytes.Repeat([]byte{0x5A}, n)
			got, err := SM4().MAC(key, iv, data)
			if err != nil {
				t.Fatal(err)
			}
			p := Pad(data, 16)
			x := make([]byte, len(p))
			zeroExtended := append(append([]byte(nil), iv...), make([]byte, 16-len(iv))...)
			cipher.NewCBCEncrypter(blk, zeroExtended).CryptBlocks(x, p)
			if want := x[len(x)-16:]; !bytes.Equal(got, want) {
				t.Errorf("iv %X len %d: SM4 MAC = %X, want %X", iv, n, got, want)
			}
		}
	}
}

func TestDiversify(t *testing.T) {
	mk := h(t, "11223344556677888877665544332211")
	f := h(t, "0010170907984000")
	got, err := Scheme{}.Diversify(mk, f)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := TDES(mk, f)
	nf := make([]byte, 8)
	for i := range f {
		nf[i] = ^f[i]
	}
	r, _ := TDES(mk, nf)
	if !bytes.Equal(got, append(l, r...)) {
		t.Fatalf("Diversify = %X, want %X%X", got, l, r)
	}
	if bytes.Equal(got[:8], got[8:]) {
		t.Fatal("halves equal: not F was not applied")
	}
}

func TestKeyErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"TDES short key", func() error { _, err := TDES(make([]byte, 8), make([]byte, 8)); return err }()},
		{"MAC 24-byte key", func() error { _, err := MAC(make([]byte, 24), nil, nil); return err }()},
		{"TAC short DTK", func() error { _, err := Scheme{}.LoadTAC(make([]byte, 8), Load{}); return err }()},
		{"SM4 short key", func() error { _, err := SM4().MAC(make([]byte, 8), nil, nil); return err }()},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, ErrKeyLength) {
			t.Errorf("%s: err = %v, want ErrKeyLength", tt.name, tt.err)
		}
	}
	if _, err := (Scheme{}).Diversify(make([]byte, 16), make([]byte, 7)); err == nil {
		t.Error("Diversify with 7 bytes of F: no error")
	}
	if _, err := MAC(make([]byte, 16), make([]byte, 4), nil); err == nil {
		t.Error("MAC with 4-byte IV: no error")
	}
}

// TestSchemes runs a load through card-side and centre-side computations
// under each cipher: both must agree, and a change of any covered field must
// change the cryptogram.
func TestSchemes(t *testing.T) {
	mk := h(t, "000102030405060708090A0B0C0D0E0F")
	f := h(t, "1122334455667788")
	for _, c := range []Cipher{TripleDES(), SM4()} {
		s := Scheme{Cipher: c}
		dlk, err := s.Diversify(mk, f)
		if err != nil {
			t.Fatal(err)
		}
		l := Load{OldBalance: 500, Amount: 1000, Type: TypePurseLoad, Random: [4]byte{1, 2, 3, 4}, OnlineSeq: 7}
		ses, err := s.LoadSessionKey(dlk, l.Random, l.OnlineSeq)
		if err != nil {
			t.Fatal(err)
		}
		if len(ses) != c.BlockSize() {
			t.Errorf("alg %02X: session key %d bytes", c.AlgID(), len(ses))
		}
		m1, _ := s.LoadMAC1(ses, l)
		l2 := l
		l2.Amount++
		m1b, _ := s.LoadMAC1(ses, l2)
		if len(m1) != 4 || bytes.Equal(m1, m1b) {
			t.Errorf("alg %02X: MAC1 %X does not depend on the amount (%X)", c.AlgID(), m1, m1b)
		}
		tac, err := s.LoadTAC(dlk, l)
		if err != nil || len(tac) != 4 {
			t.Errorf("alg %02X: TAC %X, %v", c.AlgID(), tac, err)
		}
		sm, err := s.SecureMessagingMAC(dlk, [4]byte{9, 9, 9, 9}, h(t, "04D6950022"))
		sm0, _ := s.SecureMessagingMAC(dlk, [4]byte{}, h(t, "04D6950022"))
		if err != nil || bytes.Equal(sm, sm0) {
			t.Errorf("alg %02X: secure-messaging MAC ignores the challenge", c.AlgID())
		}
	}
}

func BenchmarkLoadMAC1(b *testing.B) {
	key := h(b, "11223344556677888877665544332211")
	var s Scheme
	l := Load{Amount: 0x1000, Type: 1, Random: [4]byte{0x11, 0x22, 0x33, 0x44}}
	b.ReportAllocs()
	for b.Loop() {
		ses, err := s.LoadSessionKey(key, l.Random, l.OnlineSeq)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.LoadMAC1(ses, l); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTDESIsEDE: TDES is crypto/des's 3DES-EDE under K1‖K2‖K1.
func TestTDESIsEDE(t *testing.T) {
	for _, key := range []string{"000102030405060708090A0B0C0D0E0F", "0123456789ABCDEFFEDCBA9876543210", "11111111111111112222222222222222"} {
		k, _ := hex.DecodeString(key)
		block := []byte{0x88, 0x00, 0x01, 0x02, 0x03, 0x04, 0x80, 0x00}
		got, err := TDES(k, block)
		if err != nil {
			t.Fatal(err)
		}
		c, err := des.NewTripleDESCipher(append(append([]byte(nil), k...), k[:8]...))
		if err != nil {
			t.Fatal(err)
		}
		want := make([]byte, 8)
		c.Encrypt(want, block)
		if !bytes.Equal(got, want) {
			t.Errorf("TDES(%s) = %X, crypto/des %X", key, got, want)
		}
	}
}

func BenchmarkTDES(b *testing.B) {
	k, _ := hex.DecodeString("0123456789ABCDEFFEDCBA9876543210")
	block := make([]byte, 8)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := TDES(k, block); err != nil {
			b.Fatal(err)
		}
	}
}
