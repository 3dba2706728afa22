package theory

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func sign1(u float64) float64 {
	if u < 0 {
		return -1
	}
	return 1 // sign(0) = +1, science.md §2.1 pitfall
}

// meanSE returns the mean of x and its standard error std/√len(x).
func meanSE(x []float64) (mean, se float64) {
	var s, s2 float64
	for _, v := range x {
		s += v
		s2 += v * v
	}
	n := float64(len(x))
	mean = s / n
	return mean, math.Sqrt((s2/n - mean*mean) / n)
}

func TestGaussLossMonteCarlo(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 20240601))
	// B with orthonormal rows (QR of a Gaussian matrix), A = √(2/π)Bᵀ,
	// standard Gaussian x, d = 200. For this construction the loss equals
	// 1 − 2r/π exactly at every d (derived: u = Bx ~ N(0, I_n) exactly and
	// ‖x − As‖² = ‖x‖² − 2√(2/π)Σ|u_j| + (2/π)n), so the only error is Monte
	// Carlo. N = 10⁴ samples; the per-sample loss ℓ = ‖x − x̂‖²/d has std
	// ≈ 0.1, mostly from ‖x‖²/d (std √(2/d) = 0.1), so we subtract the
	// control variate c(‖x‖²/d − 1) (mean exactly 0) with the optimal
	// c = Cov(ℓ, ‖x‖²/d)/Var(‖x‖²/d) = 1 − 2r/π (derived: Cov(Σ|u_j|, ‖x‖²)
	// = n·Cov(|g|, g²) = n√(2/π)). The standard error, estimated from the
	// samples, is then ≈ 3e−4; we allow 5 standard errors.
	const d, nSamp, chunk = 200, 10000, 2000
	for _, r := range []float64{0.25, 0.5, 1} {
		n := int(math.Round(r * float64(d)))
		b := HaarRows(rng, n, d)
		losses := make([]float64, 0, nSamp)
		x := mat.NewDense(chunk, d, nil)
		var u, xh mat.Dense
		for done := 0; done < nSamp; done += chunk {
			for i := 0; i < chunk; i++ {
				for k := 0; k < d; k++ {
					x.Set(i, k, rng.NormFloat64())
				}
			}
			u.Mul(x, b.T())
			u.Apply(func(_, _ int, v float64) float64 { return sign1(v) }, &u)
			xh.Mul(&u, b)
			xh.Scale(math.Sqrt(2/math.Pi), &xh)
			for i := 0; i < chunk; i++ {
				var e, x2 float64
				for k := 0; k < d; k++ {
					diff := x.At(i, k) - xh.At(i, k)
					e += diff * diff
					x2 += x.At(i, k) * x.At(i, k)
				}
				losses = append(losses, e/d-(1-2*r/math.Pi)*(x2/d-1))
			}
		}
		mean, se := meanSE(losses)
		t.Logf("r=%v: Monte Carlo %.5f ± %.5f, GaussLoss %.5f", r, mean, se, GaussLoss(r))
		if got := GaussLoss(r); math.Abs(got-mean) > 5*se {
			t.Errorf("r=%v: GaussLoss = %.5f, Monte Carlo %.5f ± %.5f", r, got, mean, se)
		}
	}
}

// frameLoss returns the exact population loss of the unit-norm frame
// B̃ (n×d) with its optimal linear decoder on standard Gaussian data,
// 1 − tr(CᵀK⁻¹C)/d with K = (2/π)arcsin(B̃B̃ᵀ) and C = √(2/π)B̃
// (science.md §2.1).
func frameLoss(t *testing.T, b *mat.Dense) float64 {
	n, d := b.Dims()
	var g mat.Dense
	g.Mul(b, b.T())
	k := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		// Unit diagonal set exactly: arcsin is √-sensitive at 1, so a
		// rounded ‖b̃_i‖² = 1 − ε would cost √(2ε) ≈ 2e−8.
		k.SetSym(i, i, 1)
		for j := i + 1; j < n; j++ {
			k.SetSym(i, j, 2/math.Pi*math.Asin(math.Max(-1, math.Min(1, g.At(i, j)))))
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(k) {
		t.Fatal("K not positive definite")
	}
	var w mat.Dense
	if err := chol.SolveTo(&w, b); err != nil {
		t.Fatal(err)
	}
	var tr float64
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			tr += b.At(i, j) * w.At(i, j)
		}
	}
	return 1 - 2/math.Pi*tr/float64(d)
}

