package bill99suite

import (
	"context"
	"crypto/tls"
	"fmt"
	"os"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best unqualified
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/codecs/rsasig"
	"paycert/codecs/testpki"
	"paycert/conformance"
	"paycert/platforms/bill99"
	"paycert/platforms/wire"
)

const platform = "bill99"

// Suite is the 99bill conformance suite.
func Suite() conformance.Suite {
	return conformance.Suite{Platform: platform, Register: register, TLS: tlsConfig}
}

// register declares every spec on the framework, which starts the
// environment on first use and checks the simulator's ledger (Audit) and
// panics after every spec.
func register(t conformance.Target) func() {
	f := conformance.NewFramework(t, bill99.Catalogue(), start)
	f.Describe("99bill agreement payment (seed 001)", func() {
		describeTLS(f)
		describeHappy(f)
		describeCodes(f)
		describeFlows(f)
		describeTR3Merchant(f)
		describeNegative(f)
		describeGenerated(f)
		describeStrict(f)
	})
	return f.Close
}

// ---- helpers: every one that reaches the target takes the spec's context ----

// send posts m to iface and checks the reply with CheckReply whatever its
// result; it returns the reply and the client's error class.
func send(ctx context.Context, e *env, iface string, m *bill99.Node) (*bill99.Reply, error) {
	c := e.client()
	defer c.Close()
	rep, err := c.Do(ctx, iface, m)
	Expect(wire.IsTransport(err)).To(BeFalse(), "transport failure on %s: %v", iface, err)
	Expect(wire.IsProtocol(err)).To(BeFalse(), "protocol violation on %s: %v", iface, err)
	Expect(rep).NotTo(BeNil())
	Expect(bill99.CheckReply(e.cat, m, rep)).To(BeEmpty(), "reply to %s breaks seed 001's tables", iface)
	return rep, err
}

func code(rep *bill99.Reply) string { return rep.Result.Code() }

func indAuth(ctx context.Context, e *env, cust, ref, pan, phone string, mods ...func(*bill99.IndAuthRequest)) *bill99.Reply {
	r := bill99.IndAuthRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: cust, ExternalRefNumber: ref, Pan: pan, PhoneNO: phone}
	for _, m := range mods {
		m(&r)
	}
	rep, _ := send(ctx, e, bill99.IfIndAuth, r.Message())
	return rep
}

func verify(ctx context.Context, e *env, cust, ref, pan, phone, code, token string) *bill99.Reply {
	r := bill99.VerifyRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: cust, ExternalRefNumber: ref, Pan: pan, PhoneNO: phone, ValidCode: code, Token: token}
	rep, _ := send(ctx, e, bill99.IfIndAuthVerify, r.Message())
	return rep
}

// bind signs a fresh customer up (ind_auth, then ind_auth_verify with the
// SMS code, env.smsCode) and returns the payToken.
func bind(ctx context.Context, e *env, cust, pan, phone string) string {
	ref := e.ref()
	// CVV2 and expiry satisfy a credit card's validateType; a debit card's
	// bank ignores them.
	ia := indAuth(ctx, e, cust, ref, pan, phone, func(r *bill99.IndAuthRequest) { r.CVV2, r.ExpiredDate = "123", "1230" })
	Expect(code(ia)).To(Equal(bill99.RCSuccess), "ind_auth for a fresh customer")
	v := verify(ctx, e, cust, ref, pan, phone, e.smsCode(ctx, ref), ia.Get("token"))
	Expect(code(v)).To(Equal(bill99.RCSuccess), "ind_auth_verify with the right code")
	return v.Get("payToken")
}

func purchase(ctx context.Context, e *env, cust, ref, amount, payToken string, mods ...func(*bill99.PurchaseRequest)) *bill99.Reply {
	r := bill99.PurchaseRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: cust, ExternalRefNumber: ref,
		EntryTime: e.entryTime(), Amount: amount, PayToken: payToken, TR3URL: e.tr3URL}
	for _, m := range mods {
		m(&r)
	}
	rep, _ := send(ctx, e, bill99.IfPurchase, r.Message())
	return rep
}

func query(ctx context.Context, e *env, ref string) *bill99.Reply {
	r := bill99.QueryRequest{MerchantID: e.mid, ExternalRefNumber: ref, TxnType: bill99.TxnPurchase}
	rep, _ := send(ctx, e, bill99.IfQueryTxn, r.Message())
	return rep
}

