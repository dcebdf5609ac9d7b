// Package cardcmd is `paycert card`: list PC/SC readers, scan a transit
// card, send it APDUs, recharge it through the Huzhou centre, and serve a
// software card in the vsmartcard virtual reader.
package cardcmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"paycert/cmd/paycert/internal/cli"
	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
	"paycert/platforms/cpucard/terminal"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/pcsc/lab"
	"paycert/platforms/pcsc/pcscd"
	"paycert/platforms/pcsc/reader"
	"paycert/platforms/pcsc/vpcd"
	"paycert/platforms/sim"
)

// Command is `paycert card`: the lab's tools for PC/SC readers and the
// transit e-purse (hwtests/ is the suite; these are the same layers by hand).
func Command() *cli.Command {
	return &cli.Command{
		Name:    "card",
		Summary: "Card-reader tools: list readers, scan a transit card, send APDUs, recharge, serve a virtual card",
		Usage:   "card <list|scan|exec|recharge|virtual> [flags]",
		Help: `Talks to PC/SC readers through pcscd (any CCID reader works: ACS, Identiv,
Feitian, HID Omnikey...). A reader is named by its PC/SC name, any unique
part of it ("ACR1252", "PCD 00 01"), TEXT#N (the N-th match, from 0) or #N (the
N-th reader listed); a dual-interface reader's SAM slot is taken only by name
or index. With one reader attached, no name is needed. --wait bounds the wait
for a card and for a reader another application holds ("reader busy");
--timeout each command; Ctrl-C ends any command within a second.

No reader at hand? 'paycert card virtual --start-pcscd' serves a software
card through the vsmartcard virtual reader, so every command below works on it.

Examples:
  paycert card list
  paycert card scan --wait 30s
  paycert card exec --reader ACR1252 00A4040008A000000632010105 805C000204
  paycert card recharge --reader ACR1252 --amount 2000
  paycert card virtual --start-pcscd --card-no 2253000000000100 --balance 5000`,
		Subs: []*cli.Command{cardListCommand(), cardScanCommand(), cardExecCommand(), cardRechargeCommand(), cardVirtualCommand()},
	}
}

func cardListCommand() *cli.Command {
	cmd := &cli.Command{
		Name:    "list",
		Summary: "List PC/SC readers and whether a card is in each",
		Usage:   "card list",
		Help: `Prints every reader pcscd knows, with the card's ATR when one is present.
Exit status 1 when pcscd is not running or knows no reader.

Examples:
  paycert card list`,
	}
	cmd.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		if len(pos) != 0 {
			return cli.Usagef("card list takes no arguments")
		}
		pc, err := reader.Establish()
		if err != nil {
			return err
		}
		defer pc.Release()
		rs, err := cardReaders(pc)
		if err != nil {
			return err
		}
		for _, r := range rs {
			p, err := pc.Present(r)
			switch {
			case err != nil:
				fmt.Fprintf(io.Stdout, "%s\t(state unknown: %v)\n", r, err)
			case p.Mute:
				fmt.Fprintf(io.Stdout, "%s\tcard present but mute (no ATR): reseat it\n", r)
			case p.Card:
				inUse := ""
				if p.InUse {
					inUse = " (in use by another application)"
				}
				fmt.Fprintf(io.Stdout, "%s\tcard present, ATR %X%s\n", r, p.ATR, inUse)
			default:
				fmt.Fprintf(io.Stdout, "%s\tempty\n", r)
			}
		}
		return nil
	}
	return cmd
}

// cardReaders lists the readers pcscd knows; none is an error that says
// what to do about it.
func cardReaders(pc *reader.Context) ([]string, error) {
	rs, err := pc.Readers()
	if errors.Is(err, reader.ErrNoReaders) {
		return nil, errors.New("no PC/SC readers: plug one in, or start a virtual one with 'paycert card virtual --start-pcscd'")
	}
	return rs, err
}

