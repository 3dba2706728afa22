//go:build !amd64

package train

// useSIMD is false off amd64: the pure-Go kernels of kernels.go run.
const useSIMD = false

func signsAVX2(s, u *float32, n int)                               { panic("unreachable") }
func gatesAVX2(y, gate, x *float32, n int, alpha, beta, w float32) { panic("unreachable") }
func adamAVX2(p, grad, m, v *float32, n int, at float32)           { panic("unreachable") }

func denoiserGradAVX2(in, gate, dOut, dIn *float32, n int, w, twoBeta, beta, dg float64, gated int, acc *float64) {
	panic("unreachable")
}

func outputDenoiserAVX2(S, P1, Zhat, Q *float32, Lam, DLam, val, der *float64, n int, kappa float64, A, B1 float32, store int) int {
	panic("unreachable")
}
