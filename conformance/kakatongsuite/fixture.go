package kakatongsuite

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/conformance"
	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongclient"
	"paycert/platforms/kakatong/kakatongsim"
)

// merchantRef is a merchant's licence key, COPNO and a terminal of it.
type merchantRef struct{ key, copno, pos string }

// fixture is the state the code specs provoke codes with: cards, merchants
// and terminals in given states. The embedded simulator has them all (its
// fixture); against a target each comes from a target param (params.go),
// and a spec whose param is missing is skipped naming it.
type fixture struct {
	expiredKey string // licence 2
	lost, cancelled, replaced, frozen, expired, notYet,
	pointsOnly, valueOnly, otherIssuer, dupMobile, faceValue string
	inactive    []string // not yet active, empty: activation consumes one per spec
	singleLimit string   // the cards' per-trade limit in fen (09)

	other, low, closed, testMode merchantRef
	testCard                     string
	capPos                       string // terminal with a daily recharge cap (58)
	capAmount                    int64
	countPos                     string // terminal with a daily trade count (67)
	countMax                     int
}

// fixtureOf reads the fixture params of t; for the embedded simulator
// every unset one defaults to the simulator's fixture.
func fixtureOf(t conformance.Target) (fixture, error) {
	emb := t.Embedded()
	p := func(name, simDefault string) string {
		if emb {
			return t.Param(name, simDefault)
		}
		return t.Param(name, "")
	}
	var fx fixture
	fx.expiredKey = p("expired_key", kakatongsim.ExpiredKey)
	fx.lost = p("card_lost", kakatongsim.CardLost)
	fx.cancelled = p("card_cancelled", kakatongsim.CardCancelled)
	fx.replaced = p("card_replaced", kakatongsim.CardReplaced)
	fx.frozen = p("card_frozen", kakatongsim.CardFrozen)
	fx.expired = p("card_expired", kakatongsim.CardExpired)
	fx.notYet = p("card_not_yet_valid", kakatongsim.CardNotYet)
	fx.pointsOnly = p("card_points_only", kakatongsim.CardPoints)
	fx.valueOnly = p("card_value_only", kakatongsim.CardValue)
	fx.otherIssuer = p("card_other_issuer", kakatongsim.CardOtherIss)
	fx.dupMobile = p("card_dup_mobile", kakatongsim.CardDupMobile)
	fx.faceValue = p("card_face_value", kakatongsim.CardFaceValue)
	fx.inactive = list(p("inactive_cards", ""))
	fx.singleLimit = p("single_limit", strconv.Itoa(kakatongsim.SingleLimit))
	var err error
	merchant := func(name string, def merchantRef) merchantRef {
		v := p(name, def.key+","+def.copno+","+def.pos)
		if v == "" || err != nil {
			return merchantRef{}
		}
		f := list(v)
		if len(f) != 3 {
			err = fmt.Errorf("kakatong: target param %s: want LICENSEKEY,COPNO,POSCODE, got %d values", name, len(f))
			return merchantRef{}
		}
		return merchantRef{f[0], f[1], f[2]}
	}
	fx.other = merchant("merchant_other", merchantRef{kakatongsim.OtherKey, kakatongsim.OtherCopNo, kakatongsim.OtherPos})
	fx.low = merchant("merchant_low_prepaid", merchantRef{kakatongsim.LowKey, kakatongsim.LowCopNo, kakatongsim.LowPos})
	fx.closed = merchant("merchant_closed", merchantRef{kakatongsim.ClosedKey, kakatongsim.ClosedCopNo, kakatongsim.ClosedPos})
	fx.testMode = merchant("merchant_test_mode", merchantRef{kakatongsim.TestKey, kakatongsim.TestCopNo, kakatongsim.TestPos})
	fx.testCard = p("test_mode_card", kakatongsim.TestCard)
	terminal := func(name, defPos string, defN int64) (string, int64) {
		v := p(name, defPos+","+strconv.FormatInt(defN, 10))
		if v == "" || err != nil {
			return "", 0
		}
		pos, n, ok := strings.Cut(v, ",")
		k, perr := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
		if !ok || perr != nil || k <= 0 {
			err = fmt.Errorf("kakatong: target param %s: want POSCODE,LIMIT, got %q", name, v)
		}
		return strings.TrimSpace(pos), k
	}
	fx.capPos, fx.capAmount = terminal("terminal_recharge_cap", kakatongsim.PosCapped, kakatongsim.RechargeCap)
	var n int64
	fx.countPos, n = terminal("terminal_trade_count", kakatongsim.PosCounted, kakatongsim.DailyTrades)
	fx.countMax = int(n)
	return fx, err
}

// need returns a fixture value, or skips the spec naming the target param
// that would let it run.
func need[T comparable](v T, param string) T {
	var zero T
	if v == zero {
		Skip("needs the target param " + param + " (a fixture state only the endpoint's operator can set up): see paycert.example.yaml")
	}
	return v
}

// inactiveCard returns a card that is not yet active: a fresh one in the
// simulator, else the first of inactive_cards that still answers 17 (an
// earlier spec or run activated the ones before it).
func (e *env) inactiveCard(ctx context.Context) string {
	if e.sim != nil {
		return e.card(inactive)
	}
	need(len(e.fx.inactive), "inactive_cards")
	c := e.client()
	e.mu.Lock()
	defer e.mu.Unlock()
	for ; e.inactIdx < len(e.fx.inactive); e.inactIdx++ {
		card := e.fx.inactive[e.inactIdx]
		r := must(c.Trade(ctx, kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: e.pwd}))
		if r.Code() == kakatong.CodeNotActive {
			return card
		}
	}
	Fail(fmt.Sprintf("every card of inactive_cards (%d) is active already: give cards that are not yet activated", len(e.fx.inactive)))
	return ""
}

// undoLater undoes a purchase after the spec against a target, so the run
// leaves the cards' balances as it found them; the embedded simulator is
// thrown away instead.
func (e *env) undoLater(c *kakatongclient.Client, card, stance string) {
	e.undoRowLater(c, card, *rowOf(kakatong.TypeConsume, kakatong.ModeConsume), stance)
}

// undoRowLater undoes the forward trade fwd (stance) after the spec
// against a target with the row that cancels it, if the table has one.
func (e *env) undoRowLater(c *kakatongclient.Client, card string, fwd kakatong.Row, stance string) {
	if e.sim != nil || stance == "" {
		return
	}
	var undo *kakatong.Row
	for _, r := range kakatong.Rows() {
		if r.Undo && r.Type == fwd.Type && r.Family == fwd.Family {
			undo = &r
		}
	}
	if undo == nil {
		return
	}
	DeferCleanup(func(ctx SpecContext) {
		r := must(c.Trade(ctx, kakatongclient.Trade{Type: undo.Type, Mode: undo.Mode, CardNo: card, Password: e.pwd, StanceRev: stance}))
		Expect(r.Code()).To(BeElementOf(kakatong.CodeOK, kakatong.CodeAlreadyUndone), "cleaning up: undoing stance %s on card %s with %s/%s", stance, card, undo.Type, undo.Mode)
	})
}

// unbindLater removes a binding after the spec, so a later spec or run
// finds the card unbound (bound again it would answer 42).
func (e *env) unbindLater(c *kakatongclient.Client, card, id string) {
	DeferCleanup(func(ctx SpecContext) {
		r := must(c.Bind(ctx, card, e.pwd, id, false, ""))
		Expect(r.Code()).To(BeElementOf(kakatong.CodeUnbound, kakatong.CodeNotBound), "cleaning up: unbinding %s from card %s", id, card)
	})
}
