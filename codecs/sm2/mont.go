package sm2

import (
	"encoding/binary"
	"math/bits"
)

// This file is Montgomery arithmetic modulo a 256-bit odd number: the SM2
// field prime p (for the point arithmetic in curve.go, which verification in
// precompute.go and the on-curve check of makeNonce's k·G use) and the group
// order n (for the online half of a signature with a precomputed nonce,
// nonce.go, and the scalar steps of verification). gmsm has the same
// arithmetic in assembly but keeps it internal; only its big.Int
// elliptic.Curve API is exported, which pays an inversion and big.Int
// conversions per operation. The two uses here need what that API cannot
// give: points added into a running sum without leaving projective
// coordinates, and a handful of modular products on 32-byte values.
//
// Timing contract, which nonce.go relies on for the secret nonce k and the
// key's (1 + d)⁻¹: reduceOnce, add, sub, mul (Go and assembly), toMont,
// fromMont and addInt are branch-free on their operands (the final
// subtraction is a masked select; math/bits.Add64, Sub64 and Mul64 take
// time independent of their inputs). mul branches only on which modulus
// and CPU it runs on, both public. isZero and less compute their answer
// branch-free too, but return it as a bool, which the caller branches on:
// that one bit is what they reveal. inv is variable-time in its exponent
// m − 2, which is public, and not in x.

// elem is a residue in Montgomery form, x·2²⁵⁶ mod m, as four little-endian
// 64-bit limbs, always fully reduced (< m), so equal residues are equal
// arrays.
type elem [4]uint64

// modulus holds m and the constants Montgomery multiplication needs.
type modulus struct {
	m   elem   // the modulus itself (not in Montgomery form)
	n0  uint64 // −m⁻¹ mod 2⁶⁴
	rr  elem   // 2⁵¹² mod m: mul(x, rr) puts x into Montgomery form
	one elem   // 2²⁵⁶ mod m: 1 in Montgomery form
	// sm2p: m is the SM2 prime, whose shape lets a reduction step use
	// shifts instead of four multiplications (see mul).
	sm2p bool
}

// sm2P is the SM2 field prime 2²⁵⁶ − 2²²⁴ − 2⁹⁶ + 2⁶⁴ − 1 as limbs.
var sm2P = elem{0xffffffffffffffff, 0xffffffff00000000, 0xffffffffffffffff, 0xfffffffeffffffff}

// newModulus derives the constants from m's big-endian bytes. m must be odd
// and above 2²⁵⁵ (true of SM2's p and n), so 2²⁵⁶ − m < m.
func newModulus(be [32]byte) *modulus {
	md := &modulus{m: limbs(be)}
	md.sm2p = md.m == sm2P
	// Newton's iteration for m⁻¹ mod 2⁶⁴: each step doubles the correct bits.
	inv := uint64(1)
	for i := 0; i < 6; i++ {
		inv *= 2 - md.m[0]*inv
	}
	md.n0 = -inv
	// 2²⁵⁶ mod m = 2²⁵⁶ − m, as m > 2²⁵⁵.
	var b uint64
	md.one[0], b = bits.Sub64(0, md.m[0], 0)
	md.one[1], b = bits.Sub64(0, md.m[1], b)
	md.one[2], b = bits.Sub64(0, md.m[2], b)
	md.one[3], _ = bits.Sub64(0, md.m[3], b)
	// 2⁵¹² mod m by 256 modular doublings of 2²⁵⁶ mod m.
	md.rr = md.one
	for i := 0; i < 256; i++ {
		md.add(&md.rr, &md.rr, &md.rr)
	}
	return md
}

// limbs reads a big-endian 32-byte integer.
func limbs(be [32]byte) elem {
	return elem{
		binary.BigEndian.Uint64(be[24:]),
		binary.BigEndian.Uint64(be[16:]),
		binary.BigEndian.Uint64(be[8:]),
		binary.BigEndian.Uint64(be[0:]),
	}
}

// bytes writes x (not in Montgomery form) as 32 big-endian bytes.
func (x *elem) bytes() [32]byte {
	var be [32]byte
	binary.BigEndian.PutUint64(be[0:], x[3])
	binary.BigEndian.PutUint64(be[8:], x[2])
	binary.BigEndian.PutUint64(be[16:], x[1])
	binary.BigEndian.PutUint64(be[24:], x[0])
	return be
}

