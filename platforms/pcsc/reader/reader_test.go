package reader_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"paycert/codecs/apdu"
	"paycert/platforms/cpucard"
	"paycert/platforms/pcsc/lab"
	"paycert/platforms/pcsc/pcscd"
	"paycert/platforms/pcsc/reader"
	"paycert/platforms/pcsc/vpcd"
)

// tinyCard answers SELECT with 9000 and anything else with 6D00; INS 0x52
// tears (no reply).
type tinyCard struct{ mu sync.Mutex }

func (*tinyCard) ATR() []byte       { return []byte{0x3B, 0x02, 0x14, 0x50} }
func (c *tinyCard) PowerOn() []byte { return c.ATR() }
func (*tinyCard) PowerOff()         {}
func (c *tinyCard) Reset() []byte   { return c.ATR() }
func (*tinyCard) Transmit(a []byte) ([]byte, error) {
	switch a[1] {
	case 0xA4:
		return []byte{0x90, 0x00}, nil
	case 0x52:
		return nil, errors.New("torn")
	}
	return []byte{0x6D, 0x00}, nil
}

// TestReaderAgainstVirtualReader runs the PC/SC layer against pcscd with the
// vpcd driver: readers listed, card detected, APDUs exchanged, a tear
// surfaced as ErrTorn, removal detected.
func TestReaderAgainstVirtualReader(t *testing.T) {
	ctx, pc, name := virtualReader(t, &tinyCard{})
	card, err := pc.Connect(name)
	if err != nil {
		t.Fatal(err)
	}
	atr, err := card.ATR()
	if err != nil || len(atr) == 0 {
		t.Fatalf("ATR: % X %v", atr, err)
	}
	r, err := card.Transmit([]byte{0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00})
	if err != nil || len(r) != 2 || r[0] != 0x90 {
		t.Fatalf("select: % X %v", r, err)
	}
	if _, err := card.Transmit([]byte{0x80, 0x52, 0x00, 0x00, 0x00}); !errors.Is(err, reader.ErrTorn) {
		t.Fatalf("a torn command must give ErrTorn, got %v", err)
	}
	card.Disconnect()
	if err := pc.WaitForRemoval(ctx, name); err != nil {
		t.Fatal(err)
	}
}

// TestNewSessionStartsUnselected: a session's selection must not leak into
// the next one, however quickly it starts (pcscd keeps a card powered for
// a while after a LeaveCard disconnect, so the purse stayed selected).
func TestNewSessionStartsUnselected(t *testing.T) {
	sc, err := cpucard.New(cpucard.Profile{PAN: "2253000000000009", Balance: 500})
	if err != nil {
		t.Fatal(err)
	}
	_, pc, name := virtualReader(t, sc)
	balance := apdu.GetBalance().Bytes()
	for session := 1; session <= 2; session++ {
		card, err := pc.Connect(name)
		if err != nil {
			t.Fatal(err)
		}
		r, err := card.Transmit(balance)
		if err != nil || len(r) < 2 || r[len(r)-2] != 0x69 || r[len(r)-1] != 0x85 {
			t.Fatalf("session %d: GET BALANCE before any SELECT answered % X (%v), want 6985: a selection survived the last session", session, r, err)
		}
		if r, err := card.Transmit(apdu.SelectByName(apdu.PurseAID).Bytes()); err != nil || r[len(r)-2] != 0x90 {
			t.Fatalf("session %d: SELECT purse: % X %v", session, r, err)
		}
		if err := card.Disconnect(); err != nil {
			t.Fatal(err)
		}
	}
}

// virtualReader serves card in slot 0 of a virtual lab of its own (pcscd
// as a child, the vpcd bridge) for the test's lifetime, and returns a
// context bounded to a minute, the PC/SC context and the reader's name.
func virtualReader(t *testing.T, card vpcd.Card) (context.Context, *reader.Context, string) {
	t.Helper()
	if _, err := pcscd.Path(); err != nil {
		t.Skipf("no pcscd here: %v (make test on CI installs it)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	d, err := pcscd.Start(ctx)
	if err != nil {
		t.Fatalf("pcscd: %v", err)
	}
	t.Cleanup(func() { d.Stop() })
	b := vpcd.New(card, vpcd.Slot0)
	if err := b.Insert(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Remove() })
	pc, err := reader.Establish()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Release() })
	name, err := lab.WaitVirtualReader(ctx, pc, 0)
	if err != nil {
		t.Fatalf("%v; pcscd log:\n%s", err, d.Log())
	}
	return ctx, pc, name
}
