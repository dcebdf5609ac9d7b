package cpucard

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
)

func TestDeriveKeysMatchesCard(t *testing.T) {
	r := newRig(t, Profile{})
	k := r.card.Keys()
	if !bytes.Equal(k.DLK, r.keys.DLK) || !bytes.Equal(k.DPK, r.keys.DPK) || !bytes.Equal(k.DTK, r.keys.DTK) || !bytes.Equal(k.DAMK, r.keys.DAMK) {
		t.Fatal("card keys differ from DeriveKeys(TestMasterKeys, pan)")
	}
	if bytes.Equal(k.DLK, k.DPK) {
		t.Fatal("DLK == DPK: master keys not distinct")
	}
	f, err := Diversifier(testPAN)
	if err != nil || f != [8]byte{0x51, 0x70, 0x01, 0x01, 0x70, 0x90, 0x79, 0x84} {
		t.Fatalf("Diversifier = %X, %v", f, err)
	}
	for _, bad := range []string{"", "123", "12345678901234567890X", "1234567890123456789012", "123456789012345a"} {
		if _, err := Diversifier(bad); err == nil {
			t.Errorf("Diversifier(%q): no error", bad)
		}
	}
	if _, err := New(Profile{PAN: "12"}); err == nil {
		t.Error("New with a 2-digit PAN: no error")
	}
	if _, err := New(Profile{PAN: testPAN, Balance: 200000}); err == nil {
		t.Error("New with a balance over the maximum: no error")
	}
	if _, err := New(Profile{PAN: testPAN, Keys: Keys{DLK: make([]byte, 8)}}); err == nil {
		t.Error("New with an 8-byte DLK: no error")
	}
}

// TestFile15 checks the diversifier is file 0x15 bytes 12..19 and that the
// FCI's 9F0C carries the same bytes as READ BINARY 15.
func TestFile15AndFCI(t *testing.T) {
	r := newRig(t, Profile{})
	fci := r.must(apdu.SelectByName(apdu.PurseAID))
	f15 := r.must(apdu.ReadBinary(SFIPublic, 0, 256))
	got, err := apdu.FindTag(fci, 0x9F0C)
	if err != nil || !bytes.Equal(got, f15) {
		t.Fatalf("FCI 9F0C = %X, %v; file 0x15 = %X", got, err, f15)
	}
	want := unhex(t, "01011000FFFFFFFF020103105170010170907984201908062040123100"+"00")
	if !bytes.Equal(f15, want) {
		t.Fatalf("file 0x15 = %X, want the cards.md sample %X", f15, want)
	}
	pub, err := ParsePublicInfo(f15)
	if err != nil || pub.CardNumber() != testPAN || pub.ShortCardNumber() != "5170010170907984" {
		t.Fatalf("card number %q / %q, %v", pub.CardNumber(), pub.ShortCardNumber(), err)
	}
	f, _ := Diversifier(testPAN)
	if !bytes.Equal(f[:], f15[12:20]) {
		t.Fatalf("diversifier %X is not file 0x15 bytes 12..19 %X", f, f15[12:20])
	}
	// A 16-digit seed-style card number is right-aligned and comes back.
	r16 := newRig(t, Profile{PAN: "2253123456781234"})
	r16.selectPurse()
	pub16, _ := ParsePublicInfo(r16.must(apdu.ReadBinary(SFIPublic, 0, 256)))
	if pub16.ShortCardNumber() != "2253123456781234" {
		t.Fatalf("short card number = %q", pub16.ShortCardNumber())
	}
	ppse := r.must(apdu.SelectByName(apdu.PPSE))
	if aid, err := apdu.FindTag(ppse, 0x4F); err != nil || !bytes.Equal(aid, apdu.PurseAID) {
		t.Fatalf("PPSE FCI 4F = %X, %v", aid, err)
	}
}

type setup int

const (
	fresh setup = iota
	purse
	loadPending
	purchasePending
)

