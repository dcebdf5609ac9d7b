package scenario

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"paycert/codecs/gbkxml"
	"paycert/codecs/mac"
	"paycert/load"
	"paycert/platforms/catalog"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/iposclient"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
)

const (
	iposFixtureKey     = ipossim.FixtureKey
	iposFixtureVoucher = ipossim.VoucherAmount
	// iposVoucherCount spreads a run over several seeded vouchers, as real
	// traffic spreads over many.
	iposVoucherCount = 16
	// iposVerifyFen is what each card_verify takes.
	iposVerifyFen = 100
)

// iposPosSeq is the unique pos_seq of id: the run stamp, then the id (its
// shard's range), 23 digits (String(32); "longer than 12 digits").
func iposPosSeq(stamp string, id uint64) string { return fmt.Sprintf("%s%011d", stamp, id) }

// iposID recovers the id from a pos_seq this package made.
func iposID(posSeq string) (uint64, bool) {
	if len(posSeq) != 23 {
		return 0, false
	}
	id, err := strconv.ParseUint(posSeq[12:], 10, 64)
	return id, err == nil
}

func iposVerifyRequest(who iposTarget, stamp string, id uint64, voucher string, fen int64) ipos.CardVerifyRequest {
	return ipos.CardVerifyRequest{
		Header: ipos.Header{
			ISSPID: who.isspid, PosID: who.posID, StoreID: who.storeID,
			PosSeq: iposPosSeq(stamp, id), SystemID: who.systemID,
		},
		ValidInfo: voucher, EncodeType: "099", TxAmt: ipos.Fen(fen),
	}
}

// iposTargets returns what builds the MAC'd card_verify POST to url for each
// id, as the ipos-verify scenario sends it and the generator-overhead
// benchmark measures it: XML written by a pooled GBK writer, MAC'd, form
// encoded, one header map shared by every target (vegeta only reads it).
func iposTargets(url string, key []byte, build func(id uint64) ipos.CardVerifyRequest) func(uint64) (vegeta.Target, error) {
	pool := &sync.Pool{New: func() any { return gbkxml.NewWriter(nil, gbkxml.GBK) }}
	hdr := header("Content-Type", "application/x-www-form-urlencoded; charset=GBK")
	return func(id uint64) (vegeta.Target, error) {
		w := pool.Get().(*gbkxml.Writer)
		defer pool.Put(w)
		q := build(id)
		x, err := q.AppendXML(w, nil)
		if err != nil {
			return vegeta.Target{}, fmt.Errorf("card_verify xml: %w", err)
		}
		return vegeta.Target{Method: "POST", URL: url, Body: ipos.FormBody(nil, key, x), Header: hdr}, nil
	}
}

func checkFormMAC(key, body []byte) error {
	x, m, err := gbkxml.ParseFormBody(body)
	if err != nil {
		return fmt.Errorf("ipos form body: %w", err)
	}
	if !mac.VerifyIPos(key, x, m) {
		return errors.New("ipos form body: mac does not verify over the xml sent")
	}
	return nil
}

// IPosVerify redeems amount vouchers with card_verify (seed 002 §4.3).
func IPosVerify() *load.Scenario {
	return &load.Scenario{
		Name:     "ipos-verify",
		Summary:  "iPos card_verify on amount vouchers (GBK XML + MD5 MAC over HTTP), unique pos_seq per request",
		Measures: "HTTP round trip (requests MAC'd ahead by the background signers)",
		Setup:    setupIPosVerify,
	}
}

// iposTarget is who the run is at the target: the merchant, its MAC key,
// store and terminal (the fixture's by default, as certify's defaults).
type iposTarget struct {
	key                              string
	isspid, systemID, storeID, posID string
}

func iposTargetOf(env *load.Env) iposTarget {
	return iposTarget{
		key: env.Param("key", ipossim.FixtureKey), isspid: env.Param("isspid", ipossim.FixtureISSPID),
		systemID: env.Param("system_id", ipossim.FixtureSystemID), storeID: env.Param("store_id", ipossim.FixtureStoreID),
		posID: env.Param("pos_id", ipossim.FixturePosID),
	}
}

