// AVX2 versions of the kernels in kernels.go: the same float32 operations in
// the same order, 8 lanes at a time, no fused multiply-add, so that they give
// the bits of the pure-Go definitions (TestKernelsBitIdentical). n is a
// positive multiple of 8. Operand order is Go's: the destination last, and
// VSUBPS a, b, c computes c = b − a, VDIVPS a, b, c computes c = b / a.

#include "textflag.h"

DATA kone<>+0(SB)/4, $0x3f800000
DATA kone<>+4(SB)/4, $0x3f800000
DATA kone<>+8(SB)/4, $0x3f800000
DATA kone<>+12(SB)/4, $0x3f800000
DATA kone<>+16(SB)/4, $0x3f800000
DATA kone<>+20(SB)/4, $0x3f800000
DATA kone<>+24(SB)/4, $0x3f800000
DATA kone<>+28(SB)/4, $0x3f800000
GLOBL kone<>(SB), RODATA|NOPTR, $32
DATA kminusone<>+0(SB)/4, $0xbf800000
DATA kminusone<>+4(SB)/4, $0xbf800000
DATA kminusone<>+8(SB)/4, $0xbf800000
DATA kminusone<>+12(SB)/4, $0xbf800000
DATA kminusone<>+16(SB)/4, $0xbf800000
DATA kminusone<>+20(SB)/4, $0xbf800000
DATA kminusone<>+24(SB)/4, $0xbf800000
DATA kminusone<>+28(SB)/4, $0xbf800000
GLOBL kminusone<>(SB), RODATA|NOPTR, $32
DATA khalf<>+0(SB)/4, $0x3f000000
DATA khalf<>+4(SB)/4, $0x3f000000
DATA khalf<>+8(SB)/4, $0x3f000000
DATA khalf<>+12(SB)/4, $0x3f000000
DATA khalf<>+16(SB)/4, $0x3f000000
DATA khalf<>+20(SB)/4, $0x3f000000
DATA khalf<>+24(SB)/4, $0x3f000000
DATA khalf<>+28(SB)/4, $0x3f000000
GLOBL khalf<>(SB), RODATA|NOPTR, $32
DATA klog2e<>+0(SB)/4, $0x3fb8aa3b
DATA klog2e<>+4(SB)/4, $0x3fb8aa3b
DATA klog2e<>+8(SB)/4, $0x3fb8aa3b
DATA klog2e<>+12(SB)/4, $0x3fb8aa3b
DATA klog2e<>+16(SB)/4, $0x3fb8aa3b
DATA klog2e<>+20(SB)/4, $0x3fb8aa3b
DATA klog2e<>+24(SB)/4, $0x3fb8aa3b
DATA klog2e<>+28(SB)/4, $0x3fb8aa3b
GLOBL klog2e<>(SB), RODATA|NOPTR, $32
DATA kc1<>+0(SB)/4, $0x3f318000
DATA kc1<>+4(SB)/4, $0x3f318000
DATA kc1<>+8(SB)/4, $0x3f318000
DATA kc1<>+12(SB)/4, $0x3f318000
DATA kc1<>+16(SB)/4, $0x3f318000
DATA kc1<>+20(SB)/4, $0x3f318000
DATA kc1<>+24(SB)/4, $0x3f318000
DATA kc1<>+28(SB)/4, $0x3f318000
GLOBL kc1<>(SB), RODATA|NOPTR, $32
DATA kc2<>+0(SB)/4, $0xb95e8083
DATA kc2<>+4(SB)/4, $0xb95e8083
DATA kc2<>+8(SB)/4, $0xb95e8083
DATA kc2<>+12(SB)/4, $0xb95e8083
DATA kc2<>+16(SB)/4, $0xb95e8083
DATA kc2<>+20(SB)/4, $0xb95e8083
DATA kc2<>+24(SB)/4, $0xb95e8083
DATA kc2<>+28(SB)/4, $0xb95e8083
GLOBL kc2<>(SB), RODATA|NOPTR, $32
DATA kp0<>+0(SB)/4, $0x39506967
DATA kp0<>+4(SB)/4, $0x39506967
DATA kp0<>+8(SB)/4, $0x39506967
DATA kp0<>+12(SB)/4, $0x39506967
DATA kp0<>+16(SB)/4, $0x39506967
DATA kp0<>+20(SB)/4, $0x39506967
DATA kp0<>+24(SB)/4, $0x39506967
DATA kp0<>+28(SB)/4, $0x39506967
GLOBL kp0<>(SB), RODATA|NOPTR, $32
DATA kp1<>+0(SB)/4, $0x3ab743ce
DATA kp1<>+4(SB)/4, $0x3ab743ce
DATA kp1<>+8(SB)/4, $0x3ab743ce
DATA kp1<>+12(SB)/4, $0x3ab743ce
DATA kp1<>+16(SB)/4, $0x3ab743ce
DATA kp1<>+20(SB)/4, $0x3ab743ce
DATA kp1<>+24(SB)/4, $0x3ab743ce
DATA kp1<>+28(SB)/4, $0x3ab743ce
GLOBL kp1<>(SB), RODATA|NOPTR, $32
DATA kp2<>+0(SB)/4, $0x3c088908
DATA kp2<>+4(SB)/4, $0x3c088908
DATA kp2<>+8(SB)/4, $0x3c088908
DATA kp2<>+12(SB)/4, $0x3c088908
DATA kp2<>+16(SB)/4, $0x3c088908
DATA kp2<>+20(SB)/4, $0x3c088908
DATA kp2<>+24(SB)/4, $0x3c088908
DATA kp2<>+28(SB)/4, $0x3c088908
GLOBL kp2<>(SB), RODATA|NOPTR, $32
DATA kp3<>+0(SB)/4, $0x3d2aa9c1
DATA kp3<>+4(SB)/4, $0x3d2aa9c1
DATA kp3<>+8(SB)/4, $0x3d2aa9c1
DATA kp3<>+12(SB)/4, $0x3d2aa9c1
DATA kp3<>+16(SB)/4, $0x3d2aa9c1
DATA kp3<>+20(SB)/4, $0x3d2aa9c1
DATA kp3<>+24(SB)/4, $0x3d2aa9c1
DATA kp3<>+28(SB)/4, $0x3d2aa9c1
GLOBL kp3<>(SB), RODATA|NOPTR, $32
DATA kp4<>+0(SB)/4, $0x3e2aaaaa
DATA kp4<>+4(SB)/4, $0x3e2aaaaa
DATA kp4<>+8(SB)/4, $0x3e2aaaaa
DATA kp4<>+12(SB)/4, $0x3e2aaaaa
DATA kp4<>+16(SB)/4, $0x3e2aaaaa
DATA kp4<>+20(SB)/4, $0x3e2aaaaa
DATA kp4<>+24(SB)/4, $0x3e2aaaaa
DATA kp4<>+28(SB)/4, $0x3e2aaaaa
GLOBL kp4<>(SB), RODATA|NOPTR, $32
DATA kp5<>+0(SB)/4, $0x3f000000
DATA kp5<>+4(SB)/4, $0x3f000000
DATA kp5<>+8(SB)/4, $0x3f000000
DATA kp5<>+12(SB)/4, $0x3f000000
DATA kp5<>+16(SB)/4, $0x3f000000
DATA kp5<>+20(SB)/4, $0x3f000000
DATA kp5<>+24(SB)/4, $0x3f000000
DATA kp5<>+28(SB)/4, $0x3f000000
GLOBL kp5<>(SB), RODATA|NOPTR, $32
DATA khi<>+0(SB)/4, $0x42b0c0a5
DATA khi<>+4(SB)/4, $0x42b0c0a5
DATA khi<>+8(SB)/4, $0x42b0c0a5
DATA khi<>+12(SB)/4, $0x42b0c0a5
DATA khi<>+16(SB)/4, $0x42b0c0a5
DATA khi<>+20(SB)/4, $0x42b0c0a5
DATA khi<>+24(SB)/4, $0x42b0c0a5
DATA khi<>+28(SB)/4, $0x42b0c0a5
GLOBL khi<>(SB), RODATA|NOPTR, $32
DATA klo<>+0(SB)/4, $0xc2aeac50
DATA klo<>+4(SB)/4, $0xc2aeac50
DATA klo<>+8(SB)/4, $0xc2aeac50
DATA klo<>+12(SB)/4, $0xc2aeac50
DATA klo<>+16(SB)/4, $0xc2aeac50
DATA klo<>+20(SB)/4, $0xc2aeac50
DATA klo<>+24(SB)/4, $0xc2aeac50
DATA klo<>+28(SB)/4, $0xc2aeac50
GLOBL klo<>(SB), RODATA|NOPTR, $32
DATA kb1<>+0(SB)/4, $0x3f666666
DATA kb1<>+4(SB)/4, $0x3f666666
DATA kb1<>+8(SB)/4, $0x3f666666
DATA kb1<>+12(SB)/4, $0x3f666666
DATA kb1<>+16(SB)/4, $0x3f666666
DATA kb1<>+20(SB)/4, $0x3f666666
DATA kb1<>+24(SB)/4, $0x3f666666
DATA kb1<>+28(SB)/4, $0x3f666666
GLOBL kb1<>(SB), RODATA|NOPTR, $32
DATA knb1<>+0(SB)/4, $0x3dcccccd
DATA knb1<>+4(SB)/4, $0x3dcccccd
DATA knb1<>+8(SB)/4, $0x3dcccccd
DATA knb1<>+12(SB)/4, $0x3dcccccd
DATA knb1<>+16(SB)/4, $0x3dcccccd
DATA knb1<>+20(SB)/4, $0x3dcccccd
DATA knb1<>+24(SB)/4, $0x3dcccccd
DATA knb1<>+28(SB)/4, $0x3dcccccd
GLOBL knb1<>(SB), RODATA|NOPTR, $32
DATA kb2<>+0(SB)/4, $0x3f7fbe77
DATA kb2<>+4(SB)/4, $0x3f7fbe77
DATA kb2<>+8(SB)/4, $0x3f7fbe77
DATA kb2<>+12(SB)/4, $0x3f7fbe77
DATA kb2<>+16(SB)/4, $0x3f7fbe77
DATA kb2<>+20(SB)/4, $0x3f7fbe77
DATA kb2<>+24(SB)/4, $0x3f7fbe77
DATA kb2<>+28(SB)/4, $0x3f7fbe77
GLOBL kb2<>(SB), RODATA|NOPTR, $32
DATA knb2<>+0(SB)/4, $0x3a83126f
DATA knb2<>+4(SB)/4, $0x3a83126f
DATA knb2<>+8(SB)/4, $0x3a83126f
DATA knb2<>+12(SB)/4, $0x3a83126f
DATA knb2<>+16(SB)/4, $0x3a83126f
DATA knb2<>+20(SB)/4, $0x3a83126f
DATA knb2<>+24(SB)/4, $0x3a83126f
DATA knb2<>+28(SB)/4, $0x3a83126f
GLOBL knb2<>(SB), RODATA|NOPTR, $32
DATA keps<>+0(SB)/4, $0x322bcc77
DATA keps<>+4(SB)/4, $0x322bcc77
DATA keps<>+8(SB)/4, $0x322bcc77
DATA keps<>+12(SB)/4, $0x322bcc77
DATA keps<>+16(SB)/4, $0x322bcc77
DATA keps<>+20(SB)/4, $0x322bcc77
DATA keps<>+24(SB)/4, $0x322bcc77
DATA keps<>+28(SB)/4, $0x322bcc77
GLOBL keps<>(SB), RODATA|NOPTR, $32
DATA kinf<>+0(SB)/4, $0x7f800000
DATA kinf<>+4(SB)/4, $0x7f800000
DATA kinf<>+8(SB)/4, $0x7f800000
DATA kinf<>+12(SB)/4, $0x7f800000
DATA kinf<>+16(SB)/4, $0x7f800000
DATA kinf<>+20(SB)/4, $0x7f800000
DATA kinf<>+24(SB)/4, $0x7f800000
DATA kinf<>+28(SB)/4, $0x7f800000
GLOBL kinf<>(SB), RODATA|NOPTR, $32
DATA ksignbit<>+0(SB)/4, $0x80000000
DATA ksignbit<>+4(SB)/4, $0x80000000
DATA ksignbit<>+8(SB)/4, $0x80000000
DATA ksignbit<>+12(SB)/4, $0x80000000
DATA ksignbit<>+16(SB)/4, $0x80000000
DATA ksignbit<>+20(SB)/4, $0x80000000
DATA ksignbit<>+24(SB)/4, $0x80000000
DATA ksignbit<>+28(SB)/4, $0x80000000
GLOBL ksignbit<>(SB), RODATA|NOPTR, $32
DATA ki127<>+0(SB)/4, $0x0000007f
DATA ki127<>+4(SB)/4, $0x0000007f
DATA ki127<>+8(SB)/4, $0x0000007f
DATA ki127<>+12(SB)/4, $0x0000007f
DATA ki127<>+16(SB)/4, $0x0000007f
DATA ki127<>+20(SB)/4, $0x0000007f
DATA ki127<>+24(SB)/4, $0x0000007f
DATA ki127<>+28(SB)/4, $0x0000007f
GLOBL ki127<>(SB), RODATA|NOPTR, $32

