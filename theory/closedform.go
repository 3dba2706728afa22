package theory

import "math"

// GaussLoss returns the Gaussian performance R_Gauss(r), the normalised
// loss E‖x − x̂‖²/E‖x‖² of the best 1-bit autoencoder with a linear decoder
// on a standard Gaussian source at rate r = n/d (science.md §4.1):
//
//	R_Gauss(r) = 1 − 2r/π                  for 0 ≤ r ≤ 1,
//	R_Gauss(r) = (π/2 − 1)/(r + π/2 − 1)   for r > 1.
//
// The r ≤ 1 branch (science.md §4.1 [R]+[D]) is attained by orthonormal
// rows and A = √(2/π)Bᵀ, for which K = I and the loss is 1 − (2/π)n/d. The
// r > 1 branch (science.md §4.1 [D]) is attained as d → ∞ by a unit-norm
// tight frame (B̃ᵀB̃ = rI), using arcsin(M) ≈ M + (π/2 − 1)I; the dropped
// O(ρ³) terms make the exact loss of a Haar frame larger by ≈ c(r)/d, with
// c ≈ 0.10, 0.14, 0.21 at r = 1.5, 2, 3 (measured, see TestGaussLossFrame).
// Both branches give 1 − 2/π at r = 1. By science.md §4.2 this is also the loss gradient descent
// reaches on Bernoulli–Gaussian data, for every p. It returns NaN for r < 0.
func GaussLoss(r float64) float64 {
	switch {
	case !(r >= 0):
		return math.NaN()
	case r <= 1:
		return 1 - 2*r/math.Pi
	}
	c := math.Pi/2 - 1
	return c / (r + c)
}

// IdentityLossSparseRademacher returns the loss of the identity (or
// permutation) encoder, B = the first n = rd rows of the identity, with the
// deterministic convention sign(0) = +1 and the best linear decoder, on the
// sparse Rademacher source x_i ∈ {0, ±1/√p} with probabilities
// (1 − p, p/2, p/2) (science.md §1.2, §4.3 [D]):
//
//	R_id = 1 − r + r·(1 − p)/(2 − p),   0 ≤ r ≤ 1.
//
// Derived: a code s_i = sign(x_i) has mean m = 1 − p and variance
// 1 − m² = p(2 − p), and Cov(x_i, s_i) = E|x_i| = √p; a linear decoder acting
// on many codes builds a constant from their common mode (the average of n
// codes tends to m), so coordinate i is decoded by the best affine function of
// s_i, whose loss is 1 − p/(p(2 − p)) = (1 − p)/(2 − p). The d − n
// coordinates that are not encoded are uncorrelated with every code and keep
// loss 1. At finite n the common mode is estimated from n codes, which adds
// r·m²/((2 − p)(1 − m² + n·m²)) = O(1/n) (derived: exact population optimum
// for K = (1 − m²)I + m²11ᵀ; see the tests).
//
// For r > 1 the identity has no further rows to use, so the r = 1 value is
// returned (the extra bits are unused; science.md §4.3 leaves open how the
// paper treats r > 1). It returns NaN for r < 0 or p outside (0, 1].
func IdentityLossSparseRademacher(r, p float64) float64 {
	if !(r >= 0) || !(p > 0 && p <= 1) {
		return math.NaN()
	}
	r = math.Min(r, 1)
	return 1 - r + r*(1-p)/(2-p)
}

// IdentityLossBG returns the loss of the identity encoder with sign(0) = +1
// and the best linear decoder on the Bernoulli–Gaussian source
// (science.md §4.3 [D]):
//
//	R_id = 1 − r + r·(1 − 2/(π(2 − p))),   0 ≤ r ≤ 1.
//
// Derived as for IdentityLossSparseRademacher with Cov(x_i, s_i) =
// E|x_i| = √(2p/π): the per-coordinate loss is 1 − (2p/π)/(p(2 − p)). It is
// larger than GaussLoss(r) for every p < 1, so for BG data the identity never
// wins (science.md §1.2, §6). For r > 1 the r = 1 value is returned, as for
// IdentityLossSparseRademacher. It returns NaN for r < 0 or p outside
// (0, 1].
func IdentityLossBG(r, p float64) float64 {
	if !(r >= 0) || !(p > 0 && p <= 1) {
		return math.NaN()
	}
	r = math.Min(r, 1)
	return 1 - r + r*(1-2/(math.Pi*(2-p)))
}

