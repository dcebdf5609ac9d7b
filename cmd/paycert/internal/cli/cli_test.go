package cli

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"testing"
)

func execute(root *Command, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = Execute(context.Background(), root, IO{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut}, args)
	return code, out.String(), errOut.String()
}

// leaf is a command with flags declared in Flags: it echoes its one
// positional argument and exits 3 for a negative --n.
func leaf() *Command {
	var n *int
	return &Command{
		Name: "leaf", Summary: "a leaf", Usage: "group leaf", Help: "Examples:\n  paycert group leaf",
		Flags: func(fs *flag.FlagSet) { n = fs.Int("n", 0, "a number") },
		Run: func(_ context.Context, io IO, pos []string) error {
			if len(pos) != 1 {
				return Usagef("want one argument")
			}
			if *n < 0 {
				return &ExitError{Code: 3}
			}
			io.Stdout.Write([]byte(pos[0]))
			return nil
		},
	}
}

func TestExecuteResolvesHelpAndUsageErrors(t *testing.T) {
	for name, l := range map[string]func() *Command{"flags": leaf} {
		root := &Command{Name: "paycert", Usage: "<command>", Subs: []*Command{{Name: "group", Usage: "group <command>", Subs: []*Command{l()}}}}
		for _, tc := range []struct {
			args []string
			code int
			out  string
		}{
			{[]string{"--help"}, 0, "group"},
			{[]string{"group"}, 2, "leaf"}, // a group without a command shows its help and fails
			{[]string{"group", "leaf", "--help"}, 0, "Examples:"},
			{[]string{"group", "leaf", "--help"}, 0, "--n  a number\n"},
			{[]string{"group", "leaf", "x", "--n", "1"}, 0, "x"}, // flags after positionals
			{[]string{"group", "leaf", "--", "--n"}, 0, "--n"},
			{[]string{"group", "leaf"}, 2, ""},
			{[]string{"group", "leaf", "x", "--n", "-1"}, 3, ""},
			{[]string{"group", "leaf", "--bogus"}, 2, ""},
			{[]string{"nosuch"}, 2, ""},
		} {
			code, out, _ := execute(root, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.out) {
				t.Errorf("%s: %v: exit %d output %q, want exit %d containing %q", name, tc.args, code, out, tc.code, tc.out)
			}
		}
	}
}

// TestBadFlagIsOneLine: a flag the command does not have, or a bad value,
// is one line on stderr pointing at --help, exit 2, and no help page on
// stdout (the flag package prints its message and the whole help too).
func TestBadFlagIsOneLine(t *testing.T) {
	for name, l := range map[string]func() *Command{"flags": leaf} {
		root := &Command{Name: "paycert", Usage: "<command>", Subs: []*Command{{Name: "group", Usage: "group <command>", Subs: []*Command{l()}}}}
		for _, tc := range []struct {
			args   []string
			stderr string
		}{
			{[]string{"group", "leaf", "--bogus"}, "paycert group leaf: flag provided but not defined: -bogus (see --help)\n"},
			{[]string{"group", "leaf", "--n", "x"}, `paycert group leaf: invalid value "x" for flag -n: parse error (see --help)` + "\n"},
		} {
			code, out, errOut := execute(root, tc.args...)
			if code != 2 || out != "" || errOut != tc.stderr {
				t.Errorf("%s: %v: exit %d stdout %q stderr %q, want exit 2, no stdout, stderr %q", name, tc.args, code, out, errOut, tc.stderr)
			}
		}
	}
}

// TestNestedHelpNamesThePath: a group's help points at its own path, not
// at the first word of its usage line.
func TestNestedHelpNamesThePath(t *testing.T) {
	root := &Command{Name: "paycert", Usage: "<command>", Subs: []*Command{
		{Name: "apdu", Usage: "apdu <command>", Subs: []*Command{
			{Name: "build", Usage: "apdu build <command>", Subs: []*Command{leaf()}},
		}},
	}}
	_, out, _ := execute(root, "apdu", "build", "--help")
	for _, want := range []string{"Usage: paycert apdu build <command>\n", "Run 'paycert apdu build <command> --help' for details.\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
}

func TestAliasAndFlagListing(t *testing.T) {
	v := &Command{Name: "version", Aliases: []string{"--version"}, Usage: "version",
		Run: func(_ context.Context, io IO, _ []string) error {
			_, err := io.Stdout.Write([]byte("v1\n"))
			return err
		}}
	root := &Command{Name: "paycert", Usage: "<command>", Subs: []*Command{v, leaf()}}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		if code, out, _ := execute(root, args...); code != 0 || out != "v1\n" {
			t.Errorf("%v: exit %d output %q", args, code, out)
		}
	}
	var listed []string
	Walk(root, func(path []string, c *Command) {
		if fs := FlagSet(c); fs != nil {
			fs.VisitAll(func(f *flag.Flag) { listed = append(listed, strings.Join(path, " ")+" --"+f.Name) })
		}
	})
	if strings.Join(listed, ";") != "paycert leaf --n" {
		t.Errorf("listed %q; want only the leaf's --n (version has none)", listed)
	}
}

// TestDefaultsShownOnce: a default is shown unless it is the zero value or
// the usage text already gives it.
func TestDefaultsShownOnce(t *testing.T) {
	c := &Command{Name: "x", Usage: "x", Flags: func(fs *flag.FlagSet) {
		fs.Int("rate", 50, "requests per second")
		fs.Float64("ratio", 0, "fail below this (default 0.98)")
		fs.String("out", "", "output (default out.bin)")
		fs.Duration("p99", 0, "p99 threshold")
		fs.Bool("keepalive", true, "reuse connections")
	}, Run: func(context.Context, IO, []string) error { return nil }}
	_, out, _ := execute(&Command{Name: "paycert", Subs: []*Command{c}}, "x", "--help")
	for _, want := range []string{
		"--keepalive  reuse connections (default true)\n",
		"--out        output (default out.bin)\n",
		"--p99        p99 threshold\n",
		"--rate       requests per second (default 50)\n",
		"--ratio      fail below this (default 0.98)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
}
