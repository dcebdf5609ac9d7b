package cpucard

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"paycert/codecs/epurse"
)

// PersistentFormat is the version of Persistent's JSON layout; Restore
// refuses any other.
const PersistentFormat = 1

// Hex is bytes written as upper-case hex in JSON.
type Hex []byte

// MarshalText writes h as upper-case hex.
func (h Hex) MarshalText() ([]byte, error) {
	return []byte(strings.ToUpper(hex.EncodeToString(h))), nil
}

// UnmarshalText reads hex.
func (h *Hex) UnmarshalText(b []byte) error {
	v, err := hex.DecodeString(string(b))
	if err != nil {
		return fmt.Errorf("cpucard: %q is not hex: %w", b, err)
	}
	*h = v
	return nil
}

// Persistent is everything a card keeps without power: its
// personalisation (number, AID, ATR, cipher, key index and version, the
// diversified keys, the purse's cap) and its state (balance, counters,
// binary files by SFI, record files by SFI newest first, the transaction
// proofs by type). Map keys are SFIs and types in hex ("15", "02").
//
// It holds the card's keys: it is for software test cards, whose keys are
// diversified from test master keys, never for a real card's.
type Persistent struct {
	Format     int                        `json:"format"`
	PAN        string                     `json:"pan"`
	AID        Hex                        `json:"aid"`
	ATR        Hex                        `json:"atr"`
	Cipher     string                     `json:"cipher"` // epurse.ParseCipher: "3des" or "sm4"
	KeyIndex   uint8                      `json:"key_index"`
	KeyVersion uint8                      `json:"key_version"`
	Keys       PersistentKeys             `json:"keys"`
	MaxBalance uint32                     `json:"max_balance"`
	Balance    uint32                     `json:"balance"`
	OnlineSeq  uint16                     `json:"online_seq"`
	OfflineSeq uint16                     `json:"offline_seq"`
	Binaries   map[string]Hex             `json:"binary_files"`
	Records    map[string][]Hex           `json:"record_files"`
	Proofs     map[string]PersistentProof `json:"proofs"`
}

// PersistentKeys are the card's diversified keys.
type PersistentKeys struct {
	DLK  Hex `json:"dlk"`
	DPK  Hex `json:"dpk"`
	DTK  Hex `json:"dtk"`
	DAMK Hex `json:"damk"`
}

// PersistentProof is what GET TRANSACTION PROOF answers for a type:
// Counter is the counter the transaction used plus 1.
type PersistentProof struct {
	Counter uint16 `json:"counter"`
	MAC     Hex    `json:"mac"`
	TAC     Hex    `json:"tac"`
}

func sfiKey(b byte) string { return fmt.Sprintf("%02X", b) }

// Export returns the card's persistent state (deep copies).
func (c *Card) Export() Persistent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.persistentLocked()
}

// OnCommit registers fn to see the persistent state after every command
// that changed it (CREDIT FOR LOAD, DEBIT FOR PURCHASE, UPDATE BINARY),
// before the reply leaves the card, torn or not: what a card's EEPROM
// holds. fn runs with the card locked and must not call the card; nil
// removes it.
func (c *Card) OnCommit(fn func(Persistent)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onCommit = fn
}

func (c *Card) persistentLocked() Persistent {
	cp := func(b []byte) Hex { return append(Hex(nil), b...) }
	p := Persistent{Format: PersistentFormat, PAN: c.pan, AID: cp(c.aid), ATR: cp(c.atr), Cipher: epurse.CipherName(c.scheme.Cipher),
		KeyIndex: c.keyIdx, KeyVersion: c.keyVer,
		Keys:       PersistentKeys{DLK: cp(c.keys.DLK), DPK: cp(c.keys.DPK), DTK: cp(c.keys.DTK), DAMK: cp(c.keys.DAMK)},
		MaxBalance: c.maxBalance, Balance: c.balance, OnlineSeq: c.online, OfflineSeq: c.offline,
		Binaries: map[string]Hex{}, Records: map[string][]Hex{}, Proofs: map[string]PersistentProof{}}
	for sfi, f := range c.binaries {
		p.Binaries[sfiKey(sfi)] = cp(f)
	}
	for sfi, f := range c.records {
		recs := []Hex{}
		for _, r := range f.recs {
			recs = append(recs, cp(r))
		}
		p.Records[sfiKey(sfi)] = recs
	}
	for typ, pr := range c.proofs {
		p.Proofs[sfiKey(typ)] = PersistentProof{Counter: pr.counter, MAC: cp(pr.mac[:]), TAC: cp(pr.tac[:])}
	}
	return p
}

