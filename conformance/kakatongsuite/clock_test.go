package kakatongsuite

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongclient"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
)

// TestAmountsIgnoreTimeOfDay shows that what the suite derives against a
// target does not depend on the time of day (issue #15: amounts derived
// from the clock outgrew the cards' balance after 03:00 UTC). At 00:00,
// 12:00 and 23:59 in China the simulator is served with its clock there,
// and two runs' environments are started against it one after the other,
// as paycert certify does: the first run's amounts are the same at every
// instant and far below the cards' balance, its purchases succeed, and the
// second run, having read the streams, uses none of the first run's
// amounts (the duplicate rule would answer 12).
func TestAmountsIgnoreTimeOfDay(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	const n = 40
	var first []int64
	for _, hm := range [][2]int{{0, 0}, {12, 0}, {23, 59}} {
		at := time.Date(2026, 3, 2, hm[0], hm[1], 0, 0, cst)
		s, err := kakatongsim.New(sim.Options{Clock: sim.NewManualClock(at)})
		if err != nil {
			t.Fatal(err)
		}
		srv, err := sim.Start(s, sim.ListenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		tgt, err := SimTarget(s, srv.URL, "")
		if err != nil {
			t.Fatal(err)
		}
		run := func() ([]int64, *env) {
			e, stop, err := start(tgt)
			if err != nil {
				t.Fatalf("%s: starting the env against the simulator: %v", at.Format("15:04"), err)
			}
			defer stop()
			var amts []int64
			for i := 0; i < n; i++ {
				amts = append(amts, e.amountN())
			}
			return amts, e
		}
		a, e := run()
		if first == nil {
			first = a
		} else if !slices.Equal(a, first) {
			t.Errorf("%s: amounts %v differ from those at 00:00 %v: they depend on the clock", at.Format("15:04"), a, first)
		}
		c, err := kakatongclient.New(kakatongclient.Config{URL: srv.URL, LicenceKey: e.key, CopNo: e.copno, PosCode: e.pos})
		if err != nil {
			t.Fatal(err)
		}
		for i, amt := range a {
			if amt >= minBalance {
				t.Fatalf("%s: amount %d is not below the %d fen a card must hold", at.Format("15:04"), amt, minBalance)
			}
			card := e.cards[i%len(e.cards)]
			r, err := c.Trade(context.Background(), kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume,
				CardNo: card, Password: e.pwd, Amount: strconv.FormatInt(amt, 10)})
			if err != nil || r.Code() != kakatong.CodeOK {
				t.Fatalf("%s: purchase of %d fen on %s: %v %v", at.Format("15:04"), amt, card, r, err)
			}
		}
		b, _ := run()
		for _, amt := range b {
			if slices.Contains(a, amt) {
				t.Errorf("%s: the second run reuses amount %d of the first: its purchases would be duplicates (12)", at.Format("15:04"), amt)
			}
		}
		srv.Close()
	}
}

// TestUnknownElementsWarnOnce: an element the catalogue does not know
// beside <Record> is a warning once per run (path, interface, example),
// not once per reply, and a reply without one warns nothing.
func TestUnknownElementsWarnOnce(t *testing.T) {
	body := func(extra string) []byte {
		return []byte(`<TradeResult><Record><PayInForm>11</PayInForm></Record>` + extra + `</TradeResult>`)
	}
	e := &env{}
	for i, tc := range []struct {
		extra string
		want  int
	}{
		{`<ServerTime>2026-01-05</ServerTime>`, 1},
		{`<ServerTime>2026-01-06</ServerTime>`, 0},
		{``, 0},
		{`<Node>A1</Node>`, 1},
	} {
		r, err := kakatong.ParseReply(kakatong.MethodTrade, body(tc.extra))
		if err != nil {
			t.Fatalf("reply %d: an unknown element must not make the reply unreadable: %v", i, err)
		}
		w := e.warnings(r)
		if len(w) != tc.want {
			t.Fatalf("reply %d (%s): warnings %q, want %d", i, tc.extra, w, tc.want)
		}
		if i == 0 && !strings.Contains(w[0], "TradeResult/ServerTime") || i == 0 && !strings.Contains(w[0], "cTRequest") || i == 0 && !strings.Contains(w[0], "2026-01-05") {
			t.Errorf("the warning must name the path, the interface and an example: %q", w[0])
		}
	}
}
