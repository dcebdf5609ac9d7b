package kakatongsuite

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
)

// TestWSDLWithNodeSOAP proves the simulator's WSDL is real: node-soap (the
// npm package "soap", pinned in testdata/soapcheck/package-lock.json), a
// SOAP toolkit nobody in paycert wrote, loads it from the simulator's URL
// and calls every operation. The test skips only when node or npm is not
// installed; with npm present, a failed install or call fails the test.
func TestWSDLWithNodeSOAP(t *testing.T) {
	node, nerr := exec.LookPath("node")
	npm, perr := exec.LookPath("npm")
	if nerr != nil || perr != nil {
		t.Skip("node and npm are not installed: the WSDL check needs them to run node-soap (apt-get install nodejs npm)")
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "soapcheck"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "soap", "package.json")); err != nil {
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s failed (node-soap is needed to check the WSDL): %v\n%s", dir, err, out)
		}
	}
	s, err := kakatongsim.New(sim.Options{Clock: sim.NewManualClock(epoch), Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	bal0, _, err := s.CardBalance(kakatongsim.CardFirst)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, node, "check.js", srv.URL+"/s/sp.php?wsdl")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KK_CARD="+kakatongsim.CardFirst, "KK_NEWCARD="+kakatongsim.CardActiveNew)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node-soap could not call every operation from the WSDL: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "\nok   ") + boolInt(strings.HasPrefix(string(out), "ok   ")); n != 11 {
		t.Fatalf("node-soap ran %d checks, want 11:\n%s", n, out)
	}
	if bal, _, _ := s.CardBalance(kakatongsim.CardFirst); bal != bal0 {
		t.Errorf("purchase + undo through node-soap left card balance %d, want %d", bal, bal0)
	}
	if err := s.Audit(); err != nil {
		t.Error(err)
	}
	for _, v := range s.Violations() {
		t.Errorf("node-soap's requests broke a rule of the gateway: %+v", v)
	}
	t.Logf("node-soap:\n%s", out)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