// ErrPersistent wraps every reason Restore refuses a state.
var ErrPersistent = errors.New("cpucard: invalid card state")

// Restore makes a powered card from a state Export returned (read back from
// JSON, say): the same card, its volatile state (selection, challenge,
// pending transaction) cleared as after a power cycle. rnd supplies
// challenges and randoms (nil: crypto/rand). Every field is checked against
// the file layout of this package, so a hand-edited state cannot make a
// card no COS would be.
func Restore(p Persistent, rnd io.Reader) (*Card, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrPersistent, fmt.Sprintf(format, a...))
	}
	if p.Format != PersistentFormat {
		return nil, bad("format %d, this paycert reads %d", p.Format, PersistentFormat)
	}
	ciph, err := epurse.ParseCipher(p.Cipher)
	if err != nil {
		return nil, bad("%v", err)
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	atr := []byte(p.ATR)
	if len(atr) < 2 || len(atr) > 33 {
		return nil, bad("ATR is %d bytes, want 2 to 33", len(atr))
	}
	if p.KeyIndex == 0 || p.KeyVersion == 0 || p.MaxBalance == 0 {
		return nil, bad("key index, key version and max balance must be set")
	}
	pr := Profile{PAN: p.PAN, AID: p.AID, ATR: atr, Cipher: ciph, KeyIndex: p.KeyIndex, KeyVersion: p.KeyVersion,
		Keys:    Keys{DLK: p.Keys.DLK, DPK: p.Keys.DPK, DTK: p.Keys.DTK, DAMK: p.Keys.DAMK},
		Balance: p.Balance, OnlineSeq: p.OnlineSeq, OfflineSeq: p.OfflineSeq, MaxBalance: p.MaxBalance, Rand: rnd}
	if len(pr.Keys.DLK) == 0 {
		return nil, bad("no keys")
	}
	c, err := New(pr)
	if err != nil {
		return nil, bad("%v", err)
	}
	if got, want := sortedKeys(p.Binaries), sortedKeysOf(c.binaries); !slices.Equal(got, want) {
		return nil, bad("binary files %v, the card has %v", got, want)
	}
	for k, v := range p.Binaries {
		sfi, _ := strconv.ParseUint(k, 16, 8) // k is one of the card's SFIs
		if len(v) != len(c.binaries[byte(sfi)]) {
			return nil, bad("file %s is %d bytes, want %d", k, len(v), len(c.binaries[byte(sfi)]))
		}
		c.binaries[byte(sfi)] = append([]byte(nil), v...)
	}
	if got, want := sortedKeys(p.Records), sortedKeysOf(c.records); !slices.Equal(got, want) {
		return nil, bad("record files %v, the card has %v", got, want)
	}
	for k, recs := range p.Records {
		sfi, _ := strconv.ParseUint(k, 16, 8)
		f := c.records[byte(sfi)]
		if len(recs) > f.max {
			return nil, bad("file %s holds %d records, at most %d", k, len(recs), f.max)
		}
		f.recs = nil
		for i, r := range recs {
			if len(r) != f.size {
				return nil, bad("record %d of file %s is %d bytes, want %d", i+1, k, len(r), f.size)
			}
			f.recs = append(f.recs, append([]byte(nil), r...))
		}
	}
	for k, v := range p.Proofs {
		typ, err := strconv.ParseUint(k, 16, 8)
		if err != nil || len(k) != 2 || len(v.MAC) != 4 || len(v.TAC) != 4 {
			return nil, bad("proof %q: want a type in 2 hex digits, a 4-byte MAC and TAC", k)
		}
		c.proofs[byte(typ)] = proof{counter: v.Counter, mac: [4]byte(v.MAC), tac: [4]byte(v.TAC)}
	}
	return c, nil
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, strings.ToUpper(k))
	}
	slices.Sort(out)
	return out
}

func sortedKeysOf[V any](m map[byte]V) []string {
	var out []string
	for k := range m {
		out = append(out, sfiKey(k))
	}
	slices.Sort(out)
	return out
}
