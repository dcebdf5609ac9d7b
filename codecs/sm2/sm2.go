// Package sm2 signs and verifies SM3withSM2 (GB/T 32918.2, with the ZA user
// hash) and computes SM3 (GB/T 32905), in the encodings Chinese payment
// platforms exchange: keys as hex (raw scalar; compressed, uncompressed or
// bare X‖Y points) or PEM, signatures as 64-byte r‖s (hex, as seed 003 prints
// them) or DER.
//
// The elliptic-curve work is github.com/emmansun/gmsm, which has constant-time
// assembly field arithmetic; this package adds the encodings, a per-key cache
// of ZA for the default user ID (so a verify with the default ID hashes only
// the message) and errors that say what was wrong with an input. Two paths
// gmsm's API cannot give are hand-written on top (mont.go, curve.go):
// PublicKey.Precompute (fixed-key verification tables, public data only) and
// PrivateKey.PrecomputeNonces (k·G made ahead by gmsm, the online half of a
// signature branch-free mod n). Nothing here panics on malformed input: every
// parser is fuzzed.
package sm2

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	gmsm "github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm2/sm2ec"
	"github.com/emmansun/gmsm/smx509"
)

// DefaultUID is the user ID of GB/T 32918.2 / GM/T 0009 used in ZA when the
// peers agree on none; seed 003 does not name one, so it is the default.
const DefaultUID = "1234567812345678"

// maxUIDLen is the largest ID ZA can encode: ENTL is a 16-bit bit count.
const maxUIDLen = 0x1fff

// PrivateKey is an SM2 private key. It is a thin wrapper, not an alias: it
// holds the gmsm key (whose cached (1+d)⁻¹ makes repeated signing cheap), the
// matching PublicKey with its precomputed default-ID ZA, and any nonces
// PrecomputeNonces made. A PrivateKey is safe for concurrent use.
type PrivateKey struct {
	k   *gmsm.PrivateKey
	pub PublicKey
	// nonces holds what PrecomputeNonces made (nonce.go).
	nonces *noncePool
}

// PublicKey is an SM2 public key: a thin wrapper around *ecdsa.PublicKey on
// gmsm's SM2 curve, plus ZA for DefaultUID computed once at construction.
// It is immutable and safe for concurrent use.
type PublicKey struct {
	k         *ecdsa.PublicKey
	zaDefault [32]byte
	// fast holds the tables Precompute builds; a pointer so that copies of
	// the key (PrivateKey embeds one) share them.
	fast *fastVerify
}

// GenerateKey makes a fresh key pair from random (normally crypto/rand.Reader;
// nil means that, as in Sign).
func GenerateKey(random io.Reader) (*PrivateKey, error) {
	if random == nil {
		random = rand.Reader
	}
	var err error
	for range maxSignAttempts { // a d whose public point gmsm gets wrong is drawn again
		var k *gmsm.PrivateKey
		if k, err = gmsm.GenerateKey(random); err != nil {
			return nil, fmt.Errorf("sm2: generate key: %w", err)
		}
		var w *PrivateKey
		if w, err = wrapPrivate(k); err == nil {
			return w, nil
		}
	}
	return nil, fmt.Errorf("sm2: generate key: %w", err)
}

func wrapPrivate(k *gmsm.PrivateKey) (*PrivateKey, error) {
	// gmsm derives the public point with its fixed-base multiplication,
	// which is wrong for rare scalars on amd64 (F-GMSM-BASEMULT). It is
	// checked against the variable-base one; where they disagree (about one
	// key in a million) this package's own table arithmetic decides, and
	// the key gets the right point. (That tie-break is variable-time in d,
	// once, for those keys only.)
	if k == nil || k.D == nil || k.D.Sign() <= 0 || k.D.BitLen() > 256 {
		return nil, errors.New("sm2: private scalar missing or out of range")
	}
	ec, d := sm2ec.P256(), bytes32(k.D)
	x, y := ec.ScalarMult(ec.Params().Gx, ec.Params().Gy, d[:])
	if k.PublicKey.X == nil || x.Cmp(k.PublicKey.X) != 0 || y.Cmp(k.PublicKey.Y) != 0 {
		c := sm2Curve()
		var acc jacobianPoint
		c.addMultiple(&acc, c.gTable(), &d)
		a := c.toAffine(&acc)
		tx, ty := c.p.fromMont(&a.x), c.p.fromMont(&a.y)
		if x.Cmp(new(big.Int).SetBytes(tx[:])) != 0 || y.Cmp(new(big.Int).SetBytes(ty[:])) != 0 {
			return nil, errors.New("sm2: cannot establish the public point d·G: gmsm's two multiplications and this package's disagree")
		}
		k = &gmsm.PrivateKey{PrivateKey: ecdsa.PrivateKey{PublicKey: ecdsa.PublicKey{Curve: gmsm.P256(), X: x, Y: y}, D: k.D}}
	}
	pub, err := wrapPublic(&k.PublicKey)
	if err != nil {
		return nil, err
	}
	return &PrivateKey{k: k, pub: *pub, nonces: new(noncePool)}, nil
}

