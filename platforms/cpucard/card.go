// Package cpucard is a software CPU card carrying the transit e-purse of
// cards.md and seed 003 appendix C: the card in the loop for the Huzhou
// centre simulator, and the card the hardware tests serve over vpcd.
//
// The card answers C-APDUs through Transmit exactly as a contact/contactless
// card behind a PC/SC reader would: SELECT (PPSE, purse AID, with FCI),
// READ BINARY/RECORD of files 0x05-0x08 and 0x15-0x19, GET BALANCE, GET
// CHALLENGE, INITIALIZE/CREDIT FOR LOAD, INITIALIZE/DEBIT FOR PURCHASE,
// GET TRANSACTION PROOF and UPDATE BINARY with secure-messaging MAC, with
// every status word of cards.md. Power-cycle semantics follow cards.md:
// balance, counters, files, records and transaction proofs persist;
// selection, the pending transaction and the challenge do not.
//
// Export and Restore carry the persistent state (personalisation, purse,
// files, records, proofs) out of and back into a card, as JSON a test or
// `paycert card virtual --state` keeps across restarts; OnCommit sees every
// change of it as it happens.
//
// A tear switch (TearNext, TearAfter) lets a test remove the card in the
// middle of a command: the command takes effect, then Transmit returns
// ErrTorn and the card is unpowered, as when a card leaves the field after
// writing its EEPROM but before its reply reaches the reader.
package cpucard

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
)

// ErrTorn is returned by Transmit for a torn command: it is apdu.ErrTorn,
// the one signal readers and clients test for.
var ErrTorn = apdu.ErrTorn

// ErrNoPower is returned by Transmit while the card is powered off (after
// PowerOff or a tear, before PowerOn/Reset).
var ErrNoPower = errors.New("cpucard: card not powered")

// Status words the card uses beyond codecs/apdu's named ones.
const (
	swWrongFileType apdu.SW = 0x6981 // command incompatible with file structure
	swNoCurrentEF   apdu.SW = 0x6986
	swInternal      apdu.SW = 0x6F00
)

// Profile personalises a card. Zero fields take the defaults documented on
// each field.
type Profile struct {
	// PAN is the card number, 16 to 20 digits, written right-aligned into
	// the application serial of file 0x15 (zero-padded to 20 digits).
	PAN string
	// Keys are the card's diversified keys. When DLK is nil they are
	// derived from Masters (default TestMasterKeys) with DeriveKeys.
	Keys    Keys
	Masters *MasterKeys
	// Cipher is the purse algorithm; nil means 3DES (algId 00). The SM4
	// variant (epurse.SM4, algId 04) is an unverified extension point.
	Cipher epurse.Cipher
	// KeyIndex is the one load/purchase key index the card accepts
	// (default 01; INITIALIZE with another gets 9403); KeyVersion is
	// reported in INITIALIZE replies (default 01).
	KeyIndex, KeyVersion byte
	// AID is the purse application's name, selected by SELECT (P1=04),
	// listed by the PPSE and carried in the purse FCI (default
	// apdu.PurseAID, A000000632010105; city cards may use their own).
	AID []byte
	// Balance, OnlineSeq and OfflineSeq are the initial purse state.
	Balance               uint32
	OnlineSeq, OfflineSeq uint16
	// MaxBalance caps the purse (default 100000 fen = 1000.00 yuan); a
	// load beyond it is refused with 6985 at INITIALIZE FOR LOAD.
	MaxBalance uint32
	// Public overrides file 0x15 except the serial (taken from PAN);
	// zero fields default to the cards.md sample (issuer 01011000FFFFFFFF,
	// type 02, version 01, 20190806..20401231).
	Public PublicInfo
	// Holder (55 bytes) and Management (60 bytes) replace the defaults of
	// files 0x16 and 0x17 (see defaultHolder, defaultManagement).
	Holder, Management []byte
	// ATR replaces the default ATR (3B 8A 80 01 "PAYCERTCPU" TCK, T=1).
	ATR []byte
	// Rand supplies challenges and transaction randoms (default
	// crypto/rand); tests pass a deterministic reader.
	Rand io.Reader
}

type selection int

const (
	selNone selection = iota
	selPPSE
	selPurse
	selMF
)

func (s selection) String() string {
	return [...]string{"", "PPSE", "purse", "MF"}[s]
}

