package ipossuite

// specs_happy.go: one happy path per interface, every reply field
// checked against the catalogue's reply table (ipos.CheckReply).

import (
	"context"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/conformance"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/ipossim"
)

func happyPaths(f *conformance.Framework[*env]) {
	cat := f.Catalogue
	Describe("happy path", func() {
		f.It("bind_pos creates a store and terminal that can then trade", conformance.Interface(ipos.BindPos), func(ctx context.Context) {
			e := f.Env()
			h := e.header()
			h.PosID = e.newPosID("8")
			req := ipos.BindPosRequest{Header: ipos.Header{ISSPID: e.isspid, PosID: h.PosID, PosSeq: e.seq(), UserID: "user01", SystemID: e.systemID},
				Store: ipos.StoreInfo{StoreID: e.storeID, StoreName: "翼码测试门店（鼓楼）", StoreAddr: "福州市鼓楼区软件大道89号",
					Contact: "张三", ContactTel: "13900000000", Province: "福建", City: "福州", Town: "鼓楼"}}.Request()
			r := ok(e.do(ctx, req))
			checked(cat, req, r)
			By("the new terminal answers a card_query (not 7000)")
			q := ipos.CardQueryRequest{Header: h, ValidInfo: e.amountVoucher(10000), EncodeType: ipos.EncodeAux}.Request()
			ok(e.do(ctx, q))
		})

		f.It("card_query describes an unused amount voucher", conformance.Interface(ipos.CardQuery), func(ctx context.Context) {
			e := f.Env()
			code := e.amountVoucher(10000)
			req := queryReq(e, code)
			r := ok(e.do(ctx, req))
			checked(cat, req, r)
			Expect(r.Query).NotTo(BeNil(), "query_info is required on success (002 §4.2)")
			Expect(r.Query.UseType).To(Equal("0"), "use_type of an amount voucher is 0")
			Expect(fen(r.Query.RemainAmt)).To(BeNumerically(">=", 10000), "remain_amt: the voucher has >= 10000 fen left")
			if e.sim == nil { // a shared voucher: unused, or in use by earlier verifications
				Expect(r.Query.VaStatus).To(BeElementOf(strconv.Itoa(ipos.VaNormal), strconv.Itoa(ipos.VaInUse)), "a voucher with value left is unused (0) or in use (2)")
			} else {
				Expect(r.Query.VaStatus).To(Equal(strconv.Itoa(ipos.VaNormal)), "an unused voucher has va_status 0")
				Expect(r.Query.RemainAmt).To(Equal("10000"), "remain_amt is the unused balance")
				Expect(r.Verify).To(BeNil(), "verify_info is only returned for vouchers in use or used")
			}
		})

		f.It("card_query accepts a QR code (098) and detects the kind without encode_type", conformance.Interface(ipos.CardQuery), conformance.SimOnly, func(ctx context.Context) {
			f.SkipUnlessEmbedded("the fixture's QR content")
			e := f.Env()
			for _, q := range []ipos.CardQueryRequest{
				{Header: e.header(), ValidInfo: ipossim.VoucherQR, EncodeType: ipos.EncodeQR},
				{Header: e.header(), ValidInfo: ipossim.VoucherQR},
				{Header: e.header(), ValidInfo: ipossim.VoucherTimes},
			} {
				req := q.Request()
				r := ok(e.do(ctx, req))
				checked(cat, req, r)
				Expect(r.Query.UseType).To(Equal("1"))
				Expect(r.Query.Price).To(Equal("2000"))
			}
		})

		f.It("card_query lists the redeem rows of a voucher in use", conformance.Interface(ipos.CardQuery), conformance.SimOnly, func(ctx context.Context) {
			f.SkipUnlessEmbedded("the fixture's voucher in use")
			e := f.Env()
			req := queryReq(e, ipossim.VoucherTimesInUse)
			r := ok(e.do(ctx, req))
			checked(cat, req, r)
			Expect(r.Query.VaStatus).To(Equal(strconv.Itoa(ipos.VaInUse)))
			Expect(r.Query.RemainTimes).To(Equal("1"))
			Expect(r.Verify).NotTo(BeNil(), "verify_info is returned when va_status is 2 or 3 (002 §4.2)")
			Expect(r.Verify.Redeems).To(HaveLen(2))
		})

		f.It("card_verify takes tx_amt from an amount voucher", conformance.Interface(ipos.CardVerify), func(ctx context.Context) {
			e := f.Env()
			code := e.amountVoucher(10000)
			before := fen(ok(e.do(ctx, queryReq(e, code))).Query.RemainAmt)
			req := verifyReq(e.header(), code, "300")
			r := ok(e.do(ctx, req))
			e.undoLater(code, seqOf(req))
			checked(cat, req, r)
			Expect(r.Query).NotTo(BeNil(), "query_info is returned after a successful verification (002 §4.3)")
			Expect(fen(r.Query.RemainAmt)).To(Equal(before-300), "remain_amt after = before - tx_amt")
			Expect(r.Query.VaStatus).To(Equal(strconv.Itoa(ipos.VaInUse)), "a partly used voucher is in use (2)")
			if r.Addition != nil && r.Addition.TxAmt != "" {
				Expect(r.Addition.TxAmt).To(Equal("300"))
			}
			By("a card_query agrees with the reply")
			Expect(fen(ok(e.do(ctx, queryReq(e, code))).Query.RemainAmt)).To(Equal(before - 300))
		})

		f.It("card_verify takes one use from a times voucher", conformance.Interface(ipos.CardVerify), func(ctx context.Context) {
			e := f.Env()
			code := e.timesVoucher(2)
			before := fen(ok(e.do(ctx, queryReq(e, code))).Query.RemainTimes)
			req := verifyReq(e.header(), code, "")
			r := ok(e.do(ctx, req))
			e.undoLater(code, seqOf(req))
			checked(cat, req, r)
			Expect(r.Query.UseType).To(Equal("1"))
			Expect(fen(r.Query.RemainTimes)).To(Equal(before - 1))
			Expect(r.Query.Price).NotTo(BeEmpty(), "price is required for a times voucher")
		})

		for _, iface := range []string{ipos.CardCancel, ipos.CardReversal} {
			f.It(iface+" undoes a verification and restores the amount", conformance.Interface(iface), func(ctx context.Context) {
				e := f.Env()
				code := e.amountVoucher(10000)
				before := fen(ok(e.do(ctx, queryReq(e, code))).Query.RemainAmt)
				v := verifyReq(e.header(), code, "450")
				ok(e.do(ctx, v))
				org, _ := v.Get("pos_seq")
				req := undoReq(iface, e.header(), code, org)
				r := ok(e.do(ctx, req))
				checked(cat, req, r)
				Expect(fen(ok(e.do(ctx, queryReq(e, code))).Query.RemainAmt)).To(Equal(before), "the amount is restored")
			})
		}

		f.It("card_daily sums the terminal's verifications by goods", conformance.Interface(ipos.CardDaily), func(ctx context.Context) {
			e := f.Env()
			h := e.freshTerminal(ctx)
			code := e.amountVoucher(10000)
			for _, amt := range []string{"100", "250"} {
				h.PosSeq = e.seq()
				ok(e.do(ctx, verifyReq(h, code, amt)))
				e.undoLater(code, h.PosSeq)
			}
			h.PosSeq = e.seq()
			req := dailyReq(h, e.today())
			r := ok(e.do(ctx, req))
			checked(cat, req, r)
			Expect(r.Daily).To(HaveLen(1), "one goods_list row for the one goods verified")
			Expect(r.Daily[0].ValidateNum).To(Equal("2"))
			Expect(r.Daily[0].ValidateAmt).To(Equal("350"))
		})

		f.It("wecard_getcodeinfo describes a gift card", conformance.Interface(ipos.WecardGetCodeInfo), func(ctx context.Context) {
			e := f.Env()
			code := e.giftCash(1000)
			q := e.wecard(ipos.WecardGetCodeInfo)
			q.Code = code
			req := q.Request()
			r := ok(e.do(ctx, req))
			checked(cat, req, r)
			Expect(r.TransactionID).To(Equal(q.TransactionID), "transaction_id is echoed")
			Expect(r.Trace).NotTo(BeNil())
			Expect(r.Trace.UserCardCode).To(Equal(code))
			if e.sim != nil {
				Expect(r.Base.CardType).To(Equal(strconv.Itoa(ipos.GiftTypeCash)))
				Expect(r.Trace.Overplus).To(Equal("1000"))
			}
		})

		f.It("wecard_getcodeinfo finds a card by its encrypted code", conformance.Interface(ipos.WecardGetCodeInfo), conformance.SimOnly, func(ctx context.Context) {
			f.SkipUnlessEmbedded("the fixture's encrypted code")
			e := f.Env()
			q := e.wecard(ipos.WecardGetCodeInfo)
			q.EncryptCode = ipossim.GiftCashEncrypt
			r := ok(e.do(ctx, q.Request()))
			Expect(r.Trace.UserCardCode).To(Equal(ipossim.GiftCash))
		})

		f.It("wecard_poscancelcard consumes from a cash card: balance - amount = overplus", conformance.Interface(ipos.WecardPosCancelCard), func(ctx context.Context) {
			e := f.Env()
			code := e.giftCash(1000)
			q := e.wecard(ipos.WecardPosCancelCard)
			q.Code, q.ConsumeSource, q.Amount = code, "核销渠道", "125"
			req := q.Request()
			r := ok(e.do(ctx, req))
			e.refundLater(code, q.PosSeq)
			checked(cat, req, r)
			Expect(r.Info).NotTo(BeNil(), "info is required after a successful consume (002 §4.9)")
			Expect(r.Info.Amount).To(Equal("125"))
			Expect(fen(r.Info.Balance) - 125).To(Equal(fen(r.Info.Overplus)))
			Expect(r.Info.Code).To(Equal(code))
		})

		f.It("wecard_gettracelist and wecard_getposseqinfo show the consume", conformance.Interface(ipos.WecardGetTraceList), conformance.Interface(ipos.WecardGetPosSeqInfo), func(ctx context.Context) {
			e := f.Env()
			code := e.giftCash(1000)
			// A fresh terminal: the list filtered by it holds this spec's
			// rows only, even on a card every run shares.
			h := e.freshTerminal(ctx)
			c := e.wecardAt(h, ipos.WecardPosCancelCard)
			c.Code, c.ConsumeSource, c.Amount = code, "核销渠道", "200"
			ok(e.do(ctx, c.Request()))
			e.refundLater(code, c.PosSeq)

			l := e.wecardAt(h, ipos.WecardGetTraceList)
			l.Code, l.STime, l.ETime = code, e.today(), e.today()
			req := l.Request()
			r := ok(e.do(ctx, req))
			checked(cat, req, r)
			Expect(r.Rows).To(HaveLen(1))
			Expect(r.Rows[0].ReqSeq).To(Equal(c.PosSeq))
			Expect(r.Rows[0].UseType).To(Equal("1"))
			Expect(r.Rows[0].Amount).To(Equal("200"))
			Expect(r.Page).NotTo(BeNil())
			Expect(r.Page.Total).To(Equal("1"))

			p := e.wecard(ipos.WecardGetPosSeqInfo)
			p.PosSeq = c.PosSeq
			req = p.Request()
			r = ok(e.do(ctx, req))
			checked(cat, req, r)
			Expect(r.Rows).To(HaveLen(1))
			Expect(r.Rows[0].Code).To(Equal(code))
		})

		f.It("wecard_posreturnd refunds a consume", conformance.Interface(ipos.WecardPosReturnd), func(ctx context.Context) {
			e := f.Env()
			code := e.giftCash(1000)
			c := e.wecard(ipos.WecardPosCancelCard)
			c.Code, c.ConsumeSource, c.Amount = code, "核销渠道", "300"
			ok(e.do(ctx, c.Request()))
			q := e.wecard(ipos.WecardPosReturnd)
			q.Code, q.ConsumeSource, q.OrgPosSeq, q.Amount = code, "退款渠道", c.PosSeq, "300"
			req := q.Request()
			r := ok(e.do(ctx, req))
			checked(cat, req, r)
		})

		f.It("wecard_posrevoke revokes a card and reports what was left", conformance.Interface(ipos.WecardPosRevoke), func(ctx context.Context) {
			e := f.Env()
			code := e.revocableGift(ctx, 600)
			q := e.wecard(ipos.WecardPosRevoke)
			q.Code, q.ConsumeSource = code, "注销渠道"
			req := q.Request()
			r := ok(e.do(ctx, req))
			checked(cat, req, r)
			Expect(r.Info).NotTo(BeNil())
			Expect(r.Info.Overplus).To(Equal("0"), "nothing is left after a revoke")
		})
	})
}
