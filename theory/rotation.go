package theory

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// RotationLossBG estimates, by Monte Carlo, the loss at finite d of a random
// rotation on Bernoulli–Gaussian data: the encoder B has n ≤ d Haar
// orthonormal rows and the decoder is the best linear one for it,
// A = E[x sᵀ]·E[s sᵀ]⁻¹ with s = sign(Bx) (sign(0) = +1). This is the
// minimiser that science.md §4.2 describes as d → ∞, where its loss tends to
// GaussLoss(n/d) at every p; at finite d and small p·d the loss is larger
// (derived: with few non-zeros per sample the projections b_i·x are far from
// jointly Gaussian, so the codes are correlated and each carries less than
// √(2/π) of a coordinate). The value is the reference that tells a
// finite-size gap from a training run that stopped early: a trained linear
// autoencoder at or below it is not stuck above the rotation.
//
// The estimate draws one Haar B and samples x, with a fixed seed, so it is
// deterministic. The plug-in least-squares residual on N samples is biased
// low by the factor 1 − n/N (derived: the residual of an ordinary least
// squares fit with n regressors has expectation (N − n)/N times the noise
// variance), so it is divided by that factor. Returns NaN unless
// 1 ≤ n ≤ d, 0 < p ≤ 1 and samples > 2n.
func RotationLossBG(d, n int, p float64, samples int, seed uint64) float64 {
	if n < 1 || n > d || !(p > 0 && p <= 1) || samples <= 2*n {
		return math.NaN()
	}
	rng := rand.New(rand.NewPCG(seed, 0x726f74)) // "rot"
	b := HaarRows(rng, n, d)
	const chunk = 2048
	k := mat.NewDense(n, n, nil) // Σ s sᵀ
	c := mat.NewDense(n, d, nil) // Σ s xᵀ
	var x2 float64               // Σ ‖x‖²
	scale := 1 / math.Sqrt(p)    // E x_i² = 1 (science.md §1)
	var x, s, ks, cs mat.Dense
	for done := 0; done < samples; done += chunk {
		m := min(chunk, samples-done)
		x.ReuseAs(m, d)
		for i := 0; i < m; i++ {
			row := x.RawRowView(i)
			for j := range row {
				row[j] = 0
				if rng.Float64() < p {
					row[j] = scale * rng.NormFloat64()
					x2 += row[j] * row[j]
				}
			}
		}
		s.Mul(&x, b.T())
		s.Apply(func(_, _ int, v float64) float64 {
			if v < 0 {
				return -1
			}
			return 1
		}, &s)
		ks.Mul(s.T(), &s)
		k.Add(k, &ks)
		cs.Mul(s.T(), &x)
		c.Add(c, &cs)
		// The last chunk may be shorter: x and s change shape (ks, cs do not).
		x.Reset()
		s.Reset()
	}
	// Explained energy Σ_samples ‖A s‖² = tr(Cᵀ K⁻¹ C) with K, C the sums
	// above (the normal equations of the fit).
	ksym := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			ksym.SetSym(i, j, k.At(i, j))
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(ksym) {
		return math.NaN() // codes linearly dependent: cannot happen for samples > 2n in practice
	}
	var w mat.Dense
	if err := chol.SolveTo(&w, c); err != nil {
		return math.NaN()
	}
	var explained float64
	for i := 0; i < n; i++ {
		ci, wi := c.RawRowView(i), w.RawRowView(i)
		for j := range ci {
			explained += ci[j] * wi[j]
		}
	}
	loss := (x2 - explained) / x2
	return loss / (1 - float64(n)/float64(samples))
}

// HaarRows returns an n×d Haar-distributed matrix: for n ≤ d its rows are
// orthonormal (the transpose of Q in the QR decomposition of a d×n standard
// Gaussian matrix), for n > d its columns are (Q itself, of an n×d Gaussian
// matrix; a tight frame once its rows are normalised). The signs of R's
// diagonal are moved into Q so that the distribution is exactly Haar
// (Mezzadri, "How to generate random matrices from the classical compact
// groups", 2007). The Gaussian entries are drawn row by row of the tall
// matrix, which the training core's orthogonal initialisation relies on to
// stay bit-identical.
func HaarRows(rng *rand.Rand, n, d int) *mat.Dense {
	tall, wide := max(n, d), min(n, d)
	g := mat.NewDense(tall, wide, nil)
	for i := 0; i < tall; i++ {
		for j := 0; j < wide; j++ {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q, r mat.Dense
	qr.QTo(&q)
	qr.RTo(&r)
	for j := 0; j < wide; j++ {
		if r.At(j, j) < 0 {
			for i := 0; i < tall; i++ {
				q.Set(i, j, -q.At(i, j))
			}
		}
	}
	b := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			if n <= d {
				b.Set(i, j, q.At(j, i)) // Qᵀ: orthonormal rows
			} else {
				b.Set(i, j, q.At(i, j))
			}
		}
	}
	return b
}