// boundCard is the pciInfo pci_query lists for cust's payToken tok, of
// either card type; the spec fails when no such card is listed.
func boundCard(ctx context.Context, e *env, cust, tok string) *bill99.Node {
	GinkgoHelper()
	for _, ct := range []string{bill99.CardDebit, bill99.CardCredit} {
		list, _ := send(ctx, e, bill99.IfPciQuery, bill99.PciQueryRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: cust, CardType: ct}.Message())
		if list.Content == nil || list.Content.Child("pciInfos") == nil {
			continue
		}
		for _, in := range list.Content.Child("pciInfos").All("pciInfo") {
			if in.Get("payToken") == tok {
				return in
			}
		}
	}
	Fail(fmt.Sprintf("pci_query lists no card with payToken %s for customer %s", tok, cust))
	return nil
}

func needBinding(e *env) {
	if e.customerID == "" || e.payToken == "" {
		Skip("needs params customer_id and pay_token (a card bound on the target)")
	}
}

// ---- TLS matrix (§4.8: mutual authentication) ----

func describeTLS(f *conformance.Framework[*env]) {
	Describe("mutual TLS (§4.8)", Label("tls"), func() {
		handshakeRefused := func(ctx context.Context, e *env, tc *tls.Config) {
			c := e.clientWith(tc)
			defer c.Close()
			body := bill99.Encode(bill99.CardInfoRequest{CardNo: "6217003320034459100"}.Message())
			status, _, err := c.Post(ctx, bill99.IfCardInfo, body)
			Expect(wire.IsTransport(err)).To(BeTrue(), "the server must refuse the TLS handshake (got HTTP %d, err %v)", status, err)
			Expect(status).To(Equal(0), "no HTTP reply may come back over a refused handshake")
		}
		f.It("refuses a client that presents no certificate", func(ctx SpecContext) {
			e := f.Env()
			tc := e.tls.Clone()
			tc.Certificates = nil
			handshakeRefused(ctx, e, tc)
		})
		// refused: the kit's leaf on the embedded simulator, else the .pfx
		// named by param, must not get through the handshake.
		refused := func(leaf func(*testpki.Kit) *testpki.Leaf, param string) func(SpecContext) {
			return func(ctx SpecContext) {
				e := f.Env()
				var b []byte
				pw := "x"
				if e.kit != nil {
					var err error
					b, err = leaf(e.kit).PFX(pw)
					Expect(err).NotTo(HaveOccurred())
				} else {
					b, pw = paramPFX(f.Target, param)
				}
				handshakeRefused(ctx, e, tlsFrom(e, b, pw))
			}
		}
		f.It("refuses a client certificate issued by another CA", refused(func(k *testpki.Kit) *testpki.Leaf { return k.Foreign }, "foreign_pfx"))
		f.It("refuses an expired client certificate", refused(func(k *testpki.Kit) *testpki.Leaf { return k.Expired }, "expired_pfx"))
		f.It("accepts the merchant's valid certificate", func(ctx SpecContext) {
			e := f.Env()
			r := bill99.CardInfoRequest{CardNo: "6217003320034459100"}
			rep, _ := send(ctx, e, bill99.IfCardInfo, r.Message())
			Expect(rep.Result.HasErrorCode || rep.Result.HasRespCode).To(BeTrue())
		})
	})
}

func paramPFX(t conformance.Target, name string) ([]byte, string) {
	p := t.Param(name, "")
	if p == "" {
		Skip("needs param " + name + " for a real endpoint")
	}
	b, err := os.ReadFile(p)
	Expect(err).NotTo(HaveOccurred())
	return b, t.Param("merchant_pfx_password", "")
}

// tlsFrom is the merchant's TLS configuration with the client certificate
// of the .pfx b instead.
func tlsFrom(e *env, b []byte, pw string) *tls.Config {
	p, err := rsasig.ParsePFX(b, pw)
	Expect(err).NotTo(HaveOccurred())
	tc := e.tls.Clone()
	cert := p.TLSCertificate()
	tc.Certificates = []tls.Certificate{cert}
	// Send the certificate even when the server's CA list does not name its
	// issuer (Go's default would then send none): the server itself must
	// refuse it.
	tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
	return tc
}

// ---- happy paths: every interface, every reply field ----

