package apdu

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseList(t *testing.T) {
	canon := "00A4040008A000000632010105,805C000204"
	tagged := "IDX_0002:00A4040008A000000632010105,IDX_0003:805C000204"
	tests := []struct {
		name, in, want string
	}{
		{"canonical", canon, canon},
		{"trailing comma", canon + ",", canon},
		{"lowercase and blanks", " 00a4040008 a0 00 00 06 32 01 01 05 , 805c000204 ", canon},
		{"full-width comma", "00A4040008A000000632010105，805C000204", canon},
		{"semicolons", "00A4040008A000000632010105;805C000204", canon},
		{"newlines", "00A4040008A000000632010105\r\n805C000204\n", canon},
		{"JSON array", `["00A4040008A000000632010105", "805C000204"]`, canon},
		{"0x prefix", "0x00A4040008A000000632010105,0X805C000204", canon},
		{"annotation", "00A4040008A000000632010105(选择电子钱包应用),805C000204（读余额）", canon},
		{"tagged canonical", tagged, tagged},
		{"tagged tolerant", "IDX 0002 00A4040008A000000632010105, idx_0003|805C000204", tagged},
		{"tagged equals", "IDX_0002=00A4040008A000000632010105,IDX_0003=805C000204", tagged},
		{"tagged JSON", `["IDX_0002:00A4040008A000000632010105","IDX_0003:805C000204"]`, tagged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ParseList(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := l.String(); got != tt.want {
				t.Fatalf("String = %q, want %q", got, tt.want)
			}
			again, err := ParseList(l.String())
			if err != nil || again.String() != tt.want {
				t.Fatalf("canonical form does not round-trip: %q, %v", again.String(), err)
			}
		})
	}
}

func TestParseListErrors(t *testing.T) {
	tests := []struct{ name, in, mention string }{
		{"empty middle item", "805C000204,,805C000204", "item 2"},
		{"odd digits", "805C00020", "odd number"},
		{"not hex", "805C0002ZZ", "not hex"},
		{"letter O for zero", "OOB2OACCOO", "not hex"},
		{"bad JSON", `["805C000204"`, "JSON"},
		{"IDX without digits", "IDX_:805C000204", "without digits"},
	}
	if l, err := ParseList(" "); err != nil || len(l) != 0 {
		t.Errorf("blank list = %v, %v; want an empty list", l, err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseList(tt.in)
			if !errors.Is(err, ErrHexList) || !strings.Contains(err.Error(), tt.mention) {
				t.Fatalf("err = %v, want ErrHexList mentioning %q", err, tt.mention)
			}
		})
	}
}

func TestListCommandsResponses(t *testing.T) {
	l, _ := ParseList("00A4040008A000000632010105,805C000204")
	cs, err := l.Commands()
	if err != nil || len(cs) != 2 || Name(cs[1]) != "GET BALANCE" {
		t.Fatalf("Commands = %+v, %v", cs, err)
	}
	if _, err := NewList([]byte{1, 2}).Commands(); !errors.Is(err, ErrMalformed) {
		t.Errorf("2-byte command: err = %v", err)
	}
	r, _ := ParseList("6F0A9000,000003E89000")
	rs, err := r.Responses()
	if err != nil || rs[1].SW != SWOK {
		t.Fatalf("Responses = %+v, %v", rs, err)
	}
	if _, err := NewList([]byte{0x90}).Responses(); !errors.Is(err, ErrTorn) {
		t.Errorf("1-byte response: err = %v, want ErrTorn", err)
	}
}

