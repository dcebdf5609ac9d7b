package apdu

import (
	"encoding/binary"
	"fmt"
)

// Names the purse application is selected by.
var (
	// PPSE is "2PAY.SYS.DDF01", the payment system environment.
	PPSE = []byte("2PAY.SYS.DDF01")
	// PurseAID is the transit e-purse application A000000632010105.
	PurseAID = []byte{0xA0, 0x00, 0x00, 0x06, 0x32, 0x01, 0x01, 0x05}
)

// Instruction bytes of the e-purse commands.
const (
	INSSelect           byte = 0xA4
	INSReadBinary       byte = 0xB0
	INSReadRecord       byte = 0xB2
	INSGetBalance       byte = 0x5C
	INSGetChallenge     byte = 0x84
	INSInitialize       byte = 0x50 // INITIALIZE FOR LOAD (P1 00) / PURCHASE (P1 01, composite 03)
	INSCreditForLoad    byte = 0x52
	INSDebitForPurchase byte = 0x54
	INSGetProof         byte = 0x5A
	INSUpdateBinary     byte = 0xD6
)

// P2 of GET BALANCE.
const (
	BalancePurse   byte = 0x02
	BalanceDeposit byte = 0x01
)

// SelectByName is SELECT by DF name with Le 00 (cards.md: 00A40400 Lc name 00).
func SelectByName(name []byte) Command {
	return Command{CLA: 0x00, INS: INSSelect, P1: 0x04, P2: 0x00, Data: clone(name), Le: 256}
}

// SelectByNameNoLe is SELECT by DF name without Le, as seed 003 appendix C
// writes IDX_0001/IDX_0002. Cards answer both forms alike.
func SelectByNameNoLe(name []byte) Command {
	c := SelectByName(name)
	c.Le = NoLe
	return c
}

// ReadBinary reads a transparent file by short file identifier (P1 =
// 80+SFI) from offset off; le 256 (Le byte 00) asks for the whole file.
func ReadBinary(sfi, off byte, le int) Command {
	return Command{CLA: 0x00, INS: INSReadBinary, P1: 0x80 | sfi&0x1F, P2: off, Le: le}
}

// ReadRecord reads record rec (1 = newest for cyclic files) of file sfi
// (P2 = SFI<<3 | 4); le 256 (Le 00) asks for the whole record.
func ReadRecord(rec, sfi byte, le int) Command {
	return Command{CLA: 0x00, INS: INSReadRecord, P1: rec, P2: sfi<<3 | 0x04, Le: le}
}

// GetBalance is 805C000204 (the purse; see GetBalanceOf for the deposit).
func GetBalance() Command { return GetBalanceOf(BalancePurse) }

// GetBalanceOf is GET BALANCE with P2 02 (purse) or 01 (deposit account).
func GetBalanceOf(p2 byte) Command {
	return Command{CLA: 0x80, INS: INSGetBalance, P1: 0x00, P2: p2, Le: 4}
}

// GetChallenge asks for n random bytes (seed 003 IDX_1001: n = 4).
func GetChallenge(n int) Command {
	return Command{CLA: 0x00, INS: INSGetChallenge, P1: 0x00, P2: 0x00, Le: n}
}

func initData(keyIdx byte, amount uint32, terminal [6]byte) []byte {
	d := make([]byte, 0, 11)
	d = append(d, keyIdx)
	d = binary.BigEndian.AppendUint32(d, amount)
	return append(d, terminal[:]...)
}

// InitializeForLoad is 8050 0002 0B keyIdx amount terminal 10. Seed 003's
// IDX_2002 calls the first data byte "transaction type (01)"; in PBOC it is
// the key index, 01 in both readings.
func InitializeForLoad(keyIdx byte, amount uint32, terminal [6]byte) Command {
	return Command{CLA: 0x80, INS: INSInitialize, P1: 0x00, P2: BalancePurse, Data: initData(keyIdx, amount, terminal), Le: 0x10}
}

// CreditForLoad is 8052 0000 0B date time MAC2 04.
func CreditForLoad(dateTime [7]byte, mac2 [4]byte) Command {
	d := append(dateTime[:], mac2[:]...)
	return Command{CLA: 0x80, INS: INSCreditForLoad, P1: 0x00, P2: 0x00, Data: d, Le: 4}
}

// InitializeForPurchase is 8050 0102 0B keyIdx amount terminal 0F.
func InitializeForPurchase(keyIdx byte, amount uint32, terminal [6]byte) Command {
	return Command{CLA: 0x80, INS: INSInitialize, P1: 0x01, P2: BalancePurse, Data: initData(keyIdx, amount, terminal), Le: 0x0F}
}

