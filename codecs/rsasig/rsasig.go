// Package rsasig signs and verifies with RSA-SHA1 (PKCS #1 v1.5) over exact
// bytes, and loads the keys and certificates such signatures need: PEM or
// DER private keys (PKCS #1 and PKCS #8), public keys (PKIX, PKCS #1 or a
// certificate), X.509 certificates (PEM, DER, or bare base64 as vendors
// mail them), and PKCS #12 (.pfx) bundles.
//
// RSA-SHA1 is what 99bill signs its TR3 notices with (seed 001 §4.8,
// "RSAwithSHA1"). SHA-1 is weak for new designs; a conformance harness has
// to speak it anyway, so it lives here, in one place, named for what it is.
// The signature is always over the exact bytes given: callers pass the bytes
// that travel (for 99bill the GBK body), never a re-encoded copy.
package rsasig

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// ErrVerify is returned (wrapped) when a signature does not verify.
var ErrVerify = errors.New("rsasig: signature does not verify")

// Sign returns the RSA-SHA1 PKCS #1 v1.5 signature of msg. rnd may be nil
// (PKCS #1 v1.5 signing is deterministic; rnd only blinds).
func Sign(rnd io.Reader, key *rsa.PrivateKey, msg []byte) ([]byte, error) {
	if key == nil {
		return nil, errors.New("rsasig: sign: nil key")
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	h := sha1.Sum(msg)
	sig, err := rsa.SignPKCS1v15(rnd, key, crypto.SHA1, h[:])
	if err != nil {
		return nil, fmt.Errorf("rsasig: sign: %w", err)
	}
	return sig, nil
}

// Verify checks an RSA-SHA1 PKCS #1 v1.5 signature over msg. The error wraps
// ErrVerify when the signature is wrong (as opposed to a missing key).
func Verify(pub *rsa.PublicKey, msg, sig []byte) error {
	if pub == nil {
		return errors.New("rsasig: verify: nil public key")
	}
	h := sha1.Sum(msg)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA1, h[:], sig); err != nil {
		return fmt.Errorf("%w (%d-byte signature, %d-bit key): %v", ErrVerify, len(sig), pub.N.BitLen(), err)
	}
	return nil
}

// EncodeSignature renders a signature as standard base64, the form 99bill
// and most Java PKI helpers exchange.
func EncodeSignature(sig []byte) string { return base64.StdEncoding.EncodeToString(sig) }

// DecodeSignature accepts standard or URL-safe base64 (padded or not, line
// breaks and spaces ignored) or hex, because operators paste signatures from
// logs in every form. Hex is tried only when the text is all hex digits of
// even length and not valid base64 of a plausible RSA size.
func DecodeSignature(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return nil, errors.New("rsasig: empty signature")
	}
	if isHex(s) && len(s)%2 == 0 && len(s) >= 128 {
		// An RSA signature is 128..512 bytes: 256..1024 hex digits. Base64 of
		// the same size is 172..684 characters, and all-hex base64 text is
		// vanishingly rare, so hex wins when the text is entirely hex.
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) > 0 {
			return b, nil
		}
	}
	return nil, fmt.Errorf("rsasig: signature is neither base64 nor hex (%d characters)", len(s))
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// blocks returns the DER payloads in data: every PEM block when data is
// PEM, the bytes themselves when they look like DER (an ASN.1 SEQUENCE), or
// the base64 decoding of a headerless base64 text (how mgw.cer is often
// mailed). The PEM type is returned with each block ("" for DER).
func blocks(data []byte) ([]*pem.Block, error) {
	// Binary DER first, before any trimming: a DER value may end in a byte
	// that looks like white space (0x09, 0x0A, 0x0D, 0x20).
	if len(data) > 0 && data[0] == 0x30 {
		return []*pem.Block{{Bytes: data}}, nil
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, errors.New("empty input")
	}
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		var out []*pem.Block
		rest := data
		for {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
			out = append(out, b)
		}
		if len(out) == 0 {
			return nil, errors.New("PEM header present but no decodable PEM block")
		}
		return out, nil
	}
	if data[0] == 0x30 {
		return []*pem.Block{{Bytes: data}}, nil
	}
	clean := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, string(data))
	if der, err := base64.StdEncoding.DecodeString(clean); err == nil && len(der) > 0 && der[0] == 0x30 {
		return []*pem.Block{{Bytes: der}}, nil
	}
	return nil, errors.New("neither PEM, DER nor base64 DER")
}

// ParsePrivateKey reads an RSA private key: PEM ("RSA PRIVATE KEY" or
// "PRIVATE KEY") or DER, PKCS #1 or PKCS #8. Encrypted PEM is refused with a
// clear error (decrypt it with openssl first).
func ParsePrivateKey(data []byte) (*rsa.PrivateKey, error) {
	k, err := ParseAnyPrivateKey(data)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("rsasig: private key is %T, not RSA", k)
	}
	return rk, nil
}