DATA kd1<>+0(SB)/8, $0x3ff0000000000000
GLOBL kd1<>(SB), RODATA|NOPTR, $8

DATA kdsign<>+0(SB)/8, $0x8000000000000000
GLOBL kdsign<>(SB), RODATA|NOPTR, $8
DATA kdlo<>+0(SB)/8, $0xc024000000000000
GLOBL kdlo<>(SB), RODATA|NOPTR, $8
DATA kdhi<>+0(SB)/8, $0x403e000000000000
GLOBL kdhi<>(SB), RODATA|NOPTR, $8
DATA kd64<>+0(SB)/8, $0x4050000000000000
GLOBL kd64<>(SB), RODATA|NOPTR, $8
DATA kdh<>+0(SB)/8, $0x3f90000000000000
GLOBL kdh<>(SB), RODATA|NOPTR, $8
DATA kd3<>+0(SB)/8, $0x4008000000000000
GLOBL kd3<>(SB), RODATA|NOPTR, $8

// func signsAVX2(s, u *float32, n int)
TEXT ·signsAVX2(SB), NOSPLIT, $0-24
	MOVQ s+0(FP), DI
	MOVQ u+8(FP), SI
	MOVQ n+16(FP), CX
	VMOVUPS kone<>(SB), Y1
	VMOVUPS kminusone<>(SB), Y2
	VXORPS Y0, Y0, Y0
