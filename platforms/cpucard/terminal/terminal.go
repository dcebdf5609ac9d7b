// Package terminal is the terminal side of the transit e-purse (cards.md)
// over anything that transmits APDUs: a PC/SC reader, the software card
// directly, or a vpcd-bridged card. It selects, reads files and records,
// asks the balance, and runs loads and purchases with a KeyHolder playing
// the centre and the PSAM, checking every cryptogram the card returns.
//
// The hardware suite and `paycert card` share it, so what the lab sees on
// the terminal is exactly what the suite asserts.
package terminal

import (
	"errors"
	"fmt"
	"io"

	"paycert/codecs/apdu"
	"paycert/platforms/cpucard"
)

// Transmitter sends one C-APDU and returns the R-APDU (data‖SW1SW2).
// *reader.Card and *cpucard.Card satisfy it.
type Transmitter interface {
	Transmit(capdu []byte) ([]byte, error)
}

// Terminal talks to one card. Trace, when set, sees every exchange (resp
// is nil when the transmission failed). AID is the purse application to
// select (nil: apdu.PurseAID, A000000632010105): a city card with its own
// AID is a variant the lab names.
type Terminal struct {
	T     Transmitter
	Trace func(cmd apdu.Command, resp *apdu.Response, err error)
	AID   []byte
}

// PurseAID is the AID the terminal selects.
func (t *Terminal) PurseAID() []byte {
	if len(t.AID) == 0 {
		return apdu.PurseAID
	}
	return t.AID
}

// New returns a terminal on t.
func New(t Transmitter) *Terminal { return &Terminal{T: t} }

// TraceTo returns a Trace function printing each exchange to w the way a
// lab tech reads it: "> name  C-APDU" then "< R-APDU  SW meaning".
func TraceTo(w io.Writer) func(apdu.Command, *apdu.Response, error) {
	return func(c apdu.Command, r *apdu.Response, err error) {
		name := apdu.Name(c)
		if name == "" {
			name = "command"
		}
		fmt.Fprintf(w, "> %-28s %s\n", name, c)
		switch {
		case err != nil:
			fmt.Fprintf(w, "< (no response: %v)\n", err)
		default:
			fmt.Fprintf(w, "< %s  %s\n", r, r.SW.Meaning())
		}
	}
}

// Do sends c and parses the response; any status word is returned as is.
// A torn transmission is an error matching apdu.ErrTorn.
func (t *Terminal) Do(c apdu.Command) (apdu.Response, error) {
	b, err := c.Encode(apdu.Auto)
	if err != nil {
		return apdu.Response{}, fmt.Errorf("encode %s: %w", nameOf(c), err)
	}
	out, err := t.T.Transmit(b)
	if err == nil {
		var r apdu.Response
		r, err = apdu.ParseResponse(out)
		if err == nil {
			if t.Trace != nil {
				t.Trace(c, &r, nil)
			}
			return r, nil
		}
	}
	if t.Trace != nil {
		t.Trace(c, nil, err)
	}
	return apdu.Response{}, fmt.Errorf("%s: %w", nameOf(c), err)
}

// Expect sends c and returns the data of a 9000 response; any other status
// word is an *apdu.SWError.
func (t *Terminal) Expect(c apdu.Command) ([]byte, error) {
	r, err := t.Do(c)
	if err != nil {
		return nil, err
	}
	if r.SW != apdu.SWOK {
		return nil, &apdu.SWError{Command: nameOf(c), SW: r.SW}
	}
	return r.Data, nil
}

func nameOf(c apdu.Command) string {
	if n := apdu.Name(c); n != "" {
		return n
	}
	return fmt.Sprintf("command %02X%02X", c.CLA, c.INS)
}

// SWOf returns the status word carried by err (an *apdu.SWError), or 0.
func SWOf(err error) apdu.SW {
	var e *apdu.SWError
	if errors.As(err, &e) {
		return e.SW
	}
	return 0
}

// SelectPPSE selects 2PAY.SYS.DDF01 and reports whether the purse AID
// (PurseAID) is listed in its FCI.
func (t *Terminal) SelectPPSE() (fci []byte, listsPurse bool, err error) {
	fci, err = t.Expect(apdu.SelectByName(apdu.PPSE))
	if err != nil {
		return nil, false, err
	}
	aid, ferr := apdu.FindTag(fci, 0x4F)
	return fci, ferr == nil && string(aid) == string(t.PurseAID()), nil
}

