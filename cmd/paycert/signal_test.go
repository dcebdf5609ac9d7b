package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"paycert/platforms/pcsc/labtest"
)

// TestSignalEndsCardCommandOnBusyReader: `paycert card scan` blocked on a
// reader another PC/SC client holds in a transaction (pcscd makes
// SCardConnect wait for it) ends within a second of SIGINT or SIGTERM,
// with exit status 1 and the interruption said, and leaves the reader free.
func TestSignalEndsCardCommandOnBusyReader(t *testing.T) {
	ctx := t.Context()
	l, name, release := labtest.BusyReader(t, "2253000000000300")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "card", "scan", "--reader", name, "--wait", "5m")
			cmd.Env = append(os.Environ(), "PAYCERT_AS_MAIN=1")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			// Let it reach SCardConnect and block there.
			select {
			case err := <-done:
				t.Fatalf("card scan ended before the signal (%v):\n%s", err, out.String())
			case <-time.After(1500 * time.Millisecond):
			}
			sent := time.Now()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				took := time.Since(sent)
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.ExitCode() != 1 || took > time.Second || !strings.Contains(out.String(), "interrupted") {
					t.Fatalf("after %v: %v in %s; want exit status 1 within a second, saying it was interrupted:\n%s", sig, err, took, out.String())
				}
				t.Logf("%v: exit 1 after %s: %s", sig, took.Round(time.Millisecond), strings.TrimSpace(out.String()))
			case <-time.After(5 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("card scan ignored %v for 5s (a blocking PC/SC call swallowed it):\n%s", sig, out.String())
			}
		})
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	k, err := l.PC.Connect(ctx, name, 10*time.Second)
	if err != nil {
		t.Fatalf("the reader must be free after the interrupted commands: %v", err)
	}
	if err := k.Disconnect(); err != nil {
		t.Fatal(err)
	}
}