signs_loop:
	VMOVUPS (SI), Y3
	VCMPPS $0x1d, Y0, Y3, Y4 // u >= 0 (GE_OQ: false for NaN)
	VBLENDVPS Y4, Y1, Y2, Y5 // u >= 0 ? +1 : −1
	VMOVUPS Y5, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ signs_loop
	VZEROUPPER
	RET

// func gatesAVX2(y, gate, x *float32, n int, alpha, beta, w float32)
TEXT ·gatesAVX2(SB), NOSPLIT, $0-44
	MOVQ y+0(FP), SI
	MOVQ gate+8(FP), DX
	MOVQ x+16(FP), DI
	MOVQ n+24(FP), CX
	VBROADCASTSS alpha+32(FP), Y13
	VBROADCASTSS beta+36(FP), Y14
	VBROADCASTSS w+40(FP), Y15
gates_loop:
	VMOVUPS (SI), Y0
	VMULPS Y0, Y14, Y1 // β·y
	VMULPS Y0, Y1, Y1  // ·y
	VADDPS Y1, Y13, Y1 // α + β·y·y
	VXORPS ksignbit<>(SB), Y1, Y1 // t = −(α + β·y·y)

	// expf(t), as fastmath.go: n = ⌊t·log₂e + ½⌋, r = t − n·c₁ − n·c₂,
	// e = (P(r)·r² + r + 1)·2ⁿ, +Inf above hi and 0 below lo.
	VMULPS klog2e<>(SB), Y1, Y2
	VADDPS khalf<>(SB), Y2, Y2 // fx
	VCVTTPS2DQ Y2, Y3          // n = int32(fx), truncated
	VCVTDQ2PS Y3, Y4
	VCMPPS $0x1e, Y2, Y4, Y5   // float32(n) > fx
	VPADDD Y5, Y3, Y3          // n−− there (the mask is −1)
	VCVTDQ2PS Y3, Y4           // fn
	VMULPS kc1<>(SB), Y4, Y5
	VSUBPS Y5, Y1, Y6          // t − fn·c₁
	VMULPS kc2<>(SB), Y4, Y5
	VSUBPS Y5, Y6, Y6          // r
	VMULPS Y6, Y6, Y7          // z = r·r
	VMULPS kp0<>(SB), Y6, Y8
	VADDPS kp1<>(SB), Y8, Y8
	VMULPS Y6, Y8, Y8
	VADDPS kp2<>(SB), Y8, Y8
	VMULPS Y6, Y8, Y8
	VADDPS kp3<>(SB), Y8, Y8
	VMULPS Y6, Y8, Y8
	VADDPS kp4<>(SB), Y8, Y8
	VMULPS Y6, Y8, Y8
	VADDPS kp5<>(SB), Y8, Y8
	VMULPS Y7, Y8, Y8          // P·z
	VADDPS Y6, Y8, Y8          // + r
	VADDPS kone<>(SB), Y8, Y8  // + 1
	VPADDD ki127<>(SB), Y3, Y3
	VPSLLD $23, Y3, Y3         // 2ⁿ
	VMULPS Y3, Y8, Y8
	VCMPPS $0x1e, khi<>(SB), Y1, Y5 // t > hi
	VBLENDVPS Y5, kinf<>(SB), Y8, Y8
	VCMPPS $0x11, klo<>(SB), Y1, Y5 // t < lo
	VANDNPS Y8, Y5, Y8              // 0 there

	VADDPS kone<>(SB), Y8, Y8 // 1 + e
	VMOVUPS kone<>(SB), Y9
	VDIVPS Y8, Y9, Y9         // gate = 1/(1 + e)
	VMOVUPS Y9, (DX)
	VMULPS Y0, Y15, Y10       // w·y
	VMULPS Y9, Y10, Y10       // ·gate
	VMOVUPS Y10, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ gates_loop
	VZEROUPPER
	RET

