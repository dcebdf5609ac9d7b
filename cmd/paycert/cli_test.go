package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCLI runs args through Execute on root with buffers for the terminal,
// the way every command test drives the CLI.
func runCLI(ctx context.Context, root *Command, stdin []byte, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = Execute(ctx, root, IO{Stdin: bytes.NewReader(stdin), Stdout: &out, Stderr: &errOut}, args)
	return code, out.String(), errOut.String()
}

func TestExecuteResolvesHelpAndUsageErrors(t *testing.T) {
	leaf := &Command{Name: "leaf", Summary: "a leaf", Usage: "group leaf", Help: "Examples:\n  paycert group leaf"}
	leaf.Run = func(_ context.Context, io IO, args []string) error {
		fs := NewFlagSet(leaf, io)
		n := fs.Int("n", 0, "a number")
		pos, err := ParseFlags(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return Usagef("want one argument")
		}
		if *n < 0 {
			return &ExitError{Code: 3, Err: nil}
		}
		io.Stdout.Write([]byte(pos[0]))
		return nil
	}
	root := &Command{Name: "paycert", Usage: "<command>", Subs: []*Command{{Name: "group", Usage: "group <command>", Subs: []*Command{leaf}}}}
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"--help"}, 0, "group"},
		{[]string{"group"}, 2, "leaf"}, // a group without a command shows its help and fails
		{[]string{"group", "leaf", "--help"}, 0, "Examples:"},
		{[]string{"group", "leaf", "x", "--n", "1"}, 0, "x"}, // flags after positionals
		{[]string{"group", "leaf"}, 2, ""},
		{[]string{"group", "leaf", "x", "--n", "-1"}, 3, ""},
		{[]string{"group", "leaf", "--bogus"}, 2, ""},
		{[]string{"nosuch"}, 2, ""},
	} {
		code, out, _ := runCLI(context.Background(), root, nil, tc.args...)
		if code != tc.code || !bytes.Contains([]byte(out), []byte(tc.out)) {
			t.Errorf("%v: exit %d output %q, want exit %d containing %q", tc.args, code, out, tc.code, tc.out)
		}
	}
}

// TestBadFlagIsOneLine: a flag the command does not have, or a bad value,
// is one line on stderr pointing at --help, exit 2, and no help page on
// stdout (the flag package printed its message and the whole help too).
func TestBadFlagIsOneLine(t *testing.T) {
	leaf := &Command{Name: "leaf", Usage: "leaf", Help: "Examples:\n  paycert leaf"}
	leaf.Run = func(_ context.Context, io IO, args []string) error {
		fs := NewFlagSet(leaf, io)
		fs.Int("n", 0, "a number")
		_, err := ParseFlags(fs, args)
		return err
	}
	root := &Command{Name: "paycert", Usage: "<command>", Subs: []*Command{leaf}}
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"leaf", "--bogus"}, "paycert leaf: flag provided but not defined: -bogus (see --help)\n"},
		{[]string{"leaf", "--n", "x"}, `paycert leaf: invalid value "x" for flag -n: parse error (see --help)` + "\n"},
	} {
		code, out, errOut := runCLI(context.Background(), root, nil, tc.args...)
		if code != 2 || out != "" || errOut != tc.stderr {
			t.Errorf("%v: exit %d stdout %q stderr %q, want exit 2, no stdout, stderr %q", tc.args, code, out, errOut, tc.stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	root := &Command{Name: "paycert", Usage: "<command>", Subs: []*Command{versionCommand()}}
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"version"}, 0, "paycert " + version + " (" + commit + ")\n"},
		{[]string{"version", "--help"}, 0, "Usage: paycert version\n\nPrint the paycert version and commit\n\n" + versionCommand().Help + "\n"},
		{[]string{"version", "extra"}, 2, ""},
	} {
		if code, out, _ := runCLI(context.Background(), root, nil, tc.args...); code != tc.code || out != tc.out {
			t.Errorf("%v: exit %d output %q, want exit %d output %q", tc.args, code, out, tc.code, tc.out)
		}
	}
}

// TestEveryLeafTeaches walks the real command tree: every command has a
// summary for its parent's list and a usage line, and every leaf's help
// ends in examples that start with "paycert <its path>".
func TestEveryLeafTeaches(t *testing.T) {
	var walk func(c *Command, path string)
	walk = func(c *Command, path string) {
		if c.Summary == "" || c.Usage == "" {
			t.Errorf("%q: summary %q, usage %q; both are needed", path, c.Summary, c.Usage)
		}
		if c.Run == nil {
			for _, s := range c.Subs {
				walk(s, path+" "+s.Name)
			}
			return
		}
		_, ex, found := strings.Cut(c.Help, "Examples:\n")
		if !found || !strings.Contains(ex, "  "+path) {
			t.Errorf("%q: help has no example of %q", path, path)
		}
	}
	walk(rootCommand(), "paycert")
}