// Tie-break conventions for sign(0), used by CriticalSparsity.
const (
	TieBreakPlusOne = "plus-one" // sign(0) = +1, decoded with the common mode
	TieBreakRandom  = "random"   // sign(0) = ±1 with probability 1/2 each
)

// CriticalSparsity returns the non-zero probability p* of the sparse
// Rademacher source above which the identity/permutation encoder beats the
// random rotation (r ≤ 1, where both losses are linear in r so p* does not
// depend on r; science.md §6 [D]):
//
//   - "plus-one" (sign(0) = +1, common-mode decoding): the per-coordinate
//     losses cross where (1 − p)/(2 − p) = 1 − 2/π, so p* = 2 − π/2 ≈ 0.4292;
//   - "random" (random tie-break at 0): the identity loses r·(E|x|)² = r·p,
//     the rotation r·2/π, so p* = 2/π ≈ 0.6366.
//
// It returns NaN for any other tieBreak.
func CriticalSparsity(tieBreak string) float64 {
	switch tieBreak {
	case TieBreakPlusOne:
		return 2 - math.Pi/2
	case TieBreakRandom:
		return 2 / math.Pi
	}
	return math.NaN()
}

// DenoiserSNR returns the signal-to-noise ratio μ²/σ² = 2r/(π − 2r) of the
// effective scalar channel seen by an entrywise denoiser applied after the
// linear decoder (science.md §2.2 [D]); see DenoiserChannel. It returns NaN
// unless 0 ≤ r < π/2. The channel itself is derived for r ≤ 1 only.
func DenoiserSNR(r float64) float64 {
	if !(r >= 0 && r < math.Pi/2) {
		return math.NaN()
	}
	return 2 * r / (math.Pi - 2*r)
}

// DenoiserChannel returns the gain μ and noise variance σ² of the effective
// scalar channel
//
//	y = A·sign(Bx) ≈ μ·x + σ·z,   z ~ N(0, 1) independent of x,
//
// for Haar B with orthonormal rows, r ≤ 1 and A = √(2/π)Bᵀ (science.md §2.2
// [D]):
//
//	μ = 2r/π,   σ² = μ(1 − μ).
//
// Derived: E‖y‖²/d = (2/π)·n/d = μ exactly (BBᵀ = I, s ∈ {±1}ⁿ), and the
// regression slope of y_i on x_i is μ asymptotically, so the residual
// variance is μ − μ². At finite d, for BG data at r = 1 the slope is smaller,
// μ_d ≈ μ(1 − 3(1 − p)/(8pd)) (derived: Jensen on E√W for the random
// variance W of (Bx)_j given the support; confirmed by
// TestDenoiserChannelMonteCarlo at d = 500, p = 0.3), and the residual
// variance is μ − μ_d². It returns NaN, NaN unless 0 ≤ r ≤ 1.
func DenoiserChannel(r float64) (mu, sigma2 float64) {
	if !(r >= 0 && r <= 1) {
		return math.NaN(), math.NaN()
	}
	mu = 2 * r / math.Pi
	return mu, mu * (1 - mu)
}

// DenoiserLoss returns the loss of the two-layer autoencoder followed by the
// optimal entrywise denoiser (the Bernoulli–Gaussian posterior mean) on
// Bernoulli–Gaussian data with non-zero probability p, at rate r ≤ 1
// (science.md §2.2, §4.4 column "+denoiser"):
//
//	DenoiserLoss(r, p) = MMSEBG(p, DenoiserSNR(r)).
//
// For p = 1 (Gaussian data) it equals GaussLoss(r): the denoiser is linear
// and gains nothing (derived: 1/(1 + 2r/(π − 2r)) = 1 − 2r/π). It returns
// NaN unless 0 ≤ r ≤ 1 and 0 < p ≤ 1.
func DenoiserLoss(r, p float64) float64 {
	if !(r >= 0 && r <= 1) {
		return math.NaN()
	}
	return MMSEBG(p, DenoiserSNR(r))
}
