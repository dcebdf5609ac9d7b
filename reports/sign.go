package reports

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"paycert/codecs/sm2"
)

// Signature algorithms of a certification package.
const (
	AlgEd25519 = "ed25519"
	// AlgSM2 is SM3withSM2 with the default user ID (GM/T 0009), the
	// signature DER-encoded as openssl and GmSSL write it.
	AlgSM2 = "sm2-sm3"
)

// SignatureName is the signature over the manifest inside the bundle: a
// "PAYCERT SIGNATURE" PEM block (the signature bytes, with the algorithm and
// signing time as headers) followed by the signer's "PUBLIC KEY" block.
const SignatureName = ManifestName + ".sig"

const sigBlock = "PAYCERT SIGNATURE"

// Signer holds a private key that signs certification packages.
type Signer struct {
	// Name, when set, is written into the report as the signer's own
	// description of themselves, shown next to the key fingerprint.
	Name string
	alg  string
	spki []byte // PKIX SubjectPublicKeyInfo DER of the public half
	sign func(msg []byte) ([]byte, error)
}

// ParseSigningKey reads a PEM private key: Ed25519 (PKCS#8, as "openssl
// genpkey -algorithm ed25519" writes it) or SM2 (PKCS#8 or SEC 1, as
// "paycert sm2 keygen --pem" writes it). Errors never quote the key.
func ParseSigningKey(pemBytes []byte) (*Signer, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("signing key: not PEM (want an Ed25519 or SM2 private key in PEM)")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		ek, ok := k.(ed25519.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("signing key: a %s key; want Ed25519 or SM2", keyKind(k))
		}
		spki, err := x509.MarshalPKIXPublicKey(ek.Public())
		if err != nil {
			return nil, fmt.Errorf("signing key: %w", err)
		}
		return &Signer{alg: AlgEd25519, spki: spki, sign: func(m []byte) ([]byte, error) { return ed25519.Sign(ek, m), nil }}, nil
	}
	sk, err := sm2.ParsePrivateKey(pemBytes)
	if err != nil {
		return nil, errors.New("signing key: neither an Ed25519 PKCS#8 key nor an SM2 key (PKCS#8 or SEC 1 PEM)")
	}
	pubPEM, err := sk.Public().MarshalPEM()
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	pb, _ := pem.Decode(pubPEM)
	return &Signer{alg: AlgSM2, spki: pb.Bytes, sign: func(m []byte) ([]byte, error) {
		sig, err := sm2.Sign(rand.Reader, sk, nil, m)
		if err != nil {
			return nil, err
		}
		return sig.DER(), nil
	}}, nil
}

func keyKind(k any) string {
	switch k.(type) {
	case *rsa.PrivateKey:
		return "RSA"
	case *ecdsa.PrivateKey:
		return "ECDSA"
	}
	return fmt.Sprintf("%T", k)
}

// Algorithm is AlgEd25519 or AlgSM2.
func (s *Signer) Algorithm() string { return s.alg }

// Fingerprint identifies the signer's public key.
func (s *Signer) Fingerprint() string { return fingerprint(s.spki) }

// fingerprint is "sha256:" and the hex SHA-256 of a PKIX public key, the
// same value "openssl pkey -pubin -outform DER | sha256sum" prints.
func fingerprint(spki []byte) string {
	h := sha256.Sum256(spki)
	return "sha256:" + hex.EncodeToString(h[:])
}

// encodeSignature writes SignatureName's content.
func (s *Signer) encodeSignature(manifest []byte, signed time.Time) ([]byte, error) {
	sig, err := s.sign(manifest)
	if err != nil {
		return nil, fmt.Errorf("sign manifest: %w", err)
	}
	var b bytes.Buffer
	if err := pem.Encode(&b, &pem.Block{Type: sigBlock, Headers: map[string]string{
		"Algorithm": s.alg, "Signed": signed.UTC().Format(time.RFC3339)}, Bytes: sig}); err != nil {
		return nil, err
	}
	if err := pem.Encode(&b, &pem.Block{Type: "PUBLIC KEY", Bytes: s.spki}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// verifySignature checks SignatureName's content against the manifest and
// returns who signed it.
func verifySignature(sigFile, manifest []byte) (Signature, error) {
	sb, rest := pem.Decode(sigFile)
	if sb == nil || sb.Type != sigBlock {
		return Signature{}, fmt.Errorf("%s: no %s block", SignatureName, sigBlock)
	}
	kb, _ := pem.Decode(rest)
	if kb == nil || kb.Type != "PUBLIC KEY" {
		return Signature{}, fmt.Errorf("%s: no PUBLIC KEY block", SignatureName)
	}
	signed, err := time.Parse(time.RFC3339, sb.Headers["Signed"])
	if err != nil {
		return Signature{}, fmt.Errorf("%s: bad Signed header: %w", SignatureName, err)
	}
	out := Signature{Algorithm: sb.Headers["Algorithm"], Fingerprint: fingerprint(kb.Bytes), Signed: signed}
	switch out.Algorithm {
	case AlgEd25519:
		k, err := x509.ParsePKIXPublicKey(kb.Bytes)
		ek, ok := k.(ed25519.PublicKey)
		if err != nil || !ok {
			return out, fmt.Errorf("%s: the public key is not Ed25519", SignatureName)
		}
		if !ed25519.Verify(ek, manifest, sb.Bytes) {
			return out, fmt.Errorf("%s: the Ed25519 signature does not match the manifest", SignatureName)
		}
	case AlgSM2:
		k, err := sm2.ParsePublicKey(pem.EncodeToMemory(kb))
		if err != nil {
			return out, fmt.Errorf("%s: %w", SignatureName, err)
		}
		sig, err := sm2.ParseSignature(sb.Bytes)
		if err != nil || !sm2.Verify(k, nil, manifest, sig) {
			return out, fmt.Errorf("%s: the SM2 signature does not match the manifest", SignatureName)
		}
	default:
		return out, fmt.Errorf("%s: unknown algorithm %q", SignatureName, out.Algorithm)
	}
	return out, nil
}
