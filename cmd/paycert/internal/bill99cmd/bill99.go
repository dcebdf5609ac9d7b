// Package bill99cmd is "paycert bill99": one call to a 99bill
// agreement-payment interface (seed 001), the test PKI, and the TR3
// signature tools.
package bill99cmd

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"paycert/cmd/paycert/internal/cli"
	"paycert/codecs/rsasig"
	"paycert/codecs/testpki"
	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99client"
	"paycert/platforms/bill99/bill99sim"
	"paycert/platforms/catalog"
	"paycert/platforms/sim"
)

// Command is "paycert bill99 ...": one call to a 99bill agreement-
// payment interface over mutual TLS (or to the embedded simulator), the
// test PKI, and the TR3 signature tools.
func Command() *cli.Command {
	cat := bill99.Catalogue()
	root := &cli.Command{
		Name:    "bill99",
		Summary: "Call a 99bill agreement-payment interface (seed 001), make a test PKI, sign/verify TR3",
		Usage:   "bill99 <interface|pki|tr3> ...",
		Help: `Interfaces are sent as UTF-8 MasMessage XML over mutual TLS; without --url the
embedded reference simulator is started on loopback with its own PKI and fixture.
'pki' writes a test PKI like the sandbox kit (10411004511201290.pfx, mgw.cer) and
'tr3' signs or verifies TR3 notices (RSA-SHA1 over the exact GBK bytes, base64 in
the ` + bill99.SignatureHeader + ` header).

Examples:
  paycert bill99 card_info cardNo=6217003320034459100
  paycert bill99 purchase customerId=33150001 payToken=8120000002867710851 amount=10
  paycert bill99 purchase --url https://sandbox.99bill.com --pfx 10411004511201290.pfx --password P \
      customerId=fj2030 payToken=8120000000000700000 amount=0.01
  paycert bill99 pki --out ./pki
  paycert sim bill99 --pki-dir ./pki     (serve the simulator with that kit)
  paycert bill99 tr3 verify --cert mgw.cer --sig BASE64 notice.xml`,
	}
	for _, it := range cat.Interfaces {
		if it.Name == bill99.IfTR3 {
			continue
		}
		root.Subs = append(root.Subs, bill99Leaf(it))
	}
	root.Subs = append(root.Subs, bill99PKICommand(), bill99TR3Command())
	return root
}