func describeHappy(f *conformance.Framework[*env]) {
	Describe("happy paths", func() {
		f.It("ind_auth sends a code and returns a token and storablePan = first 6 + last 4", conformance.Interface(bill99.IfIndAuth), conformance.Code(bill99.RCSuccess), func(ctx SpecContext) {
			e := f.Env()
			pan, phone := e.signUpCard()
			rep := indAuth(ctx, e, "u-"+e.ref(), e.ref(), pan, phone)
			Expect(code(rep)).To(Equal(bill99.RCSuccess))
			Expect(rep.Get("storablePan")).To(Equal(pan[:6]+pan[len(pan)-4:]), "storablePan is the first 6 and last 4 digits (§4.1)")
			Expect(rep.Get("token")).NotTo(BeEmpty())
			Expect(rep.Doc.Error()).To(BeNil(), "a business reply carries no ErrorMsgContent (§5.3.3)")
		})
		f.It("ind_auth_verify returns a 19-digit payToken that is not the token", conformance.Interface(bill99.IfIndAuthVerify), conformance.Code(bill99.RCSuccess), func(ctx SpecContext) {
			e := f.Env()
			pan, phone := e.signUpCard()
			ref, cust := e.ref(), "u-"+e.ref()
			ia := indAuth(ctx, e, cust, ref, pan, phone)
			v := verify(ctx, e, cust, ref, pan, phone, e.smsCode(ctx, ref), ia.Get("token"))
			Expect(code(v)).To(Equal(bill99.RCSuccess))
			// send checked payToken's presence and shape against the catalogue.
			Expect(v.Get("payToken")).NotTo(Equal(ia.Get("token")), "token and payToken are unrelated (§4.13)")
			Expect(v.Get("storablePan")).To(Equal(pan[:6]+pan[len(pan)-4:]), "storablePan is the first 6 and last 4 digits of the pan signed up (§4.2)")
		})
		f.It("purchase returns TR2 with refNumber, authorizationCode and the card's storableCardNo", conformance.Interface(bill99.IfPurchase), conformance.Code(bill99.RCSuccess), func(ctx SpecContext) {
			e := f.Env()
			needBinding(e)
			ref := e.ref()
			rep := purchase(ctx, e, e.customerID, ref, "0.01", e.payToken)
			Expect(code(rep)).To(Equal(bill99.RCSuccess))
			Expect(rep.Get("interactiveStatus")).To(Equal(bill99.StatusTR2))
			// send checked refNumber and authorizationCode against the
			// catalogue, and cardOrg against table 4.11.
			if f.Embedded() {
				Expect(rep.Get("storableCardNo")).To(Equal("6217009100"), "storableCardNo of 6217003320034459100 is first 6 + last 4")
				Expect(rep.Get("cardOrg")).To(Equal("CU"))
				Expect(rep.Get("issuer")).To(Equal("建设银行"))
			}
			By("the card charged is the one pci_query lists for that payToken")
			card := boundCard(ctx, e, e.customerID, e.payToken)
			Expect(rep.Get("storableCardNo")).To(Equal(card.Get("storablePan")), "storableCardNo is the bound card's storablePan (§4.3, §4.6)")
			Expect(rep.Get("cardOrg")).NotTo(BeEmpty(), "cardOrg of the card charged (4.11)")
			Expect(rep.Get("issuer")).To(Equal(bill99.BankIDs()[card.Get("bankId")]), "issuer is the name table 4.12 gives the card's bankId %q", card.Get("bankId"))
		})
		f.It("query_txn returns the order with txnStatus S and voidFlag 0", conformance.Interface(bill99.IfQueryTxn), conformance.Code(bill99.RCSuccess), func(ctx SpecContext) {
			e := f.Env()
			needBinding(e)
			ref := e.ref()
			p := purchase(ctx, e, e.customerID, ref, "0.02", e.payToken)
			Expect(code(p)).To(Equal(bill99.RCSuccess))
			q := query(ctx, e, ref)
			Expect(code(q)).To(Equal(bill99.RCSuccess))
			Expect(q.Get("txnStatus")).To(Equal(bill99.TxnSucceeded))
			Expect(q.Get("voidFlag")).To(Equal("0"))
			Expect(q.Get("refNumber")).To(Equal(p.Get("refNumber")))
			Expect(q.Get("amount")).To(Equal("0.02"))
			Expect(q.Doc.Root.Child(bill99.ElQryTxn)).NotTo(BeNil(), "the reply echoes QryTxnMsgContent (§5.3.3 sample)")
			byRef := bill99.QueryRequest{MerchantID: e.mid, RefNumber: p.Get("refNumber"), TxnType: bill99.TxnPurchase}
			q2, _ := send(ctx, e, bill99.IfQueryTxn, byRef.Message())
			Expect(q2.Get("externalRefNumber")).To(Equal(ref), "a query by refNumber finds the same order")
		})
		f.It("card_info (on the query_txn URL) identifies the card", conformance.Interface(bill99.IfCardInfo), conformance.Code(bill99.RCSuccess), conformance.Errata, func(ctx SpecContext) {
			e := f.Env()
			rep, _ := send(ctx, e, bill99.IfCardInfo, bill99.CardInfoRequest{TxnType: bill99.TxnPurchase, CardNo: "6217003320034459100"}.Message())
			Expect(code(rep)).To(Equal(bill99.RCSuccess))
			Expect(rep.Get("validFlag")).To(BeElementOf("1", "2"))
			if f.Embedded() {
				Expect(rep.Get("bankId")).To(Equal("CCB"))
				Expect(rep.Get("cardType")).To(Equal(bill99.CardDebit))
				Expect(rep.Get("cardOrg")).To(Equal("CU"))
				credit, _ := send(ctx, e, bill99.IfCardInfo, bill99.CardInfoRequest{CardNo: "6225757519832520"}.Message())
				Expect(credit.Get("cardType")).To(Equal(bill99.CardCredit))
				Expect(credit.Get("validateType")).To(Equal("111"))
				notCNP, _ := send(ctx, e, bill99.IfCardInfo, bill99.CardInfoRequest{CardNo: "6228480000000000044"}.Message())
				Expect(notCNP.Get("validFlag")).To(Equal("2"), "ABC debit is not CNP-enabled in the fixture")
			}
		})
		f.It("pci_query lists the bound cards with payToken and shortPhoneNo", conformance.Interface(bill99.IfPciQuery), conformance.Code(bill99.RCSuccess), func(ctx SpecContext) {
			e := f.Env()
			cust, ctype := "33151000", bill99.CardDebit
			if !f.Embedded() {
				needBinding(e)
				cust, ctype = e.customerID, f.Target.Param("card_type", bill99.CardDebit)
			}
			rep, _ := send(ctx, e, bill99.IfPciQuery, bill99.PciQueryRequest{MerchantID: e.mid, TerminalID: e.tid, CustomerID: cust, CardType: ctype, BindType: "0"}.Message())
			Expect(code(rep)).To(Equal(bill99.RCSuccess))
			infos := rep.Content.Child("pciInfos").All("pciInfo")
			Expect(infos).NotTo(BeEmpty())
			if !f.Embedded() {
				var tokens []string
				for _, in := range infos {
					tokens = append(tokens, in.Get("payToken"))
				}
				Expect(tokens).To(ContainElement(e.payToken), "pci_query for customer_id lists the card bound as pay_token (§4.6)")
			}
			if f.Embedded() {
				Expect(infos[0].Get("payToken")).To(Equal("8120000000000560000"))
				Expect(infos[0].Get("storablePan")).To(Equal("6214833617"))
				Expect(infos[0].Get("shortPhoneNo")).To(Equal("1877121"), "shortPhoneNo is first 3 + last 4 of the phone (sample 1877121)")
				Expect(infos[0].Get("bankId")).To(Equal("CMB"))
			}
		})
		f.It("pci_del unbinds a card", conformance.Interface(bill99.IfPciDel), conformance.Code(bill99.RCSuccess), func(ctx SpecContext) {
			// The suite deletes only a binding it made itself, for a
			// customer of its own: the operator's test data stays.
			e := f.Env()
			pan, phone := e.signUpCard()
			cust := "del-" + e.ref()
			tok := bind(ctx, e, cust, pan, phone)
			card := boundCard(ctx, e, cust, tok)
			rep, _ := send(ctx, e, bill99.IfPciDel, bill99.PciDeleteRequest{MerchantID: e.mid, CustomerID: cust, PayToken: tok, BankID: card.Get("bankId")}.Message())
			Expect(code(rep)).To(Equal(bill99.RCSuccess))
			Expect(rep.Get("storablePan")).To(Equal(pan[:6] + pan[len(pan)-4:]))
		})
	})
}