// File identifiers SELECT by FID (P1=00) knows. JT/T 978 and PBOC cards
// put the master file at 3F00 and, by common issuer practice (the seeds
// name no FID), the purse ADF at 1001; a COS answers any other FID 6A82.
const (
	fidMF    = 0x3F00
	fidPurse = 0x1001
)

// pending is the transaction between INITIALIZE and CREDIT/DEBIT.
type pending struct {
	load       bool
	txType     byte
	amount     uint32
	terminal   [6]byte
	random     [4]byte
	oldBalance uint32
	seq        uint16
	seslk      []byte // load only; the purchase session key needs termSeq
}

// proof is what GET TRANSACTION PROOF returns for the last transaction of
// a type; counter is the counter value the transaction used plus 1.
type proof struct {
	counter uint16
	mac     [4]byte
	tac     [4]byte
}

// Card is a software CPU card. Its methods are safe for concurrent use;
// a mutex serialises commands as a reader would.
type Card struct {
	mu sync.Mutex

	// personalisation
	scheme     epurse.Scheme
	keys       Keys
	keyIdx     byte
	keyVer     byte
	maxBalance uint32
	atr        []byte
	aid        []byte
	rand       io.Reader
	pan        string

	// persistent state
	balance  uint32
	online   uint16
	offline  uint16
	binaries map[byte][]byte
	records  map[byte]*recordFile
	proofs   map[byte]proof

	// volatile state
	powered   bool
	selected  selection
	challenge []byte
	pend      *pending

	// onCommit sees the persistent state after every change (nil: none);
	// changed is set by the commands that change it.
	onCommit func(Persistent)
	changed  bool

	// tear switch
	tearINS   int // -1: off
	tearAfter int // -1: off; otherwise commands still answered before the tear
}

// New personalises a powered-on card.
func New(p Profile) (*Card, error) {
	c := &Card{
		scheme:     epurse.Scheme{Cipher: p.Cipher},
		keys:       p.Keys,
		keyIdx:     p.KeyIndex,
		keyVer:     p.KeyVersion,
		maxBalance: p.MaxBalance,
		rand:       p.Rand,
		balance:    p.Balance,
		online:     p.OnlineSeq,
		offline:    p.OfflineSeq,
		proofs:     map[byte]proof{},
		tearINS:    -1,
		tearAfter:  -1,
		powered:    true,
	}
	if c.keyIdx == 0 {
		c.keyIdx = 0x01
	}
	if c.keyVer == 0 {
		c.keyVer = 0x01
	}
	if c.maxBalance == 0 {
		c.maxBalance = 100000
	}
	if c.balance > c.maxBalance {
		return nil, fmt.Errorf("cpucard: initial balance %d exceeds the maximum %d", c.balance, c.maxBalance)
	}
	if c.rand == nil {
		c.rand = rand.Reader
	}
	if _, err := Diversifier(p.PAN); err != nil {
		return nil, err
	}
	c.pan = p.PAN
	if c.keys.DLK == nil {
		m := TestMasterKeys()
		if p.Masters != nil {
			m = *p.Masters
		}
		k, err := DeriveKeys(c.scheme, m, p.PAN)
		if err != nil {
			return nil, err
		}
		c.keys = k
	}
	if len(c.keys.DLK) != 16 || len(c.keys.DPK) != 16 || len(c.keys.DTK) != 16 || len(c.keys.DAMK) != 16 {
		return nil, errors.New("cpucard: keys DLK, DPK, DTK and DAMK must be 16 bytes each")
	}
	c.atr = p.ATR
	if c.atr == nil {
		c.atr = defaultATR()
	}
	c.aid = append([]byte(nil), p.AID...)
	if len(c.aid) == 0 {
		c.aid = append([]byte(nil), apdu.PurseAID...)
	}
	if len(c.aid) < 5 || len(c.aid) > 16 {
		return nil, fmt.Errorf("cpucard: AID %X is %d bytes, want 5 to 16 (ISO 7816-4)", c.aid, len(c.aid))
	}
	pub := p.Public
	if pub.IssuerID == [8]byte{} {
		pub.IssuerID = [8]byte{0x01, 0x01, 0x10, 0x00, 0xFF, 0xFF, 0xFF, 0xFF}
	}
	if pub.AppType == 0 {
		pub.AppType = 0x02
	}
	if pub.AppVersion == 0 {
		pub.AppVersion = 0x01
	}
	if pub.StartDate == [4]byte{} {
		pub.StartDate = [4]byte{0x20, 0x19, 0x08, 0x06}
	}
	if pub.ExpiryDate == [4]byte{} {
		pub.ExpiryDate = [4]byte{0x20, 0x40, 0x12, 0x31}
	}
	serial, _ := hex.DecodeString(strings.Repeat("0", 20-len(p.PAN)) + p.PAN) // digits checked above
	copy(pub.Serial[:], serial)
	holder, mgmt := p.Holder, p.Management
	if holder == nil {
		holder = defaultHolder()
	}
	if mgmt == nil {
		mgmt = defaultManagement()
	}
	if len(holder) != HolderLen || len(mgmt) != ManagementLen {
		return nil, fmt.Errorf("cpucard: holder file is %d bytes (want %d), management file %d (want %d)",
			len(holder), HolderLen, len(mgmt), ManagementLen)
	}
	c.binaries = map[byte][]byte{
		SFIPublic:     pub.Bytes(),
		SFIHolder:     append([]byte(nil), holder...),
		SFIManagement: append([]byte(nil), mgmt...),
		SFIFile05:     make([]byte, File0506Len),
		SFIFile06:     make([]byte, File0506Len),
	}
	composite := &recordFile{size: CompositeLen, max: CompositeRecords}
	for range CompositeRecords {
		composite.recs = append(composite.recs, make([]byte, CompositeLen))
	}
	c.records = map[byte]*recordFile{
		SFILog:       {size: LogRecordLen, max: LogRecords, cyclic: true},
		SFILoads:     {size: DetailLen, max: LoadRecords, cyclic: true},
		SFIPurchases: {size: DetailLen, max: PurchaseRecords, cyclic: true},
		SFIComposite: composite,
	}
	return c, nil
}

