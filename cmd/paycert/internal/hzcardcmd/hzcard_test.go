package hzcardcmd

import (
	"context"
	"strings"
	"testing"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/cli/clitest"
)

func TestHzcardCommand(t *testing.T) {
	root := &cli.Command{Name: "paycert", Subs: []*cli.Command{Command()}}
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"help", []string{"hzcard", "--help"}, 0, []string{"Examples:", "charge", "cardInfoQuery", "chargeOrderCancel"}},
		{"charge", []string{"hzcard", "charge", "--amount", "5000"}, 0, []string{
			"card> 00A4040008A000000632010105", "805C000204", "--> POST", "cardChargeConfirm", "INITIALIZE FOR LOAD",
			"charged 5000 fen", "balance on the card: 5000 fen", "balance at the centre: 5000 fen"}},
		{"charge torn at credit", []string{"hzcard", "charge", "--amount", "1000", "--card", "2253000000000002", "--tear", "credit", "--quiet"}, 0, []string{
			"card torn during CREDIT FOR LOAD", "management: 000000 (credited: true)", "balance at the centre: 1000 fen"}},
		{"charge needs an amount", []string{"hzcard", "charge"}, 2, nil},
		{"card info", []string{"hzcard", "cardInfoQuery", "--quiet"}, 0, []string{"result: 000000", "cardno = 2253000000000001", "walletmaxbal = 100000"}},
		{"create", []string{"hzcard", "chargeOrderCreate", "cardno=2253000000000001", "chargetype=01", "paytype=10", "payorderno=P1", "txnamt=2000"}, 0, []string{
			`"txnamt":"2000"`, "result: 000000", "apdunum = 2"}},
		{"business failure exits 1", []string{"hzcard", "chargeOrderCreate", "--quiet", "cardno=2253000000000010", "chargetype=01", "paytype=10", "payorderno=P1", "txnamt=2000"}, 1, []string{
			"result: 000038"}},
		{"bad argument", []string{"hzcard", "chargeOrderQuery", "cardno"}, 2, nil},
		{"unreadable --inst-key is a usage error", []string{"hzcard", "cardInfoQuery", "--inst-key", "no/such/key.pem"}, 2, nil},
		{"unknown --sign-profile is a usage error", []string{"hzcard", "cardInfoQuery", "--sign-profile", "bogus"}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := clitest.Run(context.Background(), root, nil, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
