package hzcardsuite

// strict.go: the embedded centre runs in strict-mock mode (env.go); what it
// records must be requests it refused for a rule of the spec, never a
// request a conforming client sends.

import (
	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best unqualified
	. "github.com/onsi/gomega"    //nolint:revive

	"paycert/conformance"
	"paycert/platforms/hzcard"
)

// refusalCodes are the answers to a request that breaks a rule of the
// spec (format, signature, data, APDU rules, a replay, a forged
// cryptogram): the only codes a strict-mode record may carry. Success and
// the business outcomes (order state, limits, card states) never record.
var refusalCodes = map[string]bool{
	hzcard.CodeUnknown: true, hzcard.CodeNoTxnInfo: true, hzcard.CodeNoInstitution: true, hzcard.CodeBadSign: true,
	hzcard.CodeAPDUCount: true, hzcard.CodeAPDUResult: true, hzcard.CodeDuplicateTxn: true,
	hzcard.CodeMAC1: true, hzcard.CodeCardAuth: true, hzcard.CodeTAC: true,
}

// strictRecordsOnlyRefusals checks, after every spec against the embedded
// centre, each violation it recorded: it names the code answered, which is
// a refusal for a rule of the spec. A valid request of the suites that is
// served, or answered with a business outcome, records nothing.
func strictRecordsOnlyRefusals(f *conformance.Framework[*env]) {
	seen := 0
	AfterEach(func() {
		if !f.Embedded() {
			return
		}
		vs := f.Env().sim.Violations()
		fresh := vs[min(seen, len(vs)):]
		seen = len(vs)
		for _, v := range fresh {
			if v.Rule == "simulator-panic" {
				continue // the framework fails the spec on its own
			}
			Expect(v.Code).NotTo(BeEmpty(), "strict mode recorded a request without the code it answered: %+v", v)
			Expect(refusalCodes).To(HaveKey(v.Code), "strict mode recorded a request answered %s, not a refusal for a rule of the spec: %+v", v.Code, v)
		}
	})
}