// TestStatusWords is one row per command and outcome, covering every SW
// the card produces.
func TestStatusWords(t *testing.T) {
	term := [6]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}
	tests := []struct {
		name    string
		profile Profile
		setup   setup
		cmd     string
		want    apdu.SW
	}{
		{"select PPSE", Profile{}, fresh, apdu.SelectByName(apdu.PPSE).String(), 0x9000},
		{"select purse (seed form, no Le)", Profile{}, fresh, "00A4040008A000000632010105", 0x9000},
		{"select unknown AID", Profile{}, fresh, "00A4040008A000000632010199", 0x6A82},
		{"select P1 02", Profile{}, fresh, "00A4020008A000000632010105", 0x6A86},
		{"select P2 02 (next occurrence)", Profile{}, fresh, "00A4040208A000000632010105", 0x6A86},
		{"select purse, no response data (P2 0C)", Profile{}, fresh, "00A4040C08A000000632010105", 0x9000},
		{"select MF by FID", Profile{}, fresh, "00A40000023F00", 0x9000},
		{"select MF by FID, Le 00", Profile{}, fresh, "00A40000023F0000", 0x9000},
		{"select MF by FID, P2 0C", Profile{}, fresh, "00A4000C023F00", 0x9000},
		{"select purse ADF by FID", Profile{}, fresh, "00A40000021001", 0x9000},
		{"select unknown FID", Profile{}, fresh, "00A40000020015", 0x6A82},
		{"select FID of 3 bytes", Profile{}, fresh, "00A40000033F0000", 0x6700},
		{"select without name", Profile{}, fresh, "00A40400", 0x6700},
		{"select with CLA 80", Profile{}, fresh, "80A4040008A000000632010105", 0x6E00},
		{"malformed APDU", Profile{}, fresh, "00A4", 0x6700},
		{"Lc beyond data", Profile{}, fresh, "00A4040008A0", 0x6700},
		{"unknown INS", Profile{}, purse, "80CA9F7900", 0x6D00},
		{"unknown CLA", Profile{}, purse, "A0CA9F7900", 0x6E00},
		{"read 15 unselected", Profile{}, fresh, "00B0950000", 0x6A82},
		{"read 15", Profile{}, purse, "00B0950000", 0x9000},
		{"read 16", Profile{}, purse, "00B0960000", 0x9000},
		{"read 17", Profile{}, purse, "00B0970000", 0x9000},
		{"read 05", Profile{}, purse, "00B0850000", 0x9000},
		{"read 06", Profile{}, purse, "00B0860000", 0x9000},
		{"read SFI 1E", Profile{}, purse, "00B09E0000", 0x6A82},
		{"read 15 offset 30", Profile{}, purse, "00B0951E00", 0x6B00},
		{"read 15 Le 31", Profile{}, purse, "00B095001F", 0x6C1E},
		{"read 15 offset 28 Le 2", Profile{}, purse, "00B0951C02", 0x9000},
		{"read binary of record file 18", Profile{}, purse, "00B0980000", 0x6981},
		{"read binary current EF", Profile{}, purse, "00B0000000", 0x6986},
		{"read binary with data", Profile{}, purse, "00B0950001AA", 0x6700},
		{"read record 18/1 on a new card", Profile{}, purse, "00B201C400", 0x6A83},
		{"read record 19/18", Profile{}, purse, "00B212CC00", 0x9000},
		{"read record 19/19", Profile{}, purse, "00B213CC00", 0x6A83},
		{"read record 0", Profile{}, purse, "00B200CC00", 0x6A83},
		{"read record of binary 15", Profile{}, purse, "00B201AC00", 0x6981},
		{"read record unknown SFI", Profile{}, purse, "00B201D400", 0x6A82},
		{"read record P2 mode", Profile{}, purse, "00B201C000", 0x6B00},
		{"read record wrong Le", Profile{}, purse, "00B201CC10", 0x6C30},
		{"read record unselected", Profile{}, fresh, "00B212CC00", 0x6A82},
		{"balance unselected", Profile{}, fresh, "805C000204", 0x6985},
		{"balance", Profile{}, purse, "805C000204", 0x9000},
		{"balance deposit account", Profile{}, purse, "805C000104", 0x6B00},
		{"balance Le 2", Profile{}, purse, "805C000202", 0x6C04},
		{"balance with data", Profile{}, purse, "805C00020100", 0x6700},
		{"challenge", Profile{}, fresh, "0084000004", 0x9000},
		{"challenge 8", Profile{}, fresh, "0084000008", 0x9000},
		{"challenge Le 5", Profile{}, fresh, "0084000005", 0x6700},
		{"challenge P1", Profile{}, fresh, "0084010004", 0x6B00},
		{"init load", Profile{}, purse, apdu.InitializeForLoad(1, 100, term).String(), 0x9000},
		{"init load seed form (no Le)", Profile{}, purse, "805000020B0100000064001122334455", 0x9000},
		{"init load unselected", Profile{}, fresh, apdu.InitializeForLoad(1, 100, term).String(), 0x6985},
		{"init load Lc 10", Profile{}, purse, "805000020A01000000640011223344" + "10", 0x6700},
		{"init load key index 2", Profile{}, purse, apdu.InitializeForLoad(2, 100, term).String(), 0x9403},
		{"init load over max balance", Profile{Balance: 99000}, purse, apdu.InitializeForLoad(1, 1001, term).String(), 0x6985},
		{"init load to exactly max", Profile{Balance: 99000}, purse, apdu.InitializeForLoad(1, 1000, term).String(), 0x9000},
		{"init load counter at limit", Profile{OnlineSeq: 0xFFFF}, purse, apdu.InitializeForLoad(1, 1, term).String(), 0x9402},
		{"init load P2 01 deposit", Profile{}, purse, "805000010B0100000064001122334455" + "10", 0x6B00},
		{"init P1 02", Profile{}, purse, "805002020B0100000064001122334455" + "10", 0x6B00},
		{"init load Le 08", Profile{}, purse, "805000020B0100000064001122334455" + "08", 0x6C10},
		{"credit without init", Profile{}, purse, apdu.CreditForLoad(testDT, [4]byte{}).String(), 0x6985},
		{"credit bad MAC2", Profile{}, loadPending, apdu.CreditForLoad(testDT, [4]byte{1, 2, 3, 4}).String(), 0x9302},
		{"credit Lc 10", Profile{}, loadPending, "805200000A2026112210300001020304", 0x6700},
		{"credit P1", Profile{}, loadPending, "805201000B202611221030000102030404", 0x6B00},
		{"credit after purchase init", Profile{Balance: 500}, purchasePending, apdu.CreditForLoad(testDT, [4]byte{}).String(), 0x6985},
		{"init purchase", Profile{Balance: 500}, purse, apdu.InitializeForPurchase(1, 500, term).String(), 0x9000},
		{"init purchase insufficient", Profile{Balance: 500}, purse, apdu.InitializeForPurchase(1, 501, term).String(), 0x9401},
		{"init composite purchase", Profile{Balance: 500}, purse, apdu.InitializeForCompositePurchase(1, 5, term).String(), 0x9000},
		{"init purchase counter at limit", Profile{Balance: 500, OfflineSeq: 0xFFFF}, purse, apdu.InitializeForPurchase(1, 5, term).String(), 0x9402},
		{"debit without init", Profile{}, purse, apdu.DebitForPurchase(1, testDT, [4]byte{}).String(), 0x6985},
		{"debit bad MAC1", Profile{Balance: 500}, purchasePending, apdu.DebitForPurchase(1, testDT, [4]byte{9, 9, 9, 9}).String(), 0x9302},
		{"debit after load init", Profile{}, loadPending, apdu.DebitForPurchase(1, testDT, [4]byte{}).String(), 0x6985},
		{"debit Lc 14", Profile{Balance: 500}, purchasePending, "805401000E00000001202611221030000102030408", 0x6700},
		{"debit P1 00", Profile{Balance: 500}, purchasePending, "805400000F00000001202611221030000102030408", 0x6B00},
		{"proof with nothing recorded", Profile{}, purse, apdu.GetTransactionProof(0x02, 1).String(), 0x9406},
		{"proof Lc 1", Profile{}, purse, "805A00020100" + "08", 0x6700},
		{"proof unselected", Profile{}, fresh, apdu.GetTransactionProof(0x02, 1).String(), 0x6985},
		{"proof P1", Profile{}, purse, "805A0102020001" + "08", 0x6B00},
		{"update binary without challenge", Profile{}, purse, apdu.UpdateBinaryMAC(0x16, 0, []byte{1}, [4]byte{}).String(), 0x6985},
		{"plain update binary", Profile{}, purse, "00D6960001AA", 0x6982},
		{"update binary too short", Profile{}, purse, "04D6960004AABBCCDD", 0x6700},
		{"update binary record file", Profile{}, purse, apdu.UpdateBinaryMAC(0x18, 0, []byte{1}, [4]byte{}).String(), 0x6981},
		{"update binary unknown file", Profile{}, purse, apdu.UpdateBinaryMAC(0x1E, 0, []byte{1}, [4]byte{}).String(), 0x6A82},
		{"update binary unselected", Profile{}, fresh, apdu.UpdateBinaryMAC(0x16, 0, []byte{1}, [4]byte{}).String(), 0x6A82},
		{"update binary current EF", Profile{}, purse, "04D6000005AA01020304", 0x6986},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, tt.profile)
			switch tt.setup {
			case purse:
				r.selectPurse()
			case loadPending:
				r.selectPurse()
				r.initLoad(100)
			case purchasePending:
				r.selectPurse()
				r.must(apdu.InitializeForPurchase(1, 100, r.term))
			}
			before := r.card.Snapshot()
			resp, err := r.txErr(unhex(t, tt.cmd))
			if err != nil {
				t.Fatal(err)
			}
			if resp.SW != tt.want {
				t.Fatalf("%s: SW %s, want %s", tt.cmd, resp.SW, tt.want)
			}
			after := r.card.Snapshot()
			if after.Balance != before.Balance || after.OnlineSeq != before.OnlineSeq || after.OfflineSeq != before.OfflineSeq {
				t.Fatalf("balance/counters moved: %+v -> %+v", before, after)
			}
			if tt.want != apdu.SWOK && len(resp.Data) != 0 {
				t.Errorf("error reply carries data %X", resp.Data)
			}
		})
	}
}

