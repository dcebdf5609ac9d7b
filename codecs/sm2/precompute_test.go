package sm2

import (
	"crypto/rand"
	"math/big"
	"sync"
	"testing"

	gmsm "github.com/emmansun/gmsm/sm2"
	tjsm2 "github.com/tjfoc/gmsm/sm2"
)

// The precomputed path (curve.go, mont.go) is hand-written arithmetic: every
// test here compares it with an independent implementation — math/big for
// the modular arithmetic, gmsm's elliptic.Curve for points, gmsm for
// verification verdicts (tjfoc signs in TestPrecomputedVerifyAgrees; it is
// no verdict oracle on the edge cases, see TestVerifyDoublingAndInfinity).

func TestModulusAgainstBig(t *testing.T) {
	c := sm2Curve()
	params := gmsm.P256().Params()
	for _, tc := range []struct {
		name string
		md   *modulus
		m    *big.Int
	}{{"p", c.p, params.P}, {"n", c.n, params.N}} {
		t.Run(tc.name, func(t *testing.T) {
			r := new(big.Int).Lsh(big.NewInt(1), 256)
			rInv := new(big.Int).ModInverse(r, tc.m)
			edge := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(2), new(big.Int).Sub(tc.m, big.NewInt(1)),
				new(big.Int).Sub(tc.m, big.NewInt(2)), new(big.Int).Rsh(tc.m, 1)}
			vals := append([]*big.Int{}, edge...)
			for range 200 {
				v, err := rand.Int(rand.Reader, tc.m)
				if err != nil {
					t.Fatal(err)
				}
				vals = append(vals, v)
			}
			for i, x := range vals {
				y := vals[(i*7+3)%len(vals)]
				xe, ye := limbs(bytes32(x)), limbs(bytes32(y))
				var got elem
				tc.md.add(&got, &xe, &ye)
				want := new(big.Int).Add(x, y)
				want.Mod(want, tc.m)
				if got.bytes() != bytes32(want) {
					t.Fatalf("%x + %x = %x, want %x", x, y, got.bytes(), want)
				}
				tc.md.sub(&got, &xe, &ye)
				want.Sub(x, y).Mod(want, tc.m)
				if got.bytes() != bytes32(want) {
					t.Fatalf("%x - %x = %x, want %x", x, y, got.bytes(), want)
				}
				tc.md.mul(&got, &xe, &ye) // x·y·R⁻¹
				want.Mul(x, y).Mul(want, rInv).Mod(want, tc.m)
				if got.bytes() != bytes32(want) {
					t.Fatalf("mont(%x, %x) = %x, want %x", x, y, got.bytes(), want)
				}
				xm := tc.md.toMont(bytes32(x))
				if back := tc.md.fromMont(&xm); back != bytes32(x) {
					t.Fatalf("fromMont(toMont(%x)) = %x", x, back)
				}
				if x.Sign() != 0 {
					var inv elem
					tc.md.inv(&inv, &xm)
					want.ModInverse(x, tc.m)
					if tc.md.fromMont(&inv) != bytes32(want) {
						t.Fatalf("inv(%x) = %x, want %x", x, tc.md.fromMont(&inv), want)
					}
				}
			}
		})
	}
}

// fromAffine reads a point in Montgomery form back as big.Ints.
func fromAffine(c *curve, a affinePoint) (x, y *big.Int) {
	xb, yb := c.p.fromMont(&a.x), c.p.fromMont(&a.y)
	return new(big.Int).SetBytes(xb[:]), new(big.Int).SetBytes(yb[:])
}