// func adamAVX2(p, grad, m, v *float32, n int, at float32)
TEXT ·adamAVX2(SB), NOSPLIT, $0-44
	MOVQ p+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), DX
	MOVQ v+24(FP), R8
	MOVQ n+32(FP), CX
	VBROADCASTSS at+40(FP), Y15
adam_loop:
	VMOVUPS (SI), Y0               // g
	VMOVUPS (DX), Y1
	VMULPS kb1<>(SB), Y1, Y1       // β₁·m
	VMULPS knb1<>(SB), Y0, Y2      // (1−β₁)·g
	VADDPS Y2, Y1, Y1              // m
	VMOVUPS (R8), Y3
	VMULPS kb2<>(SB), Y3, Y3       // β₂·v
	VMULPS knb2<>(SB), Y0, Y4      // (1−β₂)·g
	VMULPS Y0, Y4, Y4              // ·g
	VADDPS Y4, Y3, Y3              // v
	VMOVUPS Y1, (DX)
	VMOVUPS Y3, (R8)
	VSQRTPS Y3, Y5
	VADDPS keps<>(SB), Y5, Y5      // √v + ε
	VMULPS Y1, Y15, Y6             // at·m
	VDIVPS Y5, Y6, Y6              // /(√v + ε)
	VMOVUPS (DI), Y7
	VSUBPS Y6, Y7, Y7              // p − …
	VMOVUPS Y7, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, R8
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ adam_loop
	VZEROUPPER
	RET