func cardScanCommand() *cli.Command {
	var (
		name    *string
		wait    *time.Duration
		timeout *time.Duration
		trace   *bool
		aid     *string
		tz      *string
	)
	cmd := &cli.Command{
		Name:    "scan",
		Summary: "Wait for a card, then show its ATR, card number, balance and last transactions",
		Usage:   "card scan [--reader R] [--wait 30s] [--aid HEX] [--tz ZONE] [--trace]",
		Help: `Waits for a card, prints its ATR, selects the PPSE and the transit purse
(A000000632010105, or --aid), and prints the card number (file 0x15), validity, balance
and the last transactions (file 0x18; recharge and purchase details 0x07 and
0x08 when the card has them). Only plain reads: nothing on the card changes.
--trace prints every APDU exchanged.

The card stores wall-clock date-times without a zone: they are the zone of
the terminals and the centre that wrote them, China Standard Time for a
Huzhou card. --tz names that zone (default CST) for the column headings and
the age of the newest record, so a card written in another zone, or by a
terminal set to the wrong one, shows.

Exit status 1 when no card came, or the card has no transit purse.

Examples:
  paycert card scan
  paycert card scan --reader "PCD 00 01" --wait 2m --trace
  paycert card scan --aid A000000632010106 --tz UTC`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		name = fs.String("reader", "", "reader name or a unique part of it (default: the only reader)")
		wait = fs.Duration("wait", 30*time.Second, "how long to wait for a card and for the reader to be free")
		timeout = fs.Duration("timeout", reader.DefaultTimeout, "how long one command may take in the reader")
		trace = fs.Bool("trace", false, "print every APDU")
		aid = fs.String("aid", "", "the purse AID, hex (default A000000632010105; a city card may have its own)")
		tz = fs.String("tz", "", "zone the card's date-times are in: CST (default), UTC, UTC+H, +HH:MM, an IANA name or local")
	}
	cmd.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		if len(pos) != 0 {
			return cli.Usagef("card scan takes no arguments")
		}
		purseAID, err := cardAID(*aid)
		if err != nil {
			return err
		}
		zone, err := cardZone(*tz, terminal.ChinaTime())
		if err != nil {
			return err
		}
		pc, r, k, err := cardOpen(ctx, io, *name, *wait, *timeout)
		if err != nil {
			return err
		}
		defer pc.Release()
		defer k.Disconnect()
		atr, err := k.ATR()
		if err != nil {
			return err
		}
		fmt.Fprintf(io.Stdout, "Reader:        %s\nATR:           %X\n", r, atr)
		t := terminal.New(k)
		t.AID = purseAID
		if *trace {
			t.Trace = terminal.TraceTo(io.Stdout)
		}
		rep, err := terminal.Scan(t)
		if err != nil {
			return fmt.Errorf("%w (is this a transit card?)", err)
		}
		rep.Zone = zone
		rep.Print(io.Stdout)
		return nil
	}
	return cmd
}

// cardParseAPDUs reads the APDUs of `card exec`: hex (blanks allowed when
// quoted), comma-separated lists, appendix C indices ("IDX_0002", which
// selects o.aid when set) or the e-purse templates IDX_2002-2005
// (execTemplate).
func cardParseAPDUs(args []string, o execOptions) ([]apdu.Command, error) {
	var out []apdu.Command
	for _, a := range args {
		if c, ok, err := execTemplate(a, o); ok {
			if err != nil {
				return nil, err
			}
			out = append(out, c)
			continue
		}
		if ix, ok := apdu.LookupIndexed(a); ok {
			if ix.ID == "IDX_0002" && len(o.aid) > 0 {
				ix.Command = apdu.SelectByNameNoLe(o.aid)
			}
			out = append(out, ix.Command)
			continue
		}
		l, err := apdu.ParseList(a)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", a, err)
		}
		for _, e := range l {
			c, err := apdu.ParseCommand(e.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", a, err)
			}
			out = append(out, c)
		}
	}
	return out, nil
}

