// Package testpki makes throw-away PKIs for tests and simulators: a CA,
// server certificates for loopback names, client certificates (valid,
// expired, or from another CA) and an RSA signing certificate, written as PEM
// and, for clients, as PKCS #12 like a vendor's sandbox kit.
//
// Generation must be fast because every suite run and every "paycert sim"
// start makes a fresh kit: TLS keys are ECDSA P-256 (microseconds); only the
// signing key is RSA-2048, because the protocol it stands in for signs with
// RSA (99bill TR3, seed 001 §4.8). Validity is on the wall clock (TLS
// handshakes check the real time), independent of any simulated clock.
package testpki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"paycert/codecs/rsasig"
)

// CA is a certificate authority that can issue leaves.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// Leaf is an issued certificate and its key.
type Leaf struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	CA   *CA
}

// NewCA creates a self-signed ECDSA P-256 CA valid from five years before
// now (so it covers the issuance of deliberately expired leaves) to ten years
// after.
func NewCA(cn string, now time.Time) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("testpki: ca key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"paycert test PKI"}},
		NotBefore:             now.AddDate(-5, 0, 0),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("testpki: ca cert: %w", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("testpki: ca cert: %w", err)
	}
	return &CA{Cert: c, Key: key}, nil
}

// LeafOptions describe one certificate to issue.
type LeafOptions struct {
	CommonName string
	Hosts      []string // DNS names and IP addresses (server certificates)
	Server     bool     // ExtKeyUsageServerAuth
	Client     bool     // ExtKeyUsageClientAuth
	NotBefore  time.Time
	NotAfter   time.Time
	RSABits    int // 0: ECDSA P-256; otherwise an RSA key of this size
}

// Issue signs a new leaf certificate.
func (ca *CA) Issue(o LeafOptions) (*Leaf, error) {
	var key crypto.Signer
	var err error
	if o.RSABits > 0 {
		key, err = rsa.GenerateKey(rand.Reader, o.RSABits)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		return nil, fmt.Errorf("testpki: %s key: %w", o.CommonName, err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: o.CommonName, Organization: []string{"paycert test PKI"}},
		NotBefore:    o.NotBefore,
		NotAfter:     o.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	if o.RSABits > 0 {
		tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	}
	if o.Server {
		tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
	}
	if o.Client {
		tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
	}
	for _, h := range o.Hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, fmt.Errorf("testpki: %s cert: %w", o.CommonName, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("testpki: %s cert: %w", o.CommonName, err)
	}
	return &Leaf{Cert: c, Key: key, CA: ca}, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		// crypto/rand does not fail on supported platforms; a fixed serial
		// would still make a valid (if non-unique) test certificate.
		return big.NewInt(1)
	}
	return n.Add(n, big.NewInt(1))
}

// CertPEM returns the certificate as PEM.
func (ca *CA) CertPEM() []byte { return pemCert(ca.Cert) }

// Pool returns a pool holding only this CA.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// CertPEM returns the leaf certificate as PEM.
func (l *Leaf) CertPEM() []byte { return pemCert(l.Cert) }

