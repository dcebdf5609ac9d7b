package main

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode"

	"paycert/cmd/paycert/internal/cli"
	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
)

// apduCommand is "paycert apdu": decode and build the ISO 7816-4 APDUs of
// the Huzhou e-purse (seed 003 appendix C, cards.md) and recompute its
// cryptograms while debugging a failed load in the lab.
func apduCommand() *cli.Command {
	return &cli.Command{
		Name:    "apdu",
		Summary: "Parse and build e-purse APDUs, list appendix C, compute MAC1/MAC2/TAC",
		Usage:   "apdu <command> [arguments]",
		Help: `APDU tools for the CPU-card electronic purse of the Huzhou transit card (seed 003):
decode a command or response (as hex, or a whole apdulist/apduresp string),
build every e-purse command, print the fixed commands of appendix C, and
recompute session keys, MAC1, MAC2 and TAC from the values a card and a
centre exchanged.

` + cli.NumberRule + `

Examples:
  paycert apdu parse 805C000204 000003E89000
  paycert apdu parse "00A4040008A000000632010105,805C000204"
  paycert apdu build init-load --amount 1000 --terminal 001122334455
  paycert apdu appendix
  paycert apdu epurse load --key 11223344556677888877665544332211 --random 11223344 \
      --online-seq 0 --amount 0x1000 --type 01 --terminal 001122334455 --datetime 20111221214822`,
		Subs: []*cli.Command{apduParseCommand(), apduBuildCommand(), apduAppendixCommand(), apduEpurseCommand()},
	}
}

func apduParseCommand() *cli.Command {
	var (
		asResp *bool
		asCmd  *bool
	)
	cmd := &cli.Command{
		Name:    "parse",
		Summary: "Decode command or response APDUs (hex or apdulist strings)",
		Usage:   "apdu parse [--response | --command] HEX...",
		Help: `Decodes each argument. An argument may be one APDU or a seed 003 list: items
separated by "," (or "，", ";", newlines), a JSON array of strings, items
optionally tagged "IDX_0003:" and followed by an annotation in parentheses.
Blanks inside an item are ignored. "-" reads the list from stdin.

Commands print CLA/INS/P1/P2/Lc/data/Le, the ISO case, the e-purse command's
name and its fields (amount, terminal, MAC...). Responses print data and the
status word with its meaning. Without --response/--command the kind is
guessed: a known e-purse command is a command, anything ending in a known
status word is a response. A response shorter than 2 bytes is reported as a
torn transaction (exit 1).

Examples:
  paycert apdu parse 805000020B010000100000112233445510
  paycert apdu parse --response 0000000000000100000011223344 2988AE5A9000
  paycert apdu parse "IDX_0002:00A4040008A000000632010105,IDX_0003:805C000204"
  echo '["805C000204","0084000004"]' | paycert apdu parse -`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		asResp = fs.Bool("response", false, "treat every item as a response APDU")
		asCmd = fs.Bool("command", false, "treat every item as a command APDU")
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		if *asResp && *asCmd {
			return cli.Usagef("--response and --command exclude each other")
		}
		if len(pos) == 0 {
			return cli.Usagef("parse needs at least one APDU")
		}
		failed := false
		first := true
		for _, arg := range pos {
			if arg == "-" {
				b, err := io.ReadAll(tio.Stdin)
				if err != nil {
					return fmt.Errorf("read stdin: %w", err)
				}
				arg = string(b)
			}
			list, err := apdu.ParseList(arg)
			if err != nil {
				return cli.Usagef("%v", err)
			}
			for _, e := range list {
				if !first {
					fmt.Fprintln(tio.Stdout)
				}
				first = false
				kind := apduGuessKind(e.Bytes)
				if *asResp {
					kind = "response"
				} else if *asCmd {
					kind = "command"
				}
				if err := apduDescribe(tio.Stdout, e, kind); err != nil {
					fmt.Fprintf(tio.Stderr, "paycert apdu parse: %v\n", err)
					failed = true
				}
			}
		}
		if failed {
			return &cli.ExitError{Code: 1}
		}
		return nil
	}
	return cmd
}

// apduGuessKind tells a command from a response: a known e-purse command
// wins, then a known status word at the end, then whatever parses.
func apduGuessKind(b []byte) string {
	c, err := apdu.ParseCommand(b)
	if err == nil && apdu.Name(c) != "" {
		return "command"
	}
	if len(b) >= 2 {
		sw := apdu.SW(binary.BigEndian.Uint16(b[len(b)-2:]))
		if sw.Meaning() != "unknown status" {
			return "response"
		}
	}
	if err == nil {
		return "command"
	}
	return "response"
}

