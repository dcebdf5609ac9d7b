package kakatongsuite

import (
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/conformance"
	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongclient"
	"paycert/platforms/kakatong/kakatongsim"
)

func catalogueSpecs(f *framework) {
	Describe("catalogue", func() {
		f.It("is a valid table: 6 REST methods, 6 SOAP operations, 24 trade rows, licence codes 0-4, return codes with Chinese and English texts", func() {
			c := f.Catalogue
			Expect(c.Validate()).To(Succeed())
			Expect(c.Interfaces).To(HaveLen(12))
			Expect(kakatong.Rows()).To(HaveLen(24), "交易类型及代码一览表 has 24 rows")
			for _, k := range c.Codes {
				Expect(k.Text).NotTo(BeEmpty(), "code %s needs its Chinese text", k.Code)
				Expect(k.TextEN).NotTo(BeEmpty(), "code %s needs an English text (English is the default language)", k.Code)
			}
			for _, code := range []string{"0", "1", "2", "3", "4", "00", "11", "71", kakatong.CodeIllegal, kakatong.CodeFrozen} {
				_, ok := c.Code(code)
				Expect(ok).To(BeTrue(), "code %s must be catalogued", code)
			}
			Expect(c.Errata).NotTo(BeEmpty())
		})
	})
}

