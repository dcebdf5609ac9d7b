package ipossuite

// env.go: the environment every spec shares (the target, its clients, the
// embedded simulator and its clock) and the seeding of fresh vouchers,
// gift cards and terminals.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"time"

	"github.com/onsi/ginkgo/v2"

	"paycert/conformance"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/iposclient"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

// simStart is the simulated time of the embedded simulator: a fixed
// instant, so expiry and daily dates do not depend on when the suite runs.
func simStart() time.Time { return time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) } // 10:00 in Beijing

// env is what the specs share: the target and, against the embedded
// simulator, the simulator itself and its manual clock.
type env struct {
	target   conformance.Target
	url      string
	sim      *ipossim.Simulator // nil against a real endpoint
	clock    *sim.ManualClock
	key      string
	isspid   string
	systemID string
	storeID  string
	posID    string
	prefix   string // pos_seq prefix: unique per run
	n        atomic.Int64
	now      func() time.Time // the clock today() and prefix read: the simulator's, else the system's
	termBase uint32           // random start of the run's fresh terminal ids: runs never share one
}

// Simulator returns the embedded simulator for the framework's after-each
// checks, or a nil interface (not a typed nil) against a real endpoint.
func (e *env) Simulator() sim.Simulator { return e.sim } // nil *Simulator: a target (the framework knows)

func newEnv(t conformance.Target) (*env, func() error, error) {
	e := &env{target: t, url: t.URL, key: t.Param("key", ipossim.FixtureKey),
		isspid: t.Param("isspid", ipossim.FixtureISSPID), systemID: t.Param("system_id", ipossim.FixtureSystemID),
		storeID: t.Param("store_id", ipossim.FixtureStoreID), posID: t.Param("pos_id", ipossim.FixturePosID), now: time.Now,
		termBase: rand.Uint32()}
	if !t.Embedded() {
		e.prefix = seqPrefix(e.now(), rand.Uint32())
		return e, func() error { return nil }, nil
	}
	e.clock = sim.NewManualClock(simStart())
	e.now = e.clock.Now
	e.prefix = seqPrefix(time.Now(), rand.Uint32()) // the wall clock: runs against one simulator never share pos_seqs
	// Always strict: strict mode only records, and specs_strict.go checks
	// after every spec that no request the simulator accepted, or refused
	// for a business reason, recorded a violation.
	s, err := ipossim.New(sim.Options{Clock: e.clock, Faults: t.Faults, Strict: true})
	if err != nil {
		return nil, nil, fmt.Errorf("ipos simulator: %w", err)
	}
	srv, err := sim.Start(s, sim.ListenOptions{})
	if err != nil {
		return nil, nil, err
	}
	e.sim, e.url = s, srv.URL
	return e, srv.Close, nil
}

// seqPrefix is the pos_seq prefix of a run: 12 digits of its start time
// and 4 random digits, so two runs started within the same second (two
// certify processes against one endpoint) never reuse a pos_seq, which
// must be unique per merchant (002 §4.3).
func seqPrefix(start time.Time, r uint32) string {
	return start.UTC().Format("060102150405") + fmt.Sprintf("%04d", r%10000)
}

// seq returns a fresh pos_seq: the run's prefix and a 5-digit counter (21
// digits: unique per merchant and longer than 12).
func (e *env) seq() string { return fmt.Sprintf("%s%05d", e.prefix, e.n.Add(1)) }

// client returns a client whose exchanges are attached to the running spec.
func (e *env) client() *iposclient.Client { return e.clientKey(e.key) }

func (e *env) clientKey(key string) *iposclient.Client {
	c, err := iposclient.New(iposclient.Config{URL: e.url, Key: key, Observe: conformance.Transcript()})
	if err != nil {
		ginkgo.Fail(err.Error())
	}
	return c
}

func (e *env) header() ipos.Header {
	return ipos.Header{ISSPID: e.isspid, PosID: e.posID, StoreID: e.storeID, PosSeq: e.seq(), UserID: "user01", SystemID: e.systemID}
}

// today is the platform's date (Beijing time) by the target's clock.
func (e *env) today() string { return beijingDay(e.now()) }

// beijingDay is the platform's date at t: iPos dates days in Beijing time
// whatever the zone of the machine running the suite.
func beijingDay(t time.Time) string {
	return t.In(time.FixedZone("CST", 8*3600)).Format(ipos.DayLayout)
}

// do sends req with the spec's context (cancelled when the spec times out
// or the run is interrupted).
func (e *env) do(ctx context.Context, req ipos.Request) (*ipos.Reply, error) {
	return e.client().Do(ctx, req)
}

// amountVoucher returns a voucher code with balance fen unused: seeded on
// the simulator, from Params on a real endpoint, where balance is a floor
// and the voucher is shared by every spec and every run: a spec reads its
// remaining value (remainAmt) before it derives an amount, and undoes what
// it verified (undoLater).
func (e *env) amountVoucher(balance int64) string {
	if e.sim == nil {
		return e.param("voucher_amount")
	}
	code := fmt.Sprintf("6%015d", e.n.Add(1))
	must(e.sim.AddVoucher(ipossim.VoucherSpec{Code: code, Kind: ipossim.KindAmount, Balance: balance, Price: balance,
		Expires: simStart().AddDate(1, 0, 0)}))
	return code
}

