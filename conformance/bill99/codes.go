package bill99

import (
	. "github.com/onsi/ginkgo/v2" //nolint:revive
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/conformance"
	"paycert/platforms/bill99"
	"paycert/platforms/catalog"
)

// provoker makes the target return one code; simOnly says why it needs the
// simulator's fixture ("" = works against any endpoint).
type provoker struct {
	iface   string
	simOnly string
	run     func(e *env) *bill99.Reply
	exact   bool // against a real endpoint, require the exact code (false: any B.MGW.NNNN)
}

func provokers() map[string]provoker {
	fixture := "uses the simulator's fixture cards"
	return map[string]provoker{
		bill99.RCSuccess: {iface: bill99.IfCardInfo, exact: true, run: func(e *env) *bill99.Reply {
			r, _ := send(e, bill99.IfCardInfo, bill99.CardInfoRequest{CardNo: "6217003320034459100"}.Message())
			return r
		}},
		bill99.RCTimeoutC0: {iface: bill99.IfPurchase, simOnly: fixture, run: func(e *env) *bill99.Reply {
			return purchase(e, "c-timeout-c0", e.ref(), "1.00", "8120000000000000101")
		}},
		bill99.RCTimeout68: {iface: bill99.IfPurchase, simOnly: fixture, run: func(e *env) *bill99.Reply {
			return purchase(e, "c-timeout-68", e.ref(), "1.00", "8120000000000000102")
		}},
		bill99.RCNotBound: {iface: bill99.IfPurchase, exact: true, run: func(e *env) *bill99.Reply {
			return purchase(e, "nobody-"+e.ref(), e.ref(), "1.00", "8129999999999999999")
		}},
		bill99.RCBadCode: {iface: bill99.IfIndAuthVerify, simOnly: "needs a pending sign-up", run: func(e *env) *bill99.Reply {
			ref, cust := e.ref(), "t6-"+e.ref()
			ia := indAuth(e, cust, ref, "6217000000000000022", "13700000022")
			sms, _ := e.sim.SMSCode(e.mid, ref)
			wrong := "000000"
			if sms == wrong {
				wrong = "111111"
			}
			return verify(e, cust, ref, "6217000000000000022", "13700000022", wrong, ia.Get("token"))
		}},
		bill99.RCBadMerchant: {iface: bill99.IfPurchase, simOnly: "needs a merchant known but not opened", run: func(e *env) *bill99.Reply {
			r := bill99.PurchaseRequest{MerchantID: "104110045112099", TerminalID: "00002099", CustomerID: "x", ExternalRefNumber: e.ref(),
				EntryTime: e.entryTime(), Amount: "1", PayToken: "8120000002867710851"}
			rep, _ := send(e, bill99.IfPurchase, r.Message())
			return rep
		}},
		bill99.RCTxnType: {iface: bill99.IfPurchase, simOnly: "needs a terminal without INP", run: func(e *env) *bill99.Reply {
			return purchase(e, e.customerID, e.ref(), "1", e.payToken, func(r *bill99.PurchaseRequest) { r.TxnType = bill99.TxnInstalment })
		}},
		bill99.RCNoRoute: {iface: bill99.IfIndAuth, simOnly: fixture, run: func(e *env) *bill99.Reply {
			return indAuth(e, "l8-"+e.ref(), e.ref(), "6228480000000000044", "13700000044")
		}},
		bill99.RCPermission: {iface: bill99.IfIndAuth, simOnly: fixture, run: func(e *env) *bill99.Reply {
			// ICBC debit (validateType 011) without name and id number.
			return indAuth(e, "tc-"+e.ref(), e.ref(), "6222020000000000011", "13700000000")
		}},
		bill99.RCLimit: {iface: bill99.IfPurchase, simOnly: fixture, run: func(e *env) *bill99.Reply {
			return purchase(e, "c-limit", e.ref(), "100.01", "8120000000000000104")
		}},
		bill99.RCPhone: {iface: bill99.IfIndAuth, simOnly: fixture, run: func(e *env) *bill99.Reply {
			return indAuth(e, "hw-"+e.ref(), e.ref(), "6217000000000000022", "13999999999")
		}},
		bill99.RCResign: {iface: bill99.IfPurchase, simOnly: fixture, run: func(e *env) *bill99.Reply {
			return purchase(e, "c-revoked", e.ref(), "1", "8120000000000000103")
		}},
		bill99.ECBadMerchant: {iface: bill99.IfPurchase, exact: true, run: func(e *env) *bill99.Reply {
			r := bill99.PurchaseRequest{MerchantID: "999999999999999", TerminalID: e.tid, CustomerID: "x", ExternalRefNumber: e.ref(),
				EntryTime: e.entryTime(), Amount: "1", PayToken: "8120000002867710851"}
			rep, _ := send(e, bill99.IfPurchase, r.Message())
			return rep
		}},
		bill99.ECUnparsable: {iface: bill99.IfPurchase, run: func(e *env) *bill99.Reply {
			return raw(e, bill99.IfPurchase, []byte(`<?xml version="1.0" encoding="UTF-8"?><MasMessage xmlns="`+bill99.Namespace+`"><version>1.0</version><TxnMsgContent>`))
		}},
		bill99.ECField: {iface: bill99.IfPurchase, exact: true, run: func(e *env) *bill99.Reply {
			return purchase(e, e.customerID, e.ref(), "1", e.payToken, func(r *bill99.PurchaseRequest) { r.MerchantID = "10411004511201" })
		}},
		bill99.ECDuplicateRef: {iface: bill99.IfPurchase, run: func(e *env) *bill99.Reply {
			ref := e.ref()
			first := purchase(e, e.customerID, ref, "0.03", e.payToken)
			Expect(code(first)).To(Equal(bill99.RCSuccess))
			return purchase(e, e.customerID, ref, "0.04", e.payToken)
		}},
		bill99.ECNoTxn: {iface: bill99.IfQueryTxn, exact: true, run: func(e *env) *bill99.Reply {
			return query(e, "NOSUCH"+e.ref())
		}},
	}
}