// Adds the 4 lanes of Y (a float64 vector) to the scalar in A, lane 0
// first; T is a scratch register. (X and Y name the same register.)
#define ACC4(X, Y, A, T) \
	VADDSD X, A, A \
	VPERMILPD $1, X, T \
	VADDSD T, A, A \
	VEXTRACTF128 $1, Y, T \
	VADDSD T, A, A \
	VPERMILPD $1, T, T \
	VADDSD T, A, A

// Adds lane k of Y1 and then lane k of Y2 to A, for k = 0, …, 3.
#define ACC4x2(X1, Y1, X2, Y2, A, T1, YT1, T2, YT2) \
	VADDSD X1, A, A \
	VADDSD X2, A, A \
	VPERMILPD $1, X1, T1 \
	VPERMILPD $1, X2, T2 \
	VADDSD T1, A, A \
	VADDSD T2, A, A \
	VEXTRACTF128 $1, Y1, T1 \
	VEXTRACTF128 $1, Y2, T2 \
	VADDSD T1, A, A \
	VADDSD T2, A, A \
	VPERMILPD $1, T1, T1 \
	VPERMILPD $1, T2, T2 \
	VADDSD T1, A, A \
	VADDSD T2, A, A

// func denoiserGradAVX2(in, gate, dOut, dIn *float32, n int, w, twoBeta, beta, dg float64, gated int, acc *float64)
// n is a positive multiple of 4. Float64 lanes: Y0 = y, Y1 = π, Y2 = g
// (dOut), Y3 = y², Y4 = 1 − π, Y5 = s; X15, X14, X13 = acc[0], acc[1],
// acc[2]; Y12 = 1, Y11 = w, Y10 = 2β, Y9 = β, Y8 = dg.
TEXT ·denoiserGradAVX2(SB), NOSPLIT, $0-88
	MOVQ in+0(FP), SI
	MOVQ gate+8(FP), DX
	MOVQ dOut+16(FP), R8
	MOVQ dIn+24(FP), DI
	MOVQ n+32(FP), CX
	VBROADCASTSD w+40(FP), Y11
	VBROADCASTSD twoBeta+48(FP), Y10
	VBROADCASTSD beta+56(FP), Y9
	VBROADCASTSD dg+64(FP), Y8
	MOVQ gated+72(FP), BX
	MOVQ acc+80(FP), R9
	VBROADCASTSD kd1<>(SB), Y12
	VMOVSD 0(R9), X15
	VMOVSD 8(R9), X14
	VMOVSD 16(R9), X13
