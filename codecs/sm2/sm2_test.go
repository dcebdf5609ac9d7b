package sm2

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/smx509"
	tjsm2 "github.com/tjfoc/gmsm/sm2"
	tjsm3 "github.com/tjfoc/gmsm/sm3"
)

// testMessages are signed and verified by both libraries: a seed 003 style
// request, binary, empty and a multi-block message.
var testMessages = [][]byte{
	[]byte(`{"txncode":"charge","cardno":"2253123456781234","sign":""}`),
	[]byte(""),
	{0x00, 0xff, 0x80, 0x7f},
	bytes.Repeat([]byte("湖州交通一卡通"), 40),
}

// testUIDs: empty (means DefaultUID), the default spelled out, an ASCII
// merchant-style ID and a long binary one.
var testUIDs = [][]byte{nil, []byte(DefaultUID), []byte("ALICE123@YAHOO.COM"), bytes.Repeat([]byte{0xa5}, 300)}

func TestSM3Vectors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// GB/T 32905-2016 appendix A examples 1 and 2.
		{"abc", "abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
		{"abcd*16", strings.Repeat("abcd", 16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
		{"empty", "", "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SM3([]byte(tt.in))
			if hex.EncodeToString(got[:]) != tt.want {
				t.Errorf("SM3 = %x, want %s", got, tt.want)
			}
			h := NewSM3()
			for i := range len(tt.in) { // one byte at a time: the streaming path
				h.Write([]byte{tt.in[i]})
			}
			if s := hex.EncodeToString(h.Sum(nil)); s != tt.want {
				t.Errorf("NewSM3 streamed = %s, want %s", s, tt.want)
			}
			if s := hex.EncodeToString(tjsm3.Sm3Sum([]byte(tt.in))); s != tt.want {
				t.Errorf("tjfoc oracle = %s, want %s (vector or oracle wrong)", s, tt.want)
			}
		})
	}
}

func TestSM3AgainstTjfoc(t *testing.T) {
	buf := make([]byte, 1000)
	rand.Read(buf)
	for n := range len(buf) {
		got := SM3(buf[:n])
		if want := tjsm3.Sm3Sum(buf[:n]); !bytes.Equal(got[:], want) {
			t.Fatalf("len %d: SM3 = %x, tjfoc = %x", n, got, want)
		}
	}
}

func tjPrivate(k *PrivateKey) *tjsm2.PrivateKey {
	e := k.GMSM()
	return &tjsm2.PrivateKey{PublicKey: tjsm2.PublicKey{Curve: tjsm2.P256Sm2(), X: e.X, Y: e.Y}, D: e.D}
}

func tjPublic(k *PublicKey) *tjsm2.PublicKey {
	e := k.ECDSA()
	return &tjsm2.PublicKey{Curve: tjsm2.P256Sm2(), X: e.X, Y: e.Y}
}

// TestOraclePaycertSignsTjfocVerifies: every signature paycert makes verifies
// with tjfoc/gmsm, an independent implementation (pure Go, big.Int). tjfoc
// is asked only about random signatures: its verdict is wrong when
// s·G = ±t·P (TestVerifyDoublingAndInfinity), which random ones reach with
// probability about 2⁻²⁵⁶.
func TestOraclePaycertSignsTjfocVerifies(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tp := tjPublic(k.Public())
	for _, uid := range testUIDs {
		for _, msg := range testMessages {
			sig, err := Sign(rand.Reader, k, uid, msg)
			if err != nil {
				t.Fatal(err)
			}
			if !tjsm2.Sm2Verify(tp, msg, uid, sig.R(), sig.S()) {
				t.Errorf("uid %.20q msg %.20q: tjfoc rejects paycert's signature", uid, msg)
			}
			if !Verify(k.Public(), uid, msg, sig) {
				t.Errorf("uid %.20q msg %.20q: paycert rejects its own signature", uid, msg)
			}
			tampered := append(append([]byte{}, msg...), ' ')
			if tjsm2.Sm2Verify(tp, tampered, uid, sig.R(), sig.S()) || Verify(k.Public(), uid, tampered, sig) {
				t.Errorf("uid %.20q msg %.20q: signature verifies over a tampered message", uid, msg)
			}
		}
	}
}

