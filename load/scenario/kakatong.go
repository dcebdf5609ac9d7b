package scenario

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"paycert/load"
	"paycert/platforms/catalog"
	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongclient"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
)

// kakatongCards spreads a run over cards; client.LoadPlan keeps every
// (card, terminal, amount) triple unique, so no request trips the 24-hour
// duplicate rule (code 12).
const kakatongCards = 64

// KakatongConsume is the REST purchase (cTRequest 0022/1).
func KakatongConsume() *load.Scenario {
	return &load.Scenario{
		Name:     "kakatong-consume",
		Summary:  "Kakatong stored-value purchase cTRequest 0022/1 over REST (GET, XML reply), unique card/amount per request",
		Measures: "HTTP round trip (requests built ahead by the background signers)",
		Setup: func(ctx context.Context, env *load.Env) (*load.Workload, error) {
			return setupKakatong(ctx, env, false)
		},
	}
}

// KakatongSOAPConsume is the same purchase as soapCardTrade over SOAP 1.2.
func KakatongSOAPConsume() *load.Scenario {
	return &load.Scenario{
		Name:     "kakatong-soap-consume",
		Summary:  "Kakatong stored-value purchase soapCardTrade over SOAP 1.2 (GB2312 envelope), unique card/amount per request",
		Measures: "HTTP round trip (requests built ahead by the background signers)",
		Setup:    func(ctx context.Context, env *load.Env) (*load.Workload, error) { return setupKakatong(ctx, env, true) },
	}
}

// kakatongPrefix is the 8-digit card prefix of a shard's cards: shards of
// one run use disjoint cards, so they never share a (card, terminal,
// amount) triple even against one target.
func kakatongPrefix(s load.Shard) string { return fmt.Sprintf("8800%02d00", s.Index) }

func setupKakatong(ctx context.Context, env *load.Env, soap bool) (*load.Workload, error) {
	plan := kakatongclient.LoadPlan{Password: kakatongsim.Password, BaseAmount: 1}
	target := env.Target
	var s *kakatongsim.Simulator
	var emb *embedded
	var before kakatongsim.Totals
	if env.Embedded() {
		var err error
		if s, err = kakatongsim.New(sim.Options{}); err != nil {
			return nil, fmt.Errorf("kakatong simulator: %w", err)
		}
		// Amounts grow by one fen per round over the cards: a card pays
		// 1+2+...+rounds fen at most.
		rounds := int64(env.MaxRequests)/kakatongCards + 1
		if plan.Cards, err = s.SeedLoad(kakatongPrefix(env.Shard), kakatongCards, rounds*(rounds+1)/2+1); err != nil {
			return nil, err
		}
		before = s.Totals()
		if emb, err = serve(s); err != nil {
			return nil, err
		}
		target = emb.URL()
	} else {
		// Against a target paycert cannot seed, the shard's cards must exist
		// there, numbered as SeedLoad numbers them.
		for i := range kakatongCards {
			plan.Cards = append(plan.Cards, fmt.Sprintf("%s%08d", kakatongPrefix(env.Shard), i))
		}
	}
	c, err := kakatongclient.New(kakatongclient.Config{URL: target, LicenceKey: kakatongsim.LicenceKey, CopNo: kakatongsim.CopNo, PosCode: kakatongsim.LoadTerminal})
	if err != nil {
		return nil, fmt.Errorf("kakatong client: %w", err)
	}
	cat := kakatong.Catalogue()
	row, _, _ := kakatong.RowFor(kakatong.TypeConsume, kakatong.ModeConsume)
	op, _ := kakatong.OperationFor(kakatong.MethodTrade)
	base := uint64(env.Shard.Index) * load.IDStride
	wl := &load.Workload{
		Note: "requests are built by background signers ahead of their send time (buffer ~50ms), so latency is the round trip",
		HTTP: &load.HTTPWork{
			Next: func(id uint64) (vegeta.Target, error) {
				i := id - base - 1 // the plan's index: 0, 1, 2... within this shard's cards
				var req *http.Request
				var err error
				if soap {
					req, err = c.SOAPConsumeRequest(context.Background(), plan, i)
				} else {
					req, err = c.ConsumeRequest(context.Background(), plan, i)
				}
				if err != nil {
					return vegeta.Target{}, err
				}
				return targetOf(req)
			},
			Classify: func(r *vegeta.Result) error {
				var o kakatongclient.Outcome
				var err error
				if soap {
					o, err = kakatongclient.ClassifySOAP(op.Name, r.Headers.Get("Content-Type"), r.Body)
				} else {
					o, err = kakatongclient.Classify(kakatong.MethodTrade, r.Body)
				}
				switch {
				case err != nil:
					return fmt.Errorf("not a gateway reply: %w", err)
				case !o.Success:
					return load.Fail(o.Code, kakatong.CodeOf(o.Code).Text)
				}
				return nil
			},
			Check: func(r *vegeta.Result) error {
				var rep *kakatong.Reply
				var err error
				if soap {
					rep, err = kakatong.ParseSOAPReply(op, r.Headers.Get("Content-Type"), r.Body)
				} else {
					rep, err = kakatong.ParseReply(kakatong.MethodTrade, r.Body)
				}
				if err != nil {
					return err
				}
				return catalog.FindingsError(kakatong.CheckReply(cat, kakatong.Expect{Method: kakatong.MethodTrade, Row: &row, SOAP: soap}, rep))
			},
		},
	}
	if s != nil {
		wl.Close = emb.Close
		wl.Audit = func(acc *load.Stats) error { return auditKakatong(s, acc, plan.Cards, before) }
	}
	return wl, nil
}

// targetOf turns a built request into a vegeta target.
func targetOf(req *http.Request) (vegeta.Target, error) {
	t := vegeta.Target{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone()}
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return vegeta.Target{}, fmt.Errorf("request body: %w", err)
		}
		t.Body = b
	}
	return t, nil
}

// auditKakatong: the simulator's invariants, one recorded trade per
// accepted purchase, and the money the seeded cards lost equal to what the
// simulator says purchases consumed.
func auditKakatong(s *kakatongsim.Simulator, acc *load.Stats, cards []string, before kakatongsim.Totals) error {
	errs := simulatorChecks(s)
	after := s.Totals()
	n := after.Trades - before.Trades
	if err := countMatches(int64(n), acc, "trades"); err != nil {
		errs = append(errs, err)
	}
	consumed := after.Consumed - before.Consumed
	if after.Balances != before.Balances-consumed+(after.Recharged-before.Recharged) {
		errs = append(errs, fmt.Errorf("money in != money out: balances moved %d fen, purchases consumed %d", before.Balances-after.Balances, consumed))
	}
	if n > 0 && consumed < int64(n) {
		errs = append(errs, fmt.Errorf("%d trades of at least 1 fen consumed only %d fen", n, consumed))
	}
	return errors.Join(errs...)
}
