package kakatongsuite

import (
	"io"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/conformance"
	"paycert/platforms/kakatong"
	"paycert/platforms/kakatong/kakatongclient"
	"paycert/platforms/kakatong/kakatongsim"
	"paycert/platforms/sim"
)

// strictSpecs check the simulator's strict-mock mode, which certifies a
// client: a conforming client leaves no violation, each kind of slip one.
func strictSpecs(f *framework) {
	Describe("strict mock", conformance.SimOnly, func() {
		f.It("records nothing for the paycert client and each slip of a careless one", func(ctx SpecContext) {
			f.SkipUnlessEmbedded("starts its own strict simulator")
			s, err := kakatongsim.New(sim.Options{Clock: sim.NewManualClock(epoch), Strict: true})
			Expect(err).NotTo(HaveOccurred())
			srv, err := sim.Start(s, sim.ListenOptions{})
			Expect(err).NotTo(HaveOccurred())
			defer srv.Close()
			c, err := kakatongclient.New(kakatongclient.Config{URL: srv.URL, LicenceKey: kakatongsim.LicenceKey, CopNo: kakatongsim.CopNo,
				PosCode: kakatongsim.PosCode, Observe: conformance.Transcript()})
			Expect(err).NotTo(HaveOccurred())
			card := kakatongsim.CardFirst
			_, err = c.Trade(ctx, kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: kakatongsim.Password, Amount: "100"})
			Expect(err).NotTo(HaveOccurred())
			_, err = c.TradeSOAP(ctx, kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: kakatongsim.Password})
			Expect(err).NotTo(HaveOccurred())
			// A Chinese holder name at the limit: 64 GB2312 bytes, 128 in UTF-8.
			atLimit := strings.Repeat("张", 32)
			info, err := c.Info(ctx, card, kakatongclient.Holder{ChName: atLimit})
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Records).NotTo(BeEmpty())
			Expect(info.Records[0].V("UsrChName")).To(Equal(atLimit), "32 Chinese characters fill the 64 GB2312 bytes of USR_CH_NAME")
			Expect(s.Violations()).To(BeEmpty(), "the paycert client must conform")

			slips := []struct {
				rule string
				send func()
			}{
				{"plain-password", func() {
					p := c.TradeParams(kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card})
					p["CARDPWD"] = kakatongsim.Password
					_, _ = c.Call(ctx, kakatong.MethodTrade, p)
				}},
				{"unknown-parameter", func() {
					p := c.TradeParams(kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: kakatongsim.Password})
					p["CARD_NO"] = card
					_, _ = c.Call(ctx, kakatong.MethodTrade, p)
				}},
				{"decimal-amount", func() {
					_, _ = c.Trade(ctx, kakatongclient.Trade{Type: kakatong.TypeConsume, Mode: kakatong.ModeConsume, CardNo: card, Password: kakatongsim.Password, Amount: "1.00"})
				}},
				{"missing-parameter", func() {
					p := c.TradeParams(kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: kakatongsim.Password})
					p["COPNO"] = kakatongclient.Omit
					_, _ = c.Call(ctx, kakatong.MethodTrade, p)
				}},
				{"charset-mismatch", func() {
					op, _ := kakatong.OperationFor(kakatong.MethodTrade)
					body, err := kakatong.BuildSOAPRequest(op, c.SOAPParams(op, c.TradeParams(kakatongclient.Trade{Type: "0011", Mode: "0", CardNo: card, Password: kakatongsim.Password, ItemCode: "张"})), kakatong.CharsetUTF8)
					Expect(err).NotTo(HaveOccurred())
					body = []byte(strings.Replace(string(body), `encoding="UTF-8"`, `encoding="GB2312"`, 1))
					req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+kakatong.SOAPPath, strings.NewReader(string(body)))
					req.Header.Set("Content-Type", kakatong.SOAPContentType("GB2312", ""))
					resp, err := http.DefaultClient.Do(req)
					Expect(err).NotTo(HaveOccurred())
					defer resp.Body.Close()
					reply, err := io.ReadAll(resp.Body)
					Expect(err).NotTo(HaveOccurred())
					r, err := kakatong.ParseSOAPReply(op, resp.Header.Get("Content-Type"), reply)
					Expect(err).NotTo(HaveOccurred(), "a UTF-8 body declared GB2312 is answered in the operation's shape (E-KAKATONG-CHARSET-CODE): %s", reply)
					Expect(r.Code()).To(Equal(kakatong.CodeIllegal), "a UTF-8 body declared GB2312 is refused as such (E-KAKATONG-CHARSET-CODE)")
				}},
				{"not-soap-1.2", func() {
					req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+kakatong.SOAPPath, strings.NewReader("<x/>"))
					req.Header.Set("Content-Type", "text/xml")
					resp, err := http.DefaultClient.Do(req)
					if err == nil {
						resp.Body.Close()
					}
				}},
			}
			for _, sl := range slips {
				before := len(s.Violations())
				sl.send()
				var rules []string
				for _, v := range s.Violations()[before:] {
					rules = append(rules, v.Rule)
				}
				Expect(rules).To(ContainElement(sl.rule), "strict mode must record %s", sl.rule)
			}
			Expect(s.Audit()).To(Succeed())
		})
	})
}
