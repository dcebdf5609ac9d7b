package kakatongsuite

import (
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/conformance"
	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongclient"
)

func flowSpecs(f *framework) {
	Describe("flows", conformance.Flow, func() {
		f.It("activate -> recharge -> purchase -> undo: the stream shows all four with the right balances", func(ctx SpecContext) {
			e := f.Env()
			c := e.client(lang("GB2312"))
			card := e.inactiveCard(ctx)
			Expect(must(c.Activate(ctx, card, e.pwd, "")).Code()).To(Equal(kakatong.CodeActivated), "activation")
			r := must(c.Trade(ctx, kakatongclient.Trade{Type: "1102", Mode: "0", CardNo: card, Password: e.pwd, Amount: "20000"}))
			Expect(r.Code()).To(Equal(kakatong.CodeOK), "recharge")
			Expect(r.First().V("Integral")).To(Equal("20000"), "an activated card of inactive_cards holds nothing before its first recharge")
			recharge := r.First().V("Stance")
			r = must(c.Trade(ctx, kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: "7500"}))
			Expect(r.Code()).To(Equal(kakatong.CodeOK), "purchase")
			Expect(r.First().V("Integral")).To(Equal("12500"))
			buy := r.First().V("Stance")
			r = must(c.Trade(ctx, kakatongclient.Trade{Type: "0022", Mode: "0", CardNo: card, Password: e.pwd, StanceRev: buy}))
			Expect(r.Code()).To(Equal(kakatong.CodeOK), "undo")
			Expect(r.First().V("Integral")).To(Equal("20000"))
			undo := r.First().V("Stance")
			s, err := c.Stream(ctx, kakatongclient.StreamQuery{CardNo: card})
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(s, kakatong.Expect{Method: kakatong.MethodStream, Lang: "GB2312"})
			Expect(s.Records).To(HaveLen(4), "activation, recharge, purchase and undo")
			type line struct{ name, amount, balance string }
			var got []line
			for _, rec := range s.Records {
				got = append(got, line{rec.V("TradeName"), rec.V("Amount"), rec.V("Integral")})
			}
			Expect(got).To(Equal([]line{
				{"消费撤销", "75.00", "20000"},
				{"储值消费", "75.00", "12500"},
				{"终端储值充值", "200.00", "20000"},
				{"领卡激活", "0.00", "0"},
			}), "newest first")
			Expect(s.Records[0].V("stanceNo")).To(Equal(undo))
			Expect(s.Records[1].V("stanceNo")).To(Equal(buy))
			Expect(s.Records[2].V("stanceNo")).To(Equal(recharge))
		})
		f.It("bind -> bind again 42 -> unbind 44 -> unbind again 43", func(ctx SpecContext) {
			e := f.Env()
			c := e.client()
			card, id := e.card(), e.idnum()
			e.unbindLater(c, card, id)
			Expect(must(c.Bind(ctx, card, e.pwd, id, true, "")).Code()).To(Equal(kakatong.CodeBound))
			Expect(must(c.Bind(ctx, card, e.pwd, e.idnum(), true, "")).Code()).To(Equal(kakatong.CodeBoundElsewhere), "a bound card refuses another number")
			Expect(must(c.Bind(ctx, card, e.pwd, id, false, "")).Code()).To(Equal(kakatong.CodeUnbound))
			Expect(must(c.Bind(ctx, card, e.pwd, id, false, "")).Code()).To(Equal(kakatong.CodeNotBound), "nothing is bound any more")
		})
		f.It("change password 45, the old one is then refused (46 on change, 07 on trade), reset 47 restores trading", func(ctx SpecContext) {
			e := f.Env()
			c := e.client()
			card := e.card()
			DeferCleanup(func(ctx SpecContext) {
				// A failure half-way must not leave the card with another password.
				Expect(must(c.ChangePassword(ctx, card, "", e.pwd, "")).Code()).To(Equal(kakatong.CodePwdReset), "cleaning up: resetting the password of %s", card)
			})
			Expect(must(c.ChangePassword(ctx, card, e.pwd, "654321", "")).Code()).To(Equal(kakatong.CodePwdChanged))
			Expect(must(c.ChangePassword(ctx, card, e.pwd, "123123", "")).Code()).To(Equal(kakatong.CodeOldPwdWrong), "the old password no longer changes it")
			r := must(c.Trade(ctx, kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: e.pwd}))
			Expect(r.Code()).To(Equal(kakatong.CodeBadPassword), "the old password no longer trades")
			r = must(c.Trade(ctx, kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: "654321"}))
			Expect(r.Code()).To(Equal(kakatong.CodeOK), "the new password trades")
			Expect(must(c.ChangePassword(ctx, card, "", e.pwd, "")).Code()).To(Equal(kakatong.CodePwdReset))
			Expect(must(c.Trade(ctx, kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: e.pwd})).Code()).To(Equal(kakatong.CodeOK), "the reset password trades")
		})
		f.It("duplicate rule: same card, terminal and amount is 12 for 24 h, allowed at 24 h; another terminal or amount is not a duplicate",
			conformance.SimOnly, conformance.Code(kakatong.CodeDuplicate), conformance.Errata, func(ctx SpecContext) {
				e := f.Env()
				f.SkipUnlessEmbedded("moves the simulator's clock")
				c := e.client()
				card, amt := e.card(), e.amount()
				t := kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: amt}
				Expect(must(c.Trade(ctx, t)).Code()).To(Equal(kakatong.CodeOK))
				other := t
				other.PosCode = "11552002"
				Expect(must(c.Trade(ctx, other)).Code()).To(Equal(kakatong.CodeOK), "the same amount on another terminal is not a duplicate")
				undoRow := t
				undoRow.Amount = amt + "0"
				Expect(must(c.Trade(ctx, undoRow)).Code()).To(Equal(kakatong.CodeOK), "another amount is not a duplicate")
				e.clock.Advance(23*time.Hour + 30*time.Minute)
				Expect(must(c.Trade(ctx, t)).Code()).To(Equal(kakatong.CodeDuplicate), "23 h 30 min later it is still a duplicate")
				e.clock.Advance(30 * time.Minute)
				Expect(must(c.Trade(ctx, t)).Code()).To(Equal(kakatong.CodeOK), "at 24 h it is no longer a duplicate")
			})
		f.It("duplicate rule applies to undos and to points", conformance.Code(kakatong.CodeDuplicate), func(ctx SpecContext) {
			e := f.Env()
			c := e.client()
			card := e.card()
			add := kakatongclient.Trade{Type: "0033", Mode: "0", CardNo: card, Password: e.pwd, Amount: e.amount()}
			Expect(must(c.Trade(ctx, add)).Code()).To(Equal(kakatong.CodeOK))
			Expect(must(c.Trade(ctx, add)).Code()).To(Equal(kakatong.CodeDuplicate), "the same points accrual is a duplicate")
			// Two purchases of one amount on two terminals: not duplicates
			// of each other, but their undos on one terminal are.
			other := need(e.fx.capPos, "terminal_recharge_cap")
			amt := e.amount()
			a := must(c.Trade(ctx, kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: amt})).First().V("Stance")
			b := must(c.Trade(ctx, kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: amt, PosCode: other})).First().V("Stance")
			Expect(must(c.Trade(ctx, kakatongclient.Trade{Type: "0022", Mode: "0", CardNo: card, Password: e.pwd, StanceRev: a})).Code()).To(Equal(kakatong.CodeOK))
			Expect(must(c.Trade(ctx, kakatongclient.Trade{Type: "0022", Mode: "0", CardNo: card, Password: e.pwd, StanceRev: b})).Code()).To(Equal(kakatong.CodeDuplicate),
				"a second undo of the same amount on the same terminal within 24 h is a duplicate")
		})
		f.It("points accrual with the fixture's points rule 200 doubles the points and names the service", conformance.SimOnly, func(ctx SpecContext) {
			e := f.Env()
			f.SkipUnlessEmbedded("ITEMCODE 200 is a service code of the simulator's fixture")
			c := e.client()
			card := e.card()
			_, pts := e.balance(ctx, c, card)
			r := must(c.Trade(ctx, kakatongclient.Trade{Type: "0033", Mode: "0", CardNo: card, Password: e.pwd, Amount: "150", ItemCode: "200"}))
			Expect(r.Code()).To(Equal(kakatong.CodeOK))
			Expect(r.First().V("Points")).To(Equal(strconv.FormatInt(pts+300, 10)), "ITEMCODE 200 is the fixture's double-points rule")
			Expect(r.First().V("TradeName")).To(Equal("双倍积分"), "TradeName is the service code's description (E-KAKATONG-TRADENAME)")
		})
		f.It("reversal 0400 is refused (00) from another terminal or on a later day", conformance.SimOnly, conformance.Code(kakatong.CodeFailed), func(ctx SpecContext) {
			e := f.Env()
			f.SkipUnlessEmbedded("moves the simulator's clock")
			c := e.client()
			card := e.card()
			st := must(c.Trade(ctx, kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: e.amount()})).First().V("Stance")
			r := must(c.Trade(ctx, kakatongclient.Trade{Type: "0400", Mode: "-", CardNo: card, Password: e.pwd, StanceRev: st, PosCode: "11552002"}))
			Expect(r.Code()).To(Equal(kakatong.CodeFailed))
			e.clock.Advance(24 * time.Hour)
			r = must(c.Trade(ctx, kakatongclient.Trade{Type: "0400", Mode: "-", CardNo: card, Password: e.pwd, StanceRev: st}))
			Expect(r.Code()).To(Equal(kakatong.CodeFailed))
		})
	})
}

