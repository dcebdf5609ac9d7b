package epurse

import (
	"encoding/binary"
	"fmt"
)

// Transaction types of the e-purse (cards.md).
const (
	TypeDepositLoad       byte = 0x01
	TypePurseLoad         byte = 0x02
	TypeDepositPurchase   byte = 0x05
	TypePursePurchase     byte = 0x06
	TypeCompositePurchase byte = 0x09
)

// Scheme computes the e-purse cryptograms with one Cipher. The zero value
// uses TripleDES. Card and centre must use the same Scheme.
type Scheme struct {
	Cipher Cipher
}

func (s Scheme) cipher() Cipher {
	if s.Cipher == nil {
		return tdes{}
	}
	return s.Cipher
}

// Load is everything a load (圈存) cryptogram covers. Amounts are in fen.
type Load struct {
	OldBalance uint32  // balance before the load, as INITIALIZE FOR LOAD reports it
	Amount     uint32  // amount loaded
	Type       byte    // TypePurseLoad (02) or TypeDepositLoad (01)
	Terminal   [6]byte // terminal id from INITIALIZE FOR LOAD
	OnlineSeq  uint16  // online counter before the load (as reported)
	Random     [4]byte // card's pseudo-random number
	DateTime   [7]byte // YYYYMMDDhhmmss in BCD, from CREDIT FOR LOAD
}

// Purchase is everything a purchase (消费) cryptogram covers.
type Purchase struct {
	OldBalance uint32
	Amount     uint32
	Type       byte // TypePursePurchase (06), TypeDepositPurchase (05), TypeCompositePurchase (09)
	Terminal   [6]byte
	OfflineSeq uint16  // offline counter before the purchase (as reported)
	TermSeq    uint32  // terminal transaction sequence number
	Random     [4]byte // card's pseudo-random number
	DateTime   [7]byte
}

// Diversify derives a card key from a master key: Enc(MK, F)‖Enc(MK, not F)
// for the 3DES family, with F the 8 diversification bytes (cards.md: file
// 0x15 bytes 12..19). Under SM4, F is zero-extended to one 16-byte block and
// the 16-byte result is the key.
func (s Scheme) Diversify(mk, f []byte) ([]byte, error) {
	if len(f) != 8 {
		return nil, fmt.Errorf("epurse: diversification data is %d bytes, want 8", len(f))
	}
	c := s.cipher()
	if c.BlockSize() == 16 {
		blk := make([]byte, 16)
		copy(blk, f)
		k, err := c.Encrypt(mk, blk)
		if err != nil {
			return nil, fmt.Errorf("epurse: diversify: %w", err)
		}
		return k, nil
	}
	left, err := c.Encrypt(mk, f)
	if err != nil {
		return nil, fmt.Errorf("epurse: diversify: %w", err)
	}
	nf := make([]byte, 8)
	for i := range nf {
		nf[i] = ^f[i]
	}
	right, err := c.Encrypt(mk, nf)
	if err != nil {
		return nil, fmt.Errorf("epurse: diversify: %w", err)
	}
	return append(left, right...), nil
}

// sessionKey enciphers the 8-byte session input (zero-extended to the
// cipher's block size) under a card key.
func (s Scheme) sessionKey(key, in []byte) ([]byte, error) {
	c := s.cipher()
	blk := make([]byte, c.BlockSize())
	copy(blk, in)
	return c.Encrypt(key, blk)
}

// LoadSessionKey is SESLK = Enc(DLK, random‖onlineSeq‖8000).
func (s Scheme) LoadSessionKey(dlk []byte, random [4]byte, onlineSeq uint16) ([]byte, error) {
	in := make([]byte, 0, 8)
	in = append(in, random[:]...)
	in = binary.BigEndian.AppendUint16(in, onlineSeq)
	in = append(in, 0x80, 0x00)
	k, err := s.sessionKey(dlk, in)
	if err != nil {
		return nil, fmt.Errorf("epurse: load session key: %w", err)
	}
	return k, nil
}

// PurchaseSessionKey is SESPK = Enc(DPK, random‖offlineSeq‖termSeq[2:4]).
func (s Scheme) PurchaseSessionKey(dpk []byte, random [4]byte, offlineSeq uint16, termSeq uint32) ([]byte, error) {
	in := make([]byte, 0, 8)
	in = append(in, random[:]...)
	in = binary.BigEndian.AppendUint16(in, offlineSeq)
	in = binary.BigEndian.AppendUint16(in, uint16(termSeq))
	k, err := s.sessionKey(dpk, in)
	if err != nil {
		return nil, fmt.Errorf("epurse: purchase session key: %w", err)
	}
	return k, nil
}

// mac4 is the leftmost 4 bytes of the cipher's MAC.
func (s Scheme) mac4(key, iv, data []byte) ([]byte, error) {
	m, err := s.cipher().MAC(key, iv, data)
	if err != nil {
		return nil, err
	}
	return m[:4], nil
}

