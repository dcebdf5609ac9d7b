package main

import (
	"context"
	"flag"

	"paycert/cmd/paycert/internal/cli"
)

// TEMPORARY: the names the platform and card commands (ipos.go, kakatong.go,
// bill99.go, hzcard.go, card.go) and their tests still use unqualified,
// from when the command tree lived in package main. Those commands also
// still declare their flags inside Run (cli's raw path, see
// cli.Command.Flags). When they are converted to cli.Command.Flags and
// spell cli.X, this file goes.
type (
	Command   = cli.Command
	IO        = cli.IO
	ExitError = cli.ExitError
)

func Usagef(format string, a ...any) error { return cli.Usagef(format, a...) }

func NewFlagSet(cmd *Command, io IO) *flag.FlagSet { return cli.NewFlagSet(cmd, io) }

func ParseFlags(fs *flag.FlagSet, args []string) ([]string, error) { return cli.ParseFlags(fs, args) }

func Execute(ctx context.Context, root *Command, io IO, args []string) int {
	return cli.Execute(ctx, root, io, args)
}