// TestOracleTjfocSignsPaycertVerifies: the other direction, with the key made
// by tjfoc and carried over as hex, so key parsing is in the loop too.
func TestOracleTjfocSignsPaycertVerifies(t *testing.T) {
	tk, err := tjsm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d := make([]byte, 32)
	tk.D.FillBytes(d)
	k, err := ParsePrivateKey([]byte(hex.EncodeToString(d)))
	if err != nil {
		t.Fatal(err)
	}
	if k.Public().ECDSA().X.Cmp(tk.X) != 0 || k.Public().ECDSA().Y.Cmp(tk.Y) != 0 {
		t.Fatal("public key derived from tjfoc's scalar differs from tjfoc's")
	}
	for _, uid := range testUIDs {
		for _, msg := range testMessages {
			r, s, err := tjsm2.Sm2Sign(tk, msg, uid, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			var sig Signature
			r.FillBytes(sig[:32])
			s.FillBytes(sig[32:])
			if !Verify(k.Public(), uid, msg, sig) {
				t.Errorf("uid %.20q msg %.20q: paycert rejects tjfoc's signature", uid, msg)
			}
			der, err := tjsm2.SignDigitToSignData(r, s)
			if err != nil {
				t.Fatal(err)
			}
			fromDER, err := ParseSignature(der)
			if err != nil || fromDER != sig {
				t.Errorf("tjfoc DER %x parsed as %x, %v; want %x", der, fromDER, err, sig)
			}
			if !bytes.Equal(sig.DER(), der) {
				t.Errorf("DER() = %x, tjfoc (encoding/asn1) = %x", sig.DER(), der)
			}
		}
	}
}

func TestDigestMatchesTjfoc(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tp := tjPublic(k.Public())
	for _, uid := range testUIDs {
		got, err := Digest(k.Public(), uid, testMessages[0])
		if err != nil {
			t.Fatal(err)
		}
		want, err := tp.Sm3Digest(testMessages[0], uid)
		if err != nil {
			t.Fatal(err)
		}
		// tjfoc returns e via big.Int.Bytes, dropping leading zeros.
		if new(big.Int).SetBytes(got[:]).Cmp(new(big.Int).SetBytes(want)) != 0 {
			t.Errorf("uid %.20q: Digest = %x, tjfoc = %x", uid, got, want)
		}
	}
}

func TestSignVerifyUIDMismatch(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	msg := testMessages[0]
	sig, err := Sign(nil, k, []byte("merchant-A"), msg) // nil rand means crypto/rand
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		uid  []byte
		want bool
	}{
		{"same uid", []byte("merchant-A"), true},
		{"default uid", nil, false},
		{"other uid", []byte("merchant-B"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Verify(k.Public(), tt.uid, msg, sig); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
	other, _ := GenerateKey(rand.Reader)
	if Verify(other.Public(), []byte("merchant-A"), msg, sig) {
		t.Error("signature verifies under another key")
	}
	if Verify(nil, nil, msg, sig) || VerifyDigest(nil, msg, sig) {
		t.Error("nil key verifies")
	}
	if _, err := Sign(rand.Reader, nil, nil, msg); err == nil {
		t.Error("Sign with nil key: no error")
	}
	if _, err := Sign(rand.Reader, k, make([]byte, maxUIDLen+1), msg); err == nil {
		t.Error("Sign with an over-long uid: no error")
	}
}

func TestSignatureBadRanges(t *testing.T) {
	k, _ := GenerateKey(rand.Reader)
	n := k.Public().ECDSA().Params().N
	var zero, nSig, ones Signature
	n.FillBytes(nSig[:32])
	n.FillBytes(nSig[32:])
	for i := range ones {
		ones[i] = 0xff
	}
	for _, s := range []Signature{zero, nSig, ones} {
		if Verify(k.Public(), nil, testMessages[0], s) {
			t.Errorf("out-of-range signature %x verifies", s)
		}
	}
}

func TestKeyEncodings(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub := k.Public()
	privPEM, err := k.MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, err := pub.MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	sec1, err := sec1PEM(k)
	if err != nil {
		t.Fatal(err)
	}
	unc := pub.Hex(false)
	privTests := []struct {
		name string
		in   string
	}{
		{"hex", k.Hex()},
		{"HEX with 0x and newline", "0x" + strings.ToUpper(k.Hex()) + "\n"},
		{"PKCS#8 PEM", string(privPEM)},
		{"SEC1 PEM", sec1},
		{"openssl ecparam output", "-----BEGIN EC PARAMETERS-----\nBggqgRzPVQGCLQ==\n-----END EC PARAMETERS-----\n" + sec1},
		{"keygen --pem bundle", string(privPEM) + string(pubPEM)},
	}
	for _, tt := range privTests {
		t.Run("private/"+tt.name, func(t *testing.T) {
			got, err := ParsePrivateKey([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got.Hex() != k.Hex() || !got.Public().Equal(pub) {
				t.Errorf("parsed a different key")
			}
		})
	}
	pubTests := []struct {
		name string
		in   string
	}{
		{"compressed", pub.Hex(true)},
		{"uncompressed", unc},
		{"raw X||Y", unc[2:]},
		{"upper case, spaces", "  " + strings.ToUpper(pub.Hex(true)) + " \r\n"},
		{"PKIX PEM", string(pubPEM)},
		{"keygen --pem bundle", string(privPEM) + string(pubPEM)},
	}
	for _, tt := range pubTests {
		t.Run("public/"+tt.name, func(t *testing.T) {
			got, err := ParsePublicKey([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(pub) {
				t.Errorf("parsed %s, want %s", got.Hex(false), unc)
			}
		})
	}
	if c := pub.Hex(true); len(c) != 66 || (c[:2] != "02" && c[:2] != "03") {
		t.Errorf("compressed hex %q", c)
	}
}

func TestParseErrors(t *testing.T) {
	k, _ := GenerateKey(rand.Reader)
	offCurve := "04" + strings.Repeat("11", 64)
	n := hex.EncodeToString(k.Public().ECDSA().Params().N.Bytes())
	tests := []struct {
		name    string
		parse   func([]byte) error
		in      string
		wantErr string
	}{
		{"priv empty", parsePriv, "", "empty hex"},
		{"priv bad digit", parsePriv, "12zz", `bad hex digit 'z' at offset 2`},
		{"priv odd", parsePriv, "123", "odd number"},
		{"priv short", parsePriv, "1234", "want a 32-byte scalar"},
		{"priv zero", parsePriv, strings.Repeat("00", 32), "out of range"},
		{"priv n", parsePriv, n, "out of range"},
		{"priv wrong PEM", parsePriv, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", `no PRIVATE KEY or EC PRIVATE KEY or ENCRYPTED PRIVATE KEY PEM block (found CERTIFICATE)`},
		{"priv broken PEM", parsePriv, "-----BEGIN PRIVATE KEY-----\n", "malformed PEM"},
		{"priv garbage PKCS#8", parsePriv, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "PKCS#8"},
		{"priv encrypted", parsePriv, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "not supported"},
		{"pub off curve", parsePub, offCurve, "not on the SM2 curve"},
		{"pub raw off curve", parsePub, offCurve[2:], "not on the SM2 curve"},
		{"pub compressed no root", parsePub, "02" + strings.Repeat("00", 31) + "05", "not on the SM2 curve"},
		{"pub wrong prefix", parsePub, "05" + strings.Repeat("11", 32), "want 02/03"},
		{"pub length", parsePub, "0411", "want 02/03"},
		{"pub x >= p", parsePub, "04" + strings.Repeat("ff", 64), "not on the SM2 curve"},
		{"pub wrong PEM", parsePub, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "no PUBLIC KEY PEM block (found PRIVATE KEY)"},
		{"sig short hex", parseSig, "abcd", "want 64"},
		{"sig bad hex", parseSig, "xyz", "bad hex digit"},
		{"sig DER trailing", parseSig, "3006020101020101ff", "malformed DER"},
		{"sig DER r too long", parseSig, "3027022201" + strings.Repeat("11", 33) + "020101", "longer than the curve order"},
		{"sig DER negative", parseSig, "30060201ff020101", "malformed DER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func parsePriv(b []byte) error { _, err := ParsePrivateKey(b); return err }
func parsePub(b []byte) error  { _, err := ParsePublicKey(b); return err }
func parseSig(b []byte) error  { _, err := ParseSignature(b); return err }

func TestParseSignatureForms(t *testing.T) {
	k, _ := GenerateKey(rand.Reader)
	sig, err := Sign(rand.Reader, k, nil, testMessages[0])
	if err != nil {
		t.Fatal(err)
	}
	// A signature whose r has a high bit set and s leading zeros exercises
	// the DER INTEGER padding rules.
	var edge Signature
	edge[0] = 0x80
	edge[63] = 0x01
	// Binary forms that begin or end with whitespace-like bytes (a tjfoc
	// signature ending in 0x09 once lost its last byte to trimming).
	var spacey Signature
	for i := range spacey {
		spacey[i] = 0x5a
	}
	spacey[0], spacey[31], spacey[32], spacey[63] = 0x20, 0x0a, 0x0d, 0x09
	// Raw r‖s beginning with 0x30, the DER SEQUENCE tag (one signature in
	// 256): binary input of it once read as malformed DER.
	seq := sig
	seq[0] = 0x30
	for _, s := range []Signature{sig, edge, spacey, seq} {
		forms := []struct {
			name string
			in   []byte
		}{
			{"raw", s.Raw()},
			{"hex", []byte(s.Hex())},
			{"HEX", []byte(strings.ToUpper(s.Hex()))},
			{"DER", s.DER()},
			{"DER hex", []byte(hex.EncodeToString(s.DER()) + "\n")},
		}
		for _, f := range forms {
			got, err := ParseSignature(f.in)
			if err != nil || got != s {
				t.Errorf("%s %x: got %x, %v", f.name, f.in, got, err)
			}
		}
	}
	if d := edge.DER(); hex.EncodeToString(d) != "3026022100"+"80"+strings.Repeat("00", 31)+"020101" {
		t.Errorf("edge DER = %x", d)
	}
}

func sec1PEM(k *PrivateKey) (string, error) {
	der, err := smx509.MarshalSM2PrivateKey(k.GMSM())
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})), nil
}
