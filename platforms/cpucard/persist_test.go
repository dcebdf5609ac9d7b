package cpucard

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
)

// writeHolder writes name into file 0x16 at offset 2 with a good
// secure-messaging MAC.
func (r *rig) writeHolder(name []byte) {
	r.t.Helper()
	ch := [4]byte(r.must(apdu.GetChallenge(4)))
	m, err := r.s.SecureMessagingMAC(r.keys.DAMK, ch, apdu.UpdateBinaryMACInput(SFIHolder, 2, name))
	if err != nil {
		r.t.Fatal(err)
	}
	r.must(apdu.UpdateBinaryMAC(SFIHolder, 2, name, [4]byte(m)))
}

// roundTrip exports c, goes through JSON and restores.
func roundTrip(t *testing.T, c *Card) (*Card, []byte) {
	t.Helper()
	js, err := json.Marshal(c.Export())
	if err != nil {
		t.Fatal(err)
	}
	var p Persistent
	if err := json.Unmarshal(js, &p); err != nil {
		t.Fatal(err)
	}
	back, err := Restore(p, &countingReader{n: 100})
	if err != nil {
		t.Fatalf("Restore of %s: %v", js, err)
	}
	return back, js
}

var variants = []struct {
	name string
	p    Profile
}{
	{"default 3DES", Profile{}},
	{"SM4, key index 03, own AID", Profile{Cipher: epurse.SM4(), KeyIndex: 0x03, KeyVersion: 0x02,
		AID: []byte{0xA0, 0x00, 0x00, 0x06, 0x32, 0x01, 0x01, 0x06}, MaxBalance: 50000}},
}

// TestPersistentRoundTrip: a card that loaded, spent and had a file
// written comes back from JSON byte for byte, and carries on where it
// stopped: the proof of its last load, its counters, its log, its files.
func TestPersistentRoundTrip(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			r := newRig(t, v.p)
			r.selectPurse()
			tac := r.load(1000)
			r.purchase(300, 9)
			r.writeHolder([]byte("LI SI"))
			before := r.card.Snapshot()

			back, js := roundTrip(t, r.card)
			js2, _ := json.Marshal(back.Export())
			if !bytes.Equal(js, js2) {
				t.Fatalf("state does not round-trip:\n%s\n%s", js, js2)
			}
			if back.Powered() != true || back.Snapshot().Selected != "" {
				t.Fatal("a restored card is powered, with nothing selected (as after a power cycle)")
			}
			after := back.Snapshot()
			after.Powered, after.Selected, before.Powered, before.Selected = true, "", true, ""
			bj, _ := json.Marshal(before)
			aj, _ := json.Marshal(after)
			if !bytes.Equal(bj, aj) {
				t.Fatalf("snapshot before %s\nafter %s", bj, aj)
			}

			r.card = back
			r.selectPurse()
			pr, err := apdu.ParseProofReply(r.must(apdu.GetTransactionProof(epurse.TypePurseLoad, 1)))
			if err != nil || pr.TAC != tac {
				t.Fatalf("proof of the load after restore: %+v %v, want TAC %X", pr, err, tac)
			}
			rep, _, _ := r.initLoad(50) // MAC1 checked under the rig's keys
			if rep.OnlineSeq != 1 || rep.Balance != 700 {
				t.Fatalf("restored purse: online seq %d balance %d, want 1 and 700", rep.OnlineSeq, rep.Balance)
			}
			if !bytes.Contains(r.must(apdu.ReadBinary(SFIHolder, 0, 0)), []byte("LI SI")) {
				t.Fatal("file 0x16 lost its update")
			}
		})
	}
}