// haarFrame returns an n×d (n ≥ d) unit-norm frame: the rows of an n×d
// matrix with orthonormal columns (Haar), each normalised to unit length, so
// that B̃ᵀB̃ ≈ (n/d)I (science.md §4.1: "a Haar frame").
func haarFrame(rng *rand.Rand, n, d int) *mat.Dense {
	b := mat.DenseCopyOf(HaarRows(rng, d, n).T())
	for i := 0; i < n; i++ {
		row := b.RawRowView(i)
		var s float64
		for _, v := range row {
			s += v * v
		}
		s = math.Sqrt(s)
		for j := range row {
			row[j] /= s
		}
	}
	return b
}

func TestGaussLossFrame(t *testing.T) {
	if testing.Short() {
		t.Skip("O(d³) linear algebra")
	}
	t.Parallel()
	rng := rand.New(rand.NewPCG(4, 20240601))
	// r > 1 branch, (π/2 − 1)/(r + π/2 − 1) (science.md §4.1 [D]): the exact
	// population loss of a Haar unit-norm frame with its optimal linear
	// decoder (no sampling: K and C are known in closed form for Gaussian
	// x). The derivation drops the O(ρ³) terms of arcsin(ρ) with
	// off-diagonal ρ ~ d^{−1/2}, so at finite d the loss exceeds the formula
	// by c(r)/d with c ≈ 0.1–0.2 (measured at d = 50…400: 0.10, 0.14, 0.21
	// for r = 1.5, 2, 3, fluctuating by < 10% between draws). We require
	// 0 < excess < 0.4/d at d = 200 and the 1/d scaling: the excess at
	// d = 100 is 1.5–2.5 times that at d = 200. At r = 1 (orthonormal rows)
	// K = I and the loss is exact to rounding.
	for _, r := range []float64{1, 1.5, 2, 3} {
		var excess [2]float64
		for i, d := range []int{100, 200} {
			n := int(math.Round(r * float64(d)))
			excess[i] = frameLoss(t, haarFrame(rng, n, d)) - GaussLoss(r)
		}
		if r == 1 {
			if math.Abs(excess[0]) > 1e-12 || math.Abs(excess[1]) > 1e-12 {
				t.Errorf("r=1: loss − GaussLoss = %v", excess)
			}
			continue
		}
		if !(excess[1] > 0 && excess[1] < 0.4/200) {
			t.Errorf("r=%v d=200: loss − GaussLoss = %.2e, want in (0, %.1e)", r, excess[1], 0.4/200)
		}
		if ratio := excess[0] / excess[1]; !(ratio > 1.5 && ratio < 2.5) {
			t.Errorf("r=%v: excess at d=100 / d=200 = %.2f, want ≈ 2 (1/d)", r, ratio)
		}
	}
}

// codeStats accumulates the sufficient statistics of a least-squares
// decoder for the identity encoder s_j = sign(x_j), j < n: the Gram matrix
// K̂ = Σ s sᵀ, Ĉᵀ = Σ x sᵀ (d×n) and Σ‖x‖². Codes are bit-packed, so
// K̂_jk = N − 2·popcount(s_j ⊕ s_k). For a ternary source x ∈ {0, ±c}
// (sparse Rademacher) Ĉ is also counted with bits,
// Ĉ_jk = c·(popcount(nz_k) − 2·popcount(nz_k ∧ (s_j ⊕ neg_k))); otherwise
// it is accumulated by an axpy per non-zero x_k.
type codeStats struct {
	n, d, count int
	ternary     float64    // c > 0 for x ∈ {0, ±c}, else 0
	sBits       [][]uint64 // sBits[j][i/64] bit i%64 set when s_ij = −1
	nz, neg     [][]uint64 // ternary: x_ik ≠ 0, x_ik < 0
	ct          *mat.Dense // d×n, Ĉᵀ (dense sources)
	sumX2       float64
}