func wrapPublic(k *ecdsa.PublicKey) (*PublicKey, error) {
	if k == nil || k.X == nil || k.Y == nil || k.Curve != gmsm.P256() {
		return nil, errors.New("sm2: not a key on the SM2 curve")
	}
	if !k.Curve.IsOnCurve(k.X, k.Y) {
		return nil, errors.New("sm2: public point is not on the SM2 curve")
	}
	za, err := gmsm.CalculateZA(k, []byte(DefaultUID))
	if err != nil {
		return nil, fmt.Errorf("sm2: ZA: %w", err)
	}
	p := &PublicKey{k: k, fast: new(fastVerify)}
	copy(p.zaDefault[:], za)
	return p, nil
}

// NewPrivateKeyFromGMSM wraps a key made by github.com/emmansun/gmsm/sm2.
func NewPrivateKeyFromGMSM(k *gmsm.PrivateKey) (*PrivateKey, error) {
	if k == nil {
		return nil, errors.New("sm2: nil private key")
	}
	return wrapPrivate(k)
}

// NewPublicKeyFromECDSA wraps an *ecdsa.PublicKey whose curve is gmsm's SM2
// curve (as returned by smx509 and gmsm).
func NewPublicKeyFromECDSA(k *ecdsa.PublicKey) (*PublicKey, error) { return wrapPublic(k) }

// Public returns the public half of k.
func (k *PrivateKey) Public() *PublicKey { return &k.pub }

// GMSM returns the underlying gmsm key, for APIs (TLS, PKCS#7) that need it.
// Callers must not modify it.
func (k *PrivateKey) GMSM() *gmsm.PrivateKey { return k.k }

// ECDSA returns the underlying public key. Callers must not modify it.
func (k *PublicKey) ECDSA() *ecdsa.PublicKey { return k.k }

// Equal reports whether k and o are the same point.
func (k *PublicKey) Equal(o *PublicKey) bool {
	return o != nil && k.k.X.Cmp(o.k.X) == 0 && k.k.Y.Cmp(o.k.Y) == 0
}

// Hex returns the private scalar as 64 lowercase hex digits.
func (k *PrivateKey) Hex() string {
	var b [32]byte
	return hex.EncodeToString(k.k.D.FillBytes(b[:]))
}

// Hex returns the point as lowercase hex: 02/03‖X (33 bytes) when compressed,
// otherwise 04‖X‖Y (65 bytes).
func (k *PublicKey) Hex(compressed bool) string {
	if compressed {
		return hex.EncodeToString(elliptic.MarshalCompressed(k.k.Curve, k.k.X, k.k.Y))
	}
	return hex.EncodeToString(k.Bytes())
}

// Bytes returns the uncompressed point 04‖X‖Y.
func (k *PublicKey) Bytes() []byte {
	b := make([]byte, 65)
	b[0] = 4
	k.k.X.FillBytes(b[1:33])
	k.k.Y.FillBytes(b[33:])
	return b
}

