package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/cli/clitest"
)

// TestUnknownFaultIsAUsageError: a --fault no selected simulator has is a
// usage error found before any run or output (mutate ran its baseline and
// wrote an empty kill matrix that passed; certify failed every spec; sim
// exited 1).
func TestUnknownFaultIsAUsageError(t *testing.T) {
	root := &cli.Command{Name: "paycert", Usage: "<command>", Subs: []*cli.Command{mutateCommand(), certifyCommand(), simCommand()}}
	for _, tc := range []struct {
		cmd, platform string
	}{{"mutate", "ipos"}, {"certify", "bill99"}, {"sim", "kakatong"}} {
		t.Run(tc.cmd, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			args := []string{tc.cmd, tc.platform, "--fault", "no-such-fault"}
			if tc.cmd != "sim" {
				args = append(args, "--out", out)
			}
			code, _, stderr := clitest.Run(context.Background(), root, nil, args...)
			if code != 2 || !strings.Contains(stderr, "--fault no-such-fault is not a fault of "+tc.platform) {
				t.Fatalf("exit %d, stderr %q; want exit 2 naming the fault", code, stderr)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s was created (stat: %v) for a run that never started", out, err)
			}
		})
	}
}
