package testpki_test

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"

	"paycert/codecs/rsasig"
	"paycert/codecs/testpki"
)

func TestKitChains(t *testing.T) {
	now := time.Now()
	start := time.Now()
	kit, err := testpki.NewKit(now, testpki.KitOptions{ClientCN: "104110045112012", SignerCN: "mgw"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kit generated in %v", time.Since(start))
	roots := kit.CA.Pool()
	verify := func(l *testpki.Leaf, usage x509.ExtKeyUsage) error {
		_, err := l.Cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{usage}})
		return err
	}
	cases := []struct {
		name  string
		leaf  *testpki.Leaf
		usage x509.ExtKeyUsage
		ok    bool
	}{
		{"server", kit.Server, x509.ExtKeyUsageServerAuth, true},
		{"client", kit.Client, x509.ExtKeyUsageClientAuth, true},
		{"expired client", kit.Expired, x509.ExtKeyUsageClientAuth, false},
		{"client of another CA", kit.Foreign, x509.ExtKeyUsageClientAuth, false},
		{"signer", kit.Signer, x509.ExtKeyUsageAny, true},
	}
	for _, c := range cases {
		if err := verify(c.leaf, c.usage); c.ok != (err == nil) {
			t.Errorf("%s: verify err=%v, want ok=%v", c.name, err, c.ok)
		}
	}
	if err := kit.Server.Cert.VerifyHostname("127.0.0.1"); err != nil {
		t.Error(err)
	}
	if err := kit.Server.Cert.VerifyHostname("localhost"); err != nil {
		t.Error(err)
	}
	if kit.SignerKey() == nil || kit.SignerKey().N.BitLen() != 2048 {
		t.Error("signer is not RSA-2048")
	}
}

func TestWriteFilesLoadable(t *testing.T) {
	kit, err := testpki.NewKit(time.Now(), testpki.KitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	f, err := kit.WriteFiles(dir, "10411004511201290.pfx", "mgw", "pw")
	if err != nil {
		t.Fatal(err)
	}
	read := func(n string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if _, err := tls.X509KeyPair(read(f.ServerCert), read(f.ServerKey)); err != nil {
		t.Errorf("server pair: %v", err)
	}
	p, err := rsasig.ParsePFX(read(f.ClientPFX), "pw")
	if err != nil || !p.Cert.Equal(kit.Client.Cert) {
		t.Errorf("client pfx: %v", err)
	}
	if pk, err := rsasig.ParsePublicKey(read(f.SignerCertDER)); err != nil || !pk.Equal(&kit.SignerKey().PublicKey) {
		t.Errorf("mgw.cer: %v", err)
	}
	if k, err := rsasig.ParsePrivateKey(read(f.SignerKey)); err != nil || !k.Equal(kit.SignerKey()) {
		t.Errorf("signer key: %v", err)
	}
}

func BenchmarkNewKit(b *testing.B) {
	for b.Loop() {
		if _, err := testpki.NewKit(time.Now(), testpki.KitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLoadKitRoundTrip(t *testing.T) {
	kit, err := testpki.NewKit(time.Now(), testpki.KitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := kit.WriteFiles(dir, "client.pfx", "mgw", "pw"); err != nil {
		t.Fatal(err)
	}
	got, err := testpki.LoadKit(dir, "client.pfx", "mgw", "pw")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Client.Cert.Equal(kit.Client.Cert) || !got.Server.Cert.Equal(kit.Server.Cert) || !got.SignerKey().Equal(kit.SignerKey()) {
		t.Fatal("loaded kit differs from the written one")
	}
	if _, err := testpki.LoadKit(dir, "client.pfx", "mgw", "wrong"); err == nil {
		t.Fatal("kit loaded with the wrong password")
	}
	// The loaded CA keeps its key: a lab issues its own client
	// certificate, and it chains to the CA the server trusts.
	leaf, err := got.CA.Issue(testpki.LeafOptions{CommonName: "lab-client", Client: true, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatalf("the loaded CA cannot issue: %v", err)
	}
	if _, err := leaf.Cert.Verify(x509.VerifyOptions{Roots: kit.CA.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatalf("a client certificate issued by the loaded CA does not chain to the written ca.pem: %v", err)
	}
}
