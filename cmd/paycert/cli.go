package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
)

// Command is one node of the paycert command tree. A command either has
// subcommands (Subs) or runs (Run); help text is written for a payment
// engineer at a terminal, so every leaf carries examples.
type Command struct {
	Name    string     // as typed: "ipos" in "paycert mac ipos"
	Summary string     // one line, shown in the parent's list
	Usage   string     // synopsis without the leading "paycert", e.g. "mac ipos --key K [FILE|-]"
	Help    string     // longer text: what it does, then "Examples:" lines
	Run     RunFunc    // nil when the command only groups Subs
	Subs    []*Command // children, in the order --help shows them
}

// RunFunc runs a leaf command. args are the arguments after the command
// name. A returned error is printed as "paycert: <err>" and the process exits
// 1, or the code carried by an *ExitError.
type RunFunc func(ctx context.Context, io IO, args []string) error

// IO is the terminal a command talks to; tests substitute buffers.
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

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

// NewFlagSet returns a flag set for a leaf command whose -h/--help prints the
// command's full help to io.Stdout. Parse errors become usage errors, which
// Execute prints once: the flag package's own copy of the message is
// dropped, and so is the help it would print after it (a bad flag is
// answered with the error and a pointer to --help, not the whole page).
func NewFlagSet(cmd *Command, io IO) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd.Name, flag.ContinueOnError)
	failed := &flagFailure{}
	fs.SetOutput(failed)
	fs.Usage = func() {
		// The flag package writes a parse error to the output before
		// calling Usage, and nothing before the Usage of -h/--help.
		if !failed.wrote {
			printHelp(io.Stdout, cmd, fs)
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

// ParseFlags parses args with fs, interleaving flags and positional
// arguments the way engineers type them ("sign FILE --key K"). It returns
// the positional arguments.
func ParseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, Usagef("%w", err)
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

// Execute resolves args against the tree rooted at root and runs the leaf.
// It returns the process exit status.
func Execute(ctx context.Context, root *Command, io IO, args []string) int {
	cmd, rest := root, args
	path := []string{root.Name}
	for cmd.Run == nil {
		if len(rest) == 0 || rest[0] == "-h" || rest[0] == "--help" || rest[0] == "help" {
			printHelp(io.Stdout, cmd, nil)
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
	err := cmd.Run(ctx, io, rest)
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

func find(cmds []*Command, name string) *Command {
	for _, c := range cmds {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func printHelp(w io.Writer, cmd *Command, fs *flag.FlagSet) {
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
		fmt.Fprintf(w, "\nRun 'paycert %s<command> --help' for details.\n", prefix(cmd))
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
				def := ""
				if f.DefValue != "" && f.DefValue != "false" {
					def = fmt.Sprintf(" (default %s)", f.DefValue)
				}
				fmt.Fprintf(tw, "  --%s\t%s%s\n", n, f.Usage, def)
			}
			tw.Flush()
		}
	}
}

func prefix(cmd *Command) string {
	if cmd.Usage == "" {
		return ""
	}
	f := strings.Fields(cmd.Usage)
	if len(f) == 0 || strings.HasPrefix(f[0], "<") || strings.HasPrefix(f[0], "[") {
		return ""
	}
	return f[0] + " "
}

// stdIO is the process's real terminal.
func stdIO() IO { return IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr} }