func cardExecCommand() *cli.Command {
	var (
		name    *string
		wait    *time.Duration
		timeout *time.Duration
		aid     *string
		term    *string
		keyIdx  *string
		tz      *string
	)
	cmd := &cli.Command{
		Name:    "exec",
		Summary: "Send APDUs to the card in a reader and print each response with its status word",
		Usage:   "card exec [--reader R] [--wait 10s] [--aid HEX] [--terminal HEX] [--key-index HEX] [--tz ZONE] APDU...",
		Help: `Sends each APDU, in order and in one session, and prints the command name, the
response and what the status word means. APDUs are hex ("805C000204", or
"80 5C 00 02 04" quoted), comma-separated lists as the Huzhou centre writes
them, or seed 003 appendix C indices (IDX_0002 selects the purse,
A000000632010105 or --aid), or these e-purse templates, filled in from the
flags (amounts in fen, decimal or 0x hex; MACs 4 bytes hex):

` + execTemplates + `

The date-time of CREDIT and DEBIT is now in --tz (default CST, China Standard
Time: the card's home zone, whatever this machine's).

pcscd powers a card up afresh for each session: begin with the SELECT.
Exit status 1 when any status word is not success (9000/61xx) or the card left.

Examples:
  paycert card exec --reader ACR1252 00A4040008A000000632010105 805C000204
  paycert card exec IDX_0002 IDX_0003 00B0950000
  paycert card exec "00A4040008A000000632010105,00B201C400"
  paycert card exec --aid A000000632010106 --key-index 03 --terminal 112233445566 IDX_0002 IDX_2002:1000`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		name = fs.String("reader", "", "reader name or a unique part of it (default: the only reader)")
		wait = fs.Duration("wait", 10*time.Second, "how long to wait for a card and for the reader to be free")
		timeout = fs.Duration("timeout", reader.DefaultTimeout, "how long one command may take in the reader")
		aid = fs.String("aid", "", "the purse AID IDX_0002 selects, hex (default A000000632010105)")
		term = fs.String("terminal", "", "terminal id of IDX_2002/IDX_2004, 6 bytes hex")
		keyIdx = fs.String("key-index", "", "key index of IDX_2002/IDX_2004, 1 byte hex (default 01)")
		tz = fs.String("tz", "", "zone of the date-time of IDX_2003/IDX_2005: CST (default), UTC, UTC+H, +HH:MM, an IANA name or local")
	}
	cmd.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		if len(pos) == 0 {
			return cli.Usagef("give at least one APDU")
		}
		o := execOptions{terminal: *term}
		var err error
		if o.aid, err = cardAID(*aid); err != nil {
			return err
		}
		if o.keyIdx, err = cardKeyIndex(*keyIdx); err != nil {
			return err
		}
		if o.zone, err = cardZone(*tz, terminal.ChinaTime()); err != nil {
			return err
		}
		if *term != "" {
			if _, err := cardTerminalID(*term); err != nil {
				return err
			}
		}
		cmds, err := cardParseAPDUs(pos, o)
		if err != nil {
			var ue *cli.ExitError
			if errors.As(err, &ue) {
				return err
			}
			return cli.Usagef("%v", err)
		}
		pc, _, k, err := cardOpen(ctx, io, *name, *wait, *timeout)
		if err != nil {
			return err
		}
		defer pc.Release()
		defer k.Disconnect()
		t := terminal.New(k)
		t.Trace = terminal.TraceTo(io.Stdout)
		failed := 0
		for _, c := range cmds {
			resp, err := t.Do(c)
			if err != nil {
				return &cli.ExitError{Code: 1, Err: fmt.Errorf("the card left or the reader failed: %w", err)}
			}
			if !resp.SW.Success() {
				failed++
			}
		}
		if failed > 0 {
			return &cli.ExitError{Code: 1, Err: fmt.Errorf("%d of %d commands did not succeed", failed, len(cmds))}
		}
		return nil
	}
	return cmd
}

