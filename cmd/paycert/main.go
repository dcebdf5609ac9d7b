// Command paycert certifies implementations of four Chinese payment and card
// platforms: conformance suites, reference simulators, load scenarios,
// card-reader tests and the codec tools an engineer needs while debugging.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"paycert/cmd/paycert/internal/cardcmd"
	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/registry"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first SIGINT or SIGTERM asks the command to stop (every reader
	// call, wait and request honours ctx and ends within a second). Then
	// the signals go back to their default action, so a second one ends
	// the process at once instead of being swallowed while something does
	// not honour ctx.
	context.AfterFunc(ctx, stop)
	code := cli.Execute(ctx, rootCommand(), cli.StdIO(), os.Args[1:])
	stop()
	os.Exit(code)
}

// rootCommand is the whole command tree. The generic commands are built
// here, one file each, so a reader finds "paycert mac" in mac.go; the
// platform commands live in their own packages (internal/<p>cmd) and come,
// with the platform names in the summary, from the registry
// (platforms_list.go); "paycert card" is internal/cardcmd.
func rootCommand() *cli.Command {
	ps := platforms()
	subs := []*cli.Command{certifyCommand(), mutateCommand(), simCommand()}
	subs = append(subs, registry.Commands(ps)...)
	subs = append(subs, cardcmd.Command(), loadCommand(), reportCommand(), macCommand(), gbkCommand(), apduCommand(), sm2Command(), versionCommand())
	return &cli.Command{
		Name:    "paycert",
		Summary: "Conformance, load and card-reader harness for " + registry.Titles(ps) + ".",
		Usage:   "<command> [arguments]",
		Help: `Start with 'paycert certify': it runs every conformance suite against the embedded
reference simulators (or real endpoints from --config) and writes a report.

Examples:
  paycert certify                       # all four platforms against the embedded simulators
  paycert certify ipos --target ipos=https://test.example/ipos --config paycert.yaml
  paycert sim ipos --listen 127.0.0.1:8081 --strict
  paycert mac ipos --key SECRET request.xml`,
		Subs: subs,
	}
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:    "version",
		Aliases: []string{"--version"},
		Summary: "Print the paycert version and commit",
		Usage:   "version",
		Help: `Prints the version and the commit the binary was built from (set by the
Makefile's -ldflags; "dev (unknown)" for a plain go build). Put it in a bug
report or next to a certification run. 'paycert --version' is the same.

Examples:
  paycert version`,
		Run: func(_ context.Context, io cli.IO, pos []string) error {
			if len(pos) > 0 {
				return cli.Usagef("version takes no arguments")
			}
			_, err := fmt.Fprintf(io.Stdout, "paycert %s (%s)\n", version, commit)
			return err
		},
	}
}