// MustNew is New for tests and examples with a known-good profile.
func MustNew(p Profile) *Card {
	c, err := New(p)
	if err != nil {
		panic(err)
	}
	return c
}

// defaultHolder is file 0x16 (55 bytes; layout "from memory only" in
// cards.md): holder type(1) staff flag(1) name(20, GBK, 00-padded) id
// number(32, ASCII, 00-padded) id type(1). The default is an anonymous card.
func defaultHolder() []byte {
	b := make([]byte, HolderLen)
	b[0] = 0x00 // ordinary holder
	return b
}

// defaultManagement is file 0x17 (60 bytes): international code 0-3
// ("156" China), province 4-5, city 6-7 (BCD; 3130 is used for Huzhou here
// as a stand-in, the seed gives no code), interoperability type 8-9, card
// type 10; the rest 00.
func defaultManagement() []byte {
	b := make([]byte, ManagementLen)
	copy(b, []byte{0x00, 0x00, 0x01, 0x56, 0x33, 0x00, 0x31, 0x30, 0x00, 0x01, 0x01})
	return b
}

// defaultATR is 3B 8A 80 01 + 10 historical bytes + TCK: T=1 indicated, so
// pcscd sends APDUs as they are.
func defaultATR() []byte {
	atr := append([]byte{0x3B, 0x8A, 0x80, 0x01}, "PAYCERTCPU"...)
	var tck byte
	for _, b := range atr[1:] {
		tck ^= b
	}
	return append(atr, tck)
}

// ATR returns the card's answer to reset.
func (c *Card) ATR() []byte { return append([]byte(nil), c.atr...) }

// AID returns the purse application's AID.
func (c *Card) AID() []byte { return append([]byte(nil), c.aid...) }

// PAN returns the card number the card was personalised with.
func (c *Card) PAN() string { return c.pan }

// Keys returns a copy of the card's diversified keys (tests and the centre
// fixture compare them with DeriveKeys).
func (c *Card) Keys() Keys {
	cp := func(b []byte) []byte { return append([]byte(nil), b...) }
	return Keys{DLK: cp(c.keys.DLK), DPK: cp(c.keys.DPK), DTK: cp(c.keys.DTK), DAMK: cp(c.keys.DAMK)}
}

// PowerOff removes power: volatile state is lost.
func (c *Card) PowerOff() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.powerOffLocked()
}

func (c *Card) powerOffLocked() {
	c.powered = false
	c.clearVolatile()
}

func (c *Card) clearVolatile() {
	c.selected = selNone
	c.challenge = nil
	c.pend = nil
}

// PowerOn powers the card (cold reset) and returns its ATR.
func (c *Card) PowerOn() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.powered = true
	c.clearVolatile()
	return c.ATR()
}

