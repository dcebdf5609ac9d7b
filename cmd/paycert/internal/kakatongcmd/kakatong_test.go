package kakatongcmd

import (
	"context"
	"strings"
	"testing"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/cli/clitest"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
)

func TestKakatongCommand(t *testing.T) {
	s, err := kakatongsim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	root := &cli.Command{Name: "paycert", Subs: []*cli.Command{Command()}}
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"help", []string{"kakatong", "--help"}, 0, "Examples:"},
		{"trade help", []string{"kakatong", "trade", "--help"}, 0, "Examples:"},
		{"query", []string{"kakatong", "trade", "--url", srv.URL, "--card", kakatongsim.CardFirst, "--type", "0011", "--mode", "0"}, 0, "Integral:    100000"},
		{"purchase in Chinese over SOAP", []string{"kakatong", "trade", "--url", srv.URL, "--card", kakatongsim.CardFirst, "--type", "0022", "--mode", "1", "--amount", "250", "--soap", "--lang", "GB2312"}, 0, "交易成功！"},
		{"wrong password exits 1", []string{"kakatong", "trade", "--url", srv.URL, "--card", kakatongsim.CardFirst, "--type", "0011", "--mode", "0", "--password", "000000"}, 1, "PayInForm:   07"},
		{"activate via call", []string{"kakatong", "call", "--url", srv.URL, "aCRequest", "CARDNO=" + kakatongsim.CardNew, "CARDPWD=111111", "POSCODE=11552001"}, 0, "Result: 57"},
		{"stream via SOAP", []string{"kakatong", "call", "--url", srv.URL, "--soap", "tSRequest", "CARDNO=" + kakatongsim.CardFirst}, 0, "trade(s)"},
		{"missing url", []string{"kakatong", "trade", "--card", "1", "--type", "0011"}, 2, ""},
		{"unknown method", []string{"kakatong", "call", "--url", srv.URL, "nope"}, 2, ""},
		{"codes", []string{"kakatong", "codes", "12", "非法操作"}, 0, "Duplicate transaction!"},
		{"rows", []string{"kakatong", "rows"}, 0, "0400  -"},
		{"wsdl", []string{"kakatong", "wsdl"}, 0, "soapCardTrade"},
	}
	for _, tc := range tests {
		code, out, errb := clitest.Run(context.Background(), root, nil, tc.args...)
		if code != tc.code || !strings.Contains(out, tc.out) {
			t.Errorf("%s: exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", tc.name, code, tc.code, out, errb)
		}
	}
}
