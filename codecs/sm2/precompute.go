package sm2

import (
	"sync"
	"sync/atomic"
)

// fastVerify is a public key's precomputed table, built at most once.
type fastVerify struct {
	once  sync.Once
	table atomic.Pointer[table]
}

// Precompute builds tables of multiples of k (510 KiB, a few milliseconds,
// once) with which every later Verify and VerifyDigest by k skips the
// variable-base scalar multiplication that dominates gmsm's verification:
// about five times faster on this project's machine (BenchmarkSM2Verify,
// figures in codecs/README.md). It is for keys that verify many messages —
// a centre's view of its institutions' keys, a client's view of the centre's
// key — not for one-off checks. Safe to call concurrently with Verify and
// more than once.
//
// The fast path is hand-written (curve.go, mont.go) because gmsm keeps its
// point arithmetic internal; it runs on public values only (key, signature,
// digest), and its results are checked against gmsm and tjfoc/gmsm in the
// tests and by fuzzing.
func (k *PublicKey) Precompute() {
	if k == nil || k.fast == nil {
		return
	}
	k.fast.once.Do(func() {
		c := sm2Curve()
		q := affinePoint{x: c.p.toMont(bytes32(k.k.X)), y: c.p.toMont(bytes32(k.k.Y))}
		k.fast.table.Store(c.newTable(&q))
	})
}

// precomputed returns k's table, or nil before Precompute.
func (k *PublicKey) precomputed() *table {
	if k.fast == nil {
		return nil
	}
	return k.fast.table.Load()
}

// verify is GB/T 32918.2 §7.1 verification (B1-B7) with k's table:
// t = (r + s) mod n, (x1, y1) = s·G + t·P, accept when (e + x1) mod n = r.
// x1 is never computed: with c = (r − e) mod n the test is x1 ≡ c (mod n),
// and as x1 < p < 2n that means x1 = c or x1 = c + n (when c + n < p), each
// checked projectively as X = x·Z², so no inversion is needed.
func (c *curve) verify(pt *table, e *[32]byte, sig *Signature) bool {
	r, s := limbs([32]byte(sig[:32])), limbs([32]byte(sig[32:]))
	if r.isZero() || s.isZero() || !r.less(&c.n.m) || !s.less(&c.n.m) {
		return false
	}
	var t elem
	c.n.add(&t, &r, &s) // plain integers: addition mod n needs no Montgomery form
	if t.isZero() {
		return false
	}
	var acc jacobianPoint
	sb, tb := [32]byte(sig[32:]), t.bytes()
	c.addMultiple(&acc, c.gTable(), &sb)
	c.addMultiple(&acc, pt, &tb)
	return c.xMatches(&acc, e, &r)
}

// verifyVarBase is verify for a key without tables: s·G from the base
// point's table, t·P by double-and-add (~8× slower than verify, no 510 KiB
// table). It confirms gmsm's rejections (see VerifyDigest).
func (c *curve) verifyVarBase(q *affinePoint, e *[32]byte, sig *Signature) bool {
	r, s := limbs([32]byte(sig[:32])), limbs([32]byte(sig[32:]))
	if r.isZero() || s.isZero() || !r.less(&c.n.m) || !s.less(&c.n.m) {
		return false
	}
	var t elem
	c.n.add(&t, &r, &s)
	if t.isZero() {
		return false
	}
	tp := c.mulVarTime(q, t.bytes())
	sb := [32]byte(sig[32:])
	c.addMultiple(&tp, c.gTable(), &sb)
	return c.xMatches(&tp, e, &r)
}

// xMatches is B6-B7 for the point acc = s·G + t·P: (e + x) mod n = r,
// checked projectively.
func (c *curve) xMatches(acc *jacobianPoint, e *[32]byte, r *elem) bool {
	if acc.z.isZero() {
		return false
	}
	ev := limbs(*e)
	c.n.reduceOnce(&ev, ev[0], ev[1], ev[2], ev[3], 0) // e < 2²⁵⁶ < 2n
	var want elem
	c.n.sub(&want, r, &ev)
	var z2 elem
	c.p.mul(&z2, &acc.z, &acc.z)
	if c.projectiveXIs(&acc.x, &z2, want) {
		return true
	}
	if want.less(&c.pMinusN) {
		var w elem
		c.n.addInt(&w, &want) // want + n, below p
		return c.projectiveXIs(&acc.x, &z2, w)
	}
	return false
}

// projectiveXIs reports X = x·Z² (mod p) for an integer x < p, X and Z² in
// Montgomery form.
func (c *curve) projectiveXIs(x, z2 *elem, want elem) bool {
	var w elem
	c.p.mul(&w, &want, &c.p.rr) // into Montgomery form
	c.p.mul(&w, &w, z2)
	return w == *x
}
