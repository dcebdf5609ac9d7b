package ipossuite

// specs_strict.go: the simulator's strict-mock mode, which certifies a client under
// test: a conforming request records nothing, a faulty one its violations.

import (
	"context"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/codecs/gbkxml"
	"paycert/conformance"
	"paycert/platforms/catalog"
	"paycert/platforms/ipos"
	"paycert/platforms/ipos/iposclient"
	"paycert/platforms/ipos/ipossim"
	"paycert/platforms/sim"
)

// businessOutcomes are the answers a conforming request can get: success
// and the outcomes of the state (balance, voucher used, expired or
// cancelled, no original, issuer offline, terminal unknown or bound
// elsewhere). Strict mode never records a request answered with one.
var businessOutcomes = map[string]bool{
	ipos.CodeOK: true, ipos.CodeUpstreamTimeout: true, ipos.CodeExpired: true, ipos.CodeBalanceShort: true,
	ipos.CodeCancelled: true, ipos.CodeAlreadyVerified: true, ipos.CodeNoOriginal: true, ipos.CodeNoTerminal: true,
	ipos.CodeBindIPWrong: true, ipos.CodeBindIPFailed: true,
}

func strictMock(f *conformance.Framework[*env]) {
	// The embedded simulator is strict (env.go). After every spec, each
	// violation it recorded must belong to a request it refused for a rule
	// of the spec, never to one it answered with a business outcome; one
	// it tolerated (served, recorded without a code) must be an element
	// that is really not in the interface's request table (the tolerance
	// spec sends one on purpose): anything else is a valid request of the
	// suite the strict mock flagged.
	cat := ipos.Catalogue()
	seen := 0
	AfterEach(func() {
		if !f.Embedded() {
			return
		}
		vs := f.Env().sim.Violations()
		fresh := vs[min(seen, len(vs)):]
		seen = len(vs)
		for _, v := range fresh {
			switch {
			case v.Rule == "simulator-panic", v.Rule == "too-large":
				// the framework fails on a panic; too-large is refused 413, with no code
			case v.Code != "":
				Expect(businessOutcomes).NotTo(HaveKey(v.Code), "strict mode recorded a request answered with a business outcome: %+v", v)
			default:
				Expect(v.Rule).To(Equal("unknown-element"), "strict mode recorded a request it served: %+v", v)
				it, ok := cat.Interface(v.Interface)
				Expect(ok).To(BeTrue(), "violation of an unknown interface: %+v", v)
				for _, fl := range it.FieldsFor(catalog.Request) {
					Expect(fl.Path).NotTo(Equal(v.Path), "strict mode recorded an element of the %s request table as unknown: %+v", v.Interface, v)
				}
			}
		}
	})

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
			byRule := map[string]sim.Violation{}
			for _, v := range s.Violations() {
				byRule[v.Rule] = v
			}
			Expect(byRule).To(HaveKey("charset"), "a Content-Type without charset=GBK is recorded")
			Expect(byRule).To(HaveKey("mac"), "the bad MAC is recorded")
			mac := byRule["mac"]
			Expect([]string{mac.Interface, mac.Path, mac.Section, mac.Code}).To(Equal([]string{ipos.CardQuery, "mac", "002 §2", ipos.CodeBadMAC}),
				"a violation names the interface, the element, the seed section and the code answered: %+v", mac)
		})

		f.It("records nothing for a conforming client's requests to all 12 interfaces, Chinese text counted in GBK bytes", func(ctx context.Context) {
			f.SkipUnlessEmbedded("strict mode is a simulator feature")
			s, err := ipossim.New(sim.Options{Clock: sim.NewManualClock(simStart()), Strict: true})
			Expect(err).NotTo(HaveOccurred())
			srv, err := sim.Start(s, sim.ListenOptions{})
			Expect(err).NotTo(HaveOccurred())
			defer srv.Close()
			c, err := iposclient.New(iposclient.Config{URL: srv.URL, Key: ipossim.FixtureKey, Observe: conformance.Transcript()})
			Expect(err).NotTo(HaveOccurred())
			n := 0
			seq := func() string { n++; return fmt.Sprintf("2026030210%011d", n) }
			// pos_id, store_id and user_id of 5 Chinese characters: 10 GBK
			// bytes, within 10/10/12 (15 UTF-8 bytes would not be).
			const posID, storeID, userID = "收银终端一", "翼码门店一", "收银员一号"
			h := func() ipos.Header {
				return ipos.Header{ISSPID: ipossim.FixtureISSPID, PosID: posID, StoreID: storeID, PosSeq: seq(), UserID: userID, SystemID: ipossim.FixtureSystemID}
			}
			wecard := func(iface string) ipos.WecardRequest {
				return ipos.WecardRequest{Interface: iface, ISSPID: ipossim.FixtureISSPID, SystemID: ipossim.FixtureSystemID,
					PosID: posID, StoreID: storeID, PosSeq: seq(), TransactionID: seq()}
			}
			bind := h()
			verify := verifyReq(h(), ipossim.VoucherAmount, "100")
			times := verifyReq(h(), ipossim.VoucherTimes, "")
			consume := wecard(ipos.WecardPosCancelCard)
			consume.Code, consume.ConsumeSource, consume.Amount = ipossim.GiftCash, "收银台核销", "100"
			requests := []ipos.Request{
				ipos.BindPosRequest{Header: bind, Store: ipos.StoreInfo{StoreID: storeID, StoreName: "翼码测试门店（湖州）", StoreAddr: "湖州市吴兴区"}}.Request(),
				ipos.CardQueryRequest{Header: h(), ValidInfo: ipossim.VoucherAmount, EncodeType: ipos.EncodeAux}.Request(),
				verify,
				undoReq(ipos.CardCancel, h(), ipossim.VoucherAmount, seqOf(verify)),
				times,
				undoReq(ipos.CardReversal, h(), ipossim.VoucherTimes, seqOf(times)),
				dailyReq(h(), beijingDay(simStart())),
				func() ipos.Request {
					q := wecard(ipos.WecardGetCodeInfo)
					q.Code = ipossim.GiftCash
					return q.Request()
				}(),
				consume.Request(),
				func() ipos.Request {
					q := wecard(ipos.WecardGetTraceList)
					q.Code = ipossim.GiftCash
					return q.Request()
				}(),
				func() ipos.Request {
					q := wecard(ipos.WecardGetPosSeqInfo)
					q.PosID, q.StoreID, q.PosSeq, q.Code = "", "", consume.PosSeq, ""
					return q.Request()
				}(),
				func() ipos.Request {
					q := wecard(ipos.WecardPosReturnd)
					q.OrgPosSeq, q.Code, q.ConsumeSource, q.Amount = consume.PosSeq, ipossim.GiftCash, "收银台退款", "50"
					return q.Request()
				}(),
				func() ipos.Request {
					q := wecard(ipos.WecardPosRevoke)
					q.Code, q.ConsumeSource = ipossim.CertGiftRevokePrefix+"01", "收银台注销"
					return q.Request()
				}(),
			}
			ifaces := map[string]bool{}
			for _, req := range requests {
				_, err := c.Do(ctx, req)
				Expect(err).NotTo(HaveOccurred(), "%s must succeed", req.Interface)
				Expect(s.Violations()).To(BeEmpty(), "the conforming %s request recorded a violation", req.Interface)
				ifaces[req.Interface] = true
			}
			Expect(ifaces).To(HaveLen(len(ipos.Interfaces())), "every interface is sent")
		})
	})
}