func cardRechargeCommand() *cli.Command {
	var (
		name     *string
		amountS  *string
		target   *string
		payOrder *string
		wait     *time.Duration
		timeout  *time.Duration
		pause    *string
		aid      *string
		keyIdx   *string
		cipher   *string
		tz       *string
	)
	cmd := &cli.Command{
		Name:    "recharge",
		Summary: "Recharge the card in a reader through the Huzhou centre (embedded or real)",
		Usage:   "card recharge [--reader R] --amount FEN [--target URL] [--pay-order N] [--wait 30s] [--pause-before STEP] [--aid HEX] [--key-index HEX] [--cipher 3des|sm4] [--tz ZONE]",
		Help: `Runs the whole Huzhou recharge (seed 003) through the reader: card information
query, order, INITIALIZE FOR LOAD, the centre's MAC2, CREDIT FOR LOAD, confirm;
then reads the balance back. Amounts are in fen (2000 = 20.00 yuan), decimal
or 0x hex; a leading zero is refused.

Without --target the embedded reference centre is started for the run: a card
it does not know is registered with the balance it holds and keys diversified
from paycert's test master keys (so only test cards personalised with those
keys verify). With --target the flow goes to that centre with the test
institution's SM2 keys of the hzcard fixture.

Card variants: --aid selects a purse with its own AID (a city card) to read
the card; the centre's lists select the AID it holds for the card. The
terminal id INITIALIZE FOR LOAD carries is the centre's, in its list
(0000 and the termid of the request). For the embedded centre, --key-index
and --cipher say how the card was personalised (default 01 and 3des; sm4
is algId 04) and --aid which AID it has: it registers the card so, sends
that key index and computes MAC2 with that cipher. --tz is the zone the
embedded centre dates CREDIT FOR LOAD in (default Asia/Shanghai; the card's
log keeps that wall-clock time); the load's date-time is printed in it. A
centre given by --target knows its cards and its zone: --key-index, --cipher
and --tz are refused with it.

If the card leaves mid-way, put it back within --wait: the order is resolved
through card management (GET TRANSACTION PROOF) and charged again only if the
card was not credited, never twice.

--pause-before INITIALIZE|CREDIT|confirm is the tear rehearsal: the recharge
stops before that step until Enter is pressed, so the person at the reader
can pull the card there (or leave it in). Pulled before INITIALIZE or CREDIT,
the step finds the card gone: the order is resolved and charged again.
Pulled before confirm, the card holds the money and the centre does not
know: management finds the proof and adjusts the order. Put the card back
when asked. Rehearse it on 'card virtual --state FILE' (Ctrl-C there is the
pull, running it again with the same file the reinsertion).

Examples:
  paycert card recharge --amount 2000
  paycert card recharge --reader ACR1252 --amount 5000 --target http://10.0.0.5:8080
  paycert card recharge --reader ACR1252 --amount 100 --pause-before CREDIT
  paycert card recharge --amount 2000 --aid A000000632010106 --key-index 03 --cipher sm4 --tz UTC`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		name = fs.String("reader", "", "reader name or a unique part of it (default: the only reader)")
		amountS = fs.String("amount", "", "amount in fen (required)")
		target = fs.String("target", "", "centre base URL (default: the embedded centre)")
		payOrder = fs.String("pay-order", "", "payment order number (default: generated, unique)")
		wait = fs.Duration("wait", 30*time.Second, "how long to wait for the card and for the reader to be free (also after the card left)")
		timeout = fs.Duration("timeout", reader.DefaultTimeout, "how long one command may take in the reader")
		pause = fs.String("pause-before", "", "stop before INITIALIZE, CREDIT or confirm until Enter: pull the card there (tear rehearsal)")
		aid = fs.String("aid", "", "the purse AID, hex (default A000000632010105)")
		keyIdx = fs.String("key-index", "", "embedded centre: the card's load key index, 1 byte hex (default 01)")
		cipher = fs.String("cipher", "", "embedded centre: the card's cipher, 3des (default) or sm4")
		tz = fs.String("tz", "", "embedded centre: the zone it dates the load in (default Asia/Shanghai): CST, UTC, UTC+H, +HH:MM, an IANA name or local")
	}
	cmd.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		if len(pos) != 0 {
			return cli.Usagef("card recharge takes no arguments")
		}
		if *amountS == "" || strings.HasPrefix(*amountS, "-") {
			return cli.Usagef("--amount is required: a positive number of fen, got %q", *amountS)
		}
		a, err := cli.ParseNumber("amount", *amountS, 31)
		if err != nil {
			return err
		}
		if a == 0 {
			return cli.Usagef("--amount must be a positive number of fen, got %q", *amountS)
		}
		amount := int64(a)
		step := ""
		if *pause != "" {
			if step, err = hzcardclient.ParseStep(*pause); err != nil {
				return cli.Usagef("--pause-before: %v", err)
			}
		}
		if *payOrder == "" {
			*payOrder = fmt.Sprintf("PC%d", time.Now().UnixNano()/1e6)
		}
		if *target != "" && (*keyIdx != "" || *cipher != "" || *tz != "") {
			return cli.Usagef("--key-index, --cipher and --tz describe the card and the zone to the embedded centre; the centre at --target knows its own")
		}
		v := cardVariant{aid: *aid, keyIndex: *keyIdx, cipher: *cipher}
		prof, err := v.profile()
		if err != nil {
			return err
		}
		purseAID, err := cardAID(*aid)
		if err != nil {
			return err
		}
		zone, err := cardZone(*tz, hzcard.Zone())
		if err != nil {
			return err
		}
		pc, r, k, err := cardOpen(ctx, io, *name, *wait, *timeout)
		if err != nil {
			return err
		}
		defer pc.Release()
		defer func() {
			if k != nil { // nil after a card that did not come back
				k.Disconnect()
			}
		}()
		t := &terminal.Terminal{T: k, AID: purseAID}
		pub, err := t.SelectPurse()
		if err != nil {
			return fmt.Errorf("%w (is this a transit card? a city card with its own AID: --aid)", err)
		}
		cardNo := pub.ShortCardNumber()
		bal, err := t.Balance()
		if err != nil {
			return err
		}
		url := *target
		var centre *hzcardsim.Simulator
		if url == "" {
			centre, err = hzcardsim.New(sim.Options{})
			if err != nil {
				return err
			}
			srv, err := sim.Start(centre, sim.ListenOptions{})
			if err != nil {
				return err
			}
			defer srv.Close()
			url = srv.URL
			centre.SetZone(zone)
			_, known := centre.CardBalance(cardNo)
			switch {
			case !known:
				spec := hzcardsim.CardSpec{CardNo: cardNo, Balance: bal, AID: prof.AID, KeyIndex: prof.KeyIndex, Cipher: prof.Cipher}
				if _, err := centre.AddCard(spec); err != nil {
					return fmt.Errorf("register card %s at the embedded centre: %w", cardNo, err)
				}
			case len(v.given(false)) > 0:
				return cli.Usagef("card %s is in the embedded centre's fixture as a default card (AID A000000632010105, key index 01, 3DES): %s cannot apply to it", cardNo, strings.Join(v.given(false), ", "))
			}
			fmt.Fprintf(io.Stdout, "Centre:        embedded reference centre at %s\n", url)
		} else {
			fmt.Fprintf(io.Stdout, "Centre:        %s\n", url)
		}
		cl, err := hzcardclient.New(hzcardclient.Config{URL: url})
		if err != nil {
			return err
		}
		info, err := hzcardclient.ReadCardAID(ctx, cl, k, purseAID)
		if err != nil {
			return fmt.Errorf("card information query: %w", err)
		}
		fmt.Fprintf(io.Stdout, "Card:          %s (type %s %s, status %s)\n", info.CardNo, info.CardType, info.CardTypeName, info.CardStatusDesc)
		fmt.Fprintf(io.Stdout, "Balance:       %s yuan before\n", terminal.Yuan(int64(bal)))
		var unresolved error // the card did not come back
		var before func(string) error
		if step != "" {
			before = hzcardclient.PauseBefore(step, cardPauseForPull(ctx, io, r), cardGone(ctx, pc, r))
		}
		res, err := cl.Recharge(ctx, k, hzcardclient.RechargeOptions{CardNo: cardNo, Amount: amount, PayOrderNo: *payOrder,
			Recover: true, MaxTears: 3, Before: before,
			Observe: func(ev hzcardclient.RechargeEvent) {
				switch {
				case ev.Kind == hzcardclient.EventOrdered:
					fmt.Fprintf(io.Stdout, "Order:         %s (payment order %s), %s yuan\n", ev.Order.OrderNo, *payOrder, terminal.Yuan(amount))
				case ev.Kind == hzcardclient.EventManaged && ev.Manage.Credited:
					fmt.Fprintf(io.Stdout, "Management:    the card was credited before it left (%s); not charging again\n", ev.Manage.Code)
				case ev.Kind == hzcardclient.EventManaged:
					fmt.Fprintf(io.Stdout, "Management:    the card was not credited (%s); charging again\n", ev.Manage.Code)
				}
			},
			// The card left: wait for it to be put back.
			Reconnect: func(ctx context.Context, torn *hzcardclient.TornError) (hzcardclient.Transmitter, error) {
				fmt.Fprintf(io.Stdout, "The card left during %s. Put it back (waiting up to %s)...\n", torn.Step, *wait)
				k.Disconnect()
				nk, err := cardReconnect(ctx, pc, r, purseAID, *wait)
				if err != nil {
					k = nil
					unresolved = fmt.Errorf("order %s is unresolved (%w): resolve it with card management", torn.OrderNo, err)
					return nil, unresolved
				}
				k = nk
				return k, nil
			}})
		switch {
		case err == nil:
		case res.Order.OrderNo == "":
			return fmt.Errorf("order: %w", err)
		case unresolved != nil && err == unresolved:
			return err
		default:
			return fmt.Errorf("recharge: %w", err)
		}
		t = &terminal.Terminal{T: k, AID: purseAID}
		if _, err := t.SelectPurse(); err != nil {
			return err
		}
		after, err := t.Balance()
		if err != nil {
			return err
		}
		if res.TAC != ([4]byte{}) {
			fmt.Fprintf(io.Stdout, "TAC:           %X (checked by the centre)\n", res.TAC)
		}
		if log, err := t.ReadRecords(cpucard.SFILog, 1); err == nil && len(log) == 1 {
			if lr, err := cpucard.ParseLogRecord(log[0]); err == nil && lr.Type == epurse.TypePurseLoad {
				fmt.Fprintf(io.Stdout, "Loaded at:     %s (%s, as the centre dated CREDIT FOR LOAD), terminal %X\n", terminal.FormatDateTime(lr.DateTime), zoneLabel(zone, *target != ""), lr.Terminal)
			}
		}
		fmt.Fprintf(io.Stdout, "Balance:       %s yuan after\n", terminal.Yuan(int64(after)))
		if int64(after) != int64(bal)+amount {
			return fmt.Errorf("the card holds %s yuan, expected %s: report this card", terminal.Yuan(int64(after)), terminal.Yuan(int64(bal)+amount))
		}
		if centre != nil {
			if led, _ := centre.CardBalance(cardNo); led != int64(after) {
				fmt.Fprintf(io.Stdout, "Note:          the centre's ledger holds %s yuan for this card (it knew the card with another balance)\n", terminal.Yuan(led))
			}
		}
		fmt.Fprintf(io.Stdout, "Recharged:     +%s yuan, order %s complete\n", terminal.Yuan(amount), res.Order.OrderNo)
		return nil
	}
	return cmd
}

