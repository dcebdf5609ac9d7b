package bill99cmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/cli/clitest"
	"paycert/codecs/rsasig"
	"paycert/codecs/testpki"
	"paycert/platforms/bill99"
)

func runBill99(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	return clitest.Run(context.Background(), &cli.Command{Name: "paycert", Usage: "<command>", Subs: []*cli.Command{Command()}}, stdin, append([]string{"bill99"}, args...)...)
}

func TestBill99CLI(t *testing.T) {
	dir := t.TempDir()
	kit, err := testpki.NewKit(time.Now(), testpki.KitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, _ := kit.Signer.KeyPEM()
	os.WriteFile(filepath.Join(dir, "k.pem"), keyPEM, 0o600)
	os.WriteFile(filepath.Join(dir, "mgw.cer"), kit.Signer.Cert.Raw, 0o600)
	body, sig, err := bill99.BuildTR3(kit.SignerKey(), bill99.TxnResult{TxnType: "PUR", Amount: "10", MerchantID: "104110045112012",
		TerminalID: "00002012", EntryTime: "20160126145908", ExternalRefNumber: "R1", TransTime: "20160126145942",
		RefNumber: "000012846461", ResponseCode: "00", ResponseText: "交易成功", Issuer: "建设银行"})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "n.xml"), body, 0o600)
	wrong, _ := rsasig.Sign(nil, kit.SignerKey(), []byte("other bytes"))

	cases := []struct {
		name   string
		stdin  []byte
		args   []string
		code   int
		stdout string
	}{
		{"help teaches", nil, []string{"--help"}, 0, "Examples:"},
		{"leaf help lists elements", nil, []string{"purchase", "--help"}, 0, "payToken"},
		{"card info against the embedded simulator", nil, []string{"card_info", "cardNo=6217003320034459100"}, 0, "result: success 00"},
		{"purchase against the embedded simulator", nil, []string{"purchase", "customerId=33150001", "payToken=8120000002867710851", "amount=10"}, 0, "<refNumber>"},
		{"business failure exits 1", nil, []string{"purchase", "customerId=nobody", "payToken=8129999999999999999", "amount=10"}, 1, "business-failure T3"},
		{"unknown element is a usage error", nil, []string{"card_info", "bogus=1"}, 2, ""},
		{"url without pfx is a usage error", nil, []string{"card_info", "--url", "https://127.0.0.1:1", "cardNo=6217003320034459100"}, 2, ""},
		{"pki writes the kit", nil, []string{"pki", "--out", filepath.Join(dir, "pki")}, 0, "10411004511201290.pfx"},
		{"tr3 sign matches", nil, []string{"tr3", "sign", "--key", filepath.Join(dir, "k.pem"), filepath.Join(dir, "n.xml")}, 0, sig},
		{"tr3 verify ok", nil, []string{"tr3", "verify", "--cert", filepath.Join(dir, "mgw.cer"), "--sig", sig, filepath.Join(dir, "n.xml")}, 0, "verified: refNumber 000012846461"},
		{"tr3 verify from stdin", body, []string{"tr3", "verify", "--cert", filepath.Join(dir, "mgw.cer"), "--sig", sig}, 0, "verified"},
		{"tr3 verify bad signature exits 1", nil, []string{"tr3", "verify", "--cert", filepath.Join(dir, "mgw.cer"), "--sig", rsasig.EncodeSignature(wrong), filepath.Join(dir, "n.xml")}, 1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runBill99(t, c.stdin, c.args...)
			if code != c.code || !strings.Contains(out, c.stdout) {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errs)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "pki", "mgw.cer")); err != nil {
		t.Errorf("pki did not write mgw.cer: %v", err)
	}
}
