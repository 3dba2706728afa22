package theory

import "math"

// SELayer holds the scalars of one layer of the state evolution (SE) of the
// unrolled Bayes-optimal VAMP decoder for the code s = sign(Bx), BBᵀ = I,
// r ≤ 1 (science.md §2.3 and §4.4 "SE recursion"). The fields are listed in
// the order in which one step of the recursion computes them.
type SELayer struct {
	// Gamma2 = 1/E₁ − γ₁ (previous layer's E₁, γ₁): precision of the x
	// message r₂ fed into the layer (science.md §2.3 step 7).
	Gamma2 float64
	// Tau1 = γ₂: precision of the z message p₁ = B·r₂ (step 1; with
	// BBᵀ = I the LMMSE extrinsic on z is exactly γ₂).
	Tau1 float64
	// Ez = MMSESign(τ₁): mean variance of the output denoiser (step 2).
	Ez float64
	// Tau2 = 1/E_z − τ₁: extrinsic precision on z (step 3).
	Tau2 float64
	// EL = r/(γ₂ + τ₂) + (1 − r)/γ₂: mean variance of the LMMSE stage
	// (step 4).
	EL float64
	// Gamma1 = 1/E_L − γ₂: extrinsic precision on x (step 5); the layer's
	// input denoiser sees r₁ = x + N(0, 1/γ₁).
	Gamma1 float64
	// E1 = MMSEBG(p, γ₁): mean variance of the input denoiser (step 6).
	E1 float64
	// Loss = E1, the normalised MSE of the layer's output x̂.
	Loss float64
}

// StateEvolution runs layers steps of the SE recursion of science.md §4.4,
//
//	start: γ₁ = 0, E₁ = MMSEBG(p, 0) = 1 (the prior);
//	each step: γ₂ = 1/E₁ − γ₁, τ₁ = γ₂, E_z = MMSESign(τ₁), τ₂ = 1/E_z − τ₁,
//	           E_L = r/(γ₂ + τ₂) + (1 − r)/γ₂, γ₁ = 1/E_L − γ₂,
//	           E₁ = MMSEBG(p, γ₁),
//
// for Bernoulli–Gaussian data with non-zero probability p and rate r ≤ 1,
// and returns one SELayer per step. Step 1 has γ₂ = τ₁ = 1,
// E_z = 1 − 2/π, E_L = 1 − 2r/π (= GaussLoss(r): the linear decoder) and
// γ₁ = DenoiserSNR(r), so its Loss is DenoiserLoss(r, p) (science.md §2.3
// "check of the first layer"). Layer t's Loss is the SE prediction for the
// t-layer decoder; it decreases towards the fixed point (FixedPointLoss).
//
// The result always has length max(layers, 0). If r is outside [0, 1] or p
// outside (0, 1] every field is NaN.
func StateEvolution(r, p float64, layers int) []SELayer {
	if layers <= 0 {
		return nil
	}
	out := make([]SELayer, layers)
	if !(r >= 0 && r <= 1) || !(p > 0 && p <= 1) {
		nan := math.NaN()
		for i := range out {
			out[i] = SELayer{nan, nan, nan, nan, nan, nan, nan, nan}
		}
		return out
	}
	gamma1, e1 := 0.0, 1.0
	for i := range out {
		out[i] = seStep(r, p, gamma1, e1)
		gamma1, e1 = out[i].Gamma1, out[i].E1
	}
	return out
}

// seStep performs one step of the recursion from the previous (γ₁, E₁).
func seStep(r, p, gamma1, e1 float64) SELayer {
	var l SELayer
	l.Gamma2 = 1/e1 - gamma1
	l.Tau1 = l.Gamma2
	l.Ez = MMSESign(l.Tau1)
	l.Tau2 = 1/l.Ez - l.Tau1
	l.EL = r/(l.Gamma2+l.Tau2) + (1-r)/l.Gamma2
	l.Gamma1 = 1/l.EL - l.Gamma2
	l.E1 = MMSEBG(p, l.Gamma1)
	l.Loss = l.E1
	return l
}

// Fixed-point iteration controls of FixedPointLoss.
const (
	FixedPointTol     = 1e-10
	FixedPointMaxIter = 10000
)

// FixedPointLoss iterates the recursion of StateEvolution until
// |ΔE₁| < FixedPointTol (at most FixedPointMaxIter steps) and returns the
// last E₁: the SE fixed point, which science.md §4.4 takes as the
// Bayes-optimal benchmark for Haar B (on the usual conjecture that VAMP is
// Bayes-optimal when there is no hard phase). For p = 1 it is 1 − 2r/π. It
// returns NaN if r is outside [0, 1] or p outside (0, 1].
func FixedPointLoss(r, p float64) float64 {
	if !(r >= 0 && r <= 1) || !(p > 0 && p <= 1) {
		return math.NaN()
	}
	gamma1, e1 := 0.0, 1.0
	for i := 0; i < FixedPointMaxIter; i++ {
		l := seStep(r, p, gamma1, e1)
		done := math.Abs(l.E1-e1) < FixedPointTol
		gamma1, e1 = l.Gamma1, l.E1
		if done {
			break
		}
	}
	return e1
}