dgrad_loop:
	VCVTPS2PD (SI), Y0
	VCVTPS2PD (DX), Y1
	VCVTPS2PD (R8), Y2
	VMULPD Y0, Y0, Y3  // y² = y·y
	VSUBPD Y1, Y12, Y4 // 1 − π
	VMULPD Y4, Y1, Y5  // s = π·(1 − π)
	// f' = w·(π + 2β·y²·s) in float32; dIn += dOut·f' (float32).
	VMULPD Y3, Y10, Y6
	VMULPD Y5, Y6, Y6
	VADDPD Y1, Y6, Y6
	VMULPD Y6, Y11, Y6
	VCVTPD2PSY Y6, X6
	VMOVUPS (R8), X7
	VMULPS X6, X7, X7
	VMOVUPS (DI), X6
	VADDPS X7, X6, X6
	VMOVUPS X6, (DI)
	// acc[0] += g·(y·π)
	VMULPD Y1, Y0, Y7
	VMULPD Y7, Y2, Y7
	ACC4(X7, Y7, X15, X6)
	// e = dg·π·(1 − π) (used when gated), into Y1.
	VMULPD Y1, Y8, Y1
	VMULPD Y4, Y1, Y1
	// t1 = g·(w·y·s) into Y7; t2 = g·(w·y·y²·s) into Y4.
	VMULPD Y0, Y11, Y4
	VMULPD Y5, Y4, Y7
	VMULPD Y7, Y2, Y7
	VMULPD Y3, Y4, Y4
	VMULPD Y5, Y4, Y4
	VMULPD Y4, Y2, Y4
	TESTQ BX, BX
	JZ dgrad_plain
	// dIn += float32(2e·β·y)
	VADDPD Y1, Y1, Y5
	VMULPD Y9, Y5, Y5
	VMULPD Y0, Y5, Y5
	VCVTPD2PSY Y5, X5
	VMOVUPS (DI), X6
	VADDPS X5, X6, X6
	VMOVUPS X6, (DI)
	// u = e·y·y
	VMULPD Y0, Y1, Y3
	VMULPD Y0, Y3, Y3
	ACC4x2(X7, Y7, X1, Y1, X14, X0, Y0, X2, Y2)
	ACC4x2(X4, Y4, X3, Y3, X13, X5, Y5, X6, Y6)
	JMP dgrad_next