func TestFullLoad(t *testing.T) {
	r := newRig(t, Profile{Balance: 250, OnlineSeq: 7})
	r.selectPurse()
	pub, _ := ParsePublicInfo(r.must(apdu.ReadBinary(SFIPublic, 0, 256)))
	if pub.CardNumber() != testPAN {
		t.Fatalf("card number %s", pub.CardNumber())
	}
	rep, l, ses := r.initLoad(1000)
	if rep.Balance != 250 || rep.OnlineSeq != 7 || rep.KeyVer != 1 || rep.AlgID != 0 {
		t.Fatalf("INITIALIZE FOR LOAD reply %+v", rep)
	}
	mac2 := r.mac2(ses, l)
	tac, err := apdu.ParseCreditReply(r.must(apdu.CreditForLoad(testDT, mac2)))
	if err != nil {
		t.Fatal(err)
	}
	wantTAC, _ := r.s.LoadTAC(r.keys.DTK, l)
	if !bytes.Equal(tac[:], wantTAC) {
		t.Fatalf("TAC %X, centre computes %X", tac, wantTAC)
	}
	st := r.card.Snapshot()
	if st.Balance != 1250 || st.OnlineSeq != 8 || st.OfflineSeq != 0 || st.Pending != "" {
		t.Fatalf("after load: %+v", st)
	}
	if b, _ := apdu.ParseBalance(r.must(apdu.GetBalance())); b != 1250 {
		t.Fatalf("GET BALANCE = %d", b)
	}
	// Replaying the CREDIT must not credit twice.
	if resp := r.tx(apdu.CreditForLoad(testDT, mac2)); resp.SW != apdu.SWConditionsNotSatisfied {
		t.Fatalf("replayed CREDIT: SW %s", resp.SW)
	}
	if st := r.card.Snapshot(); st.Balance != 1250 || st.OnlineSeq != 8 {
		t.Fatalf("replay moved money: %+v", st)
	}
	// The log (0x18) and the recharge detail (0x07), read over the wire.
	lr, err := ParseLogRecord(r.must(apdu.ReadRecord(1, SFILog, 256)))
	want := LogRecord{Seq: 7, Amount: 1000, Type: epurse.TypePurseLoad, Terminal: r.term, DateTime: testDT}
	if err != nil || lr != want {
		t.Fatalf("log record 1 = %+v, %v; want %+v", lr, err, want)
	}
	d, err := ParseLoadDetail(r.must(apdu.ReadRecord(1, SFILoads, 256)))
	if err != nil || d.NewBalance != 1250 || d.TAC != tac || d.MAC2 != mac2 || d.OnlineSeq != 7 {
		t.Fatalf("load detail = %+v, %v", d, err)
	}
	// GET TRANSACTION PROOF with the counter used + 1 returns MAC2 and TAC.
	pr, err := apdu.ParseProofReply(r.must(apdu.GetTransactionProof(epurse.TypePurseLoad, 8)))
	if err != nil || pr.TAC != tac || pr.MAC != mac2 {
		t.Fatalf("proof = %+v, %v", pr, err)
	}
	if resp := r.tx(apdu.GetTransactionProof(epurse.TypePurseLoad, 7)); resp.SW != apdu.SWMACNotAvailable {
		t.Fatalf("proof for the wrong counter: %s", resp.SW)
	}
}

