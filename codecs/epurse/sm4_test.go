package epurse

import (
	"bytes"
	"crypto/cipher"
	"encoding/binary"
	"testing"

	tjsm4 "github.com/tjfoc/gmsm/sm4"
)

// No published vector exists for the SM4 e-purse (cards.md gives none, and
// neither does any seed): the SM4 Scheme is checked here against an
// independent SM4, tjfoc/gmsm's (the code under test uses emmansun/gmsm's),
// composed by hand from the reading documented on SM4: session key =
// SM4-ECB(card key, 8-byte input zero-extended to 16), MAC = SM4-CBC-MAC
// over the 80-padded data, leftmost 4 bytes, TAC key = DTK. Only the block
// cipher has a published vector (GB/T 32907-2016 appendix A), checked first.

// tjEncrypt is one SM4 block under tjfoc/gmsm.
func tjEncrypt(t *testing.T, key, block []byte) []byte {
	t.Helper()
	c, err := tjsm4.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 16)
	c.Encrypt(out, block)
	return out
}

// tjMAC4 is the SM4 CBC-MAC under tjfoc/gmsm through crypto/cipher's CBC
// mode: the leftmost 4 bytes of the last block.
func tjMAC4(t *testing.T, key, iv, data []byte) []byte {
	t.Helper()
	c, err := tjsm4.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	p := Pad(data, 16)
	x := make([]byte, len(p))
	full := make([]byte, 16)
	copy(full, iv)
	cipher.NewCBCEncrypter(c, full).CryptBlocks(x, p)
	return x[len(x)-16 : len(x)-12]
}

func TestSM4PublishedBlockVector(t *testing.T) {
	key := h(t, "0123456789ABCDEFFEDCBA9876543210")
	want := h(t, "681EDF34D206965E86B3E94F536E4246") // GB/T 32907-2016 A.1
	got, err := SM4().Encrypt(key, key)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) || !bytes.Equal(tjEncrypt(t, key, key), want) {
		t.Fatalf("SM4 block: ours %X, tjfoc %X, published %X", got, tjEncrypt(t, key, key), want)
	}
}

// TestSM4SchemeAgainstIndependentSM4 recomputes every SM4 cryptogram of a
// load, a purchase, a diversification and a secure-messaging MAC.
func TestSM4SchemeAgainstIndependentSM4(t *testing.T) {
	s := Scheme{Cipher: SM4()}
	mk := h(t, "11223344556677888877665544332211")
	f := h(t, "2253000000000101")
	term := [6]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}
	dt := [7]byte{0x20, 0x26, 0x11, 0x22, 0x10, 0x30, 0x00}
	rnd := [4]byte{0x11, 0x22, 0x33, 0x44}
	check := func(name string, got []byte, err error, want []byte) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s = %X, the independent SM4 gives %X", name, got, want)
		}
	}

	key, err := s.Diversify(mk, f)
	check("diversified key", key, err, tjEncrypt(t, mk, append(append([]byte(nil), f...), make([]byte, 8)...)))

	l := Load{OldBalance: 500, Amount: 1234, Type: TypePurseLoad, Terminal: term, OnlineSeq: 7, Random: rnd, DateTime: dt}
	in := append(append(rnd[:0:0], rnd[:]...), 0x00, 0x07, 0x80, 0x00)
	seslk, err := s.LoadSessionKey(key, l.Random, l.OnlineSeq)
	check("SESLK", seslk, err, tjEncrypt(t, key, append(in, make([]byte, 8)...)))
	m1 := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 500), 1234)
	m1 = append(append(m1, TypePurseLoad), term[:]...)
	got, err := s.LoadMAC1(seslk, l)
	check("load MAC1", got, err, tjMAC4(t, seslk, nil, m1))
	m2 := append(append(binary.BigEndian.AppendUint32(nil, 1234), TypePurseLoad), term[:]...)
	m2 = append(m2, dt[:]...)
	got, err = s.LoadMAC2(seslk, l)
	check("load MAC2", got, err, tjMAC4(t, seslk, nil, m2))
	tac := binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint32(nil, 1734), 7)
	tac = append(tac, m2...)
	got, err = s.LoadTAC(key, l)
	check("load TAC", got, err, tjMAC4(t, key, nil, tac)) // TAC key = DTK under SM4

	p := Purchase{Amount: 300, Type: TypePursePurchase, Terminal: term, OfflineSeq: 2, TermSeq: 0x00010203, Random: rnd, DateTime: dt}
	sespk, err := s.PurchaseSessionKey(key, p.Random, p.OfflineSeq, p.TermSeq)
	check("SESPK", sespk, err, tjEncrypt(t, key, append(append(rnd[:0:0], rnd[:]...), 0x00, 0x02, 0x02, 0x03, 0, 0, 0, 0, 0, 0, 0, 0)))
	pm1 := append(append(binary.BigEndian.AppendUint32(nil, 300), TypePursePurchase), term[:]...)
	pm1 = append(pm1, dt[:]...)
	got, err = s.PurchaseMAC1(sespk, p)
	check("purchase MAC1", got, err, tjMAC4(t, sespk, nil, pm1))
	got, err = s.PurchaseMAC2(sespk, p)
	check("purchase MAC2", got, err, tjMAC4(t, sespk, nil, binary.BigEndian.AppendUint32(nil, 300)))
	ptac := append(append(binary.BigEndian.AppendUint32(nil, 300), TypePursePurchase), term[:]...)
	ptac = append(binary.BigEndian.AppendUint32(ptac, p.TermSeq), dt[:]...)
	got, err = s.PurchaseTAC(key, p)
	check("purchase TAC", got, err, tjMAC4(t, key, nil, ptac))

	cmd := h(t, "04D6960006AABB")
	got, err = s.SecureMessagingMAC(key, rnd, cmd)
	check("secure-messaging MAC", got, err, tjMAC4(t, key, rnd[:], cmd))

	// The two ciphers must not agree by accident (a Scheme ignoring its
	// Cipher would pass every check above only if 3DES were also SM4).
	if tm1, _ := (Scheme{}).LoadMAC1(seslk[:16], l); bytes.Equal(tm1, tjMAC4(t, seslk, nil, m1)) {
		t.Fatal("3DES and SM4 give the same MAC1")
	}
}

func TestParseCipher(t *testing.T) {
	tests := []struct {
		in    string
		alg   byte
		name  string
		wrong bool
	}{
		{"3des", 0x00, "3des", false}, {"TDES", 0x00, "3des", false}, {"00", 0x00, "3des", false},
		{"sm4", 0x04, "sm4", false}, {" SM4 ", 0x04, "sm4", false}, {"04", 0x04, "sm4", false},
		{"aes", 0, "", true}, {"", 0, "", true},
	}
	for _, tt := range tests {
		c, err := ParseCipher(tt.in)
		if tt.wrong {
			if err == nil {
				t.Errorf("ParseCipher(%q) accepted", tt.in)
			}
			continue
		}
		if err != nil || c.AlgID() != tt.alg || CipherName(c) != tt.name {
			t.Errorf("ParseCipher(%q) = %v, %v", tt.in, c, err)
		}
	}
	if CipherName(nil) != "3des" {
		t.Error("the zero Scheme's cipher is 3DES")
	}
}
