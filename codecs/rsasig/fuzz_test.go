package rsasig_test

import (
	"crypto/rsa"
	"testing"

	"paycert/codecs/rsasig"
)

// The parsers take operator-supplied files and peer-supplied signatures:
// whatever the bytes, they must return an error or a value, never panic.

func FuzzParsePublicKey(f *testing.F) {
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
	f.Add([]byte{0x30, 0x82, 0x01, 0x0a})
	f.Add([]byte("MIIBCgKCAQEA"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = rsasig.ParsePublicKey(b)
		_, _ = rsasig.ParseCertificates(b)
	})
}

func FuzzParsePrivateKey(f *testing.F) {
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n"))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nMIIE\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = rsasig.ParseAnyPrivateKey(b)
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
	k := fuzzKey(f)
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

func fuzzKey(f *testing.F) *rsa.PrivateKey {
	return newKey(f)
}
