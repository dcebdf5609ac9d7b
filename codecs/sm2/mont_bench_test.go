package sm2

import (
	"crypto/rand"
	"testing"
)

func BenchmarkMontMul(b *testing.B) {
	c := sm2Curve()
	x := c.p.toMont([32]byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
	y := c.p.toMont([32]byte{9, 8, 7, 6, 5, 4, 3, 2, 1})
	for b.Loop() {
		c.p.mul(&x, &x, &y)
	}
}

func BenchmarkAddAffine(b *testing.B) {
	c := sm2Curve()
	acc := jacobianPoint{x: c.gTable[0][0].x, y: c.gTable[0][0].y, z: c.p.one}
	for i := 0; b.Loop(); i++ {
		c.addAffine(&acc, &acc, &c.gTable[5][i%255])
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
