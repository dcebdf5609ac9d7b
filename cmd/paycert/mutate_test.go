package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMutateRefusesUnknownFault: a --fault no selected simulator has is a
// usage error found before any baseline run or output, not an empty kill
// matrix that passes.
func TestMutateRefusesUnknownFault(t *testing.T) {
	out := filepath.Join(t.TempDir(), "mutation")
	root := &Command{Name: "paycert", Usage: "<command>", Subs: []*Command{mutateCommand()}}
	code, _, stderr := runCLI(context.Background(), root, nil, "mutate", "ipos", "--fault", "no-such-fault", "--out", out)
	if code != 2 || !strings.Contains(stderr, "--fault no-such-fault is not a fault of ipos") {
		t.Fatalf("exit %d, stderr %q; want exit 2 naming the fault", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("--out %s was created (stat: %v) for a run that never started", out, err)
	}
}