func (e *env) timesVoucher(uses int64) string {
	if e.sim == nil {
		return e.param("voucher_times")
	}
	code := fmt.Sprintf("7%015d", e.n.Add(1))
	must(e.sim.AddVoucher(ipossim.VoucherSpec{Code: code, Kind: ipossim.KindTimes, Balance: uses, Price: 1500,
		Expires: simStart().AddDate(1, 0, 0)}))
	return code
}

func (e *env) giftCash(amount int64) string {
	if e.sim == nil {
		return e.param("gift_cash")
	}
	code := fmt.Sprintf("8%011d", e.n.Add(1))
	must(e.sim.AddGiftCard(e.isspid, ipossim.GiftCardSpec{Code: code, Type: 3, Amount: amount, Title: "测试储值礼品卡",
		Begin: simStart().Add(-time.Hour), End: simStart().AddDate(1, 0, 0)}))
	return code
}

// freshTerminal binds a new terminal (through bind_pos itself, so it works
// against a real endpoint too) and returns a header for it.
func (e *env) freshTerminal(ctx context.Context) ipos.Header {
	posID := e.newPosID("9")
	h := e.header()
	h.PosID = posID
	bind := ipos.BindPosRequest{Header: ipos.Header{ISSPID: e.isspid, PosID: posID, PosSeq: e.seq(), SystemID: e.systemID},
		Store: ipos.StoreInfo{StoreID: e.storeID, StoreName: "翼码测试门店"}}.Request()
	if _, err := e.do(ctx, bind); err != nil {
		ginkgo.Fail("binding a fresh terminal for the spec: " + err.Error())
	}
	return h
}

// usedVoucher returns a times voucher with no use left (3038): the
// fixture's on the simulator, param voucher_used on a real endpoint.
func (e *env) usedVoucher() string {
	if e.sim == nil {
		return e.param("voucher_used")
	}
	return ipossim.VoucherTimesUsed
}

// revocableGift returns a cash gift card the spec may revoke: seeded on the
// simulator; on a real endpoint the first card of param gift_revoke (a
// comma-separated list: a revoke cannot be undone) that getcodeinfo does
// not show revoked yet.
func (e *env) revocableGift(ctx context.Context, amount int64) string {
	if e.sim == nil {
		for _, code := range strings.Split(e.param("gift_revoke"), ",") {
			code = strings.TrimSpace(code)
			q := e.wecard(ipos.WecardGetCodeInfo)
			q.Code = code
			if r, err := e.do(ctx, q.Request()); err == nil && r.Trace != nil && fen(r.Trace.Overplus) > 0 {
				return code
			}
		}
		ginkgo.Fail("every gift card of param gift_revoke is revoked or empty: give the suite fresh ones")
	}
	return e.giftCash(amount)
}

// remainAmt reads an amount voucher's remaining value (card_query).
func (e *env) remainAmt(ctx context.Context, code string) int64 {
	ginkgo.GinkgoHelper()
	r, err := e.do(ctx, queryReq(e, code))
	if err != nil || r.Query == nil {
		ginkgo.Fail(fmt.Sprintf("card_query of voucher %s, to read its remaining value: %v", code, err))
	}
	return fen(r.Query.RemainAmt)
}

// overplus reads a cash gift card's balance (wecard_getcodeinfo).
func (e *env) overplus(ctx context.Context, code string) int64 {
	ginkgo.GinkgoHelper()
	q := e.wecard(ipos.WecardGetCodeInfo)
	q.Code = code
	r, err := e.do(ctx, q.Request())
	if err != nil || r.Trace == nil {
		ginkgo.Fail(fmt.Sprintf("wecard_getcodeinfo of gift card %s, to read its balance: %v", code, err))
	}
	return fen(r.Trace.Overplus)
}

// undoLater cancels the verification org of code when the spec ends, so a
// shared voucher of a real endpoint gets its value back (the cancel
// restores it, erratum E-IPOS-CANCEL-RESTORES). An undo the spec already
// made answers 3037, which is fine.
func (e *env) undoLater(code, org string) {
	ginkgo.DeferCleanup(func(ctx ginkgo.SpecContext) {
		_, err := e.do(ctx, undoReq(ipos.CardCancel, e.header(), code, org))
		if err != nil && wire.Code(err) != ipos.CodeCancelled {
			ginkgo.Fail(fmt.Sprintf("undoing verification %s of voucher %s: %v", org, code, err))
		}
	})
}

// refundLater refunds the gift-card consume org when the spec ends; a
// consume the spec refunded itself answers with an error, which is fine.
func (e *env) refundLater(code, org string) {
	ginkgo.DeferCleanup(func(ctx ginkgo.SpecContext) {
		rf := e.wecard(ipos.WecardPosReturnd)
		rf.Code, rf.ConsumeSource, rf.OrgPosSeq = code, "退款渠道", org
		_, _ = e.do(ctx, rf.Request())
	})
}

// newPosID is a terminal id no earlier run used: lead and 9 digits.
func (e *env) newPosID(lead string) string {
	return fmt.Sprintf("%s%09d", lead, (int64(e.termBase)+e.n.Add(1))%1_000_000_000)
}

func (e *env) param(name string) string {
	v := e.target.Param(name, "")
	if v == "" {
		ginkgo.Skip("against a real endpoint this spec needs the target parameter " + name)
	}
	return v
}

func must(err error) {
	if err != nil {
		ginkgo.Fail(err.Error())
	}
}
