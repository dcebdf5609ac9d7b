package main

import (
	"context"
	"fmt"

	"paycert/cmd/paycert/internal/cli"
	"paycert/reports"
)

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:    "report",
		Summary: "Write or check reports (load HTML pages, evidence bundles)",
		Usage:   "report <command> [arguments]",
		Help: `Reports of certification runs are written by 'paycert certify' itself; these
commands work on what runs left behind.

Examples:
  paycert report load results.bin --output load.html
  paycert report verify reports/out/20261122T050102Z-1a2b/evidence.tar.gz`,
		Subs: []*cli.Command{reportLoadCommand(), reportVerifyCommand()},
	}
}

func reportVerifyCommand() *cli.Command {
	cmd := &cli.Command{
		Name:    "verify",
		Summary: "Check an evidence bundle against its SHA-256 manifest",
		Usage:   "report verify EVIDENCE.tar.gz",
		Help: `Re-reads every file in an evidence bundle and compares it with the SHA256SUMS
manifest written with it. Exit 0 when every file matches.

Examples:
  paycert report verify reports/out/20261122T050102Z-1a2b/evidence.tar.gz`,
	}
	cmd.Run = func(_ context.Context, io cli.IO, pos []string) error {
		if len(pos) != 1 {
			return cli.Usagef("name one evidence bundle")
		}
		n, err := reports.VerifyEvidence(pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(io.Stdout, "%s: %d files match the manifest\n", pos[0], n)
		return nil
	}
	return cmd
}
