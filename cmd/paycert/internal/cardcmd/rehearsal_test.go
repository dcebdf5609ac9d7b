package cardcmd

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"paycert/cmd/paycert/internal/cli"
	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
	"paycert/platforms/cpucard/terminal"
	"paycert/platforms/pcsc/pcscd"
	"paycert/platforms/pcsc/reader"
)

func TestCardRehearsalUsageErrors(t *testing.T) {
	state := filepath.Join(t.TempDir(), "card.json")
	if _, _, err := cardVirtualCard(state, cardVariant{balance: 5}, true); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"card", "recharge", "--amount", "01000"}, "leading zero is ambiguous"},
		{[]string{"card", "recharge", "--amount", "0"}, "positive"},
		{[]string{"card", "recharge", "--amount", "100", "--pause-before", "debit"}, "INITIALIZE, CREDIT or confirm"},
		{[]string{"card", "virtual", "--balance", "0100"}, "leading zero"},
		{[]string{"card", "virtual", "--state", state, "--balance", "5"}, "--balance: the state file " + state + " already holds the card"},
		{[]string{"card", "virtual", "--state", state, "--cipher", "sm4"}, "--cipher: the state file"},
		{[]string{"card", "virtual", "--aid", "ZZ"}, "--aid \"ZZ\": not hex"},
		{[]string{"card", "virtual", "--key-index", "00"}, "01 to FF"},
		{[]string{"card", "virtual", "--cipher", "aes"}, "3des or sm4"},
		{[]string{"card", "scan", "--aid", "A0"}, "5 to 16 bytes"},
	}
	for _, tt := range tests {
		code, out, errOut := runCard(t, context.Background(), tt.args...)
		if code != 2 || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%v: exit %d, want 2 and %q:\n%s%s", tt.args, code, tt.want, out, errOut)
		}
	}
}