func bill99Leaf(it catalog.Interface) *cli.Command {
	el := bill99.RequestContent(it.Name)
	var rows []string
	for _, f := range it.FieldsFor(catalog.Request) {
		if f.Path == "version" {
			continue
		}
		rows = append(rows, fmt.Sprintf("  %-20s %-9s %-11s %s", strings.TrimPrefix(f.Path, el+"/"), lenOf(f), f.Presence, f.Meaning))
	}
	example := map[string]string{
		bill99.IfIndAuth:       "  paycert bill99 ind_auth customerId=u1 pan=6217000000000000022 phoneNO=13700000022",
		bill99.IfIndAuthVerify: "  paycert bill99 ind_auth_verify customerId=u1 externalRefNumber=R1 pan=6217000000000000022 phoneNO=13700000022 validCode=123456 token=1300177",
		bill99.IfPurchase:      "  paycert bill99 purchase customerId=33150001 payToken=8120000002867710851 amount=10",
		bill99.IfQueryTxn:      "  paycert bill99 query_txn --url https://sandbox.99bill.com:9445 --pfx kit.pfx externalRefNumber=R1",
		bill99.IfCardInfo:      "  paycert bill99 card_info cardNo=6225757519832520",
		bill99.IfPciDel:        "  paycert bill99 pci_del customerId=33151000 storablePan=6214833617 bankId=CMB",
		bill99.IfPciQuery:      "  paycert bill99 pci_query customerId=33151000 cardType=0002",
	}[it.Name]
	cmd := &cli.Command{
		Name:    it.Name,
		Summary: it.Title + " (" + it.Section + ")",
		Usage:   "bill99 " + it.Name + " [--url URL --pfx FILE --password P --ca FILE] [field=value...]",
		Help: "Builds <" + el + "> from field=value arguments (merchantId, terminalId, and for a purchase\n" +
			"txnType/interactiveStatus/spFlag/entryTime/externalRefNumber get defaults), posts it to " + it.Path + "\n" +
			"and prints the request, the reply and the result. Exit status 0 only for responseCode 00.\n\n" +
			"Request elements:\n" + strings.Join(rows, "\n") + "\n\nExamples:\n" + example,
	}
	var url, pfxPath, password, caPath, mid, tid *string
	cmd.Flags = func(fs *flag.FlagSet) {
		url = fs.String("url", "", "endpoint base URL (default: start the embedded simulator)")
		pfxPath = fs.String("pfx", "", "merchant client certificate (.pfx); required with --url")
		password = fs.String("password", "", "password of the .pfx")
		caPath = fs.String("ca", "", "CA certificates of the server (PEM/DER); default: system roots")
		mid = fs.String("merchant", bill99sim.DefaultMerchant, "merchantId when not given as a field")
		tid = fs.String("terminal", bill99sim.DefaultTerminal, "terminalId when not given as a field")
	}
	cmd.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		values := map[string]string{}
		var order []string
		for _, a := range pos {
			k, v, ok := strings.Cut(a, "=")
			if !ok || k == "" {
				return cli.Usagef("argument %q is not field=value", a)
			}
			if _, seen := values[k]; !seen {
				order = append(order, k)
			}
			values[k] = v
		}
		known := map[string]bool{}
		for _, f := range it.FieldsFor(catalog.Request) {
			known[strings.TrimPrefix(f.Path, el+"/")] = true
		}
		for _, k := range order {
			if !known[k] && k != "storablePan" {
				return cli.Usagef("%s has no request element %q", it.Name, k)
			}
		}
		defaults := map[string]string{"merchantId": *mid, "terminalId": *tid}
		if it.Name == bill99.IfPurchase {
			defaults["txnType"], defaults["interactiveStatus"], defaults["spFlag"] = bill99.TxnPurchase, bill99.StatusTR1, bill99.SpFlagAgreement
			defaults["entryTime"] = time.Now().In(time.FixedZone("CST", 8*3600)).Format("20060102150405")
		}
		if it.Name == bill99.IfPurchase || it.Name == bill99.IfIndAuth {
			defaults["externalRefNumber"] = "CLI" + time.Now().Format("20060102150405")
		}
		if it.Name == bill99.IfQueryTxn {
			defaults["txnType"] = bill99.TxnPurchase
		}
		m := bill99.NewMessage(bill99.Version)
		c := m.AddNode(el)
		for _, f := range it.FieldsFor(catalog.Request) {
			name := strings.TrimPrefix(f.Path, el+"/")
			if name == "version" {
				continue
			}
			v, ok := values[name]
			if !ok && (f.Presence == catalog.Required || name == "terminalId" && it.Name != bill99.IfCardInfo) {
				v, ok = defaults[name]
			}
			if ok {
				c.Add(name, v)
			}
		}
		target, tc, cleanup, err := bill99Target(*url, *pfxPath, *password, *caPath, io)
		if err != nil {
			return err
		}
		defer cleanup()
		cl := bill99client.New(bill99client.Config{URL: target, TLS: tc})
		defer cl.Close()
		body := bill99.Encode(m)
		fmt.Fprintf(io.Stdout, "POST %s%s\n%s\n\n", target, it.Path, body)
		status, reply, err := cl.Post(ctx, it.Name, body)
		if err != nil {
			return err
		}
		fmt.Fprintf(io.Stdout, "HTTP %d\n%s\n\n", status, reply)
		rep, derr := bill99client.Decode(it.Name, status, reply)
		class, code, _ := bill99.Classify(it.Name, reply)
		fmt.Fprintf(io.Stdout, "result: %s %s\n", class, code)
		if rep != nil {
			for _, p := range bill99.CheckReply(bill99.Catalogue(), m, rep) {
				fmt.Fprintf(io.Stdout, "reply check: %s\n", p)
			}
		}
		if derr != nil {
			return &cli.ExitError{Code: 1, Err: derr}
		}
		return nil
	}
	return cmd
}