// InitializeForCompositePurchase is INITIALIZE FOR PURCHASE with P1 03
// (复合消费).
func InitializeForCompositePurchase(keyIdx byte, amount uint32, terminal [6]byte) Command {
	c := InitializeForPurchase(keyIdx, amount, terminal)
	c.P1 = 0x03
	return c
}

// DebitForPurchase is 8054 0100 0F termSeq date time MAC1 08.
func DebitForPurchase(termSeq uint32, dateTime [7]byte, mac1 [4]byte) Command {
	d := binary.BigEndian.AppendUint32(make([]byte, 0, 15), termSeq)
	d = append(d, dateTime[:]...)
	d = append(d, mac1[:]...)
	return Command{CLA: 0x80, INS: INSDebitForPurchase, P1: 0x01, P2: 0x00, Data: d, Le: 8}
}

// GetTransactionProof is 805A 00 type 02 counter 08, where counter is the
// counter the transaction used plus 1 (cards.md).
func GetTransactionProof(txType byte, counter uint16) Command {
	return Command{CLA: 0x80, INS: INSGetProof, P1: 0x00, P2: txType,
		Data: binary.BigEndian.AppendUint16(nil, counter), Le: 8}
}

// UpdateBinaryMACInput is what the secure-messaging MAC of UPDATE BINARY
// covers: 04 D6 (80+SFI) offset Lc data, with Lc counting the 4 MAC bytes.
func UpdateBinaryMACInput(sfi, off byte, data []byte) []byte {
	out := []byte{0x04, INSUpdateBinary, 0x80 | sfi&0x1F, off, byte(len(data) + 4)}
	return append(out, data...)
}

