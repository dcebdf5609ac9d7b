package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"regexp"
	"unicode/utf8"

	"paycert/cmd/paycert/internal/cli"
	"paycert/codecs/gbk"
	"paycert/codecs/gbkxml"
	"paycert/codecs/mac"
)

// macCommand is "paycert mac": the MD5-based message checks, so an
// engineer can recompute by hand what a failed certification complained
// about.
func macCommand() *cli.Command {
	return &cli.Command{
		Name:    "mac",
		Summary: "Compute or check iPos MACs and Kakatong card passwords",
		Usage:   "mac <command> [arguments]",
		Help: `Recomputes the MD5-based checks two of the platforms use, over exact bytes.

Examples:
  paycert mac ipos --key 654321 request.xml
  paycert mac ipos --key 654321 --check 9764adfd0de079a6744f345abf01eda7 request.xml
  paycert mac ipos --key 654321 --form body.txt
  paycert mac cardpwd 111111`,
		Subs: []*cli.Command{macIPosCommand(), macCardPwdCommand()},
	}
}

func macIPosCommand() *cli.Command {
	var (
		key    *string
		utf8In *bool
		check  *string
		form   *bool
	)
	cmd := &cli.Command{
		Name:    "ipos",
		Summary: "iPos MAC: md5(key + xml + key), lowercase hex",
		Usage:   "mac ipos --key K [--utf8-input] [--check MAC] [--form] [FILE|-]",
		Help: `Prints the iPos MAC of FILE (or standard input): lowercase hex of
MD5(key || message || key) over the exact bytes, as seed 002 section 2 defines
it. The message is expected to be GBK already, as it travels; every byte
counts, including a trailing newline an editor may have added (a warning says
so when there is one).

--utf8-input converts UTF-8 input to GBK first (and says so on stderr), for a
message typed in a UTF-8 editor. Without it, input that is valid UTF-8 with
Chinese text draws a warning: its MAC will not match the GBK message.

--form reads a request body (xml=<urlencoded>&mac=<mac>), computes the MAC of
the xml bytes it carries and compares it with its mac parameter.
--check MAC compares with MAC instead. Both accept upper-case hex and exit 1
on a mismatch.

Examples:
  paycert mac ipos --key 654321 request.xml
  paycert mac ipos --key 654321 --utf8-input request.utf8.xml
  paycert mac ipos --key 654321 --check 9764adfd0de079a6744f345abf01eda7 - < request.xml
  paycert mac ipos --key 654321 --form captured-body.txt`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		key = fs.String("key", "", "MAC key issued by the platform (required)")
		utf8In = fs.Bool("utf8-input", false, "input is UTF-8: convert it to GBK before computing")
		check = fs.String("check", "", "expected MAC: exit 1 unless it matches")
		form = fs.Bool("form", false, "input is a form body xml=...&mac=...: check its mac")
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		if *key == "" {
			return cli.Usagef("--key is required")
		}
		if *form && *check != "" {
			return cli.Usagef("--form and --check both give the expected MAC; use one")
		}
		if c := *check; c != "" && !isHexMAC(c) {
			return cli.Usagef("--check %q: want the 32 hex digits of an MD5", c)
		}
		msg, err := codecReadInput(tio, pos)
		if err != nil {
			return err
		}
		want := *check
		if *form {
			msg, want, err = gbkxml.ParseFormBody(msg)
			if err != nil {
				return fmt.Errorf("--form: %w", err)
			}
		}
		if *utf8In {
			conv, err := gbk.Encode(make([]byte, 0, len(msg)), string(msg))
			if err != nil {
				return describeGBKError(msg, err, "--utf8-input: converting to GBK")
			}
			fmt.Fprintf(tio.Stderr, "paycert mac ipos: converted UTF-8 input to GBK (%d -> %d bytes); the MAC is over the GBK bytes\n", len(msg), len(conv))
			msg = conv
		} else {
			warnIfNotGBK(tio, msg)
		}
		if bytes.HasSuffix(msg, []byte("\n")) {
			fmt.Fprintln(tio.Stderr, "paycert mac ipos: note: the message ends with a newline, which the MAC covers")
		}
		got := mac.IPos([]byte(*key), msg)
		if _, err := fmt.Fprintln(tio.Stdout, got); err != nil {
			return err
		}
		if want == "" {
			return nil
		}
		if !mac.VerifyIPos([]byte(*key), msg, want) {
			return &cli.ExitError{Code: 1, Err: fmt.Errorf("MAC mismatch: computed %s, expected %s", got, want)}
		}
		fmt.Fprintln(tio.Stderr, "paycert mac ipos: MAC matches")
		return nil
	}
	return cmd
}

// isHexMAC reports whether s is 32 hex digits (either case), the form of an
// iPos MAC.
func isHexMAC(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// warnIfNotGBK warns when the bytes are evidently UTF-8 text, the commonest
// reason a hand-computed iPos MAC disagrees with the platform's.
func warnIfNotGBK(tio cli.IO, msg []byte) {
	nonASCII := false
	for _, c := range msg {
		if c >= utf8.RuneSelf {
			nonASCII = true
			break
		}
	}
	if !nonASCII || !utf8.Valid(msg) {
		return
	}
	if _, err := gbk.Decode(nil, msg); err != nil {
		fmt.Fprintln(tio.Stderr, "paycert mac ipos: warning: the input is UTF-8, not GBK; iPos MACs are over GBK bytes (use --utf8-input to convert)")
		return
	}
	fmt.Fprintln(tio.Stderr, "paycert mac ipos: warning: the input is valid UTF-8 with non-ASCII text; if it is not GBK, use --utf8-input")
}

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

func macCardPwdCommand() *cli.Command {
	cmd := &cli.Command{
		Name:    "cardpwd",
		Summary: "Kakatong CARDPWD: md5(password), lowercase hex",
		Usage:   "mac cardpwd PASSWORD",
		Help: `Prints the CARDPWD parameter Kakatong expects for a card password: the
lowercase hex MD5 of the password as typed (seed 000: a 6-digit password;
other input is hashed too, with a warning).

Examples:
  paycert mac cardpwd 111111      # 96e79218965eb72c92a549dd5a330112, the seed's sample`,
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		if len(pos) != 1 {
			return cli.Usagef("give exactly one PASSWORD, got %d arguments", len(pos))
		}
		if !sixDigits.MatchString(pos[0]) {
			fmt.Fprintln(tio.Stderr, "paycert mac cardpwd: warning: Kakatong card passwords are 6 digits; hashing anyway")
		}
		_, err := fmt.Fprintln(tio.Stdout, mac.CardPassword(pos[0]))
		return err
	}
	return cmd
}
