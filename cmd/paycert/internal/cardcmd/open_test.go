package cardcmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"paycert/platforms/pcsc/labtest"
)

// TestCardCommandsOnBusyReader: while another PC/SC client holds the
// reader in a transaction, scan, exec and recharge give up at their --wait
// with a "reader busy" error (exit 1), and work again once it lets go.
func TestCardCommandsOnBusyReader(t *testing.T) {
	ctx := t.Context()
	_, name, release := labtest.BusyReader(t, "2253000000000301")
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
	if err := release(); err != nil {
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