// TestAppendixC checks AppendixC against the seed's own text
// (testdata/appendix_c.txt, copied verbatim): every fixed IDX row parses
// with the tolerant list parser and equals our command, except the one
// repaired OCR error (IDX_0026).
func TestAppendixC(t *testing.T) {
	f, err := os.Open("testdata/appendix_c.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seed := map[string]string{}
	required := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 4 || !strings.HasPrefix(cols[0], "IDX") || strings.Contains(cols[3], "+") {
			continue
		}
		id := strings.ReplaceAll(cols[0], " ", "_")
		seed[id] = strings.Fields(cols[3])[0]
		required[id] = cols[2] == "是"
	}
	cat := AppendixC()
	if len(cat) != 49 || len(seed) != 49 {
		t.Fatalf("catalogue has %d entries, seed text %d; want 49 each", len(cat), len(seed))
	}
	for _, c := range cat {
		if required[c.ID] != c.Required {
			t.Errorf("%s: Required = %v, the seed says %v", c.ID, c.Required, required[c.ID])
		}
		raw, ok := seed[c.ID]
		if !ok {
			t.Errorf("%s: not in the seed text", c.ID)
			continue
		}
		l, err := ParseList(c.ID + " " + raw)
		if c.ID == "IDX_0026" {
			if err == nil {
				t.Errorf("IDX_0026 %q parsed: the erratum (letter O) is gone from the fixture?", raw)
			}
			raw = strings.ReplaceAll(raw, "O", "0")
			l, err = ParseList(c.ID + " " + raw)
		}
		if err != nil {
			t.Errorf("%s: %v", c.ID, err)
			continue
		}
		if l[0].ID != c.ID || !bytes.Equal(l[0].Bytes, c.Command.Bytes()) {
			t.Errorf("%s: seed %X (%s), catalogue %s", c.ID, l[0].Bytes, l[0].ID, c.Command)
		}
	}
	if got, ok := LookupIndexed("idx 0003"); !ok || got.Command.String() != "805C000204" {
		t.Errorf("LookupIndexed(idx 0003) = %+v, %v", got, ok)
	}
	if _, ok := LookupIndexed("IDX_9999"); ok {
		t.Error("LookupIndexed(IDX_9999) found something")
	}
}

func TestBuilders(t *testing.T) {
	term := [6]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}
	dt := [7]byte{0x20, 0x11, 0x12, 0x21, 0x21, 0x48, 0x22}
	tests := []struct {
		name string
		c    Command
		want string
	}{
		{"SELECT PPSE (cards.md, Le 00)", SelectByName(PPSE), "00A404000E325041592E5359532E444446303100"},
		{"SELECT purse (seed, no Le)", SelectByNameNoLe(PurseAID), "00A4040008A000000632010105"},
		{"READ BINARY 15", ReadBinary(0x15, 0, 256), "00B0950000"},
		{"READ BINARY 15 off 10 le 8", ReadBinary(0x15, 10, 8), "00B0950A08"},
		{"READ RECORD 18/1", ReadRecord(1, 0x18, 256), "00B201C400"},
		{"READ RECORD 07/1", ReadRecord(1, 0x07, 256), "00B2013C00"},
		{"READ RECORD 08/8", ReadRecord(8, 0x08, 256), "00B2084400"},
		{"READ RECORD 19/17", ReadRecord(17, 0x19, 256), "00B211CC00"},
		{"GET BALANCE", GetBalance(), "805C000204"},
		{"GET BALANCE deposit", GetBalanceOf(BalanceDeposit), "805C000104"},
		{"GET CHALLENGE", GetChallenge(4), "0084000004"},
		{"INITIALIZE FOR LOAD", InitializeForLoad(1, 0x1000, term), "805000020B010000100000112233445510"},
		{"CREDIT FOR LOAD", CreditForLoad(dt, [4]byte{0x3A, 0x84, 0x5B, 0xF0}), "805200000B201112212148223A845BF004"},
		{"INITIALIZE FOR PURCHASE", InitializeForPurchase(1, 0x1000, term), "805001020B01000010000011223344550F"},
		{"INITIALIZE FOR COMPOSITE", InitializeForCompositePurchase(1, 0x1000, term), "805003020B01000010000011223344550F"},
		{"DEBIT FOR PURCHASE", DebitForPurchase(1, dt, [4]byte{0xF1, 0x5C, 0xAB, 0x75}), "805401000F0000000120111221214822F15CAB7508"},
		{"GET TRANSACTION PROOF", GetTransactionProof(0x02, 1), "805A0002020001" + "08"},
		{"UPDATE BINARY MAC", UpdateBinaryMAC(0x15, 0, make([]byte, 30), [4]byte{1, 2, 3, 4}), "04D6950022" + strings.Repeat("00", 30) + "01020304"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("%s = %s, want %s", tt.name, got, tt.want)
		}
		if Name(tt.c) == "" {
			t.Errorf("%s: Name is empty", tt.name)
		}
	}
	if got := UpdateBinaryMACInput(0x15, 0, []byte{0xAA}); !bytes.Equal(got, hx(t, "04D6950005AA")) {
		t.Errorf("UpdateBinaryMACInput = %X", got)
	}
	if Name(Command{CLA: 0xA0, INS: 0x01}) != "" {
		t.Error("Name of an unknown command is not empty")
	}
}

