// Package kakatongcmd is "paycert kakatong": a client for the Kakatong card
// gateway and the code and trade tables.
package kakatongcmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"paycert/cmd/paycert/internal/cli"
	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongclient"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/wire"
	"paycert/reports/redact"
)

// Command is "paycert kakatong": a client for the Kakatong card
// gateway (seed 000) and the tables an engineer looks codes up in.
func Command() *cli.Command {
	return &cli.Command{
		Name:    "kakatong",
		Summary: "Kakatong card gateway client: trades, any REST method or SOAP operation, code and trade tables",
		Usage:   "kakatong <command> [arguments]",
		Help: `Talks to a Kakatong gateway (seed 000, v2.3) or to the reference simulator
('paycert sim kakatong'). REST calls are GET /s/get?method=...; with --soap the
same call goes to the SOAP 1.2 endpoint /s/sp.php (GB2312 by default, as the
seed's sample client). The defaults are the seed's test accounts: merchant
1155, terminal 11552001, key NV41VDlSNldhFTFeYw0z, password 111111.

Examples:
  paycert sim kakatong --listen 127.0.0.1:8082 &
  paycert kakatong trade --url http://127.0.0.1:8082 --card 1680115500000126 --type 0022 --mode 1 --amount 100
  paycert kakatong call --url http://127.0.0.1:8082 --soap tSRequest CARDNO=1680115500000126
  paycert kakatong codes`,
		Subs: []*cli.Command{kakatongTradeCommand(), kakatongCallCommand(), kakatongCodesCommand(), kakatongRowsCommand(), kakatongWSDLCommand()},
	}
}

// kakatongConn holds the connection flags every calling subcommand shares.
type kakatongConn struct {
	url, key, copno, pos, lang, charset *string
	soap, verbose                       *bool
}

func kakatongFlags(fs *flag.FlagSet) kakatongConn {
	return kakatongConn{
		url:     fs.String("url", "", "gateway base URL, e.g. http://127.0.0.1:8082 (required)"),
		key:     fs.String("key", kakatongsim.LicenceKey, "licence key (LICENSEKEY); a secret on a real gateway"),
		copno:   fs.String("copno", kakatongsim.CopNo, "merchant id (COPNO)"),
		pos:     fs.String("pos", kakatongsim.PosCode, "terminal id (POSCODE)"),
		lang:    fs.String("lang", "", "LANG: GB2312 for Chinese texts, empty for English"),
		charset: fs.String("charset", "GB2312", "SOAP request charset: GB2312 or UTF-8"),
		soap:    fs.Bool("soap", false, "call the SOAP 1.2 operation instead of the REST method"),
		verbose: fs.Bool("v", false, "print every request and reply"),
	}
}

func (k kakatongConn) client(tio cli.IO) (*kakatongclient.Client, error) {
	if *k.url == "" {
		return nil, cli.Usagef("--url is required")
	}
	cs := strings.ToUpper(*k.charset)
	if cs != "GB2312" && cs != "UTF-8" {
		return nil, cli.Usagef("--charset must be GB2312 or UTF-8, not %q", *k.charset)
	}
	var obs wire.Observer
	if *k.verbose {
		obs = func(ex wire.Exchange) {
			fmt.Fprintf(tio.Stderr, "> %s %s\n", ex.Method, redact.URL(ex.URL))
			if len(ex.Request) > 0 {
				fmt.Fprintf(tio.Stderr, "%s\n", ex.Request)
			}
			fmt.Fprintf(tio.Stderr, "< HTTP %d (%s)\n%s\n", ex.Status, ex.Header["Content-Type"], ex.Reply)
		}
	}
	c, err := kakatongclient.New(kakatongclient.Config{URL: *k.url, LicenceKey: *k.key, CopNo: *k.copno, PosCode: *k.pos, Lang: *k.lang, SOAPCharset: cs, Observe: obs})
	if err != nil {
		return nil, &cli.ExitError{Code: 2, Err: err}
	}
	return c, nil
}

// printKakatongReply prints every record and turns a business failure into
// exit status 1.
func printKakatongReply(w io.Writer, r *kakatong.Reply, err error) error {
	if r == nil {
		return err
	}
	if r.Licence != "" {
		fmt.Fprintf(w, "licence: %s\n", r.Licence)
	}
	for i, rec := range r.Records {
		if len(r.Records) > 1 {
			fmt.Fprintf(w, "record %d\n", i+1)
		}
		tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
		for _, n := range rec.Names {
			fmt.Fprintf(tw, "%s:\t%s\n", n, rec.Values[n])
		}
		tw.Flush()
	}
	if r.Method == kakatong.MethodStream && r.IsStreamList() {
		fmt.Fprintf(w, "%d trade(s)\n", len(r.Records))
	}
	var re *wire.ResultError
	if errors.As(err, &re) {
		return &cli.ExitError{Code: 1, Err: fmt.Errorf("result %s: %s", re.Code, kakatong.CodeOf(re.Code).TextEN)}
	}
	return err
}