// Reset is a warm reset: like a power cycle for the purse's state.
func (c *Card) Reset() []byte { return c.PowerOn() }

// Powered reports whether the card is powered.
func (c *Card) Powered() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.powered
}

// TearNext arms a one-shot tear: the next command with instruction ins
// takes effect, then Transmit returns ErrTorn and the card loses power.
func (c *Card) TearNext(ins byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tearINS = int(ins)
}

// TearAfter arms a one-shot tear counted in commands: n commands are
// answered normally and the one after them is torn (TearAfter(0) tears the
// next command, whatever it is).
func (c *Card) TearAfter(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tearAfter = n
}

// CancelTear disarms both tear switches.
func (c *Card) CancelTear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tearINS, c.tearAfter = -1, -1
}

// Transmit sends one C-APDU and returns the R-APDU (data‖SW1SW2). A
// malformed command gets 6700, never an error; errors are ErrNoPower and
// a torn command (errors.Is(err, ErrTorn)), after which the card is off.
func (c *Card) Transmit(capdu []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.powered {
		return nil, ErrNoPower
	}
	tear := false
	if len(capdu) >= 2 && c.tearINS == int(capdu[1]) {
		tear, c.tearINS = true, -1
	}
	if c.tearAfter == 0 {
		tear, c.tearAfter = true, -1
	} else if c.tearAfter > 0 {
		c.tearAfter--
	}
	r := c.process(capdu)
	if c.changed {
		// The effect is in EEPROM before the reply leaves the card, also
		// when the card is torn right after.
		c.changed = false
		if c.onCommit != nil {
			c.onCommit(c.persistentLocked())
		}
	}
	if tear {
		c.powerOffLocked()
		name := "command"
		if cmd, err := apdu.ParseCommand(capdu); err == nil && apdu.Name(cmd) != "" {
			name = apdu.Name(cmd)
		}
		return nil, fmt.Errorf("cpucard: card removed during %s (its effect, if any, was applied): %w", name, ErrTorn)
	}
	return r.Bytes(), nil
}

func sw(s apdu.SW) apdu.Response { return apdu.Response{SW: s} }

func ok(data []byte) apdu.Response { return apdu.Response{Data: data, SW: apdu.SWOK} }

// reply applies the Le rule for fixed-size replies: an Le shorter than the
// reply gets 6Cxx (the exact length), as ISO 7816-4 allows; a longer Le,
// 00 (256) or no Le at all (seed 003 writes some commands without Le) gets
// the data.
func reply(cmd apdu.Command, data []byte) apdu.Response {
	if cmd.Le != apdu.NoLe && cmd.Le < len(data) && cmd.Le != 0 {
		return sw(apdu.SW(0x6C00 | len(data)&0xFF))
	}
	return ok(data)
}

func (c *Card) process(capdu []byte) apdu.Response {
	cmd, err := apdu.ParseCommand(capdu)
	if err != nil {
		return sw(apdu.SWWrongLength)
	}
	type handler struct {
		cla byte
		fn  func(apdu.Command) apdu.Response
	}
	var h handler
	switch cmd.INS {
	case apdu.INSSelect:
		h = handler{0x00, c.selectFile}
	case apdu.INSReadBinary:
		h = handler{0x00, c.readBinary}
	case apdu.INSReadRecord:
		h = handler{0x00, c.readRecord}
	case apdu.INSGetChallenge:
		h = handler{0x00, c.getChallenge}
	case apdu.INSGetBalance:
		h = handler{0x80, c.getBalance}
	case apdu.INSInitialize:
		h = handler{0x80, c.initialize}
	case apdu.INSCreditForLoad:
		h = handler{0x80, c.credit}
	case apdu.INSDebitForPurchase:
		h = handler{0x80, c.debit}
	case apdu.INSGetProof:
		h = handler{0x80, c.getProof}
	case apdu.INSUpdateBinary:
		if cmd.CLA == 0x00 {
			// Plain UPDATE BINARY: the files need secure messaging.
			return sw(apdu.SWSecurityNotSatisfied)
		}
		h = handler{0x04, c.updateBinary}
	default:
		if cmd.CLA != 0x00 && cmd.CLA != 0x80 && cmd.CLA != 0x04 {
			return sw(apdu.SWCLANotSupported)
		}
		return sw(apdu.SWINSNotSupported)
	}
	if cmd.CLA != h.cla {
		return sw(apdu.SWCLANotSupported)
	}
	return h.fn(cmd)
}