func TestRestoreRefusesBadState(t *testing.T) {
	r := newRig(t, Profile{})
	r.selectPurse()
	r.load(100)
	good := func() Persistent {
		var p Persistent
		js, _ := json.Marshal(r.card.Export())
		_ = json.Unmarshal(js, &p)
		return p
	}
	if _, err := Restore(good(), nil); err != nil {
		t.Fatalf("the good state is refused: %v", err)
	}
	tests := []struct {
		name   string
		break_ func(*Persistent)
	}{
		{"other format", func(p *Persistent) { p.Format = 2 }},
		{"unknown cipher", func(p *Persistent) { p.Cipher = "aes" }},
		{"short file 0x15", func(p *Persistent) { p.Binaries["15"] = p.Binaries["15"][:29] }},
		{"missing file 0x16", func(p *Persistent) { delete(p.Binaries, "16") }},
		{"extra file", func(p *Persistent) { p.Binaries["1E"] = Hex{1} }},
		{"record of the wrong size", func(p *Persistent) { p.Records["18"][0] = p.Records["18"][0][:22] }},
		{"too many records", func(p *Persistent) { p.Records["07"] = make([]Hex, LoadRecords+1) }},
		{"missing record file", func(p *Persistent) { delete(p.Records, "08") }},
		{"balance above the cap", func(p *Persistent) { p.Balance = p.MaxBalance + 1 }},
		{"bad card number", func(p *Persistent) { p.PAN = "12" }},
		{"short key", func(p *Persistent) { p.Keys.DTK = p.Keys.DTK[:8] }},
		{"no keys", func(p *Persistent) { p.Keys = PersistentKeys{} }},
		{"short proof MAC", func(p *Persistent) {
			p.Proofs["02"] = PersistentProof{Counter: 1, MAC: Hex{1, 2, 3}, TAC: Hex{1, 2, 3, 4}}
		}},
		{"AID too short", func(p *Persistent) { p.AID = Hex{0xA0} }},
		{"no key index", func(p *Persistent) { p.KeyIndex = 0 }},
	}
	for _, tt := range tests {
		p := good()
		tt.break_(&p)
		if _, err := Restore(p, nil); !errors.Is(err, ErrPersistent) {
			t.Errorf("%s: Restore = %v, want ErrPersistent", tt.name, err)
		}
	}
}

// TestOnCommit: the persistent state is handed out after every command
// that changed it, torn or not, and only then.
func TestOnCommit(t *testing.T) {
	r := newRig(t, Profile{Balance: 500})
	var seen []uint32
	r.card.OnCommit(func(p Persistent) { seen = append(seen, p.Balance) })
	r.selectPurse()
	r.must(apdu.GetBalance())
	_, l, ses := r.initLoad(100)
	bad := r.mac2(ses, l)
	bad[0] ^= 1
	if sw := r.tx(apdu.CreditForLoad(testDT, bad)).SW; sw != apdu.SWMACInvalid {
		t.Fatalf("bad MAC2: %s", sw)
	}
	if len(seen) != 0 {
		t.Fatalf("commits %v after reads and a refused CREDIT, want none", seen)
	}
	r.load(100)
	r.purchase(50, 1)
	r.writeHolder([]byte("X"))
	_, l, ses = r.initLoad(10)
	r.card.TearNext(apdu.INSCreditForLoad)
	if _, err := r.txErr(apdu.CreditForLoad(testDT, r.mac2(ses, l)).Bytes()); !isTorn(err) {
		t.Fatalf("torn CREDIT: %v", err)
	}
	if want := []uint32{600, 550, 550, 560}; len(seen) != len(want) || seen[0] != 600 || seen[1] != 550 || seen[2] != 550 || seen[3] != 560 {
		t.Fatalf("commits %v, want %v", seen, want)
	}
}

// TestVariants: the AID, the key index and the cipher are the card's own;
// a terminal using the defaults finds nothing or is refused.
func TestVariants(t *testing.T) {
	v := variants[1].p
	r := newRig(t, v)
	if sw := r.tx(apdu.SelectByName(apdu.PurseAID)).SW; sw != apdu.SWFileNotFound {
		t.Fatalf("SELECT of the default AID on a card with its own: %s, want 6A82", sw)
	}
	ppse := r.must(apdu.SelectByName(apdu.PPSE))
	if aid, err := apdu.FindTag(ppse, 0x4F); err != nil || !bytes.Equal(aid, v.AID) {
		t.Fatalf("PPSE lists %X (%v), want %X", aid, err, v.AID)
	}
	fci := r.must(apdu.SelectByName(v.AID))
	if df, err := apdu.FindTag(fci, 0x84); err != nil || !bytes.Equal(df, v.AID) {
		t.Fatalf("FCI 84 = %X (%v)", df, err)
	}
	if sw := r.tx(apdu.InitializeForLoad(0x01, 100, r.term)).SW; sw != apdu.SWKeyIndexNotSupported {
		t.Fatalf("INITIALIZE with key index 01 on a card keyed 03: %s, want 9403", sw)
	}
	rep, _, _ := r.initLoad(100) // key index 03; MAC1 checked under SM4
	if rep.AlgID != 0x04 || rep.KeyVer != 0x02 {
		t.Fatalf("INITIALIZE reply algId %02X key version %02X, want 04 and 02", rep.AlgID, rep.KeyVer)
	}
	if _, err := New(Profile{PAN: testPAN, AID: []byte{1, 2, 3}}); err == nil {
		t.Fatal("a 3-byte AID was accepted")
	}
}