func lenOf(f catalog.Field) string {
	switch {
	case f.MinLen == f.MaxLen && f.MaxLen > 0:
		return fmt.Sprintf("%d", f.MaxLen)
	case f.MaxLen > 0:
		return fmt.Sprintf("MAX(%d)", f.MaxLen)
	}
	return ""
}

// bill99Target returns the URL and TLS config to use: a real endpoint with
// the merchant's .pfx, or the embedded simulator with its generated kit.
func bill99Target(url, pfxPath, password, caPath string, io cli.IO) (string, *tls.Config, func(), error) {
	if url != "" {
		if pfxPath == "" {
			return "", nil, nil, cli.Usagef("--url needs --pfx (mutual TLS: the merchant's client certificate)")
		}
		tc, err := bill99client.LoadTLSConfig(pfxPath, password, caPath)
		if err != nil {
			return "", nil, nil, err
		}
		return url, tc, func() {}, nil
	}
	s, err := bill99sim.New(sim.Options{Logf: func(f string, a ...any) { fmt.Fprintf(io.Stderr, f+"\n", a...) }})
	if err != nil {
		return "", nil, nil, err
	}
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		s.Close()
		return "", nil, nil, err
	}
	fmt.Fprintf(io.Stderr, "embedded 99bill simulator at %s\n", srv.URL)
	return srv.URL, s.ClientTLS(), func() { srv.Close(); s.Close() }, nil
}

func bill99PKICommand() *cli.Command {
	cmd := &cli.Command{
		Name:    "pki",
		Summary: "Write a test PKI like the 99bill sandbox kit (CA, server, client .pfx, mgw.cer)",
		Usage:   "bill99 pki --out DIR [--password P]",
		Help: `Generates a test CA, a server certificate for 127.0.0.1/::1/localhost, the merchant
client certificate (also as 10411004511201290.pfx), an expired client certificate, one
from another CA, and the platform's RSA-2048 TR3 signing certificate (mgw.cer, DER, and
mgw.pem) with its key. Files are written 0600. Takes about 0.1 s.

Examples:
  paycert bill99 pki --out ./pki
  paycert bill99 pki --out ./pki --password changeit`,
	}
	var out, password *string
	cmd.Flags = func(fs *flag.FlagSet) {
		out = fs.String("out", "", "directory to write into (created)")
		password = fs.String("password", bill99sim.DefaultPFXPassword, "password of the .pfx bundles")
	}
	cmd.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		if *out == "" || len(pos) > 0 {
			return cli.Usagef("give --out DIR and no arguments")
		}
		kit, err := testpki.NewKit(time.Now(), testpki.KitOptions{ClientCN: bill99sim.DefaultMerchant, SignerCN: bill99sim.SignerName})
		if err != nil {
			return err
		}
		f, err := kit.WriteFiles(*out, bill99sim.ClientPFXName, bill99sim.SignerName, *password)
		if err != nil {
			return err
		}
		for _, n := range []string{f.CA, f.OtherCA, f.ServerCert, f.ServerKey, f.ClientCert, f.ClientKey, f.ClientPFX, f.ExpiredPFX, f.ForeignPFX, f.SignerCert, f.SignerCertDER, f.SignerKey} {
			fmt.Fprintf(io.Stdout, "wrote %s/%s\n", strings.TrimRight(*out, "/"), n)
		}
		return nil
	}
	return cmd
}

