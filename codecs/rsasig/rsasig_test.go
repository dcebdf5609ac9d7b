package rsasig_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"paycert/codecs/rsasig"
	"paycert/codecs/testpki"
)

func newKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSignVerify(t *testing.T) {
	k := newKey(t)
	msg := []byte("<?xml version=\"1.0\" encoding=\"GBK\"?><MasMessage>\xbd\xa8\xc9\xe8\xd2\xf8\xd0\xd0</MasMessage>")
	sig, err := rsasig.Sign(nil, k, msg)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig) != 256 {
		t.Fatalf("signature length %d, want 256 for RSA-2048", len(sig))
	}
	cases := []struct {
		name string
		msg  []byte
		sig  []byte
		ok   bool
	}{
		{"exact bytes", msg, sig, true},
		{"one byte changed", append(append([]byte{}, msg[:len(msg)-1]...), 'X'), sig, false},
		{"truncated signature", msg, sig[:255], false},
		{"empty message", nil, sig, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := rsasig.Verify(&k.PublicKey, c.msg, c.sig)
			if c.ok != (err == nil) {
				t.Fatalf("verify: err=%v, want ok=%v", err, c.ok)
			}
			if !c.ok && !errors.Is(err, rsasig.ErrVerify) {
				t.Fatalf("error %v does not wrap ErrVerify", err)
			}
		})
	}
}

// TestOpenSSLOracle checks our signatures against openssl's when it is
// installed: an independent implementation agreeing on RSA-SHA1 over the
// same bytes is the evidence that "RSA-SHA1" here means what 99bill means.
func TestOpenSSLOracle(t *testing.T) {
	ossl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	dir := t.TempDir()
	k := newKey(t)
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	keyPath := filepath.Join(dir, "k.pem")
	msgPath := filepath.Join(dir, "m")
	os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	msg := []byte("TR3 notice body \xd6\xd0\xce\xc4")
	os.WriteFile(msgPath, msg, 0o600)
	out, err := exec.Command(ossl, "dgst", "-sha1", "-sign", keyPath, msgPath).Output()
	if err != nil {
		t.Skipf("openssl dgst failed (%v): environment without SHA-1 signing", err)
	}
	ours, err := rsasig.Sign(nil, k, msg)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(out) != hex.EncodeToString(ours) {
		t.Fatalf("openssl and rsasig disagree on RSA-SHA1 over the same bytes")
	}
}

func TestSignatureCodings(t *testing.T) {
	sig := make([]byte, 128)
	for i := range sig {
		sig[i] = byte(i * 7)
	}
	for name, text := range map[string]string{
		"std base64":       base64.StdEncoding.EncodeToString(sig),
		"raw url base64":   base64.RawURLEncoding.EncodeToString(sig),
		"hex":              hex.EncodeToString(sig),
		"base64 with wrap": base64.StdEncoding.EncodeToString(sig)[:60] + "\r\n" + base64.StdEncoding.EncodeToString(sig)[60:],
	} {
		got, err := rsasig.DecodeSignature(text)
		if err != nil || hex.EncodeToString(got) != hex.EncodeToString(sig) {
			t.Errorf("%s: got %x, %v", name, got, err)
		}
	}
	if _, err := rsasig.DecodeSignature("not a signature!"); err == nil {
		t.Error("garbage decoded without error")
	}
	if got := rsasig.EncodeSignature(sig); got != base64.StdEncoding.EncodeToString(sig) {
		t.Errorf("EncodeSignature = %q", got)
	}
}

func TestLoading(t *testing.T) {
	kit, err := testpki.NewKit(time.Now(), testpki.KitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	signer := kit.SignerKey()
	keyPEM, _ := kit.Signer.KeyPEM()
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(signer)})
	for name, in := range map[string][]byte{"pkcs8 pem": keyPEM, "pkcs1 pem": pkcs1, "pkcs1 der": x509.MarshalPKCS1PrivateKey(signer)} {
		k, err := rsasig.ParsePrivateKey(in)
		if err != nil || !k.Equal(signer) {
			t.Errorf("ParsePrivateKey(%s): %v", name, err)
		}
	}
	if _, err := rsasig.ParsePrivateKey(mustPEM(t, kit.Client)); err == nil {
		t.Error("ECDSA key accepted as RSA")
	}
	pkix, _ := x509.MarshalPKIXPublicKey(&signer.PublicKey)
	cert := kit.Signer.Cert
	for name, in := range map[string][]byte{
		"cert pem":        kit.Signer.CertPEM(),
		"cert der (.cer)": cert.Raw,
		"cert bare b64":   []byte(base64.StdEncoding.EncodeToString(cert.Raw)),
		"pkix pem":        pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix}),
		"pkcs1 pub pem":   pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&signer.PublicKey)}),
	} {
		pk, err := rsasig.ParsePublicKey(in)
		if err != nil || !pk.Equal(&signer.PublicKey) {
			t.Errorf("ParsePublicKey(%s): %v", name, err)
		}
	}
	c, err := rsasig.ParseCertificate(cert.Raw)
	if err != nil || !c.Equal(cert) {
		t.Errorf("ParseCertificate(der): %v", err)
	}
	pfx, err := kit.Client.PFX("secret")
	if err != nil {
		t.Fatal(err)
	}
	p, err := rsasig.ParsePFX(pfx, "secret")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Cert.Equal(kit.Client.Cert) || len(p.Chain) != 1 || !p.Chain[0].Equal(kit.CA.Cert) {
		t.Errorf("pfx round trip lost the certificate or chain")
	}
	if _, err := rsasig.ParsePFX(pfx, "wrong"); err == nil {
		t.Error("pfx opened with the wrong password")
	}
	if tc := p.TLSCertificate(); len(tc.Certificate) != 2 {
		t.Errorf("TLS certificate chain has %d entries, want 2", len(tc.Certificate))
	}
}

func mustPEM(t *testing.T, l *testpki.Leaf) []byte {
	b, err := l.KeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
