package cpucard

import (
	"encoding/binary"
	"testing"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
)

// FuzzTransmit drives a card with a fuzzer-chosen mix of raw APDUs, valid
// loads and purchases (terminal and centre computed honestly), tears and
// power cycles. Invariants after every step: no panic; the balance never
// exceeds the maximum (so it never wrapped below zero); the balance equals
// the initial balance plus every load and minus every purchase the card
// confirmed, by reply or, after a tear, by GET TRANSACTION PROOF; each
// confirmed transaction advanced its counter exactly once.
func FuzzTransmit(f *testing.F) {
	f.Add([]byte{1, 0x03, 0xE8, 2, 0x01, 0x00})                       // load 1000, purchase 256
	f.Add([]byte{3, 1, 1, 0x00, 0x10, 4, 2, 0x00, 0x05})              // tear at CREDIT during a load
	f.Add([]byte{3, 2, 1, 0x00, 0x10, 2, 0x00, 0x10, 4})              // tear at DEBIT
	f.Add([]byte{0, 5, 0x80, 0x5C, 0x00, 0x02, 0x04, 5, 1, 1, 0, 10}) // raw GET BALANCE, TearAfter
	f.Add([]byte{0, 13, 0x00, 0xA4, 0x04, 0x00, 0x08, 0xA0, 0, 0, 6, 0x32, 1, 1, 5, 0, 4, 0x80, 0x5C, 0, 2, 4})
	f.Add([]byte{1, 0xFF, 0xFF, 1, 0xFF, 0xFF, 2, 0xFF, 0xFF})
	f.Fuzz(func(t *testing.T, prog []byte) {
		const initial = 5000
		card, err := New(Profile{PAN: testPAN, Balance: initial, Rand: &countingReader{}})
		if err != nil {
			t.Fatal(err)
		}
		s := epurse.Scheme{}
		keys, _ := DeriveKeys(s, TestMasterKeys(), testPAN)
		term := [6]byte{1, 2, 3, 4, 5, 6}
		model := int64(initial)
		var loads, purchases uint16
		var termSeq uint32

		send := func(c apdu.Command) (apdu.Response, bool) {
			out, err := card.Transmit(c.Bytes())
			if err != nil {
				return apdu.Response{}, false
			}
			r, err := apdu.ParseResponse(out)
			if err != nil {
				t.Fatalf("card sent a short response %X", out)
			}
			return r, true
		}
		// resolve asks the card, after a tear, whether the transaction
		// that used counter seq took effect.
		resolve := func(txType byte, seq uint16) bool {
			// Both tear switches are one-shot, so the third attempt
			// at the latest runs untorn.
			for range 3 {
				card.PowerOn()
				if r, ok := send(apdu.SelectByName(apdu.PurseAID)); !ok {
					continue
				} else if r.SW != apdu.SWOK {
					t.Fatalf("select after power-on: %s", r.SW)
				}
				if r, ok := send(apdu.GetTransactionProof(txType, seq+1)); ok {
					return r.SW == apdu.SWOK
				}
			}
			t.Fatal("could not resolve the tear in 3 power cycles")
			return false
		}
		next := func(n int) []byte {
			if len(prog) < n {
				prog = append(prog, make([]byte, n-len(prog))...)
			}
			b := prog[:n]
			prog = prog[n:]
			return b
		}
		for steps := 0; len(prog) > 0 && steps < 64; steps++ {
			op := next(1)[0] % 6
			switch op {
			case 0: // raw APDU
				n := int(next(1)[0])
				_, _ = card.Transmit(append([]byte(nil), next(n)...))
			case 1, 2: // an honest load or purchase
				amount := uint32(binary.BigEndian.Uint16(next(2)))
				if !card.Powered() {
					card.PowerOn()
				}
				if r, ok := send(apdu.SelectByName(apdu.PurseAID)); !ok || r.SW != apdu.SWOK {
					continue
				}
				if op == 1 {
					r, ok := send(apdu.InitializeForLoad(1, amount, term))
					if !ok || r.SW != apdu.SWOK {
						continue
					}
					rep, err := apdu.ParseInitLoadReply(r.Data)
					if err != nil {
						t.Fatal(err)
					}
					l := epurse.Load{OldBalance: rep.Balance, Amount: amount, Type: epurse.TypePurseLoad, Terminal: term,
						OnlineSeq: rep.OnlineSeq, Random: rep.Random, DateTime: testDT}
					ses, _ := s.LoadSessionKey(keys.DLK, rep.Random, rep.OnlineSeq)
					mac2, _ := s.LoadMAC2(ses, l)
					r, ok = send(apdu.CreditForLoad(testDT, [4]byte(mac2)))
					if (ok && r.SW == apdu.SWOK) || (!ok && resolve(epurse.TypePurseLoad, rep.OnlineSeq)) {
						model += int64(amount)
						loads++
					} else if ok {
						t.Fatalf("honest CREDIT refused: %s", r.SW)
					}
				} else {
					r, ok := send(apdu.InitializeForPurchase(1, amount, term))
					if !ok || r.SW != apdu.SWOK {
						continue
					}
					rep, err := apdu.ParseInitPurchaseReply(r.Data)
					if err != nil {
						t.Fatal(err)
					}
					termSeq++
					p := epurse.Purchase{Amount: amount, Type: epurse.TypePursePurchase, Terminal: term,
						OfflineSeq: rep.OfflineSeq, TermSeq: termSeq, Random: rep.Random, DateTime: testDT}
					ses, _ := s.PurchaseSessionKey(keys.DPK, rep.Random, rep.OfflineSeq, termSeq)
					mac1, _ := s.PurchaseMAC1(ses, p)
					r, ok = send(apdu.DebitForPurchase(termSeq, testDT, [4]byte(mac1)))
					if (ok && r.SW == apdu.SWOK) || (!ok && resolve(epurse.TypePursePurchase, rep.OfflineSeq)) {
						model -= int64(amount)
						purchases++
					} else if ok {
						t.Fatalf("honest DEBIT refused: %s", r.SW)
					}
				}
			case 3:
				card.TearNext([]byte{apdu.INSInitialize, apdu.INSCreditForLoad, apdu.INSDebitForPurchase, apdu.INSSelect}[next(1)[0]%4])
			case 4:
				card.PowerOn()
			case 5:
				card.TearAfter(int(next(1)[0] % 4))
			}
			st := card.Snapshot()
			if st.Balance > card.MaxBalance() {
				t.Fatalf("balance %d above the maximum %d", st.Balance, card.MaxBalance())
			}
			if int64(st.Balance) != model {
				t.Fatalf("balance %d, the confirmed transactions say %d", st.Balance, model)
			}
			if st.OnlineSeq != loads || st.OfflineSeq != purchases {
				t.Fatalf("counters %d/%d, confirmed loads/purchases %d/%d", st.OnlineSeq, st.OfflineSeq, loads, purchases)
			}
		}
	})
}
