// Package iposcmd is "paycert ipos <interface>": one client call to an iPos
// endpoint or to the embedded reference simulator.
package iposcmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"paycert/cmd/paycert/internal/cli"
	"paycert/codecs/gbk"
	"paycert/codecs/gbkxml"
	"paycert/platforms/catalog"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/iposclient"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
	"paycert/reports/redact"
)

// Command is "paycert ipos <interface>": one client call to an iPos
// endpoint (or to the embedded simulator), printing the exchange and the
// decoded reply.
func Command() *cli.Command {
	cat := ipos.Catalogue()
	root := &cli.Command{
		Name:    "ipos",
		Summary: "Call one iPos voucher interface (seed 002) and print the exchange",
		Usage:   "ipos <interface> [--target URL --key K --isspid ID] [field=value...]",
		Help: `Sends one request (GBK XML, posted as xml=<urlencoded>&mac=md5(key+xml+key) with
charset GBK) and prints the request, the reply and the result code. Without --target the
embedded reference simulator is started on loopback with its fixture (merchant 39493002,
key 654321); with --target, --key and --isspid are required.

Exit status: 0 when result/id is 0000, 1 for any other result or a failed exchange,
2 for a usage error.

Examples:
  paycert ipos card_query valid_info=1000000000000001
  paycert ipos card_verify valid_info=1000000000000001 tx_amt=300
  paycert ipos card_verify --target https://ipos.example/ipos --key K --isspid 39493002 \
      --pos-id 1511300001 --store-id 1511300001 valid_info=1234567890123456 tx_amt=1000
  paycert ipos wecard_poscancelcard code=798492728980 consume_source=POS amount=125`,
	}
	for _, name := range ipos.Interfaces() {
		it, _ := cat.Interface(name)
		root.Subs = append(root.Subs, iposLeaf(cat, it))
	}
	return root
}

// iposHeaderFlags are the request elements the flags fill.
func iposHeaderFlags() []struct{ path, flag, usage string } {
	return []struct{ path, flag, usage string }{
		{"isspid", "isspid", "merchant id (isspid)"},
		{"system_id", "system-id", "system id (system_id)"},
		{"store_id", "store-id", "store id (store_id)"},
		{"pos_id", "pos-id", "terminal id (pos_id)"},
		{"pos_seq", "pos-seq", "terminal serial number (pos_seq); default: generated from the clock, 17 digits"},
		{"user_id", "user-id", "operator id (user_id)"},
		{"transaction_id", "transaction-id", "request serial (transaction_id); default: like pos_seq"},
	}
}

func iposLeaf(cat *catalog.Catalogue, it catalog.Interface) *cli.Command {
	var fields []string
	for _, f := range it.FieldsFor(catalog.Request) {
		p := strings.TrimPrefix(f.Path, ipos.Root+"/")
		if p == "request_type" {
			continue
		}
		fields = append(fields, fmt.Sprintf("  %-34s %-12s %-11s %s", p, typeOf(f), f.Presence, f.Meaning))
	}
	cmd := &cli.Command{
		Name:    it.Name,
		Summary: it.Title + " (" + it.Section + ")",
		Usage:   "ipos " + it.Name + " [flags] [field=value...]",
	}
	cmd.Help = "Request elements (a field=value argument names one by its path below business_trans;\n" +
		"a bare leaf name such as valid_info is found in the interface's own group):\n" +
		strings.Join(fields, "\n") + "\n\nExamples:\n" + iposExample(it.Name)
	var (
		target, key *string
		timeout     *time.Duration
		quiet       *bool
		vals        map[string]*string // request element path -> its flag
	)
	cmd.Flags = func(fs *flag.FlagSet) {
		target = fs.String("target", "", "iPos endpoint URL; empty: start the embedded simulator on loopback")
		key = fs.String("key", "", "merchant MAC key (required with --target)")
		timeout = fs.Duration("timeout", 15*time.Second, "time allowed for the exchange")
		quiet = fs.Bool("quiet", false, "print only the result line, not the exchange")
		vals = map[string]*string{}
		for _, h := range iposHeaderFlags() {
			vals[h.path] = fs.String(h.flag, "", h.usage)
		}
	}
	cmd.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		url := *target
		if url == "" {
			if *key == "" {
				*key = ipossim.FixtureKey
			}
			defaults := map[string]string{"isspid": ipossim.FixtureISSPID, "system_id": ipossim.FixtureSystemID,
				"store_id": ipossim.FixtureStoreID, "pos_id": ipossim.FixturePosID}
			for p, d := range defaults {
				if *vals[p] == "" {
					*vals[p] = d
				}
			}
			s, err := ipossim.New(sim.Options{})
			if err != nil {
				return err
			}
			srv, err := sim.Start(s, sim.ListenOptions{})
			if err != nil {
				return err
			}
			defer srv.Close()
			url = srv.URL
			fmt.Fprintf(io.Stderr, "no --target: using the embedded iPos simulator on %s (fixture merchant %s)\n", url, ipossim.FixtureISSPID)
		} else {
			if *key == "" || *vals["isspid"] == "" {
				return cli.Usagef("--target needs --key and --isspid")
			}
			if *vals["system_id"] == "" {
				*vals["system_id"] = "8888"
			}
		}
		stamp := time.Now().UTC().Format("20060102150405") + fmt.Sprintf("%03d", time.Now().Nanosecond()/1e6)
		for _, p := range []string{"pos_seq", "transaction_id"} {
			if *vals[p] == "" {
				*vals[p] = stamp
			}
		}
		req, err := iposRequest(it, vals, pos)
		if err != nil {
			return err
		}
		var exchanges []wire.Exchange
		c, err := iposclient.New(iposclient.Config{URL: url, Key: *key, Timeout: *timeout,
			Observe: func(ex wire.Exchange) { exchanges = append(exchanges, ex) }})
		if err != nil {
			return err
		}
		reply, callErr := c.Do(ctx, req)
		if !*quiet {
			for _, ex := range exchanges {
				printExchange(io.Stdout, ex)
			}
		}
		// A result other than 0000 still prints the reply; any other
		// failure has no reply worth printing.
		result := wire.Code(callErr) != ""
		if callErr != nil && !result {
			return &cli.ExitError{Code: 1, Err: callErr}
		}
		if reply != nil {
			fmt.Fprintf(io.Stdout, "result: %s %s\n", reply.Result.ID, reply.Result.Comment)
			if reply.Result.OK() {
				if fs := ipos.CheckReply(cat, req, reply); len(fs) != 0 {
					fmt.Fprintf(io.Stdout, "reply deviates from the %s table:\n", it.Name)
					for _, f := range fs {
						fmt.Fprintf(io.Stdout, "  %s\n", f)
					}
					return &cli.ExitError{Code: 1}
				}
			}
		}
		if result {
			return &cli.ExitError{Code: 1}
		}
		return nil
	}
	return cmd
}