func setupIPosVerify(ctx context.Context, env *load.Env) (*load.Workload, error) {
	target := env.Target
	who := iposTargetOf(env)
	var vouchers []string
	fen := int64(1) // against a target paycert cannot seed: one fen per verify, so one voucher lasts
	var s *ipossim.Simulator
	var emb *embedded
	var remote *remoteLedger
	if env.Embedded() {
		var err error
		if s, err = ipossim.New(sim.Options{}); err != nil {
			return nil, fmt.Errorf("ipos simulator: %w", err)
		}
		// Enough balance for the whole run, whatever the rate: every
		// request's amount on every voucher is never exhausted.
		fen = iposVerifyFen
		per := int64(env.MaxRequests)*fen + fen
		for i := range iposVoucherCount {
			code := fmt.Sprintf("9%02d%013d", env.Shard.Index, i+1)
			if err := s.AddVoucher(ipossim.VoucherSpec{Code: code, Kind: ipossim.KindAmount, Balance: per, Price: per,
				Expires: time.Now().AddDate(1, 0, 0)}); err != nil {
				return nil, fmt.Errorf("seeding voucher %s: %w", code, err)
			}
			vouchers = append(vouchers, code)
		}
		if emb, err = serve(s); err != nil {
			return nil, err
		}
		target = emb.URL()
	} else {
		v, err := iposCheckVoucher(ctx, env, who, int64(env.MaxRequests)*fen)
		if err != nil {
			return nil, err
		}
		vouchers = []string{v}
		if remote, err = openRemoteLedger(ctx, env, url.Values{"voucher": vouchers}); err != nil {
			return nil, err
		}
	}
	key := []byte(who.key)
	cat := ipos.Catalogue()
	build := func(id uint64) ipos.CardVerifyRequest {
		return iposVerifyRequest(who, env.Stamp, id, vouchers[id%uint64(len(vouchers))], fen)
	}
	wl := &load.Workload{
		Note: "requests are built and MAC'd by background signers ahead of their send time (buffer ~50ms), so latency is the round trip",
		HTTP: &load.HTTPWork{
			Next: iposTargets(target, key, build),
			Classify: func(res *vegeta.Result) error {
				c, ok, err := ipos.Classify(res.Body)
				switch {
				case err != nil:
					return fmt.Errorf("unparsable reply: %w", err)
				case !ok:
					return load.Fail(c, replyComment(res.Body))
				}
				return nil
			},
			// The check rebuilds the exact request from the echoed pos_seq
			// (requests are a pure function of their id), so the echoes are
			// checked too.
			Check: func(res *vegeta.Result) error {
				r, err := ipos.DecodeReply(res.Body)
				if err != nil {
					return err
				}
				id, ok := iposID(r.PosSeq)
				if !ok {
					return fmt.Errorf("reply pos_seq %q is not the pos_seq of any request sent", r.PosSeq)
				}
				return catalog.FindingsError(ipos.CheckReply(cat, build(id).Request(), r))
			},
		},
	}
	if s != nil {
		wl.Close = emb.Close
		wl.Audit = func(acc *load.Stats) error { return auditIPos(s, acc, vouchers, fen) }
	}
	if remote != nil {
		wl.Audit = func(acc *load.Stats) error {
			return remote.audit(func(d, _ map[string]int64) []error { return iposLedger(d, acc, vouchers, fen) })
		}
	}
	return wl, nil
}

