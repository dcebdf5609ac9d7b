package kakatong

import (
	"context"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/codecs/mac"
	"paycert/conformance"
	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/client"
	"paycert/platforms/kakatong/simulator"
)

// provocation makes the target answer one code. It returns the reply and
// what CheckReply should expect of it. simOnly says why it needs the
// embedded simulator ("" when a real endpoint can be provoked too).
type provocation struct {
	// iface is the REST method run sends the provoking call to: the
	// interface the report's interface × code matrix files the code
	// under. A provocation that makes earlier calls to set the state up
	// (a purchase before its undo, a bind before an unbind) names the
	// call whose reply carries the code.
	iface   string
	simOnly string
	run     func(e *env) (*kakatong.Reply, kakatong.Expect)
}

const fixtureOnly = "needs a card, merchant or key of the simulator's fixture in this state"

// consume returns the Expect of a purchase in English (the default).
func consumeX(card, code string) kakatong.Expect {
	return kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf(kakatong.TypeConsume, kakatong.ModeConsume), CardNo: card, Code: code}
}

func provocations() map[string]provocation {
	ctx := context.Background()
	buy := func(e *env, c *client.Client, card, amount string) *kakatong.Reply {
		return must(c.Trade(ctx, client.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: amount}))
	}
	buyOn := func(e *env, card string) (*kakatong.Reply, kakatong.Expect) {
		return buy(e, e.client(), card, e.amount()), consumeX(card, "")
	}
	undo := func(e *env, c *client.Client, card, stance, amount string) *kakatong.Reply {
		return must(c.Trade(ctx, client.Trade{Type: "0022", Mode: "0", CardNo: card, Password: e.pwd, StanceRev: stance, Amount: amount}))
	}
	undoX := func(card, code string) kakatong.Expect {
		return kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0022", "0"), CardNo: card, Code: code}
	}
	licence := func(key, copno string) func(e *env) (*kakatong.Reply, kakatong.Expect) {
		return func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c := e.client(func(cfg *client.Config) { cfg.LicenceKey, cfg.CopNo = key, copno })
			card := e.card()
			return buy(e, c, card, e.amount()), consumeX(card, "")
		}
	}
	activate := func(key, copno, pos, card string) func(e *env) (*kakatong.Reply, kakatong.Expect) {
		return func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c := e.client(merchantOf(key, copno, pos))
			return must(c.Activate(ctx, card, e.pwd, "")), kakatong.Expect{Method: kakatong.MethodActivate}
		}
	}
	raw := func(p client.Params) func(e *env) (*kakatong.Reply, kakatong.Expect) {
		return func(e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			full := client.Params{"TRADETYPE": kakatong.TypeConsume, "TRADEMODE": kakatong.ModeConsume, "CARDNO": card, "CARDPWD": e.pwdHash(), "POSCODE": e.pos, "AMOUNT": e.amount()}
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
	return map[string]provocation{
		"1": {iface: kakatong.MethodTrade, run: licence("UnknownLicenceKey000", "")},
		"2": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: licence(simulator.ExpiredKey, "")},
		"3": {iface: kakatong.MethodTrade, run: licence("short-key!", "")},
		"4": {iface: kakatong.MethodTrade, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			return licence(e.key, "9"+e.copno)(e)
		}},
		"00": {iface: kakatong.MethodStream, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			r := must(e.client().Call(ctx, kakatong.MethodStream, client.StreamParams(client.StreamQuery{CardNo: e.card(), PosCode: e.pos})))
			return r, kakatong.Expect{Method: kakatong.MethodStream}
		}},
		"01": {iface: kakatong.MethodTrade, run: raw(client.Params{"CARDNO": "16801155"})},
		"02": {iface: kakatong.MethodTrade, run: raw(client.Params{"AMOUNT": "12a"})},
		"03": {iface: kakatong.MethodTrade, run: raw(client.Params{"TRADETYPE": "9999"})},
		"04": {iface: kakatong.MethodTrade, run: raw(client.Params{"TRADEMODE": "7"})},
		"05": {iface: kakatong.MethodTrade, run: raw(client.Params{"CARDNO": "1680999999999999"})},
		"06": {iface: kakatong.MethodTrade, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			amt := e.amount()
			st := buy(e, c, card, amt).First().V("Stance")
			return undo(e, c, card, st, amt+"1"), undoX(card, "")
		}},
		"07": {iface: kakatong.MethodTrade, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			return must(e.client().Trade(ctx, client.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: "000000", Amount: e.amount()})), consumeX(card, "")
		}},
		"08": {iface: kakatong.MethodTrade, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			bal, _ := e.balance(c, card)
			return buy(e, c, card, strconv.FormatInt(bal+1, 10)), consumeX(card, "")
		}},
		"09": {iface: kakatong.MethodTrade, simOnly: "the per-trade limit is the fixture's", run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			return buy(e, e.client(), card, strconv.Itoa(simulator.SingleLimit+1)), consumeX(card, "")
		}},
		"10": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) { return buyOn(e, simulator.CardExpired) }},
		"11": {iface: kakatong.MethodTrade, run: func(e *env) (*kakatong.Reply, kakatong.Expect) { return buyOn(e, e.card()) }},
		"12": {iface: kakatong.MethodTrade, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card, amt := e.client(), e.card(), e.amount()
			Expect(buy(e, c, card, amt).Code()).To(Equal(kakatong.CodeOK))
			return buy(e, c, card, amt), consumeX(card, "")
		}},
		"13": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) { return buyOn(e, simulator.CardNotYet) }},
		"14": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) { return buyOn(e, simulator.CardLost) }},
		"15": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) { return buyOn(e, simulator.CardCancelled) }},
		"16": {iface: kakatong.MethodTrade, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			r := must(e.client().Trade(ctx, client.Trade{Type: "0033", Mode: "0", CardNo: card, Password: e.pwd, Amount: e.amount(), ItemCode: "99999"}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0033", "0")}
		}},
		"17": {iface: kakatong.MethodTrade, simOnly: "needs a card that is not yet active", run: func(e *env) (*kakatong.Reply, kakatong.Expect) { return buyOn(e, e.card(inactive)) }},
		"18": {iface: kakatong.MethodTrade, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			st := buy(e, c, card, e.amount()).First().V("Stance")
			r := must(c.Trade(ctx, client.Trade{Type: "0400", Mode: "-", CardNo: card, Password: e.pwd, StanceRev: st}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0400", "-"), CardNo: card}
		}},
		"19": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) { return buyOn(e, simulator.CardReplaced) }},
		"20": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			r := must(e.client().Trade(ctx, client.Trade{Type: "1102", Mode: "0", CardNo: simulator.CardPoints, Password: e.pwd, Amount: e.amount()}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("1102", "0")}
		}},
		"31": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) { return buyOn(e, simulator.CardPoints) }},
		"32": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			r := must(e.client().Trade(ctx, client.Trade{Type: "0033", Mode: "0", CardNo: simulator.CardValue, Password: e.pwd, Amount: e.amount()}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0033", "0")}
		}},
		"40": {iface: kakatong.MethodBind, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			card, id := e.card(), e.idnum()
			return must(e.client().Bind(ctx, card, e.pwd, id, true, "")), kakatong.Expect{Method: kakatong.MethodBind, CardNo: card, IDNum: id}
		}},
		"41": {iface: kakatong.MethodBind, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			return must(e.client().Bind(ctx, e.card(), e.pwd, "12345", true, "")), kakatong.Expect{Method: kakatong.MethodBind}
		}},
		"42": {iface: kakatong.MethodBind, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			Expect(must(c.Bind(ctx, card, e.pwd, e.idnum(), true, "")).Code()).To(Equal(kakatong.CodeBound))
			return must(c.Bind(ctx, card, e.pwd, e.idnum(), true, "")), kakatong.Expect{Method: kakatong.MethodBind}
		}},
		"43": {iface: kakatong.MethodBind, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			return must(e.client().Bind(ctx, e.card(), e.pwd, e.idnum(), false, "")), kakatong.Expect{Method: kakatong.MethodBind}
		}},
		"44": {iface: kakatong.MethodBind, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card, id := e.client(), e.card(), e.idnum()
			Expect(must(c.Bind(ctx, card, e.pwd, id, true, "")).Code()).To(Equal(kakatong.CodeBound))
			return must(c.Bind(ctx, card, e.pwd, id, false, "")), kakatong.Expect{Method: kakatong.MethodBind, CardNo: card, IDNum: id}
		}},
		"45": {iface: kakatong.MethodPassword, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			return must(e.client().ChangePassword(ctx, card, e.pwd, e.pwd, "")), kakatong.Expect{Method: kakatong.MethodPassword, CardNo: card}
		}},
		"46": {iface: kakatong.MethodPassword, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			return must(e.client().ChangePassword(ctx, e.card(), "000000", e.pwd, "")), kakatong.Expect{Method: kakatong.MethodPassword}
		}},
		"47": {iface: kakatong.MethodPassword, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			return must(e.client().ChangePassword(ctx, card, "", e.pwd, "")), kakatong.Expect{Method: kakatong.MethodPassword, CardNo: card}
		}},
		"51": {iface: kakatong.MethodTrade, simOnly: "closes the simulator's gateway", run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			e.sim.SetGatewayClosed(true)
			defer e.sim.SetGatewayClosed(false)
			return buyOn(e, e.card())
		}},
		"52": {iface: kakatong.MethodActivate, simOnly: fixtureOnly, run: activate(simulator.LicenceKey, simulator.CopNo, simulator.PosCode, simulator.CardOtherIss)},
		"53": {iface: kakatong.MethodActivate, simOnly: fixtureOnly, run: activate(simulator.LicenceKey, simulator.CopNo, simulator.PosCode, simulator.CardCancelled)},
		"54": {iface: kakatong.MethodActivate, simOnly: fixtureOnly, run: activate(simulator.LowKey, simulator.LowCopNo, simulator.LowPos, simulator.CardFaceValue)},
		"56": {iface: kakatong.MethodActivate, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			return must(e.client().Activate(ctx, e.card(), e.pwd, "")), kakatong.Expect{Method: kakatong.MethodActivate}
		}},
		"57": {iface: kakatong.MethodActivate, simOnly: "needs a card that is not yet active", run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card(inactive)
			return must(e.client().Activate(ctx, card, e.pwd, "")), kakatong.Expect{Method: kakatong.MethodActivate, CardNo: card}
		}},
		"58": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			r := must(c.Trade(ctx, client.Trade{Type: "1102", Mode: "0", CardNo: card, Password: e.pwd, Amount: "30000", PosCode: simulator.PosCapped}))
			Expect(r.Code()).To(Equal(kakatong.CodeOK), "the first recharge is within the terminal's daily cap")
			r = must(c.Trade(ctx, client.Trade{Type: "1102", Mode: "0", CardNo: card, Password: e.pwd, Amount: "30001", PosCode: simulator.PosCapped}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("1102", "0")}
		}},
		"59": {iface: kakatong.MethodActivate, simOnly: fixtureOnly, run: activate(simulator.LicenceKey, simulator.CopNo, simulator.PosCode, simulator.CardDupMobile)},
		"60": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c := e.client(merchantOf(simulator.ClosedKey, simulator.ClosedCopNo, simulator.ClosedPos))
			card := e.card()
			return buy(e, c, card, e.amount()), consumeX(card, "")
		}},
		"61": {iface: kakatong.MethodTrade, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			card := e.card()
			return undo(e, e.client(), card, "99999999", ""), undoX(card, "")
		}},
		"62": {iface: kakatong.MethodTrade, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			st := buy(e, c, card, e.amount()).First().V("Stance")
			ust := undo(e, c, card, st, "").First().V("Stance")
			return undo(e, c, card, ust, ""), undoX(card, "")
		}},
		"63": {iface: kakatong.MethodTrade, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			st := buy(e, c, card, e.amount()).First().V("Stance")
			Expect(undo(e, c, card, st, "").Code()).To(Equal(kakatong.CodeOK))
			return undo(e, c, card, st, ""), undoX(card, "")
		}},
		"64": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			other := e.client(merchantOf(simulator.OtherKey, simulator.OtherCopNo, simulator.OtherPos))
			card := e.card()
			r := buy(e, other, card, e.amount())
			Expect(r.Code()).To(Equal(kakatong.CodeOK), "a purchase at merchant 1156 with a 1155 card")
			return undo(e, e.client(), card, r.First().V("Stance"), ""), undoX(card, "")
		}},
		"65": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c := e.client(merchantOf(simulator.OtherKey, simulator.OtherCopNo, simulator.OtherPos))
			r := must(c.Trade(ctx, client.Trade{Type: "1102", Mode: "0", CardNo: e.card(), Password: e.pwd, Amount: "5000"}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("1102", "0")}
		}},
		"66": {iface: kakatong.MethodTrade, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c, card := e.client(), e.card()
			_, pts := e.balance(c, card)
			r := must(c.Trade(ctx, client.Trade{Type: "0034", Mode: "1", CardNo: card, Password: e.pwd, Amount: strconv.FormatInt(pts+1, 10)}))
			return r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0034", "1")}
		}},
		"67": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c := e.client(func(cfg *client.Config) { cfg.PosCode = simulator.PosCounted })
			card := e.card()
			for i := 0; i < 5; i++ {
				Expect(buy(e, c, card, e.amount()).Code()).To(Equal(kakatong.CodeOK), "trade %d of 5 allowed on terminal %s", i+1, simulator.PosCounted)
			}
			return buy(e, c, card, e.amount()), consumeX(card, "")
		}},
		"68": {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			c := e.client(merchantOf(simulator.TestKey, simulator.TestCopNo, simulator.TestPos))
			for i := 0; i < 100; i++ {
				Expect(buy(e, c, simulator.TestCard, e.amount()).Code()).To(Equal(kakatong.CodeOK), "trade %d of 100 allowed in test mode", i+1)
			}
			return buy(e, c, simulator.TestCard, e.amount()), consumeX(simulator.TestCard, "")
		}},
		"70": {iface: kakatong.MethodTrade, run: raw(client.Params{"POSCODE": "99999999"})},
		// 非法操作 answers a method the gateway does not know; the
		// reply is a cTRequest-shaped record (E-KAKATONG-ERROR-SHAPES)
		// and is checked as one, so the code is filed under cTRequest.
		kakatong.CodeIllegal: {iface: kakatong.MethodTrade, run: func(e *env) (*kakatong.Reply, kakatong.Expect) {
			r := must(e.client().Call(ctx, "cXRequest", client.Params{"CARDNO": e.card()}))
			r.Method = kakatong.MethodTrade
			return r, kakatong.Expect{Method: kakatong.MethodTrade}
		}},
		kakatong.CodeFrozen: {iface: kakatong.MethodTrade, simOnly: fixtureOnly, run: func(e *env) (*kakatong.Reply, kakatong.Expect) { return buyOn(e, simulator.CardFrozen) }},
	}
}

