//go:build !purego

#include "textflag.h"

// func mulSM2P(z, x, y *elem)
//
// z = x·y·2⁻²⁵⁶ mod p for the SM2 prime p = 2²⁵⁶ − 2²²⁴ − 2⁹⁶ + 2⁶⁴ − 1,
// x, y < p: the same CIOS Montgomery product as modulus.mul's sm2p path
// (mont.go), one row per limb of y, with MULX and the two carry chains of
// ADCX/ADOX for the row's products. The running sum lives in six registers
// that rotate by one each row instead of being shifted down a limb. Needs
// BMI2 and ADX (mont_amd64.go checks). Constant-time: no branches, the
// final subtraction is a CMOV.
TEXT ·mulSM2P(SB), NOSPLIT, $0-24
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	XORQ R8, R8
	XORQ R9, R9
	XORQ R10, R10
	XORQ R11, R11
	XORQ R12, R12

	// row 0: acc += x·y[0]; CF and OF carry the two chains
	MOVQ 0(DI), DX
	XORQ R13, R13
	MULXQ 0(SI), AX, BX
	ADCXQ AX, R8
	ADOXQ BX, R9
	MULXQ 8(SI), AX, BX
	ADCXQ AX, R9
	ADOXQ BX, R10
	MULXQ 16(SI), AX, BX
	ADCXQ AX, R10
	ADOXQ BX, R11
	MULXQ 24(SI), AX, BX
	ADCXQ AX, R11
	ADOXQ BX, R12
	MOVQ $0, AX
	ADCXQ AX, R12
	ADOXQ AX, R13
	ADCXQ AX, R13
	// acc = (acc + q·p) / 2⁶⁴ with q = acc0 (−p⁻¹ ≡ 1 mod 2⁶⁴): add q at
	// limbs 1 and 4, subtract q·2³² at limbs 1-2 and 3-4; −q cancels limb 0.
	MOVQ R8, AX
	SHLQ $32, AX
	MOVQ R8, BX
	SHRQ $32, BX
	ADDQ R8, R9
	ADCQ $0, R10
	ADCQ $0, R11
	ADCQ R8, R12
	ADCQ $0, R13
	SUBQ AX, R9
	SBBQ BX, R10
	SBBQ AX, R11
	SBBQ BX, R12
	SBBQ $0, R13

	// row 1: acc += x·y[1]; CF and OF carry the two chains
	MOVQ 8(DI), DX
	XORQ R8, R8
	MULXQ 0(SI), AX, BX
	ADCXQ AX, R9
	ADOXQ BX, R10
	MULXQ 8(SI), AX, BX
	ADCXQ AX, R10
	ADOXQ BX, R11
	MULXQ 16(SI), AX, BX
	ADCXQ AX, R11
	ADOXQ BX, R12
	MULXQ 24(SI), AX, BX
	ADCXQ AX, R12
	ADOXQ BX, R13
	MOVQ $0, AX
	ADCXQ AX, R13
	ADOXQ AX, R8
	ADCXQ AX, R8
	// acc = (acc + q·p) / 2⁶⁴ with q = acc0 (−p⁻¹ ≡ 1 mod 2⁶⁴): add q at
	// limbs 1 and 4, subtract q·2³² at limbs 1-2 and 3-4; −q cancels limb 0.
	MOVQ R9, AX
	SHLQ $32, AX
	MOVQ R9, BX
	SHRQ $32, BX
	ADDQ R9, R10
	ADCQ $0, R11
	ADCQ $0, R12
	ADCQ R9, R13
	ADCQ $0, R8
	SUBQ AX, R10
	SBBQ BX, R11
	SBBQ AX, R12
	SBBQ BX, R13
	SBBQ $0, R8

	// row 2: acc += x·y[2]; CF and OF carry the two chains
	MOVQ 16(DI), DX
	XORQ R9, R9
	MULXQ 0(SI), AX, BX
	ADCXQ AX, R10
	ADOXQ BX, R11
	MULXQ 8(SI), AX, BX
	ADCXQ AX, R11
	ADOXQ BX, R12
	MULXQ 16(SI), AX, BX
	ADCXQ AX, R12
	ADOXQ BX, R13
	MULXQ 24(SI), AX, BX
	ADCXQ AX, R13
	ADOXQ BX, R8
	MOVQ $0, AX
	ADCXQ AX, R8
	ADOXQ AX, R9
	ADCXQ AX, R9
	// acc = (acc + q·p) / 2⁶⁴ with q = acc0 (−p⁻¹ ≡ 1 mod 2⁶⁴): add q at
	// limbs 1 and 4, subtract q·2³² at limbs 1-2 and 3-4; −q cancels limb 0.
	MOVQ R10, AX
	SHLQ $32, AX
	MOVQ R10, BX
	SHRQ $32, BX
	ADDQ R10, R11
	ADCQ $0, R12
	ADCQ $0, R13
	ADCQ R10, R8
	ADCQ $0, R9
	SUBQ AX, R11
	SBBQ BX, R12
	SBBQ AX, R13
	SBBQ BX, R8
	SBBQ $0, R9

	// row 3: acc += x·y[3]; CF and OF carry the two chains
	MOVQ 24(DI), DX
	XORQ R10, R10
	MULXQ 0(SI), AX, BX
	ADCXQ AX, R11
	ADOXQ BX, R12
	MULXQ 8(SI), AX, BX
	ADCXQ AX, R12
	ADOXQ BX, R13
	MULXQ 16(SI), AX, BX
	ADCXQ AX, R13
	ADOXQ BX, R8
	MULXQ 24(SI), AX, BX
	ADCXQ AX, R8
	ADOXQ BX, R9
	MOVQ $0, AX
	ADCXQ AX, R9
	ADOXQ AX, R10
	ADCXQ AX, R10
	// acc = (acc + q·p) / 2⁶⁴ with q = acc0 (−p⁻¹ ≡ 1 mod 2⁶⁴): add q at
	// limbs 1 and 4, subtract q·2³² at limbs 1-2 and 3-4; −q cancels limb 0.
	MOVQ R11, AX
	SHLQ $32, AX
	MOVQ R11, BX
	SHRQ $32, BX
	ADDQ R11, R12
	ADCQ $0, R13
	ADCQ $0, R8
	ADCQ R11, R9
	ADCQ $0, R10
	SUBQ AX, R12
	SBBQ BX, R13
	SBBQ AX, R8
	SBBQ BX, R9
	SBBQ $0, R10

	// acc < 2p: subtract p unless that borrows (p's limbs 0 and 2 are
	// all ones, sign-extended from $-1).
	MOVQ R12, AX
	MOVQ R13, BX
	MOVQ R8, CX
	MOVQ R9, DX
	MOVQ $0xffffffff00000000, SI
	MOVQ $0xfffffffeffffffff, DI
	SUBQ $-1, AX
	SBBQ SI, BX
	SBBQ $-1, CX
	SBBQ DI, DX
	SBBQ $0, R10
	CMOVQCS R12, AX
	CMOVQCS R13, BX
	CMOVQCS R8, CX
	CMOVQCS R9, DX
	MOVQ z+0(FP), DI
	MOVQ AX, 0(DI)
	MOVQ BX, 8(DI)
	MOVQ CX, 16(DI)
	MOVQ DX, 24(DI)
	RET