// iposCheckVoucher names the target's voucher for the run (params
// load_voucher, else voucher_amount: certify's) and checks with card_query,
// before anything is sent, that it holds what the run can take.
func iposCheckVoucher(ctx context.Context, env *load.Env, who iposTarget, need int64) (string, error) {
	v := env.Param("load_voucher", env.Param("voucher_amount", ""))
	if v == "" {
		return "", errors.New("ipos-verify against a target needs params.load_voucher (or voucher_amount): an amount voucher the run verifies 1 fen at a time")
	}
	c, err := iposclient.New(iposclient.Config{URL: env.Target, Key: who.key})
	if err != nil {
		return "", fmt.Errorf("ipos client: %w", err)
	}
	q := ipos.CardQueryRequest{Header: ipos.Header{ISSPID: who.isspid, PosID: who.posID, StoreID: who.storeID,
		PosSeq: iposPosSeq(env.Stamp, 0), SystemID: who.systemID}, ValidInfo: v}
	r, err := c.Do(ctx, q.Request())
	if err != nil {
		return "", fmt.Errorf("card_query of the voucher %s: %w", v, err)
	}
	var left int64 = -1
	if r.Query != nil {
		if n, ok := ipos.ParseFen(r.Query.RemainAmt); ok {
			left = n
		}
	}
	switch {
	case left < 0:
		return "", fmt.Errorf("voucher %s: card_query gave no remaining amount (is it an amount voucher?)", v)
	case left < need:
		return "", fmt.Errorf("voucher %s has %d fen left, the run may verify up to %d (1 fen each): give a fuller voucher, or a lower --rate, --duration or --max-requests", v, left, need)
	}
	return v, nil
}

func replyComment(body []byte) string {
	r, err := ipos.DecodeReply(body)
	if err != nil {
		return ""
	}
	return r.Result.Comment
}

// auditIPos checks the ledger after a run: the simulator's invariants, every
// accepted verify counted once in its totals, and the money taken from the
// seeded vouchers equal to the money the accepted verifies took.
func auditIPos(s *ipossim.Simulator, acc *load.Stats, vouchers []string, fen int64) error {
	errs := simulatorChecks(s)
	t := s.Totals()
	if err := countMatches(int64(t.Verifications), acc, "verifications"); err != nil {
		errs = append(errs, err)
	}
	if t.VerifiedFen != int64(t.Verifications)*fen {
		errs = append(errs, fmt.Errorf("simulator took %d fen, %d verifications of %d fen make %d", t.VerifiedFen, t.Verifications, fen, int64(t.Verifications)*fen))
	}
	var taken int64
	var live int
	for _, v := range vouchers {
		st, ok := s.Voucher(v)
		if !ok {
			errs = append(errs, fmt.Errorf("voucher %s vanished", v))
			continue
		}
		taken += st.Initial - st.Remain
		live += st.Verifications
	}
	if taken != t.VerifiedFen-t.UndoneFen {
		errs = append(errs, fmt.Errorf("money in != money out: vouchers lost %d fen, verifications took %d (undone %d)", taken, t.VerifiedFen, t.UndoneFen))
	}
	if int64(live) != int64(t.Verifications) {
		errs = append(errs, fmt.Errorf("vouchers hold %d live verifications, the simulator counted %d", live, t.Verifications))
	}
	return errors.Join(errs...)
}

// iposLedger is the out-of-process ledger check on the admin endpoint's
// counters (deltas over the run): verifications counted = accepted; fen
// taken = verifications × fen; the voucher's live verifications and the
// money it lost match them.
func iposLedger(d map[string]int64, acc *load.Stats, vouchers []string, fen int64) []error {
	var errs []error
	if err := countMatches(d["verifications"], acc, "verifications"); err != nil {
		errs = append(errs, err)
	}
	if d["verified_fen"] != d["verifications"]*fen {
		errs = append(errs, fmt.Errorf("simulator took %d fen, %d verifications of %d fen make %d", d["verified_fen"], d["verifications"], fen, d["verifications"]*fen))
	}
	var taken, live int64
	for _, v := range vouchers {
		taken -= d["voucher:"+v+":remain"]
		live += d["voucher:"+v+":verifications"]
	}
	if taken != d["verified_fen"]-d["undone_fen"] {
		errs = append(errs, fmt.Errorf("money in != money out: the voucher lost %d fen, verifications took %d (undone %d)", taken, d["verified_fen"], d["undone_fen"]))
	}
	if live != d["verifications"] {
		errs = append(errs, fmt.Errorf("the voucher gained %d live verifications, the simulator counted %d", live, d["verifications"]))
	}
	return errs
}
