package hwtests

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
	"paycert/platforms/cpucard/terminal"
	"paycert/platforms/hzcard"
	"paycert/platforms/hzcard/hzcardclient"
	"paycert/platforms/hzcard/hzcardsim"
	"paycert/platforms/pcsc/reader"
	"paycert/platforms/sim"
	"paycert/platforms/wire"
)

// rechargeCardNo is the card the virtual lab adds to the embedded centre
// for the recharge specs; it is swapped into slot 0 for them and out after.
const rechargeCardNo = "2253000000000101"

func cardOnly(card uint32, _ int64) uint32 { return card }

// startCentre starts the embedded Huzhou centre (with faults) on loopback
// for the current spec or container, and returns it and its URL.
func startCentre(faults ...string) (*hzcardsim.Simulator, string) {
	GinkgoHelper()
	centre, err := hzcardsim.New(sim.Options{Faults: faults})
	Expect(err).NotTo(HaveOccurred())
	// The centre writes the CREDIT FOR LOAD date: in the variant's zone,
	// as the terminal writes its purchases, so the card's log reads in
	// order.
	centre.SetZone(suite.zone)
	srv, err := sim.Start(centre, sim.ListenOptions{})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(srv.Close)
	return centre, srv.URL
}

// traceAPDU writes the card exchanges the Huzhou client makes to the spec's
// output (shown on failure).
func traceAPDU(x hzcardclient.APDUExchange) {
	fmt.Fprintf(GinkgoWriter, "card> %X\ncard< %X %v\n", x.Command, x.Response, x.Err)
}

// centreCard makes the card in slot 0 one the centre knows, for the current
// spec or container: in the virtual lab a software card the embedded centre
// issued is swapped in (the old one goes back at the end); a real test card
// is registered at the embedded centre with the balance it holds (centre nil:
// a real centre, which must know the card). It returns the card's file 0x15.
func centreCard(ctx SpecContext, centre *hzcardsim.Simulator) cpucard.PublicInfo {
	GinkgoHelper()
	slot := suite.lab.Slots[0]
	if slot.Virtual() {
		Expect(centre).NotTo(BeNil(), "the virtual card is known to the embedded centre only: unset PAYCERT_TARGET_HZCARD or name a reader with a card the real centre knows")
		soft, err := centre.AddCard(variantSpec(hzcardsim.CardSpec{CardNo: rechargeCardNo}))
		Expect(err).NotTo(HaveOccurred())
		old := slot.Card
		Expect(suite.lab.Swap(ctx, 0, soft, nil)).To(Succeed())
		DeferCleanup(func(ctx SpecContext) { Expect(suite.lab.Swap(ctx, 0, old, nil)).To(Succeed()) })
	}
	t, k := session(ctx, 0)
	// Leave the reader free for the specs (a cleanup registered in a
	// BeforeAll runs only after the last spec).
	defer k.Disconnect()
	pub, err := t.SelectPurse()
	Expect(err).NotTo(HaveOccurred())
	if !slot.Virtual() && centre != nil {
		bal, err := t.Balance()
		Expect(err).NotTo(HaveOccurred())
		_, err = centre.AddCard(variantSpec(hzcardsim.CardSpec{CardNo: pub.ShortCardNumber(), Balance: bal}))
		Expect(err).NotTo(HaveOccurred())
	}
	return pub
}

// variantSpec is spec with the suite's card variant: the embedded centre
// then selects the card's AID, sends its key index and computes with its
// cipher.
func variantSpec(spec hzcardsim.CardSpec) hzcardsim.CardSpec {
	spec.AID, spec.KeyIndex, spec.Cipher = suite.aid, suite.keyIdx, suite.scheme.Cipher
	return spec
}

