package sm2

import (
	"math/big"
	"math/bits"
	"sync"

	gmsm "github.com/emmansun/gmsm/sm2"
)

// This file is the point arithmetic behind verification (precompute.go):
// sums of precomputed multiples of a fixed point, in Jacobian coordinates
// over the SM2 field. The point operations are variable-time, which is
// sound because verification runs on public data (public keys, the base
// point, signatures and digests being verified). Two other callers, both for
// F-GMSM-BASEMULT: makeNonce checks gmsm's k·G with onCurve, which is
// branch-free apart from its range test and its verdict (see there), and
// wrapPrivate recomputes d·G with addMultiple, variable-time in the secret
// d, once, only for the rare key whose point gmsm's two multiplications
// disagree on (see there).

// curve holds the SM2 constants in the forms the arithmetic uses. One value,
// built on first use and read-only after (sm2Curve). The base point's table
// costs a few milliseconds and half a megabyte, so it is built on the first
// verification that needs it, not for a signer.
type curve struct {
	p, n     *modulus      // the field prime and the group order
	gTable   func() *table // multiples of the base point G, built once on first call
	pMinusN  elem          // p − n as an integer: an x-coordinate ≥ n is below p only if x − n < p − n
	threeMon elem          // 3 in Montgomery form mod p
	bMon     elem          // the curve's b in Montgomery form mod p
}

// sm2Curve returns the shared read-only constants.
var sm2Curve = sync.OnceValue(newCurve)

func newCurve() *curve {
	params := gmsm.P256().Params()
	c := &curve{p: newModulus(bytes32(params.P)), n: newModulus(bytes32(params.N))}
	c.pMinusN, _ = subInt(&c.p.m, &c.n.m)
	var three elem
	c.p.add(&three, &c.p.one, &c.p.one)
	c.p.add(&three, &three, &c.p.one)
	c.threeMon = three
	c.bMon = c.p.toMont(bytes32(params.B))
	g := affinePoint{x: c.p.toMont(bytes32(params.Gx)), y: c.p.toMont(bytes32(params.Gy))}
	c.gTable = sync.OnceValue(func() *table { return c.newTable(&g) })
	return c
}

// bytes32 writes a non-negative integer below 2²⁵⁶ as 32 big-endian bytes.
func bytes32(x *big.Int) [32]byte {
	var b [32]byte
	x.FillBytes(b[:])
	return b
}

// subInt returns x − y as 256-bit integers and the borrow out (1 when x < y).
func subInt(x, y *elem) (elem, uint64) {
	var z elem
	var b uint64
	z[0], b = bits.Sub64(x[0], y[0], 0)
	z[1], b = bits.Sub64(x[1], y[1], b)
	z[2], b = bits.Sub64(x[2], y[2], b)
	z[3], b = bits.Sub64(x[3], y[3], b)
	return z, b
}

// affinePoint is (x, y) in Montgomery form; it is never the point at infinity.
type affinePoint struct{ x, y elem }

// jacobianPoint is (X:Y:Z) for x = X/Z², y = Y/Z³, in Montgomery form; Z = 0
// is the point at infinity.
type jacobianPoint struct{ x, y, z elem }

// double sets r = 2q (dbl-2001-b, for a = −3, which SM2's a is).
func (c *curve) double(r, q *jacobianPoint) {
	f := c.p
	var delta, gamma, beta, alpha, t, u elem
	f.mul(&delta, &q.z, &q.z)
	f.mul(&gamma, &q.y, &q.y)
	f.mul(&beta, &q.x, &gamma)
	f.sub(&t, &q.x, &delta)
	f.add(&u, &q.x, &delta)
	f.mul(&alpha, &t, &u)
	f.mul(&alpha, &alpha, &c.threeMon)
	// Z3 = (Y+Z)² − γ − δ, computed before X3/Y3 overwrite q when r == q.
	var z3 elem
	f.add(&z3, &q.y, &q.z)
	f.mul(&z3, &z3, &z3)
	f.sub(&z3, &z3, &gamma)
	f.sub(&z3, &z3, &delta)
	// X3 = α² − 8β
	var x3, beta4, beta8 elem
	f.add(&beta4, &beta, &beta)
	f.add(&beta4, &beta4, &beta4)
	f.add(&beta8, &beta4, &beta4)
	f.mul(&x3, &alpha, &alpha)
	f.sub(&x3, &x3, &beta8)
	// Y3 = α(4β − X3) − 8γ²
	var y3, g2 elem
	f.sub(&t, &beta4, &x3)
	f.mul(&y3, &alpha, &t)
	f.mul(&g2, &gamma, &gamma)
	f.add(&g2, &g2, &g2)
	f.add(&g2, &g2, &g2)
	f.add(&g2, &g2, &g2)
	f.sub(&y3, &y3, &g2)
	r.x, r.y, r.z = x3, y3, z3
}

