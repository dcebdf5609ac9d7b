package scenario

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	neturl "net/url"
	"time"

	"paycert/codecs/apdu"
	"paycert/codecs/signdomain"
	"paycert/codecs/sm2"
	"paycert/load"
	"paycert/load/flow"
	"paycert/platforms/catalog"
	"paycert/platforms/cpucard"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

const (
	// hzCards is the pool of software cards a run charges: a card is in
	// one flow at a time (a purse runs one load transaction at a time), so
	// the pool bounds the flows in flight; a flow waiting for a card counts
	// the wait in its create step.
	hzCards = 256
	// hzAmount is each charge: the fixture's minimum (10 yuan).
	hzAmount = hzcardsim.MinCharge
	// hzNonceCap bounds the nonces made before a run: 64 bytes each, ~25 µs
	// of CPU each (131 072: 8 MiB, under two seconds on two cores).
	hzNonceCap = 1 << 17
)

// HZCardCharge is the Huzhou charge flow with the software card in the loop.
func HZCardCharge() *load.Scenario {
	return &load.Scenario{
		Name: "hzcard-charge",
		Summary: "Huzhou transit-card charge, create → request → confirm, SM3withSM2 both ways, " +
			"the software CPU card computing MAC1/TAC in the loop",
		Measures: "the whole flow and each step: HTTP round trip + SM2 sign of the request (precomputed nonce) + decoding and field checks of the reply + the card's APDUs (signing is inside the step: a flow's requests depend on the previous reply); the centre's signature is verified on the sampled replies (first 20, then 1 in 20), with the other field checks",
		Steps:    []string{"create", "request", "confirm"},
		Setup:    hzcardSetup(sim.Options{}),
	}
}

type hzCard struct {
	no   string
	card *cpucard.Card
}

// hzcardSetup starts the embedded centre with opts (a test gives it faults).
func hzcardSetup(opts sim.Options) func(context.Context, *load.Env) (*load.Workload, error) {
	return func(ctx context.Context, env *load.Env) (*load.Workload, error) { return setupHZCard(ctx, env, opts) }
}

