package bill99suite

import (
	. "github.com/onsi/ginkgo/v2" //nolint:revive
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/conformance"
	"paycert/conformance/negatives"
	"paycert/platforms/bill99"
	"paycert/platforms/bill99/bill99client"
)

// describeGeneratedTR3 sends the TR3 notice's generated cases to the
// merchant TR3 endpoint under test (param merchant_tr3_url, else the
// suite's reference merchant), each correctly signed over its bad bytes so
// the merchant must judge the field itself: it must not acknowledge the
// notice with a TR4 and must not answer 5xx (E-BILL99-TR3-MALFORMED). A
// merchant answers no result code, so the spec names' "any documented error
// code" is, here, "no TR4". Against the suite's own merchant, the notice
// must also be refused before it is believed, and recorded once naming the
// field.
func describeGeneratedTR3(f *conformance.Framework[*env], cases []negatives.Case) {
	f.Generated("merchant TR3 endpoint: generated negatives, no TR4 for a malformed notice (§5.3.2)", cases, func(c negatives.Case) {
		ctx := f.Ctx()
		e := f.Env()
		if e.signKey == nil || e.merchantURL == "" {
			Skip("needs param mgw_key (the platform key the merchant trusts) and merchant_tr3_url")
		}
		n := tr3Notice(e)
		m := bill99.TR3Message(n)
		breakNode(m, c)
		body, sig, err := bill99.SignTR3(e.signKey, m)
		Expect(err).NotTo(HaveOccurred())
		own := e.merchant != nil && e.merchantURL == e.ownMerchantURL
		var seen, believed int
		if own {
			seen, believed = len(e.merchant.Violations()), len(e.merchant.Notices())
		}
		status, reply, err := bill99client.SendTR3(ctx, tr3HTTP(), e.merchantURL, body, sig, conformance.Transcript())
		Expect(err).NotTo(HaveOccurred(), "a malformed notice must be answered, not dropped or left hanging")
		Expect(status).To(BeNumerically("<", 500), "a malformed notice must never get a 5xx")
		if status == 200 {
			Expect(bill99.CheckTR4(n, reply)).NotTo(Succeed(), "a notice whose %s breaks §5.3.2's table must not be acknowledged with a TR4", c.Field.Path)
		}
		if own {
			Expect(e.merchant.Notices()).To(HaveLen(believed), "the reference merchant believes nothing of a malformed notice")
			fresh := e.merchant.Violations()[seen:]
			conformance.ExpectRecorded(c, fresh, "")
			Expect(fresh).To(HaveLen(1), "a refused notice is recorded once, for the field that refused it")
			Expect(fresh[0].Rule).To(Equal(violationRule(c.Breach)))
		}
	})
}
