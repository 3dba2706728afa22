package theory

import "math"

// NormFloorBG returns the part of the loss that no decoder of sign(Bx) can
// avoid on Bernoulli–Gaussian data in dimension d: the codes do not see
// the norm of x. It is a lower bound on the normalised loss of every
// architecture (linear, denoiser, multi-layer) at every rate and for every
// encoder B, and it vanishes as d → ∞, where the state evolution and the
// other closed forms of this package live.
//
// Derived: write x = ρu with ρ = ‖x‖ and u = x/‖x‖. Given the support S
// (k = |S| non-zeros), x_S = g_S/√p with g_S standard Gaussian, so ρ² =
// χ²_k/p is independent of u, and sign(Bx) = sign(Bu) is a function of u.
// Any decoder x̂ = f(sign(Bx)) is a function of u, so by the orthogonality of
// the conditional mean E[x | u] = E[ρ | k]·u,
//
//	E‖x − x̂‖² = E Var(ρ | k) + E‖E[ρ | k]·u − x̂‖² ≥ E Var(ρ | k),
//
// with Var(ρ | k) = Var(χ_k)/p and Var(χ_k) = k − 2Γ((k+1)/2)²/Γ(k/2)²
// (the chi distribution). Normalised by E‖x‖² = d (science.md §1):
//
//	NormFloorBG(d, p) = E_k[Var(χ_k)]/(p·d),   k ~ Binomial(d, p),
//
// which is ≈ 1/(2pd) for large p·d (Var(χ_k) → 1/2). At d = 512, p = 0.1 it
// is 0.0097: the 3-layer decoder's state evolution 0.0681 (d → ∞) plus this
// floor is 0.0778. For p = 1 (Gaussian data) it is Var(χ_d)/d. Returns NaN
// unless d ≥ 1 and 0 < p ≤ 1.
func NormFloorBG(d int, p float64) float64 {
	if d < 1 || !(p > 0 && p <= 1) {
		return math.NaN()
	}
	var e float64
	for k := 1; k <= d; k++ {
		w := binomPMF(d, k, p)
		if w == 0 {
			continue
		}
		e += w * chiVar(k)
	}
	return e / (p * float64(d))
}

// chiVar returns the variance of the chi distribution with k degrees of
// freedom, k − 2(Γ((k+1)/2)/Γ(k/2))² (computed through log-gamma; for
// large k the difference loses a few digits, which leaves |error| < 1e−9
// at k ≤ 10⁵).
func chiVar(k int) float64 {
	a, _ := math.Lgamma(float64(k+1) / 2)
	b, _ := math.Lgamma(float64(k) / 2)
	m := math.Sqrt2 * math.Exp(a-b) // E χ_k
	return float64(k) - m*m
}

// binomPMF returns P(K = k) for K ~ Binomial(n, p), through log-gamma.
func binomPMF(n, k int, p float64) float64 {
	if p == 1 {
		if k == n {
			return 1
		}
		return 0
	}
	ln, _ := math.Lgamma(float64(n + 1))
	lk, _ := math.Lgamma(float64(k + 1))
	lnk, _ := math.Lgamma(float64(n - k + 1))
	return math.Exp(ln - lk - lnk + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
}
