// Package labtest starts virtual labs for tests (net/http/httptest is the
// model): pcscd as a child, the vpcd bridge and a software card, skipped
// where pcscd is not installed, stopped when the test ends.
package labtest

import (
	"context"
	"testing"
	"time"

	"paycert/platforms/cpucard"
	"paycert/platforms/pcsc/lab"
	"paycert/platforms/pcsc/pcscd"
)

// BusyReader starts a virtual lab with one software card (pan, 1.00 yuan)
// and holds its reader in a transaction from a second PC/SC client, as
// another application would. It returns the lab, the reader's name, and
// release, which ends the transaction and the second client's connection
// (it is called when the test ends if the test did not).
func BusyReader(t testing.TB, pan string) (l *lab.Lab, name string, release func() error) {
	t.Helper()
	if _, err := pcscd.Path(); err != nil {
		t.Skipf("no pcscd here: %v (make test on CI installs it)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	var err error
	l, err = lab.StartVirtual(ctx, []*cpucard.Card{cpucard.MustNew(cpucard.Profile{PAN: pan, Balance: 100})}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	name = l.Slots[0].Reader
	holder, err := l.PC.ConnectShared(ctx, name, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Begin(10 * time.Second); err != nil {
		holder.Disconnect()
		t.Fatal(err)
	}
	released := false
	release = func() error {
		if released {
			return nil
		}
		released = true
		if err := holder.End(); err != nil {
			holder.Disconnect()
			return err
		}
		return holder.Disconnect()
	}
	t.Cleanup(func() { release() })
	return l, name, release
}