func cardVirtualCommand() *cli.Command {
	var (
		slot    *cli.Number
		cardNo  *string
		balance *cli.Number
		start   *bool
		quiet   *bool
		state   *string
		variant cardVariant
	)
	cmd := &cli.Command{
		Name:    "virtual",
		Summary: "Serve a software transit card in the vsmartcard virtual reader until Ctrl-C",
		Usage:   "card virtual [--slot 0|1] [--state FILE] [--card-no N] [--balance FEN] [--aid HEX] [--key-index HEX] [--cipher 3des|sm4] [--start-pcscd] [--quiet]",
		Help: `Puts a software CPU card (the transit e-purse, keys diversified from paycert's
test master keys) into vpcd slot 0 or 1, so PC/SC applications see it in the
reader "Virtual PCD 00 0<slot>", and prints every APDU it answers. Ctrl-C pulls
the card out and prints its final balance.

--state FILE keeps the card across pulls and restarts: a card in FILE is
served as it was left (files, balance, counters, transaction proofs; JSON),
else a new card is made from the flags and written there; every change is
written before the card answers, and again on removal. So Ctrl-C and a new
run with the same FILE is pulling the card and putting it back, which is how
a tear with 'card recharge --pause-before' is rehearsed. The file holds the
card's (test) keys.

Variants of a new card: --aid (default A000000632010105), --key-index (the
one INITIALIZE key index it accepts, default 01), --cipher (3des, or sm4 =
algId 04). 'card recharge' with the same --aid, --key-index and --cipher
registers such a card at its embedded centre and loads it; 'card scan --aid',
'card exec --aid --key-index' and 'apdu epurse --cipher' serve it too.

pcscd must run with the vpcd driver (apt-get install --no-install-recommends
pcscd vsmartcard-vpcd). --start-pcscd starts pcscd as a child of this command
(root, no other pcscd running) and stops it on exit.

Examples:
  paycert card virtual --start-pcscd
  paycert card virtual --slot 1 --card-no 2253000000000002 --balance 5000
  paycert card virtual --state lab-card.json --balance 5000   # again later: the same card
  paycert card virtual --cipher sm4 --key-index 03 --aid A000000632010106
  # in another terminal:
  paycert card scan --reader "PCD 00 00"`,
	}
	cmd.Flags = func(fs *flag.FlagSet) {
		slot = cli.NumberVar(fs, "slot", 0, 8, "vpcd slot: 0 (port 35963) or 1 (port 35964)")
		cardNo = fs.String("card-no", "", "card number, 16 to 20 digits (file 0x15 serial; default 2253000000000100)")
		balance = cli.NumberVar(fs, "balance", 0, 32, "initial balance in fen (decimal, or 0x hex)")
		state = fs.String("state", "", "keep the card in this JSON file across pulls and restarts")
		fs.StringVar(&variant.aid, "aid", "", "purse AID, hex (default A000000632010105)")
		fs.StringVar(&variant.keyIndex, "key-index", "", "the INITIALIZE key index the card accepts, 1 byte hex (default 01)")
		fs.StringVar(&variant.cipher, "cipher", "", "purse cipher: 3des (default) or sm4")
		start = fs.Bool("start-pcscd", false, "start pcscd as a child and stop it on exit")
		quiet = fs.Bool("quiet", false, "do not print APDUs")
	}
	cmd.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		if len(pos) != 0 {
			return cli.Usagef("card virtual takes no arguments")
		}
		if slot.Value != 0 && slot.Value != 1 {
			return cli.Usagef("--slot must be 0 or 1, got %d", slot.Value)
		}
		variant.cardNo, variant.balance = *cardNo, uint32(balance.Value)
		card, origin, err := cardVirtualCard(*state, variant, balance.IsSet)
		if err != nil {
			return err
		}
		// Every change is in the file before the card answers; a write that
		// fails ends the command (the loop below checks) rather than let the
		// file fall behind the card unnoticed.
		saveErr := make(chan error, 1)
		if *state != "" {
			card.OnCommit(func(p cpucard.Persistent) {
				if err := cardSaveState(*state, p); err != nil {
					select {
					case saveErr <- err:
					default:
					}
				}
			})
			defer card.OnCommit(nil)
		}
		if *start {
			d, err := pcscd.Start(ctx)
			if err != nil {
				return err
			}
			defer d.Stop()
			fmt.Fprintf(io.Stdout, "pcscd started (child process; stopped on exit)\n")
		} else if _, err := os.Stat(pcscd.Socket); err != nil {
			return fmt.Errorf("pcscd is not running (%s missing): start it, or pass --start-pcscd", pcscd.Socket)
		}
		var served vpcd.Card = card
		if !*quiet {
			served = lab.NewTraced(card, fmt.Sprintf("slot %d", slot.Value), io.Stdout)
		}
		b := vpcd.New(served, lab.VirtualAddr(int(slot.Value)))
		if err := b.Insert(10 * time.Second); err != nil {
			return err
		}
		defer b.Remove()
		// Report the card only once PC/SC shows it (pcscd polls vpcd every
		// ~400 ms), so a client started next finds it.
		readerName, err := cardWaitVisible(ctx, int(slot.Value))
		if err != nil {
			return err
		}
		pub, _ := cpucard.ParsePublicInfo(card.Snapshot().Files[cpucard.SFIPublic])
		snap := card.Snapshot()
		fmt.Fprintf(io.Stdout, "card %s (number %s, %s) inserted in vpcd slot %d, reader %q, balance %s yuan, online/offline counters %d/%d; Ctrl-C to remove\n",
			card.PAN(), pub.CardNumber(), origin, slot.Value, readerName, terminal.Yuan(int64(snap.Balance)), snap.OnlineSeq, snap.OfflineSeq)
		for {
			select {
			case <-ctx.Done():
				b.Remove()
				fmt.Fprintf(io.Stdout, "card removed; final balance %s yuan\n", terminal.Yuan(int64(card.Snapshot().Balance)))
				if *state != "" {
					if err := cardSaveState(*state, card.Export()); err != nil {
						return err
					}
					fmt.Fprintf(io.Stdout, "card state kept in %s\n", *state)
				}
				return nil
			case err := <-saveErr:
				b.Remove()
				return fmt.Errorf("the card changed but its state could not be kept: %w", err)
			case <-time.After(200 * time.Millisecond):
			}
			if !b.Inserted() {
				// A tear or pcscd going away drops the card: put it back, as
				// a lab tech would, unless the driver is gone for good.
				// Wait past pcscd's ~400 ms poll first, so it sees a removal
				// and powers the card up again, as for a real re-insertion.
				fmt.Fprintf(io.Stdout, "card dropped (%v); re-inserting in 1s\n", b.Err())
				select {
				case <-ctx.Done():
					continue
				case <-time.After(time.Second):
				}
				if err := b.Insert(5 * time.Second); err != nil {
					return fmt.Errorf("vpcd went away: %w", err)
				}
			}
		}
	}
	return cmd
}

// cardWaitVisible waits until PC/SC lists vpcd slot n with a card in it.
func cardWaitVisible(ctx context.Context, n int) (string, error) {
	pc, err := reader.Establish()
	if err != nil {
		return "", err
	}
	defer pc.Release()
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	return lab.WaitVirtualReader(wctx, pc, n)
}
