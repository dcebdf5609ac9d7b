package simproc

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestStart: a process that writes its config is running when Start
// returns and stops on Stop; one that exits first is an error with its
// output.
func TestStart(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "sim.yaml")
	p, err := Start(exec.Command("sh", "-c", `echo serving; echo "targets: {}" > "$0"; exec sleep 60`, cfg), cfg)
	if err != nil {
		t.Fatal(err)
	}
	p.Stop() // SIGINT ends sleep
	if !strings.Contains(p.Log(), "serving") {
		t.Errorf("log %q lacks the process's output", p.Log())
	}
	_, err = Start(exec.Command("sh", "-c", "echo no such platform >&2; exit 2"), filepath.Join(t.TempDir(), "never.yaml"))
	if err == nil || !strings.Contains(err.Error(), "no such platform") {
		t.Errorf("a process that exits before its config: %v, want an error with its output", err)
	}
}
