package train

import "math"

// bgDenoiser is the Bernoulli–Gaussian posterior mean for the scalar channel
// y = μx + σz, x = s·g/√p (s ~ Bern(p), g, z ~ N(0,1)), science.md §2.2:
//
//	f(y) = π₁(y)·(μ/p)/v₁·y,  v₁ = μ²/p + σ²,
//	π₁(y) = p·N(y;0,v₁) / (p·N(y;0,v₁) + (1−p)·N(y;0,σ²)).
//
// Written as a logistic gate (derived: take the log-odds of π₁),
//
//	f(y) = w·y·sigmoid(α + β·y²),
//	w = μ/(p·v₁) = μ/(μ² + pσ²),
//	α = logit(p) − ½·log(v₁/σ²),
//	β = ½·(1/σ² − 1/v₁).
//
// The trainable parameters are θ = (log μ, log σ², logit p), so that every
// value of θ is a valid channel.
type bgDenoiser struct {
	w, alpha, beta float64
	// jac[i][j] = ∂(w, α, β)_i / ∂θ_j, for the chain rule.
	jac [3][3]float64
}

// clampP keeps p away from 1 where logit p is infinite: at p = 1 the
// posterior mean is linear and p = 1 − 1e-4 is indistinguishable from it
// (the gate is saturated at sigmoid(≈9)).
func clampP(p float64) float64 { return math.Min(math.Max(p, 1e-4), 1-1e-4) }

// theta returns (log μ, log σ², logit p).
func theta(mu, s2, p float64) [3]float64 {
	p = clampP(p)
	return [3]float64{math.Log(mu), math.Log(s2), math.Log(p / (1 - p))}
}

func newBGDenoiser(th [3]float64) bgDenoiser {
	mu, s := math.Exp(th[0]), math.Exp(th[1])
	p := 1 / (1 + math.Exp(-th[2]))
	v1 := mu*mu/p + s
	q := mu*mu + p*s
	var d bgDenoiser
	d.w = mu / q
	d.alpha = math.Log(p/(1-p)) - 0.5*math.Log(v1/s)
	d.beta = 0.5 * (1/s - 1/v1)
	// Partial derivatives with respect to (μ, σ², p) (derived by hand from
	// the three formulas above; checked by finite differences in tests).
	dw := [3]float64{(p*s - mu*mu) / (q * q), -mu * p / (q * q), -mu * s / (q * q)}
	da := [3]float64{-mu / (p * v1), 0.5/s - 0.5/v1, 1/p + 1/(1-p) + 0.5*mu*mu/(p*p*v1)}
	db := [3]float64{mu / (p * v1 * v1), 0.5 * (1/(v1*v1) - 1/(s*s)), -mu * mu / (2 * p * p * v1 * v1)}
	// Chain to θ: dμ/dθ₀ = μ, dσ²/dθ₁ = σ², dp/dθ₂ = p(1−p).
	scale := [3]float64{mu, s, p * (1 - p)}
	for j := 0; j < 3; j++ {
		d.jac[0][j] = dw[j] * scale[j]
		d.jac[1][j] = da[j] * scale[j]
		d.jac[2][j] = db[j] * scale[j]
	}
	return d
}

// The gate π₁(y) = sigmoid(α + β·y²), the posterior probability that x ≠ 0,
// f(y) and its derivatives are computed by the kernels gates and
// denoiserGrad (kernels.go).

// thetaGrad maps ∂L/∂(w, α, β) to ∂L/∂θ.
func (d *bgDenoiser) thetaGrad(g [3]float64) [3]float64 {
	var out [3]float64
	for j := 0; j < 3; j++ {
		out[j] = g[0]*d.jac[0][j] + g[1]*d.jac[1][j] + g[2]*d.jac[2][j]
	}
	return out
}

// invMills returns λ(a) = φ(a)/(1 − Φ(a)) and λ'(a) = λ(λ − a), stable for
// all a: 1 − Φ(a) = erfc(a/√2)/2, and for a > 25 the asymptotic series
// λ(a) = a + 1/a − 2/a³ + 10/a⁵ (Abramowitz & Stegun 26.2.12, derived from
// the continued fraction of the Mills ratio).
func invMills(a float64) (lam, dlam float64) {
	if a > 25 {
		ia := 1 / a
		ia2 := ia * ia
		lam = a + ia*(1-ia2*(2-10*ia2))
		// λ' = λ(λ−a) = 1 − 1/a² + O(a⁻⁴): computed from the series to avoid
		// cancellation (derived: λ(λ−a) with the series above).
		dlam = 1 - ia2*(1-6*ia2)
		return lam, dlam
	}
	phi := math.Exp(-0.5*a*a) / math.Sqrt(2*math.Pi)
	q := 0.5 * math.Erfc(a/math.Sqrt2)
	lam = phi / q
	return lam, lam * (lam - a)
}
