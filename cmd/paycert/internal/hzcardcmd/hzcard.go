// Package hzcardcmd is "paycert hzcard": one call to any interface of the
// Huzhou recharge centre (seed 003), or the whole charge flow with a
// software card.
package hzcardcmd

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"paycert/cmd/paycert/internal/cli"
	"paycert/codecs/apdu"
	"paycert/codecs/signdomain"
	"paycert/codecs/sm2"
	"paycert/platforms/catalog"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
	"paycert/reports/redact"
)

// Command is "paycert hzcard": one call to any interface of the Huzhou
// recharge centre (seed 003), or the whole charge flow with a software card.
func Command() *cli.Command {
	cat := hzcard.Catalogue()
	root := &cli.Command{
		Name:    "hzcard",
		Summary: "Call one Huzhou transit-card interface (seed 003), or run a whole charge with a software card",
		Usage:   "hzcard <interface|charge> [flags] [field=value...]",
		Help: `Every request is JSON signed SM3withSM2 with the joining institution's key; every reply's
signature is checked with the centre's public key, and a reply that fails is dropped (exit 1).
Without --target the embedded reference centre is started on loopback with its fixture
(institution HZTEST0001, merchant 330500000000001, terminal 10000001, cards 2253000000000001-05).

Examples:
  paycert hzcard charge --amount 5000
  paycert hzcard cardInfoQuery
  paycert hzcard chargeOrderCreate cardno=2253000000000001 paytype=10 payorderno=P1 txnamt=2000
  paycert hzcard chargeOrderQuery --target http://10.0.0.5:8080 --inst-key inst.pem --centre-pub centre.pem \
      cardno=2253000000000001 recnumperpage=20 currpage=1 orderby=0`,
	}
	root.Subs = append(root.Subs, hzChargeCommand())
	for _, name := range hzcard.InterfaceNames() {
		it, _ := cat.Interface(name)
		root.Subs = append(root.Subs, hzLeaf(it))
	}
	return root
}

// hzFlags are the connection and envelope flags every leaf shares.
type hzFlags struct {
	target, instKey, centrePub                            *string
	joininst, instid, mchnt, term, chnl, profile, cardArg *string
	timeout                                               *time.Duration
	quiet, noVerify                                       *bool
}

func hzAddFlags(fs *flag.FlagSet) hzFlags {
	return hzFlags{
		target:    fs.String("target", "", "centre base URL (http://host:port); empty: the embedded simulator on loopback"),
		instKey:   fs.String("inst-key", "", "joining institution's SM2 private key: hex or a PEM file path (default: the fixture's test key)"),
		centrePub: fs.String("centre-pub", "", "centre's SM2 public key: hex or a PEM file path (default: the fixture's)"),
		joininst:  fs.String("joininstid", hzcard.TestJoinInstID, "joininstid"),
		instid:    fs.String("instid", hzcard.TestInstID, "instid (8 digits)"),
		mchnt:     fs.String("mchntid", hzcard.TestMchntID, "mchntid (15 digits)"),
		term:      fs.String("termid", hzcard.TestTermID, "termid (8 digits)"),
		chnl:      fs.String("chnlid", hzcard.TestChnlID, "chnlid (appendix E)"),
		profile:   fs.String("sign-profile", "", "sign domain profile (sign-empty, sign-removed, sorted-sign-empty, sorted-sign-removed)"),
		cardArg:   fs.String("card", "2253000000000001", "card number of the software card (embedded simulator or a centre using the test master keys)"),
		timeout:   fs.Duration("timeout", 15*time.Second, "time allowed for the whole command"),
		quiet:     fs.Bool("quiet", false, "print only the results, not the exchanges"),
		noVerify:  fs.Bool("no-verify", false, "do not drop replies whose signature fails (debugging a centre only)"),
	}
}