// MarshalPEM encodes the key as PKCS#8 ("PRIVATE KEY"), the form openssl and
// GmSSL write by default.
func (k *PrivateKey) MarshalPEM() ([]byte, error) {
	der, err := smx509.MarshalPKCS8PrivateKey(k.k)
	if err != nil {
		return nil, fmt.Errorf("sm2: marshal PKCS#8: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// MarshalPEM encodes the key as PKIX SubjectPublicKeyInfo ("PUBLIC KEY")
// with the SM2 curve OID.
func (k *PublicKey) MarshalPEM() ([]byte, error) {
	der, err := smx509.MarshalPKIXPublicKey(k.k)
	if err != nil {
		return nil, fmt.Errorf("sm2: marshal PKIX: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ParsePrivateKey reads a private key given as 64 hex digits (the raw 32-byte
// scalar, optionally 0x-prefixed) or as PEM: PKCS#8 ("PRIVATE KEY") or SEC 1
// ("EC PRIVATE KEY"). Surrounding whitespace is ignored.
func ParsePrivateKey(s []byte) (*PrivateKey, error) {
	s = trimSpace(s)
	if isPEM(s) {
		return parsePrivatePEM(s)
	}
	raw, err := decodeHex(s)
	if err != nil {
		return nil, fmt.Errorf("sm2: private key: %w", err)
	}
	if len(raw) != 32 {
		return nil, fmt.Errorf("sm2: private key: want a 32-byte scalar (64 hex digits), got %d bytes", len(raw))
	}
	k, err := gmsm.NewPrivateKey(raw)
	if err != nil {
		return nil, fmt.Errorf("sm2: private key: scalar out of range [1, n-2]: %w", err)
	}
	return wrapPrivate(k)
}

func parsePrivatePEM(s []byte) (*PrivateKey, error) {
	block, err := findPEM(s, "PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY")
	if err != nil {
		return nil, fmt.Errorf("sm2: private key: %w", err)
	}
	switch block.Type {
	case "PRIVATE KEY":
		key, err := smx509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("sm2: private key: PKCS#8: %w", err)
		}
		k, ok := key.(*gmsm.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("sm2: private key: PKCS#8 holds a %T, not an SM2 key", key)
		}
		return wrapPrivate(k)
	case "EC PRIVATE KEY":
		k, err := smx509.ParseSM2PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("sm2: private key: SEC 1: %w", err)
		}
		return wrapPrivate(k)
	default:
		return nil, errors.New("sm2: private key: encrypted PEM is not supported; decrypt it first (gmssl/openssl pkcs8)")
	}
}

// findPEM returns the first PEM block of one of the wanted types, skipping
// others: openssl writes "EC PARAMETERS" before "EC PRIVATE KEY", and
// 'paycert sm2 keygen --pem' writes both halves into one file.
func findPEM(s []byte, types ...string) (*pem.Block, error) {
	var seen []string
	for rest := s; ; {
		block, next := pem.Decode(rest)
		if block == nil {
			break
		}
		for _, t := range types {
			if block.Type == t {
				return block, nil
			}
		}
		seen = append(seen, block.Type)
		rest = next
	}
	if len(seen) == 0 {
		return nil, errors.New("malformed PEM")
	}
	return nil, fmt.Errorf("no %s PEM block (found %s)", strings.Join(types, " or "), strings.Join(seen, ", "))
}

// ParsePublicKey reads a public key given as hex — compressed 02/03‖X (33
// bytes), uncompressed 04‖X‖Y (65 bytes) or bare X‖Y (64 bytes) — or as PEM
// ("PUBLIC KEY", PKIX). Surrounding whitespace is ignored; the point must lie
// on the SM2 curve.
func ParsePublicKey(s []byte) (*PublicKey, error) {
	s = trimSpace(s)
	if isPEM(s) {
		block, err := findPEM(s, "PUBLIC KEY")
		if err != nil {
			return nil, fmt.Errorf("sm2: public key: %w", err)
		}
		key, err := smx509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("sm2: public key: PKIX: %w", err)
		}
		k, ok := key.(*ecdsa.PublicKey)
		if !ok || k.Curve != gmsm.P256() {
			return nil, fmt.Errorf("sm2: public key: PKIX holds a %T, not an SM2 key", key)
		}
		return wrapPublic(k)
	}
	raw, err := decodeHex(s)
	if err != nil {
		return nil, fmt.Errorf("sm2: public key: %w", err)
	}
	return publicFromBytes(raw)
}

func publicFromBytes(raw []byte) (*PublicKey, error) {
	curve := gmsm.P256()
	var x, y *big.Int
	switch {
	case len(raw) == 33 && (raw[0] == 2 || raw[0] == 3):
		x, y = elliptic.UnmarshalCompressed(curve, raw)
		if x == nil {
			return nil, errors.New("sm2: public key: compressed point is not on the SM2 curve")
		}
	case len(raw) == 65 && raw[0] == 4:
		x, y = new(big.Int).SetBytes(raw[1:33]), new(big.Int).SetBytes(raw[33:])
	case len(raw) == 64:
		x, y = new(big.Int).SetBytes(raw[:32]), new(big.Int).SetBytes(raw[32:])
	default:
		return nil, fmt.Errorf("sm2: public key: %d bytes starting %s; want 02/03‖X (33), 04‖X‖Y (65) or X‖Y (64)", len(raw), firstByte(raw))
	}
	p := curve.Params().P
	if x.Cmp(p) >= 0 || y.Cmp(p) >= 0 || !curve.IsOnCurve(x, y) {
		return nil, errors.New("sm2: public key: point is not on the SM2 curve")
	}
	return wrapPublic(&ecdsa.PublicKey{Curve: curve, X: x, Y: y})
}

func firstByte(b []byte) string {
	if len(b) == 0 {
		return "(empty)"
	}
	return fmt.Sprintf("0x%02x", b[0])
}

func isPEM(s []byte) bool { return len(s) >= 5 && string(s[:5]) == "-----" }

func trimSpace(s []byte) []byte {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// decodeHex decodes hex with an optional 0x prefix; the error names the
// offset of the first bad digit so a mangled paste is easy to find.
func decodeHex(s []byte) ([]byte, error) {
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	if len(s) == 0 {
		return nil, errors.New("empty hex")
	}
	for i, c := range s {
		if fromHexChar(c) < 0 {
			return nil, fmt.Errorf("bad hex digit %q at offset %d", c, i)
		}
	}
	if len(s)%2 != 0 {
		return nil, fmt.Errorf("odd number of hex digits (%d)", len(s))
	}
	out := make([]byte, len(s)/2)
	for i := range out {
		out[i] = byte(fromHexChar(s[2*i])<<4 | fromHexChar(s[2*i+1]))
	}
	return out, nil
}

func fromHexChar(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}