func apduDescribe(w io.Writer, e apdu.Entry, kind string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	defer tw.Flush()
	row := func(k, format string, a ...any) { fmt.Fprintf(tw, "%s\t%s\n", k, fmt.Sprintf(format, a...)) }
	if e.ID != "" {
		row("index", "%s", e.ID)
		if ix, ok := apdu.LookupIndexed(e.ID); ok {
			row("appendix C", "%s", ix.Name)
		}
	}
	if kind == "response" {
		r, err := apdu.ParseResponse(e.Bytes)
		if err != nil {
			row("response", "%X", e.Bytes)
			return err
		}
		row("response", "%s", r)
		if len(r.Data) > 0 {
			row("data", "%X (%d bytes)", r.Data, len(r.Data))
		} else {
			row("data", "-")
		}
		row("SW", "%s", r.SW)
		return nil
	}
	c, err := apdu.ParseCommand(e.Bytes)
	if err != nil {
		row("command", "%X", e.Bytes)
		return err
	}
	name := apdu.Name(c)
	if name == "" {
		name = "(not an e-purse command)"
	}
	form := "short"
	if len(e.Bytes) > 5 && e.Bytes[4] == 0 {
		form = "extended"
	}
	row("command", "%s", name)
	row("case", "%d (%s)", c.Case(), form)
	row("CLA", "%02X", c.CLA)
	row("INS", "%02X", c.INS)
	row("P1", "%02X", c.P1)
	row("P2", "%02X", c.P2)
	if len(c.Data) > 0 {
		row("Lc", "%d", len(c.Data))
		row("data", "%X", c.Data)
	} else {
		row("Lc", "-")
	}
	if c.Le == apdu.NoLe {
		row("Le", "-")
	} else {
		row("Le", "%d", c.Le)
	}
	for _, f := range apduFields(c) {
		row("  "+f[0], "%s", f[1])
	}
	return nil
}

// apduFields decodes the parameters of the e-purse commands for humans.
func apduFields(c apdu.Command) [][2]string {
	var out [][2]string
	add := func(k, format string, a ...any) { out = append(out, [2]string{k, fmt.Sprintf(format, a...)}) }
	d := c.Data
	switch apdu.Name(c) {
	case "SELECT":
		n := string(d)
		if strings.IndexFunc(n, func(r rune) bool { return r > unicode.MaxASCII || !unicode.IsPrint(r) }) >= 0 {
			n = fmt.Sprintf("%X", d)
		}
		switch string(d) {
		case string(apdu.PPSE):
			n += " (PPSE)"
		case string(apdu.PurseAID):
			n += " (transit e-purse AID)"
		}
		add("name", "%s", n)
	case "READ BINARY":
		if c.P1&0x80 != 0 {
			add("SFI", "%02X", c.P1&0x1F)
		}
		add("offset", "%d", c.P2)
	case "READ RECORD":
		add("record", "%d", c.P1)
		add("SFI", "%02X", c.P2>>3)
	case "GET BALANCE":
		add("account", "%s", map[byte]string{1: "deposit", 2: "purse"}[c.P2])
	case "INITIALIZE FOR LOAD", "INITIALIZE FOR PURCHASE", "INITIALIZE FOR COMPOSITE PURCHASE":
		if len(d) == 11 {
			add("key index", "%02X", d[0])
			add("amount", "%s", apduFen(binary.BigEndian.Uint32(d[1:5])))
			add("terminal", "%X", d[5:11])
		}
	case "CREDIT FOR LOAD":
		if len(d) == 11 {
			add("date time", "%X", d[:7])
			add("MAC2", "%X", d[7:11])
		}
	case "DEBIT FOR PURCHASE":
		if len(d) == 15 {
			add("terminal seq", "%d", binary.BigEndian.Uint32(d[:4]))
			add("date time", "%X", d[4:11])
			add("MAC1", "%X", d[11:15])
		}
	case "GET TRANSACTION PROOF":
		add("type", "%02X", c.P2)
		if len(d) == 2 {
			add("counter", "%d (the transaction used %d)", binary.BigEndian.Uint16(d), int(binary.BigEndian.Uint16(d))-1)
		}
	case "UPDATE BINARY (secure messaging)":
		add("SFI", "%02X", c.P1&0x1F)
		add("offset", "%d", c.P2)
		if len(d) >= 4 {
			add("content", "%X", d[:len(d)-4])
			add("MAC", "%X", d[len(d)-4:])
		}
	}
	return out
}

func apduFen(v uint32) string { return fmt.Sprintf("%d fen (%d.%02d yuan, %08X)", v, v/100, v%100, v) }

// apduHexFlag is a flag holding a fixed number of hex bytes.
type apduHexFlag struct {
	n   int // required length in bytes; 0 = any
	val []byte
	set bool
}

func (h *apduHexFlag) String() string { return strings.ToUpper(hex.EncodeToString(h.val)) }