func newCodeStats(n, d, samples int, ternary float64) *codeStats {
	words := (samples + 63) / 64
	alloc := func(m int) [][]uint64 {
		b := make([][]uint64, m)
		for j := range b {
			b[j] = make([]uint64, words)
		}
		return b
	}
	c := &codeStats{n: n, d: d, ternary: ternary, sBits: alloc(n)}
	if ternary > 0 {
		c.nz, c.neg = alloc(d), alloc(d)
	} else {
		c.ct = mat.NewDense(d, n, nil)
	}
	return c
}

func (c *codeStats) add(x, s []float64) {
	i := c.count
	w, bit := i/64, uint64(1)<<(i%64)
	for j, v := range s {
		if v < 0 {
			c.sBits[j][w] |= bit
		}
	}
	for k, v := range x {
		if v == 0 {
			continue
		}
		c.sumX2 += v * v
		if c.ternary > 0 {
			c.nz[k][w] |= bit
			if v < 0 {
				c.neg[k][w] |= bit
			}
		} else {
			floats.AddScaled(c.ct.RawRowView(k), v, s)
		}
	}
	c.count++
}

func (c *codeStats) gram() *mat.SymDense {
	k := mat.NewSymDense(c.n, nil)
	for a := 0; a < c.n; a++ {
		for b := a; b < c.n; b++ {
			var diff int
			for w, u := range c.sBits[a] {
				diff += bits.OnesCount64(u ^ c.sBits[b][w])
			}
			k.SetSym(a, b, float64(c.count-2*diff))
		}
	}
	return k
}

// cT returns Ĉᵀ (d×n).
func (c *codeStats) cT() *mat.Dense {
	if c.ternary == 0 {
		return c.ct
	}
	ct := mat.NewDense(c.d, c.n, nil)
	for k := 0; k < c.d; k++ {
		var tot int
		for _, u := range c.nz[k] {
			tot += bits.OnesCount64(u)
		}
		for j := 0; j < c.n; j++ {
			var dis int
			for w, u := range c.nz[k] {
				dis += bits.OnesCount64(u & (c.sBits[j][w] ^ c.neg[k][w]))
			}
			ct.Set(k, j, c.ternary*float64(tot-2*dis))
		}
	}
	return ct
}

// identityLossFinite is the exact population loss of the identity encoder
// with the best linear (bias-free) decoder at finite n (derived: codes have
// E s_j = m, E s_j s_k = m² (j ≠ k), E s_j x_j = κ, so K = vI + m²11ᵀ with
// v = 1 − m² and K⁻¹_jj = (1 − m²/(v + n·m²))/v; an encoded coordinate
// keeps 1 − κ²K⁻¹_jj, an unencoded one keeps 1). As n → ∞ it tends to
// 1 − r + r(1 − κ²/v), the formula of science.md §4.3.
func identityLossFinite(n, d int, kappa2, m float64) float64 {
	v := 1 - m*m
	kjj := (1 - m*m/(v+float64(n)*m*m)) / v
	return 1 - float64(n)/float64(d)*kappa2*kjj
}