func TestReplies(t *testing.T) {
	il := InitLoadReply{Balance: 100, OnlineSeq: 3, KeyVer: 1, AlgID: 0, Random: [4]byte{1, 2, 3, 4}, MAC1: [4]byte{5, 6, 7, 8}}
	if got, err := ParseInitLoadReply(il.Bytes()); err != nil || got != il {
		t.Errorf("InitLoadReply round trip = %+v, %v", got, err)
	}
	ip := InitPurchaseReply{Balance: 100, OfflineSeq: 9, Overdraft: 0x0A0B0C, KeyVer: 1, AlgID: 4, Random: [4]byte{1, 2, 3, 4}}
	if got, err := ParseInitPurchaseReply(ip.Bytes()); err != nil || got != ip {
		t.Errorf("InitPurchaseReply round trip = %+v, %v", got, err)
	}
	dr := DebitReply{TAC: [4]byte{1, 2, 3, 4}, MAC2: [4]byte{5, 6, 7, 8}}
	if got, err := ParseDebitReply(dr.Bytes()); err != nil || got != dr {
		t.Errorf("DebitReply round trip = %+v, %v", got, err)
	}
	pr := ProofReply{MAC: [4]byte{1, 2, 3, 4}, TAC: [4]byte{5, 6, 7, 8}}
	if got, err := ParseProofReply(pr.Bytes()); err != nil || got != pr {
		t.Errorf("ProofReply round trip = %+v, %v", got, err)
	}
	if b, err := ParseBalance(hx(t, "000003E8")); err != nil || b != 1000 {
		t.Errorf("ParseBalance = %d, %v", b, err)
	}
	if tac, err := ParseCreditReply(hx(t, "01020304")); err != nil || tac != [4]byte{1, 2, 3, 4} {
		t.Errorf("ParseCreditReply = %X, %v", tac, err)
	}
	for name, err := range map[string]error{
		"balance":  func() error { _, err := ParseBalance(nil); return err }(),
		"initload": func() error { _, err := ParseInitLoadReply(make([]byte, 15)); return err }(),
		"initpur":  func() error { _, err := ParseInitPurchaseReply(make([]byte, 16)); return err }(),
		"credit":   func() error { _, err := ParseCreditReply(make([]byte, 8)); return err }(),
		"debit":    func() error { _, err := ParseDebitReply(make([]byte, 4)); return err }(),
		"proof":    func() error { _, err := ParseProofReply(make([]byte, 9)); return err }(),
	} {
		if err == nil {
			t.Errorf("%s: wrong length accepted", name)
		}
	}
}

