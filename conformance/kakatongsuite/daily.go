package kakatongsuite

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongclient"
)

// The daily limits (58 recharge cap, 67 trade count, 68 test mode) count
// what a terminal or merchant did today, and a target may have counted
// trades of an earlier run the same day. The specs read what was used
// from the stream and expect exactly what is left to pass before the code,
// so a limit off by one is caught against a target as in process.
//
// What the stream cannot show: a reversed trade (0400) is left out of it
// but, under the simulator's reading, keeps its count and its recharge
// (E-KAKATONG-STREAM-FILTER, E-KAKATONG-LIMITS). The suite never reverses
// on the limited terminals or at the test-mode merchant; an operator who
// does so the same day makes these specs expect one pass too many.

// targetDay returns the target's calendar day (E-KAKATONG-DAY) as
// YYYY-MM-DD, read from the target rather than this machine's clock: a
// purchase on the env's own terminal, found in the stream by its stance,
// carries the target's TradeTime. The purchase is undone after the spec.
// This costs a few calls but makes the count right whatever the two
// clocks say (a manual simulator clock, a target off by minutes at
// midnight).
func (e *env) targetDay(ctx context.Context) string {
	c, card := e.client(), e.card()
	r := must(c.Trade(ctx, kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: e.amount()}))
	Expect(r.Code()).To(Equal(kakatong.CodeOK), "a purchase on card %s, to read the target's day from its stream record", card)
	st := r.First().V("Stance")
	e.undoLater(c, card, st)
	s := must(c.Stream(ctx, kakatongclient.StreamQuery{StanceNo: st}))
	Expect(s.IsStreamList()).To(BeTrue(), "the stream of stance %s must list trades, got code %q", st, s.Code())
	e.expectReply(s, kakatong.Expect{Method: kakatong.MethodStream})
	for _, rec := range s.Records {
		if strings.TrimLeft(rec.V("stanceNo"), "0") != strings.TrimLeft(st, "0") {
			continue
		}
		t, err := time.Parse("2006-01-02 15:04:05", rec.V("TradeTime"))
		Expect(err).NotTo(HaveOccurred(), "TradeTime of stance %s", st)
		return t.Format("2006-01-02")
	}
	Fail(fmt.Sprintf("the stream filtered by STANCE_NO %s does not list that purchase (%d records)", st, len(s.Records)))
	return ""
}

// today returns the records of c's merchant's stream dated day, of
// terminal pos ("" for every terminal), that count towards a daily limit:
// every trade the stream lists but activations (E-KAKATONG-LIMITS: money
// and points trades and their undos; queries are not listed).
func (e *env) today(ctx context.Context, c *kakatongclient.Client, pos, day string) []kakatong.Record {
	s := must(c.Stream(ctx, kakatongclient.StreamQuery{PosCode: pos, Start: day + " 00:00:00"}))
	Expect(s.IsStreamList()).To(BeTrue(), "the stream of terminal %q since %s 00:00:00 must list trades, got code %q", pos, day, s.Code())
	e.expectReply(s, kakatong.Expect{Method: kakatong.MethodStream})
	activation := rowOf(kakatong.TypeActivate, kakatong.ModeActivate).Name
	var out []kakatong.Record
	for _, rec := range s.Records {
		if !strings.HasPrefix(rec.V("TradeTime"), day+" ") || (pos != "" && rec.V("TmnNo") != pos) || rec.V("TradeName") == activation {
			continue
		}
		out = append(out, rec)
	}
	return out
}

// rechargedToday sums the forward recharges (1100-1103 mode 0) among
// recs: a terminal's daily recharge cap counts those, and an undo does not
// give its amount back (E-KAKATONG-LIMITS).
func rechargedToday(recs []kakatong.Record) int64 {
	fwd := map[string]bool{}
	for _, r := range kakatong.Rows() {
		if r.Family == kakatong.FamRecharge && !r.Undo {
			fwd[r.Name] = true
		}
	}
	var sum int64
	for _, rec := range recs {
		if !fwd[rec.V("TradeName")] {
			continue
		}
		n, err := kakatong.ParseAmount(rec.V("Amount"))
		Expect(err).NotTo(HaveOccurred(), "Amount of stream record %s", rec.V("stanceNo"))
		sum += n
	}
	return sum
}
