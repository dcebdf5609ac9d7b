// Package epurse is the cryptography of the PBOC 2.0 / JT/T 978 CPU-card
// electronic purse as described in ../shared/design/cards.md: key
// diversification, load and purchase session keys, MAC1/MAC2/TAC and the
// secure-messaging MAC. It knows no APDU framing (see codecs/apdu) and no
// card state (see platforms/cpucard).
//
// The block cipher is pluggable (Cipher): the card's algId 00/01..03 family
// is 3DES (TripleDES), algId 04 is the SM4 variant (SM4). Both sides of a
// transaction (card and centre) use the same Scheme, so a test can run the
// whole flow under either cipher.
package epurse

import (
	"crypto/cipher"
	"crypto/des"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/emmansun/gmsm/sm4"
)

// Cipher is the block cipher family an e-purse application is personalised
// with. Implementations must be stateless and safe for concurrent use.
type Cipher interface {
	// AlgID is the algorithm identifier the card reports in INITIALIZE FOR
	// LOAD/PURCHASE replies (cards.md: 04 = SM4).
	AlgID() byte
	// BlockSize is the cipher's block size in bytes (8 for DES, 16 for SM4).
	BlockSize() int
	// Encrypt enciphers exactly one block under a card key (16 bytes):
	// used for key diversification and session keys.
	Encrypt(key, block []byte) ([]byte, error)
	// MAC computes the full-block CBC-MAC of data padded with 80 00.. under
	// key with the given IV; callers keep the leftmost 4 bytes.
	MAC(key, iv, data []byte) ([]byte, error)
	// TACKey derives the key the TAC is computed under from the card's DTK.
	TACKey(dtk []byte) ([]byte, error)
}

// ErrKeyLength reports a key of the wrong size for the cipher.
var ErrKeyLength = errors.New("epurse: wrong key length")

// TripleDES returns the 3DES cipher of cards.md: TDES = 3DES-EDE with
// K1‖K2‖K1 on one block; MAC = ISO 9797-1 algorithm 3 (single-DES CBC under
// K[0:8], final block decrypted under K[8:16] and encrypted under K[0:8])
// for 16-byte keys, algorithm 1 (plain single-DES CBC-MAC) for 8-byte
// session keys; TAC key = DTK[0:8] xor DTK[8:16].
func TripleDES() Cipher { return tdes{} }

type tdes struct{}

func (tdes) AlgID() byte    { return 0x00 }
func (tdes) BlockSize() int { return 8 }

func (tdes) Encrypt(key, block []byte) ([]byte, error) { return TDES(key, block) }

func (tdes) MAC(key, iv, data []byte) ([]byte, error) { return retailMAC(key, iv, data) }

func (tdes) TACKey(dtk []byte) ([]byte, error) {
	if len(dtk) != 16 {
		return nil, fmt.Errorf("%w: DTK is %d bytes, want 16", ErrKeyLength, len(dtk))
	}
	k := make([]byte, 8)
	for i := range k {
		k[i] = dtk[i] ^ dtk[8+i]
	}
	return k, nil
}

// TDES enciphers one 8-byte block with 3DES-EDE under a 16-byte key
// (K1‖K2‖K1), ECB.
func TDES(key, block []byte) ([]byte, error) {
	if len(key) != 16 {
		return nil, fmt.Errorf("%w: TDES key is %d bytes, want 16", ErrKeyLength, len(key))
	}
	if len(block) != 8 {
		return nil, fmt.Errorf("epurse: TDES block is %d bytes, want 8", len(block))
	}
	// EDE with K3 = K1 by hand: des.NewTripleDESCipher would compute K1's
	// key schedule twice, and the key schedules are most of a TDES here (a
	// load profile of hzcard-charge: session keys on card and centre).
	k1, err := des.NewCipher(key[:8])
	if err != nil {
		return nil, fmt.Errorf("epurse: TDES: %w", err)
	}
	k2, err := des.NewCipher(key[8:])
	if err != nil {
		return nil, fmt.Errorf("epurse: TDES: %w", err)
	}
	out := make([]byte, 8)
	k1.Encrypt(out, block)
	k2.Decrypt(out, out)
	k1.Encrypt(out, out)
	return out, nil
}

// Pad appends 80 and then 00s up to a multiple of n. Padding is always
// applied, even when len(data) is already a multiple of n (ISO 9797-1
// padding method 2).
func Pad(data []byte, n int) []byte {
	l := (len(data)/n + 1) * n
	out := make([]byte, l)
	copy(out, data)
	out[len(data)] = 0x80
	return out
}