// selectFile is SELECT as a PBOC / JT/T 978 COS answers it: by DF name
// (P1=04) or by file identifier (P1=00), returning the FCI (P2=00) or
// nothing (P2=0C, ISO 7816-4 "no response data"). Unsupported P1/P2
// combinations get 6A86 (incorrect P1-P2), an unknown file 6A82.
func (c *Card) selectFile(cmd apdu.Command) apdu.Response {
	if cmd.P2 != 0x00 && cmd.P2 != 0x0C {
		return sw(apdu.SWIncorrectP1P2)
	}
	var r apdu.Response
	switch cmd.P1 {
	case 0x04:
		r = c.selectByName(cmd)
	case 0x00:
		r = c.selectByFID(cmd)
	default:
		return sw(apdu.SWIncorrectP1P2)
	}
	if cmd.P2 == 0x0C && r.SW == apdu.SWOK {
		r.Data = nil
	}
	return r
}

func (c *Card) selectByFID(cmd apdu.Command) apdu.Response {
	if len(cmd.Data) != 2 {
		return sw(apdu.SWWrongLength)
	}
	switch int(cmd.Data[0])<<8 | int(cmd.Data[1]) {
	case fidMF:
		c.challenge, c.pend = nil, nil
		c.selected = selMF
		return reply(cmd, apdu.TLV(0x6F, apdu.TLV(0x84, apdu.PPSE)))
	case fidPurse:
		c.challenge, c.pend = nil, nil
		c.selected = selPurse
		return reply(cmd, c.purseFCI())
	}
	return sw(apdu.SWFileNotFound)
}

// purseFCI is the purse ADF's FCI: its AID, a label and the public
// information file (0x15) as issuer discretionary data.
func (c *Card) purseFCI() []byte {
	prop := append(apdu.TLV(0x50, []byte("TRANSIT PURSE")), apdu.TLV(0x9F0C, c.binaries[SFIPublic])...)
	return apdu.TLV(0x6F, append(apdu.TLV(0x84, c.aid), apdu.TLV(0xA5, prop)...))
}

func (c *Card) selectByName(cmd apdu.Command) apdu.Response {
	if len(cmd.Data) == 0 {
		return sw(apdu.SWWrongLength)
	}
	// Any SELECT abandons the pending transaction and the challenge
	// (cards.md: cleared on reselect).
	c.challenge, c.pend = nil, nil
	switch {
	case string(cmd.Data) == string(apdu.PPSE):
		c.selected = selPPSE
		entry := apdu.TLV(0x61, append(apdu.TLV(0x4F, c.aid), apdu.TLV(0x87, []byte{0x01})...))
		fci := apdu.TLV(0x6F, append(apdu.TLV(0x84, apdu.PPSE), apdu.TLV(0xA5, apdu.TLV(0xBF0C, entry))...))
		return reply(cmd, fci)
	case string(cmd.Data) == string(c.aid):
		c.selected = selPurse
		return reply(cmd, c.purseFCI())
	}
	return sw(apdu.SWFileNotFound)
}

// notThere answers a command that found no file of the structure it needs
// at sfi: 6981 when sfi is a file of the other structure (READ RECORD of a
// binary file, READ BINARY of a record file), 6A82 when there is no file.
func (c *Card) notThere(sfi byte) apdu.Response {
	_, isBin := c.binaries[sfi]
	_, isRec := c.records[sfi]
	if isBin || isRec {
		return sw(swWrongFileType)
	}
	return sw(apdu.SWFileNotFound)
}

func (c *Card) readBinary(cmd apdu.Command) apdu.Response {
	if cmd.P1&0x80 == 0 {
		return sw(swNoCurrentEF) // only SFI addressing is supported
	}
	if len(cmd.Data) != 0 {
		return sw(apdu.SWWrongLength)
	}
	sfi := cmd.P1 & 0x1F
	if c.selected != selPurse {
		return sw(apdu.SWFileNotFound)
	}
	f, isBin := c.binaries[sfi]
	if !isBin {
		return c.notThere(sfi)
	}
	off := int(cmd.P2)
	if off >= len(f) {
		return sw(apdu.SWWrongP1P2)
	}
	n := len(f) - off
	if cmd.Le != apdu.NoLe && cmd.Le != 256 && cmd.Le != 0 {
		if cmd.Le > n {
			return sw(apdu.SW(0x6C00 | n))
		}
		n = cmd.Le
	}
	return ok(append([]byte(nil), f[off:off+n]...))
}

