package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/cli/clitest"
	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/ipos/ipossim"
)

// TestSimTellsItsFixture (#15 item 7): "paycert sim --help" and the
// start-up lines tell a client what the simulator's fixture gives it.
func TestSimTellsItsFixture(t *testing.T) {
	root := &cli.Command{Name: "paycert", Usage: "<command>", Subs: []*cli.Command{simCommand()}}
	_, help, _ := clitest.Run(context.Background(), root, nil, "sim", "ipos", "--help")
	for _, want := range []string{"Fixture of ipos", ipossim.CertVoucherAmount, ipossim.FixtureKey, "Fixture of bill99", bill99sim.SignUpPan, bill99sim.PathSMS} {
		if !strings.Contains(help, want) {
			t.Errorf("sim --help does not tell %q:\n%s", want, help)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // serve, print the start-up lines, stop
	code, out, errs := clitest.Run(ctx, root, nil, "sim", "ipos")
	if code != 0 || !strings.Contains(out, "fixture: ") || !strings.Contains(out, ipossim.CertGiftCash) {
		t.Errorf("sim ipos: exit %d, start-up lines without the fixture:\n%s%s", code, out, errs)
	}
}

// TestSimBill99PKIDir: --pki-dir keeps the test PKI, CA key included,
// across restarts, so clients keep the certificates they were given.
func TestSimBill99PKIDir(t *testing.T) {
	root := &cli.Command{Name: "paycert", Usage: "<command>", Subs: []*cli.Command{simCommand()}}
	dir := filepath.Join(t.TempDir(), "pki")
	var cas []string
	for run, want := range []string{"written to", "reused from"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		code, out, errs := clitest.Run(ctx, root, nil, "sim", "bill99", "--pki-dir", dir)
		if code != 0 || !strings.Contains(out, "test PKI "+want+" "+dir) || !strings.Contains(out, `password "`+bill99sim.DefaultPFXPassword+`"`) {
			t.Fatalf("start %d: exit %d, want the PKI %s %s with the default password:\n%s%s", run+1, code, want, dir, out, errs)
		}
		b, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
		if err != nil {
			t.Fatal(err)
		}
		cas = append(cas, string(b))
		if _, err := os.Stat(filepath.Join(dir, "ca-key.pem")); err != nil {
			t.Fatalf("start %d: no CA key in --pki-dir: %v", run+1, err)
		}
	}
	if cas[0] != cas[1] {
		t.Fatal("a restart with the same --pki-dir served another CA: clients lose their certificates")
	}
}
