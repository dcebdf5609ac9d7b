package main

import (
	"context"
	"flag"
	"strings"
	"testing"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/cli/clitest"
)

func TestVersion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"version"}, 0, "paycert " + version + " (" + commit + ")\n"},
		{[]string{"--version"}, 0, "paycert " + version + " (" + commit + ")\n"},
		{[]string{"version", "--help"}, 0, "Usage: paycert version\n\nPrint the paycert version and commit\n\n" + versionCommand().Help + "\n"},
		{[]string{"version", "extra"}, 2, ""},
	} {
		if code, out, _ := clitest.Run(context.Background(), rootCommand(), nil, tc.args...); code != tc.code || out != tc.out {
			t.Errorf("%v: exit %d output %q, want exit %d output %q", tc.args, code, out, tc.code, tc.out)
		}
	}
}

// TestEveryLeafTeaches walks the real command tree: every command has a
// summary for its parent's list and a usage line that starts with its
// whole path, and every leaf's help ends in examples that start with
// "paycert <its path>".
func TestEveryLeafTeaches(t *testing.T) {
	cli.Walk(rootCommand(), func(p []string, c *cli.Command) {
		path := strings.Join(p, " ")
		if c.Summary == "" || c.Usage == "" {
			t.Errorf("%q: summary %q, usage %q; both are needed", path, c.Summary, c.Usage)
		}
		if len(p) > 1 && !strings.HasPrefix("paycert "+c.Usage+" ", path+" ") {
			t.Errorf("%q: usage %q does not start with the command's path", path, c.Usage)
		}
		if c.Run == nil {
			return
		}
		_, ex, found := strings.Cut(c.Help, "Examples:\n")
		if !found || !strings.Contains(ex, "  "+path) {
			t.Errorf("%q: help has no example of %q", path, path)
		}
	})
}

// TestEveryFlagIsListed walks the tree and lists every flag of every leaf
// without running one: each has a usage text and shows in the leaf's
// --help.
func TestEveryFlagIsListed(t *testing.T) {
	flags := 0
	cli.Walk(rootCommand(), func(p []string, c *cli.Command) {
		path := strings.Join(p, " ")
		if c.Run == nil {
			return
		}
		code, help, _ := clitest.Run(context.Background(), rootCommand(), nil, append(p[1:], "--help")...)
		if code != 0 {
			t.Errorf("%s --help: exit %d", path, code)
		}
		cli.FlagSet(c).VisitAll(func(f *flag.Flag) {
			flags++
			if strings.TrimSpace(f.Usage) == "" {
				t.Errorf("%s --%s: no usage text", path, f.Name)
			}
			_, line, ok := strings.Cut(help, "\n  --"+f.Name+" ")
			line, _, _ = strings.Cut(line, "\n")
			switch {
			case !ok:
				t.Errorf("%s --help does not list --%s", path, f.Name)
			case strings.Count(line, "default") > 1:
				t.Errorf("%s --%s: the default is given twice: %q", path, f.Name, line)
			}
		})
	})
	if flags < 100 {
		t.Errorf("only %d flags listed in the whole tree: leaves whose flags are not declared in Flags?", flags)
	}
	t.Logf("%d flags listed", flags)
}
