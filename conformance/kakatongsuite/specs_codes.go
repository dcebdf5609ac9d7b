package kakatongsuite

import (
	"context"
	"strconv"
	"strings"

	. "github.com/onsi/gomega"

	"paycert/codecs/mac"
	"paycert/conformance"
	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongclient"
)

// provocation makes the target answer one code: it returns the reply
// carrying the code and what CheckReply should expect of it.
type provocation func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect)

// consumeX returns the Expect of a purchase in English (the default).
func consumeX(card, code string) kakatong.Expect {
	return kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf(kakatong.TypeConsume, kakatong.ModeConsume), CardNo: card, Code: code}
}

// answers is the check of one code-table entry: run the provocation, and
// the reply must carry code and pass CheckReply expecting it.
func answers(code string, run provocation) func(context.Context, *env) {
	return func(ctx context.Context, e *env) {
		r, x := run(ctx, e)
		x.Code = code
		Expect(r).NotTo(BeNil())
		k := kakatong.CodeOf(code)
		Expect(r.Code()).To(Equal(code), "the gateway must answer %s (%s); got %q %s", code, k.TextEN, r.Code(), strings.TrimSpace(r.First().V("PayInResult")))
		e.expectReply(r, x)
	}
}

// provokers returns one provoker per provokable code: Interface is the
// REST method whose reply carries the code (the interface the report's
// interface × code matrix files it under; a provocation that makes earlier
// calls to set the state up, a purchase before its undo, a bind before an
// unbind, names the call that answers the code), SimOnly says why it needs
// the embedded simulator.
func provokers() map[string]conformance.Provoker[*env] {
	buy := func(ctx context.Context, e *env, c *kakatongclient.Client, card, amount string) *kakatong.Reply {
		return must(c.Trade(ctx, kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: amount}))
	}
	buyOn := func(ctx context.Context, e *env, card string) (*kakatong.Reply, kakatong.Expect) {
		c := e.client()
		r := buy(ctx, e, c, card, e.amount())
		if r.Code() == kakatong.CodeOK {
			e.undoLater(c, card, r.First().V("Stance"))
		}
		return r, consumeX(card, "")
	}
	undo := func(ctx context.Context, e *env, c *kakatongclient.Client, card, stance, amount string) *kakatong.Reply {
		return must(c.Trade(ctx, kakatongclient.Trade{Type: "0022", Mode: "0", CardNo: card, Password: e.pwd, StanceRev: stance, Amount: amount}))
	}
	undoX := func(card, code string) kakatong.Expect {
		return kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0022", "0"), CardNo: card, Code: code}
	}
	licence := func(key, copno string) provocation {
		return func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c := e.client(func(cfg *kakatongclient.Config) { cfg.LicenceKey, cfg.CopNo = key, copno })
			card := e.card()
			return buy(ctx, e, c, card, e.amount()), consumeX(card, "")
		}
	}
	// activate activates the card of the fixture field card at the merchant
	// m (the env's own when nil); param names the target params they come from.
	activate := func(param string, m func(*fixture) merchantRef, card func(*fixture) string) provocation {
		return func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c := e.client()
			if m != nil {
				mr := need(m(&e.fx), param)
				c = e.client(merchantOf(mr.key, mr.copno, mr.pos))
			}
			no := need(card(&e.fx), param)
			return must(c.Activate(ctx, no, e.pwd, "")), kakatong.Expect{Method: kakatong.MethodActivate}
		}
	}
	// on buys on the fixture card field (a card in a refusing state).
	on := func(param string, card func(*fixture) string) provocation {
		return func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return buyOn(ctx, e, need(card(&e.fx), param))
		}
	}
	raw := func(p kakatongclient.Params) provocation {
		return func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			full := kakatongclient.Params{"TRADETYPE": kakatong.TypeConsume, "TRADEMODE": kakatong.ModeConsume, "CARDNO": card, "CARDPWD": e.pwdHash(), "POSCODE": e.pos, "AMOUNT": e.amount()}
			for k, v := range p {
				full[k] = v
			}
			r := must(e.client().Call(ctx, kakatong.MethodTrade, full))
			x := kakatong.Expect{Method: kakatong.MethodTrade}
			if row, ok, _ := kakatong.RowFor(full["TRADETYPE"], full["TRADEMODE"]); ok {
				x.Row = &row
			}
			return r, x
		}
	}
	return map[string]conformance.Provoker[*env]{
		"1": {Interface: kakatong.MethodTrade, Check: answers("1", licence("UnknownLicenceKey000", ""))},
		"2": {Interface: kakatong.MethodTrade, Check: answers("2", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return licence(need(e.fx.expiredKey, "expired_key"), "")(ctx, e)
		})},
		"3": {Interface: kakatong.MethodTrade, Check: answers("3", licence("short-key!", ""))},
		"4": {Interface: kakatong.MethodTrade, Check: answers("4", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return licence(e.key, "9"+e.copno)(ctx, e)
		})},
		"00": {Interface: kakatong.MethodStream, Check: answers("00", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			r := must(e.client().Call(ctx, kakatong.MethodStream, kakatongclient.StreamParams(kakatongclient.StreamQuery{CardNo: e.card(), PosCode: e.pos})))
			return r, kakatong.Expect{Method: kakatong.MethodStream}
		})},
		"01": {Interface: kakatong.MethodTrade, Check: answers("01", raw(kakatongclient.Params{"CARDNO": "16801155"}))},
		"02": {Interface: kakatong.MethodTrade, Check: answers("02", raw(kakatongclient.Params{"AMOUNT": "12a"}))},
		"03": {Interface: kakatong.MethodTrade, Check: answers("03", raw(kakatongclient.Params{"TRADETYPE": "9999"}))},
		"04": {Interface: kakatong.MethodTrade, Check: answers("04", raw(kakatongclient.Params{"TRADEMODE": "7"}))},
		"05": {Interface: kakatong.MethodTrade, Check: answers("05", raw(kakatongclient.Params{"CARDNO": "1680999999999999"}))},
		"06": {Interface: kakatong.MethodTrade, Check: answers("06", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			amt := e.amount()
			st := buy(ctx, e, c, card, amt).First().V("Stance")
			e.undoLater(c, card, st)
			return undo(ctx, e, c, card, st, amt+"1"), undoX(card, "")
		})},
		"07": {Interface: kakatong.MethodTrade, Check: answers("07", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			return must(e.client().Trade(ctx, kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: "000000", Amount: e.amount()})), consumeX(card, "")
		})},
		"08": {Interface: kakatong.MethodTrade, Check: answers("08", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			bal, _ := e.balance(ctx, c, card)
			return buy(ctx, e, c, card, strconv.FormatInt(bal+1, 10)), consumeX(card, "")
		})},
		"09": {Interface: kakatong.MethodTrade, Check: answers("09", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			limit, err := strconv.ParseInt(need(e.fx.singleLimit, "single_limit"), 10, 64)
			Expect(err).NotTo(HaveOccurred(), "target param single_limit must be fen digits")
			card := e.card()
			return buy(ctx, e, e.client(), card, strconv.FormatInt(limit+1, 10)), consumeX(card, "")
		})},
		"10": {Interface: kakatong.MethodTrade, Check: answers("10", on("card_expired", func(fx *fixture) string { return fx.expired }))},
		"11": {Interface: kakatong.MethodTrade, Check: answers("11", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) { return buyOn(ctx, e, e.card()) })},
		"12": {Interface: kakatong.MethodTrade, Check: answers("12", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card, amt := e.client(), e.card(), e.amount()
			first := buy(ctx, e, c, card, amt)
			Expect(first.Code()).To(Equal(kakatong.CodeOK))
			e.undoLater(c, card, first.First().V("Stance"))
			return buy(ctx, e, c, card, amt), consumeX(card, "")
		})},
		"13": {Interface: kakatong.MethodTrade, Check: answers("13", on("card_not_yet_valid", func(fx *fixture) string { return fx.notYet }))},
		"14": {Interface: kakatong.MethodTrade, Check: answers("14", on("card_lost", func(fx *fixture) string { return fx.lost }))},
		"15": {Interface: kakatong.MethodTrade, Check: answers("15", on("card_cancelled", func(fx *fixture) string { return fx.cancelled }))},
		"16": {Interface: kakatong.MethodTrade, Check: answers("16", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			r := must(e.client().Trade(ctx, kakatongclient.Trade{Type: "0033", Mode: "0", CardNo: card, Password: e.pwd, Amount: e.amount(), ItemCode: "99999"}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0033", "0")}
		})},
		"17": {Interface: kakatong.MethodTrade, Check: answers("17", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return buyOn(ctx, e, e.inactiveCard(ctx))
		})},
		"18": {Interface: kakatong.MethodTrade, Check: answers("18", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			st := buy(ctx, e, c, card, e.amount()).First().V("Stance")
			r := must(c.Trade(ctx, kakatongclient.Trade{Type: "0400", Mode: "-", CardNo: card, Password: e.pwd, StanceRev: st}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0400", "-"), CardNo: card}
		})},
		"19": {Interface: kakatong.MethodTrade, Check: answers("19", on("card_replaced", func(fx *fixture) string { return fx.replaced }))},
		"20": {Interface: kakatong.MethodTrade, Check: answers("20", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			r := must(e.client().Trade(ctx, kakatongclient.Trade{Type: "1102", Mode: "0", CardNo: need(e.fx.pointsOnly, "card_points_only"), Password: e.pwd, Amount: e.amount()}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("1102", "0")}
		})},
		"31": {Interface: kakatong.MethodTrade, Check: answers("31", on("card_points_only", func(fx *fixture) string { return fx.pointsOnly }))},
		"32": {Interface: kakatong.MethodTrade, Check: answers("32", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			r := must(e.client().Trade(ctx, kakatongclient.Trade{Type: "0033", Mode: "0", CardNo: need(e.fx.valueOnly, "card_value_only"), Password: e.pwd, Amount: e.amount()}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0033", "0")}
		})},
		"40": {Interface: kakatong.MethodBind, Check: answers("40", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card, id := e.client(), e.card(), e.idnum()
			e.unbindLater(c, card, id)
			return must(c.Bind(ctx, card, e.pwd, id, true, "")), kakatong.Expect{Method: kakatong.MethodBind, CardNo: card, IDNum: id}
		})},
		"41": {Interface: kakatong.MethodBind, Check: answers("41", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return must(e.client().Bind(ctx, e.card(), e.pwd, "12345", true, "")), kakatong.Expect{Method: kakatong.MethodBind}
		})},
		"42": {Interface: kakatong.MethodBind, Check: answers("42", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card, id := e.client(), e.card(), e.idnum()
			e.unbindLater(c, card, id)
			Expect(must(c.Bind(ctx, card, e.pwd, id, true, "")).Code()).To(Equal(kakatong.CodeBound))
			return must(c.Bind(ctx, card, e.pwd, e.idnum(), true, "")), kakatong.Expect{Method: kakatong.MethodBind}
		})},
		"43": {Interface: kakatong.MethodBind, Check: answers("43", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return must(e.client().Bind(ctx, e.card(), e.pwd, e.idnum(), false, "")), kakatong.Expect{Method: kakatong.MethodBind}
		})},
		"44": {Interface: kakatong.MethodBind, Check: answers("44", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card, id := e.client(), e.card(), e.idnum()
			e.unbindLater(c, card, id)
			Expect(must(c.Bind(ctx, card, e.pwd, id, true, "")).Code()).To(Equal(kakatong.CodeBound))
			return must(c.Bind(ctx, card, e.pwd, id, false, "")), kakatong.Expect{Method: kakatong.MethodBind, CardNo: card, IDNum: id}
		})},
		"45": {Interface: kakatong.MethodPassword, Check: answers("45", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			return must(e.client().ChangePassword(ctx, card, e.pwd, e.pwd, "")), kakatong.Expect{Method: kakatong.MethodPassword, CardNo: card}
		})},
		"46": {Interface: kakatong.MethodPassword, Check: answers("46", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return must(e.client().ChangePassword(ctx, e.card(), "000000", e.pwd, "")), kakatong.Expect{Method: kakatong.MethodPassword}
		})},
		"47": {Interface: kakatong.MethodPassword, Check: answers("47", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			return must(e.client().ChangePassword(ctx, card, "", e.pwd, "")), kakatong.Expect{Method: kakatong.MethodPassword, CardNo: card}
		})},
		"51": {Interface: kakatong.MethodTrade, SimOnly: "closes the simulator's gateway (no request closes a real one)", Check: answers("51", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			e.sim.SetGatewayClosed(true)
			defer e.sim.SetGatewayClosed(false)
			return buyOn(ctx, e, e.card())
		})},
		"52": {Interface: kakatong.MethodActivate, Check: answers("52", activate("card_other_issuer", nil, func(fx *fixture) string { return fx.otherIssuer }))},
		"53": {Interface: kakatong.MethodActivate, Check: answers("53", activate("card_cancelled", nil, func(fx *fixture) string { return fx.cancelled }))},
		"54": {Interface: kakatong.MethodActivate, Check: answers("54", activate("merchant_low_prepaid and card_face_value", func(fx *fixture) merchantRef { return fx.low },
			func(fx *fixture) string {
				if fx.low == (merchantRef{}) {
					return ""
				}
				return fx.faceValue
			}))},
		"56": {Interface: kakatong.MethodActivate, Check: answers("56", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return must(e.client().Activate(ctx, e.card(), e.pwd, "")), kakatong.Expect{Method: kakatong.MethodActivate}
		})},
		"57": {Interface: kakatong.MethodActivate, Check: answers("57", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.inactiveCard(ctx)
			return must(e.client().Activate(ctx, card, e.pwd, "")), kakatong.Expect{Method: kakatong.MethodActivate, CardNo: card}
		})},
		"58": {Interface: kakatong.MethodTrade, Check: answers("58", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			pos := need(e.fx.capPos, "terminal_recharge_cap")
			c, card, limit := e.client(), e.card(), e.fx.capAmount
			fwd := *rowOf("1102", "0")
			x := kakatong.Expect{Method: kakatong.MethodTrade, Row: &fwd}
			recharge := func(amount int64) *kakatong.Reply {
				r := must(c.Trade(ctx, kakatongclient.Trade{Type: "1102", Mode: "0", CardNo: card, Password: e.pwd, Amount: strconv.FormatInt(amount, 10), PosCode: pos}))
				if r.Code() == kakatong.CodeOK {
					// The undo gives the card and the merchant's prepaid
					// account their money back; the cap's use stays.
					e.undoRowLater(c, card, fwd, r.First().V("Stance"))
				}
				return r
			}
			// An earlier run may have used part of today's cap: what is
			// left is the cap minus today's recharges in the terminal's
			// stream, and the two recharges add up to one fen past it.
			used := rechargedToday(e.today(ctx, c, pos, e.targetDay(ctx)))
			Expect(used).To(BeNumerically("<=", limit), "terminal %s's stream lists %d fen of recharges today, over its daily cap of %d", pos, used, limit)
			left := limit - used
			first := e.amountN()
			for first < left && e.used[left-first+1] { // the second amount must not be a duplicate (12) of an earlier run's
				first = e.amountN()
			}
			if first >= left {
				// Today's cap is all but used up: no two recharges fit,
				// and one over what is left must answer 58 at once.
				return recharge(max(first, left+1)), x
			}
			second := left - first + 1 // within the cap alone, past it after the first
			if lim, err := strconv.ParseInt(e.fx.singleLimit, 10, 64); err == nil {
				Expect(second).To(BeNumerically("<=", lim), "terminal %s has %d fen of its daily cap left, more than the cards' single-trade limit: 09 would answer before 58; give a terminal whose cap is below single_limit", pos, left)
			}
			r := recharge(first)
			Expect(r.Code()).To(Equal(kakatong.CodeOK), "a recharge of %d fen is within the %d fen left of terminal %s's daily cap today (%d used)", first, left, pos, used)
			return recharge(second), x
		})},
		"59": {Interface: kakatong.MethodActivate, Check: answers("59", activate("card_dup_mobile", nil, func(fx *fixture) string { return fx.dupMobile }))},
		"60": {Interface: kakatong.MethodTrade, Check: answers("60", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			m := need(e.fx.closed, "merchant_closed")
			c := e.client(merchantOf(m.key, m.copno, m.pos))
			card := e.card()
			return buy(ctx, e, c, card, e.amount()), consumeX(card, "")
		})},
		"61": {Interface: kakatong.MethodTrade, Check: answers("61", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			return undo(ctx, e, e.client(), card, "99999999", ""), undoX(card, "")
		})},
		"62": {Interface: kakatong.MethodTrade, Check: answers("62", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			st := buy(ctx, e, c, card, e.amount()).First().V("Stance")
			ust := undo(ctx, e, c, card, st, "").First().V("Stance")
			return undo(ctx, e, c, card, ust, ""), undoX(card, "")
		})},
		"63": {Interface: kakatong.MethodTrade, Check: answers("63", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			st := buy(ctx, e, c, card, e.amount()).First().V("Stance")
			Expect(undo(ctx, e, c, card, st, "").Code()).To(Equal(kakatong.CodeOK))
			return undo(ctx, e, c, card, st, ""), undoX(card, "")
		})},
		"64": {Interface: kakatong.MethodTrade, Check: answers("64", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			m := need(e.fx.other, "merchant_other")
			other := e.client(merchantOf(m.key, m.copno, m.pos))
			card := e.card()
			r := buy(ctx, e, other, card, e.amount())
			Expect(r.Code()).To(Equal(kakatong.CodeOK), "a purchase at merchant %s with a %s card", m.copno, e.copno)
			e.undoLater(other, card, r.First().V("Stance"))
			return undo(ctx, e, e.client(), card, r.First().V("Stance"), ""), undoX(card, "")
		})},
		"65": {Interface: kakatong.MethodTrade, Check: answers("65", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			m := need(e.fx.other, "merchant_other")
			c := e.client(merchantOf(m.key, m.copno, m.pos))
			r := must(c.Trade(ctx, kakatongclient.Trade{Type: "1102", Mode: "0", CardNo: e.card(), Password: e.pwd, Amount: "5000"}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("1102", "0")}
		})},
		"66": {Interface: kakatong.MethodTrade, Check: answers("66", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			_, pts := e.balance(ctx, c, card)
			r := must(c.Trade(ctx, kakatongclient.Trade{Type: "0034", Mode: "1", CardNo: card, Password: e.pwd, Amount: strconv.FormatInt(pts+1, 10)}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0034", "1")}
		})},
		"67": {Interface: kakatong.MethodTrade, Check: answers("67", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			pos := need(e.fx.countPos, "terminal_trade_count")
			c := e.client(func(cfg *kakatongclient.Config) { cfg.PosCode = pos })
			card := e.card()
			used := len(e.today(ctx, c, pos, e.targetDay(ctx)))
			// Each purchase is undone on the env's own terminal: on this
			// one the undo would count too, and after the cap answer 67.
			buyUndone := func(ctx context.Context, e *env, c *kakatongclient.Client, card, amount string) *kakatong.Reply {
				r := buy(ctx, e, c, card, amount)
				if r.Code() == kakatong.CodeOK {
					e.undoLater(e.client(), card, r.First().V("Stance"))
				}
				return r
			}
			return upToCap(ctx, e, c, card, e.fx.countMax, used, "on terminal "+pos, buyUndone), consumeX(card, "")
		})},
		"68": {Interface: kakatong.MethodTrade, Check: answers("68", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			m := need(e.fx.testMode, "merchant_test_mode")
			card := need(e.fx.testCard, "test_mode_card")
			c := e.client(merchantOf(m.key, m.copno, m.pos))
			// The cap is the merchant's: today's trades at every terminal
			// of it count. Its purchases cannot be undone (an undo at the
			// merchant counts too, and after the cap answers 68).
			used := len(e.today(ctx, c, "", e.targetDay(ctx)))
			return upToCap(ctx, e, c, card, testModeCap, used, "in test mode", buy), consumeX(card, "")
		})},
		"70": {Interface: kakatong.MethodTrade, Check: answers("70", raw(kakatongclient.Params{"POSCODE": "99999999"}))},
		// 非法操作 answers a method the gateway does not know; the
		// reply is a cTRequest-shaped record (E-KAKATONG-ERROR-SHAPES)
		// and is checked as one, so the code is filed under cTRequest.
		kakatong.CodeIllegal: {Interface: kakatong.MethodTrade, Check: answers(kakatong.CodeIllegal, func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			r := must(e.client().Call(ctx, "cXRequest", kakatongclient.Params{"CARDNO": e.card()}))
			r.Method = kakatong.MethodTrade
			return r, kakatong.Expect{Method: kakatong.MethodTrade}
		})},
		kakatong.CodeFrozen: {Interface: kakatong.MethodTrade, Check: answers(kakatong.CodeFrozen, on("card_frozen", func(fx *fixture) string { return fx.frozen }))},
	}
}