func (c *Card) readRecord(cmd apdu.Command) apdu.Response {
	if cmd.P2&0x07 != 0x04 {
		return sw(apdu.SWWrongP1P2) // only "record number in P1" is supported
	}
	if len(cmd.Data) != 0 {
		return sw(apdu.SWWrongLength)
	}
	sfi := cmd.P2 >> 3
	if c.selected != selPurse {
		return sw(apdu.SWFileNotFound)
	}
	f, isRec := c.records[sfi]
	if !isRec {
		return c.notThere(sfi)
	}
	if cmd.P1 == 0 || int(cmd.P1) > len(f.recs) {
		return sw(apdu.SWRecordNotFound)
	}
	rec := f.recs[cmd.P1-1]
	if cmd.Le != apdu.NoLe && cmd.Le != 256 && cmd.Le != 0 && cmd.Le != len(rec) {
		return sw(apdu.SW(0x6C00 | len(rec)))
	}
	return ok(append([]byte(nil), rec...))
}

func (c *Card) getChallenge(cmd apdu.Command) apdu.Response {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return sw(apdu.SWWrongP1P2)
	}
	if len(cmd.Data) != 0 || (cmd.Le != 4 && cmd.Le != 8) {
		return sw(apdu.SWWrongLength)
	}
	ch := make([]byte, cmd.Le)
	if _, err := io.ReadFull(c.rand, ch); err != nil {
		return sw(swInternal)
	}
	c.challenge = ch
	return ok(append([]byte(nil), ch...))
}

func (c *Card) getBalance(cmd apdu.Command) apdu.Response {
	if cmd.P1 != 0 || cmd.P2 != apdu.BalancePurse {
		return sw(apdu.SWWrongP1P2) // no deposit account (P2 01) on this card
	}
	if len(cmd.Data) != 0 {
		return sw(apdu.SWWrongLength)
	}
	if c.selected != selPurse {
		return sw(apdu.SWConditionsNotSatisfied)
	}
	return reply(cmd, binary.BigEndian.AppendUint32(nil, c.balance))
}

func (c *Card) initialize(cmd apdu.Command) apdu.Response {
	var typ byte
	switch {
	case cmd.P1 == 0x00 && cmd.P2 == apdu.BalancePurse:
		typ = epurse.TypePurseLoad
	case cmd.P1 == 0x01 && cmd.P2 == apdu.BalancePurse:
		typ = epurse.TypePursePurchase
	case cmd.P1 == 0x03 && cmd.P2 == apdu.BalancePurse:
		typ = epurse.TypeCompositePurchase
	default:
		return sw(apdu.SWWrongP1P2)
	}
	if len(cmd.Data) != 11 {
		return sw(apdu.SWWrongLength)
	}
	if c.selected != selPurse {
		return sw(apdu.SWConditionsNotSatisfied)
	}
	c.pend = nil // a new INITIALIZE abandons any earlier one
	if cmd.Data[0] != c.keyIdx {
		return sw(apdu.SWKeyIndexNotSupported)
	}
	p := &pending{load: cmd.P1 == 0x00, txType: typ, amount: binary.BigEndian.Uint32(cmd.Data[1:5]), oldBalance: c.balance}
	copy(p.terminal[:], cmd.Data[5:11])
	if p.load {
		if uint64(c.balance)+uint64(p.amount) > uint64(c.maxBalance) {
			return sw(apdu.SWConditionsNotSatisfied)
		}
		if c.online == 0xFFFF {
			return sw(apdu.SWCounterLimit)
		}
		p.seq = c.online
	} else {
		if p.amount > c.balance {
			return sw(apdu.SWInsufficientBalance)
		}
		if c.offline == 0xFFFF {
			return sw(apdu.SWCounterLimit)
		}
		p.seq = c.offline
	}
	if _, err := io.ReadFull(c.rand, p.random[:]); err != nil {
		return sw(swInternal)
	}
	alg := c.scheme.Cipher
	var algID byte
	if alg != nil {
		algID = alg.AlgID()
	}
	if !p.load {
		c.pend = p
		r := apdu.InitPurchaseReply{Balance: c.balance, OfflineSeq: p.seq, KeyVer: c.keyVer, AlgID: algID, Random: p.random}
		return reply(cmd, r.Bytes())
	}
	ses, err := c.scheme.LoadSessionKey(c.keys.DLK, p.random, p.seq)
	if err != nil {
		return sw(swInternal)
	}
	mac1, err := c.scheme.LoadMAC1(ses, c.loadOf(p, [7]byte{}))
	if err != nil {
		return sw(swInternal)
	}
	p.seslk = ses
	c.pend = p
	r := apdu.InitLoadReply{Balance: c.balance, OnlineSeq: p.seq, KeyVer: c.keyVer, AlgID: algID, Random: p.random}
	copy(r.MAC1[:], mac1)
	return reply(cmd, r.Bytes())
}