func TestIdentityLossMonteCarlo(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 20240601))
	sparseRademacher := func(p float64) func() float64 {
		return func() float64 {
			if rng.Float64() >= p {
				return 0
			}
			if rng.Float64() < 0.5 {
				return -1 / math.Sqrt(p)
			}
			return 1 / math.Sqrt(p)
		}
	}
	bernoulliGauss := func(p float64) func() float64 {
		return func() float64 {
			if rng.Float64() >= p {
				return 0
			}
			return rng.NormFloat64() / math.Sqrt(p)
		}
	}
	// B = the first n rows of the identity, sign(0) = +1 (or a random ±1
	// for "random"); the bias-free linear decoder A is fitted by least
	// squares on N = 2e4 samples and evaluated on the same samples (R_in)
	// and on 2e4 fresh ones (R_out). For least squares with n features
	// E R_in ≈ R(1 − n/N) and E R_out ≈ R(1 + n/N) to first order (also
	// with heteroskedastic residuals: both corrections are
	// tr(K⁻¹E[ssᵀε²])/N), so (R_in + R_out)/2 estimates the population
	// optimum R with a bias ≈ R(n/N)²/2 (Gaussian design), which we bound
	// by R(n/N)² ≤ 2e−4. The expected value is the exact finite-n optimum
	// identityLossFinite; it differs from the n → ∞ formula of the package
	// by ≈ r/((2 − p)n) ≈ 1.5e−3 at n = 400. The Monte Carlo error is
	// estimated from the per-sample loss of the population-optimal affine
	// decoder x̂_k = β(s_k − m) on the test samples (std σ_ℓ); R_in and
	// R_out each have standard error ≈ σ_ℓ/√N, their mean ≈ σ_ℓ/√(2N). We
	// allow 5 of those plus the bias bound. The same per-sample losses give
	// a direct Monte Carlo check of the n → ∞ formula (5 standard errors).
	const nTrain, nTest = 20000, 20000
	for _, c := range []struct {
		name          string
		d             int
		r, p          float64
		draw          func() float64
		random        bool    // random tie-break at 0
		ternary       float64 // 1/√p for sparse Rademacher, else 0
		formula       float64 // the package's n → ∞ value
		kappa2, mMean float64 // (E|x|)², E s
	}{
		{"sparse-rademacher", 400, 1, 0.3, sparseRademacher(0.3), false, 1 / math.Sqrt(0.3),
			IdentityLossSparseRademacher(1, 0.3), 0.3, 0.7},
		{"sparse-rademacher", 400, 0.5, 0.8, sparseRademacher(0.8), false, 1 / math.Sqrt(0.8),
			IdentityLossSparseRademacher(0.5, 0.8), 0.8, 0.2},
		{"bernoulli-gaussian", 200, 1, 0.3, bernoulliGauss(0.3), false, 0,
			IdentityLossBG(1, 0.3), 2 * 0.3 / math.Pi, 0.7},
		// Random tie-break: codes have mean 0 and R_id = 1 − r(E|x|)² =
		// 1 − r·p (science.md §4.3), the basis of CriticalSparsity("random").
		// (Not p = 0.5, where every coordinate's affine error is exactly p
		// and the per-sample loss has no spread to estimate the error from.)
		{"sparse-rademacher/random", 200, 1, 0.3, sparseRademacher(0.3), true, 1 / math.Sqrt(0.3),
			1 - 0.3, 0.3, 0},
	} {
		d := c.d
		n := int(math.Round(c.r * float64(d)))
		x := make([]float64, d)
		s := make([]float64, n)
		sample := func() {
			for k := range x {
				x[k] = c.draw()
			}
			for j := range s {
				s[j] = sign1(x[j])
				if c.random && x[j] == 0 && rng.Float64() < 0.5 {
					s[j] = -1
				}
			}
		}
		train := newCodeStats(n, d, nTrain, c.ternary)
		for i := 0; i < nTrain; i++ {
			sample()
			train.add(x, s)
		}
		test := newCodeStats(n, d, nTest, c.ternary)
		beta := math.Sqrt(c.kappa2) / (1 - c.mMean*c.mMean)
		oracle := make([]float64, 0, nTest)
		for i := 0; i < nTest; i++ {
			sample()
			test.add(x, s)
			var e float64
			for k, v := range x {
				xh := 0.0
				if k < n {
					xh = beta * (s[k] - c.mMean)
				}
				e += (v - xh) * (v - xh)
			}
			oracle = append(oracle, e/float64(d))
		}

		// W = K̂⁻¹Ĉ (n×d), i.e. A = Wᵀ.
		var chol mat.Cholesky
		if !chol.Factorize(train.gram()) {
			t.Fatalf("%s: K̂ not positive definite", c.name)
		}
		var w mat.Dense
		trainCT, testCT := train.cT(), test.cT()
		if err := chol.SolveTo(&w, trainCT.T()); err != nil {
			t.Fatal(err)
		}
		wct := mat.NewDense(d, n, nil)
		wct.Copy(w.T())
		rIn := (train.sumX2 - mat.Sum(elemMul(trainCT, wct))) / float64(nTrain*d)
		var kw mat.Dense
		kw.Mul(test.gram(), &w)
		rOut := (test.sumX2 - 2*mat.Sum(elemMul(testCT, wct)) + mat.Sum(elemMul(&w, &kw))) / float64(nTest*d)

		est := (rIn + rOut) / 2
		want := identityLossFinite(n, d, c.kappa2, c.mMean)
		oMean, oSE := meanSE(oracle)
		ratio := float64(n) / nTrain
		tol := 5*oSE/math.Sqrt2 + want*ratio*ratio
		t.Logf("%s d=%d r=%v p=%v: fitted %.5f (in %.5f, out %.5f), finite-n %.5f ± %.5f, n→∞ %.5f, affine MC %.5f ± %.5f",
			c.name, d, c.r, c.p, est, rIn, rOut, want, tol, c.formula, oMean, oSE)
		if math.Abs(est-want) > tol {
			t.Errorf("%s d=%d r=%v p=%v: fitted-A loss %.5f (R_in %.5f, R_out %.5f), want %.5f ± %.5f (n→∞ formula %.5f)",
				c.name, d, c.r, c.p, est, rIn, rOut, want, tol, c.formula)
		}
		if math.Abs(oMean-c.formula) > 5*oSE {
			t.Errorf("%s d=%d r=%v p=%v: affine-decoder Monte Carlo %.5f ± %.5f, formula %.5f",
				c.name, d, c.r, c.p, oMean, oSE, c.formula)
		}
	}
}