func TestTLV(t *testing.T) {
	f15 := bytes.Repeat([]byte{0x15}, 30)
	fci := TLV(0x6F, append(TLV(0x84, PurseAID), TLV(0xA5, TLV(0x9F0C, f15))...))
	got, err := FindTag(fci, 0x9F0C)
	if err != nil || !bytes.Equal(got, f15) {
		t.Fatalf("FindTag(9F0C) = %X, %v", got, err)
	}
	if got, err := FindTag(fci, 0x84); err != nil || !bytes.Equal(got, PurseAID) {
		t.Errorf("FindTag(84) = %X, %v", got, err)
	}
	if _, err := FindTag(fci, 0x50); err == nil {
		t.Error("FindTag(50) found a missing tag")
	}
	big := TLV(0x53, make([]byte, 300))
	if v, err := FindTag(big, 0x53); err != nil || len(v) != 300 {
		t.Errorf("long form: %d bytes, %v", len(v), err)
	}
	for _, bad := range []string{"6F", "6F05", "9F", "6F8300", "6F820101"} {
		if _, err := FindTag(hx(t, bad), 0x9F0C); err == nil {
			t.Errorf("FindTag(%s): no error", bad)
		}
	}
}

// TestParsePlain: the fast path agrees with the general parser on every
// input it accepts and declines everything else the general parser needs.
func TestParsePlain(t *testing.T) {
	for _, tt := range []struct {
		in     string
		accept bool
	}{
		{"00A4040008A000000632010105,805C000204", true},
		{"805200000B20261122120000a1b2c3d4", true},
		{"9000,", true},
		{"00A40400", true},
		{"", false},
		{",", false},
		{"9000,,", false},
		{"900", false},
		{"90 00", false},
		{"IDX_0002:9000", false},
		{"9000;9000", false},
		{"0x9000", false},
		{"00B2013C00(充值交易明细1)", false},
		{`["9000"]`, false},
	} {
		got, ok := parsePlain(tt.in)
		if ok != tt.accept {
			t.Errorf("parsePlain(%q) accepted %v, want %v", tt.in, ok, tt.accept)
			continue
		}
		if ok {
			checkSameList(t, tt.in, got)
		}
	}
}

func checkSameList(t *testing.T, in string, got List) {
	t.Helper()
	want, err := parseGeneral(in)
	if err != nil {
		t.Fatalf("parsePlain accepted %q, the general parser says %v", in, err)
	}
	if len(got) != len(want) {
		t.Fatalf("%q: %d entries, general parser %d", in, len(got), len(want))
	}
	for i := range got {
		if got[i].ID != want[i].ID || !bytes.Equal(got[i].Bytes, want[i].Bytes) || cap(got[i].Bytes) != len(got[i].Bytes) {
			t.Fatalf("%q item %d: %q %X (cap %d), general parser %q %X", in, i, got[i].ID, got[i].Bytes, cap(got[i].Bytes), want[i].ID, want[i].Bytes)
		}
	}
}

func FuzzParsePlain(f *testing.F) {
	for _, s := range []string{"00A4040008A000000632010105,805C000204", "9000,", ",", "9000,,", "abc", "0a0B,0C"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := parsePlain(s); ok {
			checkSameList(t, s, got)
		}
	})
}

// BenchmarkParseList is the centre's CREDIT FOR LOAD reply list and a
// two-item response list, the forms hzcard-charge parses on every step.
func BenchmarkParseList(b *testing.B) {
	lists := []string{"00A4040008A000000632010105,805000020B0100000003E8112233445566", "805200000B20261122120000A1B2C3D4", "9000,000003E80001000000010203049000"}
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range lists {
			if _, err := ParseList(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestListString: String is the canonical form, uppercase hex.
func TestListString(t *testing.T) {
	l := List{{Bytes: []byte{0x00, 0xa4, 0x04, 0x00}}, {ID: "IDX_0003", Bytes: []byte{0x80, 0x5c, 0xff, 0x02, 0x04}}, {}, {Bytes: []byte{0x9a}}}
	if got, want := l.String(), "00A40400,IDX_0003:805CFF0204,,9A"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if got := (List{}).String(); got != "" {
		t.Errorf("empty list: %q", got)
	}
}

func BenchmarkListString(b *testing.B) {
	l, err := ParseList("00A4040008A000000632010105,805000020B0100000003E8112233445566")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = l.String()
	}
}