func TestLoadBadMAC2ThenRetry(t *testing.T) {
	r := newRig(t, Profile{})
	r.selectPurse()
	r.initLoad(500)
	if resp := r.tx(apdu.CreditForLoad(testDT, [4]byte{})); resp.SW != apdu.SWMACInvalid {
		t.Fatalf("SW %s, want 9302", resp.SW)
	}
	if st := r.card.Snapshot(); st.Balance != 0 || st.OnlineSeq != 0 || len(st.Log) != 0 || st.Pending != "" {
		t.Fatalf("bad MAC2 changed the card: %+v", st)
	}
	r.load(500)
	if st := r.card.Snapshot(); st.Balance != 500 || st.OnlineSeq != 1 {
		t.Fatalf("retry: %+v", st)
	}
}

// TestTearDuringCredit removes the card around CREDIT FOR LOAD and tells
// "credited" from "not credited" with GET TRANSACTION PROOF after power-on,
// as the centre's manage flow does.
func TestTearDuringCredit(t *testing.T) {
	for _, tc := range []struct {
		name     string
		arm      func(c *Card)
		credited bool
	}{
		{"torn after the credit took effect", func(c *Card) { c.TearNext(apdu.INSCreditForLoad) }, true},
		{"torn by TearAfter(0) at CREDIT", func(c *Card) { c.TearAfter(0) }, true},
		{"removed before the credit", func(c *Card) { c.PowerOff() }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, Profile{Balance: 100, OnlineSeq: 3})
			r.selectPurse()
			rep, l, ses := r.initLoad(700)
			tc.arm(r.card)
			_, err := r.txErr(apdu.CreditForLoad(testDT, r.mac2(ses, l)).Bytes())
			switch {
			case tc.credited && !isTorn(err):
				t.Fatalf("CREDIT: err = %v, want ErrTorn", err)
			case !tc.credited && !errors.Is(err, ErrNoPower):
				t.Fatalf("CREDIT on an unpowered card: err = %v, want ErrNoPower", err)
			}
			if _, err := r.txErr(apdu.GetBalance().Bytes()); !errors.Is(err, ErrNoPower) {
				t.Fatalf("after the tear: err = %v, want ErrNoPower", err)
			}
			atr := r.card.PowerOn()
			if !bytes.Equal(atr, r.card.ATR()) {
				t.Fatal("PowerOn returned another ATR")
			}
			if resp := r.tx(apdu.GetBalance()); resp.SW != apdu.SWConditionsNotSatisfied {
				t.Fatalf("selection survived the power cycle: %s", resp.SW)
			}
			r.selectPurse()
			resp := r.tx(apdu.GetTransactionProof(epurse.TypePurseLoad, rep.OnlineSeq+1))
			bal, _ := apdu.ParseBalance(r.must(apdu.GetBalance()))
			if !tc.credited {
				if resp.SW != apdu.SWMACNotAvailable || bal != 100 || r.card.Snapshot().OnlineSeq != 3 {
					t.Fatalf("not credited: proof %s, balance %d", resp.SW, bal)
				}
				return
			}
			pr, err := apdu.ParseProofReply(resp.Data)
			if resp.SW != apdu.SWOK || err != nil {
				t.Fatalf("proof: %s, %v", resp.SW, err)
			}
			wantTAC, _ := r.s.LoadTAC(r.keys.DTK, l)
			if !bytes.Equal(pr.TAC[:], wantTAC) || bal != 800 || r.card.Snapshot().OnlineSeq != 4 {
				t.Fatalf("credited: TAC %X (want %X), balance %d", pr.TAC, wantTAC, bal)
			}
			if resp := r.tx(apdu.CreditForLoad(testDT, r.mac2(ses, l))); resp.SW != apdu.SWConditionsNotSatisfied {
				t.Fatalf("CREDIT after the power cycle: %s", resp.SW)
			}
		})
	}
}