func TestTableMultiplesMatchGMSM(t *testing.T) {
	c := sm2Curve()
	ec := gmsm.P256()
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub := k.Public().ECDSA()
	q := affinePoint{x: c.p.toMont(bytes32(pub.X)), y: c.p.toMont(bytes32(pub.Y))}
	tab := c.newTable(&q)
	n := ec.Params().N
	scalars := []*big.Int{big.NewInt(1), big.NewInt(2), big.NewInt(255), big.NewInt(256), big.NewInt(257),
		new(big.Int).Sub(n, big.NewInt(1)), new(big.Int).Sub(n, big.NewInt(2)),
		new(big.Int).Lsh(big.NewInt(1), 255)}
	for range 50 {
		s, _ := rand.Int(rand.Reader, n)
		scalars = append(scalars, s)
	}
	for _, s := range scalars {
		for _, tc := range []struct {
			name   string
			tab    *table
			wx, wy *big.Int
		}{
			{"P", tab, nil, nil},
			{"G", c.gTable(), nil, nil},
		} {
			if tc.name == "P" {
				tc.wx, tc.wy = ec.ScalarMult(pub.X, pub.Y, s.Bytes())
			} else {
				tc.wx, tc.wy = ec.ScalarBaseMult(s.Bytes())
			}
			var acc jacobianPoint
			sb := bytes32(s)
			c.addMultiple(&acc, tc.tab, &sb)
			if acc.z.isZero() {
				t.Fatalf("%s·%x: got infinity", tc.name, s)
			}
			gx, gy := fromAffine(c, c.toAffine(&acc))
			if gx.Cmp(tc.wx) != 0 || gy.Cmp(tc.wy) != 0 {
				t.Fatalf("%x·%s = (%x, %x), gmsm says (%x, %x)", s, tc.name, gx, gy, tc.wx, tc.wy)
			}
		}
	}
	// n·P is the point at infinity: the sum passes through P + (−P).
	var acc jacobianPoint
	nb := bytes32(n)
	c.addMultiple(&acc, tab, &nb)
	if !acc.z.isZero() {
		t.Errorf("n·P is not infinity")
	}
}

func TestAddAffineSpecialCases(t *testing.T) {
	c := sm2Curve()
	ec := gmsm.P256()
	g := c.gTable()[0][0]
	gj := jacobianPoint{x: g.x, y: g.y, z: c.p.one}
	// G + G takes the doubling branch.
	var r jacobianPoint
	c.addAffine(&r, &gj, &g)
	x, y := fromAffine(c, c.toAffine(&r))
	wx, wy := ec.Double(ec.Params().Gx, ec.Params().Gy)
	if x.Cmp(wx) != 0 || y.Cmp(wy) != 0 {
		t.Errorf("G + G = (%x, %x), want 2G (%x, %x)", x, y, wx, wy)
	}
	// G + (−G) = ∞, and ∞ + G = G.
	var neg affinePoint
	neg.x = g.x
	c.p.sub(&neg.y, &elem{}, &g.y)
	c.addAffine(&r, &gj, &neg)
	if !r.z.isZero() {
		t.Errorf("G + (−G) is not infinity")
	}
	c.addAffine(&r, &jacobianPoint{}, &g)
	if x, y := fromAffine(c, c.toAffine(&r)); x.Cmp(ec.Params().Gx) != 0 || y.Cmp(ec.Params().Gy) != 0 {
		t.Errorf("∞ + G = (%x, %x)", x, y)
	}
}

// TestPrecomputedVerifyAgrees signs with both libraries and checks that the
// precomputed path gives gmsm's verdict on every valid signature and on
// each of its corruptions.
func TestPrecomputedVerifyAgrees(t *testing.T) {
	tk, err := tjsm2.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	d := make([]byte, 32)
	tk.D.FillBytes(d)
	k, err := NewPrivateKeyFromGMSM(mustGMSMKey(t, d))
	if err != nil {
		t.Fatal(err)
	}
	slow := *k.Public() // a copy shares the tables: give it none
	slow.fast = new(fastVerify)
	fast := k.Public()
	fast.Precompute()
	if fast.precomputed() == nil || slow.precomputed() != nil {
		t.Fatal("Precompute did not attach tables to exactly the precomputed key")
	}
	for _, msg := range testMessages {
		for signer, sign := range map[string]func() Signature{
			"gmsm": func() Signature {
				s, err := Sign(rand.Reader, k, nil, msg)
				if err != nil {
					t.Fatal(err)
				}
				return s
			},
			"tjfoc": func() Signature {
				r, s, err := tjsm2.Sm2Sign(tk, msg, nil, rand.Reader)
				if err != nil {
					t.Fatal(err)
				}
				var sig Signature
				r.FillBytes(sig[:32])
				s.FillBytes(sig[32:])
				return sig
			},
		} {
			for range 5 {
				sig := sign()
				if !Verify(fast, nil, msg, sig) {
					t.Fatalf("precomputed verify rejects %s's valid signature %x", signer, sig)
				}
				for bit := 0; bit < 512; bit += 37 {
					bad := sig
					bad[bit/8] ^= 1 << (bit % 8)
					if got, want := Verify(fast, nil, msg, bad), Verify(&slow, nil, msg, bad); got != want || got {
						t.Fatalf("corrupted %s signature (bit %d) %x: precomputed %v, gmsm %v", signer, bit, bad, got, want)
					}
				}
				if Verify(fast, nil, append([]byte("x"), msg...), sig) {
					t.Fatalf("precomputed verify accepts %s's signature over another message", signer)
				}
			}
		}
	}
}