dgrad_plain:
	ACC4(X7, Y7, X14, X0)
	ACC4(X4, Y4, X13, X5)
dgrad_next:
	ADDQ $16, SI
	ADDQ $16, DX
	ADDQ $16, R8
	ADDQ $16, DI
	SUBQ $4, CX
	JNZ dgrad_loop
	VMOVSD X15, 0(R9)
	VMOVSD X14, 8(R9)
	VMOVSD X13, 16(R9)
	VZEROUPPER
	RET

// func outputDenoiserAVX2(S, P1, Zhat, Q *float32, Lam, DLam, val, der *float64, n int, kappa float64, A, B1 float32, store int) int
// Float64 lanes: Y0 = s, Y1 = p₁, Y2 = a, Y5 = t, Y6/Y7 = λ at the grid
// points i and i+1, Y8/Y9 = their slopes, Y11 = t², Y12 = t³; Y15 = κ,
// X14 = A and X13 = B + 1 (float32), Y10 = −0 (sign mask); the cubic
// Hermite interpolation in the order of invMillsFast (fastmath.go).
TEXT ·outputDenoiserAVX2(SB), NOSPLIT, $0-104
	MOVQ S+0(FP), SI
	MOVQ P1+8(FP), R8
	MOVQ Zhat+16(FP), DI
	MOVQ Q+24(FP), R9
	MOVQ Lam+32(FP), R11
	MOVQ DLam+40(FP), R12
	MOVQ val+48(FP), R13
	MOVQ der+56(FP), R14
	MOVQ n+64(FP), CX
	VBROADCASTSD kappa+72(FP), Y15
	VBROADCASTSS A+80(FP), X14
	VBROADCASTSS B1+84(FP), X13
	MOVQ store+88(FP), BX
	XORQ AX, AX // elements done
