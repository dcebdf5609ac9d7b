package sm2

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"

	gmsm "github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// Signature is an SM2 signature as the 64-byte concatenation r‖s, each a
// 32-byte big-endian integer. A fixed array rather than two *big.Int: it is
// comparable, copies without allocation, and is the form seed 003 puts on the
// wire; DER is produced on demand.
type Signature [64]byte

// Raw returns r‖s (64 bytes).
func (s Signature) Raw() []byte { return s[:] }

// Hex returns r‖s as 128 lowercase hex digits.
func (s Signature) Hex() string { return hex.EncodeToString(s[:]) }

// R returns r as an integer.
func (s Signature) R() *big.Int { return new(big.Int).SetBytes(s[:32]) }

// S returns s as an integer.
func (s Signature) S() *big.Int { return new(big.Int).SetBytes(s[32:]) }

// DER returns the ASN.1 encoding SEQUENCE { INTEGER r, INTEGER s } used by
// X.509, PKCS#7 and most Java/OpenSSL SM2 code.
func (s Signature) DER() []byte {
	r, sv := derInt(s[:32]), derInt(s[32:])
	out := make([]byte, 0, 6+len(r)+len(sv)+2)
	out = append(out, 0x30, byte(4+len(r)+len(sv)))
	out = append(out, 0x02, byte(len(r)))
	out = append(out, r...)
	out = append(out, 0x02, byte(len(sv)))
	out = append(out, sv...)
	return out
}

// derInt trims leading zeros and adds one back when the top bit is set, so
// the INTEGER stays positive; zero encodes as a single 0x00.
func derInt(b []byte) []byte {
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	if b[0]&0x80 != 0 {
		return append([]byte{0}, b...)
	}
	return b
}

// ParseSignature reads a signature given as 64 raw bytes (r‖s), 128 hex
// digits (r‖s, as seed 003 prints it), DER bytes, or DER as hex. Surrounding
// whitespace and a 0x prefix on hex are ignored. It checks the encoding only;
// whether r and s are in range is Verify's business.
func ParseSignature(b []byte) (Signature, error) {
	var sig Signature
	// Binary forms first, untrimmed: raw and DER bytes may begin or end with
	// bytes that look like whitespace. Text is hex digits and whitespace only,
	// which a random 64-byte r‖s is with probability below 2⁻²⁰⁰.
	// A raw r‖s begins with 0x30 one time in 256, so a 64-byte value that
	// is not a well-formed DER SEQUENCE is r‖s, not a DER error; one that
	// is both (r beginning 30 3E 02, and the rest fitting) reads as DER.
	if len(b) > 0 && !allHexOrSpace(b) {
		if b[0] == 0x30 {
			sig, err := parseDER(b)
			if err == nil || len(b) != 64 {
				return sig, err
			}
		}
		if len(b) == 64 {
			copy(sig[:], b)
			return sig, nil
		}
	}
	raw, err := decodeHex(trimSpace(b))
	if err != nil {
		return sig, fmt.Errorf("sm2: signature is neither 64 raw bytes, DER, nor hex: %w", err)
	}
	switch {
	case len(raw) == 64:
		copy(sig[:], raw)
		return sig, nil
	case len(raw) > 0 && raw[0] == 0x30:
		return parseDER(raw)
	default:
		return sig, fmt.Errorf("sm2: signature: %d bytes of hex, want 64 (r‖s) or a DER SEQUENCE", len(raw))
	}
}

func allHexOrSpace(b []byte) bool {
	for _, c := range b {
		if fromHexChar(c) < 0 && !isSpace(c) && c != 'x' && c != 'X' {
			return false
		}
	}
	return true
}

func parseDER(der []byte) (Signature, error) {
	var sig Signature
	var inner cryptobyte.String
	var r, s []byte
	in := cryptobyte.String(der)
	if !in.ReadASN1(&inner, asn1.SEQUENCE) || !in.Empty() ||
		!inner.ReadASN1Integer(&r) || !inner.ReadASN1Integer(&s) || !inner.Empty() {
		return sig, errors.New("sm2: signature: malformed DER (want SEQUENCE { INTEGER r, INTEGER s })")
	}
	if err := putInt(sig[:32], r); err != nil {
		return sig, fmt.Errorf("sm2: signature: r: %w", err)
	}
	if err := putInt(sig[32:], s); err != nil {
		return sig, fmt.Errorf("sm2: signature: s: %w", err)
	}
	return sig, nil
}

// putInt right-aligns a non-negative DER integer's bytes in dst (32 bytes).
func putInt(dst, v []byte) error {
	for len(v) > 0 && v[0] == 0 {
		v = v[1:]
	}
	if len(v) > len(dst) {
		return fmt.Errorf("%d bytes, longer than the curve order", len(v))
	}
	copy(dst[len(dst)-len(v):], v)
	return nil
}

