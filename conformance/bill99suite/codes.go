package bill99suite

import (
	"context"

	. "github.com/onsi/ginkgo/v2" //nolint:revive
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/conformance"
	"paycert/platforms/bill99"
)

// fixture is why a provoker needs the embedded simulator's fixture cards.
const fixture = "uses the simulator's fixture cards"

// provoke is the provoker of code want on iface: run makes the request,
// and the reply must carry want itself on the embedded simulator, or when
// exact (the seed leaves no other reading); against a real endpoint a
// format error may come back as any errorCode (E-BILL99-ERRORCODES).
// simOnly says why run needs the simulator ("" = any endpoint); needBind
// says run purchases with the target's bound card (params customer_id,
// pay_token).
func provoke(want, iface, simOnly string, exact, needBind bool, run func(ctx context.Context, e *env) *bill99.Reply) conformance.Provoker[*env] {
	return conformance.Provoker[*env]{Interface: iface, SimOnly: simOnly, Check: func(ctx context.Context, e *env) {
		if needBind && !e.target.Embedded() {
			needBinding(e)
		}
		rep := run(ctx, e)
		if e.target.Embedded() || exact {
			k, _ := e.cat.Code(want)
			Expect(code(rep)).To(Equal(want), "seed 001 documents %s (%s) for this request", want, k.Text)
		} else {
			Expect(rep.Result.HasErrorCode).To(BeTrue(), "a format error must come back as errorCode (§5.3.3), got %s", rep.Result)
		}
		if rep.Result.HasErrorCode {
			Expect(rep.Result.HasRespCode).To(BeFalse(), "errorCode and responseCode never both (§5.3.3)")
		}
	}}
}

// provokers makes the target answer every documented code (§4.14, §5.3).
func provokers() map[string]conformance.Provoker[*env] {
	const (
		exact, anyFormat = true, false // against a real endpoint: the exact code, or any errorCode
		bound, unbound   = true, false // purchases with the target's bound card, or needs none
	)
	return map[string]conformance.Provoker[*env]{
		bill99.RCSuccess: provoke(bill99.RCSuccess, bill99.IfCardInfo, "", exact, unbound, func(ctx context.Context, e *env) *bill99.Reply {
			r, _ := send(ctx, e, bill99.IfCardInfo, bill99.CardInfoRequest{CardNo: "6217003320034459100"}.Message())
			return r
		}),
		bill99.RCTimeoutC0: provoke(bill99.RCTimeoutC0, bill99.IfPurchase, "", exact, unbound, codeCard(bill99.RCTimeoutC0)),
		bill99.RCTimeout68: provoke(bill99.RCTimeout68, bill99.IfPurchase, "", exact, unbound, codeCard(bill99.RCTimeout68)),
		bill99.RCNotBound: provoke(bill99.RCNotBound, bill99.IfPurchase, "", exact, unbound, func(ctx context.Context, e *env) *bill99.Reply {
			return purchase(ctx, e, "nobody-"+e.ref(), e.ref(), "1.00", "8129999999999999999")
		}),
		bill99.RCBadCode: provoke(bill99.RCBadCode, bill99.IfIndAuthVerify, "", exact, unbound, func(ctx context.Context, e *env) *bill99.Reply {
			pan, phone := e.signUpCard()
			ref, cust := e.ref(), "t6-"+e.ref()
			ia := indAuth(ctx, e, cust, ref, pan, phone)
			wrong := "000000"
			if e.smsCode(ctx, ref) == wrong {
				wrong = "111111"
			}
			return verify(ctx, e, cust, ref, pan, phone, wrong, ia.Get("token"))
		}),
		bill99.RCBadMerchant: provoke(bill99.RCBadMerchant, bill99.IfPurchase, "needs a merchant known but not opened", anyFormat, unbound, func(ctx context.Context, e *env) *bill99.Reply {
			r := bill99.PurchaseRequest{MerchantID: "104110045112099", TerminalID: "00002099", CustomerID: "x", ExternalRefNumber: e.ref(),
				EntryTime: e.entryTime(), Amount: "1", PayToken: "8120000002867710851"}
			rep, _ := send(ctx, e, bill99.IfPurchase, r.Message())
			return rep
		}),
		bill99.RCTxnType: provoke(bill99.RCTxnType, bill99.IfPurchase, "needs a terminal without INP", anyFormat, bound, func(ctx context.Context, e *env) *bill99.Reply {
			return purchase(ctx, e, e.customerID, e.ref(), "1", e.payToken, func(r *bill99.PurchaseRequest) { r.TxnType = bill99.TxnInstalment })
		}),
		bill99.RCNoRoute: provoke(bill99.RCNoRoute, bill99.IfIndAuth, fixture, anyFormat, unbound, func(ctx context.Context, e *env) *bill99.Reply {
			return indAuth(ctx, e, "l8-"+e.ref(), e.ref(), "6228480000000000044", "13700000044")
		}),
		bill99.RCPermission: provoke(bill99.RCPermission, bill99.IfIndAuth, fixture, anyFormat, unbound, func(ctx context.Context, e *env) *bill99.Reply {
			// ICBC debit (validateType 011) without name and id number.
			return indAuth(ctx, e, "tc-"+e.ref(), e.ref(), "6222020000000000011", "13700000000")
		}),
		bill99.RCLimit: provoke(bill99.RCLimit, bill99.IfPurchase, "", exact, unbound, codeCard(bill99.RCLimit)),
		bill99.RCPhone: provoke(bill99.RCPhone, bill99.IfIndAuth, "", exact, unbound, func(ctx context.Context, e *env) *bill99.Reply {
			pan, phone := e.signUpCard()
			other := "13999999999" // any phone but the bank-reserved one
			if phone == other {
				other = "13999999998"
			}
			return indAuth(ctx, e, "hw-"+e.ref(), e.ref(), pan, other)
		}),
		bill99.RCResign: provoke(bill99.RCResign, bill99.IfPurchase, "", exact, unbound, codeCard(bill99.RCResign)),
		bill99.ECBadMerchant: provoke(bill99.ECBadMerchant, bill99.IfPurchase, "", exact, unbound, func(ctx context.Context, e *env) *bill99.Reply {
			r := bill99.PurchaseRequest{MerchantID: "999999999999999", TerminalID: e.tid, CustomerID: "x", ExternalRefNumber: e.ref(),
				EntryTime: e.entryTime(), Amount: "1", PayToken: "8120000002867710851"}
			rep, _ := send(ctx, e, bill99.IfPurchase, r.Message())
			return rep
		}),
		bill99.ECUnparsable: provoke(bill99.ECUnparsable, bill99.IfPurchase, "", anyFormat, bound, func(ctx context.Context, e *env) *bill99.Reply {
			return raw(ctx, e, bill99.IfPurchase, []byte(`<?xml version="1.0" encoding="UTF-8"?><MasMessage xmlns="`+bill99.Namespace+`"><version>1.0</version><TxnMsgContent>`))
		}),
		bill99.ECField: provoke(bill99.ECField, bill99.IfPurchase, "", exact, bound, func(ctx context.Context, e *env) *bill99.Reply {
			return purchase(ctx, e, e.customerID, e.ref(), "1", e.payToken, func(r *bill99.PurchaseRequest) { r.MerchantID = "10411004511201" })
		}),
		bill99.ECDuplicateRef: provoke(bill99.ECDuplicateRef, bill99.IfPurchase, "", anyFormat, bound, func(ctx context.Context, e *env) *bill99.Reply {
			ref, at := e.ref(), e.entryTime()
			same := func(r *bill99.PurchaseRequest) { r.EntryTime = at } // only the amount differs
			first := purchase(ctx, e, e.customerID, ref, "0.03", e.payToken, same)
			Expect(code(first)).To(Equal(bill99.RCSuccess))
			return purchase(ctx, e, e.customerID, ref, "0.04", e.payToken, same)
		}),
		bill99.ECNoTxn: provoke(bill99.ECNoTxn, bill99.IfQueryTxn, "", exact, unbound, func(ctx context.Context, e *env) *bill99.Reply {
			return query(ctx, e, "NOSUCH"+e.ref())
		}),
	}
}

