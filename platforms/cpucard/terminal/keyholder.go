package terminal

import (
	"crypto/subtle"
	"errors"
	"fmt"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
)

// Cryptogram failures: the card answered 9000 but what it computed does not
// verify under the keys the issuer holds. Each is a finding about the card
// (or about the keys the lab configured).
var (
	ErrBadMAC1 = errors.New("card MAC1 does not verify")
	ErrBadMAC2 = errors.New("card MAC2 (purchase) does not verify")
	ErrBadTAC  = errors.New("card TAC does not verify")
)

// KeyHolder plays the centre (load MAC2) and the PSAM (purchase MAC1) for one
// card, with the card's diversified keys, and checks the card's MAC1, MAC2
// and TAC. In the lab it holds the test keys a test card was personalised
// with; it never sees a production key.
type KeyHolder struct {
	Scheme   epurse.Scheme
	Keys     cpucard.Keys
	KeyIndex byte // INITIALIZE key index; 0 means 01
}

// NewKeyHolder diversifies the master keys for the card number pan (the
// 16..20 digits of file 0x15's serial; see cpucard.Diversifier).
func NewKeyHolder(s epurse.Scheme, m cpucard.MasterKeys, pan string) (*KeyHolder, error) {
	k, err := cpucard.DeriveKeys(s, m, pan)
	if err != nil {
		return nil, fmt.Errorf("key holder: %w", err)
	}
	return &KeyHolder{Scheme: s, Keys: k}, nil
}

func (k *KeyHolder) keyIdx() byte {
	if k.KeyIndex == 0 {
		return 0x01
	}
	return k.KeyIndex
}

// PendingLoad is a load between INITIALIZE FOR LOAD and CREDIT FOR LOAD:
// everything needed to compute MAC2, and to resolve the load after a tear.
type PendingLoad struct {
	Init   apdu.InitLoadReply
	Load   epurse.Load // DateTime is zero until MAC2 fixes it
	SESLK  []byte
	MAC2   [4]byte // the MAC2 sent with CREDIT (zero before)
	Credit bool    // CREDIT FOR LOAD was sent (its outcome may be unknown)
}

// InitLoad runs INITIALIZE FOR LOAD and verifies the card's MAC1.
func (k *KeyHolder) InitLoad(t *Terminal, amount uint32, term [6]byte) (*PendingLoad, error) {
	rep, err := t.InitLoad(k.keyIdx(), amount, term)
	if err != nil {
		return nil, err
	}
	l := epurse.Load{OldBalance: rep.Balance, Amount: amount, Type: epurse.TypePurseLoad, Terminal: term,
		OnlineSeq: rep.OnlineSeq, Random: rep.Random}
	ses, err := k.Scheme.LoadSessionKey(k.Keys.DLK, rep.Random, rep.OnlineSeq)
	if err != nil {
		return nil, fmt.Errorf("load session key: %w", err)
	}
	mac1, err := k.Scheme.LoadMAC1(ses, l)
	if err != nil {
		return nil, fmt.Errorf("load MAC1: %w", err)
	}
	if subtle.ConstantTimeCompare(mac1, rep.MAC1[:]) != 1 {
		return nil, fmt.Errorf("INITIALIZE FOR LOAD: MAC1 %X, the keys give %X: %w", rep.MAC1, mac1, ErrBadMAC1)
	}
	return &PendingLoad{Init: rep, Load: l, SESLK: ses}, nil
}

// MAC2 computes the centre's MAC2 for the load at date-time dt.
func (k *KeyHolder) MAC2(p *PendingLoad, dt [7]byte) ([4]byte, error) {
	p.Load.DateTime = dt
	m, err := k.Scheme.LoadMAC2(p.SESLK, p.Load)
	if err != nil {
		return [4]byte{}, fmt.Errorf("load MAC2: %w", err)
	}
	return [4]byte(m), nil
}

// Credit sends CREDIT FOR LOAD with mac2 and verifies the TAC against the
// new balance. A wrong mac2 is how a test provokes 9302.
func (k *KeyHolder) Credit(t *Terminal, p *PendingLoad, dt [7]byte, mac2 [4]byte) ([4]byte, error) {
	p.Load.DateTime, p.MAC2, p.Credit = dt, mac2, true
	tac, err := t.Credit(dt, mac2)
	if err != nil {
		return tac, err
	}
	return tac, k.CheckLoadTAC(p, tac)
}

// CheckLoadTAC verifies a load TAC (from CREDIT or from the proof).
func (k *KeyHolder) CheckLoadTAC(p *PendingLoad, tac [4]byte) error {
	want, err := k.Scheme.LoadTAC(k.Keys.DTK, p.Load)
	if err != nil {
		return fmt.Errorf("load TAC: %w", err)
	}
	if subtle.ConstantTimeCompare(want, tac[:]) != 1 {
		return fmt.Errorf("load TAC %X, the keys give %X: %w", tac, want, ErrBadTAC)
	}
	return nil
}