// UpdateBinaryMAC is 04D6 (80+SFI) offset Lc data MAC (seed 003 IDX_2001
// writes file 0x15: 04D6950022 + 30 bytes + MAC).
func UpdateBinaryMAC(sfi, off byte, data []byte, mac [4]byte) Command {
	d := append(clone(data), mac[:]...)
	return Command{CLA: 0x04, INS: INSUpdateBinary, P1: 0x80 | sfi&0x1F, P2: off, Data: d, Le: NoLe}
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// Name is the e-purse command name of c, or "" when it is not one.
func Name(c Command) string {
	switch {
	case c.CLA == 0x00 && c.INS == INSSelect:
		return "SELECT"
	case c.CLA == 0x00 && c.INS == INSReadBinary:
		return "READ BINARY"
	case c.CLA == 0x00 && c.INS == INSReadRecord:
		return "READ RECORD"
	case c.CLA == 0x00 && c.INS == INSGetChallenge:
		return "GET CHALLENGE"
	case c.CLA == 0x80 && c.INS == INSGetBalance:
		return "GET BALANCE"
	case c.CLA == 0x80 && c.INS == INSInitialize && c.P1 == 0x00:
		return "INITIALIZE FOR LOAD"
	case c.CLA == 0x80 && c.INS == INSInitialize && c.P1 == 0x01:
		return "INITIALIZE FOR PURCHASE"
	case c.CLA == 0x80 && c.INS == INSInitialize && c.P1 == 0x03:
		return "INITIALIZE FOR COMPOSITE PURCHASE"
	case c.CLA == 0x80 && c.INS == INSCreditForLoad:
		return "CREDIT FOR LOAD"
	case c.CLA == 0x80 && c.INS == INSDebitForPurchase:
		return "DEBIT FOR PURCHASE"
	case c.CLA == 0x80 && c.INS == INSGetProof:
		return "GET TRANSACTION PROOF"
	case c.CLA == 0x04 && c.INS == INSUpdateBinary:
		return "UPDATE BINARY (secure messaging)"
	case c.CLA == 0x00 && c.INS == INSUpdateBinary:
		return "UPDATE BINARY"
	}
	return ""
}

// Reply parsers. Each takes the response data (without SW) and checks its
// length exactly.

func wantLen(what string, d []byte, n int) error {
	if len(d) != n {
		return fmt.Errorf("apdu: %s reply is %d bytes (%X), want %d", what, len(d), d, n)
	}
	return nil
}

// ParseBalance decodes a GET BALANCE reply.
func ParseBalance(d []byte) (uint32, error) {
	if err := wantLen("GET BALANCE", d, 4); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(d), nil
}

// InitLoadReply is the reply to INITIALIZE FOR LOAD (16 bytes).
type InitLoadReply struct {
	Balance   uint32
	OnlineSeq uint16
	KeyVer    byte
	AlgID     byte
	Random    [4]byte
	MAC1      [4]byte
}

// ParseInitLoadReply decodes balance(4) onlineSeq(2) keyVer algId random(4) MAC1(4).
func ParseInitLoadReply(d []byte) (InitLoadReply, error) {
	var r InitLoadReply
	if err := wantLen("INITIALIZE FOR LOAD", d, 16); err != nil {
		return r, err
	}
	r.Balance = binary.BigEndian.Uint32(d)
	r.OnlineSeq = binary.BigEndian.Uint16(d[4:])
	r.KeyVer, r.AlgID = d[6], d[7]
	copy(r.Random[:], d[8:12])
	copy(r.MAC1[:], d[12:16])
	return r, nil
}

// Bytes encodes r (the card side uses it).
func (r InitLoadReply) Bytes() []byte {
	d := binary.BigEndian.AppendUint32(make([]byte, 0, 16), r.Balance)
	d = binary.BigEndian.AppendUint16(d, r.OnlineSeq)
	d = append(d, r.KeyVer, r.AlgID)
	d = append(d, r.Random[:]...)
	return append(d, r.MAC1[:]...)
}

// InitPurchaseReply is the reply to INITIALIZE FOR PURCHASE (15 bytes).
type InitPurchaseReply struct {
	Balance    uint32
	OfflineSeq uint16
	Overdraft  uint32 // 3 bytes on the wire
	KeyVer     byte
	AlgID      byte
	Random     [4]byte
}

// ParseInitPurchaseReply decodes balance(4) offlineSeq(2) overdraft(3)
// keyVer algId random(4).
func ParseInitPurchaseReply(d []byte) (InitPurchaseReply, error) {
	var r InitPurchaseReply
	if err := wantLen("INITIALIZE FOR PURCHASE", d, 15); err != nil {
		return r, err
	}
	r.Balance = binary.BigEndian.Uint32(d)
	r.OfflineSeq = binary.BigEndian.Uint16(d[4:])
	r.Overdraft = uint32(d[6])<<16 | uint32(d[7])<<8 | uint32(d[8])
	r.KeyVer, r.AlgID = d[9], d[10]
	copy(r.Random[:], d[11:15])
	return r, nil
}

// Bytes encodes r; Overdraft is truncated to 3 bytes.
func (r InitPurchaseReply) Bytes() []byte {
	d := binary.BigEndian.AppendUint32(make([]byte, 0, 15), r.Balance)
	d = binary.BigEndian.AppendUint16(d, r.OfflineSeq)
	d = append(d, byte(r.Overdraft>>16), byte(r.Overdraft>>8), byte(r.Overdraft), r.KeyVer, r.AlgID)
	return append(d, r.Random[:]...)
}

// ParseCreditReply decodes the TAC a CREDIT FOR LOAD returns.
func ParseCreditReply(d []byte) ([4]byte, error) {
	var tac [4]byte
	if err := wantLen("CREDIT FOR LOAD", d, 4); err != nil {
		return tac, err
	}
	copy(tac[:], d)
	return tac, nil
}

// DebitReply is the reply to DEBIT FOR PURCHASE: TAC(4) MAC2(4).
type DebitReply struct {
	TAC  [4]byte
	MAC2 [4]byte
}

// ParseDebitReply decodes TAC(4) MAC2(4).
func ParseDebitReply(d []byte) (DebitReply, error) {
	var r DebitReply
	if err := wantLen("DEBIT FOR PURCHASE", d, 8); err != nil {
		return r, err
	}
	copy(r.TAC[:], d[:4])
	copy(r.MAC2[:], d[4:])
	return r, nil
}

// Bytes encodes r.
func (r DebitReply) Bytes() []byte { return append(r.TAC[:], r.MAC2[:]...) }

// ProofReply is the reply to GET TRANSACTION PROOF: the MAC the
// transaction produced (MAC2 of a load as received from the centre, MAC2
// of a purchase as the card computed it), then its TAC.
type ProofReply struct {
	MAC [4]byte
	TAC [4]byte
}

// ParseProofReply decodes MAC(4) TAC(4).
func ParseProofReply(d []byte) (ProofReply, error) {
	var r ProofReply
	if err := wantLen("GET TRANSACTION PROOF", d, 8); err != nil {
		return r, err
	}
	copy(r.MAC[:], d[:4])
	copy(r.TAC[:], d[4:])
	return r, nil
}

// Bytes encodes r.
func (r ProofReply) Bytes() []byte { return append(r.MAC[:], r.TAC[:]...) }