func happySpecs(f *framework) {
	Describe("REST happy paths", func() {
		f.It("cTRequest: a purchase returns 11, an 8-digit stance, the balance after it in Integral and the card", conformance.Interface(kakatong.MethodTrade), func(ctx SpecContext) {
			e := f.Env()
			c := e.client(lang("GB2312"))
			card := e.card()
			bal, _ := e.balance(ctx, c, card)
			amt := e.amount()
			r, err := c.Trade(ctx, kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: amt})
			Expect(err).NotTo(HaveOccurred())
			e.undoLater(c, card, r.First().V("Stance"))
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf(kakatong.TypeConsume, kakatong.ModeConsume), Lang: "GB2312", CardNo: card, Code: kakatong.CodeOK})
			a, _ := strconv.ParseInt(amt, 10, 64)
			Expect(r.First().V("Integral")).To(Equal(strconv.FormatInt(bal-a, 10)), "Integral must be the balance after the purchase")
			Expect(r.First().V("TradeName")).To(Equal("储值消费"))
		})
		f.It("rSCardPwd: a reset answers 47 and a change 45, with the card and the trade name", conformance.Interface(kakatong.MethodPassword), func(ctx SpecContext) {
			e := f.Env()
			c := e.client()
			card := e.card()
			r, err := c.ChangePassword(ctx, card, "", e.pwd, "")
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodPassword, CardNo: card, Code: kakatong.CodePwdReset})
			r, err = c.ChangePassword(ctx, card, e.pwd, e.pwd, "")
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodPassword, CardNo: card, Code: kakatong.CodePwdChanged})
		})
		f.It("aCRequest: activating a new card answers 57 with the card", conformance.Interface(kakatong.MethodActivate), func(ctx SpecContext) {
			e := f.Env()
			card := e.inactiveCard(ctx)
			r, err := e.client().Activate(ctx, card, e.pwd, "")
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodActivate, CardNo: card, Code: kakatong.CodeActivated})
		})
		f.It("tSRequest: the stream of a card lists its purchase with stance, yuan amount, balance, time and terminal", conformance.Interface(kakatong.MethodStream), func(ctx SpecContext) {
			e := f.Env()
			c := e.client(lang("GB2312"))
			card := e.card()
			amt := e.amountN()
			r := must(c.Trade(ctx, kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: strconv.FormatInt(amt, 10)}))
			Expect(r.Code()).To(Equal(kakatong.CodeOK))
			stance, after := r.First().V("Stance"), r.First().V("Integral")
			e.undoLater(c, card, stance)
			s, err := c.Stream(ctx, kakatongclient.StreamQuery{CardNo: card})
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(s, kakatong.Expect{Method: kakatong.MethodStream, Lang: "GB2312"})
			Expect(s.Records).NotTo(BeEmpty())
			found := false
			for _, rec := range s.Records {
				if rec.V("stanceNo") == stance {
					found = true
					Expect(rec.V("Amount")).To(Equal(kakatong.FormatYuan(amt)), "stream amounts are yuan with two decimals (E-KAKATONG-STREAM-AMOUNT)")
					Expect(rec.V("Integral")).To(Equal(after))
					Expect(rec.V("TmnNo")).To(Equal(e.pos))
					Expect(rec.V("CardNo")).To(Equal(card))
					Expect(rec.V("TradeName")).To(Equal("储值消费"))
				}
			}
			Expect(found).To(BeTrue(), "the stream must list stance %s", stance)
		})
		f.It("cIRequest: a query returns every holder field, an update stores the given ones", conformance.Interface(kakatong.MethodInfo), func(ctx SpecContext) {
			e := f.Env()
			c := e.client()
			card := e.card()
			r, err := c.Info(ctx, card, kakatongclient.Holder{})
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodInfo, CardNo: card, Code: ""})
			r, err = c.Info(ctx, card, kakatongclient.Holder{EnName: "ceraki", Email: "czx@kakatong.com", Mobile: "13611935449", ChName: "张三", Birthday: "1980-02-29"})
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodInfo, CardNo: card, Code: ""})
			rec := r.First()
			Expect(rec.V("UsrEnName")).To(Equal("ceraki"))
			Expect(rec.V("UsrChName")).To(Equal("张三"))
			Expect(rec.V("UsrEmail")).To(Equal("czx@kakatong.com"))
			Expect(rec.V("UsrMobile")).To(Equal("13611935449"))
			Expect(rec.V("UsrBirthday")).To(Equal("1980-02-29"))
			Expect(rec.V("CopNo")).To(Equal(e.copno))
		})
		f.It("bCRequest: binding answers 40 with card, merchant, number and terminal; unbinding 44", conformance.Interface(kakatong.MethodBind), func(ctx SpecContext) {
			e := f.Env()
			c := e.client()
			card, id := e.card(), e.idnum()
			e.unbindLater(c, card, id)
			r, err := c.Bind(ctx, card, e.pwd, id, true, "")
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodBind, CardNo: card, IDNum: id, Code: kakatong.CodeBound})
			Expect(r.First().V("TmnNo")).To(Equal(e.pos))
			Expect(r.First().V("CopNo")).To(Equal(e.copno))
			r, err = c.Bind(ctx, card, e.pwd, id, false, "")
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodBind, CardNo: card, IDNum: id, Code: kakatong.CodeUnbound})
		})
	})

	Describe("REST reply shape", func() {
		f.It("the endpoint uses one reading of <TradeResult> (<Record> or root), which the report names (E-KAKATONG-RECORD-WRAPPER)", conformance.Interface(kakatong.MethodTrade), conformance.Errata, func(ctx SpecContext) {
			e := f.Env()
			card := e.card()
			r, err := e.client().Trade(ctx, kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: e.pwd})
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0011", "0"), CardNo: card, Code: kakatong.CodeOK})
			conformance.Note("REST replies use the %s reading of <TradeResult> (E-KAKATONG-RECORD-WRAPPER)", readingOf(r))
			if e.sim != nil {
				Expect(readingOf(r)).To(Equal(kakatongsim.ProfileRecord), "the embedded simulator serves the <Record> reading")
			}
		})
	})

	Describe("SOAP 1.2 happy paths (GB2312 as the seed's client)", func() {
		f.It("soapCardTrade: a balance query, a purchase and its undo return the result array", conformance.Interface(kakatong.OpTrade), func(ctx SpecContext) {
			e := f.Env()
			c := e.client()
			card := e.card()
			r, err := c.TradeSOAP(ctx, kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: e.pwd})
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0011", "0"), CardNo: card, Code: kakatong.CodeOK, SOAP: true})
			Expect(r.Charset).To(Equal("GBK"), "a GB2312 request is answered in GB2312 (E-KAKATONG-SOAP-CHARSET)")
			bal, _ := strconv.ParseInt(r.First().V("Integral"), 10, 64)
			amt := e.amount()
			r, err = c.TradeSOAP(ctx, kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: amt, Lang: "GB2312"})
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf(kakatong.TypeConsume, kakatong.ModeConsume), CardNo: card, Code: kakatong.CodeOK, SOAP: true, Lang: "GB2312"})
			a, _ := strconv.ParseInt(amt, 10, 64)
			Expect(r.First().V("Integral")).To(Equal(strconv.FormatInt(bal-a, 10)))
			r, err = c.TradeSOAP(ctx, kakatongclient.Trade{Type: "0022", Mode: "0", CardNo: card, Password: e.pwd, StanceRev: r.First().V("Stance")})
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodTrade, Row: rowOf("0022", "0"), CardNo: card, Code: kakatong.CodeOK, SOAP: true})
			Expect(r.First().V("Integral")).To(Equal(strconv.FormatInt(bal, 10)), "the undo restores the balance")
		})
		f.It("soapChangeCardPwd: reset 47, change 45", conformance.Interface(kakatong.OpPassword), func(ctx SpecContext) {
			e := f.Env()
			c := e.client()
			card := e.card()
			r, err := c.CallSOAP(ctx, kakatong.MethodPassword, kakatongclient.Params{"CARDNO": card, "OLD_PWD": "", "NEW_PWD": e.pwd, "POSCODE": e.pos})
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodPassword, CardNo: card, Code: kakatong.CodePwdReset, SOAP: true})
			r, err = c.CallSOAP(ctx, kakatong.MethodPassword, kakatongclient.Params{"CARDNO": card, "OLD_PWD": e.pwd, "NEW_PWD": e.pwd, "POSCODE": e.pos})
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodPassword, CardNo: card, Code: kakatong.CodePwdChanged, SOAP: true})
		})
		f.It("soapActiveCard: activation answers 57", conformance.Interface(kakatong.OpActivate), func(ctx SpecContext) {
			e := f.Env()
			card := e.inactiveCard(ctx)
			r, err := e.client().CallSOAP(ctx, kakatong.MethodActivate, kakatongclient.Params{"CARDNO": card, "CARDPWD": e.pwd, "POSCODE": e.pos})
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodActivate, CardNo: card, Code: kakatong.CodeActivated, SOAP: true})
		})
		f.It("soapTradeStream: lists the card's trades as <Record> elements", conformance.Interface(kakatong.OpStream), func(ctx SpecContext) {
			e := f.Env()
			c := e.client()
			card := e.card()
			e.undoLater(c, card, must(c.Trade(ctx, kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: e.pwd, Amount: e.amount()})).First().V("Stance"))
			r, err := c.CallSOAP(ctx, kakatong.MethodStream, kakatongclient.StreamParams(kakatongclient.StreamQuery{CardNo: card}))
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodStream, SOAP: true})
			Expect(r.Records).NotTo(BeEmpty())
			Expect(r.Records[0].V("CardNo")).To(Equal(card))
		})
		f.It("soapCardInfo: query and update of holder fields, Chinese text through GB2312", conformance.Interface(kakatong.OpInfo), func(ctx SpecContext) {
			e := f.Env()
			c := e.client()
			card := e.card()
			p := kakatongclient.InfoParams(card, kakatongclient.Holder{ChName: "李四", Addr: "上海市"})
			r, err := c.CallSOAP(ctx, kakatong.MethodInfo, p)
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodInfo, CardNo: card, Code: "", SOAP: true})
			Expect(r.First().V("UsrChName")).To(Equal("李四"))
			Expect(r.First().V("UsrAddr")).To(Equal("上海市"))
		})
		f.It("soapBindCard: bind 40, unbind 44", conformance.Interface(kakatong.OpBind), func(ctx SpecContext) {
			e := f.Env()
			c := e.client()
			card, id := e.card(), e.idnum()
			e.unbindLater(c, card, id)
			p := kakatongclient.Params{"CARDNO": card, "CARDPWD": e.pwd, "IDNUM": id, "TRADEMODE": "1", "POSCODE": e.pos}
			r, err := c.CallSOAP(ctx, kakatong.MethodBind, p)
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodBind, CardNo: card, IDNum: id, Code: kakatong.CodeBound, SOAP: true})
			p["TRADEMODE"] = "0"
			r, err = c.CallSOAP(ctx, kakatong.MethodBind, p)
			Expect(err).NotTo(HaveOccurred())
			e.expectReply(r, kakatong.Expect{Method: kakatong.MethodBind, CardNo: card, IDNum: id, Code: kakatong.CodeUnbound, SOAP: true})
		})
	})
}