func TestTearAfterCounts(t *testing.T) {
	r := newRig(t, Profile{})
	r.card.TearAfter(2)
	r.selectPurse()
	r.must(apdu.GetBalance())
	if _, err := r.txErr(apdu.GetBalance().Bytes()); !isTorn(err) || !strings.Contains(err.Error(), "GET BALANCE") {
		t.Fatalf("third command: err = %v, want a torn GET BALANCE", err)
	}
	r.card.PowerOn()
	r.selectPurse()
	r.card.TearNext(apdu.INSInitialize)
	r.card.CancelTear()
	r.initLoad(1) // not torn
}

func TestPurchase(t *testing.T) {
	r := newRig(t, Profile{Balance: 1000, OfflineSeq: 5})
	r.selectPurse()
	d, p, ses := r.purchase(300, 42)
	mac2, _ := r.s.PurchaseMAC2(ses, p)
	tac, _ := r.s.PurchaseTAC(r.keys.DTK, p)
	if !bytes.Equal(d.MAC2[:], mac2) || !bytes.Equal(d.TAC[:], tac) {
		t.Fatalf("DEBIT reply %+v, want MAC2 %X TAC %X", d, mac2, tac)
	}
	st := r.card.Snapshot()
	if st.Balance != 700 || st.OfflineSeq != 6 || st.OnlineSeq != 0 {
		t.Fatalf("after purchase: %+v", st)
	}
	if st.Log[0].Seq != 5 || st.Log[0].Type != epurse.TypePursePurchase || st.Purchases[0].TermSeq != 42 || st.Purchases[0].NewBalance != 700 {
		t.Fatalf("records: %+v %+v", st.Log[0], st.Purchases[0])
	}
	pr, err := apdu.ParseProofReply(r.must(apdu.GetTransactionProof(epurse.TypePursePurchase, 6)))
	if err != nil || pr.TAC != d.TAC || pr.MAC != d.MAC2 {
		t.Fatalf("purchase proof %+v, %v", pr, err)
	}
	// 9401 when the balance does not cover the amount; nothing moves.
	if resp := r.tx(apdu.InitializeForPurchase(1, 701, r.term)); resp.SW != apdu.SWInsufficientBalance {
		t.Fatalf("SW %s, want 9401", resp.SW)
	}
	r.purchase(700, 43)
	if st := r.card.Snapshot(); st.Balance != 0 || st.OfflineSeq != 7 {
		t.Fatalf("after spending everything: %+v", st)
	}
	if resp := r.tx(apdu.InitializeForPurchase(1, 1, r.term)); resp.SW != apdu.SWInsufficientBalance {
		t.Fatalf("empty purse: SW %s", resp.SW)
	}
}

