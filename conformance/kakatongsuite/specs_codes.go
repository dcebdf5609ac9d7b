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
	"paycert/platforms/kakatong/kakatongsim"
)

// provocation makes the target answer one code: it returns the reply
// carrying the code and what CheckReply should expect of it.
type provocation func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect)

const fixtureOnly = "needs a card, merchant or key of the simulator's fixture in this state"

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
		return buy(ctx, e, e.client(), card, e.amount()), consumeX(card, "")
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
	activate := func(key, copno, pos, card string) provocation {
		return func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c := e.client(merchantOf(key, copno, pos))
			return must(c.Activate(ctx, card, e.pwd, "")), kakatong.Expect{Method: kakatong.MethodActivate}
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
		"2": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("2", licence(kakatongsim.ExpiredKey, ""))},
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
		"09": {Interface: kakatong.MethodTrade, SimOnly: "the per-trade limit is the fixture's", Check: answers("09", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			return buy(ctx, e, e.client(), card, strconv.Itoa(kakatongsim.SingleLimit+1)), consumeX(card, "")
		})},
		"10": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("10", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return buyOn(ctx, e, kakatongsim.CardExpired)
		})},
		"11": {Interface: kakatong.MethodTrade, Check: answers("11", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) { return buyOn(ctx, e, e.card()) })},
		"12": {Interface: kakatong.MethodTrade, Check: answers("12", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card, amt := e.client(), e.card(), e.amount()
			Expect(buy(ctx, e, c, card, amt).Code()).To(Equal(kakatong.CodeOK))
			return buy(ctx, e, c, card, amt), consumeX(card, "")
		})},
		"13": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("13", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return buyOn(ctx, e, kakatongsim.CardNotYet)
		})},
		"14": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("14", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return buyOn(ctx, e, kakatongsim.CardLost)
		})},
		"15": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("15", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return buyOn(ctx, e, kakatongsim.CardCancelled)
		})},
		"16": {Interface: kakatong.MethodTrade, Check: answers("16", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			r := must(e.client().Trade(ctx, kakatongclient.Trade{Type: "0033", Mode: "0", CardNo: card, Password: e.pwd, Amount: e.amount(), ItemCode: "99999"}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0033", "0")}
		})},
		"17": {Interface: kakatong.MethodTrade, SimOnly: "needs a card that is not yet active", Check: answers("17", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return buyOn(ctx, e, e.card(inactive))
		})},
		"18": {Interface: kakatong.MethodTrade, Check: answers("18", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			st := buy(ctx, e, c, card, e.amount()).First().V("Stance")
			r := must(c.Trade(ctx, kakatongclient.Trade{Type: "0400", Mode: "-", CardNo: card, Password: e.pwd, StanceRev: st}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0400", "-"), CardNo: card}
		})},
		"19": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("19", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return buyOn(ctx, e, kakatongsim.CardReplaced)
		})},
		"20": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("20", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			r := must(e.client().Trade(ctx, kakatongclient.Trade{Type: "1102", Mode: "0", CardNo: kakatongsim.CardPoints, Password: e.pwd, Amount: e.amount()}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("1102", "0")}
		})},
		"31": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("31", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return buyOn(ctx, e, kakatongsim.CardPoints)
		})},
		"32": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("32", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			r := must(e.client().Trade(ctx, kakatongclient.Trade{Type: "0033", Mode: "0", CardNo: kakatongsim.CardValue, Password: e.pwd, Amount: e.amount()}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0033", "0")}
		})},
		"40": {Interface: kakatong.MethodBind, Check: answers("40", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			card, id := e.card(), e.idnum()
			return must(e.client().Bind(ctx, card, e.pwd, id, true, "")), kakatong.Expect{Method: kakatong.MethodBind, CardNo: card, IDNum: id}
		})},
		"41": {Interface: kakatong.MethodBind, Check: answers("41", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return must(e.client().Bind(ctx, e.card(), e.pwd, "12345", true, "")), kakatong.Expect{Method: kakatong.MethodBind}
		})},
		"42": {Interface: kakatong.MethodBind, Check: answers("42", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			Expect(must(c.Bind(ctx, card, e.pwd, e.idnum(), true, "")).Code()).To(Equal(kakatong.CodeBound))
			return must(c.Bind(ctx, card, e.pwd, e.idnum(), true, "")), kakatong.Expect{Method: kakatong.MethodBind}
		})},
		"43": {Interface: kakatong.MethodBind, Check: answers("43", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return must(e.client().Bind(ctx, e.card(), e.pwd, e.idnum(), false, "")), kakatong.Expect{Method: kakatong.MethodBind}
		})},
		"44": {Interface: kakatong.MethodBind, Check: answers("44", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card, id := e.client(), e.card(), e.idnum()
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
		"51": {Interface: kakatong.MethodTrade, SimOnly: "closes the simulator's gateway", Check: answers("51", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			e.sim.SetGatewayClosed(true)
			defer e.sim.SetGatewayClosed(false)
			return buyOn(ctx, e, e.card())
		})},
		"52": {Interface: kakatong.MethodActivate, SimOnly: fixtureOnly, Check: answers("52", activate(kakatongsim.LicenceKey, kakatongsim.CopNo, kakatongsim.PosCode, kakatongsim.CardOtherIss))},
		"53": {Interface: kakatong.MethodActivate, SimOnly: fixtureOnly, Check: answers("53", activate(kakatongsim.LicenceKey, kakatongsim.CopNo, kakatongsim.PosCode, kakatongsim.CardCancelled))},
		"54": {Interface: kakatong.MethodActivate, SimOnly: fixtureOnly, Check: answers("54", activate(kakatongsim.LowKey, kakatongsim.LowCopNo, kakatongsim.LowPos, kakatongsim.CardFaceValue))},
		"56": {Interface: kakatong.MethodActivate, Check: answers("56", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return must(e.client().Activate(ctx, e.card(), e.pwd, "")), kakatong.Expect{Method: kakatong.MethodActivate}
		})},
		"57": {Interface: kakatong.MethodActivate, SimOnly: "needs a card that is not yet active", Check: answers("57", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card(inactive)
			return must(e.client().Activate(ctx, card, e.pwd, "")), kakatong.Expect{Method: kakatong.MethodActivate, CardNo: card}
		})},
		"58": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("58", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			r := must(c.Trade(ctx, kakatongclient.Trade{Type: "1102", Mode: "0", CardNo: card, Password: e.pwd, Amount: "30000", PosCode: kakatongsim.PosCapped}))
			Expect(r.Code()).To(Equal(kakatong.CodeOK), "the first recharge is within the terminal's daily cap")
			r = must(c.Trade(ctx, kakatongclient.Trade{Type: "1102", Mode: "0", CardNo: card, Password: e.pwd, Amount: "30001", PosCode: kakatongsim.PosCapped}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("1102", "0")}
		})},
		"59": {Interface: kakatong.MethodActivate, SimOnly: fixtureOnly, Check: answers("59", activate(kakatongsim.LicenceKey, kakatongsim.CopNo, kakatongsim.PosCode, kakatongsim.CardDupMobile))},
		"60": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("60", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c := e.client(merchantOf(kakatongsim.ClosedKey, kakatongsim.ClosedCopNo, kakatongsim.ClosedPos))
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
		"64": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("64", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			other := e.client(merchantOf(kakatongsim.OtherKey, kakatongsim.OtherCopNo, kakatongsim.OtherPos))
			card := e.card()
			r := buy(ctx, e, other, card, e.amount())
			Expect(r.Code()).To(Equal(kakatong.CodeOK), "a purchase at merchant 1156 with a 1155 card")
			return undo(ctx, e, e.client(), card, r.First().V("Stance"), ""), undoX(card, "")
		})},
		"65": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("65", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c := e.client(merchantOf(kakatongsim.OtherKey, kakatongsim.OtherCopNo, kakatongsim.OtherPos))
			r := must(c.Trade(ctx, kakatongclient.Trade{Type: "1102", Mode: "0", CardNo: e.card(), Password: e.pwd, Amount: "5000"}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("1102", "0")}
		})},
		"66": {Interface: kakatong.MethodTrade, Check: answers("66", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			_, pts := e.balance(ctx, c, card)
			r := must(c.Trade(ctx, kakatongclient.Trade{Type: "0034", Mode: "1", CardNo: card, Password: e.pwd, Amount: strconv.FormatInt(pts+1, 10)}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0034", "1")}
		})},
		"67": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("67", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c := e.client(func(cfg *kakatongclient.Config) { cfg.PosCode = kakatongsim.PosCounted })
			card := e.card()
			for i := 0; i < 5; i++ {
				Expect(buy(ctx, e, c, card, e.amount()).Code()).To(Equal(kakatong.CodeOK), "trade %d of 5 allowed on terminal %s", i+1, kakatongsim.PosCounted)
			}
			return buy(ctx, e, c, card, e.amount()), consumeX(card, "")
		})},
		"68": {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers("68", func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			c := e.client(merchantOf(kakatongsim.TestKey, kakatongsim.TestCopNo, kakatongsim.TestPos))
			for i := 0; i < 100; i++ {
				Expect(buy(ctx, e, c, kakatongsim.TestCard, e.amount()).Code()).To(Equal(kakatong.CodeOK), "trade %d of 100 allowed in test mode", i+1)
			}
			return buy(ctx, e, c, kakatongsim.TestCard, e.amount()), consumeX(kakatongsim.TestCard, "")
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
		kakatong.CodeFrozen: {Interface: kakatong.MethodTrade, SimOnly: fixtureOnly, Check: answers(kakatong.CodeFrozen, func(ctx context.Context, e *env) (*kakatong.Reply, kakatong.Expect) {
			return buyOn(ctx, e, kakatongsim.CardFrozen)
		})},
	}
}

func (e *env) pwdHash() string { return mac.CardPassword(e.pwd) }

// codeSpecs has one Entry per catalogue code, built by the framework from
// the provokers (labels code:, interface: and sim-only by rule; an
// unprovokable code is skipped with the catalogue's reason).
func codeSpecs(f *framework) {
	f.CodeTable("result codes (接口返回值规范, 授权码返回错误值)", provokers())
}
