package cardcmd

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/cli/clitest"
	"paycert/codecs/apdu"
	"paycert/platforms/cpucard"
	"paycert/platforms/pcsc/lab"
	"paycert/platforms/pcsc/pcscd"
	"paycert/platforms/pcsc/vpcd"
)

func cardTestRoot() *cli.Command {
	return &cli.Command{Name: "paycert", Usage: "<command>", Subs: []*cli.Command{Command()}}
}

// runCard runs args through cli.Execute on a root holding only `card`,
// with buffers for the terminal.
func runCard(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return clitest.Run(ctx, cardTestRoot(), nil, args...)
}

// cardSyncBuf is a buffer a long-running command writes while the test reads.
type cardSyncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *cardSyncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *cardSyncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startVirtual runs `card virtual` in the background until the returned
// stop is called; stop returns its exit code and output.
func startVirtual(t *testing.T, ctx context.Context, args ...string) (stop func() (int, string)) {
	t.Helper()
	vctx, cancel := context.WithCancel(ctx)
	out := &cardSyncBuf{}
	done := make(chan int, 1)
	go func() {
		done <- cli.Execute(vctx, cardTestRoot(), cli.IO{Stdin: strings.NewReader(""), Stdout: out, Stderr: out}, append([]string{"card", "virtual"}, args...))
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "inserted in vpcd slot") {
		select {
		case code := <-done:
			cancel()
			t.Fatalf("card virtual exited %d before inserting the card:\n%s", code, out.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("card virtual did not insert its card:\n%s", out.String())
		}
	}
	return func() (int, string) {
		cancel()
		select {
		case code := <-done:
			return code, out.String()
		case <-time.After(15 * time.Second):
			t.Fatalf("card virtual did not stop on cancel:\n%s", out.String())
			return -1, ""
		}
	}
}

func TestCardUsageErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout+stderr
	}{
		{"exec without APDUs", []string{"card", "exec"}, 2, "give at least one APDU"},
		{"exec with bad hex", []string{"card", "exec", "00A4ZZ"}, 2, "00A4ZZ"},
		{"exec with a short APDU", []string{"card", "exec", "00A4"}, 2, "malformed"},
		{"recharge without amount", []string{"card", "recharge"}, 2, "--amount"},
		{"recharge with a negative amount", []string{"card", "recharge", "--amount", "-5"}, 2, "positive"},
		{"recharge in yuan", []string{"card", "recharge", "--amount", "20.00"}, 2, "fen"},
		{"virtual slot 2", []string{"card", "virtual", "--slot", "2"}, 2, "--slot must be 0 or 1"},
		{"virtual bad card number", []string{"card", "virtual", "--card-no", "12"}, 2, "16 to 20"},
		{"scan with an argument", []string{"card", "scan", "x"}, 2, "no arguments"},
		{"list with an argument", []string{"card", "list", "x"}, 2, "no arguments"},
		{"group help", []string{"card", "--help"}, 0, "Examples:"},
		{"scan help", []string{"card", "scan", "--help"}, 0, "paycert card scan --reader"},
		{"recharge help", []string{"card", "recharge", "--help"}, 0, "GET TRANSACTION PROOF"},
		{"virtual help", []string{"card", "virtual", "--help"}, 0, "--start-pcscd"},
		{"exec help", []string{"card", "exec", "--help"}, 0, "IDX_0002"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCard(t, ctx, tt.args...)
			if code != tt.code || !strings.Contains(out+errOut, tt.want) {
				t.Fatalf("exit %d (want %d), output lacks %q:\n%s%s", code, tt.code, tt.want, out, errOut)
			}
		})
	}
}

func TestCardParseAPDUs(t *testing.T) {
	cmds, err := cardParseAPDUs([]string{"IDX_0002", "80 5C 00 02 04", "00B0950000,00B201C400"}, execOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"00A4040008A000000632010105", "805C000204", "00B0950000", "00B201C400"}
	if len(cmds) != len(want) {
		t.Fatalf("%d commands, want %d", len(cmds), len(want))
	}
	for i, c := range cmds {
		if c.String() != want[i] {
			t.Errorf("command %d = %s, want %s", i, c, want[i])
		}
	}
}

