package cardcmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"paycert/platforms/cpucard"
	"paycert/platforms/pcsc/lab"
	"paycert/platforms/pcsc/pcscd"
)

// TestCardCommandsOnBusyReader: while another PC/SC client holds the
// reader in a transaction, scan, exec and recharge give up at their --wait
// with a "reader busy" error (exit 1), and work again once it lets go.
func TestCardCommandsOnBusyReader(t *testing.T) {
	if _, err := pcscd.Path(); err != nil {
		t.Skipf("no pcscd here: %v (make test on CI installs it)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	l, err := lab.StartVirtual(ctx, []*cpucard.Card{cpucard.MustNew(cpucard.Profile{PAN: "2253000000000301", Balance: 100})}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	name := l.Slots[0].Reader
	holder, err := l.PC.ConnectShared(ctx, name, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Disconnect()
	if err := holder.Begin(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"card", "scan", "--reader", name, "--wait", "1500ms"},
		{"card", "exec", "--reader", name, "--wait", "1500ms", "IDX_0002"},
		{"card", "recharge", "--reader", name, "--wait", "1500ms", "--amount", "100"},
	} {
		start := time.Now()
		code, out, errOut := runCard(t, ctx, args...)
		took := time.Since(start)
		want := "reader busy: " + name + " was held by another PC/SC client (a transaction or an exclusive connection) for the whole 1.5s wait"
		if code != 1 || !strings.Contains(errOut, want) || took < 1500*time.Millisecond || took > 2500*time.Millisecond {
			t.Fatalf("%s on a busy reader: exit %d after %s; want exit 1 after its 1.5s wait with %q:\n%s%s", args[1], code, took, want, out, errOut)
		}
	}
	if err := holder.End(); err != nil {
		t.Fatal(err)
	}
	if err := holder.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCard(t, ctx, "card", "scan", "--reader", name, "--wait", "10s"); code != 0 || !strings.Contains(out, "Balance:       1.00 yuan") {
		t.Fatalf("scan once the reader is free: exit %d\n%s%s", code, out, errOut)
	}
}

func TestCardOpenRejectsNonPositiveBounds(t *testing.T) {
	for _, args := range [][]string{
		{"card", "scan", "--timeout", "0s"},
		{"card", "exec", "--wait", "-1s", "IDX_0002"},
	} {
		if code, out, errOut := runCard(t, context.Background(), args...); code != 2 || !strings.Contains(errOut, "must be positive durations") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
}
