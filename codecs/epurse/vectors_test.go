package epurse

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func h(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPublishedVectors checks the two published vectors of cards.md by
// computation: all six values verify. Should a vector ever stop verifying,
// that is a finding to record in the README, not a value to change here.
func TestPublishedVectors(t *testing.T) {
	key := h(t, "11223344556677888877665544332211")
	var s Scheme
	t.Run("load", func(t *testing.T) {
		l := Load{OldBalance: 0, Amount: 0x1000, Type: 0x01, Terminal: [6]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55},
			OnlineSeq: 0, Random: [4]byte{0x11, 0x22, 0x33, 0x44},
			DateTime: [7]byte{0x20, 0x11, 0x12, 0x21, 0x21, 0x48, 0x22}}
		ses, err := s.LoadSessionKey(key, l.Random, l.OnlineSeq)
		if err != nil {
			t.Fatal(err)
		}
		m1, _ := s.LoadMAC1(ses, l)
		m2, _ := s.LoadMAC2(ses, l)
		t.Logf("SESLK %X MAC1 %X MAC2 %X", ses, m1, m2)
		check(t, "SESLK", ses, "9B1D924E05595603")
		check(t, "MAC1", m1, "2988AE5A")
		check(t, "MAC2", m2, "3A845BF0")
	})
	t.Run("purchase", func(t *testing.T) {
		p := Purchase{Amount: 0x1000, Type: 0x06, Terminal: [6]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55},
			OfflineSeq: 0, TermSeq: 1, Random: [4]byte{0x11, 0x22, 0x33, 0x44},
			DateTime: [7]byte{0x20, 0x12, 0x02, 0x29, 0x13, 0x51, 0x00}}
		ses, err := s.PurchaseSessionKey(key, p.Random, p.OfflineSeq, p.TermSeq)
		if err != nil {
			t.Fatal(err)
		}
		m1, _ := s.PurchaseMAC1(ses, p)
		m2, _ := s.PurchaseMAC2(ses, p)
		t.Logf("SESPK %X MAC1 %X MAC2 %X", ses, m1, m2)
		check(t, "SESPK", ses, "003238ABC57659DD")
		check(t, "MAC1", m1, "F15CAB75")
		check(t, "MAC2", m2, "56988A13")
	})
}

func check(t *testing.T, name string, got []byte, want string) {
	t.Helper()
	if !bytes.Equal(got, h(t, want)) {
		t.Errorf("%s = %X, want %s", name, got, want)
	}
}
