package bill99suite

import (
	"crypto/tls"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best unqualified
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/conformance"
	"paycert/platforms/bill99"
	"paycert/platforms/sim"
)

// describeStrict checks the simulator's strict-mock mode, which certifies
// a merchant's client: the suite's own valid requests to every interface
// leave no violation, and each kind of slip leaves one naming its rule and
// seed section (a refused handshake included).
func describeStrict(f *conformance.Framework[*env]) {
	Describe("strict mock", conformance.SimOnly, func() {
		f.It("records nothing for the suite's valid requests and each slip of a careless client once, with its 001 section", func(ctx SpecContext) {
			f.SkipUnlessEmbedded("starts its own strict simulator")
			e, stop, err := start(conformance.Target{Platform: platform, Strict: true})
			Expect(err).NotTo(HaveOccurred())
			defer func() { Expect(stop()).To(Succeed()) }()

			// Every interface, as the suite sends it.
			cust := "strict-" + e.ref()
			pan, phone := e.signUpCard()
			tok := bind(ctx, e, cust, pan, phone)
			ref := e.ref()
			Expect(code(purchase(ctx, e, cust, ref, "1.00", tok))).To(Equal(bill99.RCSuccess))
			Expect(code(query(ctx, e, ref))).To(Equal(bill99.RCSuccess))
			card, _ := send(ctx, e, bill99.IfCardInfo, bill99.CardInfoRequest{TxnType: bill99.TxnPurchase, CardNo: pan}.Message())
			Expect(code(card)).To(Equal(bill99.RCSuccess))
			bc := boundCard(ctx, e, cust, tok)
			del, _ := send(ctx, e, bill99.IfPciDel, bill99.PciDeleteRequest{MerchantID: e.mid, CustomerID: cust, PayToken: tok, BankID: bc.Get("bankId")}.Message())
			Expect(code(del)).To(Equal(bill99.RCSuccess))
			Expect(e.sim.Violations()).To(BeEmpty(), "the suite's valid requests must record nothing")

			raw := func(path, body string) {
				hc := &http.Client{Transport: &http.Transport{TLSClientConfig: e.tls}}
				defer hc.CloseIdleConnections()
				resp, err := hc.Post(e.url+path, "text/xml; charset=UTF-8", strings.NewReader(body))
				if err == nil {
					resp.Body.Close()
				}
			}
			msg := func(card string) string {
				return `<MasMessage xmlns="` + bill99.Namespace + `"><version>1.0</version><CardInfoContent><txnType>PUR</txnType><cardNo>` + card + `</cardNo></CardInfoContent></MasMessage>`
			}
			slips := []struct {
				rule, section string
				send          func()
			}{
				{"charset", "(001 §4.4, §4.7)", func() { raw(bill99.PathQueryTxn, `<?xml version="1.0" encoding="GBK"?>`+msg(pan)) }},
				{"field-too-long", "(001 §4.7)", func() { raw(bill99.PathQueryTxn, `<?xml version="1.0" encoding="UTF-8"?>`+msg(pan+"0")) }},
				{"tls-no-client-cert", "(001 §4.8)", func() {
					noCert := &tls.Config{RootCAs: e.kit.CA.Pool()}
					raw2 := &http.Client{Transport: &http.Transport{TLSClientConfig: noCert}}
					defer raw2.CloseIdleConnections()
					if resp, err := raw2.Get(e.url + bill99.PathPurchase); err == nil {
						resp.Body.Close()
						Fail("a client without a certificate got an HTTP reply")
					}
				}},
			}
			for _, sl := range slips {
				before := len(e.sim.Violations())
				sl.send()
				// A refused handshake is recorded as the server closes the
				// connection, just after the client saw the refusal.
				Eventually(func() []sim.Violation { return e.sim.Violations()[before:] }).Should(HaveLen(1), "strict mode must record %s once", sl.rule)
				v := e.sim.Violations()[before]
				Expect(v.Rule).To(Equal(sl.rule))
				Expect(v.Detail).To(HaveSuffix(sl.section), "the entry cites its seed section")
			}
			Expect(e.sim.Audit()).To(Succeed())
		})
	})
}