func kakatongTradeCommand() *cli.Command {
	cmd := &cli.Command{
		Name:    "trade",
		Summary: "Run one trade (cTRequest / soapCardTrade) of the trade table",
		Usage:   "kakatong trade --url URL --card CARD --type TYPE --mode MODE [--amount FEN] [flags]",
		Help: `Runs one row of the trade table (see 'paycert kakatong rows'): purchase 0022/1,
its undo 0022/0 with --stance-rev, recharges 1100-1103, points 0033/0034,
queries 0011, stream 0012, bind 2200 (--idnum), password 4400 (--old/--new),
activation 0001/1, reversal 0400/-. AMOUNT is in fen. The password is sent as
md5 over REST and as typed over SOAP, as the seed's samples do. Exit status
is 0 on success, 1 when the gateway answers another code.

Examples:
  paycert kakatong trade --url http://127.0.0.1:8082 --card 1680115500000126 --type 0011 --mode 0
  paycert kakatong trade --url http://127.0.0.1:8082 --card 1680115500000126 --type 0022 --mode 1 --amount 250 --lang GB2312
  paycert kakatong trade --url http://127.0.0.1:8082 --card 1680115500000126 --type 0022 --mode 0 --stance-rev 00000001 --soap`,
	}
	var (
		conn kakatongConn
		t    kakatongclient.Trade
	)
	cmd.Flags = func(fs *flag.FlagSet) {
		conn = kakatongFlags(fs)
		t = kakatongclient.Trade{}
		fs.StringVar(&t.CardNo, "card", "", "card number (CARDNO, 16 digits)")
		fs.StringVar(&t.Password, "password", kakatongsim.Password, "the card's 6-digit password")
		fs.StringVar(&t.Type, "type", "", "TRADETYPE, e.g. 0022")
		fs.StringVar(&t.Mode, "mode", "", "TRADEMODE, e.g. 1 (- for 0400)")
		fs.StringVar(&t.Amount, "amount", "", "AMOUNT in fen")
		fs.StringVar(&t.ItemCode, "item", "", "ITEMCODE (service code)")
		fs.StringVar(&t.StanceRev, "stance-rev", "", "STANCE_REV: the stance to undo or reverse")
		fs.StringVar(&t.IDNum, "idnum", "", "IDNUM for 2200 bind/unbind")
		fs.StringVar(&t.OldPwd, "old", "", "OLD_PWD for 4400/0")
		fs.StringVar(&t.NewPwd, "new", "", "NEW_PWD for 4400")
	}
	cmd.Run = func(ctx context.Context, tio cli.IO, pos []string) error {
		if len(pos) != 0 {
			return cli.Usagef("trade takes no arguments, only flags")
		}
		if t.CardNo == "" || t.Type == "" {
			return cli.Usagef("--card and --type are required")
		}
		c, err := conn.client(tio)
		if err != nil {
			return err
		}
		var r *kakatong.Reply
		if *conn.soap {
			r, err = c.TradeSOAP(ctx, t)
		} else {
			r, err = c.Trade(ctx, t)
		}
		return printKakatongReply(tio.Stdout, r, err)
	}
	return cmd
}

