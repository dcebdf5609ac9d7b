package sm2

import (
	"bytes"
	"crypto/rand"
	"math/big"
	"os"

	"paycert/codecs/sm2/internal/montgen"
	"testing"
)

// TestMulSM2PAgainstGoAndBig checks the assembly field product against
// mulGo and math/big on edge values (0, 1, p−1, limbs all ones or zero,
// values just below p that make the final subtraction matter) and random
// ones. Off amd64 it is skipped: there mul is mulGo.
func TestMulSM2PAgainstGoAndBig(t *testing.T) {
	if !haveMulSM2P {
		t.Skip("no MULX/ADX field product on this CPU or architecture")
	}
	c := sm2Curve()
	p := new(big.Int).SetBytes(func() []byte { b := c.p.m.bytes(); return b[:] }())
	rInv := new(big.Int).ModInverse(new(big.Int).Lsh(big.NewInt(1), 256), p)
	var vals []elem
	pm1, _ := subInt(&c.p.m, &elem{1})
	pm2, _ := subInt(&c.p.m, &elem{2})
	vals = append(vals, elem{}, elem{1}, elem{2}, pm1, pm2, c.p.one, c.p.rr,
		elem{^uint64(0), 0, ^uint64(0), 0}, elem{0, ^uint64(0), 0, 0x7fffffffffffffff},
		elem{^uint64(0), ^uint64(0), ^uint64(0), 0xfffffffeffffffff - 1})
	for range 2000 {
		var b [32]byte
		rand.Read(b[:])
		v := limbs(b)
		if !v.less(&c.p.m) {
			continue
		}
		vals = append(vals, v)
	}
	for i, x := range vals {
		for _, y := range []elem{vals[(i*7+3)%len(vals)], x, vals[i/2]} {
			checkMulSM2P(t, c, p, rInv, x, y)
		}
	}
}

func checkMulSM2P(t *testing.T, c *curve, p, rInv *big.Int, x, y elem) {
	t.Helper()
	var asm, gocode elem
	mulSM2P(&asm, &x, &y)
	c.p.mulGo(&gocode, &x, &y)
	xb, yb := x.bytes(), y.bytes()
	want := new(big.Int).Mul(new(big.Int).SetBytes(xb[:]), new(big.Int).SetBytes(yb[:]))
	want.Mul(want, rInv).Mod(want, p)
	if asm != gocode || asm.bytes() != bytes32(want) {
		t.Fatalf("mont(%x, %x): asm %x, Go %x, big %x", xb, yb, asm.bytes(), gocode.bytes(), bytes32(want))
	}
	// Aliased operands, as the point formulas use them (z = x·x in place).
	z := x
	mulSM2P(&z, &z, &y)
	if z != asm {
		t.Fatalf("mont(%x, %x) in place: %x, want %x", xb, yb, z.bytes(), asm.bytes())
	}
}

// FuzzMulSM2P: the assembly field product agrees with mulGo and math/big on
// any pair of residues (inputs are reduced below p first).
func FuzzMulSM2P(f *testing.F) {
	if !haveMulSM2P {
		f.Skip("no MULX/ADX field product on this CPU or architecture")
	}
	f.Add(make([]byte, 64))
	f.Add(append(bytes.Repeat([]byte{0xff}, 32), bytes.Repeat([]byte{0xfe}, 32)...))
	c := sm2Curve()
	p := new(big.Int).SetBytes(func() []byte { b := c.p.m.bytes(); return b[:] }())
	rInv := new(big.Int).ModInverse(new(big.Int).Lsh(big.NewInt(1), 256), p)
	f.Fuzz(func(t *testing.T, b []byte) {
		var buf [64]byte
		copy(buf[:], b)
		var xs, ys [32]byte
		copy(xs[:], buf[:32])
		copy(ys[:], buf[32:])
		x, y := reduceP(c, p, xs), reduceP(c, p, ys)
		checkMulSM2P(t, c, p, rInv, x, y)
	})
}

func reduceP(c *curve, p *big.Int, b [32]byte) elem {
	v := new(big.Int).SetBytes(b[:])
	return limbs(bytes32(v.Mod(v, p)))
}

// TestMontAsmGenerated: mont_amd64.s is what its generator writes, so a
// hand edit cannot drift from the register rotation montgen keeps.
func TestMontAsmGenerated(t *testing.T) {
	got, err := os.ReadFile("mont_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != montgen.Source() {
		t.Fatal("mont_amd64.s differs from internal/montgen's output: run go generate ./codecs/sm2")
	}
}
