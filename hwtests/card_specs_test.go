package hwtests

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
	"paycert/platforms/cpucard/terminal"
	"paycert/platforms/pcsc/lab"
	"paycert/platforms/pcsc/reader"
)

// ensureBalance loads the card (key holder as centre) until it holds at
// least min, so purchase specs do not depend on the order specs run in.
func ensureBalance(t *terminal.Terminal, kh *terminal.KeyHolder, min uint32) uint32 {
	GinkgoHelper()
	bal, err := t.Balance()
	Expect(err).NotTo(HaveOccurred())
	if bal >= min {
		return bal
	}
	_, _, err = kh.Load(t, min-bal, suite.termID, now())
	Expect(err).NotTo(HaveOccurred(), "topping the card up to %d fen", min)
	bal, err = t.Balance()
	Expect(err).NotTo(HaveOccurred())
	return bal
}

var _ = Describe("the e-purse through a PC/SC reader", Label("hw"), func() {

	It("selects the PPSE and the purse application", func(ctx SpecContext) {
		t, k := session(ctx, 0)
		atr, err := k.ATR()
		Expect(err).NotTo(HaveOccurred())
		Expect(atr).NotTo(BeEmpty(), "the reader must report the card's ATR")
		Expect(atr[0]).To(BeElementOf(byte(0x3B), byte(0x3F)), "an ATR starts with TS 3B (direct) or 3F (inverse)")

		_, listed, err := t.SelectPPSE()
		Expect(err).NotTo(HaveOccurred(), "SELECT 2PAY.SYS.DDF01 must answer 9000")
		Expect(listed).To(BeTrue(), "the PPSE FCI must list the purse AID %X in tag 4F", suite.purseAID())

		pub, err := t.SelectPurse()
		Expect(err).NotTo(HaveOccurred(), "SELECT %X must answer 9000 with 9F0C (file 0x15) in the FCI", suite.purseAID())
		file15, err := t.ReadBinary(cpucard.SFIPublic)
		Expect(err).NotTo(HaveOccurred())
		Expect(file15).To(Equal(pub.Bytes()), "the FCI's 9F0C must be file 0x15 byte for byte")

		r, err := t.Do(apdu.SelectByName([]byte{0xA0, 0x00, 0x00, 0x06, 0x32, 0x01, 0x01, 0x7F}))
		Expect(err).NotTo(HaveOccurred())
		Expect(r.SW).To(Equal(apdu.SWFileNotFound), "an unknown AID must answer 6A82")
	})

	It("reads every file of the purse: 0x15, 0x16, 0x17, the 0x18 log, 0x07 and 0x08", func(ctx SpecContext) {
		t, _, kh := purse(ctx, 0)
		// One load and one purchase of a fen each, so 0x07, 0x08 and 0x18
		// hold records whatever the card's history (a test card may be
		// issued with a balance and no load on record), and the balance
		// ends where it was.
		_, _, err := kh.Load(t, 1, suite.termID, now())
		Expect(err).NotTo(HaveOccurred())
		_, err = kh.Purchase(t, 1, suite.termID, nextTermSeq(), now())
		Expect(err).NotTo(HaveOccurred())

		for _, f := range []struct {
			sfi  byte
			size int
		}{{cpucard.SFIPublic, cpucard.PublicLen}, {cpucard.SFIHolder, cpucard.HolderLen}, {cpucard.SFIManagement, cpucard.ManagementLen}} {
			b, err := t.ReadBinary(f.sfi)
			Expect(err).NotTo(HaveOccurred(), "READ BINARY of file %02X", f.sfi)
			Expect(b).To(HaveLen(f.size), "file %02X is %d bytes (cards.md)", f.sfi, f.size)
		}
		pub15, err := t.ReadBinary(cpucard.SFIPublic)
		Expect(err).NotTo(HaveOccurred())
		p, err := cpucard.ParsePublicInfo(pub15)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.CardNumber()).To(MatchRegexp(`^[0-9]{19}$`), "the application serial must be BCD digits")

		for _, f := range []struct {
			sfi       byte
			max, size int
		}{{cpucard.SFILog, cpucard.LogRecords, cpucard.LogRecordLen}, {cpucard.SFILoads, cpucard.LoadRecords, cpucard.DetailLen},
			{cpucard.SFIPurchases, cpucard.PurchaseRecords, cpucard.DetailLen}} {
			recs, err := t.ReadRecords(f.sfi, f.max+1)
			Expect(err).NotTo(HaveOccurred(), "READ RECORD of file %02X", f.sfi)
			Expect(recs).NotTo(BeEmpty(), "file %02X must hold the transactions just made", f.sfi)
			Expect(len(recs)).To(BeNumerically("<=", f.max), "file %02X is cyclic with %d records: record %d must be 6A83", f.sfi, f.max, f.max+1)
			for _, r := range recs {
				Expect(r).To(HaveLen(f.size), "records of file %02X are %d bytes", f.sfi, f.size)
			}
		}
		newest, err := t.ReadRecords(cpucard.SFILog, 1)
		Expect(err).NotTo(HaveOccurred())
		Expect(newest).To(HaveLen(1))
		lr, err := cpucard.ParseLogRecord(newest[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(lr.Type).To(Equal(epurse.TypePursePurchase), "record 1 of 0x18 is the newest: the purchase just made")
		Expect(lr.Amount).To(BeEquivalentTo(1))

		if s := suite.lab.Slots[0]; s.Virtual() {
			snap := s.Card.Snapshot()
			Expect(pub15).To(Equal(snap.Files[cpucard.SFIPublic]), "what the reader returns must be what the card holds")
			Expect(len(snap.Log)).To(BeNumerically(">=", 2))
		}
	})

	It("writes the terminal's id and the date and time in the configured zone into the card's log", func(ctx SpecContext) {
		t, _, kh := purse(ctx, spare())
		ensureBalance(t, kh, 100)
		_, err := kh.Purchase(t, 1, suite.termID, nextTermSeq(), now())
		Expect(err).NotTo(HaveOccurred())
		recs, err := t.ReadRecords(cpucard.SFILog, 1)
		Expect(err).NotTo(HaveOccurred())
		lr, err := cpucard.ParseLogRecord(recs[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(lr.Terminal).To(Equal(suite.termID), "the log record carries the terminal id of INITIALIZE FOR PURCHASE")
		expectNow(lr.DateTime, "the purchase's date-time in the log")
	})

	It("reports the balance, and refuses it before the purse is selected", func(ctx SpecContext) {
		t, _ := session(ctx, spare())
		_, err := t.SelectPurse()
		Expect(err).NotTo(HaveOccurred())
		bal, err := t.Balance()
		Expect(err).NotTo(HaveOccurred(), "GET BALANCE 805C000204 must answer 9000 with 4 bytes")
		if s := suite.lab.Slots[spare()]; s.Virtual() {
			Expect(bal).To(Equal(s.Card.Snapshot().Balance), "GET BALANCE must be the purse's balance")
		}
		_, _, err = t.SelectPPSE()
		Expect(err).NotTo(HaveOccurred())
		_, err = t.Balance()
		Expect(terminal.SWOf(err)).NotTo(BeZero(), "GET BALANCE with the PPSE selected must not answer 9000")
	})

	It("loads with the centre's MAC2 and returns a TAC that verifies (key holder as centre)", func(ctx SpecContext) {
		t, _, kh := purse(ctx, spare())
		before, err := t.Balance()
		Expect(err).NotTo(HaveOccurred())
		p, tac, err := kh.Load(t, 1000, suite.termID, now())
		Expect(err).NotTo(HaveOccurred(), "INITIALIZE FOR LOAD (MAC1), CREDIT FOR LOAD (TAC) must verify under the card's keys")
		Expect(p.Init.Balance).To(Equal(before), "INITIALIZE FOR LOAD reports the balance before the load")
		Expect(tac).NotTo(Equal([4]byte{}))
		after, err := t.Balance()
		Expect(err).NotTo(HaveOccurred())
		Expect(after).To(Equal(before+1000), "the balance must rise by exactly the amount")

		next, err := kh.InitLoad(t, 1, suite.termID)
		Expect(err).NotTo(HaveOccurred())
		Expect(next.Init.OnlineSeq).To(Equal(p.Init.OnlineSeq+1), "the online counter increments after a successful CREDIT")
		pr, found, err := t.Proof(epurse.TypePurseLoad, p.Init.OnlineSeq)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeTrue(), "GET TRANSACTION PROOF must know the load just made")
		Expect(pr.TAC).To(Equal(tac))
		Expect(pr.MAC).To(Equal(p.MAC2))
	})

	It("purchases: MAC1 accepted, card MAC2 and TAC verify, balance and offline counter move once", func(ctx SpecContext) {
		t, _, kh := purse(ctx, spare())
		before := ensureBalance(t, kh, 500)
		res, err := kh.Purchase(t, 150, suite.termID, nextTermSeq(), now())
		Expect(err).NotTo(HaveOccurred(), "DEBIT FOR PURCHASE: the card's MAC2 and TAC must verify under its DPK and DTK")
		Expect(res.Init.Balance).To(Equal(before))
		after, err := t.Balance()
		Expect(err).NotTo(HaveOccurred())
		Expect(after).To(Equal(before-150), "the balance must fall by exactly the amount")

		log, err := t.ReadRecords(cpucard.SFILog, 1)
		Expect(err).NotTo(HaveOccurred())
		lr, err := cpucard.ParseLogRecord(log[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(lr.Seq).To(Equal(res.Init.OfflineSeq), "the log stores the counter the purchase used")
		Expect(lr.Amount).To(BeEquivalentTo(150))
		Expect(lr.Type).To(Equal(epurse.TypePursePurchase))

		pr, found, err := t.Proof(epurse.TypePursePurchase, res.Init.OfflineSeq)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeTrue())
		Expect(pr.TAC).To(Equal(res.Reply.TAC), "the proof repeats the purchase TAC")

		r, err := t.Do(apdu.InitializeForPurchase(suite.keyIdx, after+1, suite.termID))
		Expect(err).NotTo(HaveOccurred())
		Expect(r.SW).To(Equal(apdu.SWInsufficientBalance), "a purchase above the balance must answer 9401")
	})

	It("answers 9302 to a wrong MAC2 and changes neither balance nor counter", func(ctx SpecContext) {
		t, _, kh := purse(ctx, spare())
		before, err := t.Balance()
		Expect(err).NotTo(HaveOccurred())
		p, err := kh.InitLoad(t, 2000, suite.termID)
		Expect(err).NotTo(HaveOccurred())
		dt := now()
		mac2, err := kh.MAC2(p, dt)
		Expect(err).NotTo(HaveOccurred())
		mac2[3] ^= 0x01
		_, err = kh.Credit(t, p, dt, mac2)
		Expect(terminal.SWOf(err)).To(Equal(apdu.SWMACInvalid), "CREDIT FOR LOAD with a wrong MAC2 must answer 9302, got %v", err)

		after, err := t.Balance()
		Expect(err).NotTo(HaveOccurred())
		Expect(after).To(Equal(before), "a refused CREDIT must not change the balance")
		_, found, err := t.Proof(epurse.TypePurseLoad, p.Init.OnlineSeq)
		Expect(err).NotTo(HaveOccurred())
		Expect(found).To(BeFalse(), "GET TRANSACTION PROOF must answer 9406: the load was not made")
		again, err := kh.InitLoad(t, 2000, suite.termID)
		Expect(err).NotTo(HaveOccurred())
		Expect(again.Init.OnlineSeq).To(Equal(p.Init.OnlineSeq), "a refused CREDIT must not move the online counter")
		r, err := t.Do(apdu.CreditForLoad(dt, mac2))
		Expect(err).NotTo(HaveOccurred())
		Expect(r.SW).NotTo(Equal(apdu.SWOK), "the refused MAC2 must not work on a fresh INITIALIZE either")
	})

	It("needs the purse selected again after a power cycle", func(ctx SpecContext) {
		t, k := session(ctx, 0)
		_, err := t.SelectPurse()
		Expect(err).NotTo(HaveOccurred())
		_, err = t.Balance()
		Expect(err).NotTo(HaveOccurred())

		By("warm reset through the reader (SCardReconnect with SCARD_RESET_CARD)")
		Expect(k.Reconnect(true)).To(Succeed())
		_, err = t.Balance()
		Expect(terminal.SWOf(err)).NotTo(BeZero(), "after a reset the purse is no longer selected: GET BALANCE must not answer 9000 (got %v)", err)
		if suite.lab.Slots[0].Virtual() {
			Expect(terminal.SWOf(err)).To(Equal(apdu.SWConditionsNotSatisfied))
		}
		_, err = t.SelectPurse()
		Expect(err).NotTo(HaveOccurred())
		_, err = t.Balance()
		Expect(err).NotTo(HaveOccurred(), "after re-selection the purse answers again")

		if !suite.lab.Slots[0].Virtual() {
			return
		}
		By("cold: the card leaves the reader and comes back")
		pending, err := keyHolder(mustPub(t)).InitLoad(t, 100, suite.termID)
		Expect(err).NotTo(HaveOccurred())
		_ = k.Disconnect()
		Expect(suite.lab.Remove(ctx, 0)).To(Succeed())
		Expect(suite.lab.Reinsert(ctx, 0)).To(Succeed())
		t2, _ := session(ctx, 0)
		_, err = t2.Balance()
		Expect(terminal.SWOf(err)).To(Equal(apdu.SWConditionsNotSatisfied), "a fresh session must select the purse first")
		_, err = t2.SelectPurse()
		Expect(err).NotTo(HaveOccurred())
		r, err := t2.Do(apdu.CreditForLoad(now(), pending.MAC2))
		Expect(err).NotTo(HaveOccurred())
		Expect(r.SW).To(Equal(apdu.SWConditionsNotSatisfied), "the INITIALIZE before the power cycle must be forgotten: CREDIT answers 6985")
	})

	It("recovers a load when the card leaves between INITIALIZE and CREDIT, without crediting twice", func(ctx SpecContext) {
		virtualOnly(0)
		t, k, kh := purse(ctx, 0)
		before, err := t.Balance()
		Expect(err).NotTo(HaveOccurred())

		By("the card is pulled after INITIALIZE FOR LOAD: CREDIT never reaches it")
		p, err := kh.InitLoad(t, 700, suite.termID)
		Expect(err).NotTo(HaveOccurred())
		_ = k.Disconnect()
		Expect(suite.lab.Remove(ctx, 0)).To(Succeed())
		Expect(suite.lab.Reinsert(ctx, 0)).To(Succeed())
		t, k = session(ctx, 0)
		_, err = t.SelectPurse()
		Expect(err).NotTo(HaveOccurred())
		credited, _, err := kh.ResolveLoad(t, p)
		Expect(err).NotTo(HaveOccurred())
		Expect(credited).To(BeFalse(), "GET TRANSACTION PROOF must answer 9406 for a load that never got its CREDIT")
		Expect(t.Balance()).To(Equal(before), "no CREDIT, no money")
		_, _, err = kh.Load(t, 700, suite.termID, now())
		Expect(err).NotTo(HaveOccurred(), "the load is redone from a fresh INITIALIZE")
		Expect(t.Balance()).To(Equal(before + 700))

		By("the card is torn during CREDIT FOR LOAD: it credited, the reply is lost")
		before = before + 700
		p, err = kh.InitLoad(t, 300, suite.termID)
		Expect(err).NotTo(HaveOccurred())
		dt := now()
		mac2, err := kh.MAC2(p, dt)
		Expect(err).NotTo(HaveOccurred())
		suite.lab.Slots[0].Card.TearNext(apdu.INSCreditForLoad)
		_, err = kh.Credit(t, p, dt, mac2)
		Expect(err).To(HaveOccurred())
		Expect(errors.Is(err, apdu.ErrTorn)).To(BeTrue(), "a card leaving mid-command must surface as a torn transaction, got %v", err)
		Expect(errors.Is(err, reader.ErrTorn)).To(BeTrue())
		_ = k.Disconnect()
		Expect(suite.lab.Reinsert(ctx, 0)).To(Succeed())
		t, _ = session(ctx, 0)
		_, err = t.SelectPurse()
		Expect(err).NotTo(HaveOccurred())
		credited, tac, err := kh.ResolveLoad(t, p)
		Expect(err).NotTo(HaveOccurred(), "the proof's MAC and TAC must verify")
		Expect(credited).To(BeTrue(), "GET TRANSACTION PROOF must show the torn CREDIT took effect")
		Expect(tac).NotTo(Equal([4]byte{}))
		Expect(t.Balance()).To(Equal(before+300), "credited exactly once: the terminal must not redo it")
		snap := suite.lab.Slots[0].Card.Snapshot()
		n := 0
		for _, l := range snap.Log {
			if l.Type == epurse.TypePurseLoad && l.Seq == p.Init.OnlineSeq {
				n++
			}
		}
		Expect(n).To(Equal(1), "one log record for the torn load's counter")
	})

	It("reports a reader another PC/SC client holds in a transaction as busy within the wait, and connects once it is free", func(ctx SpecContext) {
		name := suite.lab.Slots[0].Reader
		By("a second PC/SC client (its own context, shared mode, as a middleware) begins a transaction on " + name)
		other, err := reader.Establish()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(func() { _ = other.Release() })
		holder, err := other.ConnectShared(ctx, name, 10*time.Second)
		Expect(err).NotTo(HaveOccurred(), "a card must be present in %s", name)
		DeferCleanup(func() { _ = holder.Disconnect() })
		Expect(holder.Begin(10 * time.Second)).To(Succeed())
		ended := false
		DeferCleanup(func() {
			if !ended {
				_ = holder.End()
			}
		})

		By("opening the reader the way 'paycert card scan --wait 2s' does")
		start := time.Now()
		k, err := lab.Open(ctx, suite.lab.PC, name, 2*time.Second)
		took := time.Since(start)
		if k != nil {
			_ = k.Disconnect()
		}
		Expect(err).To(MatchError(reader.ErrBusy), "a reader held in a transaction must be reported busy, got %v", err)
		Expect(err.Error()).To(HavePrefix("reader busy: "+name), "the error must say plainly that the reader is busy")
		Expect(took).To(BeNumerically(">=", 2*time.Second), "it waits for the reader to be free for the whole wait")
		Expect(took).To(BeNumerically("<", 3*time.Second), "and returns within its wait (plus the cancel grace), not when the holder lets go")
		fmt.Fprintf(GinkgoWriter, "busy reader: %v (after %s)\n", err, took.Round(time.Millisecond))

		By("the holder lets go: the reader connects again (the abandoned connect kept nothing)")
		Expect(holder.End()).To(Succeed())
		ended = true
		Expect(holder.Disconnect()).To(Succeed())
		t, _ := session(ctx, 0)
		_, err = t.SelectPurse()
		Expect(err).NotTo(HaveOccurred())
	})

	It("serves two readers at once, interleaved, each card keeping its own state", func(ctx SpecContext) {
		if !suite.reader2 {
			Skip("needs a second reader: set PAYCERT_READER2 (or -reader2)")
		}
		ta, _ := session(ctx, 0)
		tb, _ := session(ctx, 1)
		pa, err := ta.SelectPurse()
		Expect(err).NotTo(HaveOccurred())
		pb, err := tb.SelectPurse()
		Expect(err).NotTo(HaveOccurred())
		Expect(pa.CardNumber()).NotTo(Equal(pb.CardNumber()), "two different cards are needed")
		ka, kb := keyHolder(pa), keyHolder(pb)
		ba := ensureBalance(ta, ka, 1000)
		bb := ensureBalance(tb, kb, 1000)

		By("INITIALIZE on A, INITIALIZE on B, DEBIT on A, DEBIT on B")
		ia, err := ta.InitPurchase(suite.keyIdx, 11, suite.termID)
		Expect(err).NotTo(HaveOccurred())
		ib, err := tb.InitPurchase(suite.keyIdx, 22, suite.termID)
		Expect(err).NotTo(HaveOccurred())
		Expect(ia.Balance).To(Equal(ba))
		Expect(ib.Balance).To(Equal(bb))
		debit := func(t *terminal.Terminal, kh *terminal.KeyHolder, ir apdu.InitPurchaseReply, amount uint32) {
			GinkgoHelper()
			_, err := kh.Debit(t, ir, amount, suite.termID, nextTermSeq(), now())
			Expect(err).NotTo(HaveOccurred(), "a pending purchase on one reader must survive traffic on the other, and each card sign its own (MAC2, TAC)")
		}
		debit(ta, ka, ia, 11)
		debit(tb, kb, ib, 22)

		By("both readers driven concurrently")
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for _, side := range []struct {
			t  *terminal.Terminal
			kh *terminal.KeyHolder
		}{{ta, ka}, {tb, kb}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer GinkgoRecover()
				for range 5 {
					if _, err := side.kh.Purchase(side.t, 10, suite.termID, nextTermSeq(), now()); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(ta.Balance()).To(Equal(ba - 11 - 50))
		Expect(tb.Balance()).To(Equal(bb - 22 - 50))
	})
})

// expectNow checks that a date-time written to the card is the wall-clock
// time now in the variant's zone (within two minutes): a terminal or
// centre writing another zone's time is hours off.
func expectNow(dt [7]byte, what string) {
	GinkgoHelper()
	at, err := time.ParseInLocation("20060102150405", fmt.Sprintf("%X", dt), suite.zone)
	Expect(err).NotTo(HaveOccurred(), "%s %X is not a BCD date-time", what, dt)
	Expect(time.Since(at).Abs()).To(BeNumerically("<", 2*time.Minute),
		"%s is %s read in %s, now is %s there", what, at.Format(time.DateTime), suite.zone, time.Now().In(suite.zone).Format(time.DateTime))
}

// purse opens a session on slot i with the purse selected, and returns the
// terminal, the connection and the key holder of the card in it.
func purse(ctx context.Context, i int) (*terminal.Terminal, *reader.Card, *terminal.KeyHolder) {
	GinkgoHelper()
	t, k := session(ctx, i)
	pub, err := t.SelectPurse()
	Expect(err).NotTo(HaveOccurred())
	return t, k, keyHolder(pub)
}

// spare is the slot for specs that move money: slot 1 in the virtual lab
// (its card starts with a balance) or the second reader, else the only one.
func spare() int {
	if len(suite.lab.Slots) > 1 {
		return 1
	}
	return 0
}

func mustPub(t *terminal.Terminal) cpucard.PublicInfo {
	GinkgoHelper()
	p, err := t.SelectPurse()
	Expect(err).NotTo(HaveOccurred())
	return p
}