// addAffine sets r = p + q for an affine q (add-1998-cmo-2 with Z2 = 1),
// handling p = ∞, p = q and p = −q.
func (c *curve) addAffine(r, p *jacobianPoint, q *affinePoint) {
	f := c.p
	if p.z.isZero() {
		r.x, r.y, r.z = q.x, q.y, f.one
		return
	}
	var z1z1, u2, s2, h, rr elem
	f.mul(&z1z1, &p.z, &p.z)
	f.mul(&u2, &q.x, &z1z1)
	f.mul(&s2, &q.y, &p.z)
	f.mul(&s2, &s2, &z1z1)
	f.sub(&h, &u2, &p.x)
	f.sub(&rr, &s2, &p.y)
	if h.isZero() {
		if rr.isZero() { // p == q
			c.double(r, p)
			return
		}
		*r = jacobianPoint{} // p == −q
		return
	}
	var hh, hhh, v, x3, y3, z3, t elem
	f.mul(&hh, &h, &h)
	f.mul(&hhh, &h, &hh)
	f.mul(&v, &p.x, &hh)
	// X3 = r² − H³ − 2V
	f.mul(&x3, &rr, &rr)
	f.sub(&x3, &x3, &hhh)
	f.sub(&x3, &x3, &v)
	f.sub(&x3, &x3, &v)
	// Y3 = r(V − X3) − Y1·H³
	f.sub(&t, &v, &x3)
	f.mul(&y3, &rr, &t)
	f.mul(&t, &p.y, &hhh)
	f.sub(&y3, &y3, &t)
	// Z3 = Z1·H
	f.mul(&z3, &p.z, &h)
	r.x, r.y, r.z = x3, y3, z3
}

// toAffine converts p (not ∞) with one inversion.
func (c *curve) toAffine(p *jacobianPoint) affinePoint {
	f := c.p
	var zi, zi2, zi3 elem
	f.inv(&zi, &p.z)
	f.mul(&zi2, &zi, &zi)
	f.mul(&zi3, &zi2, &zi)
	var a affinePoint
	f.mul(&a.x, &p.x, &zi2)
	f.mul(&a.y, &p.y, &zi3)
	return a
}

// batchAffine converts points (none ∞) to affine with one inversion for all
// of them (Montgomery's trick: invert the product, then peel one factor off
// at a time).
func (c *curve) batchAffine(out []affinePoint, in []jacobianPoint) {
	f := c.p
	prefix := make([]elem, len(in))
	acc := f.one
	for i := range in {
		prefix[i] = acc
		f.mul(&acc, &acc, &in[i].z)
	}
	var inv elem
	f.inv(&inv, &acc) // (z0·z1·…)⁻¹
	for i := len(in) - 1; i >= 0; i-- {
		var zi, zi2, zi3 elem
		f.mul(&zi, &inv, &prefix[i]) // z_i⁻¹
		f.mul(&inv, &inv, &in[i].z)  // drop z_i from the running inverse
		f.mul(&zi2, &zi, &zi)
		f.mul(&zi3, &zi2, &zi)
		f.mul(&out[i].x, &in[i].x, &zi2)
		f.mul(&out[i].y, &in[i].y, &zi3)
	}
}

// table holds j·256ⁱ·P for window i = 0..31 and j = 1..255 (at [i][j−1]):
// a 256-bit scalar times P is then at most 32 additions and no doublings.
// 32 × 255 affine points = 510 KiB.
type table [32][255]affinePoint

func (c *curve) newTable(p *affinePoint) *table {
	t := new(table)
	row := make([]jacobianPoint, 255)
	base := jacobianPoint{x: p.x, y: p.y, z: c.p.one}
	for i := 0; i < 32; i++ {
		b := *p
		if i > 0 {
			b = c.toAffine(&base)
		}
		row[0] = jacobianPoint{x: b.x, y: b.y, z: c.p.one}
		for j := 1; j < 255; j++ {
			c.addAffine(&row[j], &row[j-1], &b)
		}
		c.batchAffine(t[i][:], row)
		for k := 0; k < 8; k++ {
			c.double(&base, &base)
		}
	}
	return t
}

// addMultiple adds scalar·P to acc, where t is P's table and scalar is 32
// big-endian bytes.
func (c *curve) addMultiple(acc *jacobianPoint, t *table, scalar *[32]byte) {
	for i := 0; i < 32; i++ {
		if b := scalar[31-i]; b != 0 {
			c.addAffine(acc, acc, &t[i][b-1])
		}
	}
}

// mulVarTime returns scalar·q by double-and-add from the top bit: variable
// time, for public scalars only (verification's t).
func (c *curve) mulVarTime(q *affinePoint, scalar [32]byte) jacobianPoint {
	var acc jacobianPoint // ∞: doubling keeps Z = 0
	for _, b := range scalar {
		for bit := 7; bit >= 0; bit-- {
			c.double(&acc, &acc)
			if b>>bit&1 == 1 {
				c.addAffine(&acc, &acc, q)
			}
		}
	}
	return acc
}

// onCurve reports whether the affine point (x, y), plain integers as 32
// big-endian bytes, satisfies y² = x³ − 3x + b with x, y < p. It is the
// check on gmsm's k·G in makeNonce (F-GMSM-BASEMULT: the wrong point seen
// is off the curve). Branch-free in x and y apart from the range test and
// the final comparison: on a point that passes, both compare in full; the
// early exits are taken only for a point that is refused and dropped. x
// becomes public anyway as r − e mod n once the nonce signs.
func (c *curve) onCurve(xb, yb [32]byte) bool {
	x, y := limbs(xb), limbs(yb)
	if !x.less(&c.p.m) || !y.less(&c.p.m) {
		return false
	}
	f := c.p
	xm, ym := f.toMont(xb), f.toMont(yb)
	var rhs, t, lhs elem
	f.mul(&rhs, &xm, &xm)
	f.mul(&rhs, &rhs, &xm) // x³
	f.mul(&t, &xm, &c.threeMon)
	f.sub(&rhs, &rhs, &t) // − 3x
	f.add(&rhs, &rhs, &c.bMon)
	f.mul(&lhs, &ym, &ym)
	return lhs == rhs
}
