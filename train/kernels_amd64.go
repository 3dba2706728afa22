package train

import (
	"os"

	"golang.org/x/sys/cpu"
)

// useSIMD selects the AVX2 kernels of kernels_amd64.s; BITSWEEP_SIMD=off
// keeps the pure-Go ones (the results are the same bits either way).
var useSIMD = cpu.X86.HasAVX2 && os.Getenv("BITSWEEP_SIMD") != "off"

// The assembly kernels; n is a positive multiple of 8 and every pointer
// addresses at least n float32s.

//go:noescape
func signsAVX2(s, u *float32, n int)

//go:noescape
func gatesAVX2(y, gate, x *float32, n int, alpha, beta, w float32)

//go:noescape
func adamAVX2(p, grad, m, v *float32, n int, at float32)

//go:noescape
func denoiserGradAVX2(in, gate, dOut, dIn *float32, n int, w, twoBeta, beta, dg float64, gated int, acc *float64)

// outputDenoiserAVX2 returns the number of elements done: n, or the start of
// the first block of 4 with an a outside [millsLo, millsHi), which it leaves
// to the caller.
//
//go:noescape
func outputDenoiserAVX2(S, P1, Zhat, Q *float32, Lam, DLam, val, der *float64, n int, kappa float64, A, B1 float32, store int) int