func setupHZCard(ctx context.Context, env *load.Env, opts sim.Options) (*load.Workload, error) {
	var (
		url    string
		pool   chan hzCard
		cards  []string
		base   hzcardclient.Config // the keys, sign profile and envelope identities
		closer = func() error { return nil }
		audit  func(*load.Stats) error
	)
	if env.Embedded() {
		s, err := hzcardsim.New(opts)
		if err != nil {
			return nil, fmt.Errorf("hzcard simulator: %w", err)
		}
		per := int64(env.MaxRequests)/hzCards + 2
		walletMax := uint32(min(per*hzAmount+hzAmount, math.MaxUint32))
		pool = make(chan hzCard, hzCards)
		for i := range hzCards {
			no := fmt.Sprintf("3305%02d%010d", env.Shard.Index, i+1)
			c, err := s.AddCard(hzcardsim.CardSpec{CardNo: no, WalletMax: walletMax})
			if err != nil {
				return nil, fmt.Errorf("adding card %s: %w", no, err)
			}
			if !c.Powered() {
				c.PowerOn()
			}
			pool <- hzCard{no: no, card: c}
			cards = append(cards, no)
		}
		emb, err := serve(s)
		if err != nil {
			return nil, err
		}
		key, err := hzcard.TestKey(hzcard.TestInstKeyHex)
		if err != nil {
			emb.Close()
			return nil, fmt.Errorf("hzcard test key: %w", err)
		}
		url, closer = emb.URL(), emb.Close
		base = hzcardclient.Config{Profile: signdomain.SignEmpty, Key: key, CentreKey: s.CentrePublicKey()}
		before := s.Totals()
		audit = func(acc *load.Stats) error { return auditHZ(s, acc, before, cards) }
	} else {
		var err error
		if base, err = hzTargetConfig(env); err != nil {
			return nil, err
		}
		url = env.Target
		var held []hzCard
		if held, err = hzTargetCards(ctx, env, base); err != nil {
			return nil, err
		}
		pool = make(chan hzCard, len(held))
		for _, hc := range held {
			pool <- hc
			cards = append(cards, hc.no)
		}
		remote, err := openRemoteLedger(ctx, env, neturl.Values{"card": cards})
		if err != nil {
			return nil, err
		}
		if remote != nil {
			audit = func(acc *load.Stats) error {
				return remote.audit(func(d, _ map[string]int64) []error { return hzLedger(d, acc, cards) })
			}
		}
	}
	cat := hzcard.Catalogue()
	key, centre := base.Key, base.CentreKey
	// The client verifies the sampled replies by the centre's key:
	// precomputed tables (codecs/sm2) make that ~3.5× cheaper. Its own
	// signatures use nonces made now, before the run (offline/online SM2):
	// three requests per flow, at most hzNonceCap; past that the run signs
	// online.
	centre.Precompute()
	nonces := int(min(3*env.MaxRequests, hzNonceCap))
	began := time.Now()
	if err := key.PrecomputeNonces(nil, nonces); err != nil {
		closer()
		return nil, fmt.Errorf("hzcard client: %w", err)
	}
	env.Logf("hzcard-charge: %d SM2 signing nonces precomputed in %s (the run's requests are signed with them)",
		nonces, time.Since(began).Round(time.Millisecond))
	own := key.Public()
	badSign := []byte(`"` + hzcard.CodeBadSign + `"`)
	observe := func(ex wire.Exchange) {
		if ex.Status != http.StatusOK {
			return
		}
		if env.Checks.Sample() {
			env.Checks.Record(hzCheckReply(cat, centre, base.Profile, ex))
		}
		if bytes.Contains(ex.Reply, badSign) {
			if r, ok := hzcard.Scan(ex.Reply).Reply(); ok && r.Result == hzcard.CodeBadSign {
				verdict := "the client's own verification accepts it"
				if err := hzcard.Scan(ex.Request).Verify(own, base.Profile); err != nil {
					verdict = "the client's own verification rejects it too (" + err.Error() + ")"
				}
				env.Checks.Record(fmt.Errorf("%s: the centre rejected the request signature (%s); %s; request: %s",
					ex.Interface, hzcard.CodeBadSign, verdict, ex.Request))
			}
		}
	}
	cfg := base
	cfg.URL, cfg.Observe, cfg.NoVerify = url, observe, true
	cfg.SSNPrefix = fmt.Sprintf("L%02d%s", env.Shard.Index, env.Stamp[4:])
	// No http.Client Timeout: every step runs under the flow runner's
	// deadline (Plan.Timeout), and a client timeout would add a timer per
	// request that never fires first.
	cfg.HTTP = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024, IdleConnTimeout: 90 * time.Second}}
	c, err := hzcardclient.New(cfg)
	if err != nil {
		closer()
		return nil, fmt.Errorf("hzcard client: %w", err)
	}
	do := func(ctx context.Context, id uint64, it *flow.Iteration) {
		payOrder := fmt.Sprintf("%s%011d", env.Stamp, id) // the UnionPay payment order: unique per flow
		var hc hzCard
		var created hzcard.APDUReply
		if !it.Step("create", func(ctx context.Context) flow.Outcome {
			select {
			case hc = <-pool:
			case <-ctx.Done():
				return flow.Outcome{Err: fmt.Errorf("no free card: %w", ctx.Err())}
			}
			var err error
			created, err = c.ChargeOrderCreate(ctx, hzcard.OrderCreateReq{CardNo: hc.no, ChargeType: hzcard.ChargeTypeWallet, PayType: hzcard.PayTypeUnionPay,
				PayOrderNo: payOrder, TxnAmt: hzcard.Text(hzcard.Amount(hzAmount))})
			return hzOutcome(err)
		}) {
			if hc.card != nil {
				pool <- hc
			}
			return
		}
		defer func() { pool <- hc }()
		base := hzcard.ChargeReq{CardNo: hc.no, OrderNo: created.OrderNo, ChargeType: hzcard.ChargeTypeWallet, PayType: hzcard.PayTypeUnionPay, PayOrderNo: payOrder,
			TxnAmt: hzcard.Text(hzcard.Amount(hzAmount))}
		var credit string
		if !it.Step("request", func(ctx context.Context) flow.Outcome {
			list := string(created.APDUList)
			resp, err := c.Run(hc.card, list)
			if err != nil {
				return flow.Outcome{Err: fmt.Errorf("card: INITIALIZE FOR LOAD: %w", err)}
			}
			req := base
			req.APDUNum, req.APDUList, req.APDUResp = hzcard.Text(fmt.Sprint(countAPDU(list))), hzcard.APDUs(list), hzcard.RespOf(resp.String())
			ch, err := c.CardChargeRequest(ctx, req)
			credit = string(ch.APDUList)
			return hzOutcome(err)
		}) {
			return
		}
		it.Step("confirm", func(ctx context.Context) flow.Outcome {
			resp, runErr := c.Run(hc.card, credit)
			conf := base
			conf.APDUNum, conf.APDUList, conf.APDUResp = hzcard.Text(fmt.Sprint(countAPDU(credit))), hzcard.APDUs(credit), hzcard.RespOf(resp.String())
			_, err := c.CardChargeConfirm(ctx, conf)
			if runErr != nil {
				return flow.Outcome{Code: 200, Err: fmt.Errorf("card: CREDIT FOR LOAD: %w (confirm: %v)", runErr, err)}
			}
			return hzOutcome(err)
		})
	}
	return &load.Workload{
		Note:  fmt.Sprintf("one software card per flow in flight (pool of %d); signing and the card's APDUs are inside each step", len(cards)),
		Flow:  &load.FlowWork{Do: do},
		Close: closer,
		Audit: audit,
	}, nil
}