func TestCyclicLog(t *testing.T) {
	r := newRig(t, Profile{})
	r.selectPurse()
	for i := 1; i <= 12; i++ {
		r.load(uint32(i))
	}
	st := r.card.Snapshot()
	if len(st.Log) != 10 || st.Log[0].Amount != 12 || st.Log[9].Amount != 3 || len(st.Loads) != 4 || st.Loads[3].Amount != 9 {
		t.Fatalf("log %d records (newest %d, oldest %d), loads %d", len(st.Log), st.Log[0].Amount, st.Log[9].Amount, len(st.Loads))
	}
	for rec := byte(1); rec <= 10; rec++ {
		if b := r.must(apdu.ReadRecord(rec, SFILog, 256)); len(b) != LogRecordLen {
			t.Fatalf("record %d: %d bytes", rec, len(b))
		}
	}
	if resp := r.tx(apdu.ReadRecord(11, SFILog, 256)); resp.SW != apdu.SWRecordNotFound {
		t.Fatalf("record 11: %s", resp.SW)
	}
	if resp := r.tx(apdu.ReadRecord(5, SFILoads, 256)); resp.SW != apdu.SWRecordNotFound {
		t.Fatalf("0x07 record 5: %s", resp.SW)
	}
}

func TestUpdateBinaryMAC(t *testing.T) {
	r := newRig(t, Profile{})
	r.selectPurse()
	name := []byte("ZHANG SAN")
	update := func(mac func([4]byte, []byte) [4]byte) apdu.SW {
		ch := [4]byte(r.must(apdu.GetChallenge(4)))
		return r.tx(apdu.UpdateBinaryMAC(SFIHolder, 2, name, mac(ch, apdu.UpdateBinaryMACInput(SFIHolder, 2, name)))).SW
	}
	good := func(ch [4]byte, in []byte) [4]byte {
		m, err := r.s.SecureMessagingMAC(r.keys.DAMK, ch, in)
		if err != nil {
			t.Fatal(err)
		}
		return [4]byte(m)
	}
	if sw := update(func(ch [4]byte, in []byte) [4]byte { m := good(ch, in); m[0] ^= 1; return m }); sw != apdu.SWIncorrectSMData {
		t.Fatalf("bad MAC: %s", sw)
	}
	if got := r.must(apdu.ReadBinary(SFIHolder, 2, len(name))); bytes.Equal(got, name) {
		t.Fatal("bad MAC wrote the file")
	}
	if sw := update(good); sw != apdu.SWOK {
		t.Fatalf("good MAC: %s", sw)
	}
	if got := r.must(apdu.ReadBinary(SFIHolder, 2, len(name))); !bytes.Equal(got, name) {
		t.Fatalf("file 0x16 = %X", got)
	}
	// The challenge is used up: the same command again is refused.
	ch := [4]byte(r.must(apdu.GetChallenge(4)))
	cmd := apdu.UpdateBinaryMAC(SFIHolder, 2, name, good(ch, apdu.UpdateBinaryMACInput(SFIHolder, 2, name)))
	r.must(cmd)
	if resp := r.tx(cmd); resp.SW != apdu.SWConditionsNotSatisfied {
		t.Fatalf("replayed secure-messaging command: %s", resp.SW)
	}
	// Writing past the end of the file is refused even with a good MAC.
	ch = [4]byte(r.must(apdu.GetChallenge(4)))
	long := make([]byte, 10)
	if resp := r.tx(apdu.UpdateBinaryMAC(SFIHolder, 50, long, good(ch, apdu.UpdateBinaryMACInput(SFIHolder, 50, long)))); resp.SW != apdu.SWWrongP1P2 {
		t.Fatalf("write past the end: %s", resp.SW)
	}
}