// hzSetup starts the embedded centre when no target is given and builds a
// client that prints every exchange. The returned stop must be called.
// The flags are checked before the centre starts, so a bad one leaves
// nothing to stop.
func hzSetup(io cli.IO, f hzFlags) (*hzcardclient.Client, *hzcardsim.Simulator, func(), error) {
	noop := func() {}
	cfg := hzcardclient.Config{URL: *f.target, JoinInstID: *f.joininst, InstID: *f.instid, MchntID: *f.mchnt, TermID: *f.term,
		ChnlID: *f.chnl, NoVerify: *f.noVerify}
	var err error
	if *f.instKey != "" {
		if cfg.Key, err = cli.LoadKey(*f.instKey, sm2.ParsePrivateKey); err != nil {
			return nil, nil, noop, cli.Usagef("--inst-key: %v", err)
		}
	}
	if *f.centrePub != "" {
		if cfg.CentreKey, err = cli.LoadKey(*f.centrePub, sm2.ParsePublicKey); err != nil {
			return nil, nil, noop, cli.Usagef("--centre-pub: %v", err)
		}
	}
	if *f.profile != "" {
		if cfg.Profile, err = signdomain.ParseProfile(*f.profile); err != nil {
			return nil, nil, noop, cli.Usagef("--sign-profile: %v", err)
		}
	}
	if !*f.quiet {
		cfg.Observe = func(ex wire.Exchange) { hzPrintExchange(io.Stdout, ex) }
		cfg.ObserveAPDU = func(ex hzcardclient.APDUExchange) { hzPrintAPDU(io.Stdout, ex) }
	}
	stop := noop
	var s *hzcardsim.Simulator
	if cfg.URL == "" {
		if s, err = hzcardsim.New(sim.Options{}); err != nil {
			return nil, nil, noop, fmt.Errorf("embedded centre: %w", err)
		}
		srv, err := sim.Start(s, sim.ListenOptions{})
		if err != nil {
			return nil, nil, noop, fmt.Errorf("embedded centre: %w", err)
		}
		stop = func() { _ = srv.Close() }
		cfg.URL = srv.URL
		fmt.Fprintf(io.Stderr, "no --target: using the embedded Huzhou centre on %s\n", cfg.URL)
	}
	c, err := hzcardclient.New(cfg)
	if err != nil {
		stop()
		return nil, nil, noop, err
	}
	return c, s, stop, nil
}

// hzCard returns the software card to run APDUs on: the embedded
// simulator's own, or one personalised from the test master keys (for a
// centre that uses them, e.g. "paycert sim hzcard").
func hzCard(s *hzcardsim.Simulator, no string) (*cpucard.Card, error) {
	if s != nil {
		if c, ok := s.Card(no); ok {
			return c, nil
		}
		return nil, cli.Usagef("--card %s: the embedded centre has no such card", no)
	}
	c, err := cpucard.New(cpucard.Profile{PAN: no})
	if err != nil {
		return nil, cli.Usagef("--card %s: %v", no, err)
	}
	return c, nil
}

