package hzcardsim

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	cardterm "paycert/platforms/cpucard/terminal"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/sim"
)

// TestCardVariants: a card registered with its own AID, key index and
// cipher is recharged end to end through the centre: the centre's lists
// select its AID and send its key index, MAC1, MAC2 and TAC verify under
// its cipher, card and ledger agree. The same recharge of a card the
// centre holds with another variant fails at the card or the centre,
// never credits.
func TestCardVariants(t *testing.T) {
	cityAID := []byte{0xA0, 0x00, 0x00, 0x06, 0x32, 0x01, 0x01, 0x06}
	tests := []struct {
		name   string
		spec   CardSpec
		wantKI byte
	}{
		{"default", CardSpec{}, 0x01},
		{"sm4 key index 03 city AID", CardSpec{Cipher: epurse.SM4(), KeyIndex: 0x03, AID: cityAID}, 0x03},
		{"3des key index 02", CardSpec{KeyIndex: 0x02}, 0x02},
		{"sm4 default AID", CardSpec{Cipher: epurse.SM4()}, 0x01},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(sim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(s)
			t.Cleanup(srv.Close)
			c, err := hzcardclient.New(hzcardclient.Config{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			spec := tt.spec
			spec.CardNo, spec.Balance = fmt.Sprintf("22534000000000%02d", i), 500
			card, err := s.AddCard(spec)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			info, err := hzcardclient.ReadCardAID(ctx, c, card, spec.AID)
			if err != nil || info.CardNo != spec.CardNo {
				t.Fatalf("cardInfoQuery with the card's AID: %+v %v", info, err)
			}
			if len(spec.AID) > 0 {
				if _, err := hzcardclient.ReadCard(ctx, c, card); err == nil {
					t.Error("cardInfoQuery selecting A000000632010105 on a card with its own AID succeeded")
				}
			}
			var loadList string
			res, err := c.Recharge(ctx, card, hzcardclient.RechargeOptions{CardNo: spec.CardNo, Amount: 2000, PayOrderNo: "V" + spec.CardNo,
				Observe: func(ev hzcardclient.RechargeEvent) {
					if ev.Kind == hzcardclient.EventOrdered {
						loadList = ev.Order.LoadList
					}
				}})
			if err != nil {
				t.Fatalf("recharge: %v", err)
			}
			l, err := apdu.ParseList(loadList)
			if err != nil || len(l) != 2 {
				t.Fatalf("load list %q: %v", loadList, err)
			}
			sel, _ := apdu.ParseCommand(l[0].Bytes)
			aid := spec.AID
			if aid == nil {
				aid = apdu.PurseAID
			}
			if !bytes.Equal(sel.Data, aid) {
				t.Errorf("the load list selects %X, the card's AID is %X", sel.Data, aid)
			}
			if init, _ := apdu.ParseCommand(l[1].Bytes); init.INS != apdu.INSInitialize || init.P1 != 0x00 || init.Data[0] != tt.wantKI {
				t.Errorf("INITIALIZE FOR LOAD %X: want key index %02X", l[1].Bytes, tt.wantKI)
			}
			if !res.Credited || res.After != 2500 || card.Snapshot().Balance != 2500 {
				t.Fatalf("credited %v, after %d, card %d: want 2500", res.Credited, res.After, card.Snapshot().Balance)
			}
			if led, _ := s.CardBalance(spec.CardNo); led != 2500 {
				t.Errorf("ledger %d, want 2500", led)
			}
			if err := s.Audit(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestCardVariantMismatch: a centre that holds a card as 3DES key index 01
// while the chip is SM4 key index 03 cannot load it; nothing is credited.
func TestCardVariantMismatch(t *testing.T) {
	for _, tt := range []struct {
		name      string
		centre    CardSpec
		wantInErr string
	}{
		{"centre sends key index 01", CardSpec{Cipher: epurse.SM4()}, "9403"},
		{"centre holds 3DES keys", CardSpec{KeyIndex: 0x03}, hzcard.CodeCardKey},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(sim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(s)
			t.Cleanup(srv.Close)
			c, _ := hzcardclient.New(hzcardclient.Config{URL: srv.URL})
			spec := tt.centre
			spec.CardNo = "2253400000000099"
			if _, err := s.AddCard(spec); err != nil {
				t.Fatal(err)
			}
			// The chip: SM4, key index 03, as another centre's card.
			other, _ := New(sim.Options{})
			chip, err := other.AddCard(CardSpec{CardNo: spec.CardNo, Cipher: epurse.SM4(), KeyIndex: 0x03})
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.Recharge(context.Background(), chip, hzcardclient.RechargeOptions{CardNo: spec.CardNo, Amount: 1000, PayOrderNo: "M1"})
			if err == nil || res.Credited || chip.Snapshot().Balance != 0 {
				t.Fatalf("a card of another variant was loaded: %+v %v", res, err)
			}
			if !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("error %v, want it to name %s", err, tt.wantInErr)
			}
		})
	}
}

// TestSetZone: a centre set to another zone dates its reply and the card's
// load record there.
func TestSetZone(t *testing.T) {
	at := time.Date(2026, 5, 1, 20, 30, 0, 0, time.UTC)
	clock := sim.NewManualClock(at)
	s, err := New(sim.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	zone := time.FixedZone("UTC-03:30", -(3*3600 + 1800))
	s.SetZone(zone)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, _ := hzcardclient.New(hzcardclient.Config{URL: srv.URL, Now: clock.Now})
	card, _ := s.Card("2253000000000001")
	res, err := c.Recharge(context.Background(), card, hzcardclient.RechargeOptions{CardNo: "2253000000000001", Amount: 1000, PayOrderNo: "Z1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Times.TxnDate != "20260501" || res.Times.TxnTime != "170000" {
		t.Errorf("reply dated %s %s, want 20260501 170000 (UTC-03:30)", res.Times.TxnDate, res.Times.TxnTime)
	}
	if got, want := card.Snapshot().Loads[0].DateTime, cardterm.DateTimeIn(at, zone); got != want {
		t.Errorf("load record dated %X, want %X", got, want)
	}
}