// Load is a whole load: INITIALIZE (MAC1 checked), MAC2, CREDIT (TAC checked).
func (k *KeyHolder) Load(t *Terminal, amount uint32, term [6]byte, dt [7]byte) (*PendingLoad, [4]byte, error) {
	p, err := k.InitLoad(t, amount, term)
	if err != nil {
		return nil, [4]byte{}, err
	}
	mac2, err := k.MAC2(p, dt)
	if err != nil {
		return p, [4]byte{}, err
	}
	tac, err := k.Credit(t, p, dt, mac2)
	return p, tac, err
}

// ResolveLoad decides, after a tear, whether the card applied p: it asks
// GET TRANSACTION PROOF for the counter the load used (the purse must be
// selected again first). credited is true only when the card returns the
// MAC2 that was sent and a TAC that verifies: then the load must not be
// repeated. 9406 means the card never credited it: it may be redone.
func (k *KeyHolder) ResolveLoad(t *Terminal, p *PendingLoad) (credited bool, tac [4]byte, err error) {
	pr, found, err := t.Proof(p.Load.Type, p.Load.OnlineSeq)
	if err != nil || !found {
		return false, tac, err
	}
	if !p.Credit {
		return false, pr.TAC, fmt.Errorf("GET TRANSACTION PROOF reports a load with counter %d that was never sent CREDIT", p.Load.OnlineSeq)
	}
	if pr.MAC != p.MAC2 {
		return false, pr.TAC, fmt.Errorf("GET TRANSACTION PROOF returns MAC %X, CREDIT sent %X", pr.MAC, p.MAC2)
	}
	return true, pr.TAC, k.CheckLoadTAC(p, pr.TAC)
}

// PurchaseResult is a completed purchase.
type PurchaseResult struct {
	Init     apdu.InitPurchaseReply
	Purchase epurse.Purchase
	Reply    apdu.DebitReply
}

// Purchase runs INITIALIZE FOR PURCHASE, then Debit.
func (k *KeyHolder) Purchase(t *Terminal, amount uint32, term [6]byte, termSeq uint32, dt [7]byte) (PurchaseResult, error) {
	rep, err := t.InitPurchase(k.keyIdx(), amount, term)
	if err != nil {
		return PurchaseResult{Init: rep}, err
	}
	return k.Debit(t, rep, amount, term, termSeq, dt)
}

// Debit completes a purchase the card initialised with rep (amount, term):
// it computes MAC1 as the PSAM would, sends DEBIT FOR PURCHASE and verifies
// the card's MAC2 and TAC. The card may serve other commands in between
// (a test interleaves two readers).
func (k *KeyHolder) Debit(t *Terminal, rep apdu.InitPurchaseReply, amount uint32, term [6]byte, termSeq uint32, dt [7]byte) (PurchaseResult, error) {
	res := PurchaseResult{Init: rep}
	p := epurse.Purchase{OldBalance: rep.Balance, Amount: amount, Type: epurse.TypePursePurchase, Terminal: term,
		OfflineSeq: rep.OfflineSeq, TermSeq: termSeq, Random: rep.Random, DateTime: dt}
	res.Purchase = p
	ses, err := k.Scheme.PurchaseSessionKey(k.Keys.DPK, rep.Random, rep.OfflineSeq, termSeq)
	if err != nil {
		return res, fmt.Errorf("purchase session key: %w", err)
	}
	mac1, err := k.Scheme.PurchaseMAC1(ses, p)
	if err != nil {
		return res, fmt.Errorf("purchase MAC1: %w", err)
	}
	d, err := t.Debit(termSeq, dt, [4]byte(mac1))
	if err != nil {
		return res, err
	}
	res.Reply = d
	mac2, err := k.Scheme.PurchaseMAC2(ses, p)
	if err != nil {
		return res, fmt.Errorf("purchase MAC2: %w", err)
	}
	if subtle.ConstantTimeCompare(mac2, d.MAC2[:]) != 1 {
		return res, fmt.Errorf("DEBIT FOR PURCHASE: MAC2 %X, the keys give %X: %w", d.MAC2, mac2, ErrBadMAC2)
	}
	tac, err := k.Scheme.PurchaseTAC(k.Keys.DTK, p)
	if err != nil {
		return res, fmt.Errorf("purchase TAC: %w", err)
	}
	if subtle.ConstantTimeCompare(tac, d.TAC[:]) != 1 {
		return res, fmt.Errorf("DEBIT FOR PURCHASE: TAC %X, the keys give %X: %w", d.TAC, tac, ErrBadTAC)
	}
	return res, nil
}
