package scenario

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

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
	// The merchant and cards are certify's params (the same paycert.yaml
	// section); the embedded simulator's fixture by default.
	plan := kakatongclient.LoadPlan{Password: env.Param("password", kakatongsim.Password), BaseAmount: 1}
	merchant := kakatongclient.Config{LicenceKey: env.Param("licence_key", kakatongsim.LicenceKey),
		CopNo: env.Param("copno", kakatongsim.CopNo), PosCode: env.Param("poscode", kakatongsim.LoadTerminal)}
	target := env.Target
	var s *kakatongsim.Simulator
	var emb *embedded
	var remote *remoteLedger
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
	}
	merchant.URL = target
	c, err := kakatongclient.New(merchant)
	if err != nil {
		return nil, fmt.Errorf("kakatong client: %w", err)
	}
	if !env.Embedded() {
		if plan.Cards, plan.BaseAmount, err = kakatongTargetCards(ctx, c, env, plan.Password); err != nil {
			return nil, err
		}
		if remote, err = openRemoteLedger(ctx, env, nil); err != nil {
			return nil, err
		}
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
		wl.Audit = func(acc *load.Stats) error { return auditKakatong(s, acc, before) }
	}
	if remote != nil {
		wl.Audit = func(acc *load.Stats) error {
			return remote.audit(func(d, _ map[string]int64) []error {
				return kakatongLedger(d["trades"], d["consumed"], d["recharged"], d["balances"], acc)
			})
		}
	}
	return wl, nil
}

// kakatongTargetCards reads, before anything is sent, the target's cards
// (param cards; certify's) the way the suite does (kakatongclient.ReadCard):
// a run's amounts start above every amount their streams list, so no
// purchase repeats one within the duplicate rule's 24 hours, and a card
// that cannot pay its share of the run is left out. No card left is one
// line, not a run of failures.
func kakatongTargetCards(ctx context.Context, c *kakatongclient.Client, env *load.Env, password string) ([]string, int64, error) {
	var cards []string
	for _, card := range strings.Split(env.Param("cards", ""), ",") {
		if card = strings.TrimSpace(card); card != "" {
			cards = append(cards, card)
		}
	}
	if len(cards) == 0 {
		return nil, 0, errors.New("kakatong against a target needs params.cards: active cards with money the run may spend")
	}
	states := make([]kakatongclient.CardState, len(cards))
	base := int64(1)
	for i, card := range cards {
		st, err := c.ReadCard(ctx, card, password, true)
		if err != nil {
			return nil, 0, fmt.Errorf("kakatong: %w", err)
		}
		states[i] = st
		for n := range st.Used {
			base = max(base, n+1)
		}
	}
	// Each card pays for rounds purchases of base, base+1, ... fen.
	rounds := int64(env.MaxRequests)/int64(len(cards)) + 1
	need := rounds*base + rounds*(rounds-1)/2
	var rich []string
	for i, card := range cards {
		if states[i].Balance >= need {
			rich = append(rich, card)
		}
	}
	if len(rich) < len(cards) {
		// Fewer cards means more rounds each: check again with the rich ones.
		rounds = int64(env.MaxRequests)/int64(max(len(rich), 1)) + 1
		need = rounds*base + rounds*(rounds-1)/2
		var still []string
		for _, card := range rich {
			for i := range cards {
				if cards[i] == card && states[i].Balance >= need {
					still = append(still, card)
				}
			}
		}
		rich = still
	}
	if len(rich) == 0 {
		return nil, 0, fmt.Errorf("kakatong: no card of params.cards holds the %s yuan its share of a run of at most %d purchases takes",
			kakatong.FormatYuan(need), env.MaxRequests)
	}
	return rich, base, nil
}

// kakatongLedger is the out-of-process ledger: the simulator's counter
// deltas over the run (sim --admin).
func kakatongLedger(trades, consumed, recharged, balances int64, acc *load.Stats) []error {
	var errs []error
	if err := countMatches(trades, acc, "trades"); err != nil {
		errs = append(errs, err)
	}
	if balances != recharged-consumed {
		errs = append(errs, fmt.Errorf("money in != money out: balances moved %d fen, purchases consumed %d, recharges %d", balances, consumed, recharged))
	}
	if trades > 0 && consumed < trades {
		errs = append(errs, fmt.Errorf("%d trades of at least 1 fen consumed only %d fen", trades, consumed))
	}
	return errs
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
func auditKakatong(s *kakatongsim.Simulator, acc *load.Stats, before kakatongsim.Totals) error {
	errs := simulatorChecks(s)
	after := s.Totals()
	errs = append(errs, kakatongLedger(int64(after.Trades-before.Trades), after.Consumed-before.Consumed,
		after.Recharged-before.Recharged, after.Balances-before.Balances, acc)...)
	return errors.Join(errs...)
}