func hzChargeCommand() *cli.Command {
	cmd := &cli.Command{
		Name:    "charge",
		Summary: "Run the whole charge flow with a software card and print every exchange and APDU",
		Usage:   "hzcard charge --amount FEN [--card N] [--tear init|credit] [flags]",
		Help: `Runs the flow of the simulator's package doc: cardInfoQuery (the card's read commands),
chargeOrderCreate, [SELECT, INITIALIZE FOR LOAD] on the card, cardChargeRequest,
[CREDIT FOR LOAD] on the card, cardChargeConfirm. With --tear credit the card leaves
after writing CREDIT FOR LOAD; the command then powers it on again and resolves the
order with chargeOrderManageRequest/Confirm (GET TRANSACTION PROOF). It prints the
balances on the card and, against the embedded centre, in its ledger, and fails unless
they agree.

Exit status: 0 when the money is on the card and the centre agrees, 1 otherwise.

Examples:
  paycert hzcard charge --amount 5000
  paycert hzcard charge --amount 1000 --card 2253000000000002 --tear credit
  paycert hzcard charge --amount 2000 --target http://127.0.0.1:8080 --quiet`,
	}
	var (
		f         hzFlags
		amount    *int64
		pay, tear *string
	)
	cmd.Flags = func(fs *flag.FlagSet) {
		f = hzAddFlags(fs)
		amount = fs.Int64("amount", 0, "amount to charge, fen (required)")
		pay = fs.String("payorderno", "", "payment order number (default: generated)")
		tear = fs.String("tear", "", "tear the card during init (INITIALIZE FOR LOAD) or credit (CREDIT FOR LOAD)")
	}
	cmd.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		if len(pos) > 0 {
			return cli.Usagef("charge takes no positional arguments")
		}
		if *amount <= 0 {
			return cli.Usagef("--amount is required (fen, > 0)")
		}
		if *tear != "" && *tear != "init" && *tear != "credit" {
			return cli.Usagef("--tear %q: init or credit", *tear)
		}
		ctx, cancel := context.WithTimeout(ctx, *f.timeout)
		defer cancel()
		c, s, stop, err := hzSetup(io, f)
		if err != nil {
			return err
		}
		defer stop()
		card, err := hzCard(s, *f.cardArg)
		if err != nil {
			return err
		}
		if *pay == "" {
			*pay = "CLI" + strconv.FormatInt(time.Now().UnixNano(), 36)
		}
		info, err := hzcardclient.ReadCard(ctx, c, card)
		if err != nil {
			return &cli.ExitError{Code: 1, Err: fmt.Errorf("cardInfoQuery: %w", err)}
		}
		fmt.Fprintf(io.Stdout, "card %s (%s) balance %s fen, may charge %s..%s in steps of %s\n",
			info.CardNo, info.CardStatusDesc, info.CardBal, info.MinSvAmt, info.MaxSvAmt, info.ChargeBase)
		switch *tear {
		case "init":
			card.TearNext(apdu.INSInitialize)
		case "credit":
			card.TearNext(apdu.INSCreditForLoad)
		}
		res, err := c.Recharge(ctx, card, hzcardclient.RechargeOptions{CardNo: info.CardNo, Amount: *amount, PayOrderNo: *pay,
			Recover: true, MaxTears: 1,
			Reconnect: func(_ context.Context, te *hzcardclient.TornError) (hzcardclient.Transmitter, error) {
				if te.Step != hzcardclient.StepCredit {
					return nil, te // nothing was written: the order stays chargeable, reported below
				}
				fmt.Fprintf(io.Stdout, "card torn during %s; order %s left in doubt: powering on and managing\n", te.Step, te.OrderNo)
				card.PowerOn()
				return card, nil
			},
			Observe: func(ev hzcardclient.RechargeEvent) {
				if ev.Kind == hzcardclient.EventManaged {
					fmt.Fprintf(io.Stdout, "management: %s (credited: %v)\n", ev.Manage.Code, ev.Manage.Credited)
				}
			}})
		var te *hzcardclient.TornError
		switch {
		case errors.As(err, &te) && !res.Recovered:
			fmt.Fprintf(io.Stdout, "card torn during %s; order %s stays chargeable\n", te.Step, te.OrderNo)
			return &cli.ExitError{Code: 1}
		case err != nil:
			return &cli.ExitError{Code: 1, Err: err}
		case !res.Recovered:
			fmt.Fprintf(io.Stdout, "charged %d fen: order %s, card balance %d -> %d, TAC %X, %s %s\n",
				*amount, res.Order.OrderNo, res.Before, res.After, res.TAC, res.Times.TxnDate, res.Times.TxnTime)
		}
		onCard := int64(card.Snapshot().Balance)
		fmt.Fprintf(io.Stdout, "balance on the card: %d fen\n", onCard)
		if s != nil {
			bal, _ := s.CardBalance(info.CardNo)
			fmt.Fprintf(io.Stdout, "balance at the centre: %d fen\n", bal)
			if err := s.Audit(); err != nil {
				return &cli.ExitError{Code: 1, Err: fmt.Errorf("ledger: %w", err)}
			}
			if bal != onCard {
				return &cli.ExitError{Code: 1, Err: errors.New("card and centre disagree")}
			}
		}
		return nil
	}
	return cmd
}