// LoadMAC1 is the card's MAC1: MAC(SESLK, oldBalance‖amount‖type‖terminal).
func (s Scheme) LoadMAC1(seslk []byte, l Load) ([]byte, error) {
	d := binary.BigEndian.AppendUint32(nil, l.OldBalance)
	d = binary.BigEndian.AppendUint32(d, l.Amount)
	d = append(d, l.Type)
	d = append(d, l.Terminal[:]...)
	m, err := s.mac4(seslk, nil, d)
	if err != nil {
		return nil, fmt.Errorf("epurse: load MAC1: %w", err)
	}
	return m, nil
}

// LoadMAC2 is the centre's MAC2: MAC(SESLK, amount‖type‖terminal‖date‖time).
func (s Scheme) LoadMAC2(seslk []byte, l Load) ([]byte, error) {
	d := binary.BigEndian.AppendUint32(nil, l.Amount)
	d = append(d, l.Type)
	d = append(d, l.Terminal[:]...)
	d = append(d, l.DateTime[:]...)
	m, err := s.mac4(seslk, nil, d)
	if err != nil {
		return nil, fmt.Errorf("epurse: load MAC2: %w", err)
	}
	return m, nil
}

// LoadTAC is MAC(TACKey(DTK), newBalance‖onlineSeq‖amount‖type‖terminal‖
// date‖time) with newBalance = OldBalance+Amount and onlineSeq the counter
// value the load used (before the increment). cards.md marks this layout
// as "one source".
func (s Scheme) LoadTAC(dtk []byte, l Load) ([]byte, error) {
	k, err := s.cipher().TACKey(dtk)
	if err != nil {
		return nil, fmt.Errorf("epurse: load TAC: %w", err)
	}
	d := binary.BigEndian.AppendUint32(nil, l.OldBalance+l.Amount)
	d = binary.BigEndian.AppendUint16(d, l.OnlineSeq)
	d = binary.BigEndian.AppendUint32(d, l.Amount)
	d = append(d, l.Type)
	d = append(d, l.Terminal[:]...)
	d = append(d, l.DateTime[:]...)
	m, err := s.mac4(k, nil, d)
	if err != nil {
		return nil, fmt.Errorf("epurse: load TAC: %w", err)
	}
	return m, nil
}

// PurchaseMAC1 is the terminal's (PSAM's) MAC1:
// MAC(SESPK, amount‖type‖terminal‖date‖time).
func (s Scheme) PurchaseMAC1(sespk []byte, p Purchase) ([]byte, error) {
	d := binary.BigEndian.AppendUint32(nil, p.Amount)
	d = append(d, p.Type)
	d = append(d, p.Terminal[:]...)
	d = append(d, p.DateTime[:]...)
	m, err := s.mac4(sespk, nil, d)
	if err != nil {
		return nil, fmt.Errorf("epurse: purchase MAC1: %w", err)
	}
	return m, nil
}

// PurchaseMAC2 is the card's MAC2: MAC(SESPK, amount).
func (s Scheme) PurchaseMAC2(sespk []byte, p Purchase) ([]byte, error) {
	m, err := s.mac4(sespk, nil, binary.BigEndian.AppendUint32(nil, p.Amount))
	if err != nil {
		return nil, fmt.Errorf("epurse: purchase MAC2: %w", err)
	}
	return m, nil
}

// PurchaseTAC is MAC(TACKey(DTK), amount‖type‖terminal‖termSeq‖date‖time).
func (s Scheme) PurchaseTAC(dtk []byte, p Purchase) ([]byte, error) {
	k, err := s.cipher().TACKey(dtk)
	if err != nil {
		return nil, fmt.Errorf("epurse: purchase TAC: %w", err)
	}
	d := binary.BigEndian.AppendUint32(nil, p.Amount)
	d = append(d, p.Type)
	d = append(d, p.Terminal[:]...)
	d = binary.BigEndian.AppendUint32(d, p.TermSeq)
	d = append(d, p.DateTime[:]...)
	m, err := s.mac4(k, nil, d)
	if err != nil {
		return nil, fmt.Errorf("epurse: purchase TAC: %w", err)
	}
	return m, nil
}

// SecureMessagingMAC is the MAC of a secure-messaging command (UPDATE
// BINARY 04D6): MAC(DAMK, challenge‖00000000, header‖Lc‖data), where
// header‖Lc‖data is the command without its MAC and Lc already counts the
// 4 MAC bytes.
func (s Scheme) SecureMessagingMAC(damk []byte, challenge [4]byte, command []byte) ([]byte, error) {
	iv := make([]byte, s.cipher().BlockSize())
	copy(iv, challenge[:])
	m, err := s.mac4(damk, iv, command)
	if err != nil {
		return nil, fmt.Errorf("epurse: secure-messaging MAC: %w", err)
	}
	return m, nil
}