// ZA returns H256(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) for uid taken
// literally: an empty uid gives ENTL = 0 and no ID bytes (unlike Sign and
// Verify, where empty means DefaultUID). It exists for interoperability
// checks against peers that hash an unusual ID.
func ZA(k *PublicKey, uid []byte) ([32]byte, error) {
	var za [32]byte
	if k == nil {
		return za, errors.New("sm2: ZA: nil public key")
	}
	if len(uid) > maxUIDLen {
		return za, fmt.Errorf("sm2: ZA: user ID of %d bytes is longer than %d", len(uid), maxUIDLen)
	}
	if string(uid) == DefaultUID {
		return k.zaDefault, nil
	}
	b, err := gmsm.CalculateZA(k.k, uid)
	if err != nil {
		return za, fmt.Errorf("sm2: ZA: %w", err)
	}
	copy(za[:], b)
	return za, nil
}

// Digest returns e = SM3(ZA ‖ msg), the value SM3withSM2 signs. An empty uid
// means DefaultUID, as in gmsm, tjfoc and most Java SM2 code.
func Digest(k *PublicKey, uid, msg []byte) ([32]byte, error) {
	if len(uid) == 0 {
		uid = []byte(DefaultUID)
	}
	za, err := ZA(k, uid)
	if err != nil {
		return za, err
	}
	h := sm3.New()
	h.Write(za[:])
	h.Write(msg)
	var e [32]byte
	h.Sum(e[:0])
	return e, nil
}

// Sign computes the SM3withSM2 signature of msg under user ID uid (empty means
// DefaultUID). rand is normally crypto/rand.Reader; nil means that.
func Sign(rand io.Reader, k *PrivateKey, uid, msg []byte) (Signature, error) {
	if k == nil {
		return Signature{}, errors.New("sm2: sign: nil private key")
	}
	e, err := Digest(&k.pub, uid, msg)
	if err != nil {
		return Signature{}, fmt.Errorf("sm2: sign: %w", err)
	}
	return SignDigest(rand, k, e[:])
}

// SignDigest signs a precomputed digest e (normally Digest's result) with no
// further hashing. While k has precomputed nonces (PrecomputeNonces), a
// 32-byte digest is signed with one of them and random is not read; after
// that, its nonce is drawn from random (nil: crypto/rand) as it is signed.
func SignDigest(random io.Reader, k *PrivateKey, e []byte) (Signature, error) {
	if k == nil {
		return Signature{}, errors.New("sm2: sign: nil private key")
	}
	if random == nil {
		random = rand.Reader
	}
	if len(e) == 32 && k.nonces != nil {
		return k.signDigest32(random, (*[32]byte)(e))
	}
	// Other digest lengths (rare: gmsm reduces them its own way) are signed
	// by gmsm, whose k·G cannot be checked from outside (F-GMSM-BASEMULT):
	// the signature is verified before it is returned, and made again with
	// a fresh nonce if it does not verify.
	for range maxSignAttempts {
		der, err := gmsm.SignASN1(random, k.k, e, nil)
		if err != nil {
			return Signature{}, fmt.Errorf("sm2: sign: %w", err)
		}
		sig, err := parseDER(der)
		if err != nil {
			return Signature{}, fmt.Errorf("sm2: sign: gmsm returned %w", err)
		}
		if VerifyDigest(&k.pub, e, sig) {
			return sig, nil
		}
	}
	return Signature{}, fmt.Errorf("sm2: sign: %d signatures in a row failed to verify under the key's own public key", maxSignAttempts)
}

// maxSignAttempts bounds SignDigest's sign-and-verify loop: one failure is
// about one in a million signatures, four in a row a broken key or library.
const maxSignAttempts = 4

// Verify reports whether sig is a valid SM3withSM2 signature of msg under
// user ID uid (empty means DefaultUID) and public key k.
func Verify(k *PublicKey, uid, msg []byte, sig Signature) bool {
	if k == nil {
		return false
	}
	e, err := Digest(k, uid, msg)
	if err != nil {
		return false
	}
	return VerifyDigest(k, e[:], sig)
}

// VerifyDigest reports whether sig signs the precomputed digest e. With
// e = SM3(msg) it checks the "no ZA" reading some SM2 code mistakenly uses.
// After k.Precompute, a 32-byte digest is checked with k's tables.
func VerifyDigest(k *PublicKey, e []byte, sig Signature) bool {
	if k == nil {
		return false
	}
	if t := k.precomputed(); t != nil && len(e) == 32 {
		return sm2Curve().verify(t, (*[32]byte)(e), &sig)
	}
	if gmsm.VerifyASN1(k.k, e, sig.DER()) {
		return true
	}
	// gmsm v0.30.1's amd64 fixed-base multiplication returns a wrong point
	// for rare scalars (finding F-GMSM-BASEMULT, codecs/README.md), so its
	// "no" is confirmed with this package's arithmetic before it stands; a
	// valid signature whose s is such a scalar would otherwise be refused.
	// Only rejections pay for it (~0.2 ms).
	if len(e) == 32 {
		c := sm2Curve()
		q := affinePoint{x: c.p.toMont(bytes32(k.k.X)), y: c.p.toMont(bytes32(k.k.Y))}
		return c.verifyVarBase(&q, (*[32]byte)(e), &sig)
	}
	return false
}
