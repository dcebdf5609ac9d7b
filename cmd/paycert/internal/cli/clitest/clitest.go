// Package clitest runs a command tree the way a terminal would, with
// buffers for stdin, stdout and stderr: the one helper every command test
// uses (net/http/httptest is the model).
package clitest

import (
	"bytes"
	"context"

	"paycert/cmd/paycert/internal/cli"
)

// Run executes args on root through cli.Execute with stdin as the
// terminal's input and returns the exit status and what was written.
func Run(ctx context.Context, root *cli.Command, stdin []byte, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = cli.Execute(ctx, root, cli.IO{Stdin: bytes.NewReader(stdin), Stdout: &out, Stderr: &errOut}, args)
	return code, out.String(), errOut.String()
}