func elemMul(a, b mat.Matrix) *mat.Dense {
	var c mat.Dense
	c.MulElem(a, b)
	return &c
}

func TestDenoiserChannelMonteCarlo(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	t.Parallel()
	rng := rand.New(rand.NewPCG(6, 20240601))
	// science.md §2.2: with Haar B (r = 1, d = 500), A = √(2/π)Bᵀ and BG
	// data (p = 0.3), y = A·sign(Bx) ≈ μx + σz. We regress y_i on x_i over
	// all coordinates of N = 2000 samples: slope μ̂ = Σxy/Σx² and residual
	// variance σ̂² = mean (y − μ̂x)². Both μ̂ and mean(xy) fluctuate with the
	// energy ‖x‖²/d of each sample (relative std √((3/p − 1)/d) ≈ 13%),
	// because Σ_i x_i y_i = √(2/π)Σ_j|u_j| ∝ ‖x‖ (u = Bx, ‖u‖ = ‖x‖). As
	// E x² = 1 is known, the control variate
	// μ̂_cv = mean(xy) − (μ/2)(mean(x²) − 1), with E μ̂_cv = E mean(xy), removes
	// that first-order fluctuation (derived: mean(xy) ≈ μ·√mean(x²)) and is
	// the sharp test of the slope.
	//
	// Finite-d slope (derived): Σ_i x_i y_i = √(2/π)Σ_j |u_j|, u = Bx, and
	// given the support u_j ~ N(0, W_j) with W_j = Σ_k s_k b_jk²/p, so
	// E Σxy/d = (2/π)(1/d)Σ_j E√W_j ≈ (2/π)(1 − (1/d)Σ_j Var(W_j)/8), with
	// Var(W_j) = ((1 − p)/p)Σ_k b_jk⁴ ≈ 3(1 − p)/(pd) (Jensen; the next
	// term is O(d⁻²)). This μ_d is ≈ 1.1e−3 below μ = 2/π at d = 500; we
	// check that gap is below 2e−3 and compare μ̂ with μ_d. Since
	// ‖y‖² = (2/π)n exactly, E σ̂² = μ − μ_d²E x² ≈ μ − μ_d².
	//
	// Standard errors by batch means over 20 batches of 100 samples (the
	// coordinates of one sample are not independent); we allow 5 of them.
	// The residual's excess kurtosis (science.md §2.2: "kurtosis 3.00") must
	// be within 0.05 of 0; its batch standard error is ≈ 0.005.
	const d, nSamp, nBatch = 500, 2000, 20
	const p = 0.3
	r := 1.0
	b := HaarRows(rng, d, d)
	mu, sigma2 := DenoiserChannel(r)

	var corr float64
	for j := 0; j < d; j++ {
		var b4 float64
		for _, v := range b.RawRowView(j) {
			b4 += v * v * v * v
		}
		corr += (1 - p) / p * b4 / 8
	}
	muD := mu * (1 - corr/d)
	if mu-muD > 2e-3 || mu-muD < 0 {
		t.Errorf("finite-d slope correction %v, want in [0, 2e−3]", mu-muD)
	}

	per := nSamp / nBatch
	slopes := make([]float64, nBatch)
	mxy := make([]float64, nBatch)
	resid := make([]float64, nBatch)
	kurt := make([]float64, nBatch)
	x := mat.NewDense(per, d, nil)
	var u, y mat.Dense
	for bt := 0; bt < nBatch; bt++ {
		for i := 0; i < per; i++ {
			for k := 0; k < d; k++ {
				if rng.Float64() < p {
					x.Set(i, k, rng.NormFloat64()/math.Sqrt(p))
				} else {
					x.Set(i, k, 0)
				}
			}
		}
		u.Mul(x, b.T())
		u.Apply(func(_, _ int, v float64) float64 { return sign1(v) }, &u)
		y.Mul(&u, b)
		y.Scale(math.Sqrt(2/math.Pi), &y)
		var sxy, sxx float64
		for i := 0; i < per; i++ {
			for k := 0; k < d; k++ {
				xv := x.At(i, k)
				sxy += xv * y.At(i, k)
				sxx += xv * xv
			}
		}
		slope := sxy / sxx
		var m2, m4 float64
		for i := 0; i < per; i++ {
			for k := 0; k < d; k++ {
				e := y.At(i, k) - slope*x.At(i, k)
				m2 += e * e
				m4 += e * e * e * e
			}
		}
		cnt := float64(per * d)
		m2 /= cnt
		m4 /= cnt
		slopes[bt], resid[bt], kurt[bt] = slope, m2, m4/(m2*m2)-3
		mxy[bt] = sxy/cnt - mu/2*(sxx/cnt-1)
	}
	batch := func(v []float64) (float64, float64) {
		m, se := meanSE(v)
		// meanSE's σ/√n with the biased variance; the n/(n−1) correction is
		// negligible next to the 5-σ margin for n = 20.
		return m, se * math.Sqrt(float64(len(v))/float64(len(v)-1))
	}
	sm, sse := batch(slopes)
	xm, xse := batch(mxy)
	rm, rse := batch(resid)
	km, kse := batch(kurt)
	t.Logf("slope %.5f ± %.5f, μ̂_cv %.5f ± %.5f (μ %.5f, μ_d %.5f); residual variance %.5f ± %.5f (σ² %.5f, μ − μ_d² %.5f); excess kurtosis %.4f ± %.4f",
		sm, sse, xm, xse, mu, muD, rm, rse, sigma2, mu-muD*muD, km, kse)
	if math.Abs(sm-muD) > 5*sse {
		t.Errorf("slope %.5f ± %.5f, want μ_d = %.5f (μ = %.5f)", sm, sse, muD, mu)
	}
	if math.Abs(xm-muD) > 5*xse {
		t.Errorf("μ̂_cv %.5f ± %.5f, want μ_d = %.5f (μ = %.5f)", xm, xse, muD, mu)
	}
	if math.Abs(rm-(mu-muD*muD)) > 5*rse {
		t.Errorf("residual variance %.5f ± %.5f, want μ − μ_d² = %.5f (σ² = %.5f)", rm, rse, mu-muD*muD, sigma2)
	}
	// Tie to DenoiserChannel: σ² = μ − μ² differs from the finite-d value
	// μ − μ_d² by ≈ 2μ(μ − μ_d) ≈ 1.4e−3.
	if math.Abs(rm-sigma2) > 2*mu*(mu-muD)*1.1+5*rse {
		t.Errorf("residual variance %.5f ± %.5f, DenoiserChannel σ² = %.5f", rm, rse, sigma2)
	}
	if math.Abs(km) > 0.05 {
		t.Errorf("residual excess kurtosis %.4f ± %.4f, want ≈ 0", km, kse)
	}
}
