package cpucard

import (
	"encoding/hex"
	"fmt"
	"strings"

	"paycert/codecs/epurse"
)

// Keys are the card's diversified application keys (16 bytes each for
// 3DES and SM4).
type Keys struct {
	DLK  []byte // load (圈存) key: session key SESLK
	DPK  []byte // purchase (消费) key: session key SESPK
	DTK  []byte // TAC key
	DAMK []byte // application maintenance key: secure-messaging UPDATE BINARY
}

// MasterKeys are the issuer's master keys a centre diversifies per card.
type MasterKeys struct {
	MLK, MPK, MTK, MAMK []byte
}

// TestMasterKeys returns the fixed, public test master keys paycert's
// simulators and tests share. Never use them for a real card.
func TestMasterKeys() MasterKeys {
	k := func(s string) []byte {
		b, _ := hex.DecodeString(s) // constant input: cannot fail
		return b
	}
	return MasterKeys{
		MLK:  k("11223344556677888877665544332211"),
		MPK:  k("2233445566778899998877665544332A"),
		MTK:  k("33445566778899AAAA99887766554433"),
		MAMK: k("445566778899AABBBBAA998877665544"),
	}
}

// Diversifier returns F, the 8 diversification bytes, for a card number:
// file 0x15 bytes 12..19 (cards.md), i.e. the last 16 digits of the
// application serial number in BCD. A card number is the serial less its
// first nibble (19 digits on T-Union cards, 16 in seed 003's samples), so
// F is always its last 16 digits.
func Diversifier(pan string) ([8]byte, error) {
	var f [8]byte
	if len(pan) < 16 || len(pan) > 20 || strings.Trim(pan, "0123456789") != "" {
		return f, fmt.Errorf("cpucard: card number %q: want 16 to 20 decimal digits", pan)
	}
	b, _ := hex.DecodeString(pan[len(pan)-16:]) // digits are valid hex
	copy(f[:], b)
	return f, nil
}

// DeriveKeys diversifies the master keys for one card number, the way the
// issuer personalised the card and the centre recomputes them.
func DeriveKeys(s epurse.Scheme, m MasterKeys, pan string) (Keys, error) {
	f, err := Diversifier(pan)
	if err != nil {
		return Keys{}, err
	}
	var k Keys
	for _, p := range []struct {
		name string
		mk   []byte
		dst  *[]byte
	}{{"MLK", m.MLK, &k.DLK}, {"MPK", m.MPK, &k.DPK}, {"MTK", m.MTK, &k.DTK}, {"MAMK", m.MAMK, &k.DAMK}} {
		d, err := s.Diversify(p.mk, f[:])
		if err != nil {
			return Keys{}, fmt.Errorf("cpucard: derive from %s: %w", p.name, err)
		}
		*p.dst = d
	}
	return k, nil
}
