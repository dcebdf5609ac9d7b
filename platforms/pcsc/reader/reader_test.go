package reader_test

import (
	"context"
	"errors"
	"os"
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

// TestReaderExchangesAPDUs runs the PC/SC layer against the reader under
// test: readers listed, card detected, APDUs exchanged; on the virtual
// reader also a tear surfaced as ErrTorn and the removal detected.
func TestReaderExchangesAPDUs(t *testing.T) {
	r := testReader(t, &tinyCard{})
	card, err := r.pc.Connect(r.ctx, r.name, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	atr, err := card.ATR()
	if err != nil || len(atr) == 0 {
		t.Fatalf("ATR: % X %v", atr, err)
	}
	resp, err := card.Transmit(apdu.SelectByName(apdu.PurseAID).Bytes())
	if err != nil || len(resp) < 2 || (resp[len(resp)-2] != 0x90 && resp[len(resp)-2] != 0x61) {
		t.Fatalf("SELECT purse: % X %v", resp, err)
	}
	if r.bridge == nil {
		card.Disconnect()
		t.Skip("tear and removal skipped: they need the virtual reader, where the card tears and leaves on command (the rest passed on " + r.name + ")")
	}
	if _, err := card.Transmit([]byte{0x80, 0x52, 0x00, 0x00, 0x00}); !errors.Is(err, reader.ErrTorn) {
		t.Fatalf("a torn command must give ErrTorn, got %v", err)
	}
	card.Disconnect()
	if err := r.pc.WaitForRemoval(r.ctx, r.name); err != nil {
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
	r := testReader(t, sc)
	balance := apdu.GetBalance().Bytes()
	for session := 1; session <= 2; session++ {
		card, err := r.pc.Connect(r.ctx, r.name, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := card.Transmit(balance)
		got := sw(resp)
		// The software card answers 6985; a real COS may word the refusal
		// otherwise, but never with 9000.
		if err != nil || got == 0x9000 || (r.bridge != nil && got != 0x6985) {
			t.Fatalf("session %d: GET BALANCE before any SELECT answered % X (%v), want a refusal (6985): a selection survived the last session", session, resp, err)
		}
		if resp, err := card.Transmit(apdu.SelectByName(apdu.PurseAID).Bytes()); err != nil || sw(resp)>>8 != 0x90 {
			t.Fatalf("session %d: SELECT purse: % X %v", session, resp, err)
		}
		if resp, err := card.Transmit(balance); err != nil || sw(resp) != 0x9000 {
			t.Fatalf("session %d: GET BALANCE after SELECT: % X %v", session, resp, err)
		}
		if err := card.Disconnect(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBusyReaderBoundsConnect: a second PC/SC client holds the reader in a
// transaction. A connect must give up at its wait with ErrBusy, end within
// a fraction of a second when its context is cancelled (Ctrl-C), and leave
// nothing behind: once the holder lets go, the reader connects again.
func TestBusyReaderBoundsConnect(t *testing.T) {
	sc, err := cpucard.New(cpucard.Profile{PAN: "2253000000000009", Balance: 500})
	if err != nil {
		t.Fatal(err)
	}
	r := testReader(t, sc)
	holderPC, err := reader.Establish()
	if err != nil {
		t.Fatal(err)
	}
	defer holderPC.Release()
	holder, err := holderPC.ConnectShared(r.ctx, r.name, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Begin(5 * time.Second); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	_, err = r.pc.Connect(r.ctx, r.name, time.Second)
	took := time.Since(start)
	if !errors.Is(err, reader.ErrBusy) || took < 900*time.Millisecond || took > 2*time.Second {
		t.Fatalf("connect to a reader held in a transaction: %v after %s; want ErrBusy after its 1s wait", err, took)
	}
	t.Logf("busy: %v (after %s)", err, took.Round(time.Millisecond))

	cctx, cancel := context.WithCancel(r.ctx)
	time.AfterFunc(300*time.Millisecond, cancel)
	start = time.Now()
	_, err = r.pc.Connect(cctx, r.name, time.Minute)
	took = time.Since(start)
	if !errors.Is(err, context.Canceled) || errors.Is(err, reader.ErrBusy) || took > time.Second {
		t.Fatalf("connect cancelled after 300ms: %v after %s; want context.Canceled within a second", err, took)
	}

	// The holder's own commands still work, then it lets go.
	if resp, err := holder.Transmit(apdu.SelectByName(apdu.PurseAID).Bytes()); err != nil || sw(resp)>>8 != 0x90 {
		t.Fatalf("the holder's SELECT: % X %v", resp, err)
	}
	if err := holder.End(); err != nil {
		t.Fatal(err)
	}
	if err := holder.Disconnect(); err != nil {
		t.Fatal(err)
	}
	card, err := r.pc.Connect(r.ctx, r.name, 10*time.Second)
	if err != nil {
		t.Fatalf("the reader must be free once the holder let go (the abandoned connects must not keep it): %v", err)
	}
	if err := card.Disconnect(); err != nil {
		t.Fatal(err)
	}
}

// slowCard stalls every command after SELECT for the given time: a
// reader that hangs.
type slowCard struct {
	tinyCard
	stall time.Duration
}

func (c *slowCard) Transmit(a []byte) ([]byte, error) {
	if a[1] != 0xA4 {
		time.Sleep(c.stall)
	}
	return c.tinyCard.Transmit(a)
}

// TestHungTransmitIsBounded: a command the reader never answers ends at the
// call timeout as a torn command (it may or may not have reached the card);
// the connection is then refused at once, and Disconnect does not block.
func TestHungTransmitIsBounded(t *testing.T) {
	r := testReader(t, &slowCard{stall: 4 * time.Second})
	if r.bridge == nil {
		t.Skip("needs the virtual reader: a card that stalls on command")
	}
	r.pc.Timeout = 500 * time.Millisecond
	card, err := r.pc.Connect(r.ctx, r.name, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := card.Transmit([]byte{0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00}); err != nil {
		t.Fatalf("SELECT: %v", err)
	}
	start := time.Now()
	_, err = card.Transmit(apdu.GetBalance().Bytes())
	if took := time.Since(start); !errors.Is(err, reader.ErrTorn) || took > time.Second {
		t.Fatalf("a hung transmit: %v after %s; want ErrTorn at the 500ms timeout", err, took)
	}
	start = time.Now()
	if _, err := card.Transmit(apdu.GetBalance().Bytes()); !errors.Is(err, reader.ErrTorn) || time.Since(start) > 50*time.Millisecond {
		t.Fatalf("a connection with an abandoned call must refuse at once: %v", err)
	}
	start = time.Now()
	card.Disconnect()
	if took := time.Since(start); took > 100*time.Millisecond {
		t.Fatalf("Disconnect after an abandoned call took %s", took)
	}
}

func sw(resp []byte) uint16 {
	if len(resp) < 2 {
		return 0
	}
	return uint16(resp[len(resp)-2])<<8 | uint16(resp[len(resp)-1])
}

// under is the reader a test drives and how it got it.
type under struct {
	ctx    context.Context // bounded to a minute
	pc     *reader.Context
	name   string
	bridge *vpcd.Bridge // nil on a lab's reader
}

// testReader is the reader under test: the one PAYCERT_READER names (lab
// rules: lab.Resolve) on the running pcscd, with the lab's card in it; or
// vpcd slot 0 serving card, on the system's pcscd or one started as a
// child (pcscd.Use).
func testReader(t *testing.T, card vpcd.Card) under {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	if name := os.Getenv("PAYCERT_READER"); name != "" {
		l, err := lab.Attach(name)
		if err != nil {
			t.Fatalf("PAYCERT_READER=%q: %v", name, err)
		}
		t.Cleanup(func() { l.Close() })
		return under{ctx: ctx, pc: l.PC, name: l.Slots[0].Reader}
	}
	if _, err := pcscd.Path(); err != nil {
		t.Skipf("no pcscd here: %v (make test on CI installs it)", err)
	}
	d, err := pcscd.Use(ctx)
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
	return under{ctx: ctx, pc: pc, name: name, bridge: b}
}
