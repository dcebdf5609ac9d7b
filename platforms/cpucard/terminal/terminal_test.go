package terminal

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
)

const testPAN = "2253000000000001"

var (
	testTerm = [6]byte{0x00, 0x00, 0x10, 0x00, 0x00, 0x01}
	testDT   = [7]byte{0x20, 0x26, 0x11, 0x22, 0x10, 0x30, 0x00}
)

// setup returns a software card (driven directly, no reader), a terminal on
// it with the purse selected, and a key holder for it.
func setup(t *testing.T, balance uint32) (*cpucard.Card, *Terminal, *KeyHolder) {
	t.Helper()
	card := cpucard.MustNew(cpucard.Profile{PAN: testPAN, Balance: balance})
	term := New(card)
	pub, err := term.SelectPurse()
	if err != nil {
		t.Fatal(err)
	}
	if pub.ShortCardNumber() != testPAN {
		t.Fatalf("card number %s", pub.ShortCardNumber())
	}
	kh, err := NewKeyHolder(epurse.Scheme{}, cpucard.TestMasterKeys(), pub.ShortCardNumber())
	if err != nil {
		t.Fatal(err)
	}
	return card, term, kh
}

func TestLoadAndPurchaseCheckEveryCryptogram(t *testing.T) {
	card, term, kh := setup(t, 0)
	p, tac, err := kh.Load(term, 1000, testTerm, testDT)
	if err != nil {
		t.Fatal(err)
	}
	if p.Init.Balance != 0 || card.Snapshot().Balance != 1000 || tac == ([4]byte{}) {
		t.Fatalf("load: init %+v, card balance %d, TAC %X", p.Init, card.Snapshot().Balance, tac)
	}
	res, err := kh.Purchase(term, 300, testTerm, 7, testDT)
	if err != nil {
		t.Fatal(err)
	}
	if res.Init.Balance != 1000 || card.Snapshot().Balance != 700 {
		t.Fatalf("purchase: init balance %d, card %d", res.Init.Balance, card.Snapshot().Balance)
	}
	bal, err := term.Balance()
	if err != nil || bal != 700 {
		t.Fatalf("GET BALANCE = %d, %v", bal, err)
	}
}

func TestWrongKeysAreFindings(t *testing.T) {
	other := cpucard.TestMasterKeys()
	other.MLK = append([]byte(nil), other.MLK...)
	other.MLK[0] ^= 0x02 // not bit 0: DES ignores the parity bits
	other.MTK = append([]byte(nil), other.MTK...)
	other.MTK[0] ^= 0x02
	_, term, _ := setup(t, 5000)
	kh, err := NewKeyHolder(epurse.Scheme{}, other, testPAN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kh.InitLoad(term, 100, testTerm); !errors.Is(err, ErrBadMAC1) {
		t.Fatalf("a MAC1 under other keys must be ErrBadMAC1, got %v", err)
	}
	// The purchase MAC1 is under DPK (unchanged), the TAC under DTK (changed).
	if _, err := kh.Purchase(term, 100, testTerm, 1, testDT); !errors.Is(err, ErrBadTAC) {
		t.Fatalf("a TAC under another DTK must be ErrBadTAC, got %v", err)
	}
}

func TestWrongMAC2Is9302(t *testing.T) {
	card, term, kh := setup(t, 0)
	p, err := kh.InitLoad(term, 500, testTerm)
	if err != nil {
		t.Fatal(err)
	}
	mac2, _ := kh.MAC2(p, testDT)
	mac2[0] ^= 0xFF
	if _, err := kh.Credit(term, p, testDT, mac2); SWOf(err) != apdu.SWMACInvalid {
		t.Fatalf("wrong MAC2: %v", err)
	}
	if card.Snapshot().Balance != 0 {
		t.Fatal("a refused CREDIT moved the balance")
	}
}

func TestResolveLoadAfterTear(t *testing.T) {
	tests := []struct {
		name     string
		tear     bool // tear during CREDIT (applied) rather than never sending it
		credited bool
		balance  uint32
	}{
		{"CREDIT never sent", false, false, 0},
		{"CREDIT torn after it took effect", true, true, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card, term, kh := setup(t, 0)
			p, err := kh.InitLoad(term, 400, testTerm)
			if err != nil {
				t.Fatal(err)
			}
			if tt.tear {
				mac2, _ := kh.MAC2(p, testDT)
				card.TearNext(apdu.INSCreditForLoad)
				if _, err := kh.Credit(term, p, testDT, mac2); !IsTorn(err) {
					t.Fatalf("a torn CREDIT must be IsTorn, got %v", err)
				}
			} else {
				card.PowerOff()
			}
			card.PowerOn()
			if _, err := term.SelectPurse(); err != nil {
				t.Fatal(err)
			}
			credited, _, err := kh.ResolveLoad(term, p)
			if err != nil || credited != tt.credited {
				t.Fatalf("ResolveLoad = %v, %v; want %v", credited, err, tt.credited)
			}
			if b := card.Snapshot().Balance; b != tt.balance {
				t.Fatalf("balance %d, want %d", b, tt.balance)
			}
		})
	}
}

