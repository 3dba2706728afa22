package train

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// refit replaces A by the least-squares decoder for the current encoder:
// A* = Cᵀ·K⁻¹ with K = E[s·sᵀ] and C = E[s·xᵀ] (science.md §2.1, "Optimal
// decoder for a fixed B"), estimated on fresh training samples (a stream
// disjoint from the minibatches and the held-out set). A ridge of 1e-6·tr(K)/n
// keeps K invertible when two codes coincide.
func (t *Trainer) refit() error {
	d, n := t.m.d, t.m.n
	// Enough samples that the estimation error of A adds well under 1% to
	// the loss: the excess risk of least squares is ≈ n/N (derived: the
	// classical OLS excess risk σ²·n/N with σ² ≤ 1 per output coordinate).
	N := max(200*n, 20000)
	rows := t.cfg.Batch
	w := newWork(t.m, rows, false)
	X := make([]float32, rows*d)
	K := make([]float32, n*n)
	C := make([]float32, n*d)
	for k, done := int64(0), 0; done < N; k++ {
		t.src.Batch(t.cfg.Seed, refitBase+k, X)
		t.m.forward(w, X)
		gemm(true, false, n, n, rows, 1, w.S, n, w.S, n, 1, K, n)
		gemm(true, false, n, d, rows, 1, w.S, n, X, d, 1, C, d)
		done += rows
	}
	k64 := mat.NewSymDense(n, nil)
	var tr float64
	for i := 0; i < n; i++ {
		tr += float64(K[i*n+i])
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := float64(K[i*n+j])
			if i == j {
				v += 1e-6 * tr / float64(n)
			}
			k64.SetSym(i, j, v)
		}
	}
	c64 := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			c64.Set(i, j, float64(C[i*d+j]))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(k64) {
		return fmt.Errorf("refit decoder: code covariance is not positive definite")
	}
	var sol mat.Dense // K⁻¹·C (n×d) = A*ᵀ
	if err := ch.SolveTo(&sol, c64); err != nil {
		return fmt.Errorf("refit decoder: %w", err)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			t.m.A[j*n+i] = float32(sol.At(i, j))
		}
	}
	return nil
}