// cbcMAC chains data, padded as Pad(data, len(x)) pads it, through b in
// CBC mode starting from x, leaving the last block in x. The padded last
// block is built in x itself, so the message is never copied: MACs run on
// every load and purchase, on the card and at the centre.
func cbcMAC(b cipher.Block, x, data []byte) {
	n := len(x)
	for ; len(data) >= n; data = data[n:] {
		subtle.XORBytes(x, x, data[:n])
		b.Encrypt(x, x)
	}
	subtle.XORBytes(x, x, data)
	x[len(data)] ^= 0x80
	b.Encrypt(x, x)
}

// MAC is the 3DES-family MAC of cards.md, leftmost 4 bytes: ISO 9797-1
// algorithm 3 for a 16-byte key, algorithm 1 for an 8-byte key. iv is nil
// (zero) except for secure messaging.
func MAC(key, iv, data []byte) ([]byte, error) {
	m, err := retailMAC(key, iv, data)
	if err != nil {
		return nil, err
	}
	return m[:4], nil
}

// retailMAC returns the full 8-byte MAC block.
func retailMAC(key, iv, data []byte) ([]byte, error) {
	if len(key) != 8 && len(key) != 16 {
		return nil, fmt.Errorf("%w: MAC key is %d bytes, want 8 or 16", ErrKeyLength, len(key))
	}
	if iv != nil && len(iv) != 8 {
		return nil, fmt.Errorf("epurse: MAC IV is %d bytes, want 8", len(iv))
	}
	k1, err := des.NewCipher(key[:8])
	if err != nil {
		return nil, fmt.Errorf("epurse: MAC: %w", err)
	}
	var x [8]byte
	copy(x[:], iv)
	cbcMAC(k1, x[:], data)
	if len(key) == 16 {
		k2, err := des.NewCipher(key[8:16])
		if err != nil {
			return nil, fmt.Errorf("epurse: MAC: %w", err)
		}
		k2.Decrypt(x[:], x[:])
		k1.Encrypt(x[:], x[:])
	}
	return x[:], nil
}

// SM4 returns the SM4 variant (algId 04). This is an extension point, not a
// verified profile: cards.md gives no SM4 vectors. The reading chosen:
// Encrypt = SM4-ECB of one 16-byte block under the 16-byte key; MAC =
// SM4-CBC-MAC with 80-padding to 16 bytes (IV zero or the 16-byte IV
// given, an 8-byte IV is zero-extended); TAC key = DTK itself. Session-key
// inputs are the 3DES inputs zero-padded to 16 bytes (see Scheme), and the
// session key is the full 16-byte result.
func SM4() Cipher { return sm4Cipher{} }

type sm4Cipher struct{}

func (sm4Cipher) AlgID() byte    { return 0x04 }
func (sm4Cipher) BlockSize() int { return 16 }

func (sm4Cipher) Encrypt(key, block []byte) ([]byte, error) {
	c, err := newSM4(key)
	if err != nil {
		return nil, err
	}
	if len(block) != 16 {
		return nil, fmt.Errorf("epurse: SM4 block is %d bytes, want 16", len(block))
	}
	out := make([]byte, 16)
	c.Encrypt(out, block)
	return out, nil
}

func (sm4Cipher) MAC(key, iv, data []byte) ([]byte, error) {
	c, err := newSM4(key)
	if err != nil {
		return nil, err
	}
	var x [16]byte
	if len(iv) > 16 {
		return nil, fmt.Errorf("epurse: SM4 MAC IV is %d bytes, want at most 16", len(iv))
	}
	copy(x[:], iv)
	cbcMAC(c, x[:], data)
	return x[:], nil
}

func (sm4Cipher) TACKey(dtk []byte) ([]byte, error) {
	if len(dtk) != 16 {
		return nil, fmt.Errorf("%w: DTK is %d bytes, want 16", ErrKeyLength, len(dtk))
	}
	return append([]byte(nil), dtk...), nil
}

func newSM4(key []byte) (cipher.Block, error) {
	if len(key) != 16 {
		return nil, fmt.Errorf("%w: SM4 key is %d bytes, want 16", ErrKeyLength, len(key))
	}
	c, err := sm4.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("epurse: SM4: %w", err)
	}
	return c, nil
}

// ParseCipher reads a cipher by the name CLIs and state files use: "3des"
// (also "tdes", or the algId "00") or "sm4" (algId "04"), in any case.
func ParseCipher(name string) (Cipher, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "3des", "tdes", "00":
		return TripleDES(), nil
	case "sm4", "04":
		return SM4(), nil
	}
	return nil, fmt.Errorf("epurse: cipher %q: want 3des or sm4", name)
}

// CipherName is the name ParseCipher reads back: "3des" for nil (a zero
// Scheme's cipher) and the 3DES family, "sm4" for SM4.
func CipherName(c Cipher) string {
	if c != nil && c.AlgID() == SM4().AlgID() {
		return "sm4"
	}
	return "3des"
}