func TestPowerCycleAndATR(t *testing.T) {
	r := newRig(t, Profile{Balance: 10})
	atr := r.card.ATR()
	var tck byte
	for _, b := range atr[1:] {
		tck ^= b
	}
	if atr[0] != 0x3B || tck != 0 || len(atr) != 15 {
		t.Fatalf("ATR %X: bad TS or TCK", atr)
	}
	r.selectPurse()
	r.initLoad(5)
	r.must(apdu.GetChallenge(4))
	r.card.Reset()
	st := r.card.Snapshot()
	if st.Selected != "" || st.Pending != "" || !st.Powered || st.Balance != 10 {
		t.Fatalf("after reset: %+v", st)
	}
	r.selectPurse()
	r.initLoad(5)
	r.must(apdu.SelectByName(apdu.PurseAID)) // reselect abandons the transaction too
	if r.card.Snapshot().Pending != "" {
		t.Fatal("reselect kept the pending load")
	}
	r.card.PowerOff()
	if r.card.Powered() {
		t.Fatal("powered after PowerOff")
	}
}

// TestConcurrentTransmit runs readers in parallel (go test -race finds
// unsynchronised state); each load is answered and counted exactly once.
func TestConcurrentTransmit(t *testing.T) {
	r := newRig(t, Profile{})
	r.selectPurse()
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := r.card.Transmit(apdu.GetBalance().Bytes()); err != nil {
					t.Error(err)
				}
				_ = r.card.Snapshot()
			}
		}()
	}
	wg.Wait()
}