var _ = Describe("recharge through the Huzhou centre", Label("hw", "flow"), Ordered, func() {
	var (
		centre *hzcardsim.Simulator // nil against a real centre
		cl     *hzcardclient.Client
		cardNo string
		kh     *terminal.KeyHolder
		payN   atomic.Int64
	)
	payOrder := func() string {
		return fmt.Sprintf("HW%d%03d", time.Now().UnixNano()/1e6, payN.Add(1))
	}
	// balances reads the card's balance through the reader and, with the
	// embedded centre, the centre's ledger balance of the card.
	balances := func(t *terminal.Terminal) (card uint32, ledger int64) {
		GinkgoHelper()
		_, err := t.SelectPurse()
		Expect(err).NotTo(HaveOccurred())
		card, err = t.Balance()
		Expect(err).NotTo(HaveOccurred())
		ledger = -1
		if centre != nil {
			var ok bool
			ledger, ok = centre.CardBalance(cardNo)
			Expect(ok).To(BeTrue(), "the centre must know card %s", cardNo)
		}
		return card, ledger
	}
	audit := func() {
		GinkgoHelper()
		// The audit also compares the centre's own software card with its
		// ledger: meaningful when that card is the one in the reader.
		if centre != nil && suite.lab.Slots[0].Virtual() {
			Expect(centre.Audit()).To(Succeed(), "the centre's ledger must balance: no money made or lost")
		}
	}
	orderState := func(orderNo, want string) {
		GinkgoHelper()
		if centre == nil {
			return
		}
		st, _, ok := centre.OrderState(orderNo)
		Expect(ok).To(BeTrue())
		Expect(st).To(Equal(want), "order %s state (appendix G)", orderNo)
	}

	BeforeAll(func(ctx SpecContext) {
		url := os.Getenv("PAYCERT_TARGET_HZCARD")
		if url == "" {
			centre, url = startCentre()
		}
		var err error
		cl, err = hzcardclient.New(hzcardclient.Config{URL: url, ObserveAPDU: traceAPDU})
		Expect(err).NotTo(HaveOccurred())
		pub := centreCard(ctx, centre)
		cardNo = pub.ShortCardNumber()
		kh = keyHolder(pub)
	})

	It("charges: INITIALIZE FOR LOAD, MAC2 from the centre, CREDIT; TAC checked; card and centre agree", func(ctx SpecContext) {
		t, k := session(ctx, 0)
		info, err := hzcardclient.ReadCardAID(ctx, cl, k, suite.aid)
		Expect(err).NotTo(HaveOccurred(), "cardInfoQuery with the card's read list")
		Expect(info.CardNo).To(Equal(cardNo), "the centre reads the card number from file 0x15")
		before, ledgerBefore := balances(t)
		Expect(info.CardBal).To(Equal(hzcard.Amount(int64(before))), "cardbal is the GET BALANCE the card returned")

		res, err := cl.Recharge(ctx, k, hzcardclient.RechargeOptions{CardNo: cardNo, Amount: 2000, PayOrderNo: payOrder(), Recover: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Credited).To(BeTrue())
		Expect(res.Tears).To(BeZero(), "nothing tore: no management")
		Expect(res.Before).To(Equal(before))
		Expect(res.After).To(Equal(before + 2000))

		after, ledgerAfter := balances(t)
		Expect(after).To(Equal(before+2000), "the card is credited exactly the amount")
		if centre != nil {
			Expect(ledgerAfter).To(Equal(ledgerBefore+2000), "the centre's ledger moves with the card")
			Expect(int64(after)).To(Equal(ledgerAfter))
		}
		orderState(res.Order.OrderNo, hzcard.StateConfirmed)

		By("checking the TAC independently: the log record and the proof, under the card's DTK")
		recs, err := t.ReadRecords(cpucard.SFILog, 1)
		Expect(err).NotTo(HaveOccurred())
		lr, err := cpucard.ParseLogRecord(recs[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(lr.Type).To(Equal(epurse.TypePurseLoad))
		Expect(lr.Amount).To(BeEquivalentTo(2000))
		if centre != nil {
			expectNow(lr.DateTime, "the centre's CREDIT FOR LOAD date-time in the log")
		}
		pr, found, err := t.Proof(epurse.TypePurseLoad, lr.Seq)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeTrue())
		Expect(pr.TAC).To(Equal(res.TAC), "the TAC CREDIT returned is the proof's")
		p := &terminal.PendingLoad{Load: epurse.Load{OldBalance: before, Amount: 2000, Type: epurse.TypePurseLoad,
			Terminal: lr.Terminal, OnlineSeq: lr.Seq, DateTime: lr.DateTime}}
		Expect(kh.CheckLoadTAC(p, res.TAC)).To(Succeed(), "TAC = MAC(DTK, newBalance‖onlineSeq‖amount‖02‖terminal‖date‖time)")
		audit()
	})

	It("recovers through card management when the card leaves between INITIALIZE and CREDIT: not credited, charged again once", func(ctx SpecContext) {
		virtualOnly(0)
		t, k := session(ctx, 0)
		before, ledgerBefore := balances(t)
		var managed []hzcardclient.ManageResult
		res, err := cl.Recharge(ctx, k, hzcardclient.RechargeOptions{CardNo: cardNo, Amount: 1500, PayOrderNo: payOrder(), Recover: true,
			// The lab tech pulls the card at the pause before CREDIT, with
			// the hook `paycert card recharge --pause-before CREDIT` uses:
			// the card never sees the command and the reader reports it
			// removed.
			Before: hzcardclient.PauseBefore(hzcardclient.StepCredit, func(string) error { return suite.lab.Remove(ctx, 0) }, nil),
			Observe: func(ev hzcardclient.RechargeEvent) {
				switch ev.Kind {
				case hzcardclient.EventTorn:
					Expect(ev.Torn.Step).To(Equal(hzcardclient.StepCredit), "a card pulled before CREDIT must end the load as torn")
					Expect(ev.Torn.Command).NotTo(BeNil(), "the tear happened while sending a command")
					Expect(ev.Torn.Command[1]).To(Equal(apdu.INSCreditForLoad), "the command being sent was CREDIT FOR LOAD")
					Expect(errors.Is(ev.Torn, reader.ErrRemoved) || errors.Is(ev.Torn, apdu.ErrTorn)).To(BeTrue(), "the reader reports the card gone: %v", ev.Torn)
					orderState(ev.Order.OrderNo, hzcard.StateCardUnknown)
				case hzcardclient.EventManaged:
					managed = append(managed, ev.Manage)
					Expect(ev.Manage.Credited).To(BeFalse(), "GET TRANSACTION PROOF answers 9406: the card was not credited")
					Expect(ev.Manage.Code).To(Equal(hzcard.CodeChargeFailed), "management reports 000152 (not credited: charge again or refund)")
					orderState(ev.Order.OrderNo, hzcard.StateCardFailed)
					Expect(cardOnly(balances(t))).To(Equal(before), "nothing credited yet")
				}
			},
			Reconnect: func(ctx context.Context, _ *hzcardclient.TornError) (hzcardclient.Transmitter, error) {
				By("the card is put back; card management asks it for the proof")
				_ = k.Disconnect()
				Expect(suite.lab.Reinsert(ctx, 0)).To(Succeed())
				t, k = session(ctx, 0)
				return k, nil
			}})
		Expect(err).NotTo(HaveOccurred())
		Expect(managed).To(HaveLen(1), "management ran once")

		By("the order was charged again from a fresh INITIALIZE FOR LOAD")
		Expect(res.Recovered).To(BeTrue())
		Expect(res.TornStep).To(Equal(hzcardclient.StepCredit))
		Expect(res.Loads).To(Equal(2))
		Expect(res.Credited).To(BeTrue())
		Expect(res.After).To(Equal(before + 1500))
		after, ledgerAfter := balances(t)
		Expect(after).To(Equal(before+1500), "credited exactly once")
		if centre != nil {
			Expect(ledgerAfter).To(Equal(ledgerBefore + 1500))
		}
		orderState(res.Order.OrderNo, hzcard.StateConfirmed)

		By("a second charge of the same order must be refused")
		_, err = cl.Load(ctx, k, res.Order)
		Expect(err).To(HaveOccurred(), "a completed order must not load the card again")
		Expect(cardOnly(balances(t))).To(Equal(after), "no double credit")
		audit()
	})

	It("recovers through card management when CREDIT is torn: credited once, the order adjusted", func(ctx SpecContext) {
		virtualOnly(0)
		t, k := session(ctx, 0)
		before, ledgerBefore := balances(t)
		suite.lab.Slots[0].Card.TearNext(apdu.INSCreditForLoad)
		res, err := cl.Recharge(ctx, k, hzcardclient.RechargeOptions{CardNo: cardNo, Amount: 1200, PayOrderNo: payOrder(), Recover: true,
			Observe: func(ev hzcardclient.RechargeEvent) {
				switch ev.Kind {
				case hzcardclient.EventTorn:
					Expect(ev.Torn.Step).To(Equal(hzcardclient.StepCredit), "a card torn during CREDIT must end the load as torn")
					Expect(errors.Is(ev.Torn, apdu.ErrTorn) || errors.Is(ev.Torn, reader.ErrRemoved)).To(BeTrue(), "%v", ev.Torn)
					orderState(ev.Order.OrderNo, hzcard.StateCardUnknown)
				case hzcardclient.EventManaged:
					Expect(ev.Manage.Credited).To(BeTrue(), "the proof's MAC is the centre's MAC2 and its TAC verifies: credited")
					orderState(ev.Order.OrderNo, hzcard.StateAdjusted)
				}
			},
			Reconnect: func(ctx context.Context, _ *hzcardclient.TornError) (hzcardclient.Transmitter, error) {
				_ = k.Disconnect()
				Expect(suite.lab.Reinsert(ctx, 0)).To(Succeed())
				t, k = session(ctx, 0)
				card, ledger := balances(t)
				Expect(card).To(Equal(before+1200), "the torn CREDIT took effect on the card")
				if centre != nil {
					Expect(ledger).To(Equal(ledgerBefore), "the centre does not know yet")
					Expect(centre.Audit()).To(Succeed(), "an order in doubt is allowed for by the audit")
				}
				return k, nil
			}})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Recovered).To(BeTrue())
		Expect(res.TornStep).To(Equal(hzcardclient.StepCredit))
		Expect(res.Credited).To(BeTrue())
		Expect(res.Manage.Code).To(Equal(hzcard.CodeOK))
		Expect(res.Loads).To(Equal(1), "a credited card is not loaded again")
		card, ledger := balances(t)
		Expect(card).To(Equal(before + 1200))
		if centre != nil {
			Expect(ledger).To(Equal(ledgerBefore+1200), "management credits the centre's ledger once")
		}

		By("management again, and a reload of the order, must both leave the card alone")
		m, err := cl.Manage(ctx, k, res.Order)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Code).To(Equal(hzcard.CodeNoManageNeeded), "a resolved order needs no management (000154)")
		_, err = cl.Load(ctx, k, res.Order)
		Expect(err).To(HaveOccurred(), "an adjusted order must not load the card again")
		Expect(cardOnly(balances(t))).To(Equal(before+1200), "no double credit")
		audit()
	})
})

