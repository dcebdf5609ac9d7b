package ipossuite

// env.go: the environment every spec shares (the target, its clients, the
// embedded simulator and its clock) and the seeding of fresh vouchers,
// gift cards and terminals.

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/onsi/ginkgo/v2"

	"paycert/conformance"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/iposclient"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
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
}

// Simulator returns the embedded simulator for the framework's after-each
// checks, or a nil interface (not a typed nil) against a real endpoint.
func (e *env) Simulator() sim.Simulator { return e.sim } // nil *Simulator: a target (the framework knows)

func newEnv(t conformance.Target) (*env, func() error, error) {
	e := &env{target: t, url: t.URL, key: t.Param("key", ipossim.FixtureKey),
		isspid: t.Param("isspid", ipossim.FixtureISSPID), systemID: t.Param("system_id", ipossim.FixtureSystemID),
		storeID: t.Param("store_id", ipossim.FixtureStoreID), posID: t.Param("pos_id", ipossim.FixturePosID),
		prefix: time.Now().UTC().Format("060102150405")}
	if !t.Embedded() {
		return e, func() error { return nil }, nil
	}
	e.clock = sim.NewManualClock(simStart())
	s, err := ipossim.New(sim.Options{Clock: e.clock, Faults: t.Faults, Strict: t.Strict})
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

// seq returns a fresh pos_seq: 12 digits of the run's start time and a
// 5-digit counter (17 digits: unique per merchant and longer than 12).
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
func (e *env) today() string {
	now := time.Now()
	if e.clock != nil {
		now = e.clock.Now()
	}
	return now.In(time.FixedZone("CST", 8*3600)).Format(ipos.DayLayout)
}

// do sends req with the spec's context (cancelled when the spec times out
// or the run is interrupted).
func (e *env) do(ctx context.Context, req ipos.Request) (*ipos.Reply, error) {
	return e.client().Do(ctx, req)
}

// amountVoucher returns a voucher code with balance fen unused: seeded on
// the simulator, from Params on a real endpoint (where balance is a floor).
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
	posID := fmt.Sprintf("9%09d", e.n.Add(1)%1_000_000_000)
	h := e.header()
	h.PosID = posID
	bind := ipos.BindPosRequest{Header: ipos.Header{ISSPID: e.isspid, PosID: posID, PosSeq: e.seq(), SystemID: e.systemID},
		Store: ipos.StoreInfo{StoreID: e.storeID, StoreName: "翼码测试门店"}}.Request()
	if _, err := e.do(ctx, bind); err != nil {
		ginkgo.Fail("binding a fresh terminal for the spec: " + err.Error())
	}
	return h
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