func TestScanReport(t *testing.T) {
	_, term, kh := setup(t, 0)
	if _, _, err := kh.Load(term, 2000, testTerm, testDT); err != nil {
		t.Fatal(err)
	}
	if _, err := kh.Purchase(term, 150, testTerm, 3, testDT); err != nil {
		t.Fatal(err)
	}
	var trace bytes.Buffer
	term.Trace = TraceTo(&trace)
	rep, err := Scan(term)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.PPSE || rep.Balance != 1850 || len(rep.Log) != 2 || len(rep.Loads) != 1 || len(rep.Purchases) != 1 || len(rep.Notes) != 0 {
		t.Fatalf("report %+v", rep)
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"Card number:   0002253000000000001", "Balance:       18.50 yuan (1850 fen)",
		"06 purse purchase", "-1.50", "02 purse load", "+20.00", "2026-11-22 10:30:00", "+20.00 -> 20.00", "-1.50 -> 18.50"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(trace.String(), "> GET BALANCE") || !strings.Contains(trace.String(), "6A83  record not found") {
		t.Errorf("trace:\n%s", trace.String())
	}
}

func TestScanNeedsThePurse(t *testing.T) {
	card := cpucard.MustNew(cpucard.Profile{PAN: testPAN})
	card.PowerOff() // no answer at all
	if _, err := Scan(New(card)); err == nil {
		t.Fatal("Scan of a card that does not answer succeeded")
	}
}

func TestFormatting(t *testing.T) {
	for _, tt := range []struct {
		fen  int64
		want string
	}{{0, "0.00"}, {5, "0.05"}, {1234, "12.34"}, {-150, "-1.50"}, {100000, "1000.00"}} {
		if got := Yuan(tt.fen); got != tt.want {
			t.Errorf("Yuan(%d) = %s, want %s", tt.fen, got, tt.want)
		}
	}
	// One clock for the card: an instant given in UTC (a lab server's
	// zone) is written in Asia/Shanghai, as the centre dates its loads.
	for _, tt := range []struct {
		at   time.Time
		want [7]byte
	}{
		{time.Date(2026, 11, 22, 9, 5, 7, 0, time.UTC), [7]byte{0x20, 0x26, 0x11, 0x22, 0x17, 0x05, 0x07}},
		{time.Date(2026, 11, 22, 16, 0, 0, 0, time.UTC), [7]byte{0x20, 0x26, 0x11, 0x23, 0x00, 0x00, 0x00}},
		{time.Date(2026, 11, 22, 9, 5, 7, 0, time.FixedZone("CST", 8*3600)), [7]byte{0x20, 0x26, 0x11, 0x22, 0x09, 0x05, 0x07}},
	} {
		if dt := DateTime(tt.at); dt != tt.want {
			t.Errorf("DateTime(%s) = %X, want %X", tt.at, dt, tt.want)
		}
	}
	if dt := DateTimeIn(time.Date(2026, 11, 22, 9, 5, 7, 0, time.UTC), time.UTC); dt != [7]byte{0x20, 0x26, 0x11, 0x22, 0x09, 0x05, 0x07} {
		t.Errorf("DateTimeIn UTC = %X", dt)
	}
}
