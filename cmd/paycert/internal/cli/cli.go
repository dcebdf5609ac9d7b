// Package cli is paycert's command tree: commands with their help, their
// flags declared apart from what they do (so --help and tests list them
// without running anything), flags and positional arguments interleaved the
// way engineers type them, and exit statuses (0 passed, 1 failed, 2 usage).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Command is one node of the command tree. A command either has
// subcommands (Subs) or runs (Run); help text is written for a payment
// engineer at a terminal, so every leaf carries examples.
type Command struct {
	Name    string   // as typed: "ipos" in "paycert mac ipos"
	Aliases []string // other spellings that select it, e.g. "--version"
	Summary string   // one line, shown in the parent's list
	Usage   string   // synopsis after "paycert", starting with the command's path: "mac ipos --key K [FILE|-]"
	Help    string   // longer text: what it does, then "Examples:" lines
	// Flags declares the command's flags on fs, bound to variables the Run
	// closure reads. Execute calls it on a fresh flag set before parsing,
	// --help lists what it declared, and FlagSet lets a test list every
	// flag of the tree without running a command. Nil: the leaf takes no
	// flags (-h/--help still works).
	Flags func(fs *flag.FlagSet)
	// Run runs a leaf. It gets the positional arguments left after the
	// flags were parsed (flags and positionals may be interleaved; "--"
	// ends the flags). Nil when the command only groups Subs.
	Run  RunFunc
	Subs []*Command // children, in the order --help shows them
}

// RunFunc runs a leaf command. A returned error is printed as
// "paycert <path>: <err>" and the process exits 1, or with the code carried
// by an *ExitError.
type RunFunc func(ctx context.Context, io IO, args []string) error

// IO is the terminal a command talks to; tests substitute buffers.
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// StdIO is the process's real terminal.
func StdIO() IO { return IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr} }

// ExitError carries a specific exit status (e.g. 2 for usage errors, 1 for
// a failed certification) with an optional message.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Usagef reports a usage error: exit status 2 and a pointer to --help.
func Usagef(format string, a ...any) error {
	return &ExitError{Code: 2, Err: fmt.Errorf(format+" (see --help)", a...)}
}

// errHelp is returned when the user asked for help; it is not a failure.
var errHelp = errors.New("help requested")

// FlagSet returns the flag set c's Flags declare (empty for a leaf without
// flags), or nil for a group.
func FlagSet(c *Command) *flag.FlagSet {
	if c.Run == nil {
		return nil
	}
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if c.Flags != nil {
		c.Flags(fs)
	}
	return fs
}

// Walk calls fn for c and every command below it, depth first, with the
// command path from c ("paycert", "apdu", "build").
func Walk(c *Command, fn func(path []string, c *Command)) {
	var walk func(path []string, c *Command)
	walk = func(path []string, c *Command) {
		path = append(path[:len(path):len(path)], c.Name)
		fn(path, c)
		for _, s := range c.Subs {
			walk(path, s)
		}
	}
	walk(nil, c)
}

// newFlagSet returns a flag set whose -h/--help prints the command's full
// help to io.Stdout. Parse errors become usage errors, which Execute prints
// once: the flag package's own copy of the message is dropped, and so is
// the help it would print after it (a bad flag is answered with the error
// and a pointer to --help, not the whole page).
func newFlagSet(cmd *Command, path []string, io IO) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	failed := &flagFailure{}
	fs.SetOutput(failed)
	fs.Usage = func() {
		// The flag package writes a parse error to the output before
		// calling Usage, and nothing before the Usage of -h/--help.
		if !failed.wrote {
			printHelp(io.Stdout, cmd, path, fs)
		}
	}
	return fs
}

// flagFailure is a flag set's output: it only notes that the flag package
// reported an error.
type flagFailure struct{ wrote bool }

func (f *flagFailure) Write(p []byte) (int, error) {
	f.wrote = true
	return len(p), nil
}

// secretFlag names flags whose value is a key, password or PIN.
var secretFlag = regexp.MustCompile(`(?i)key|pass|pwd|secret|pin|master`)

// invalidValue is the flag package's parse error, which quotes the value.
var invalidValue = regexp.MustCompile(`^invalid value ("(?:[^"\\]|\\.)*") for flag -([\w-]+)`)

// hideSecretValue keeps a key or password given to a secret flag out of
// the error: the flag package echoes the value ("invalid value "3945..." for
// flag -key"), and so do many Set methods ("not hex: "3945...""); the
// reason stays.
func hideSecretValue(err error) error {
	m := invalidValue.FindStringSubmatch(err.Error())
	if m == nil || !secretFlag.MatchString(m[2]) {
		return err
	}
	msg := strings.ReplaceAll(err.Error(), m[1], "***")
	if raw, uerr := strconv.Unquote(m[1]); uerr == nil && len(raw) >= 3 {
		msg = strings.ReplaceAll(msg, raw, "***")
	}
	return errors.New(msg)
}