// SelectPurse selects the purse application (PurseAID) and decodes the file 0x15 copy
// its FCI carries in 9F0C.
func (t *Terminal) SelectPurse() (cpucard.PublicInfo, error) {
	fci, err := t.Expect(apdu.SelectByName(t.PurseAID()))
	if err != nil {
		return cpucard.PublicInfo{}, err
	}
	v, err := apdu.FindTag(fci, 0x9F0C)
	if err != nil {
		return cpucard.PublicInfo{}, fmt.Errorf("purse FCI % X has no 9F0C (file 0x15): %w", fci, err)
	}
	p, err := cpucard.ParsePublicInfo(v)
	if err != nil {
		return cpucard.PublicInfo{}, fmt.Errorf("purse FCI 9F0C: %w", err)
	}
	return p, nil
}

// ReadBinary reads a whole transparent file by SFI.
func (t *Terminal) ReadBinary(sfi byte) ([]byte, error) {
	return t.Expect(apdu.ReadBinary(sfi, 0, 256))
}

// ReadRecords reads records 1, 2, ... of a record file until the card
// answers 6A83 (record not found), at most max records.
func (t *Terminal) ReadRecords(sfi byte, max int) ([][]byte, error) {
	var out [][]byte
	for n := 1; n <= max; n++ {
		r, err := t.Do(apdu.ReadRecord(byte(n), sfi, 256))
		if err != nil {
			return out, err
		}
		if r.SW == apdu.SWRecordNotFound {
			return out, nil
		}
		if r.SW != apdu.SWOK {
			return out, fmt.Errorf("read record %d of file %02X: %w", n, sfi, &apdu.SWError{Command: "READ RECORD", SW: r.SW})
		}
		out = append(out, r.Data)
	}
	return out, nil
}

// Balance asks the purse balance (fen).
func (t *Terminal) Balance() (uint32, error) {
	d, err := t.Expect(apdu.GetBalance())
	if err != nil {
		return 0, err
	}
	return apdu.ParseBalance(d)
}

// InitLoad sends INITIALIZE FOR LOAD.
func (t *Terminal) InitLoad(keyIdx byte, amount uint32, term [6]byte) (apdu.InitLoadReply, error) {
	d, err := t.Expect(apdu.InitializeForLoad(keyIdx, amount, term))
	if err != nil {
		return apdu.InitLoadReply{}, err
	}
	return apdu.ParseInitLoadReply(d)
}

// Credit sends CREDIT FOR LOAD and returns the TAC.
func (t *Terminal) Credit(dt [7]byte, mac2 [4]byte) ([4]byte, error) {
	d, err := t.Expect(apdu.CreditForLoad(dt, mac2))
	if err != nil {
		return [4]byte{}, err
	}
	return apdu.ParseCreditReply(d)
}

// InitPurchase sends INITIALIZE FOR PURCHASE.
func (t *Terminal) InitPurchase(keyIdx byte, amount uint32, term [6]byte) (apdu.InitPurchaseReply, error) {
	d, err := t.Expect(apdu.InitializeForPurchase(keyIdx, amount, term))
	if err != nil {
		return apdu.InitPurchaseReply{}, err
	}
	return apdu.ParseInitPurchaseReply(d)
}

// Debit sends DEBIT FOR PURCHASE and returns TAC and MAC2.
func (t *Terminal) Debit(termSeq uint32, dt [7]byte, mac1 [4]byte) (apdu.DebitReply, error) {
	d, err := t.Expect(apdu.DebitForPurchase(termSeq, dt, mac1))
	if err != nil {
		return apdu.DebitReply{}, err
	}
	return apdu.ParseDebitReply(d)
}

// Proof sends GET TRANSACTION PROOF for the transaction of type txType that
// used counter seq (the command carries seq+1, cards.md). found is false
// when the card answers 9406: no such transaction was recorded.
func (t *Terminal) Proof(txType byte, seq uint16) (p apdu.ProofReply, found bool, err error) {
	r, err := t.Do(apdu.GetTransactionProof(txType, seq+1))
	if err != nil {
		return p, false, err
	}
	switch r.SW {
	case apdu.SWOK:
		p, err = apdu.ParseProofReply(r.Data)
		return p, err == nil, err
	case apdu.SWMACNotAvailable:
		return p, false, nil
	}
	return p, false, &apdu.SWError{Command: "GET TRANSACTION PROOF", SW: r.SW}
}
