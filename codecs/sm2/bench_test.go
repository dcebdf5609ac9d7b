package sm2

import (
	"crypto/rand"
	"strings"
	"testing"

	tjsm2 "github.com/tjfoc/gmsm/sm2"
	tjsm3 "github.com/tjfoc/gmsm/sm3"
)

// benchMessage is a typical seed 003 request as signed: envelope, data
// object and an empty sign member, about 300 bytes.
var benchMessage = []byte(`{"txncode":"chargeOrderCreate","orgno":"00000001","merno":"000000000000001",` +
	`"termno":"00000001","txndate":"20260422","txntime":"103015","refnum":"202604221030150000000001",` +
	`"data":{"cardno":"2253123456781234","amount":"10000","cardbal":"2350","cardcnt":"0012",` +
	`"random":"1A2B3C4D","custinfo":"13800000000"},"sign":""}`)

// Sign and verify include ZA with DefaultUID on both sides, so both pay for
// the same hashing; paycert's ZA cache is part of what is measured.
func BenchmarkSM2Sign(b *testing.B) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	uid := []byte(DefaultUID)
	b.Run("paycert", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Sign(rand.Reader, k, uid, benchMessage); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("precomputed-nonce", func(b *testing.B) {
		pk, err := NewPrivateKeyFromGMSM(k.GMSM()) // its own pool
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := pk.PrecomputeNonces(nil, b.N); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		b.ReportAllocs()
		for range b.N {
			if _, err := Sign(rand.Reader, pk, uid, benchMessage); err != nil {
				b.Fatal(err)
			}
		}
		if left, _ := pk.Nonces(); left != 0 {
			b.Fatalf("%d nonces unused: the loop did not sign with them", left)
		}
	})
	b.Run("tjfoc", func(b *testing.B) {
		tk := tjPrivate(k)
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := tjsm2.Sm2Sign(tk, benchMessage, uid, rand.Reader); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSM2Verify(b *testing.B) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	uid := []byte(DefaultUID)
	sig, err := Sign(rand.Reader, k, uid, benchMessage)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("paycert", func(b *testing.B) {
		pub := k.Public()
		b.ReportAllocs()
		for b.Loop() {
			if !Verify(pub, uid, benchMessage, sig) {
				b.Fatal("does not verify")
			}
		}
	})
	b.Run("precomputed", func(b *testing.B) {
		pub := *k.Public() // its own tables, so the other sub-benchmarks stay on gmsm
		pub.fast = new(fastVerify)
		pub.Precompute()
		b.ReportAllocs()
		for b.Loop() {
			if !Verify(&pub, uid, benchMessage, sig) {
				b.Fatal("does not verify")
			}
		}
	})
	b.Run("tjfoc", func(b *testing.B) {
		tp := tjPublic(k.Public())
		r, s := sig.R(), sig.S()
		b.ReportAllocs()
		for b.Loop() {
			if !tjsm2.Sm2Verify(tp, benchMessage, uid, r, s) {
				b.Fatal("does not verify")
			}
		}
	})
}

// BenchmarkPrecompute is the one-off cost Precompute pays per key.
func BenchmarkPrecompute(b *testing.B) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	sm2Curve() // the base point's table is built once per process, not per key
	b.ReportAllocs()
	for b.Loop() {
		pub := *k.Public()
		pub.fast = new(fastVerify)
		pub.Precompute()
	}
}

func BenchmarkSM3(b *testing.B) {
	buf := []byte(strings.Repeat("x", 1024))
	b.Run("paycert", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		b.ReportAllocs()
		for b.Loop() {
			SM3(buf)
		}
	})
	b.Run("tjfoc", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		b.ReportAllocs()
		for b.Loop() {
			tjsm3.Sm3Sum(buf)
		}
	})
}