// countAPDU counts the commands of a "|"-separated or listed APDU string the
// way the client does (hzcard.APDUs carries the list as the centre sent it).
func countAPDU(list string) int {
	l, err := apdu.ParseList(list)
	if err != nil {
		return 0
	}
	return len(l)
}

// hzCheckReply is the sampled check of one reply: it parses, the centre's
// signature verifies, and its fields are what the catalogue says.
func hzCheckReply(cat *catalog.Catalogue, centre *sm2.PublicKey, profile signdomain.Profile, ex wire.Exchange) error {
	rep, err := hzcard.ParseReply(ex.Reply)
	if err != nil {
		return fmt.Errorf("%s: %w", ex.Interface, err)
	}
	if err := hzcard.VerifyReply(&rep, centre, profile); err != nil {
		return fmt.Errorf("%s: centre signature: %w", ex.Interface, err)
	}
	if err := catalog.FindingsError(hzcard.CheckReply(cat, hzcard.Call{Interface: ex.Interface}, &rep)); err != nil {
		return fmt.Errorf("%s reply: %w", ex.Interface, err)
	}
	return nil
}

// hzOutcome maps a client error to a step outcome: a business code is a
// reply (200) with the code; a reply to drop carries its HTTP status; no
// reply is status 0.
func hzOutcome(err error) flow.Outcome {
	if err == nil {
		return flow.Outcome{Code: 200}
	}
	if wire.IsTransport(err) {
		return flow.Outcome{Err: err}
	}
	if code := wire.Code(err); code != "" {
		return flow.Outcome{Code: 200, Err: load.Fail(code, err.Error())}
	}
	var pe *wire.ProtocolError
	if errors.As(err, &pe) && pe.Status != 0 {
		return flow.Outcome{Code: uint16(pe.Status), Err: err}
	}
	return flow.Outcome{Code: 200, Err: err}
}

// auditHZ: the centre's ledger invariants (no money made or lost), one
// confirmed order and one 10-yuan load per accepted flow, and every card's
// centre balance equal to what the accepted flows loaded onto it.
func auditHZ(s *hzcardsim.Simulator, acc *load.Stats, before hzcardsim.Totals, cards []string) error {
	errs := simulatorChecks(s)
	t := s.Totals()
	n := t.Confirmed - before.Confirmed
	if err := countMatches(int64(n), acc, "confirmed orders"); err != nil {
		errs = append(errs, err)
	}
	if fen := t.Loaded - before.Loaded; fen != int64(n)*hzAmount {
		errs = append(errs, fmt.Errorf("centre loaded %d fen, %d confirmed orders of %d fen make %d", fen, n, hzAmount, int64(n)*hzAmount))
	}
	if paid := t.PaidIn - before.PaidIn; paid != (t.Loaded-before.Loaded)+(t.Refunded-before.Refunded)+(t.Outstanding-before.Outstanding) {
		errs = append(errs, fmt.Errorf("money in != money out: paid in %d fen, loaded %d + refunded %d + outstanding %d",
			paid, t.Loaded-before.Loaded, t.Refunded-before.Refunded, t.Outstanding-before.Outstanding))
	}
	var onCards int64
	for _, no := range cards {
		b, ok := s.CardBalance(no)
		if !ok {
			errs = append(errs, fmt.Errorf("card %s vanished from the centre", no))
			continue
		}
		onCards += b
	}
	if onCards != int64(n)*hzAmount {
		errs = append(errs, fmt.Errorf("the run's cards hold %d fen at the centre, %d confirmed orders loaded %d", onCards, n, int64(n)*hzAmount))
	}
	return errors.Join(errs...)
}