func TestSM4Card(t *testing.T) {
	r := newRig(t, Profile{Cipher: epurse.SM4()})
	r.selectPurse()
	rep, _, _ := r.initLoad(10)
	if rep.AlgID != 0x04 {
		t.Fatalf("algId %02X, want 04", rep.AlgID)
	}
	r.card.Reset()
	r.selectPurse()
	r.load(10)
	r.purchase(4, 1)
	if b := r.card.Snapshot().Balance; b != 6 {
		t.Fatalf("balance %d", b)
	}
}

// TestSelectAsACOS: SELECT by file identifier and with P2=0C behave as a
// PBOC / JT/T 978 COS answers them: the purse ADF by FID 1001 is the purse
// (GET BALANCE works after it), P2=0C answers 9000 with no data, and the
// MF leaves no purse selected.
func TestSelectAsACOS(t *testing.T) {
	r := newRig(t, Profile{Balance: 1234})
	for _, tc := range []struct {
		name    string
		sel     string
		data    bool    // the SELECT answers an FCI
		balance apdu.SW // GET BALANCE after it
	}{
		{"purse by FID", "00A40000021001", true, apdu.SWOK},
		{"purse by FID, no response data", "00A4000C021001", false, apdu.SWOK},
		{"purse by name, no response data", "00A4040C08A000000632010105", false, apdu.SWOK},
		{"MF by FID", "00A40000023F00", true, apdu.SWConditionsNotSatisfied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := r.tx(mustCommand(t, tc.sel))
			if resp.SW != apdu.SWOK || (len(resp.Data) > 0) != tc.data {
				t.Fatalf("SELECT %s: %s with %d data bytes, want 9000 with data=%v", tc.sel, resp.SW, len(resp.Data), tc.data)
			}
			if got := r.tx(apdu.GetBalance()).SW; got != tc.balance {
				t.Fatalf("GET BALANCE after SELECT %s: %s, want %s", tc.sel, got, tc.balance)
			}
		})
	}
}

func mustCommand(t *testing.T, hexAPDU string) apdu.Command {
	t.Helper()
	b, err := hex.DecodeString(hexAPDU)
	if err != nil {
		t.Fatal(err)
	}
	c, err := apdu.ParseCommand(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