// parseFlags parses args with fs, interleaving flags and positional
// arguments the way engineers type them ("sign FILE --key K"). It returns
// the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, Usagef("%w", hideSecretValue(err))
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// Execute resolves args against the tree rooted at root and runs the leaf:
// it declares the leaf's flags (Flags), parses args, and calls Run with the
// positional arguments. It returns the process exit status.
func Execute(ctx context.Context, root *Command, io IO, args []string) int {
	cmd, rest := root, args
	path := []string{root.Name}
	for cmd.Run == nil {
		if len(rest) == 0 || rest[0] == "-h" || rest[0] == "--help" || rest[0] == "help" {
			printHelp(io.Stdout, cmd, path, nil)
			if len(rest) == 0 && cmd != root {
				return 2
			}
			return 0
		}
		next := find(cmd.Subs, rest[0])
		if next == nil {
			fmt.Fprintf(io.Stderr, "%s: unknown command %q (see '%s --help')\n", strings.Join(path, " "), rest[0], strings.Join(path, " "))
			return 2
		}
		cmd, rest = next, rest[1:]
		path = append(path, cmd.Name)
	}
	err := run(ctx, cmd, path, io, rest)
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	default:
		var ee *ExitError
		if errors.As(err, &ee) {
			if ee.Err != nil {
				fmt.Fprintf(io.Stderr, "paycert %s: %v\n", strings.Join(path[1:], " "), ee.Err)
			}
			return ee.Code
		}
		fmt.Fprintf(io.Stderr, "paycert %s: %v\n", strings.Join(path[1:], " "), err)
		return 1
	}
}

func run(ctx context.Context, cmd *Command, path []string, io IO, args []string) error {
	fs := newFlagSet(cmd, path, io)
	if cmd.Flags != nil {
		cmd.Flags(fs)
	}
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	return cmd.Run(context.WithValue(ctx, argsKey{}, args), io, pos)
}

type argsKey struct{}

// Args returns the arguments a leaf was given as typed, flags included,
// for a leaf that records its own command line (certify's report
// manifest). Nil outside Execute.
func Args(ctx context.Context) []string {
	a, _ := ctx.Value(argsKey{}).([]string)
	return a
}

func find(cmds []*Command, name string) *Command {
	for _, c := range cmds {
		if c.Name == name {
			return c
		}
		for _, a := range c.Aliases {
			if a == name {
				return c
			}
		}
	}
	return nil
}

// printHelp writes cmd's help page. path is the command path as typed
// ("paycert", "apdu", "build").
func printHelp(w io.Writer, cmd *Command, path []string, fs *flag.FlagSet) {
	if cmd.Usage != "" {
		fmt.Fprintf(w, "Usage: paycert %s\n\n", cmd.Usage)
	}
	if cmd.Summary != "" {
		fmt.Fprintf(w, "%s\n", cmd.Summary)
	}
	if cmd.Help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(cmd.Help, "\n"))
	}
	if len(cmd.Subs) > 0 {
		fmt.Fprintf(w, "\nCommands:\n")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, s := range cmd.Subs {
			fmt.Fprintf(tw, "  %s\t%s\n", s.Name, s.Summary)
		}
		tw.Flush()
		fmt.Fprintf(w, "\nRun '%s <command> --help' for details.\n", strings.Join(path, " "))
	}
	if fs != nil {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if len(names) > 0 {
			sort.Strings(names)
			fmt.Fprintf(w, "\nFlags:\n")
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			for _, n := range names {
				f := fs.Lookup(n)
				fmt.Fprintf(tw, "  --%s\t%s%s\n", n, f.Usage, defaultNote(f))
			}
			tw.Flush()
		}
	}
}

// defaultNote is " (default X)" for a flag whose default is worth saying:
// not its type's zero value, and not already given in its usage text.
func defaultNote(f *flag.Flag) string {
	if f.DefValue == "" || f.DefValue == "false" || isZeroValue(f) || strings.Contains(f.Usage, "default") {
		return ""
	}
	return fmt.Sprintf(" (default %s)", f.DefValue)
}

// isZeroValue reports whether f's default is its type's zero value ("0",
// "0s"), as the flag package decides for its own usage output.
func isZeroValue(f *flag.Flag) bool {
	t := reflect.TypeOf(f.Value)
	var z reflect.Value
	if t.Kind() == reflect.Pointer {
		z = reflect.New(t.Elem())
	} else {
		z = reflect.Zero(t)
	}
	v, ok := z.Interface().(flag.Value)
	if !ok {
		return false
	}
	defer func() { _ = recover() }() // a Value whose String needs a non-nil receiver field
	return f.DefValue == v.String()
}