// TestCardStateFile: a new card is written at once; every change is in the
// file before the card answers; the file gives the same card back.
func TestCardStateFile(t *testing.T) {
	state := filepath.Join(t.TempDir(), "card.json")
	card, origin, err := cardVirtualCard(state, cardVariant{cardNo: "2253000000000300", balance: 700, cipher: "sm4", keyIndex: "02"}, true)
	if err != nil || !strings.HasPrefix(origin, "new") {
		t.Fatalf("new card: %v %q", err, origin)
	}
	card.OnCommit(func(p cpucard.Persistent) {
		if err := cardSaveState(state, p); err != nil {
			t.Error(err)
		}
	})
	kh, err := terminal.NewKeyHolder(epurseOf(t, "sm4"), cpucard.TestMasterKeys(), "2253000000000300")
	if err != nil {
		t.Fatal(err)
	}
	kh.KeyIndex = 0x02
	term := terminal.New(card)
	if _, err := term.SelectPurse(); err != nil {
		t.Fatal(err)
	}
	dt := [7]byte{0x20, 0x26, 0x11, 0x22, 0x10, 0x30, 0x00}
	if _, _, err := kh.Load(term, 300, [6]byte{1, 2, 3, 4, 5, 6}, dt); err != nil {
		t.Fatal(err)
	}
	back, found, err := cardLoadState(state)
	if err != nil || !found {
		t.Fatalf("load state: %v %v", found, err)
	}
	want, _ := json.Marshal(card.Export())
	got, _ := json.Marshal(back.Export())
	if string(want) != string(got) || back.Snapshot().Balance != 1000 || back.Snapshot().OnlineSeq != 1 {
		t.Fatalf("the file lags the card:\n%s\n%s", got, want)
	}
	again, origin, err := cardVirtualCard(state, cardVariant{}, false)
	if err != nil || !strings.HasPrefix(origin, "restored") || again.Snapshot().Balance != 1000 {
		t.Fatalf("restart: %v %q", err, origin)
	}
	if err := os.WriteFile(state, []byte(`{"format":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cardVirtualCard(state, cardVariant{}, false); err == nil || !strings.Contains(err.Error(), state) {
		t.Fatalf("a broken state file must be refused naming it: %v", err)
	}
}

// TestCardTearRehearsal is the documented procedure on the virtual card:
// `card virtual --state F`, `card recharge --pause-before STEP`; at the
// pause the virtual card is pulled (Ctrl-C), Enter is pressed, and the card
// is put back (the same command and file again). The order is resolved and
// the card credited exactly once, which needs the counters and the proof of
// the load to survive the restart.
func TestCardTearRehearsal(t *testing.T) {
	if _, err := pcscd.Path(); err != nil {
		t.Skipf("no pcscd here: %v", err)
	}
	tests := []struct {
		step string
		want string
	}{
		{"confirm", "the card was credited before it left"},
		{"CREDIT", "the card was not credited (000152); charging again"},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d, err := pcscd.Start(ctx)
	if err != nil {
		t.Fatalf("pcscd: %v", err)
	}
	defer d.Stop()
	for _, tt := range tests {
		t.Run(tt.step, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "card.json")
			stop := startVirtual(t, ctx, "--state", state, "--card-no", "2253000000000400", "--balance", "100", "--quiet")
			enter, typeEnter := io.Pipe()
			out := &cardSyncBuf{}
			done := make(chan int, 1)
			go func() {
				done <- cli.Execute(ctx, cardTestRoot(), cli.IO{Stdin: enter, Stdout: out, Stderr: out},
					[]string{"card", "recharge", "--reader", "PCD 00 00", "--amount", "1000", "--wait", "20s", "--pause-before", tt.step})
			}()
			waitFor(t, out, "Paused before")
			if code, vout := stop(); code != 0 || !strings.Contains(vout, "card state kept in") {
				t.Fatalf("pulling the virtual card: exit %d\n%s", code, vout)
			}
			if _, err := typeEnter.Write([]byte("\n")); err != nil {
				t.Fatal(err)
			}
			waitFor(t, out, "Put it back")
			stop = startVirtual(t, ctx, "--state", state, "--quiet")
			var code int
			select {
			case code = <-done:
			case <-ctx.Done():
				t.Fatalf("recharge did not end:\n%s", out.String())
			}
			vcode, vout := stop()
			// The next run inserts a card in the same reader: let pcscd
			// (polling every ~400 ms) see this one leave first, or it hands
			// the next recharge a stale card.
			waitEmpty(t, ctx, "Virtual PCD 00 00")
			t.Logf("card recharge:\n%s\ncard virtual (reinserted):\n%s", out.String(), vout)
			for _, w := range []string{tt.want, "Balance:       11.00 yuan after"} {
				if code != 0 || !strings.Contains(out.String(), w) {
					t.Fatalf("exit %d, output lacks %q", code, w)
				}
			}
			if vcode != 0 || !strings.Contains(vout, "restored from "+state) || !strings.Contains(vout, "final balance 11.00 yuan") {
				t.Fatalf("the reinserted card must be the same card: exit %d", vcode)
			}
			back, _, err := cardLoadState(state)
			if err != nil || back.Snapshot().Balance != 1100 || back.Snapshot().OnlineSeq != 1 { // credited once: an uncredited INITIALIZE does not advance it
				t.Fatalf("state after: %+v %v", back.Snapshot(), err)
			}
			if _, err := back.Transmit(apdu.SelectByName(apdu.PurseAID).Bytes()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func waitEmpty(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	pc, err := reader.Establish()
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Release()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pc.WaitForRemoval(wctx, name); err != nil {
		t.Fatalf("%s still shows a card: %v", name, err)
	}
}

func waitFor(t *testing.T, out *cardSyncBuf, s string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in:\n%s", s, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func epurseOf(t *testing.T, name string) epurse.Scheme {
	t.Helper()
	c, err := epurse.ParseCipher(name)
	if err != nil {
		t.Fatal(err)
	}
	return epurse.Scheme{Cipher: c}
}