func paritySpecs(f *framework) {
	Describe("REST and SOAP give the same answers", func() {
		// Each call goes to REST on one card and to SOAP on another with
		// the same parameters. The two cards need not be in one state:
		// their balance and points are read first, and each reply's
		// Integral and Points must have moved them alike. A fresh amount
		// keeps a second run clear of the duplicate rule, one over both
		// balances refuses on either card, and every purchase and accrual
		// is undone after the spec.
		type call struct {
			name string
			fwd  *kakatong.Row // undone after the spec when it succeeds
			t    func(e *env, card, amount string) kakatongclient.Trade
			amt  func(e *env, maxBal int64) string
		}
		fresh := func(e *env, _ int64) string { return e.amount() }
		none := func(*env, int64) string { return "" }
		consume := func(e *env, card, amount string) kakatongclient.Trade {
			return kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: amount}
		}
		calls := []call{
			{"balance query", nil, func(e *env, card, _ string) kakatongclient.Trade {
				return kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: e.pwd}
			}, none},
			{"purchase", rowOf(kakatong.TypeConsume, kakatong.ModeConsume), consume, fresh},
			{"points accrual", rowOf("0033", "0"), func(e *env, card, amount string) kakatongclient.Trade {
				return kakatongclient.Trade{Type: "0033", Mode: "0", CardNo: card, Password: e.pwd, Amount: amount}
			}, fresh},
			{"wrong password", nil, func(e *env, card, amount string) kakatongclient.Trade {
				t := consume(e, card, amount)
				t.Password = "999999"
				return t
			}, fresh},
			{"over the balance", rowOf(kakatong.TypeConsume, kakatong.ModeConsume), consume, func(_ *env, maxBal int64) string { return strconv.FormatInt(maxBal+1, 10) }},
		}
		for _, cl := range calls {
			f.It(cl.name+": same code, text, balance, points and trade name", func(ctx SpecContext) {
				e := f.Env()
				for _, l := range []string{"", "GB2312"} {
					c := e.client(lang(l))
					a, b := e.card(), e.card()
					balA, ptsA := e.balance(ctx, c, a)
					balB, _ := e.balance(ctx, c, b)
					amt := cl.amt(e, max(balA, balB))
					rr := must(c.Trade(ctx, cl.t(e, a, amt)))
					if cl.fwd != nil && rr.Code() == kakatong.CodeOK {
						e.undoRowLater(c, a, *cl.fwd, rr.First().V("Stance"))
					}
					// Read b after the REST call: with one configured card
					// a and b are the same card.
					balB, ptsB := e.balance(ctx, c, b)
					sr := must(c.TradeSOAP(ctx, cl.t(e, b, amt)))
					if cl.fwd != nil && sr.Code() == kakatong.CodeOK {
						e.undoRowLater(c, b, *cl.fwd, sr.First().V("Stance"))
					}
					for _, f := range []string{"PayInForm", "PayInResult", "TradeName"} {
						Expect(sr.First().V(f)).To(Equal(rr.First().V(f)), "LANG=%q field %s: SOAP must answer as REST", l, f)
					}
					for _, f := range []struct {
						name       string
						from, to   int64
						rest, soap string
					}{
						{"Integral", balA, balB, rr.First().V("Integral"), sr.First().V("Integral")},
						{"Points", ptsA, ptsB, rr.First().V("Points"), sr.First().V("Points")},
					} {
						Expect(f.soap == "").To(Equal(f.rest == ""), "LANG=%q field %s: SOAP carries it (%q) iff REST does (%q)", l, f.name, f.soap, f.rest)
						if f.rest == "" {
							continue
						}
						rv, rerr := strconv.ParseInt(f.rest, 10, 64)
						sv, serr := strconv.ParseInt(f.soap, 10, 64)
						Expect(rerr).NotTo(HaveOccurred(), "REST %s %q", f.name, f.rest)
						Expect(serr).NotTo(HaveOccurred(), "SOAP %s %q", f.name, f.soap)
						Expect(sv-f.to).To(Equal(rv-f.from), "LANG=%q field %s: SOAP must move the card as REST did (REST %d from %d, SOAP %d from %d)", l, f.name, rv, f.from, sv, f.to)
					}
					Expect(sr.First().V("Stance") == "").To(Equal(rr.First().V("Stance") == ""), "both carry a stance or neither")
				}
			})
		}
		f.It("a licence error is the digit in REST's PayInForm and the bare number from SOAP, for keys 1-4", conformance.Errata, func(ctx SpecContext) {
			e := f.Env()
			cases := []struct{ key, copno, code string }{
				{"", "", "1"}, {"NoSuchKeyNoSuchKey", "", "1"}, {"bad", "", "3"}, {e.key, "9" + e.copno, "4"},
			}
			if e.sim != nil {
				cases = append(cases, struct{ key, copno, code string }{"KKT1155ExpiredLicence0", "", "2"})
			}
			for _, tc := range cases {
				c := e.client(func(cfg *kakatongclient.Config) { cfg.LicenceKey, cfg.CopNo = tc.key, tc.copno })
				card := e.card()
				p := c.TradeParams(kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: e.pwd})
				if tc.key == "" {
					p["LICENSEKEY"] = kakatongclient.Omit
				}
				rr := must(c.Call(ctx, kakatong.MethodTrade, p))
				Expect(rr.Code()).To(Equal(tc.code), "REST licence result for key %q", tc.key)
				e.expectReply(rr, kakatong.Expect{Method: kakatong.MethodTrade, Code: tc.code})
				sp := c.SOAPParams(kakatong.Operations()[0], p)
				if tc.copno != "" {
					// soapCardTrade has no COPNO: a wrong merchant is a REST-only case.
					continue
				}
				sr := must(c.SOAP(ctx, kakatong.OpTrade, sp))
				Expect(sr.Licence).To(Equal(tc.code), "SOAP must return the bare number %s for key %q, not an array", tc.code, tc.key)
			}
		})
		f.It("a UTF-8 SOAP request is answered in UTF-8 with the same result", func(ctx SpecContext) {
			e := f.Env()
			c := e.client(func(cfg *kakatongclient.Config) { cfg.SOAPCharset = "UTF-8"; cfg.Lang = "GB2312" })
			card := e.card()
			r, err := c.TradeSOAP(ctx, kakatongclient.Trade{Type: "0011", Mode: "1", CardNo: card, Password: e.pwd})
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Charset).To(Equal("UTF-8"))
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0011", "1"), Lang: "GB2312", CardNo: card, Code: kakatong.CodeOK, SOAP: true})
			Expect(r.First().V("PayInResult")).To(Equal("交易成功！"))
		})
	})
}