// codeCard purchases with the bound card whose bank answers code: the
// simulator's fixture (bill99sim.CodeBindings), or param code_bindings on
// a real endpoint (a sandbox's test cards); the spec skips when neither
// names one.
func codeCard(code string) func(ctx context.Context, e *env) *bill99.Reply {
	return func(ctx context.Context, e *env) *bill99.Reply {
		b, ok := e.codeBindings[code]
		if !ok {
			Skip("needs a bound card whose bank answers " + code + ": param code_bindings (" + code + "=customerId/payToken[/amount])")
		}
		return purchase(ctx, e, b.CustomerID, e.ref(), b.Amount, b.PayToken)
	}
}

// raw posts body as it is: bad input must get a documented errorCode in a
// MasMessage with HTTP 200.
func raw(ctx context.Context, e *env, iface string, body []byte) *bill99.Reply {
	c := e.client()
	defer c.Close()
	status, reply, err := c.Post(ctx, iface, body)
	Expect(err).NotTo(HaveOccurred())
	Expect(status).To(Equal(200), "bad input gets a documented errorCode with HTTP 200, never a 5xx (got %d)", status)
	rep, err := bill99.DecodeReply(iface, reply)
	Expect(err).NotTo(HaveOccurred(), "the reply to bad input must itself be a MasMessage")
	Expect(bill99.CheckReply(e.cat, nil, rep)).To(BeEmpty())
	return rep
}

func describeCodes(f *conformance.Framework[*env]) {
	pv := provokers()
	// The errorCodes answer bad input (§5.3.3): their entries are negative specs.
	for _, k := range f.Catalogue.Codes {
		if p, ok := pv[k.Code]; ok && k.Kind == "format (errorCode)" {
			p.Labels = conformance.Negative
			pv[k.Code] = p
		}
	}
	f.CodeTable("every documented code is provoked (§4.14, §5.3)", pv)
}