func hzLeaf(it catalog.Interface) *cli.Command {
	var fields []string
	for _, f := range it.FieldsFor(catalog.Request) {
		if !strings.HasPrefix(f.Path, "data.") {
			continue
		}
		fields = append(fields, fmt.Sprintf("  %-16s %-10s %-11s %s", strings.TrimPrefix(f.Path, "data."), f.Type, f.Presence, f.Meaning))
	}
	cmd := &cli.Command{
		Name:    it.Name,
		Summary: it.Title + " (" + it.Section + ")",
		Usage:   "hzcard " + it.Name + " [flags] [field=value...]",
	}
	example := map[string]string{
		hzcard.ChargeOrderCreate: "cardno=2253000000000001 chargetype=01 paytype=10 payorderno=P1 txnamt=2000",
		hzcard.ChargeOrderQuery:  "cardno=2253000000000001 recnumperpage=20 currpage=1 orderby=0",
		hzcard.ChargeOrderCancel: "cardno=2253000000000001 orderno=HZ202605010000000001",
	}[it.Name]
	if example == "" {
		example = "cardno=2253000000000001 ..."
	}
	extra := ""
	if it.Name == hzcard.CardInfoQuery {
		extra = "Without apdulist, the read commands of appendix C are run on the software card --card\n" +
			"and their results sent.\n\n"
		example = "--card 2253000000000002"
	}
	cmd.Help = extra + "Data fields (field=value; a value starting with { is sent as a JSON object):\n" +
		strings.Join(fields, "\n") + "\n\nExamples:\n  paycert hzcard " + it.Name + " " + example +
		"\n  paycert hzcard " + it.Name + " --target http://10.0.0.5:8080 --inst-key inst.pem --centre-pub centre.pem " + example
	var f hzFlags
	cmd.Flags = func(fs *flag.FlagSet) { f = hzAddFlags(fs) }
	cmd.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		data := map[string]any{}
		for _, a := range pos {
			k, v, ok := strings.Cut(a, "=")
			if !ok || k == "" {
				return cli.Usagef("argument %q: want field=value", a)
			}
			if strings.HasPrefix(v, "{") {
				if !json.Valid([]byte(v)) {
					return cli.Usagef("%s: not a JSON object", k)
				}
				data[k] = json.RawMessage(v)
			} else {
				data[k] = v
			}
		}
		ctx, cancel := context.WithTimeout(ctx, *f.timeout)
		defer cancel()
		c, s, stop, err := hzSetup(io, f)
		if err != nil {
			return err
		}
		defer stop()
		if it.Name == hzcard.CardInfoQuery && data["apdulist"] == nil {
			card, err := hzCard(s, *f.cardArg)
			if err != nil {
				return err
			}
			list := hzcardclient.ReadList()
			resp, err := c.Run(card, list)
			if err != nil {
				return &cli.ExitError{Code: 1, Err: err}
			}
			data["apdunum"] = strconv.Itoa(len(resp))
			data["apdulist"], data["apduresp"] = list, resp.String()
		}
		var out map[string]any
		reply, err := c.Call(ctx, it.Name, data, &out)
		var re *wire.ResultError
		if err != nil && !errors.As(err, &re) {
			return &cli.ExitError{Code: 1, Err: err}
		}
		fmt.Fprintf(io.Stdout, "result: %s %s\n", reply.Result, reply.ResultDesc)
		keys := make([]string, 0, len(out))
		for k := range out {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(io.Stdout, "  %s = %v\n", k, out[k])
		}
		if re != nil {
			return &cli.ExitError{Code: 1}
		}
		return nil
	}
	return cmd
}

func hzPrintExchange(w io.Writer, ex wire.Exchange) {
	fmt.Fprintf(w, "--> POST %s (%s)\n%s\n", redact.URL(ex.URL), ex.Interface, ex.Request)
	if ex.Err != "" {
		fmt.Fprintf(w, "<-- no reply: %s\n", ex.Err)
		return
	}
	fmt.Fprintf(w, "<-- HTTP %d in %s\n%s\n", ex.Status, ex.Duration.Round(time.Microsecond), ex.Reply)
}

func hzPrintAPDU(w io.Writer, ex hzcardclient.APDUExchange) {
	name := ""
	if cmd, err := apdu.ParseCommand(ex.Command); err == nil {
		name = apdu.Name(cmd)
	}
	fmt.Fprintf(w, "card> %X  %s\n", ex.Command, name)
	if ex.Err != nil {
		fmt.Fprintf(w, "card< (none: %v)\n", ex.Err)
		return
	}
	fmt.Fprintf(w, "card< %X\n", ex.Response)
}