func (c *Card) loadOf(p *pending, dt [7]byte) epurse.Load {
	return epurse.Load{OldBalance: p.oldBalance, Amount: p.amount, Type: p.txType, Terminal: p.terminal,
		OnlineSeq: p.seq, Random: p.random, DateTime: dt}
}

func (c *Card) credit(cmd apdu.Command) apdu.Response {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return sw(apdu.SWWrongP1P2)
	}
	if len(cmd.Data) != 11 {
		return sw(apdu.SWWrongLength)
	}
	p := c.pend
	if p == nil || !p.load {
		return sw(apdu.SWConditionsNotSatisfied)
	}
	c.pend = nil // one CREDIT per INITIALIZE, whatever its outcome
	var dt [7]byte
	copy(dt[:], cmd.Data[:7])
	l := c.loadOf(p, dt)
	want, err := c.scheme.LoadMAC2(p.seslk, l)
	if err != nil {
		return sw(swInternal)
	}
	if subtle.ConstantTimeCompare(want, cmd.Data[7:11]) != 1 {
		return sw(apdu.SWMACInvalid)
	}
	tac, err := c.scheme.LoadTAC(c.keys.DTK, l)
	if err != nil {
		return sw(swInternal)
	}
	// Commit: balance, counter, log, detail and proof change together.
	c.balance += p.amount
	c.online++
	pr := proof{counter: p.seq + 1}
	copy(pr.mac[:], cmd.Data[7:11])
	copy(pr.tac[:], tac)
	c.proofs[p.txType] = pr
	c.records[SFILog].push(LogRecord{Seq: p.seq, Amount: p.amount, Type: p.txType, Terminal: p.terminal, DateTime: dt}.Bytes())
	c.records[SFILoads].push(LoadDetail{OnlineSeq: p.seq, Amount: p.amount, Type: p.txType, Terminal: p.terminal,
		DateTime: dt, NewBalance: c.balance, TAC: pr.tac, MAC2: pr.mac}.Bytes())
	c.changed = true
	return reply(cmd, pr.tac[:])
}

func (c *Card) debit(cmd apdu.Command) apdu.Response {
	if cmd.P1 != 0x01 || cmd.P2 != 0x00 {
		return sw(apdu.SWWrongP1P2)
	}
	if len(cmd.Data) != 15 {
		return sw(apdu.SWWrongLength)
	}
	p := c.pend
	if p == nil || p.load {
		return sw(apdu.SWConditionsNotSatisfied)
	}
	c.pend = nil
	pu := epurse.Purchase{OldBalance: p.oldBalance, Amount: p.amount, Type: p.txType, Terminal: p.terminal,
		OfflineSeq: p.seq, TermSeq: binary.BigEndian.Uint32(cmd.Data[:4]), Random: p.random}
	copy(pu.DateTime[:], cmd.Data[4:11])
	ses, err := c.scheme.PurchaseSessionKey(c.keys.DPK, p.random, p.seq, pu.TermSeq)
	if err != nil {
		return sw(swInternal)
	}
	want, err := c.scheme.PurchaseMAC1(ses, pu)
	if err != nil {
		return sw(swInternal)
	}
	if subtle.ConstantTimeCompare(want, cmd.Data[11:15]) != 1 {
		return sw(apdu.SWMACInvalid)
	}
	if p.amount > c.balance { // the balance cannot have moved, but never go negative
		return sw(apdu.SWInsufficientBalance)
	}
	mac2, err := c.scheme.PurchaseMAC2(ses, pu)
	if err != nil {
		return sw(swInternal)
	}
	tac, err := c.scheme.PurchaseTAC(c.keys.DTK, pu)
	if err != nil {
		return sw(swInternal)
	}
	c.balance -= p.amount
	c.offline++
	pr := proof{counter: p.seq + 1}
	copy(pr.mac[:], mac2)
	copy(pr.tac[:], tac)
	c.proofs[p.txType] = pr
	c.records[SFILog].push(LogRecord{Seq: p.seq, Amount: p.amount, Type: p.txType, Terminal: p.terminal, DateTime: pu.DateTime}.Bytes())
	c.records[SFIPurchases].push(PurchaseDetail{OfflineSeq: p.seq, Amount: p.amount, Type: p.txType, Terminal: p.terminal,
		DateTime: pu.DateTime, NewBalance: c.balance, TAC: pr.tac, TermSeq: pu.TermSeq}.Bytes())
	c.changed = true
	return reply(cmd, apdu.DebitReply{TAC: pr.tac, MAC2: pr.mac}.Bytes())
}