// Compile-time: the reader's card is what the Huzhou client drives.
var _ hzcardclient.Transmitter = (*reader.Card)(nil)

var _ = Describe("a centre that sends a wrong MAC2", Label("hw", "flow", "negative"), func() {
	It("gets 9302 from the card through the reader, and neither card nor centre balance moves", func(ctx SpecContext) {
		if os.Getenv("PAYCERT_TARGET_HZCARD") != "" {
			Skip("needs the embedded centre: the wrong MAC2 is a fault switched on in it")
		}
		centre, url := startCentre(hzcardsim.FaultMAC2WrongData)
		var sw []string
		cl, err := hzcardclient.New(hzcardclient.Config{URL: url, ObserveAPDU: func(x hzcardclient.APDUExchange) {
			traceAPDU(x)
			if len(x.Command) > 1 && x.Command[1] == apdu.INSCreditForLoad && len(x.Response) >= 2 {
				sw = append(sw, fmt.Sprintf("%X", x.Response[len(x.Response)-2:]))
			}
		}})
		Expect(err).NotTo(HaveOccurred())

		slot := suite.lab.Slots[0]
		cardNo := centreCard(ctx, centre).ShortCardNumber()
		t, k := session(ctx, 0)
		_, err = t.SelectPurse()
		Expect(err).NotTo(HaveOccurred())
		before, err := t.Balance()
		Expect(err).NotTo(HaveOccurred())
		ledgerBefore, known := centre.CardBalance(cardNo)
		Expect(known).To(BeTrue(), "the centre must know card %s", cardNo)

		res, err := cl.Recharge(ctx, k, hzcardclient.RechargeOptions{CardNo: cardNo, Amount: 1000, PayOrderNo: fmt.Sprintf("HWBAD%d", time.Now().UnixNano()), Recover: true})
		Expect(err).To(HaveOccurred(), "a charge whose CREDIT the card refused must not be reported as done")
		Expect(sw).To(Equal([]string{"9302"}), "the card must answer CREDIT FOR LOAD with 9302 (MAC2 invalid)")
		Expect(wire.Code(err)).NotTo(BeEmpty(), "the centre reports a business failure after 9302, got %v", err)
		Expect(res.Credited).To(BeFalse())
		Expect(res.Tears).To(BeZero(), "a refused CREDIT is not a tear: no management")

		_, err = t.SelectPurse()
		Expect(err).NotTo(HaveOccurred())
		Expect(t.Balance()).To(Equal(before), "the card's balance must not move")
		ledger, _ := centre.CardBalance(cardNo)
		Expect(ledger).To(Equal(ledgerBefore), "the centre's ledger must not move")
		if slot.Virtual() {
			Expect(centre.Audit()).To(Succeed())
		}
	})
})
