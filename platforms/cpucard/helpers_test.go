package cpucard

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"testing"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
)

const testPAN = "3105170010170907984"

// countingReader is a deterministic Rand: 01 02 03 ...
type countingReader struct{ n byte }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		r.n++
		p[i] = r.n
	}
	return len(p), nil
}

// rig plays terminal, PSAM and centre around one card, using only
// codecs/apdu and codecs/epurse and keys derived from the master keys, as a
// real centre would.
type rig struct {
	t    testing.TB
	card *Card
	s    epurse.Scheme
	keys Keys
	term [6]byte
	// the card's variant: AID to select, key index to INITIALIZE with
	aid    []byte
	keyIdx byte
}

func newRig(t testing.TB, p Profile) *rig {
	t.Helper()
	if p.PAN == "" {
		p.PAN = testPAN
	}
	if p.Rand == nil {
		p.Rand = &countingReader{}
	}
	card, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	s := epurse.Scheme{Cipher: p.Cipher}
	keys, err := DeriveKeys(s, TestMasterKeys(), p.PAN)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, card: card, s: s, keys: keys, term: [6]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}, aid: p.AID, keyIdx: p.KeyIndex}
	if r.aid == nil {
		r.aid = apdu.PurseAID
	}
	if r.keyIdx == 0 {
		r.keyIdx = 0x01
	}
	return r
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tx sends a command and parses the reply; a transport error fails the test.
func (r *rig) tx(c apdu.Command) apdu.Response {
	r.t.Helper()
	resp, err := r.txErr(c.Bytes())
	if err != nil {
		r.t.Fatalf("%s: %v", apdu.Name(c), err)
	}
	return resp
}

func (r *rig) txErr(b []byte) (apdu.Response, error) {
	out, err := r.card.Transmit(b)
	if err != nil {
		return apdu.Response{}, err
	}
	return apdu.ParseResponse(out)
}

func (r *rig) must(c apdu.Command) []byte {
	r.t.Helper()
	resp := r.tx(c)
	if resp.SW != apdu.SWOK {
		r.t.Fatalf("%s %s: SW %s", apdu.Name(c), c, resp.SW)
	}
	return resp.Data
}

func (r *rig) selectPurse() { r.t.Helper(); r.must(apdu.SelectByName(r.aid)) }

var testDT = [7]byte{0x20, 0x26, 0x11, 0x22, 0x10, 0x30, 0x00}

// initLoad runs INITIALIZE FOR LOAD and checks MAC1 as the centre would.
func (r *rig) initLoad(amount uint32) (apdu.InitLoadReply, epurse.Load, []byte) {
	r.t.Helper()
	rep, err := apdu.ParseInitLoadReply(r.must(apdu.InitializeForLoad(r.keyIdx, amount, r.term)))
	if err != nil {
		r.t.Fatal(err)
	}
	l := epurse.Load{OldBalance: rep.Balance, Amount: amount, Type: epurse.TypePurseLoad, Terminal: r.term,
		OnlineSeq: rep.OnlineSeq, Random: rep.Random, DateTime: testDT}
	ses, err := r.s.LoadSessionKey(r.keys.DLK, rep.Random, rep.OnlineSeq)
	if err != nil {
		r.t.Fatal(err)
	}
	mac1, _ := r.s.LoadMAC1(ses, l)
	if string(mac1) != string(rep.MAC1[:]) {
		r.t.Fatalf("MAC1 %X, centre computes %X", rep.MAC1, mac1)
	}
	return rep, l, ses
}

func (r *rig) mac2(ses []byte, l epurse.Load) [4]byte {
	m, err := r.s.LoadMAC2(ses, l)
	if err != nil {
		r.t.Fatal(err)
	}
	return [4]byte(m)
}

// load is a complete load; it returns the TAC.
func (r *rig) load(amount uint32) [4]byte {
	r.t.Helper()
	_, l, ses := r.initLoad(amount)
	tac, err := apdu.ParseCreditReply(r.must(apdu.CreditForLoad(testDT, r.mac2(ses, l))))
	if err != nil {
		r.t.Fatal(err)
	}
	return tac
}

// purchase runs INITIALIZE + DEBIT with the PSAM side computed from DPK.
func (r *rig) purchase(amount, termSeq uint32) (apdu.DebitReply, epurse.Purchase, []byte) {
	r.t.Helper()
	rep, err := apdu.ParseInitPurchaseReply(r.must(apdu.InitializeForPurchase(r.keyIdx, amount, r.term)))
	if err != nil {
		r.t.Fatal(err)
	}
	p := epurse.Purchase{OldBalance: rep.Balance, Amount: amount, Type: epurse.TypePursePurchase, Terminal: r.term,
		OfflineSeq: rep.OfflineSeq, TermSeq: termSeq, Random: rep.Random, DateTime: testDT}
	ses, _ := r.s.PurchaseSessionKey(r.keys.DPK, rep.Random, rep.OfflineSeq, termSeq)
	mac1, _ := r.s.PurchaseMAC1(ses, p)
	d, err := apdu.ParseDebitReply(r.must(apdu.DebitForPurchase(termSeq, testDT, [4]byte(mac1))))
	if err != nil {
		r.t.Fatal(err)
	}
	return d, p, ses
}

func isTorn(err error) bool { return errors.Is(err, ErrTorn) && errors.Is(err, apdu.ErrTorn) }

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
