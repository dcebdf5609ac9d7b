package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"paycert/cmd/paycert/internal/cli"
	"paycert/codecs/gbk"
)

// gbkCommand is "paycert gbk": strict conversion between UTF-8 and GBK, for
// reading what a peer sent and preparing what a test should send.
func gbkCommand() *cli.Command {
	return &cli.Command{
		Name:    "gbk",
		Summary: "Convert between UTF-8 and GBK, strictly",
		Usage:   "gbk <command> [arguments]",
		Help: `Converts between UTF-8 and GBK (CP936) the way the iPos, 99bill TR3 and
Kakatong GB2312 messages need: strictly. Invalid input is an error naming the
byte offset of the first bad sequence, never a silent replacement character,
so a failed MAC or signature can be traced to the byte that broke it.

Examples:
  paycert gbk decode reply.xml              # GBK reply from iPos, readable
  paycert gbk encode request.utf8.xml > request.xml
  paycert gbk decode --gb18030 < notice.bin`,
		Subs: []*cli.Command{gbkEncodeCommand(), gbkDecodeCommand()},
	}
}

func gbkEncodeCommand() *cli.Command {
	cmd := &cli.Command{
		Name:    "encode",
		Summary: "UTF-8 in, GBK out",
		Usage:   "gbk encode [FILE|-]",
		Help: `Reads UTF-8 from FILE (or standard input) and writes its GBK bytes to
standard output. A character GBK cannot hold (an emoji, Korean, rare CJK
extension B characters) or invalid UTF-8 is an error that names its byte
offset, line and column in the input; nothing is written then. ASCII passes
through unchanged, so an XML declaration keeps its bytes: change
encoding="UTF-8" to encoding="GBK" yourself if the file has one.

Examples:
  paycert gbk encode request.utf8.xml > request.xml
  printf '门店名称' | paycert gbk encode | xxd`,
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		in, err := codecReadInput(tio, pos)
		if err != nil {
			return err
		}
		out, err := gbk.Encode(make([]byte, 0, len(in)), string(in))
		if err != nil {
			return describeGBKError(in, err, "encode")
		}
		_, err = tio.Stdout.Write(out)
		return err
	}
	return cmd
}

func gbkDecodeCommand() *cli.Command {
	var gb18030 *bool
	cmd := &cli.Command{
		Name:    "decode",
		Summary: "GBK in, UTF-8 out",
		Usage:   "gbk decode [--gb18030] [FILE|-]",
		Help: `Reads GBK from FILE (or standard input) and writes UTF-8 to standard output.
Decoding is strict: a truncated or invalid sequence, or an unassigned code,
is an error naming its byte offset (and line, counting 0x0A bytes); nothing
is written then. GB2312 input decodes the same way (it is a subset of GBK).

GBK here is glibc's CP936, exactly what "iconv -f GBK" accepts. GB18030's
additions are refused unless --gb18030 is given: its four-byte sequences and
the 82 two-byte codes it added (A2E3, A3A0, A8BF, A989-A995, FE50-FE9F). A
peer that declares GBK must not send them, and accepting them silently would
hide that. --gb18030 decodes by GB18030-2005, as glibc does (81 35 F4 37 is
U+E7C7, A8BC is U+1E3F).

Examples:
  paycert gbk decode reply.xml
  curl -s --data-binary @req.form http://127.0.0.1:8081/ | paycert gbk decode
  paycert gbk decode --gb18030 < notice.bin`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		gb18030 = fs.Bool("gb18030", false, "decode GB18030 (2005 edition): its four-byte sequences and two-byte additions too")
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		in, err := codecReadInput(tio, pos)
		if err != nil {
			return err
		}
		decode := gbk.Decode
		if *gb18030 {
			decode = gbk.DecodeGB18030
		}
		out, err := decode(make([]byte, 0, len(in)+len(in)/2), in)
		if err != nil {
			return describeGBKError(in, err, "decode")
		}
		_, err = tio.Stdout.Write(out)
		return err
	}
	return cmd
}

// describeGBKError turns a *gbk.Error into a message an engineer can act
// on: the offset, its line and column, the bytes found there, and a hint
// when the input looks like it is in the other encoding.
func describeGBKError(in []byte, err error, op string) error {
	var ge *gbk.Error
	if !errors.As(err, &ge) {
		return err
	}
	line, col := lineCol(in, ge.Offset)
	end := min(len(in), ge.Offset+4)
	msg := fmt.Sprintf("%s: byte offset %d (line %d, column %d, bytes % X): %s",
		op, ge.Offset, line, col, in[ge.Offset:end], ge.Reason)
	if ge.Rune != 0 {
		msg += fmt.Sprintf(" (U+%04X %q)", ge.Rune, ge.Rune)
	}
	if op == "decode" && utf8.Valid(in) {
		msg += "; the input is valid UTF-8: it may not be GBK at all"
	}
	return errors.New(msg)
}

// lineCol returns the 1-based line and byte column of offset off.
func lineCol(b []byte, off int) (line, col int) {
	before := b[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = off - bytes.LastIndexByte(before, '\n')
	return line, col
}

// codecReadInput reads the single optional FILE argument; none or "-"
// means standard input.
func codecReadInput(tio cli.IO, pos []string) ([]byte, error) {
	switch {
	case len(pos) > 1:
		return nil, cli.Usagef("give at most one FILE (or - for standard input), got %d", len(pos))
	case len(pos) == 0 || pos[0] == "-":
		if tio.Stdin == nil {
			return nil, cli.Usagef("no FILE given and no standard input")
		}
		b, err := io.ReadAll(tio.Stdin)
		if err != nil {
			return nil, fmt.Errorf("read standard input: %w", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(pos[0])
	if err != nil {
		return nil, fmt.Errorf("read input: %w", err)
	}
	return b, nil
}