// TestCardCommandsThroughVirtualReader runs every card command against a
// software card served by `card virtual` through pcscd and the vpcd driver,
// as a lab tech would with a real reader.
func TestCardCommandsThroughVirtualReader(t *testing.T) {
	if _, err := pcscd.Path(); err != nil {
		t.Skipf("no pcscd here: %v (make test on CI installs it)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d, err := pcscd.Start(ctx) // takes the lock every pcscd user in the tests shares
	if err != nil {
		t.Fatalf("pcscd: %v", err)
	}
	defer d.Stop()
	stop := startVirtual(t, ctx, "--slot", "0", "--card-no", "2253000000000100", "--balance", "1234")

	code, out, errOut := runCard(t, ctx, "card", "list")
	if code != 0 || !strings.Contains(out, "Virtual PCD 00 00\tcard present, ATR 3B8A8001") || !strings.Contains(out, "Virtual PCD 00 01\tempty") {
		t.Fatalf("card list: exit %d\n%s%s", code, out, errOut)
	}

	// No --reader: two readers, one with a card, so scan picks it.
	code, out, errOut = runCard(t, ctx, "card", "scan", "--wait", "5s")
	for _, want := range []string{"Reader:        Virtual PCD 00 00", "ATR:           3B8A8001", "Card number:   0002253000000000100",
		"Short number:  2253000000000100", "Balance:       12.34 yuan (1234 fen)", "PPSE:          ok", "Last transactions (file 0x18, newest first): 0"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("card scan: exit %d, output lacks %q:\n%s%s", code, want, out, errOut)
		}
	}

	code, out, errOut = runCard(t, ctx, "card", "exec", "--reader", "PCD 00 00", "IDX_0002", "805C000204")
	if code != 0 || !strings.Contains(out, "< 000004D29000  success") || !strings.Contains(out, "> GET BALANCE") {
		t.Fatalf("card exec: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCard(t, ctx, "card", "exec", "--reader", "PCD 00 00", "00A4040008A00000063201017F00")
	if code != 1 || !strings.Contains(out, "< 6A82  file or application not found") {
		t.Fatalf("card exec of an unknown AID must print 6A82 and exit 1: exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = runCard(t, ctx, "card", "recharge", "--reader", "PCD 00 00", "--amount", "2000")
	t.Logf("card recharge:\n%s", out)
	for _, want := range []string{"embedded reference centre", "Card:          2253000000000100", "Balance:       12.34 yuan before",
		"Balance:       32.34 yuan after", "Recharged:     +20.00 yuan"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("card recharge: exit %d, output lacks %q:\n%s%s", code, want, out, errOut)
		}
	}
	code, out, errOut = runCard(t, ctx, "card", "scan", "--reader", "PCD 00 00")
	t.Logf("card scan after the recharge:\n%s", out)
	if code != 0 || !strings.Contains(out, "02 purse load") || !strings.Contains(out, "+20.00") || !strings.Contains(out, "+20.00 -> 32.34") {
		t.Fatalf("card scan after the recharge must show the load in 0x18 and 0x07: exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = runCard(t, ctx, "card", "scan", "--reader", "PCD 00 01", "--wait", "300ms")
	if code != 1 || !strings.Contains(errOut, "no card in Virtual PCD 00 01 after 300ms") {
		t.Fatalf("scan of an empty reader: exit %d\n%s%s", code, out, errOut)
	}

	code, vout := stop()
	t.Logf("card virtual:\n%s", vout)
	if code != 0 || !strings.Contains(vout, "> GET BALANCE") || !strings.Contains(vout, "> CREDIT FOR LOAD") ||
		!strings.Contains(vout, "final balance 32.34 yuan") {
		t.Fatalf("card virtual: exit %d, it must trace the APDUs and report the balance:\n%s", code, vout)
	}
}

// TestCardVirtualStartsAndStopsPcscd: --start-pcscd runs pcscd as a child
// for the session and leaves no daemon behind.
func TestCardVirtualStartsAndStopsPcscd(t *testing.T) {
	if _, err := pcscd.Path(); err != nil {
		t.Skipf("no pcscd here: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stop := startVirtual(t, ctx, "--start-pcscd", "--slot", "1", "--quiet", "--balance", "500")
	code, out, errOut := runCard(t, ctx, "card", "exec", "--reader", "PCD 00 01", "IDX_0002", "805C000204")
	if code != 0 || !strings.Contains(out, "< 000001F49000") {
		t.Fatalf("card exec through the child pcscd: exit %d\n%s%s", code, out, errOut)
	}
	code, vout := stop()
	if code != 0 || strings.Contains(vout, "> GET BALANCE") {
		t.Fatalf("card virtual --quiet: exit %d (APDUs must not be printed):\n%s", code, vout)
	}
	if _, err := os.Stat(pcscd.Socket); err == nil {
		t.Fatalf("pcscd's socket %s is still there: the child daemon was left running", pcscd.Socket)
	}
}

// cardDropBefore pulls the card just before the first CREDIT FOR LOAD
// reaches it: the bridge drops the connection and the card never sees it.
type cardDropBefore struct {
	*cpucard.Card
	dropped atomic.Bool
}

func (c *cardDropBefore) Transmit(capdu []byte) ([]byte, error) {
	if len(capdu) > 1 && capdu[1] == apdu.INSCreditForLoad && c.dropped.CompareAndSwap(false, true) {
		return nil, errors.New("card pulled before CREDIT FOR LOAD")
	}
	return c.Card.Transmit(capdu)
}

// TestCardRechargeRecoversWhenTheCardLeaves: the card leaves during the
// recharge and comes back; `card recharge` resolves the order through card
// management and credits exactly once, whether or not the card had applied
// CREDIT FOR LOAD.
func TestCardRechargeRecoversWhenTheCardLeaves(t *testing.T) {
	if _, err := pcscd.Path(); err != nil {
		t.Skipf("no pcscd here: %v", err)
	}
	tests := []struct {
		name string
		arm  func(*cpucard.Card) vpcd.Card
		want string
	}{
		{"torn during CREDIT: credited", func(c *cpucard.Card) vpcd.Card { c.TearNext(apdu.INSCreditForLoad); return c },
			"the card was credited before it left"},
		{"pulled before CREDIT: charged again", func(c *cpucard.Card) vpcd.Card { return &cardDropBefore{Card: c} },
			"the card was not credited (000152); charging again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			card := cpucard.MustNew(cpucard.Profile{PAN: "2253000000000200", Balance: 100})
			l, err := lab.StartVirtual(ctx, []*cpucard.Card{card}, func(int, *cpucard.Card) vpcd.Card { return tt.arm(card) })
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			// The lab tech: puts the card back once the reader has seen it
			// leave (no hand is faster than pcscd's 400 ms poll).
			go func() {
				for ctx.Err() == nil {
					if !l.Slots[0].Bridge.Inserted() {
						_ = l.Reinsert(ctx, 0)
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			}()
			code, out, errOut := runCard(t, ctx, "card", "recharge", "--reader", l.Slots[0].Reader, "--amount", "1000", "--wait", "15s")
			t.Logf("card recharge:\n%s%s", out, errOut)
			for _, w := range []string{"The card left during CREDIT FOR LOAD", tt.want, "Balance:       11.00 yuan after"} {
				if code != 0 || !strings.Contains(out, w) {
					t.Fatalf("exit %d, output lacks %q", code, w)
				}
			}
			if got := card.Snapshot().Balance; got != 1100 {
				t.Fatalf("the card holds %d fen, want 1100: credited %d times", got, (got-100)/1000)
			}
		})
	}
}
