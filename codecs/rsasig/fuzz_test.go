package rsasig_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"paycert/codecs/rsasig"
)

// The parsers take operator-supplied files and peer-supplied signatures:
// whatever the bytes, they must return an error or a value, never panic, and
// a value they return must work. The corpus starts from a real key in each
// form a vendor ships, so the fuzzer mutates structures that parse.

func FuzzParsePublicKey(f *testing.F) {
	k := newKey(f)
	pkix, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix}))
	f.Add(x509.MarshalPKCS1PublicKey(&k.PublicKey))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
	f.Add([]byte("MIIBCgKCAQEA"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if pub, err := rsasig.ParsePublicKey(b); err == nil && rsasig.Verify(pub, b, b) == nil {
			t.Fatalf("the input verified as its own signature under the key it holds")
		}
		_, _ = rsasig.ParseCertificates(b)
	})
}

func FuzzParsePrivateKey(f *testing.F) {
	k := newKey(f)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	f.Add(x509.MarshalPKCS1PrivateKey(k))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nMIIE\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	msg := []byte("<MasMessage/>")
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := rsasig.ParseAnyPrivateKey(b)
		if err != nil {
			return
		}
		rk, ok := s.(*rsa.PrivateKey)
		if !ok {
			return
		}
		// An accepted RSA key signs, and its public half verifies that.
		sig, err := rsasig.Sign(nil, rk, msg)
		if err != nil {
			t.Fatalf("accepted key does not sign: %v", err)
		}
		if err := rsasig.Verify(&rk.PublicKey, msg, sig); err != nil {
			t.Fatalf("accepted key's signature does not verify: %v", err)
		}
	})
}

func FuzzParsePFX(f *testing.F) {
	f.Add([]byte{0x30, 0x80}, "")
	f.Add([]byte("not a pfx"), "secret")
	f.Fuzz(func(t *testing.T, b []byte, pw string) {
		_, _ = rsasig.ParsePFX(b, pw)
	})
}

func FuzzDecodeSignatureVerify(f *testing.F) {
	k := newKey(f)
	f.Add("AAAA", []byte("msg"))
	f.Add("00ff", []byte{})
	f.Fuzz(func(t *testing.T, s string, msg []byte) {
		sig, err := rsasig.DecodeSignature(s)
		if err != nil {
			return
		}
		if rsasig.Verify(&k.PublicKey, msg, sig) == nil {
			t.Fatalf("random signature %q verified", s)
		}
	})
}
