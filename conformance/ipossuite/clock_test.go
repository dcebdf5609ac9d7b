package ipossuite

import (
	"context"
	"regexp"
	"testing"
	"time"

	"paycert/conformance"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/iposclient"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

// TestNoSpecDependsOnTheTimeOfDay runs what the suite derives from the
// clock (pos_seq, terminal ids and the day card_daily asks for; no amount
// comes from the clock) against a simulator whose clock stands at 00:00,
// 12:00 and 23:59, in the machine's zone, in Beijing and in UTC: a
// verification made now must be in the daily the suite asks for today,
// and the suite's tomorrow must be the platform's. Dating the day in UTC
// instead of Beijing time fails at 23:59 UTC and at 00:00
// Beijing (wherever the two dates differ).
func TestNoSpecDependsOnTheTimeOfDay(t *testing.T) {
	zones := []*time.Location{time.Local, time.FixedZone("Beijing", 8*3600), time.UTC}
	seqShape := regexp.MustCompile(`^[0-9]{13,32}$`)
	for _, z := range zones {
		for _, hm := range [][2]int{{0, 0}, {12, 0}, {23, 59}} {
			at := time.Date(2026, 3, 2, hm[0], hm[1], 0, 0, z)
			t.Run(at.Format("15:04 MST"), func(t *testing.T) {
				clock := sim.NewManualClock(at)
				s, err := ipossim.New(sim.Options{Clock: clock})
				if err != nil {
					t.Fatal(err)
				}
				srv, err := sim.Start(s, sim.ListenOptions{})
				if err != nil {
					t.Fatal(err)
				}
				defer srv.Close()
				e, stop, err := newEnv(conformance.Target{URL: srv.URL})
				if err != nil {
					t.Fatal(err)
				}
				defer func() { _ = stop() }()
				e.now = clock.Now // the target's clock, as the embedded env has it
				c, err := iposclient.New(iposclient.Config{URL: srv.URL, Key: e.key})
				if err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()
				if seq := e.seq(); !seqShape.MatchString(seq) {
					t.Fatalf("pos_seq %q: want 13..32 digits", seq)
				}
				h := e.header()
				h.PosID = e.newPosID("9")
				bind := ipos.BindPosRequest{Header: ipos.Header{ISSPID: e.isspid, PosID: h.PosID, PosSeq: e.seq(), SystemID: e.systemID},
					Store: ipos.StoreInfo{StoreID: e.storeID, StoreName: "翼码测试门店"}}.Request()
				if _, err := c.Do(ctx, bind); err != nil {
					t.Fatalf("bind_pos: %v", err)
				}
				h.PosSeq = e.seq()
				if _, err := c.Do(ctx, verifyReq(h, ipossim.CertVoucherAmount, "100")); err != nil {
					t.Fatalf("card_verify: %v", err)
				}
				h.PosSeq = e.seq()
				d, err := c.Do(ctx, dailyReq(h, e.today()))
				if err != nil {
					t.Fatalf("card_daily for %s: %v", e.today(), err)
				}
				if len(d.Daily) != 1 || d.Daily[0].ValidateAmt != "100" {
					t.Fatalf("card_daily for %s at %s: %+v, want the verification of 100 fen just made", e.today(), clock.Now(), d.Daily)
				}
				// The spec "card_daily refuses a day after today" asks for
				// the suite's today + 1: the platform's tomorrow only if
				// the suite dates days as the platform does.
				today, err := time.Parse(ipos.DayLayout, e.today())
				if err != nil {
					t.Fatal(err)
				}
				h.PosSeq = e.seq()
				_, err = c.Do(ctx, dailyReq(h, today.AddDate(0, 0, 1).Format(ipos.DayLayout)))
				if got := wire.Code(err); got != ipos.CodeDailyDay {
					t.Fatalf("card_daily for the day after %s at %s: code %q (%v), want %s", e.today(), clock.Now(), got, err, ipos.CodeDailyDay)
				}
			})
		}
	}
}