func mustGMSMKey(t *testing.T, d []byte) *gmsm.PrivateKey {
	t.Helper()
	k, err := gmsm.NewPrivateKey(d)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestPrecomputedVerifyEdges: signatures at and around the range limits,
// and an r that only matches when x1 ≥ n.
func TestPrecomputedVerifyEdges(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	slow := *k.Public()
	slow.fast = new(fastVerify)
	fast := k.Public()
	fast.Precompute()
	n := gmsm.P256().Params().N
	set := func(r, s *big.Int) Signature {
		var sig Signature
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
		return sig
	}
	one, nm1 := big.NewInt(1), new(big.Int).Sub(n, big.NewInt(1))
	cases := map[string]Signature{
		"zero":        {},
		"r=n":         set(n, one),
		"s=n":         set(one, n),
		"r=n-1 s=1":   set(nm1, one),
		"r+s=n":       set(big.NewInt(5), new(big.Int).Sub(n, big.NewInt(5))),
		"r=1 s=n-1":   set(one, nm1),
		"all ones":    func() (s Signature) { copy(s[:], bigOnes()); return s }(),
		"top bit set": set(new(big.Int).Lsh(one, 255), new(big.Int).Lsh(one, 254)),
	}
	for name, sig := range cases {
		for _, msg := range testMessages[:2] {
			if got, want := Verify(fast, nil, msg, sig), Verify(&slow, nil, msg, sig); got != want {
				t.Errorf("%s: precomputed %v, gmsm %v", name, got, want)
			}
		}
	}
	// A forged-by-construction signature valid for a chosen digest: pick s,
	// t; x1 = x(s·G + t·P); r = t − s; e = r − x1 (mod n). Verification then
	// accepts, on both paths, without a private key — exercising the
	// x-coordinate comparison on a value the test controls.
	ec := gmsm.P256()
	pub := k.Public().ECDSA()
	for range 20 {
		s, _ := rand.Int(rand.Reader, n)
		tt, _ := rand.Int(rand.Reader, n)
		r := new(big.Int).Sub(tt, s)
		r.Mod(r, n)
		if s.Sign() == 0 || r.Sign() == 0 {
			continue
		}
		x1, y1 := ec.ScalarBaseMult(s.Bytes())
		x2, y2 := ec.ScalarMult(pub.X, pub.Y, tt.Bytes())
		x, _ := ec.Add(x1, y1, x2, y2)
		e := new(big.Int).Sub(r, x)
		e.Mod(e, n)
		eb := bytes32(e)
		sig := set(r, s)
		if !VerifyDigest(fast, eb[:], sig) || !VerifyDigest(&slow, eb[:], sig) {
			t.Fatalf("constructed (r, s, e) does not verify: precomputed %v, gmsm %v",
				VerifyDigest(fast, eb[:], sig), VerifyDigest(&slow, eb[:], sig))
		}
		eb[31] ^= 1
		if VerifyDigest(fast, eb[:], sig) {
			t.Fatal("precomputed verify accepts a digest one bit off")
		}
		// e + n (when it fits in 32 bytes) is the same residue: both accept.
		if en := new(big.Int).Add(e, n); en.BitLen() <= 256 {
			b := bytes32(en)
			if got, want := VerifyDigest(fast, b[:], sig), VerifyDigest(&slow, b[:], sig); got != want {
				t.Fatalf("digest e+n: precomputed %v, gmsm %v", got, want)
			}
		}
	}
}

// TestVerifyDoublingAndInfinity: the two signatures whose verification sum
// s·G + t·P is not an ordinary addition. With s = t·d the sum is a doubling,
// 2s·G, and a signature built on it is valid; with s = −t·d the sum is the
// point at infinity, which has no x, and no digest makes it valid (not even
// e = r, which an implementation reading ∞ as (0, 0) accepts). Every path of
// VerifyDigest must get both right. tjfoc/gmsm v1.4.1 gets both wrong (its
// point addition falls through to the general formula after doubling, and
// converts ∞ to (0, 0)), so it is not an oracle here: its verdicts are
// logged only, and the other tests ask it only about random signatures,
// where either case has probability about 2⁻²⁵⁶.
func TestVerifyDoublingAndInfinity(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ec := gmsm.P256()
	n := ec.Params().N
	d := k.GMSM().D
	dInv := new(big.Int).ModInverse(d, n)
	slow := *k.Public()
	slow.fast = new(fastVerify)
	fast := k.Public()
	fast.Precompute()
	c := sm2Curve()
	pub := k.Public().ECDSA()
	q := affinePoint{x: c.p.toMont(bytes32(pub.X)), y: c.p.toMont(bytes32(pub.Y))}
	tj := tjPublic(k.Public())

	// build returns (r, s, e) for t = sign·s·d⁻¹: s·G + t·P = (1 + sign)·s·G.
	build := func(sign int64) (Signature, [32]byte) {
		for {
			s, _ := rand.Int(rand.Reader, n)
			tt := new(big.Int).Mul(s, dInv)
			tt.Mul(tt, big.NewInt(sign)).Mod(tt, n)
			r := new(big.Int).Sub(tt, s)
			r.Mod(r, n)
			if s.Sign() == 0 || r.Sign() == 0 {
				continue
			}
			e := new(big.Int).Set(r) // the infinity case: e = r
			if sign == 1 {
				s2 := new(big.Int).Lsh(s, 1)
				x1, _ := ec.ScalarMult(ec.Params().Gx, ec.Params().Gy, s2.Mod(s2, n).Bytes())
				e.Sub(r, x1).Mod(e, n) // valid: (e + x1) mod n = r
			}
			var sig Signature
			r.FillBytes(sig[:32])
			s.FillBytes(sig[32:])
			return sig, bytes32(e)
		}
	}
	for _, tc := range []struct {
		name  string
		sign  int64
		valid bool
	}{{"doubling s·G = t·P", 1, true}, {"infinity s·G = −t·P, e = r", -1, false}} {
		sig, e := build(tc.sign)
		got := map[string]bool{
			"VerifyDigest precomputed": VerifyDigest(fast, e[:], sig),
			"VerifyDigest (gmsm+ours)": VerifyDigest(&slow, e[:], sig),
			"verifyVarBase":            c.verifyVarBase(&q, &e, &sig), // what confirms gmsm's "no"
		}
		for path, ok := range got {
			if ok != tc.valid {
				t.Errorf("%s: %s says %v, want %v", tc.name, path, ok, tc.valid)
			}
		}
		t.Logf("%s: gmsm VerifyASN1 %v, tjfoc Verify %v (not asserted; valid: %v)", tc.name,
			gmsm.VerifyASN1(pub, e[:], sig.DER()), tjsm2.Verify(tj, e[:], sig.R(), sig.S()), tc.valid)
	}
}

func bigOnes() []byte {
	b := make([]byte, 64)
	for i := range b {
		b[i] = 0xff
	}
	return b
}

// TestPrecomputeConcurrent runs Precompute while other goroutines verify
// (meaningful under -race, which make test uses for this package's fuzz
// seeds too).
func TestPrecomputeConcurrent(t *testing.T) {
	k, err := GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := Sign(rand.Reader, k, nil, testMessages[0])
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				k.Public().Precompute()
			}
			for range 20 {
				if !Verify(k.Public(), nil, testMessages[0], sig) {
					t.Error("valid signature rejected while precomputing")
					return
				}
			}
		}()
	}
	wg.Wait()
}
