package sm2

import (
	"crypto/rand"
	"strings"
	"testing"

	gmsm "github.com/emmansun/gmsm/sm2"
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
	b.Run("gmsm", func(b *testing.B) {
		gk := k.GMSM()
		b.ReportAllocs()
		for b.Loop() {
			e, err := Digest(k.Public(), uid, benchMessage) // the same ZA cache as paycert
			if err != nil {
				b.Fatal(err)
			}
			if _, err := gmsm.SignASN1(rand.Reader, gk, e[:], nil); err != nil {
				b.Fatal(err)
			}
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
	sm2Curve().gTable() // the base point's table is built once per process, not per key
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

// The pieces of the precomputed path, for reading a verify profile.
func BenchmarkMontMul(b *testing.B) {
	c := sm2Curve()
	x := c.p.toMont([32]byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
	y := c.p.toMont([32]byte{9, 8, 7, 6, 5, 4, 3, 2, 1})
	b.Run("mul", func(b *testing.B) {
		for b.Loop() {
			c.p.mul(&x, &x, &y)
		}
	})
	b.Run("mulGo", func(b *testing.B) {
		for b.Loop() {
			c.p.mulGo(&x, &x, &y)
		}
	})
}

func BenchmarkAddAffine(b *testing.B) {
	c := sm2Curve()
	gt := c.gTable()
	acc := jacobianPoint{x: gt[0][0].x, y: gt[0][0].y, z: c.p.one}
	for i := 0; b.Loop(); i++ {
		c.addAffine(&acc, &acc, &gt[5][i%255])
	}
}

// BenchmarkVerifyTwoKeys alternates two precomputed keys (plus G's table):
// 1.5 MiB of tables, as in the Huzhou flow where the centre and the client
// each verify by a different key, to see cache effects the one-key
// benchmark hides.
func BenchmarkVerifyTwoKeys(b *testing.B) {
	type pair struct {
		pub *PublicKey
		sig Signature
	}
	var ps []pair
	for range 2 {
		k, err := GenerateKey(rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		k.Public().Precompute()
		sig, err := Sign(nil, k, nil, benchMessage)
		if err != nil {
			b.Fatal(err)
		}
		ps = append(ps, pair{k.Public(), sig})
	}
	for i := 0; b.Loop(); i++ {
		p := ps[i%2]
		if !Verify(p.pub, nil, benchMessage, p.sig) {
			b.Fatal("does not verify")
		}
	}
}