// rowSpecs has one Entry per row of 交易类型及代码一览表, run over REST
// with LANG=GB2312, checking the field the row fills.
func rowSpecs(f *framework) {
	entries := []TableEntry{}
	for _, row := range kakatong.Rows() {
		labels := []any{conformance.Interface(kakatong.MethodTrade), conformance.Code(row.OK)}
		entries = append(entries, Entry(row.Type+"/"+row.Mode+" "+row.Name, append(labels, row)...))
	}
	f.DescribeTable("trade rows (交易类型及代码一览表)", func(ctx SpecContext, row kakatong.Row) {
		e := f.Env()
		c := e.client(lang("GB2312"))
		pwd := e.pwd
		var card string
		if row.Family == kakatong.FamActivate {
			card = e.inactiveCard(ctx)
		} else {
			card = e.card()
		}
		bal, pts := int64(0), int64(0)
		if row.Family != kakatong.FamActivate {
			bal, pts = e.balance(ctx, c, card)
		}
		t := kakatongclient.Trade{Type: row.Type, Mode: row.Mode, CardNo: card, Password: pwd}
		if row.Mode == "-" {
			t.Mode = "-"
		}
		amt := int64(0)
		wantBal, wantPts := bal, pts
		x := kakatong.Expect{Method: kakatong.MethodTrade, Row: &row, Lang: "GB2312", CardNo: card, Code: row.OK}
		forward := func(fwd kakatong.Row) string {
			r := must(c.Trade(ctx, kakatongclient.Trade{Type: fwd.Type, Mode: fwd.Mode, CardNo: card, Password: pwd, Amount: strconv.FormatInt(amt, 10)}))
			Expect(r.Code()).To(Equal(kakatong.CodeOK), "setting up: %s/%s must succeed", fwd.Type, fwd.Mode)
			return r.First().V("Stance")
		}
		switch row.Family {
		case kakatong.FamConsume, kakatong.FamRecharge, kakatong.FamPointsAdd, kakatong.FamPointsUse:
			amt = e.amountN()
			sign := int64(1)
			if row.Family == kakatong.FamConsume || row.Family == kakatong.FamPointsUse {
				sign = -1
			}
			if row.Undo {
				fwd, _ := kakatong.UndoOf(row)
				t.StanceRev = forward(fwd)
			} else {
				t.Amount = strconv.FormatInt(amt, 10)
				if row.Family == kakatong.FamPointsAdd || row.Family == kakatong.FamPointsUse {
					wantPts += sign * amt
				} else {
					wantBal += sign * amt
				}
			}
		case kakatong.FamStream:
			amt = e.amountN()
			e.undoLater(c, card, forward(*rowOf(kakatong.TypeConsume, kakatong.ModeConsume)))
			x = kakatong.Expect{Method: kakatong.MethodStream, Lang: "GB2312"}
		case kakatong.FamBind:
			t.IDNum = e.idnum()
			x.IDNum = t.IDNum
			if row.Undo {
				r := must(c.Trade(ctx, kakatongclient.Trade{Type: kakatong.TypeBind, Mode: kakatong.ModeBind, CardNo: card, Password: pwd, IDNum: t.IDNum}))
				Expect(r.Code()).To(Equal(kakatong.CodeBound), "setting up: the bind must succeed")
			} else {
				e.unbindLater(c, card, t.IDNum)
			}
		case kakatong.FamPassword:
			t.NewPwd = pwd
			if row.Mode == "0" {
				t.OldPwd = pwd
			}
		case kakatong.FamReversal:
			amt = e.amountN()
			t.StanceRev = forward(*rowOf(kakatong.TypeConsume, kakatong.ModeConsume))
		}
		r := must(c.Trade(ctx, t))
		if !row.Undo && r.Code() == kakatong.CodeOK {
			e.undoRowLater(c, card, row, r.First().V("Stance"))
		}
		e.expectReply(r, x)
		rec := r.First()
		switch row.Fill {
		case kakatong.FillBalance:
			Expect(rec.V("Integral")).To(Equal(strconv.FormatInt(wantBal, 10)), "%s/%s: Integral must be the balance after the trade", row.Type, row.Mode)
		case kakatong.FillPoints:
			Expect(rec.V("Points")).To(Equal(strconv.FormatInt(wantPts, 10)), "%s/%s: Points must be the points after the trade", row.Type, row.Mode)
		case kakatong.FillStream:
			Expect(r.IsStreamList()).To(BeTrue())
			Expect(r.Records).NotTo(BeEmpty(), "the stream must list the purchase just made")
		}
		if row.Family == kakatong.FamReversal || row.Family == kakatong.FamActivate {
			if row.Family == kakatong.FamActivate {
				bal, pts = 0, 0
			}
			b2, p2 := e.balance(ctx, c, card)
			Expect([]int64{b2, p2}).To(Equal([]int64{bal, pts}), "after %s the card must hold what it held before", row.Name)
		}
		if row.Family != kakatong.FamActivate && e.sim != nil {
			b, p, err := e.sim.CardBalance(card)
			Expect(err).NotTo(HaveOccurred())
			if row.Fill == kakatong.FillBalance || row.Fill == kakatong.FillPoints {
				Expect([]int64{b, p}).To(Equal([]int64{wantBal, wantPts}), "the simulator's ledger must match the reply")
			}
		}
	}, entries)
}