// ParseAnyPrivateKey is ParsePrivateKey for RSA, ECDSA or Ed25519 keys (TLS
// client keys need not be RSA).
func ParseAnyPrivateKey(data []byte) (crypto.Signer, error) {
	bs, err := blocks(data)
	if err != nil {
		return nil, fmt.Errorf("rsasig: private key: %w", err)
	}
	for _, b := range bs {
		if b.Type != "" && !strings.Contains(b.Type, "PRIVATE KEY") {
			continue
		}
		if b.Headers["Proc-Type"] != "" || b.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, errors.New("rsasig: private key is encrypted; decrypt it first (openssl pkey -in K -out K.plain)")
		}
		if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
			return k, nil
		}
		if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
			switch k := k.(type) {
			case *rsa.PrivateKey:
				return k, nil
			case *ecdsa.PrivateKey:
				return k, nil
			case ed25519.PrivateKey:
				return k, nil
			default:
				return nil, fmt.Errorf("rsasig: unsupported private key type %T", k)
			}
		}
		if k, err := x509.ParseECPrivateKey(b.Bytes); err == nil {
			return k, nil
		}
		return nil, errors.New("rsasig: private key: not PKCS #1, PKCS #8 or SEC 1")
	}
	return nil, errors.New("rsasig: no private key block in input")
}

// ParsePublicKey reads an RSA public key from a PEM or DER public key
// (PKIX "PUBLIC KEY" or PKCS #1 "RSA PUBLIC KEY") or from a certificate
// (PEM, DER or bare base64), as mgw.cer is distributed.
func ParsePublicKey(data []byte) (*rsa.PublicKey, error) {
	bs, err := blocks(data)
	if err != nil {
		return nil, fmt.Errorf("rsasig: public key: %w", err)
	}
	for _, b := range bs {
		if c, err := x509.ParseCertificate(b.Bytes); err == nil {
			pk, ok := c.PublicKey.(*rsa.PublicKey)
			if !ok {
				return nil, fmt.Errorf("rsasig: certificate %q holds a %T key, not RSA", c.Subject.CommonName, c.PublicKey)
			}
			return pk, nil
		}
		if k, err := x509.ParsePKIXPublicKey(b.Bytes); err == nil {
			pk, ok := k.(*rsa.PublicKey)
			if !ok {
				return nil, fmt.Errorf("rsasig: public key is %T, not RSA", k)
			}
			return pk, nil
		}
		if k, err := x509.ParsePKCS1PublicKey(b.Bytes); err == nil {
			return k, nil
		}
	}
	return nil, errors.New("rsasig: no RSA public key or certificate in input")
}

// ParseCertificate reads the first certificate of PEM, DER or bare base64
// input.
func ParseCertificate(data []byte) (*x509.Certificate, error) {
	cs, err := ParseCertificates(data)
	if err != nil {
		return nil, err
	}
	return cs[0], nil
}

// ParseCertificates reads every certificate of the input (a PEM chain, or
// one DER/base64 certificate).
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	bs, err := blocks(data)
	if err != nil {
		return nil, fmt.Errorf("rsasig: certificate: %w", err)
	}
	var out []*x509.Certificate
	for _, b := range bs {
		if b.Type != "" && b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("rsasig: certificate: %w", err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("rsasig: no certificate in input")
	}
	return out, nil
}

// PFX is the content of a PKCS #12 bundle.
type PFX struct {
	Key   crypto.Signer
	Cert  *x509.Certificate
	Chain []*x509.Certificate // CA certificates included in the bundle
}

// TLSCertificate returns the bundle as a client or server certificate.
func (p *PFX) TLSCertificate() tls.Certificate {
	c := tls.Certificate{PrivateKey: p.Key, Leaf: p.Cert, Certificate: [][]byte{p.Cert.Raw}}
	for _, ca := range p.Chain {
		c.Certificate = append(c.Certificate, ca.Raw)
	}
	return c
}

// ParsePFX decodes a PKCS #12 (.pfx/.p12) bundle such as the 99bill sandbox
// kit's 10411004511201290.pfx.
func ParsePFX(data []byte, password string) (*PFX, error) {
	k, c, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, fmt.Errorf("rsasig: pfx: %w", err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("rsasig: pfx: private key %T cannot sign", k)
	}
	return &PFX{Key: s, Cert: c, Chain: chain}, nil
}

// EncodePFX writes key and cert (plus chain) as a PKCS #12 bundle with the
// legacy 3DES/SHA-1 protection that Java keytool and the 99bill kit use, so
// every merchant stack can read it.
func EncodePFX(key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, password string) ([]byte, error) {
	b, err := pkcs12.LegacyDES.Encode(key, cert, chain, password)
	if err != nil {
		return nil, fmt.Errorf("rsasig: encode pfx: %w", err)
	}
	return b, nil
}