// isZero reports x == 0. The OR of the limbs is constant-time; only the
// answer is a branchable bit. On a secret (makeNonce's k, signOnline's
// k + r) it reveals just "this value is zero", a rejection event of
// probability about 2⁻²⁵⁶ after which the value is discarded.
func (x *elem) isZero() bool { return x[0]|x[1]|x[2]|x[3] == 0 }

// less reports x < y as integers: the borrow out of x − y, by a Sub64
// chain with no branch on limb values, so like isZero it reveals only its
// answer. On makeNonce's k (less than n?) that is "k is in range", true of
// every nonce kept, or that the draw was out of range and thrown away.
func (x *elem) less(y *elem) bool {
	_, b := bits.Sub64(x[0], y[0], 0)
	_, b = bits.Sub64(x[1], y[1], b)
	_, b = bits.Sub64(x[2], y[2], b)
	_, b = bits.Sub64(x[3], y[3], b)
	return b == 1
}

// reduceOnce sets z to x − m if that does not go negative, else to x, where
// x = hi·2²⁵⁶ + (x0..x3) < 2m. Branch-free.
func (md *modulus) reduceOnce(z *elem, x0, x1, x2, x3, hi uint64) {
	d0, b := bits.Sub64(x0, md.m[0], 0)
	d1, b := bits.Sub64(x1, md.m[1], b)
	d2, b := bits.Sub64(x2, md.m[2], b)
	d3, b := bits.Sub64(x3, md.m[3], b)
	_, b = bits.Sub64(hi, 0, b)
	// b == 1: x < m, keep x.
	keep := -b
	z[0] = x0&keep | d0&^keep
	z[1] = x1&keep | d1&^keep
	z[2] = x2&keep | d2&^keep
	z[3] = x3&keep | d3&^keep
}

// add sets z = x + y mod m (x, y < m).
func (md *modulus) add(z, x, y *elem) {
	s0, c := bits.Add64(x[0], y[0], 0)
	s1, c := bits.Add64(x[1], y[1], c)
	s2, c := bits.Add64(x[2], y[2], c)
	s3, c := bits.Add64(x[3], y[3], c)
	md.reduceOnce(z, s0, s1, s2, s3, c)
}

// sub sets z = x − y mod m (x, y < m).
func (md *modulus) sub(z, x, y *elem) {
	d0, b := bits.Sub64(x[0], y[0], 0)
	d1, b := bits.Sub64(x[1], y[1], b)
	d2, b := bits.Sub64(x[2], y[2], b)
	d3, b := bits.Sub64(x[3], y[3], b)
	// Add m back when it went negative.
	mask := -b
	var c uint64
	z[0], c = bits.Add64(d0, md.m[0]&mask, 0)
	z[1], c = bits.Add64(d1, md.m[1]&mask, c)
	z[2], c = bits.Add64(d2, md.m[2]&mask, c)
	z[3], _ = bits.Add64(d3, md.m[3]&mask, c)
}

// mul sets z = x·y·2⁻²⁵⁶ mod m (x, y < m). For the SM2 prime on a CPU with
// MULX and ADX it is mulSM2P's assembly, else mulGo.
func (md *modulus) mul(z, x, y *elem) {
	if haveMulSM2P && md.sm2p {
		mulSM2P(z, x, y)
		return
	}
	md.mulGo(z, x, y)
}

