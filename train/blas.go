package train

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// backend names the BLAS that computes the matrix products. It is "gonum"
// (pure Go, the default) unless the binary was built with -tags openblas.
var backend = "gonum"

// Backend returns the name of the BLAS backend in use ("gonum" or
// "openblas"). Results are bit-reproducible within one backend and CPU
// family; the two backends round differently.
func Backend() string { return backend }

// gemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, op(X)
// being X or Xᵀ as ta/tb say. op(A) is m×k, op(B) is k×n, C is m×n.
func gemm(ta, tb bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	t := func(x bool) blas.Transpose {
		if x {
			return blas.Trans
		}
		return blas.NoTrans
	}
	blas32.Implementation().Sgemm(t(ta), t(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
