//go:build !purego

package sm2

import "golang.org/x/sys/cpu"

//go:generate go run gen_mont.go

// haveMulSM2P: the CPU has the MULX (BMI2) and ADCX/ADOX (ADX) instructions
// mulSM2P is written with (every x86-64 CPU since about 2014).
var haveMulSM2P = cpu.X86.HasBMI2 && cpu.X86.HasADX

// mulSM2P sets z = x·y·2⁻²⁵⁶ mod p for the SM2 prime (mont_amd64.s): the
// field product behind PublicKey.Precompute's verification, ~3× faster than
// the same arithmetic in Go (BenchmarkMontMul), which is why it is in
// assembly at all.
//
//go:noescape
func mulSM2P(z, x, y *elem)