func (c *Card) getProof(cmd apdu.Command) apdu.Response {
	if cmd.P1 != 0 {
		return sw(apdu.SWWrongP1P2)
	}
	if len(cmd.Data) != 2 {
		return sw(apdu.SWWrongLength)
	}
	if c.selected != selPurse {
		return sw(apdu.SWConditionsNotSatisfied)
	}
	pr, found := c.proofs[cmd.P2]
	if !found || pr.counter != binary.BigEndian.Uint16(cmd.Data) {
		return sw(apdu.SWMACNotAvailable)
	}
	return reply(cmd, apdu.ProofReply{MAC: pr.mac, TAC: pr.tac}.Bytes())
}

func (c *Card) updateBinary(cmd apdu.Command) apdu.Response {
	if cmd.P1&0x80 == 0 {
		return sw(swNoCurrentEF)
	}
	if len(cmd.Data) < 5 {
		return sw(apdu.SWWrongLength)
	}
	if c.selected != selPurse {
		return sw(apdu.SWFileNotFound)
	}
	sfi := cmd.P1 & 0x1F
	f, isBin := c.binaries[sfi]
	if !isBin {
		return c.notThere(sfi)
	}
	ch := c.challenge
	c.challenge = nil // a challenge serves one secure-messaging command
	if ch == nil {
		return sw(apdu.SWConditionsNotSatisfied)
	}
	payload := cmd.Data[:len(cmd.Data)-4]
	var ch4 [4]byte
	copy(ch4[:], ch)
	want, err := c.scheme.SecureMessagingMAC(c.keys.DAMK, ch4, apdu.UpdateBinaryMACInput(sfi, cmd.P2, payload))
	if err != nil {
		return sw(swInternal)
	}
	if subtle.ConstantTimeCompare(want, cmd.Data[len(cmd.Data)-4:]) != 1 {
		return sw(apdu.SWIncorrectSMData)
	}
	if int(cmd.P2)+len(payload) > len(f) {
		return sw(apdu.SWWrongP1P2)
	}
	copy(f[cmd.P2:], payload)
	c.changed = true
	return ok(nil)
}

// State is a snapshot of the card for tests.
type State struct {
	Powered    bool
	Selected   string // "", "PPSE" or "purse"
	Pending    string // "", "load" or "purchase"
	Balance    uint32
	OnlineSeq  uint16
	OfflineSeq uint16
	Log        []LogRecord // file 0x18, newest first
	Loads      []LoadDetail
	Purchases  []PurchaseDetail
	Files      map[byte][]byte // binary files by SFI (copies)
}

// Snapshot returns the card's state.
func (c *Card) Snapshot() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := State{Powered: c.powered, Selected: c.selected.String(), Balance: c.balance,
		OnlineSeq: c.online, OfflineSeq: c.offline, Files: map[byte][]byte{}}
	if c.pend != nil {
		s.Pending = "purchase"
		if c.pend.load {
			s.Pending = "load"
		}
	}
	for _, r := range c.records[SFILog].recs {
		lr, _ := ParseLogRecord(r) // written by this package with the right length
		s.Log = append(s.Log, lr)
	}
	for _, r := range c.records[SFILoads].recs {
		d, _ := ParseLoadDetail(r)
		s.Loads = append(s.Loads, d)
	}
	for _, r := range c.records[SFIPurchases].recs {
		d, _ := ParsePurchaseDetail(r)
		s.Purchases = append(s.Purchases, d)
	}
	for k, v := range c.binaries {
		s.Files[k] = append([]byte(nil), v...)
	}
	return s
}

// MaxBalance is the purse's cap.
func (c *Card) MaxBalance() uint32 { return c.maxBalance }