// mulGo is mul in Go: CIOS Montgomery multiplication, one row per limb of
// y; the limb steps are written out because the compiler does not unroll
// loops.
func (md *modulus) mulGo(z, x, y *elem) {
	var t0, t1, t2, t3, t4 uint64
	for i := 0; i < 4; i++ {
		yi := y[i]
		// t += x·yi
		var c, hi, lo, cc uint64
		hi, lo = bits.Mul64(x[0], yi)
		t0, cc = bits.Add64(t0, lo, 0)
		c = hi + cc
		hi, lo = bits.Mul64(x[1], yi)
		lo, cc = bits.Add64(lo, c, 0)
		hi += cc
		t1, cc = bits.Add64(t1, lo, 0)
		c = hi + cc
		hi, lo = bits.Mul64(x[2], yi)
		lo, cc = bits.Add64(lo, c, 0)
		hi += cc
		t2, cc = bits.Add64(t2, lo, 0)
		c = hi + cc
		hi, lo = bits.Mul64(x[3], yi)
		lo, cc = bits.Add64(lo, c, 0)
		hi += cc
		t3, cc = bits.Add64(t3, lo, 0)
		c = hi + cc
		var t5 uint64
		t4, t5 = bits.Add64(t4, c, 0)
		// t = (t + q·m) / 2⁶⁴ with q chosen so the low limb cancels.
		if md.sm2p {
			// One reduction step for the SM2 prime: (t + q·p) / 2⁶⁴ with
			// q = t0 (−p⁻¹ ≡ 1 mod 2⁶⁴). q·p = q·2²⁵⁶ − q·2²²⁴ − q·2⁹⁶ +
			// q·2⁶⁴ − q: add q at limbs 1 and 4, subtract q·2³² (as q<<32
			// and q>>32) at limbs 1-2 and 3-4; −q cancels limb 0 exactly.
			q := t0
			var b uint64
			t1, cc = bits.Add64(t1, q, 0)
			t2, cc = bits.Add64(t2, 0, cc)
			t3, cc = bits.Add64(t3, 0, cc)
			t4, cc = bits.Add64(t4, q, cc)
			t5 += cc
			lo, hi := q<<32, q>>32
			t0, b = bits.Sub64(t1, lo, 0)
			t1, b = bits.Sub64(t2, hi, b)
			t2, b = bits.Sub64(t3, lo, b)
			t3, b = bits.Sub64(t4, hi, b)
			t4 = t5 - b
			continue
		}
		// t = (t + q·m) / 2⁶⁴ with q chosen so the low limb cancels.
		q := t0 * md.n0
		hi, lo = bits.Mul64(q, md.m[0])
		_, cc = bits.Add64(t0, lo, 0)
		c = hi + cc
		hi, lo = bits.Mul64(q, md.m[1])
		lo, cc = bits.Add64(lo, c, 0)
		hi += cc
		t0, cc = bits.Add64(t1, lo, 0)
		c = hi + cc
		hi, lo = bits.Mul64(q, md.m[2])
		lo, cc = bits.Add64(lo, c, 0)
		hi += cc
		t1, cc = bits.Add64(t2, lo, 0)
		c = hi + cc
		hi, lo = bits.Mul64(q, md.m[3])
		lo, cc = bits.Add64(lo, c, 0)
		hi += cc
		t2, cc = bits.Add64(t3, lo, 0)
		c = hi + cc
		t3, cc = bits.Add64(t4, c, 0)
		t4 = t5 + cc
	}
	// reduceOnce, written out: the compiler does not inline it, and this is
	// every product (the two inlined reduction paths together took a product
	// from ~55 to ~31 ns in consecutive BenchmarkMontMul runs).
	d0, b := bits.Sub64(t0, md.m[0], 0)
	d1, b := bits.Sub64(t1, md.m[1], b)
	d2, b := bits.Sub64(t2, md.m[2], b)
	d3, b := bits.Sub64(t3, md.m[3], b)
	_, b = bits.Sub64(t4, 0, b)
	keep := -b
	z[0] = t0&keep | d0&^keep
	z[1] = t1&keep | d1&^keep
	z[2] = t2&keep | d2&^keep
	z[3] = t3&keep | d3&^keep
}

// toMont returns x·2²⁵⁶ mod m for x < m given as big-endian bytes.
func (md *modulus) toMont(be [32]byte) elem {
	x := limbs(be)
	var z elem
	md.mul(&z, &x, &md.rr)
	return z
}

// fromMont returns the integer x·2⁻²⁵⁶ mod m as big-endian bytes.
func (md *modulus) fromMont(x *elem) [32]byte {
	var z elem
	one := elem{1}
	md.mul(&z, x, &one)
	return z.bytes()
}

// inv sets z = x⁻¹ mod m by Fermat (x^(m−2)), for prime m. Variable time in
// the exponent, which is public, and constant-time in x (keyInv inverts the
// secret 1 + d); x = 0 gives 0.
func (md *modulus) inv(z, x *elem) {
	e := md.m
	e[0] -= 2 // m is odd and > 2: no borrow
	r := md.one
	base := *x
	for i := 0; i < 256; i++ {
		if e[i/64]>>(i%64)&1 == 1 {
			md.mul(&r, &r, &base)
		}
		md.mul(&base, &base, &base)
	}
	*z = r
}

// addInt sets z = x + m as a plain integer; the caller knows it fits in 256
// bits.
func (md *modulus) addInt(z, x *elem) {
	var c uint64
	z[0], c = bits.Add64(x[0], md.m[0], 0)
	z[1], c = bits.Add64(x[1], md.m[1], c)
	z[2], c = bits.Add64(x[2], md.m[2], c)
	z[3], _ = bits.Add64(x[3], md.m[3], c)
}
