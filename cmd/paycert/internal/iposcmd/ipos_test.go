package iposcmd

import (
	"context"
	"strings"
	"testing"

	"paycert/cmd/paycert/internal/cli"
	"paycert/cmd/paycert/internal/cli/clitest"
)

func TestIPosCommand(t *testing.T) {
	root := &cli.Command{Name: "paycert", Subs: []*cli.Command{Command()}}
	cases := []struct {
		name   string
		args   []string
		status int
		want   []string // substrings of stdout
	}{
		{"group help", []string{"ipos", "--help"}, 0, []string{"card_verify", "wecard_posrevoke", "Examples:"}},
		{"leaf help", []string{"ipos", "card_verify", "--help"}, 0, []string{"card_verify_request/tx_amt", "Examples:", "--target"}},
		{"query on the embedded simulator", []string{"ipos", "card_query", "valid_info=1000000000000001"}, 0,
			[]string{"--> POST http://127.0.0.1:", "<card_query_request><valid_info>1000000000000001</valid_info>", "<remain_amt>10000</remain_amt>", "result: 0000"}},
		{"verify with Chinese user id", []string{"ipos", "card_verify", "--user-id", "收银员", "valid_info=1000000000000001", "tx_amt=300"}, 0,
			[]string{"<user_id>收银员</user_id>", "<remain_amt>9700</remain_amt>", "result: 0000"}},
		{"business failure exits 1", []string{"ipos", "card_verify", "valid_info=1000000000000001", "tx_amt=10001"}, 1,
			[]string{"result: 0325"}},
		{"gift card consume", []string{"ipos", "wecard_poscancelcard", "code=798492728980", "consume_source=POS", "amount=125"}, 0,
			[]string{"<overplus>875</overplus>", "result: 0000"}},
		{"quiet", []string{"ipos", "card_query", "--quiet", "valid_info=2000000000000001"}, 0, []string{"result: 0000"}},
		{"target without key", []string{"ipos", "card_query", "--target", "http://127.0.0.1:1/"}, 2, nil},
		{"not field=value", []string{"ipos", "card_query", "valid_info"}, 2, nil},
		{"unreachable target", []string{"ipos", "card_query", "--target", "http://127.0.0.1:1/", "--key", "k", "--isspid", "39493002", "valid_info=1000000000000001"}, 1,
			[]string{"no reply"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, out, errb := clitest.Run(context.Background(), root, nil, c.args...)
			if got != c.status {
				t.Fatalf("status %d, want %d\nstdout:\n%s\nstderr:\n%s", got, c.status, out, errb)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
