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