func raw(e *env, iface string, body []byte) *bill99.Reply {
	c := e.client()
	defer c.Close()
	status, reply, err := c.Post(ctx(), iface, body)
	Expect(err).NotTo(HaveOccurred())
	Expect(status).To(Equal(200), "bad input gets a documented errorCode with HTTP 200, never a 5xx (got %d)", status)
	rep, err := bill99.DecodeReply(iface, reply)
	Expect(err).NotTo(HaveOccurred(), "the reply to bad input must itself be a MasMessage")
	Expect(bill99.CheckReply(e.cat, nil, rep)).To(BeEmpty())
	return rep
}

func describeCodes(t conformance.Target, lazy *conformance.Lazy[*env], cat *catalog.Catalogue) {
	pv := provokers()
	var entries []TableEntry
	for _, c := range cat.Codes {
		p, ok := pv[c.Code]
		decorators := []any{conformance.Code(c.Code)}
		if ok {
			decorators = append(decorators, conformance.Interface(p.iface))
		}
		if p.simOnly != "" {
			decorators = append(decorators, conformance.SimOnly)
		}
		if c.Kind == "format (errorCode)" {
			decorators = append(decorators, conformance.Negative)
		}
		args := append(decorators, c.Code)
		entries = append(entries, Entry(c.Code+" "+c.TextEN, args...))
	}
	DescribeTable("every documented code is provoked (§4.14, §5.3)", func(want string) {
		k, _ := cat.Code(want)
		if k.Unprovokable != "" {
			Skip("unprovokable: " + k.Unprovokable)
		}
		p, ok := pv[want]
		if !ok {
			Fail("no provoker for documented code " + want + ": the suite is incomplete")
		}
		if p.simOnly != "" {
			conformance.SkipUnlessEmbedded(t, p.simOnly)
		}
		e := lazy.Get()
		if p.iface == bill99.IfPurchase && want != bill99.ECBadMerchant && want != bill99.RCBadMerchant && want != bill99.RCNotBound {
			if !t.Embedded() {
				needBinding(e)
			}
		}
		rep := p.run(e)
		got := code(rep)
		if t.Embedded() || p.exact {
			Expect(got).To(Equal(want), "seed 001 documents %s (%s) for this request", want, k.Text)
		} else {
			Expect(rep.Result.HasErrorCode).To(BeTrue(), "a format error must come back as errorCode (§5.3.3), got %s", rep.Result)
		}
		if rep.Result.HasErrorCode {
			Expect(rep.Result.HasRespCode).To(BeFalse(), "errorCode and responseCode never both (§5.3.3)")
		}
	}, entries)
}