func typeOf(f catalog.Field) string {
	if f.MaxLen > 0 {
		return fmt.Sprintf("%s(%d)", f.Type, f.MaxLen)
	}
	return f.Type
}

func iposExample(name string) string {
	ex := map[string]string{
		ipos.BindPos:             "pos_id=1511300002 store_info/store_id=1511300001 store_info/store_name=门店",
		ipos.CardQuery:           "valid_info=1000000000000001",
		ipos.CardVerify:          "valid_info=1000000000000001 tx_amt=300",
		ipos.CardCancel:          "valid_info=1000000000000002 org_pos_seq=1511300000901",
		ipos.CardReversal:        "valid_info=1000000000000002 org_pos_seq=1511300000901",
		ipos.CardDaily:           "daily_day=" + time.Now().Format("20060102"),
		ipos.WecardGetCodeInfo:   "code=798492728980",
		ipos.WecardGetTraceList:  "code=798492728980",
		ipos.WecardPosCancelCard: "code=798492728980 consume_source=POS amount=125",
		ipos.WecardGetPosSeqInfo: "code=798492728980",
		ipos.WecardPosReturnd:    "code=798492728980 consume_source=POS org_pos_seq=20260301000000001",
		ipos.WecardPosRevoke:     "code=798492728980 consume_source=POS",
	}
	return "  paycert ipos " + name + " " + ex[name] + "\n" +
		"  paycert ipos " + name + " --target https://ipos.example/ipos --key K --isspid 39493002 " + ex[name]
}

// iposRequest assembles the request: header elements the interface's table
// has, from the flags; then the field=value arguments, a bare leaf name
// resolved against the table; then the table's order.
func iposRequest(it catalog.Interface, vals map[string]*string, args []string) (ipos.Request, error) {
	table := map[string]bool{}
	leaf := map[string][]string{}
	for _, f := range it.FieldsFor(catalog.Request) {
		p := strings.TrimPrefix(f.Path, ipos.Root+"/")
		table[p] = true
		l := p[strings.LastIndexByte(p, '/')+1:]
		leaf[l] = append(leaf[l], p)
	}
	req := ipos.Request{Interface: it.Name}
	for _, h := range iposHeaderFlags() {
		if table[h.path] && *vals[h.path] != "" {
			req = req.With(h.path, *vals[h.path])
		}
	}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return req, cli.Usagef("argument %q is not field=value", a)
		}
		if !table[k] {
			switch cands := leaf[k]; len(cands) {
			case 1:
				k = cands[0]
			case 0:
				// An element the table does not know is sent as given:
				// the tolerance of the far end is worth testing.
			default:
				return req, cli.Usagef("field %q is ambiguous: %s", k, strings.Join(cands, ", "))
			}
		}
		req = req.With(k, v)
	}
	return ipos.OrderByCatalogue(it, req), nil
}

// printExchange shows one exchange for a person: the form body with its
// xml decoded from GBK, then the reply decoded.
func printExchange(w io.Writer, ex wire.Exchange) {
	fmt.Fprintf(w, "--> %s %s  (%s, %d bytes, Content-Type %s)\n", ex.Method, redact.URL(ex.URL), ex.Interface, len(ex.Request), ex.Header["Content-Type"])
	if x, m, err := gbkxml.ParseFormBody(ex.Request); err == nil || errors.Is(err, gbkxml.ErrNoMAC) {
		fmt.Fprintf(w, "xml=%s\nmac=%s\n", showGBK(x), m)
	} else {
		fmt.Fprintf(w, "%s\n", ex.Request)
	}
	if ex.Err != "" {
		fmt.Fprintf(w, "<-- no reply: %s\n", ex.Err)
		return
	}
	fmt.Fprintf(w, "<-- HTTP %d (%s) in %s\n%s\n", ex.Status, ex.Header["Reply-Content-Type"], ex.Duration.Round(time.Microsecond), showGBK(ex.Reply))
}

func showGBK(b []byte) string {
	if s, err := gbk.DecodeString(b); err == nil {
		return s
	}
	return fmt.Sprintf("%q (not valid GBK)", b)
}