// KeyPEM returns the private key as PKCS #8 PEM.
func (l *Leaf) KeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(l.Key)
	if err != nil {
		return nil, fmt.Errorf("testpki: marshal key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// TLS returns the leaf as a tls.Certificate with its issuing CA in the chain.
func (l *Leaf) TLS() tls.Certificate {
	return tls.Certificate{Certificate: [][]byte{l.Cert.Raw}, PrivateKey: l.Key, Leaf: l.Cert}
}

// PFX returns the leaf, its key and its CA as a PKCS #12 bundle.
func (l *Leaf) PFX(password string) ([]byte, error) {
	var chain []*x509.Certificate
	if l.CA != nil {
		chain = []*x509.Certificate{l.CA.Cert}
	}
	return rsasig.EncodePFX(l.Key, l.Cert, chain, password)
}

func pemCert(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// Kit is a complete mutual-TLS PKI with a notice-signing key:
//   - CA issues Server (127.0.0.1, ::1, localhost), Client (valid),
//     Expired (a client certificate whose validity ended an hour ago) and
//     Signer (RSA-2048, the platform's notice-signing certificate);
//   - OtherCA issues Foreign, a valid client certificate a server trusting
//     only CA must refuse.
type Kit struct {
	CA, OtherCA *CA
	Server      *Leaf
	Client      *Leaf
	Expired     *Leaf
	Foreign     *Leaf
	Signer      *Leaf
}

// KitOptions name the kit's subjects.
type KitOptions struct {
	ClientCN string // e.g. the merchant id; default "test-client"
	SignerCN string // default "test-signer"
	Hosts    []string
}

// NewKit generates a kit with validity around now (use the wall clock: TLS
// checks it).
func NewKit(now time.Time, o KitOptions) (*Kit, error) {
	if o.ClientCN == "" {
		o.ClientCN = "test-client"
	}
	if o.SignerCN == "" {
		o.SignerCN = "test-signer"
	}
	if len(o.Hosts) == 0 {
		o.Hosts = []string{"127.0.0.1", "::1", "localhost"}
	}
	ca, err := NewCA("paycert test CA", now)
	if err != nil {
		return nil, err
	}
	other, err := NewCA("paycert other CA", now)
	if err != nil {
		return nil, err
	}
	k := &Kit{CA: ca, OtherCA: other}
	from, to := now.Add(-time.Hour), now.AddDate(2, 0, 0) // two years, like 99bill's gateway certificates (§6.1)
	steps := []struct {
		dst **Leaf
		ca  *CA
		o   LeafOptions
	}{
		{&k.Server, ca, LeafOptions{CommonName: "localhost", Hosts: o.Hosts, Server: true, NotBefore: from, NotAfter: to}},
		{&k.Client, ca, LeafOptions{CommonName: o.ClientCN, Client: true, NotBefore: from, NotAfter: to}},
		{&k.Expired, ca, LeafOptions{CommonName: o.ClientCN + " (expired)", Client: true, NotBefore: now.AddDate(-2, 0, 0), NotAfter: now.Add(-time.Hour)}},
		{&k.Foreign, other, LeafOptions{CommonName: o.ClientCN + " (other CA)", Client: true, NotBefore: from, NotAfter: to}},
		{&k.Signer, ca, LeafOptions{CommonName: o.SignerCN, NotBefore: from, NotAfter: to, RSABits: 2048}},
	}
	for _, s := range steps {
		l, err := s.ca.Issue(s.o)
		if err != nil {
			return nil, err
		}
		*s.dst = l
	}
	return k, nil
}

// SignerKey returns the RSA key of the signing certificate.
func (k *Kit) SignerKey() *rsa.PrivateKey {
	rk, _ := k.Signer.Key.(*rsa.PrivateKey)
	return rk
}

// KitFiles names the files WriteFiles writes.
type KitFiles struct {
	CA, OtherCA               string // ca.pem, other-ca.pem
	CAKey                     string // ca-key.pem: a lab issues its own client certificates with it
	ServerCert, ServerKey     string
	ClientCert, ClientKey     string
	ClientPFX                 string
	ExpiredPFX, ForeignPFX    string
	SignerCert, SignerCertDER string // PEM and DER (.cer, as 99bill ships mgw.cer)
	SignerKey                 string
}

// WriteFiles writes the kit into dir (created if needed, files 0600) with
// clientPFXName as the client bundle's file name (e.g.
// "10411004511201290.pfx") and signerName as the signing cert's base name
// (e.g. "mgw"). Bundles use password.
func (k *Kit) WriteFiles(dir, clientPFXName, signerName, password string) (KitFiles, error) {
	f := KitFiles{
		CA: "ca.pem", CAKey: "ca-key.pem", OtherCA: "other-ca.pem",
		ServerCert: "server.pem", ServerKey: "server-key.pem",
		ClientCert: "client.pem", ClientKey: "client-key.pem", ClientPFX: clientPFXName,
		ExpiredPFX: "client-expired.pfx", ForeignPFX: "client-other-ca.pfx",
		SignerCert: signerName + ".pem", SignerCertDER: signerName + ".cer", SignerKey: signerName + "-key.pem",
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return f, fmt.Errorf("testpki: %w", err)
	}
	var files []struct {
		name string
		data func() ([]byte, error)
	}
	add := func(name string, fn func() ([]byte, error)) {
		files = append(files, struct {
			name string
			data func() ([]byte, error)
		}{name, fn})
	}
	static := func(b []byte) func() ([]byte, error) { return func() ([]byte, error) { return b, nil } }
	add(f.CA, static(k.CA.CertPEM()))
	if k.CA.Key != nil {
		add(f.CAKey, (&Leaf{Key: k.CA.Key}).KeyPEM)
	}
	add(f.OtherCA, static(k.OtherCA.CertPEM()))
	add(f.ServerCert, static(k.Server.CertPEM()))
	add(f.ServerKey, k.Server.KeyPEM)
	add(f.ClientCert, static(k.Client.CertPEM()))
	add(f.ClientKey, k.Client.KeyPEM)
	add(f.ClientPFX, func() ([]byte, error) { return k.Client.PFX(password) })
	add(f.ExpiredPFX, func() ([]byte, error) { return k.Expired.PFX(password) })
	add(f.ForeignPFX, func() ([]byte, error) { return k.Foreign.PFX(password) })
	add(f.SignerCert, static(k.Signer.CertPEM()))
	add(f.SignerCertDER, static(k.Signer.Cert.Raw))
	add(f.SignerKey, k.Signer.KeyPEM)
	for _, x := range files {
		b, err := x.data()
		if err != nil {
			return f, err
		}
		if err := os.WriteFile(filepath.Join(dir, x.name), b, 0o600); err != nil {
			return f, fmt.Errorf("testpki: write %s: %w", x.name, err)
		}
	}
	return f, nil
}

// LoadKit reads a kit written by WriteFiles (same names and password), so a
// simulator and its clients can share one PKI across processes and
// restarts; with ca-key.pem the loaded CA issues further leaves.
func LoadKit(dir, clientPFXName, signerName, password string) (*Kit, error) {
	read := func(name string) ([]byte, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("testpki: %w", err)
		}
		return b, nil
	}
	caFrom := func(certName string) (*CA, error) {
		b, err := read(certName)
		if err != nil {
			return nil, err
		}
		c, err := rsasig.ParseCertificate(b)
		if err != nil {
			return nil, fmt.Errorf("testpki: %s: %w", certName, err)
		}
		return &CA{Cert: c}, nil // no key: a loaded CA cannot issue
	}
	pair := func(certName, keyName string, ca *CA) (*Leaf, error) {
		cb, err := read(certName)
		if err != nil {
			return nil, err
		}
		kb, err := read(keyName)
		if err != nil {
			return nil, err
		}
		c, err := rsasig.ParseCertificate(cb)
		if err != nil {
			return nil, fmt.Errorf("testpki: %s: %w", certName, err)
		}
		k, err := rsasig.ParseAnyPrivateKey(kb)
		if err != nil {
			return nil, fmt.Errorf("testpki: %s: %w", keyName, err)
		}
		return &Leaf{Cert: c, Key: k, CA: ca}, nil
	}
	pfx := func(name string, ca *CA) (*Leaf, error) {
		b, err := read(name)
		if err != nil {
			return nil, err
		}
		p, err := rsasig.ParsePFX(b, password)
		if err != nil {
			return nil, fmt.Errorf("testpki: %s: %w", name, err)
		}
		return &Leaf{Cert: p.Cert, Key: p.Key, CA: ca}, nil
	}
	k := &Kit{}
	var err error
	if k.CA, err = caFrom("ca.pem"); err != nil {
		return nil, err
	}
	// The CA key is optional (kits written before it was kept have
	// none): with it, the loaded CA can issue again.
	if b, err := os.ReadFile(filepath.Join(dir, "ca-key.pem")); err == nil {
		if k.CA.Key, err = rsasig.ParseAnyPrivateKey(b); err != nil {
			return nil, fmt.Errorf("testpki: ca-key.pem: %w", err)
		}
	}
	if k.OtherCA, err = caFrom("other-ca.pem"); err != nil {
		return nil, err
	}
	if k.Server, err = pair("server.pem", "server-key.pem", k.CA); err != nil {
		return nil, err
	}
	if k.Client, err = pfx(clientPFXName, k.CA); err != nil {
		return nil, err
	}
	if k.Expired, err = pfx("client-expired.pfx", k.CA); err != nil {
		return nil, err
	}
	if k.Foreign, err = pfx("client-other-ca.pfx", k.OtherCA); err != nil {
		return nil, err
	}
	if k.Signer, err = pair(signerName+".pem", signerName+"-key.pem", k.CA); err != nil {
		return nil, err
	}
	return k, nil
}