func bill99TR3Command() *cli.Command {
	root := &cli.Command{
		Name:    "tr3",
		Summary: "Sign or verify a TR3 notice (RSA-SHA1 over the exact GBK bytes)",
		Usage:   "bill99 tr3 <sign|verify> ...",
		Help: `A TR3 body is GBK XML; its signature is standard base64 RSA-SHA1 (PKCS #1 v1.5) over
the exact body bytes, carried in the ` + bill99.SignatureHeader + ` HTTP header (erratum
E-BILL99-TR3-SIGNATURE).

Examples:
  paycert bill99 tr3 sign --key mgw-key.pem notice.xml
  paycert bill99 tr3 verify --cert mgw.cer --sig BASE64 notice.xml`,
	}
	sign := &cli.Command{
		Name: "sign", Summary: "Print the base64 RSA-SHA1 signature of a TR3 body", Usage: "bill99 tr3 sign --key KEY [FILE|-]",
		Help: "Reads the body bytes as they are (no re-encoding) and prints the signature.\n\nExamples:\n  paycert bill99 tr3 sign --key mgw-key.pem notice.xml",
	}
	var keyPath *string
	sign.Flags = func(fs *flag.FlagSet) {
		keyPath = fs.String("key", "", "platform private key (PEM or DER, PKCS #1 or #8)")
	}
	sign.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		if *keyPath == "" {
			return cli.Usagef("--key is required")
		}
		body, err := readBody(io, pos)
		if err != nil {
			return err
		}
		kb, err := os.ReadFile(*keyPath)
		if err != nil {
			return err
		}
		k, err := rsasig.ParsePrivateKey(kb)
		if err != nil {
			return err
		}
		sig, err := rsasig.Sign(nil, k, body)
		if err != nil {
			return err
		}
		fmt.Fprintln(io.Stdout, rsasig.EncodeSignature(sig))
		return nil
	}
	verify := &cli.Command{
		Name: "verify", Summary: "Verify a TR3 body and signature with mgw.cer", Usage: "bill99 tr3 verify --cert CERT --sig SIG [FILE|-]",
		Help: "Exit status 0 when the signature verifies over the exact bytes and the body is a TR3,\n" +
			"1 otherwise (the reason is printed). A UTF-8-signed GBK body fails, as it must.\n\n" +
			"Examples:\n  paycert bill99 tr3 verify --cert mgw.cer --sig BASE64 notice.xml",
	}
	var certPath, sig *string
	verify.Flags = func(fs *flag.FlagSet) {
		certPath = fs.String("cert", "", "platform certificate mgw.cer (PEM, DER or base64) or public key")
		sig = fs.String("sig", "", "signature (base64 or hex)")
	}
	verify.Run = func(ctx context.Context, io cli.IO, pos []string) error {
		if *certPath == "" || *sig == "" {
			return cli.Usagef("--cert and --sig are required")
		}
		body, err := readBody(io, pos)
		if err != nil {
			return err
		}
		pub, err := bill99client.LoadPlatformKey(*certPath)
		if err != nil {
			return err
		}
		n, err := bill99.VerifyTR3(pub, body, *sig)
		if err != nil {
			return &cli.ExitError{Code: 1, Err: err}
		}
		fmt.Fprintf(io.Stdout, "verified: refNumber %s externalRefNumber %s amount %s responseCode %s\n", n.RefNumber, n.ExternalRefNumber, n.Amount, n.ResponseCode)
		return nil
	}
	root.Subs = []*cli.Command{sign, verify}
	return root
}

func readBody(io cli.IO, pos []string) ([]byte, error) {
	switch {
	case len(pos) == 0 || pos[0] == "-":
		return readAllFrom(io.Stdin)
	case len(pos) == 1:
		return os.ReadFile(pos[0])
	}
	return nil, cli.Usagef("give at most one FILE")
}

func readAllFrom(r io.Reader) ([]byte, error) {
	if r == nil {
		return nil, cli.Usagef("no input")
	}
	return io.ReadAll(r)
}
