package bill99suite

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/conformance"
	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99client"
)

// waitNotice waits for the suite's merchant endpoint to hold a verified TR3
// for ref: on the embedded simulator after delivering what is due, against
// a real endpoint for up to a minute (the platform's first attempt).
func waitNotice(ctx context.Context, e *env, ref string) bill99.TxnResult {
	if e.sim != nil {
		e.deliver(ctx)
		ns := e.merchant.NoticesFor(ref)
		Expect(ns).NotTo(BeEmpty(), "a TR3 for %s must reach tr3Url and verify with mgw.cer (rejected: %v)", ref, e.merchant.Rejected())
		return ns[len(ns)-1]
	}
	Eventually(ctx, func() int { return len(e.merchant.NoticesFor(ref)) }).WithTimeout(time.Minute).WithPolling(time.Second).
		Should(BeNumerically(">", 0), "a TR3 for %s must reach tr3Url and verify with mgw.cer", ref)
	ns := e.merchant.NoticesFor(ref)
	return ns[len(ns)-1]
}

func needTR3(e *env) {
	if e.merchant == nil || e.tr3URL == "" {
		Skip("TR3 specs need params platform_cert and tr3_url (a URL the platform can reach the suite at)")
	}
}

func describeFlows(f *conformance.Framework[*env]) {
	Describe("flows (chapter 5)", conformance.Flow, func() {
		f.It("sign-up → verify → purchase → query S → TR3 verified → TR4 accepted", conformance.Interface(bill99.IfTR3), func(ctx SpecContext) {
			e := f.Env()
			needTR3(e)
			pan, phone := e.signUpCard()
			cust, ref := "flow-"+e.ref(), e.ref()
			ia := indAuth(ctx, e, cust, ref, pan, phone)
			Expect(code(ia)).To(Equal(bill99.RCSuccess))
			sms := e.smsCode(ctx, ref)
			v := verify(ctx, e, cust, ref, pan, phone, sms, ia.Get("token"))
			Expect(code(v)).To(Equal(bill99.RCSuccess))
			again := verify(ctx, e, cust, ref, pan, phone, sms, ia.Get("token"))
			Expect(code(again)).To(Equal(bill99.RCBadCode), "a verification code is single-use (§5.4.2): reuse is T6")
			buy := e.ref()
			p := purchase(ctx, e, cust, buy, "88.80", v.Get("payToken"))
			Expect(code(p)).To(Equal(bill99.RCSuccess))
			Expect(p.Get("storableCardNo")).To(Equal(pan[:6]+pan[len(pan)-4:]), "storableCardNo is the first 6 and last 4 digits of the card signed up (§4.3)")
			Expect(query(ctx, e, buy).Get("txnStatus")).To(Equal(bill99.TxnSucceeded))
			n := waitNotice(ctx, e, p.Get("refNumber"))
			Expect(n.ResponseCode).To(Equal(bill99.RCSuccess))
			Expect(n.Amount).To(Equal("88.80"))
			Expect(n.ExternalRefNumber).To(Equal(buy))
			Expect(n.StorableCardNo).To(Equal(pan[:6] + pan[len(pan)-4:]))
			if e.sim == nil {
				return // what follows reads the simulator's delivery log and moves its clock
			}
			log, acked, _ := e.sim.Deliveries(p.Get("refNumber"))
			Expect(acked).To(BeTrue(), "the TR4 of the suite's merchant endpoint must be accepted: %+v", log)
			Expect(log).To(HaveLen(1), "an acknowledged TR3 is not resent")
			e.clock.Advance(2 * time.Hour)
			e.deliver(ctx)
			log, _, _ = e.sim.Deliveries(p.Get("refNumber"))
			Expect(log).To(HaveLen(1), "no resend after a correct TR4")
		})

		f.It("purchase C0 → query P → settles → query S and TR3", conformance.SimOnly, conformance.Code(bill99.RCTimeoutC0), func(ctx SpecContext) {
			f.SkipUnlessEmbedded("the settlement time is driven by the simulator's clock")
			e := f.Env()
			needTR3(e)
			ref := e.ref()
			p := purchase(ctx, e, "c-timeout-c0", ref, "5.00", "8120000000000000101")
			Expect(code(p)).To(Equal(bill99.RCTimeoutC0))
			Expect(query(ctx, e, ref).Get("txnStatus")).To(Equal(bill99.TxnPending), "after C0 the order is pending (§5.3.1)")
			e.deliver(ctx)
			Expect(e.merchant.NoticesFor(p.Get("refNumber"))).To(BeEmpty(), "no TR3 while the order is pending")
			c := e.client()
			defer c.Close()
			polls := 0
			q, err := c.PollQuery(ctx, bill99.QueryRequest{MerchantID: e.mid, ExternalRefNumber: ref}, 10, func(context.Context) error {
				polls++
				e.clock.Advance(time.Minute) // §5.3.1: query again one minute later
				return nil
			})
			Expect(err).NotTo(HaveOccurred(), "the order must settle within 10 polls a minute apart")
			Expect(q.Get("txnStatus")).To(Equal(bill99.TxnSucceeded))
			Expect(q.Get("responseCode")).To(Equal(bill99.RCSuccess))
			Expect(polls).To(BeNumerically(">=", 1))
			n := waitNotice(ctx, e, p.Get("refNumber"))
			Expect(n.ResponseCode).To(Equal(bill99.RCSuccess), "the TR3 carries the final result")
		})

		f.It("purchase 68 → settles F, TR3 carries the failure", conformance.SimOnly, conformance.Code(bill99.RCTimeout68), func(ctx SpecContext) {
			f.SkipUnlessEmbedded("the settlement time is driven by the simulator's clock")
			e := f.Env()
			needTR3(e)
			ref := e.ref()
			p := purchase(ctx, e, "c-timeout-68", ref, "5.00", "8120000000000000102")
			Expect(code(p)).To(Equal(bill99.RCTimeout68))
			e.clock.Advance(4 * time.Minute)
			Expect(query(ctx, e, ref).Get("txnStatus")).To(Equal(bill99.TxnFailed))
			n := waitNotice(ctx, e, p.Get("refNumber"))
			Expect(n.ResponseCode).NotTo(Equal(bill99.RCSuccess))
		})

		f.It("TR4 withheld → 10 resends at growing intervals, then stop", conformance.SimOnly, conformance.Interface(bill99.IfTR3), conformance.Errata, func(ctx SpecContext) {
			f.SkipUnlessEmbedded("resending is driven by the simulator's clock")
			e := f.Env()
			needTR3(e)
			ref := e.ref()
			e.merchant.Withhold(func(n bill99.TxnResult) bool { return n.ExternalRefNumber == ref })
			defer e.merchant.Withhold(nil)
			p := purchase(ctx, e, e.customerID, ref, "0.05", e.payToken)
			Expect(code(p)).To(Equal(bill99.RCSuccess))
			rn := p.Get("refNumber")
			var gaps []time.Duration
			last := e.clock.Now()
			for i := 0; i < 30; i++ {
				e.deliver(ctx)
				next := e.sim.NextDelivery(rn)
				if next.IsZero() {
					break
				}
				gaps = append(gaps, next.Sub(last))
				last = next
				e.clock.Set(next)
			}
			log, acked, gaveUp := e.sim.Deliveries(rn)
			Expect(acked).To(BeFalse(), "a 200 without a TR4 is not an acknowledgement")
			Expect(log).To(HaveLen(bill99.TR3Deliveries), "the first delivery plus 10 resends (§5.3.2)")
			Expect(gaveUp).To(BeTrue())
			for i := 1; i < len(gaps); i++ {
				Expect(gaps[i]).To(BeNumerically(">", gaps[i-1]), "resend intervals grow (§5.3.2): %v", gaps)
			}
			e.clock.Advance(48 * time.Hour)
			e.deliver(ctx)
			log, _, _ = e.sim.Deliveries(rn)
			Expect(log).To(HaveLen(bill99.TR3Deliveries), "no attempt after the 10th resend")
			Expect(e.merchant.NoticesFor(rn)).To(HaveLen(bill99.TR3Deliveries))
		})

		f.It("pci_query → pci_del → purchase T3", conformance.Interface(bill99.IfPciDel), conformance.Code(bill99.RCNotBound), func(ctx SpecContext) {
			// The suite unbinds only a card it bound itself, for a
			// customer of its own.
			e := f.Env()
			pan, phone := "6225880000000000033", "13700000033" // a CMB credit card of the fixture
			if !f.Embedded() {
				pan, phone = e.signUpCard()
			}
			ci, _ := send(ctx, e, bill99.IfCardInfo, bill99.CardInfoRequest{CardNo: pan}.Message())
			ctype := ci.Get("cardType")
			cust := "unbind-" + e.ref()
			tok := bind(ctx, e, cust, pan, phone)
			list, _ := send(ctx, e, bill99.IfPciQuery, bill99.PciQueryRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: cust, CardType: ctype}.Message())
			Expect(list.Content.Child("pciInfos").All("pciInfo")).To(HaveLen(1), "a new customer has the one card the suite bound")
			Expect(list.Content.Get("pciInfos/pciInfo/payToken")).To(Equal(tok), "pci_query lists the payToken ind_auth_verify returned")
			storable, bank := pan[:6]+pan[len(pan)-4:], list.Content.Get("pciInfos/pciInfo/bankId")
			del, _ := send(ctx, e, bill99.IfPciDel, bill99.PciDeleteRequest{MerchantID: e.mid, CustomerID: cust, StorablePan: storable, BankID: bank}.Message())
			Expect(code(del)).To(Equal(bill99.RCSuccess))
			list, _ = send(ctx, e, bill99.IfPciQuery, bill99.PciQueryRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: cust, CardType: ctype}.Message())
			Expect(list.Content.Child("pciInfos").All("pciInfo")).To(BeEmpty(), "an unbound card is no longer listed")
			Expect(code(purchase(ctx, e, cust, e.ref(), "1", tok))).To(Equal(bill99.RCNotBound), "purchase with a deleted binding is T3 (§4.14(1))")
			again, _ := send(ctx, e, bill99.IfPciDel, bill99.PciDeleteRequest{MerchantID: e.mid, CustomerID: cust, PayToken: tok, BankID: bank}.Message())
			Expect(code(again)).To(Equal(bill99.RCNotBound), "deleting twice: nothing bound")
		})

		f.It("a replayed externalRefNumber is answered once and debited once", conformance.Code(bill99.ECDuplicateRef), conformance.Errata, func(ctx SpecContext) {
			e := f.Env()
			needBinding(e)
			ref := e.ref()
			var before int64
			if e.sim != nil {
				before = e.sim.Totals().DebitedFen
			}
			// A replay is the same request byte for byte: one entryTime,
			// even when the second crosses a second boundary.
			at := e.entryTime()
			same := func(r *bill99.PurchaseRequest) { r.EntryTime = at }
			first := purchase(ctx, e, e.customerID, ref, "0.06", e.payToken, same)
			Expect(code(first)).To(Equal(bill99.RCSuccess))
			second := purchase(ctx, e, e.customerID, ref, "0.06", e.payToken, same)
			Expect(second.Get("refNumber")).To(Equal(first.Get("refNumber")), "the replay must not create a second order (§5.4.1)")
			if e.sim != nil {
				Expect(e.sim.Totals().DebitedFen-before).To(Equal(int64(6)), "money moves once per externalRefNumber")
				Expect(code(second)).To(Equal(bill99.RCSuccess))
			}
			different := purchase(ctx, e, e.customerID, ref, "0.07", e.payToken, same)
			Expect(different.Result.OK()).To(BeFalse(), "reusing an externalRefNumber for another amount must fail")
		})

		f.It("the order query covers half a year", conformance.SimOnly, conformance.Code(bill99.ECNoTxn), conformance.Errata, func(ctx SpecContext) {
			f.SkipUnlessEmbedded("moves an order's entry time")
			e := f.Env()
			ref := e.ref()
			Expect(code(purchase(ctx, e, e.customerID, ref, "0.08", e.payToken))).To(Equal(bill99.RCSuccess))
			Expect(e.sim.BackdateOrder(e.mid, ref, 5*30*24*time.Hour)).To(BeTrue())
			Expect(code(query(ctx, e, ref))).To(Equal(bill99.RCSuccess), "five months old is inside the window")
			Expect(e.sim.BackdateOrder(e.mid, ref, 60*24*time.Hour)).To(BeTrue())
			Expect(code(query(ctx, e, ref))).To(Equal(bill99.ECNoTxn), "seven months old is outside half a year (§4.4)")
		})

		f.It("ind_auth and ind_auth_verify must share the externalRefNumber (else T6)", conformance.Code(bill99.RCBadCode), func(ctx SpecContext) {
			e := f.Env()
			pan, phone := e.signUpCard()
			cust, ref := "ref-"+e.ref(), e.ref()
			ia := indAuth(ctx, e, cust, ref, pan, phone)
			sms := e.smsCode(ctx, ref)
			Expect(code(verify(ctx, e, cust, e.ref(), pan, phone, sms, ia.Get("token")))).To(Equal(bill99.RCBadCode), "§5.4.1: a different externalRefNumber is T6")
			Expect(code(verify(ctx, e, cust, ref, pan, phone, sms, ia.Get("token")))).To(Equal(bill99.RCSuccess), "the right one still works")
		})

		f.It("the token is not a payToken", conformance.Code(bill99.RCNotBound), func(ctx SpecContext) {
			e := f.Env()
			pan, phone := e.signUpCard()
			cust, ref := "tok-"+e.ref(), e.ref()
			ia := indAuth(ctx, e, cust, ref, pan, phone)
			Expect(code(verify(ctx, e, cust, ref, pan, phone, e.smsCode(ctx, ref), ia.Get("token")))).To(Equal(bill99.RCSuccess))
			Expect(code(purchase(ctx, e, cust, e.ref(), "1", ia.Get("token")))).NotTo(Equal(bill99.RCSuccess), "§4.13: token and payToken are unrelated")
		})

		f.It("a payToken works only with its own customerId", conformance.Code(bill99.RCNotBound), func(ctx SpecContext) {
			e := f.Env()
			needBinding(e)
			Expect(code(purchase(ctx, e, "x-"+e.ref(), e.ref(), "1", e.payToken))).To(Equal(bill99.RCNotBound),
				"§4.13: customerId and payToken together select the card; another customer's payToken is T3")
		})

		f.It("one card per bank: a second card of the same bank is T3", conformance.SimOnly, conformance.Code(bill99.RCNotBound), func(ctx SpecContext) {
			f.SkipUnlessEmbedded("uses the fixture's bank records")
			e := f.Env()
			// 33150001 has a CCB card bound; 6217000000000000022 is another CCB card.
			Expect(code(indAuth(ctx, e, "33150001", e.ref(), "6217000000000000022", "13700000022"))).To(Equal(bill99.RCNotBound))
		})

		f.It("a new sign-up of a bound card suspends the old payToken until verified", conformance.Errata, func(ctx SpecContext) {
			e := f.Env()
			pan, phone := e.signUpCard()
			cust := "re-" + e.ref()
			old := bind(ctx, e, cust, pan, phone)
			ref := e.ref()
			ia := indAuth(ctx, e, cust, ref, pan, phone)
			Expect(code(purchase(ctx, e, cust, e.ref(), "1", old))).To(Equal(bill99.RCNotBound), "E-BILL99-RESIGN: the pending re-sign voids the old binding")
			v := verify(ctx, e, cust, ref, pan, phone, e.smsCode(ctx, ref), ia.Get("token"))
			Expect(code(purchase(ctx, e, cust, e.ref(), "1", v.Get("payToken")))).To(Equal(bill99.RCSuccess))
		})

		f.It("client PollQuery gives up after its tries, waiting between them", conformance.SimOnly, func(ctx SpecContext) {
			f.SkipUnlessEmbedded("needs an order that stays pending")
			e := f.Env()
			ref := e.ref()
			Expect(code(purchase(ctx, e, "c-timeout-c0", ref, "1", "8120000000000000101"))).To(Equal(bill99.RCTimeoutC0))
			c := e.client()
			defer c.Close()
			n := 0
			last, err := c.PollQuery(ctx, bill99.QueryRequest{MerchantID: e.mid, ExternalRefNumber: ref}, 2, func(context.Context) error { n++; return nil })
			Expect(err).To(MatchError(bill99client.ErrStillPending), "without the clock moving the order stays P")
			Expect(last.Get("txnStatus")).To(Equal(bill99.TxnPending), "the last reply comes back with the error")
			Expect(n).To(Equal(1), "two tries wait once, between them")
		})
	})
}
