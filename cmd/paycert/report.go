package main

import (
	"context"
	"fmt"

	"paycert/reports"
)

func reportCommand() *Command {
	return &Command{
		Name:    "report",
		Summary: "Write or check reports (load HTML pages, evidence bundles)",
		Usage:   "report <command> [arguments]",
		Help: `Reports of certification runs are written by 'paycert certify' itself; these
commands work on what runs left behind.

Examples:
  paycert report load results.bin --output load.html
  paycert report verify reports/out/20261122T050102Z-1a2b/evidence.tar.gz`,
		Subs: []*Command{reportLoadCommand(), reportVerifyCommand()},
	}
}

func reportVerifyCommand() *Command {
	cmd := &Command{
		Name:    "verify",
		Summary: "Check an evidence bundle against its SHA-256 manifest",
		Usage:   "report verify EVIDENCE.tar.gz",
		Help: `Re-reads every file in an evidence bundle and compares it with the SHA256SUMS
manifest written with it. Exit 0 when every file matches.

Examples:
  paycert report verify reports/out/20261122T050102Z-1a2b/evidence.tar.gz`,
	}
	cmd.Run = func(_ context.Context, io IO, args []string) error {
		fs := NewFlagSet(cmd, io)
		pos, err := ParseFlags(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return Usagef("name one evidence bundle")
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
