package sm2

import "testing"

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
