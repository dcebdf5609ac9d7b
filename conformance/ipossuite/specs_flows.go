package ipossuite

// specs_flows.go: the multi-step business flows: verify/query/cancel/daily,
// the daily window, reversal after a lost reply, double submit, and the
// gift-card consume/refund/revoke cycle.

import (
	"context"
	"strconv"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/conformance"
	"paycert/platforms/ipos"
)

func flows(f *conformance.Framework[*env]) {
	Describe("flows", conformance.Flow, func() {
		f.It("verify -> query shows the redeem -> cancel -> query shows it undone -> daily nets to zero",
			conformance.Interface(ipos.CardVerify), conformance.Interface(ipos.CardCancel), conformance.Interface(ipos.CardDaily), func(ctx context.Context) {
				e := f.Env()
				h := e.freshTerminal(ctx)
				h.PosSeq = e.seq()
				ok(e.do(ctx, dailyReq(h, e.today()))) // close whatever the terminal had
				code := e.amountVoucher(5000)
				before := ok(e.do(ctx, queryReq(e, code))).Query
				h.PosSeq = e.seq()
				v := verifyReq(h, code, "1200")
				ok(e.do(ctx, v))
				vseq := h.PosSeq
				e.undoLater(code, vseq)

				q := ok(e.do(ctx, queryReq(e, code)))
				Expect(q.Query.VaStatus).To(Equal(strconv.Itoa(ipos.VaInUse)))
				Expect(q.Verify).NotTo(BeNil(), "a voucher in use lists its verifications")
				Expect(q.Verify.Redeems).To(ContainElement(HaveField("PosSeq", vseq)))

				h.PosSeq = e.seq()
				ok(e.do(ctx, undoReq(ipos.CardCancel, h, code, vseq)))
				q = ok(e.do(ctx, queryReq(e, code)))
				Expect(q.Query.RemainAmt).To(Equal(before.RemainAmt), "the cancel restores the amount (erratum E-IPOS-CANCEL-RESTORES)")
				Expect(q.Query.VaStatus).To(Equal(before.VaStatus), "the voucher is back in the state it had (0: nothing verified remains)")
				if e.sim != nil {
					Expect(q.Query.VaStatus).To(Equal(strconv.Itoa(ipos.VaNormal)), "nothing verified remains")
				}
				if q.Verify != nil {
					Expect(q.Verify.Redeems).NotTo(ContainElement(HaveField("PosSeq", vseq)), "a cancelled verification is no longer a redeem")
				}
				h.PosSeq = e.seq()
				d := ok(e.do(ctx, dailyReq(h, e.today())))
				var num, amt int64
				for _, g := range d.Daily {
					num += fen(g.ValidateNum)
					amt += fen(g.ValidateAmt)
				}
				Expect(num).To(BeZero(), "act_validate_num = verifications - cancellations = 0")
				Expect(amt).To(BeZero(), "act_validate_amt = verified - cancelled = 0")
			})

		f.It("daily: two verifications and one cancel count 1; a second daily starts from zero", conformance.Interface(ipos.CardDaily), func(ctx context.Context) {
			e := f.Env()
			h := e.freshTerminal(ctx)
			h.PosSeq = e.seq()
			ok(e.do(ctx, dailyReq(h, e.today())))
			code := e.amountVoucher(5000)
			var first string
			for i, amt := range []string{"700", "800"} {
				h.PosSeq = e.seq()
				if i == 0 {
					first = h.PosSeq
				}
				ok(e.do(ctx, verifyReq(h, code, amt)))
				e.undoLater(code, h.PosSeq)
			}
			h.PosSeq = e.seq()
			ok(e.do(ctx, undoReq(ipos.CardCancel, h, code, first)))
			h.PosSeq = e.seq()
			d := ok(e.do(ctx, dailyReq(h, e.today())))
			Expect(d.Daily).To(HaveLen(1))
			Expect(d.Daily[0].ValidateNum).To(Equal("1"), "2 verifications - 1 cancellation")
			Expect(d.Daily[0].ValidateAmt).To(Equal("800"))
			h.PosSeq = e.seq()
			d = ok(e.do(ctx, dailyReq(h, e.today())))
			Expect(d.Daily).To(BeEmpty(), "the previous daily closed the window (上次日结到本次日结)")
		})

		f.It("card_daily refuses a day after today", conformance.Interface(ipos.CardDaily), conformance.Errata, func(ctx context.Context) {
			e := f.Env()
			h := e.header()
			today, err := time.Parse(ipos.DayLayout, e.today())
			Expect(err).NotTo(HaveOccurred())
			tomorrow := today.AddDate(0, 0, 1).Format(ipos.DayLayout)
			Expect(codeOf(e.do(ctx, dailyReq(h, tomorrow)))).To(Equal(ipos.CodeDailyDay), "daily_day 必须小于等于当前日期 (erratum E-IPOS-DAILY-FUTURE)")
		})

		f.It("reversal after a lost reply restores the voucher; a resent reversal does not restore twice",
			conformance.Interface(ipos.CardReversal), func(ctx context.Context) {
				e := f.Env()
				code := e.amountVoucher(3000)
				before := e.remainAmt(ctx, code)
				v := verifyReq(e.header(), code, "1000")
				x, err := v.AppendXML(nil)
				Expect(err).NotTo(HaveOccurred())
				_, _ = e.client().PostXML(ctx, ipos.CardVerify, x) // the reply is "lost"
				org, _ := v.Get("pos_seq")
				rev := undoReq(ipos.CardReversal, e.header(), code, org)
				ok(e.do(ctx, rev))
				Expect(e.remainAmt(ctx, code)).To(Equal(before), "the reversal restores the amount")
				By("the same reversal again (the POS did not see the first reply)")
				ok(e.do(ctx, rev))
				Expect(e.remainAmt(ctx, code)).To(Equal(before), "a resent reversal never restores twice")
				By("a cancel of the reversed verification")
				Expect(codeOf(e.do(ctx, undoReq(ipos.CardCancel, e.header(), code, org)))).To(Equal(ipos.CodeCancelled),
					"an undone verification cannot be undone again (erratum E-IPOS-REVERSAL-AFTER-CANCEL)")
				Expect(e.remainAmt(ctx, code)).To(Equal(before))
			})

		f.It("reversal of a verification that never arrived answers 0809", conformance.Interface(ipos.CardReversal), func(ctx context.Context) {
			e := f.Env()
			Expect(codeOf(e.do(ctx, undoReq(ipos.CardReversal, e.header(), e.amountVoucher(1000), e.seq())))).To(Equal(ipos.CodeNoOriginal))
		})

		f.It("a double submit of one pos_seq moves money once", conformance.Interface(ipos.CardVerify), func(ctx context.Context) {
			e := f.Env()
			code := e.amountVoucher(2000)
			before := e.remainAmt(ctx, code)
			v := verifyReq(e.header(), code, "500")
			e.undoLater(code, seqOf(v))
			var wg sync.WaitGroup
			replies := make([]string, 2)
			for i := range replies {
				wg.Add(1)
				go func() {
					defer GinkgoRecover()
					defer wg.Done()
					r, err := e.do(ctx, v)
					replies[i] = codeOf(r, err)
				}()
			}
			wg.Wait()
			ok(e.do(ctx, v))
			Expect(e.remainAmt(ctx, code)).To(Equal(before-500), "three submits of one pos_seq take 500 once")
			By("another request reusing the pos_seq")
			seq, _ := v.Get("pos_seq")
			other := verifyReq(e.header(), code, "700").With("pos_seq", seq)
			Expect(codeOf(e.do(ctx, other))).NotTo(Equal(ipos.CodeOK), "pos_seq must be unique per merchant (002 §4.3)")
			Expect(e.remainAmt(ctx, code)).To(Equal(before - 500))
		})

		f.It("gift card consume -> refund -> the trace list shows the consume refunded (status 2)",
			conformance.Interface(ipos.WecardPosCancelCard), conformance.Interface(ipos.WecardPosReturnd), conformance.Interface(ipos.WecardGetTraceList), func(ctx context.Context) {
				e := f.Env()
				code := e.giftCash(1000)
				before := e.overplus(ctx, code)
				// A fresh terminal: the trace list filtered by it holds this
				// spec's rows only, even on a card every run shares.
				h := e.freshTerminal(ctx)
				c := e.wecardAt(h, ipos.WecardPosCancelCard)
				c.Code, c.ConsumeSource, c.Amount = code, "核销渠道", "400"
				r := ok(e.do(ctx, c.Request()))
				e.refundLater(code, c.PosSeq)
				Expect(fen(r.Info.Overplus)).To(Equal(before - 400))
				rf := e.wecardAt(h, ipos.WecardPosReturnd)
				rf.Code, rf.ConsumeSource, rf.OrgPosSeq = code, "退款渠道", c.PosSeq
				ok(e.do(ctx, rf.Request()))
				By("the card's balance is restored")
				Expect(e.overplus(ctx, code)).To(Equal(before))
				By("the trace list")
				l := e.wecardAt(h, ipos.WecardGetTraceList)
				l.Code = code
				rows := ok(e.do(ctx, l.Request())).Rows
				Expect(rows).To(HaveLen(2))
				Expect(rows).To(ContainElement(SatisfyAll(HaveField("ReqSeq", c.PosSeq), HaveField("UseType", ipos.UseConsume), HaveField("Status", ipos.RowRefunded))),
					"the consume row is marked refunded (status 2)")
				Expect(rows).To(ContainElement(SatisfyAll(HaveField("UseType", ipos.UseRefund), HaveField("OrgPosSeq", c.PosSeq), HaveField("Amount", "400"))),
					"a refund row points at its consume")
				By("a second refund of the same consume")
				rf2 := e.wecard(ipos.WecardPosReturnd)
				rf2.Code, rf2.ConsumeSource, rf2.OrgPosSeq = code, "退款渠道", c.PosSeq
				Expect(codeOf(e.do(ctx, rf2.Request()))).NotTo(Equal(ipos.CodeOK), "a consume is refunded once")
				Expect(e.overplus(ctx, code)).To(Equal(before))
			})

		f.It("gift card: short balance 0325, cash card without amount 0305, revoked card 3037", conformance.Interface(ipos.WecardPosCancelCard), func(ctx context.Context) {
			e := f.Env()
			code := e.giftCash(100)
			balance := e.overplus(ctx, code)
			c := e.wecard(ipos.WecardPosCancelCard)
			c.Code, c.ConsumeSource, c.Amount = code, "核销渠道", strconv.FormatInt(balance+1, 10)
			Expect(codeOf(e.do(ctx, c.Request()))).To(Equal(ipos.CodeBalanceShort), "one fen more than the card's balance (%d) is 0325", balance)
			c = e.wecard(ipos.WecardPosCancelCard)
			c.Code, c.ConsumeSource = code, "核销渠道"
			Expect(codeOf(e.do(ctx, c.Request()))).To(Equal(ipos.CodeAmountNeeded))
			Expect(e.overplus(ctx, code)).To(Equal(balance), "refused consumes take nothing")
			By("a card the spec may revoke")
			code = e.revocableGift(ctx, 100)
			rv := e.wecard(ipos.WecardPosRevoke)
			rv.Code, rv.ConsumeSource = code, "注销渠道"
			ok(e.do(ctx, rv.Request()))
			c = e.wecard(ipos.WecardPosCancelCard)
			c.Code, c.ConsumeSource, c.Amount = code, "核销渠道", "1"
			Expect(codeOf(e.do(ctx, c.Request()))).To(Equal(ipos.CodeCancelled))
		})
	})
}
