package terminal

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
)

// TestVariantCard: a card with its own AID, key index 03 and SM4 is served
// by a terminal and key holder configured the same way, and refused by the
// defaults.
func TestVariantCard(t *testing.T) {
	aid := []byte{0xA0, 0x00, 0x00, 0x06, 0x32, 0x01, 0x01, 0x06}
	card := cpucard.MustNew(cpucard.Profile{PAN: testPAN, Cipher: epurse.SM4(), KeyIndex: 0x03, AID: aid, Balance: 100})
	if _, err := New(card).SelectPurse(); SWOf(err) != apdu.SWFileNotFound {
		t.Fatalf("the default AID on a card with its own: %v, want 6A82", err)
	}
	term := &Terminal{T: card, AID: aid}
	kh, err := NewKeyHolder(epurse.Scheme{Cipher: epurse.SM4()}, cpucard.TestMasterKeys(), testPAN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := term.SelectPurse(); err != nil {
		t.Fatal(err)
	}
	if _, err := kh.InitLoad(term, 100, testTerm); SWOf(err) != apdu.SWKeyIndexNotSupported {
		t.Fatalf("key index 01 on a card keyed 03: %v, want 9403", err)
	}
	kh.KeyIndex = 0x03
	if _, _, err := kh.Load(term, 1000, testTerm, testDT); err != nil {
		t.Fatalf("SM4 load: %v", err)
	}
	if _, err := kh.Purchase(term, 300, testTerm, 1, testDT); err != nil {
		t.Fatalf("SM4 purchase: %v", err)
	}
	rep, err := Scan(term)
	if err != nil || !rep.PPSE || rep.Balance != 800 || !bytes.Equal(rep.AID, aid) {
		t.Fatalf("scan: %+v %v", rep, err)
	}
	var out bytes.Buffer
	rep.Print(&out)
	if !strings.Contains(out.String(), "lists the purse A000000632010106") {
		t.Fatalf("report:\n%s", out.String())
	}
	// 3DES keys do not verify an SM4 card's MAC1: the cipher is a variant
	// the lab must name.
	k3, _ := NewKeyHolder(epurse.Scheme{}, cpucard.TestMasterKeys(), testPAN)
	k3.KeyIndex = 0x03
	if _, err := k3.InitLoad(term, 100, testTerm); err == nil {
		t.Fatal("a 3DES key holder verified an SM4 card's MAC1")
	}
}

func TestParseZone(t *testing.T) {
	at := time.Date(2026, 11, 22, 2, 30, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want string // the purse date-time of at in that zone
		bad  bool
	}{
		{"", "20261122103000", false},
		{"CST", "20261122103000", false},
		{"UTC", "20261122023000", false},
		{"UTC+8", "20261122103000", false},
		{"+08:00", "20261122103000", false},
		{"UTC-03:30", "20261121230000", false},
		{"UTC+99", "", true},
		{"+8:0", "", true},
		{"Mars/Olympus", "", true},
	}
	for _, tt := range tests {
		loc, err := ParseZone(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("ParseZone(%q) accepted", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseZone(%q): %v", tt.in, err)
			continue
		}
		if got := fmt.Sprintf("%X", DateTimeIn(at, loc)); got != tt.want {
			t.Errorf("%q: %X, want %s", tt.in, got, tt.want)
		}
	}
}

// TestReportZone: the scan report names the zone its date-times are read
// in and says how old the newest record is there; read in the wrong zone a
// record made just now is hours old or in the future.
func TestReportZone(t *testing.T) {
	at := time.Date(2026, 11, 22, 2, 30, 0, 0, time.UTC)
	rec := make([]byte, cpucard.LogRecordLen)
	dt := DateTimeIn(at, ChinaTime())
	copy(rec[len(rec)-7:], dt[:])
	for _, tt := range []struct {
		zone *time.Location
		want string
	}{
		{ChinaTime(), "newest: 0s ago, read in CST"},
		{time.UTC, "in the future"},
		{time.FixedZone("UTC+9", 9*3600), "newest: 1h0m0s ago, read in UTC+9"},
	} {
		r := &Report{Log: [][]byte{rec}, Zone: tt.zone, now: func() time.Time { return at }}
		var out bytes.Buffer
		r.Print(&out)
		if !strings.Contains(out.String(), tt.want) || !strings.Contains(out.String(), "date/time ("+tt.zone.String()+")") {
			t.Errorf("zone %s: report lacks %q:\n%s", tt.zone, tt.want, out.String())
		}
	}
}