func kakatongCallCommand() *cli.Command {
	cmd := &cli.Command{
		Name:    "call",
		Summary: "Call any REST method (or its SOAP operation) with NAME=VALUE parameters",
		Usage:   "kakatong call --url URL [--soap] METHOD [NAME=VALUE...]",
		Help: `Calls one of cTRequest, rSCardPwd, aCRequest, tSRequest, cIRequest, bCRequest
with the given parameters (REST names); LICENSEKEY, COPNO and LANG come from
the flags unless given. tSRequest gets TRADETYPE=0012 TRADEMODE=0 and zero
filters by default. With --soap the matching operation (soapCardTrade,
soapChangeCardPwd, soapActiveCard, soapTradeStream, soapCardInfo,
soapBindCard) is called instead.

Examples:
  paycert kakatong call --url http://127.0.0.1:8082 aCRequest CARDNO=1680115500000125 CARDPWD=111111 POSCODE=11552001
  paycert kakatong call --url http://127.0.0.1:8082 tSRequest CARDNO=1680115500000126
  paycert kakatong call --url http://127.0.0.1:8082 --soap cIRequest CARDNO=1680115500000126 USR_EN_NAME=ceraki`,
	}
	var conn kakatongConn
	cmd.Flags = func(fs *flag.FlagSet) { conn = kakatongFlags(fs) }
	cmd.Run = func(ctx context.Context, tio cli.IO, pos []string) error {
		if len(pos) == 0 {
			return cli.Usagef("name a method: %s", strings.Join(kakatong.Methods(), ", "))
		}
		method := pos[0]
		known := false
		for _, m := range kakatong.Methods() {
			known = known || m == method
		}
		if !known {
			return cli.Usagef("unknown method %q (known: %s)", method, strings.Join(kakatong.Methods(), ", "))
		}
		p := kakatongclient.Params{}
		if method == kakatong.MethodStream {
			p = kakatongclient.StreamParams(kakatongclient.StreamQuery{})
		}
		for _, kv := range pos[1:] {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return cli.Usagef("parameter %q: want NAME=VALUE", kv)
			}
			p[k] = v
		}
		c, err := conn.client(tio)
		if err != nil {
			return err
		}
		var r *kakatong.Reply
		if *conn.soap {
			r, err = c.CallSOAP(ctx, method, p)
		} else {
			r, err = c.Call(ctx, method, p)
		}
		return printKakatongReply(tio.Stdout, r, err)
	}
	return cmd
}

func kakatongCodesCommand() *cli.Command {
	cmd := &cli.Command{
		Name:    "codes",
		Summary: "Print the licence and return codes with Chinese and English texts",
		Usage:   "kakatong codes [CODE...]",
		Help: `Prints the catalogue's codes: licence results 0-4, return codes 00-71 and the
unnumbered 非法操作 and 此卡已冻结, with the reason a client cannot provoke
some of them. Give codes to print only those.

Examples:
  paycert kakatong codes
  paycert kakatong codes 12 63`,
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		want := map[string]bool{}
		for _, c := range pos {
			want[c] = true
		}
		tw := tabwriter.NewWriter(tio.Stdout, 0, 4, 2, ' ', 0)
		n := 0
		for _, k := range kakatong.Catalogue().Codes {
			if len(want) > 0 && !want[k.Code] {
				continue
			}
			n++
			note := ""
			if k.Unprovokable != "" {
				note = "  [unprovokable: " + k.Unprovokable + "]"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s%s\n", k.Code, k.Kind, k.Text, k.TextEN, note)
		}
		tw.Flush()
		if n == 0 {
			return &cli.ExitError{Code: 1, Err: fmt.Errorf("no such code: %s", strings.Join(pos, " "))}
		}
		return nil
	}
	return cmd
}

func kakatongRowsCommand() *cli.Command {
	cmd := &cli.Command{
		Name:    "rows",
		Summary: "Print the 24 trade type/mode rows and the reply field each fills",
		Usage:   "kakatong rows",
		Help: `Prints 交易类型及代码一览表: TRADETYPE, TRADEMODE, the trade's name, whether it is
an undo (needs STANCE_REV), the success code and the reply field it fills.

Examples:
  paycert kakatong rows`,
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		if len(pos) != 0 {
			return cli.Usagef("rows takes no arguments")
		}
		tw := tabwriter.NewWriter(tio.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "TYPE\tMODE\tNAME\tUNDO\tOK\tFILLS\n")
		for _, r := range kakatong.Rows() {
			fill := string(r.Fill)
			if fill == "" {
				fill = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s (%s)\t%v\t%s\t%s\n", r.Type, r.Mode, r.Name, r.NameEN, r.Undo, r.OK, fill)
		}
		return tw.Flush()
	}
	return cmd
}

func kakatongWSDLCommand() *cli.Command {
	cmd := &cli.Command{
		Name:    "wsdl",
		Summary: "Print the gateway's WSDL (SOAP 1.2) for a service address",
		Usage:   "kakatong wsdl [--location URL]",
		Help: `Prints the WSDL the reference simulator serves at /s/sp.php?wsdl, with the
service address set to --location, for SOAP toolkits that want a file.

Examples:
  paycert kakatong wsdl --location http://127.0.0.1:8082/s/sp.php > sp.wsdl`,
	}
	var loc *string
	cmd.Flags = func(fs *flag.FlagSet) {
		loc = fs.String("location", "http://127.0.0.1:8082"+kakatong.SOAPPath, "SOAP endpoint written into the WSDL")
	}
	cmd.Run = func(_ context.Context, tio cli.IO, pos []string) error {
		if len(pos) != 0 {
			return cli.Usagef("wsdl takes no arguments")
		}
		_, err := tio.Stdout.Write(kakatong.WSDL(*loc))
		return err
	}
	return cmd
}
