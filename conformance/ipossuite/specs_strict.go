package ipossuite

// specs_strict.go: the simulator's strict-mock mode, which certifies a client under
// test: a conforming request records nothing, a faulty one its violations.

import (
	"context"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/codecs/gbkxml"
	"paycert/conformance"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/iposclient"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
)

func strictMock(f *conformance.Framework[*env]) {
	Describe("strict-mock mode", conformance.SimOnly, func() {
		f.It("records the violations of a client under test, and none for a conforming one", func(ctx context.Context) {
			f.SkipUnlessEmbedded("strict mode is a simulator feature")
			e := f.Env()
			s, err := ipossim.New(sim.Options{Clock: sim.NewManualClock(simStart()), Strict: true})
			Expect(err).NotTo(HaveOccurred())
			srv, err := sim.Start(s, sim.ListenOptions{})
			Expect(err).NotTo(HaveOccurred())
			defer srv.Close()
			c, err := iposclient.New(iposclient.Config{URL: srv.URL, Key: ipossim.FixtureKey, Observe: conformance.Transcript()})
			Expect(err).NotTo(HaveOccurred())
			ok(c.Do(ctx, queryReq(e, ipossim.VoucherAmount)))
			Expect(s.Violations()).To(BeEmpty(), "a conforming request records nothing")
			x := xmlOf(queryReq(e, ipossim.VoucherAmount).With("user_id", strings.Repeat("u", 13)))
			_, err = c.PostBody(ctx, ipos.CardQuery, gbkxml.FormBody(nil, x, badMAC(x)), "application/x-www-form-urlencoded")
			Expect(err).NotTo(HaveOccurred())
			rules := []string{}
			for _, v := range s.Violations() {
				rules = append(rules, v.Rule)
			}
			Expect(rules).To(ContainElements("charset", "access-6100"))
		})
	})
}