odn_loop:
	VCVTPS2PD (SI), Y0
	VCVTPS2PD (R8), Y1
	VBROADCASTSD kdsign<>(SB), Y10
	VXORPD Y10, Y0, Y2  // −s
	VMULPD Y1, Y2, Y2   // −s·p₁
	VDIVPD Y15, Y2, Y2  // a = −s·p₁/κ
	VBROADCASTSD kdlo<>(SB), Y3
	VCMPPD $0x1d, Y3, Y2, Y4 // a ≥ −10
	VBROADCASTSD kdhi<>(SB), Y5
	VCMPPD $0x11, Y5, Y2, Y5 // a < 30
	VANDPD Y5, Y4, Y4
	VMOVMSKPD Y4, DX
	CMPQ DX, $15
	JNE odn_done        // some lane outside the table: the caller's
	VSUBPD Y3, Y2, Y3   // a − millsLo
	VBROADCASTSD kd64<>(SB), Y4
	VMULPD Y4, Y3, Y3   // u = (a − millsLo)·64
	VCVTTPD2DQY Y3, X4  // i = int(u)
	VCVTDQ2PD X4, Y5
	VSUBPD Y5, Y3, Y5   // t = u − i
	VPCMPEQD Y10, Y10, Y10
	VGATHERDPD Y10, (R13)(X4*8), Y6  // λ(i)
	VPCMPEQD Y10, Y10, Y10
	VGATHERDPD Y10, 8(R13)(X4*8), Y7 // λ(i+1)
	VPCMPEQD Y10, Y10, Y10
	VGATHERDPD Y10, (R14)(X4*8), Y8  // λ'(i)
	VPCMPEQD Y10, Y10, Y10
	VGATHERDPD Y10, 8(R14)(X4*8), Y9 // λ'(i+1)
	VBROADCASTSD kdh<>(SB), Y3
	VMULPD Y3, Y8, Y8   // m₀ = λ'(i)·h
	VMULPD Y3, Y9, Y9   // m₁ = λ'(i+1)·h
	VMULPD Y5, Y5, Y11  // t²
	VMULPD Y5, Y11, Y12 // t³
	VADDPD Y12, Y12, Y3 // 2t³
	VBROADCASTSD kd3<>(SB), Y4
	VMULPD Y4, Y11, Y4  // 3t²
	VSUBPD Y4, Y3, Y10  // 2t³ − 3t²
	VBROADCASTSD kd1<>(SB), Y13
	VADDPD Y13, Y10, Y10 // + 1
	VMULPD Y6, Y10, Y10  // ·y₀
	VADDPD Y11, Y11, Y6  // 2t²
	VSUBPD Y6, Y12, Y6   // t³ − 2t²
	VADDPD Y5, Y6, Y6    // + t
	VMULPD Y8, Y6, Y6    // ·m₀
	VADDPD Y6, Y10, Y10
	VSUBPD Y3, Y4, Y8    // −2t³ + 3t²
	VMULPD Y7, Y8, Y8    // ·y₁
	VADDPD Y8, Y10, Y10
	VSUBPD Y11, Y12, Y8  // t³ − t²
	VMULPD Y9, Y8, Y8    // ·m₁
	VADDPD Y8, Y10, Y10  // λ
	VSUBPD Y2, Y10, Y8   // λ − a
	VMULPD Y8, Y10, Y8   // λ' = λ(λ − a)
	TESTQ BX, BX
	JZ odn_nostore
	VMOVUPD Y10, (R11)
	VMOVUPD Y8, (R12)
	ADDQ $32, R11
	ADDQ $32, R12
odn_nostore:
	VMULPD Y15, Y0, Y8   // s·κ
	VMULPD Y10, Y8, Y8   // ·λ
	VADDPD Y1, Y8, Y8    // p₁ + s·κ·λ
	VCVTPD2PSY Y8, X8    // ẑ
	VMOVUPS X8, (DI)
	VBROADCASTSS A+80(FP), X14
	VMULPS X14, X8, X9   // A·ẑ
	VMOVUPS (R8), X11
	VBROADCASTSS B1+84(FP), X13
	VMULPS X13, X11, X11 // (B+1)·p₁
	VSUBPS X11, X9, X9
	VMOVUPS X9, (R9)
	ADDQ $16, SI
	ADDQ $16, R8
	ADDQ $16, DI
	ADDQ $16, R9
	ADDQ $4, AX
	SUBQ $4, CX
	JNZ odn_loop
odn_done:
	MOVQ AX, ret+96(FP)
	VZEROUPPER
	RET