func (e *env) pwdHash() string { return mac.CardPassword(e.pwd) }

// codeSpecs has one Entry per catalogue code, built by the framework from
// the provokers (labels code:, interface: and sim-only by rule; an
// unprovokable code is skipped with the catalogue's reason).
func codeSpecs(f *framework) {
	f.CodeTable("result codes (接口返回值规范, 授权码返回错误值)", provokers())
}

// testModeCap is the seed's 100 trades a day of a merchant in test mode (68).
const testModeCap = 100

// upToCap buys on card until the daily cap answers, and returns the reply
// that should carry the cap's code. used is how many of the day's max
// trades the stream listed before the spec (an earlier run the same day,
// other cards): exactly max - used purchases must pass before the code,
// against a target as in process (where the simulator's day starts with
// the whole cap).
func upToCap(ctx context.Context, e *env, c *kakatongclient.Client, card string, max, used int, where string,
	buy func(context.Context, *env, *kakatongclient.Client, string, string) *kakatong.Reply) *kakatong.Reply {
	Expect(used).To(BeNumerically("<=", max), "the stream lists %d trades %s today, more than the %d a day allowed", used, where, max)
	for i := used; i < max; i++ {
		r := buy(ctx, e, c, card, e.amount())
		Expect(r.Code()).To(Equal(kakatong.CodeOK), "trade %d of the %d a day allowed %s (%d listed in the stream today before this spec)", i+1, max, where, used)
	}
	return buy(ctx, e, c, card, e.amount())
}
