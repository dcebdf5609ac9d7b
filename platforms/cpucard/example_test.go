package cpucard_test

import (
	"fmt"

	"paycert/codecs/apdu"
	"paycert/codecs/epurse"
	"paycert/platforms/cpucard"
)

// Example is a load as the Huzhou centre performs it: the terminal sends
// INITIALIZE FOR LOAD, the centre derives the card's DLK from its master
// key, checks MAC1 and returns MAC2, the terminal sends CREDIT FOR LOAD,
// and the centre checks the TAC.
func Example() {
	const pan = "2253123456781234"
	card := cpucard.MustNew(cpucard.Profile{PAN: pan, Balance: 500})
	send := func(c apdu.Command) apdu.Response {
		out, err := card.Transmit(c.Bytes())
		if err != nil {
			panic(err)
		}
		r, err := apdu.ParseResponse(out)
		if err != nil {
			panic(err)
		}
		return r
	}
	send(apdu.SelectByName(apdu.PurseAID))
	term := [6]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}
	init, _ := apdu.ParseInitLoadReply(send(apdu.InitializeForLoad(1, 1000, term)).Data)

	// Centre side.
	var s epurse.Scheme
	keys, _ := cpucard.DeriveKeys(s, cpucard.TestMasterKeys(), pan)
	dt := [7]byte{0x20, 0x26, 0x11, 0x22, 0x10, 0x30, 0x00}
	l := epurse.Load{OldBalance: init.Balance, Amount: 1000, Type: epurse.TypePurseLoad, Terminal: term,
		OnlineSeq: init.OnlineSeq, Random: init.Random, DateTime: dt}
	seslk, _ := s.LoadSessionKey(keys.DLK, init.Random, init.OnlineSeq)
	mac1, _ := s.LoadMAC1(seslk, l)
	mac2, _ := s.LoadMAC2(seslk, l)
	fmt.Println("MAC1 verifies:", string(mac1) == string(init.MAC1[:]))

	r := send(apdu.CreditForLoad(dt, [4]byte(mac2)))
	tac, _ := s.LoadTAC(keys.DTK, l)
	fmt.Println("CREDIT:", r.SW)
	fmt.Println("TAC verifies:", string(tac) == string(r.Data))
	bal, _ := apdu.ParseBalance(send(apdu.GetBalance()).Data)
	fmt.Println("balance:", bal)
	// Output:
	// MAC1 verifies: true
	// CREDIT: 9000 (success)
	// TAC verifies: true
	// balance: 1500
}
