package bill99suite

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2" //nolint:revive
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/codecs/gbk"
	"paycert/codecs/rsasig"
	"paycert/conformance"
	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99client"
)

// tr3Notice is a TR3 notice for the merchant under test, after the seed's
// sample (§5.3.2) with a fresh externalRefNumber and refNumber.
func tr3Notice(e *env) bill99.TxnResult {
	return bill99.TxnResult{TxnType: bill99.TxnPurchase, Amount: "10", MerchantID: e.mid, TerminalID: e.tid, EntryTime: "20160126145908",
		ExternalRefNumber: "CERT" + e.ref(), CustomerID: "33150003", TransTime: "20160126145942", RefNumber: "0000" + e.ref()[len(e.ref())-8:],
		ResponseCode: bill99.RCSuccess, ResponseText: "交易成功", CardOrg: "CU", Issuer: "建设银行", StorableCardNo: "6217009100", AuthorizationCode: "584559"}
}

// describeTR3Merchant certifies the merchant side of TR3/TR4: the endpoint
// under test (param merchant_tr3_url, else the suite's own reference
// merchant) must answer a correctly signed TR3 with a TR4 for its refNumber,
// and must not acknowledge a forged one.
func describeTR3Merchant(f *conformance.Framework[*env]) {
	Describe("merchant TR3 endpoint (§5.3.2, E-BILL99-TR3-SIGNATURE)", conformance.Interface(bill99.IfTR3), func() {
		notice := tr3Notice
		need := func(e *env) {
			if e.signKey == nil || e.merchantURL == "" {
				Skip("needs param mgw_key (the platform key the merchant trusts) and merchant_tr3_url")
			}
		}
		isTR4 := func(n bill99.TxnResult, status int, body []byte) error {
			if status != http.StatusOK {
				return errStatus(status)
			}
			return bill99.CheckTR4(n, body)
		}
		f.It("answers a correctly signed TR3 with a TR4 carrying its refNumber", func(ctx SpecContext) {
			e := f.Env()
			need(e)
			n := notice(e)
			body, sig, err := bill99.BuildTR3(e.signKey, n)
			Expect(err).NotTo(HaveOccurred())
			status, reply, err := bill99client.SendTR3(ctx, tr3HTTP(), e.merchantURL, body, sig, conformance.Transcript())
			Expect(err).NotTo(HaveOccurred())
			Expect(isTR4(n, status, reply)).To(Succeed(), "a verified TR3 must be acknowledged with TR4 (§5.3.2)")
		})
		forged := map[string]func(e *env, body []byte, sig string) ([]byte, string){
			"a signature by another key": func(e *env, body []byte, _ string) ([]byte, string) {
				k := otherKey()
				s, _ := rsasig.Sign(nil, k, body)
				return body, rsasig.EncodeSignature(s)
			},
			"a body changed after signing (amount)": func(e *env, body []byte, sig string) ([]byte, string) {
				return bytesReplace(body, "<amount>10</amount>", "<amount>99</amount>"), sig
			},
			"a signature over the UTF-8 form instead of the GBK bytes": func(e *env, body []byte, _ string) ([]byte, string) {
				utf, _ := gbk.Decode(nil, body)
				s, _ := rsasig.Sign(nil, e.signKey, utf)
				return body, rsasig.EncodeSignature(s)
			},
			"no signature at all": func(e *env, body []byte, _ string) ([]byte, string) { return body, "" },
		}
		for name, mutate := range forged {
			f.It("does not acknowledge a TR3 with "+name, conformance.Negative, func(ctx SpecContext) {
				e := f.Env()
				need(e)
				n := notice(e)
				body, sig, err := bill99.BuildTR3(e.signKey, n)
				Expect(err).NotTo(HaveOccurred())
				body, sig = mutate(e, body, sig)
				status, reply, err := bill99client.SendTR3(ctx, tr3HTTP(), e.merchantURL, body, sig, conformance.Transcript())
				Expect(err).NotTo(HaveOccurred())
				Expect(isTR4(n, status, reply)).NotTo(Succeed(), "a merchant must verify mgw.cer's signature over the exact bytes before acknowledging")
			})
		}
	})
}