func (h *apduHexFlag) Set(s string) error {
	b, err := hex.DecodeString(strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X"), " ", ""))
	if err != nil {
		return fmt.Errorf("not hex: %q", s)
	}
	if h.n != 0 && len(b) != h.n {
		return fmt.Errorf("%d bytes, want %d (%d hex digits)", len(b), h.n, 2*h.n)
	}
	h.val, h.set = b, true
	return nil
}

func apduHex(fs *flag.FlagSet, name string, n int, usage string) *apduHexFlag {
	h := &apduHexFlag{n: n}
	fs.Var(h, name, usage)
	return h
}

// apduDateTime parses YYYYMMDDhhmmss into 7 BCD bytes.
func apduDateTime(s string) ([7]byte, error) {
	var dt [7]byte
	if len(s) != 14 || strings.Trim(s, "0123456789") != "" {
		return dt, fmt.Errorf("date time %q: want 14 digits YYYYMMDDhhmmss", s)
	}
	b, _ := hex.DecodeString(s) // digits are hex
	copy(dt[:], b)
	return dt, nil
}

// apduUint parses a number flag by cli.NumberRule; an empty value is
// "--name is required".
func apduUint(name, s string, bits int) (uint64, error) {
	if s == "" {
		return 0, cli.Usagef("--%s is required", name)
	}
	return cli.ParseNumber(name, s, bits)
}

func apduRequire(flags map[string]*apduHexFlag) error {
	for name, f := range flags {
		if !f.set {
			return cli.Usagef("--%s is required", name)
		}
	}
	return nil
}

// apduBuildLeaf makes one "apdu build X" command: define registers flags
// and returns a function that builds the command once they are parsed.
func apduBuildLeaf(name, summary, usage, help string, define func(fs *flag.FlagSet) func() (apdu.Command, error)) *cli.Command {
	var build func() (apdu.Command, error)
	cmd := &cli.Command{Name: name, Summary: summary, Usage: "apdu build " + name + " " + usage, Help: help}
	cmd.Flags = func(fs *flag.FlagSet) {
		build = define(fs)
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		if len(pos) != 0 {
			return cli.Usagef("%s takes flags only, got %q", name, pos)
		}
		c, err := build()
		if err != nil {
			return err
		}
		b, err := c.Encode(apdu.Auto)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(tio.Stdout, "%X\n", b)
		return err
	}
	return cmd
}

func apduBuildCommand() *cli.Command {
	terminalHelp := "terminal id, 6 bytes hex"
	return &cli.Command{
		Name:    "build",
		Summary: "Build an e-purse command APDU and print its hex",
		Usage:   "apdu build <command> [flags]",
		Help: `Prints the hex of one e-purse command (cards.md framing; the Le byte is
included as cards.md writes it; --no-le drops it where seed 003 omits it).
Amounts are in fen; terminal ids 6 bytes hex; date-times YYYYMMDDhhmmss;
MACs 4 bytes hex.

` + cli.NumberRule + `

Examples:
  paycert apdu build select-purse
  paycert apdu build read-record --sfi 18 --record 1
  paycert apdu build init-load --amount 1000 --terminal 001122334455
  paycert apdu build credit-load --datetime 20111221214822 --mac2 3A845BF0`,
		Subs: []*cli.Command{
			apduBuildLeaf("select-ppse", "SELECT 2PAY.SYS.DDF01", "[--no-le]", "Examples:\n  paycert apdu build select-ppse          # 00A404000E325041592E5359532E444446303100\n  paycert apdu build select-ppse --no-le  # IDX_0001 as seed 003 writes it",
				func(fs *flag.FlagSet) func() (apdu.Command, error) {
					noLe := fs.Bool("no-le", false, "omit Le (seed 003 appendix C form)")
					return func() (apdu.Command, error) {
						if *noLe {
							return apdu.SelectByNameNoLe(apdu.PPSE), nil
						}
						return apdu.SelectByName(apdu.PPSE), nil
					}
				}),
			apduBuildLeaf("select-purse", "SELECT the e-purse AID A000000632010105", "[--no-le] [--aid HEX]", "Examples:\n  paycert apdu build select-purse --no-le  # 00A4040008A000000632010105 (IDX_0002)",
				func(fs *flag.FlagSet) func() (apdu.Command, error) {
					noLe := fs.Bool("no-le", false, "omit Le (seed 003 appendix C form)")
					aid := apduHex(fs, "aid", 0, "another AID, hex (default the purse AID)")
					return func() (apdu.Command, error) {
						name := apdu.PurseAID
						if aid.set {
							name = aid.val
						}
						if *noLe {
							return apdu.SelectByNameNoLe(name), nil
						}
						return apdu.SelectByName(name), nil
					}
				}),
			apduBuildLeaf("read-binary", "READ BINARY by SFI", "--sfi HEX [--offset N] [--le N]", "Le 0 (the default) asks for the whole file.\n\nExamples:\n  paycert apdu build read-binary --sfi 15   # 00B0950000 (IDX_0004)",
				func(fs *flag.FlagSet) func() (apdu.Command, error) {
					sfi := apduHex(fs, "sfi", 1, "short file identifier, hex (15, 16, 17, 05, 06)")
					off := cli.NumberVar(fs, "offset", 0, 8, "offset in the file, 0..255")
					le := cli.NumberVar(fs, "le", 0, 16, "bytes to read, 0..256 (0 = whole file)")
					return func() (apdu.Command, error) {
						if err := apduRequire(map[string]*apduHexFlag{"sfi": sfi}); err != nil {
							return apdu.Command{}, err
						}
						if le.Value > 256 {
							return apdu.Command{}, cli.Usagef("--le 0..256")
						}
						return apdu.ReadBinary(sfi.val[0], byte(off.Value), apduLe(int(le.Value))), nil
					}
				}),
			apduBuildLeaf("read-record", "READ RECORD by SFI", "--sfi HEX --record N [--le N]", "Record 1 is the newest of a cyclic file.\n\nExamples:\n  paycert apdu build read-record --sfi 18 --record 1   # 00B201C400 (IDX_0007)",
				func(fs *flag.FlagSet) func() (apdu.Command, error) {
					sfi := apduHex(fs, "sfi", 1, "short file identifier, hex (18, 19, 07, 08)")
					rec := cli.NumberVar(fs, "record", 1, 8, "record number, 1..255 (1 = newest)")
					le := cli.NumberVar(fs, "le", 0, 16, "bytes to read, 0..256 (0 = whole record)")
					return func() (apdu.Command, error) {
						if err := apduRequire(map[string]*apduHexFlag{"sfi": sfi}); err != nil {
							return apdu.Command{}, err
						}
						if rec.Value == 0 || le.Value > 256 {
							return apdu.Command{}, cli.Usagef("--record 1..255, --le 0..256")
						}
						return apdu.ReadRecord(byte(rec.Value), sfi.val[0], apduLe(int(le.Value))), nil
					}
				}),
			apduBuildLeaf("get-balance", "GET BALANCE", "[--deposit]", "Examples:\n  paycert apdu build get-balance   # 805C000204 (IDX_0003)",
				func(fs *flag.FlagSet) func() (apdu.Command, error) {
					dep := fs.Bool("deposit", false, "the deposit account (P2 01) instead of the purse")
					return func() (apdu.Command, error) {
						if *dep {
							return apdu.GetBalanceOf(apdu.BalanceDeposit), nil
						}
						return apdu.GetBalance(), nil
					}
				}),
			apduBuildLeaf("get-challenge", "GET CHALLENGE", "[--len 4|8]", "Examples:\n  paycert apdu build get-challenge   # 0084000004 (IDX_1001)",
				func(fs *flag.FlagSet) func() (apdu.Command, error) {
					n := cli.NumberVar(fs, "len", 4, 8, "random bytes wanted (4 or 8)")
					return func() (apdu.Command, error) {
						if n.Value != 4 && n.Value != 8 {
							return apdu.Command{}, cli.Usagef("--len must be 4 or 8")
						}
						return apdu.GetChallenge(int(n.Value)), nil
					}
				}),
			apduBuildLeaf("init-load", "INITIALIZE FOR LOAD (IDX_2002)", "--amount FEN --terminal HEX [--key-index HEX] [--no-le]", "--amount is decimal fen, or 0x hex: 1000 is 10.00 yuan, 0x1000 is 40.96.\n\nExamples:\n  paycert apdu build init-load --amount 1000 --terminal 001122334455\n  paycert apdu build init-load --amount 0x1000 --terminal 001122334455 --key-index 03",
				apduInitDefine(terminalHelp, apdu.InitializeForLoad)),
			apduBuildLeaf("credit-load", "CREDIT FOR LOAD (IDX_2003)", "--datetime YYYYMMDDhhmmss --mac2 HEX [--no-le]", "Examples:\n  paycert apdu build credit-load --datetime 20111221214822 --mac2 3A845BF0",
				func(fs *flag.FlagSet) func() (apdu.Command, error) {
					dt := fs.String("datetime", "", "transaction date and time, YYYYMMDDhhmmss")
					mac2 := apduHex(fs, "mac2", 4, "MAC2 from the centre, 4 bytes hex")
					noLe := fs.Bool("no-le", false, "omit Le (seed 003 appendix C form)")
					return func() (apdu.Command, error) {
						if err := apduRequire(map[string]*apduHexFlag{"mac2": mac2}); err != nil {
							return apdu.Command{}, err
						}
						d, err := apduDateTime(*dt)
						if err != nil {
							return apdu.Command{}, cli.Usagef("%v", err)
						}
						return apduMaybeNoLe(apdu.CreditForLoad(d, [4]byte(mac2.val)), *noLe), nil
					}
				}),
			apduBuildLeaf("init-purchase", "INITIALIZE FOR PURCHASE (IDX_2004)", "--amount FEN --terminal HEX [--key-index HEX] [--composite] [--no-le]", "Examples:\n  paycert apdu build init-purchase --amount 200 --terminal 001122334455",
				func(fs *flag.FlagSet) func() (apdu.Command, error) {
					comp := fs.Bool("composite", false, "composite purchase (P1 03)")
					build := apduInitDefine(terminalHelp, apdu.InitializeForPurchase)(fs)
					return func() (apdu.Command, error) {
						c, err := build()
						if err == nil && *comp {
							c.P1 = 0x03
						}
						return c, err
					}
				}),
			apduBuildLeaf("debit-purchase", "DEBIT FOR PURCHASE (IDX_2005)", "--term-seq N --datetime YYYYMMDDhhmmss --mac1 HEX [--no-le]", "Examples:\n  paycert apdu build debit-purchase --term-seq 1 --datetime 20120229135100 --mac1 F15CAB75",
				func(fs *flag.FlagSet) func() (apdu.Command, error) {
					seq := fs.String("term-seq", "", "terminal transaction sequence number")
					dt := fs.String("datetime", "", "transaction date and time, YYYYMMDDhhmmss")
					mac1 := apduHex(fs, "mac1", 4, "MAC1 from the PSAM, 4 bytes hex")
					noLe := fs.Bool("no-le", false, "omit Le (seed 003 appendix C form)")
					return func() (apdu.Command, error) {
						if err := apduRequire(map[string]*apduHexFlag{"mac1": mac1}); err != nil {
							return apdu.Command{}, err
						}
						n, err := apduUint("term-seq", *seq, 32)
						if err != nil {
							return apdu.Command{}, err
						}
						d, err := apduDateTime(*dt)
						if err != nil {
							return apdu.Command{}, cli.Usagef("%v", err)
						}
						return apduMaybeNoLe(apdu.DebitForPurchase(uint32(n), d, [4]byte(mac1.val)), *noLe), nil
					}
				}),
			apduBuildLeaf("get-proof", "GET TRANSACTION PROOF (805A)", "--type HEX --counter N", "--counter is the counter the transaction used plus 1.\n\nExamples:\n  paycert apdu build get-proof --type 02 --counter 8   # after a load that used online seq 7",
				func(fs *flag.FlagSet) func() (apdu.Command, error) {
					typ := apduHex(fs, "type", 1, "transaction type, hex (02 purse load, 06 purse purchase, 09 composite)")
					ctr := fs.String("counter", "", "the counter the transaction used, plus 1")
					return func() (apdu.Command, error) {
						if err := apduRequire(map[string]*apduHexFlag{"type": typ}); err != nil {
							return apdu.Command{}, err
						}
						n, err := apduUint("counter", *ctr, 16)
						if err != nil {
							return apdu.Command{}, err
						}
						return apdu.GetTransactionProof(typ.val[0], uint16(n)), nil
					}
				}),
			apduBuildLeaf("update-binary-mac", "UPDATE BINARY with secure-messaging MAC (IDX_2001)", "--sfi HEX --data HEX (--mac HEX | --damk KEY --challenge HEX) [--offset N]",
				"Give the MAC, or the card's DAMK and the challenge from GET CHALLENGE to compute it\n(MAC(DAMK, challenge||00000000, 04 D6 P1 P2 Lc data)).\n\nExamples:\n  paycert apdu build update-binary-mac --sfi 16 --data 00 --mac 01020304\n  paycert apdu build update-binary-mac --sfi 15 --data 0101... --damk 4455... --challenge 1A2B3C4D",
				func(fs *flag.FlagSet) func() (apdu.Command, error) {
					sfi := apduHex(fs, "sfi", 1, "short file identifier, hex")
					off := cli.NumberVar(fs, "offset", 0, 8, "offset in the file, 0..255")
					data := apduHex(fs, "data", 0, "bytes to write, hex")
					mac := apduHex(fs, "mac", 4, "the MAC, 4 bytes hex")
					damk := apduHex(fs, "damk", 16, "the card's DAMK, 16 bytes hex, to compute the MAC")
					ch := apduHex(fs, "challenge", 4, "the card's 4-byte challenge, hex, to compute the MAC")
					ciph := fs.String("cipher", "3des", "the card's cipher for the MAC: 3des or sm4")
					return func() (apdu.Command, error) {
						if err := apduRequire(map[string]*apduHexFlag{"sfi": sfi, "data": data}); err != nil {
							return apdu.Command{}, err
						}
						if len(data.val) == 0 || len(data.val) > 251 {
							return apdu.Command{}, cli.Usagef("--offset 0..255 and 1..251 data bytes")
						}
						switch {
						case mac.set && !damk.set && !ch.set:
						case !mac.set && damk.set && ch.set:
							s, err := apduScheme(*ciph)
							if err != nil {
								return apdu.Command{}, err
							}
							m, err := s.SecureMessagingMAC(damk.val, [4]byte(ch.val), apdu.UpdateBinaryMACInput(sfi.val[0], byte(off.Value), data.val))
							if err != nil {
								return apdu.Command{}, err
							}
							mac.val = m
						default:
							return apdu.Command{}, cli.Usagef("give --mac, or --damk and --challenge")
						}
						return apdu.UpdateBinaryMAC(sfi.val[0], byte(off.Value), data.val, [4]byte(mac.val)), nil
					}
				}),
		},
	}
}

func apduLe(le int) int {
	if le == 0 {
		return 256
	}
	return le
}

func apduMaybeNoLe(c apdu.Command, noLe bool) apdu.Command {
	if noLe {
		c.Le = apdu.NoLe
	}
	return c
}

func apduInitDefine(terminalHelp string, build func(byte, uint32, [6]byte) apdu.Command) func(fs *flag.FlagSet) func() (apdu.Command, error) {
	return func(fs *flag.FlagSet) func() (apdu.Command, error) {
		amount := fs.String("amount", "", "amount in fen: decimal, or hex with 0x")
		term := apduHex(fs, "terminal", 6, terminalHelp)
		keyIdx := apduHex(fs, "key-index", 1, "key index, 1 byte hex (default 01; seed 003 calls this byte 交易类型 01)")
		noLe := fs.Bool("no-le", false, "omit Le (seed 003 appendix C form)")
		return func() (apdu.Command, error) {
			if err := apduRequire(map[string]*apduHexFlag{"terminal": term}); err != nil {
				return apdu.Command{}, err
			}
			a, err := apduUint("amount", *amount, 32)
			if err != nil {
				return apdu.Command{}, err
			}
			ki := byte(0x01)
			if keyIdx.set {
				ki = keyIdx.val[0]
			}
			return apduMaybeNoLe(build(ki, uint32(a), [6]byte(term.val)), *noLe), nil
		}
	}
}

func apduAppendixCommand() *cli.Command {
	var asList *bool
	cmd := &cli.Command{
		Name:    "appendix",
		Summary: "List the fixed commands of seed 003 appendix C (IDX_0001-0048, IDX_1001)",
		Usage:   "apdu appendix [--list] [IDX...]",
		Help: `Prints the fixed card commands of seed 003 appendix C with their index, whether
the seed marks them required, and the hex (byte for byte as the seed gives
them, one OCR error repaired: IDX_0026). With IDX arguments, only those.
--list prints them as one canonical apdulist string instead.

Examples:
  paycert apdu appendix
  paycert apdu appendix IDX_0001 IDX_0002 IDX_0003 --list`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		asList = fs.Bool("list", false, "print one canonical apdulist string (IDX-tagged)")
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		entries := apdu.AppendixC()
		if len(pos) > 0 {
			entries = entries[:0:0]
			for _, id := range pos {
				ix, ok := apdu.LookupIndexed(id)
				if !ok {
					return cli.Usagef("unknown appendix C index %q", id)
				}
				entries = append(entries, ix)
			}
		}
		if *asList {
			var l apdu.List
			for _, e := range entries {
				l = append(l, apdu.Entry{ID: e.ID, Bytes: e.Command.Bytes()})
			}
			_, err := fmt.Fprintln(tio.Stdout, l)
			return err
		}
		tw := tabwriter.NewWriter(tio.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "INDEX\tREQUIRED\tAPDU\tCOMMAND\n")
		for _, e := range entries {
			req := "no"
			if e.Required {
				req = "yes"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.ID, req, e.Command, e.Name)
		}
		return tw.Flush()
	}
	return cmd
}

func apduEpurseCommand() *cli.Command {
	return &cli.Command{
		Name:    "epurse",
		Summary: "Recompute e-purse session keys, MAC1, MAC2 and TAC (3DES or SM4)",
		Usage:   "apdu epurse <load|purchase|diversify> [flags]",
		Help: `Recomputes the cryptograms of cards.md from the values card and centre
exchanged, to find which side is wrong when a load fails with 9302 or a
centre rejects MAC1/TAC. Keys are 16 bytes hex: either the card's
diversified key (--key, --dtk) or the master key and card number
(--master, --master-tac, --pan) to diversify first. --cipher sm4 computes
the SM4 variant (algId 04; no published vector: see codecs/README.md).

Each value needs only its own inputs: without --datetime the load prints
SESLK and MAC1 (MAC2 and TAC cover the date-time), without --dtk no TAC.

` + cli.NumberRule + `

Examples:
  paycert apdu epurse diversify --master 11223344556677888877665544332211 --pan 3105170010170907984
  paycert apdu epurse load --key 11223344556677888877665544332211 --random 11223344 --online-seq 0 \
      --amount 0x1000 --type 01 --terminal 001122334455 --datetime 20111221214822
  paycert apdu epurse load --key 11223344556677888877665544332211 --random 11223344 --online-seq 0 \
      --amount 4096 --type 01 --terminal 001122334455 --check-mac1 2988AE5A
  paycert apdu epurse purchase --key 11223344556677888877665544332211 --random 11223344 --offline-seq 0 \
      --term-seq 1 --amount 0x1000 --terminal 001122334455 --datetime 20120229135100`,
		Subs: []*cli.Command{apduEpurseTxCommand(true), apduEpurseTxCommand(false), apduDiversifyCommand()},
	}
}

// apduScheme is the e-purse scheme of a --cipher value.
func apduScheme(name string) (epurse.Scheme, error) {
	c, err := epurse.ParseCipher(name)
	if err != nil {
		return epurse.Scheme{}, cli.Usagef("--cipher: %v", err)
	}
	return epurse.Scheme{Cipher: c}, nil
}

func apduDiversifyCommand() *cli.Command {
	var (
		mk   *apduHexFlag
		pan  *string
		ciph *string
	)
	cmd := &cli.Command{
		Name:    "diversify",
		Summary: "Diversify a master key for a card number",
		Usage:   "apdu epurse diversify --master KEY --pan DIGITS [--cipher 3des|sm4]",
		Help: `Prints F (file 0x15 bytes 12..19 = the card number's last 16 digits) and the
card key TDES(MK, F) || TDES(MK, not F); with --cipher sm4, SM4(MK, F||00..00).

Examples:
  paycert apdu epurse diversify --master 11223344556677888877665544332211 --pan 2253123456781234
  paycert apdu epurse diversify --master 11223344556677888877665544332211 --pan 2253123456781234 --cipher sm4`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		mk = apduHex(fs, "master", 16, "master key, 16 bytes hex")
		pan = fs.String("pan", "", "card number, 16 to 20 decimal digits")
		ciph = fs.String("cipher", "3des", "the card's cipher: 3des or sm4")
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		if len(pos) != 0 {
			return cli.Usagef("diversify takes flags only")
		}
		if err := apduRequire(map[string]*apduHexFlag{"master": mk}); err != nil {
			return err
		}
		s, err := apduScheme(*ciph)
		if err != nil {
			return err
		}
		f, err := cpucard.Diversifier(*pan)
		if err != nil {
			return cli.Usagef("%v", err)
		}
		k, err := s.Diversify(mk.val, f[:])
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(tio.Stdout, "F\t%X\nkey\t%X\n", f, k)
		return err
	}
	return cmd
}

func apduEpurseTxCommand(load bool) *cli.Command {
	name, seqName, defType := "purchase", "offline-seq", epurse.TypePursePurchase
	usage := "apdu epurse purchase (--key DPK | --master MPK --pan P) --random HEX --offline-seq N --term-seq N [--amount FEN] [--terminal HEX] [--datetime D] [--type 06] [--dtk K | --master-tac MTK] [--cipher 3des|sm4] [--check-mac1 M] [--check-mac2 M] [--check-tac T]"
	help := `Computes SESPK = ENC(DPK, random||offlineSeq||termSeq[2:4]), the terminal's
MAC1 (amount||type||terminal||date||time), the card's MAC2 (amount) and, with
a TAC key, the TAC (amount||type||terminal||termSeq||date||time under
DTK left xor right for 3DES, DTK for SM4). A value whose inputs are not
given is not printed. --check-* compare given values and exit 1 on mismatch.

Examples:
  paycert apdu epurse purchase --key 11223344556677888877665544332211 --random 11223344 --offline-seq 0 \
      --term-seq 1 --amount 0x1000 --terminal 001122334455 --datetime 20120229135100 --check-mac1 F15CAB75
  paycert apdu epurse purchase --key 11223344556677888877665544332211 --random 11223344 --offline-seq 0 \
      --term-seq 1 --amount 4096 --check-mac2 56988A13`
	if load {
		name, seqName, defType = "load", "online-seq", epurse.TypePurseLoad
		usage = "apdu epurse load (--key DLK | --master MLK --pan P) --random HEX --online-seq N [--amount FEN] [--terminal HEX] [--datetime D] [--old-balance FEN] [--type 02] [--dtk K | --master-tac MTK] [--cipher 3des|sm4] [--check-mac1 M] [--check-mac2 M] [--check-tac T]"
		help = `Computes SESLK = ENC(DLK, random||onlineSeq||8000), the card's MAC1
(oldBalance||amount||type||terminal), the centre's MAC2
(amount||type||terminal||date||time) and, with a TAC key, the TAC
(newBalance||onlineSeq||amount||type||terminal||date||time under DTK left xor
right for 3DES, DTK for SM4). A value whose inputs are not given is not
printed: MAC1 needs no --datetime. --check-* compare given values and exit 1
on mismatch.

Examples:
  paycert apdu epurse load --key 11223344556677888877665544332211 --random 11223344 --online-seq 0 \
      --amount 0x1000 --type 01 --terminal 001122334455 --datetime 20111221214822 --check-mac1 2988AE5A
  paycert apdu epurse load --key 11223344556677888877665544332211 --random 11223344 --online-seq 0 \
      --amount 4096 --type 01 --terminal 001122334455 --check-mac1 2988AE5A`
	}
	var (
		key     *apduHexFlag
		mk      *apduHexFlag
		mtk     *apduHexFlag
		dtk     *apduHexFlag
		pan     *string
		random  *apduHexFlag
		seq     *string
		termSeq *string
		amount  *string
		oldBal  *string
		typ     *apduHexFlag
		term    *apduHexFlag
		dtStr   *string
		ciph    *string
		chk1    *apduHexFlag
		chk2    *apduHexFlag
		chkT    *apduHexFlag
	)
	cmd := &cli.Command{Name: name, Summary: "Session key, MAC1, MAC2, TAC of a " + name, Usage: usage, Help: help}
	cmd.Flags = func(fs *flag.FlagSet) {
		key = apduHex(fs, "key", 16, "the card's DLK/DPK, 16 bytes hex")
		mk = apduHex(fs, "master", 16, "master key, 16 bytes hex, to diversify with --pan instead of --key")
		mtk = apduHex(fs, "master-tac", 16, "TAC master key, 16 bytes hex, to diversify with --pan instead of --dtk")
		dtk = apduHex(fs, "dtk", 16, "the card's DTK, 16 bytes hex (for the TAC)")
		pan = fs.String("pan", "", "card number, 16 to 20 decimal digits (with --master/--master-tac)")
		random = apduHex(fs, "random", 4, "card's pseudo-random number, 4 bytes hex")
		seq = fs.String(seqName, "", "counter value the card reported (number: decimal, or 0x hex)")
		if load {
			oldBal = fs.String("old-balance", "0", "balance before the load in fen (MAC1, TAC)")
		} else {
			termSeq = fs.String("term-seq", "", "terminal transaction sequence number (number: decimal, or 0x hex)")
		}
		amount = fs.String("amount", "", "amount in fen: decimal, or hex with 0x (MAC1, MAC2, TAC)")
		typ = apduHex(fs, "type", 1, fmt.Sprintf("transaction type, 1 byte hex (default %02X)", defType))
		term = apduHex(fs, "terminal", 6, "terminal id, 6 bytes hex")
		dtStr = fs.String("datetime", "", "date and time, YYYYMMDDhhmmss (MAC2 and TAC of a load; MAC1 and TAC of a purchase)")
		ciph = fs.String("cipher", "3des", "the card's cipher: 3des or sm4")
		chk1 = apduHex(fs, "check-mac1", 4, "MAC1 to verify, 4 bytes hex")
		chk2 = apduHex(fs, "check-mac2", 4, "MAC2 to verify, 4 bytes hex")
		chkT = apduHex(fs, "check-tac", 4, "TAC to verify, 4 bytes hex")
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		if len(pos) != 0 {
			return cli.Usagef("%s takes flags only", name)
		}
		if err := apduRequire(map[string]*apduHexFlag{"random": random}); err != nil {
			return err
		}
		s, err := apduScheme(*ciph)
		if err != nil {
			return err
		}
		if mk.set || mtk.set {
			f, err := cpucard.Diversifier(*pan)
			if err != nil {
				return cli.Usagef("--pan: %v", err)
			}
			if mk.set {
				if key.val, err = s.Diversify(mk.val, f[:]); err != nil {
					return err
				}
				key.set = true
			}
			if mtk.set {
				if dtk.val, err = s.Diversify(mtk.val, f[:]); err != nil {
					return err
				}
				dtk.set = true
			}
		}
		if !key.set {
			return cli.Usagef("give --key, or --master and --pan")
		}
		n, err := apduUint(seqName, *seq, 16)
		if err != nil {
			return err
		}
		var ts, ob uint64
		if load {
			if ob, err = apduUint("old-balance", *oldBal, 32); err != nil {
				return err
			}
		} else if ts, err = apduUint("term-seq", *termSeq, 32); err != nil {
			return err
		}
		// The optional inputs: each value below is computed when its own
		// inputs are all given, and a --check-* of a value that cannot be
		// computed names what it lacks.
		var a uint64
		if *amount != "" {
			if a, err = cli.ParseNumber("amount", *amount, 32); err != nil {
				return err
			}
		}
		var dt [7]byte
		if *dtStr != "" {
			if dt, err = apduDateTime(*dtStr); err != nil {
				return cli.Usagef("%v", err)
			}
		}
		have := map[string]bool{"amount": *amount != "", "terminal": term.set, "datetime": *dtStr != "", "dtk": dtk.set}
		t := []byte{defType}
		if typ.set {
			t = typ.val
		}
		type out struct {
			name  string
			needs []string
			calc  func() ([]byte, error)
			chk   *apduHexFlag
		}
		var ses []byte
		var rows []out
		if load {
			l := epurse.Load{OldBalance: uint32(ob), Amount: uint32(a), Type: t[0], Terminal: [6]byte(apduOr(term, 6)),
				OnlineSeq: uint16(n), Random: [4]byte(random.val), DateTime: dt}
			rows = []out{
				{"SESLK", nil, func() ([]byte, error) { return s.LoadSessionKey(key.val, l.Random, l.OnlineSeq) }, nil},
				{"MAC1", []string{"amount", "terminal"}, func() ([]byte, error) { return s.LoadMAC1(ses, l) }, chk1},
				{"MAC2", []string{"amount", "terminal", "datetime"}, func() ([]byte, error) { return s.LoadMAC2(ses, l) }, chk2},
				{"TAC", []string{"amount", "terminal", "datetime", "dtk"}, func() ([]byte, error) { return s.LoadTAC(dtk.val, l) }, chkT},
			}
		} else {
			p := epurse.Purchase{Amount: uint32(a), Type: t[0], Terminal: [6]byte(apduOr(term, 6)),
				OfflineSeq: uint16(n), TermSeq: uint32(ts), Random: [4]byte(random.val), DateTime: dt}
			rows = []out{
				{"SESPK", nil, func() ([]byte, error) { return s.PurchaseSessionKey(key.val, p.Random, p.OfflineSeq, p.TermSeq) }, nil},
				{"MAC1", []string{"amount", "terminal", "datetime"}, func() ([]byte, error) { return s.PurchaseMAC1(ses, p) }, chk1},
				{"MAC2", []string{"amount"}, func() ([]byte, error) { return s.PurchaseMAC2(ses, p) }, chk2},
				{"TAC", []string{"amount", "terminal", "datetime", "dtk"}, func() ([]byte, error) { return s.PurchaseTAC(dtk.val, p) }, chkT},
			}
		}
		mismatch, computed := 0, 0
		var skipped []string
		for i, r := range rows {
			var missing []string
			for _, need := range r.needs {
				if !have[need] {
					if need == "dtk" {
						need = "dtk or --master-tac"
					}
					missing = append(missing, "--"+need)
				}
			}
			if len(missing) > 0 {
				if r.chk != nil && r.chk.set {
					return cli.Usagef("--check-%s needs %s", strings.ToLower(r.name), strings.Join(missing, ", "))
				}
				skipped = append(skipped, fmt.Sprintf("%s (needs %s)", r.name, strings.Join(missing, ", ")))
				continue
			}
			val, err := r.calc()
			if err != nil {
				return err
			}
			if i == 0 {
				ses = val
			} else {
				computed++
			}
			note := ""
			if r.chk != nil && r.chk.set {
				if string(r.chk.val) == string(val) {
					note = "\tmatches the given value"
				} else {
					note = fmt.Sprintf("\tMISMATCH: given %X", r.chk.val)
					mismatch++
				}
			}
			fmt.Fprintf(tio.Stdout, "%s\t%X%s\n", r.name, val, note)
		}
		if len(skipped) > 0 && computed == 0 {
			fmt.Fprintf(tio.Stderr, "only the session key: give --amount and --terminal for MAC1 (not computed: %s)\n", strings.Join(skipped, "; "))
		}
		if mismatch > 0 {
			return &cli.ExitError{Code: 1, Err: fmt.Errorf("%d value(s) do not match", mismatch)}
		}
		return nil
	}
	return cmd
}

// apduOr is the flag's bytes, or n zero bytes when it was not given (the
// values that need it are then not computed).
func apduOr(h *apduHexFlag, n int) []byte {
	if h.set {
		return h.val
	}
	return make([]byte, n)
}