func (e *env) pwdHash() string { return mac.CardPassword(e.pwd) }

// codeSpecs has one Entry per catalogue code.
func codeSpecs(get func() *env) {
	prov := provocations()
	var entries []TableEntry
	for _, k := range kakatong.Catalogue().Codes {
		labels := []any{conformance.Code(k.Code)}
		p, ok := prov[k.Code]
		if p.iface != "" {
			labels = append(labels, conformance.Interface(p.iface))
		}
		if p.simOnly != "" {
			labels = append(labels, conformance.SimOnly)
		}
		desc := k.Code + " " + k.Text
		entries = append(entries, Entry(desc, append(labels, k, p, ok)...))
	}
	DescribeTable("result codes (接口返回值规范, 授权码返回错误值)", func(k kakatong.Code, p provocation, ok bool) {
		if k.Unprovokable != "" {
			Skip("unprovokable: " + k.Unprovokable)
		}
		Expect(ok).To(BeTrue(), "code %s has no provocation in the suite", k.Code)
		e := get()
		if p.simOnly != "" {
			conformance.SkipUnlessEmbedded(e.target, p.simOnly)
		}
		r, x := p.run(e)
		x.Code = k.Code
		Expect(r).NotTo(BeNil())
		Expect(r.Code()).To(Equal(k.Code), "the gateway must answer %s (%s); got %q %s", k.Code, k.TextEN, r.Code(), strings.TrimSpace(r.First().V("PayInResult")))
		expectReply(r, x)
	}, entries)
}
