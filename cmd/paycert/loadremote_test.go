package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadTargetRules: a non-loopback --target needs --allow-remote (usage
// error, nothing sent), and a target without what a scenario needs is
// refused with one line naming it.
func TestLoadTargetRules(t *testing.T) {
	code, out := runPaycert(t, "load", "ipos-verify", "--target", "http://192.0.2.77:9/", "--duration", "1s", "--output", "none", "--quiet")
	if code != 2 || !strings.Contains(out, "--allow-remote") {
		t.Errorf("remote target without --allow-remote: exit %d\n%s", code, out)
	}
	cfg := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(cfg, []byte("targets:\n  ipos:\n    url: http://127.0.0.1:9/\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out = runPaycert(t, "load", "ipos-verify", "--config", cfg, "--duration", "1s", "--output", "none", "--quiet")
	if code != 1 || !strings.Contains(out, "needs params.load_voucher") {
		t.Errorf("target without a voucher: exit %d\n%s", code, out)
	}
}
