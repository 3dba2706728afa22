package theory

import (
	"math"
	"slices"
)

const (
	invSqrt2Pi = 0.398942280401432677939946059934381868475858631164934657665925 // 1/√(2π)
	// millsCF is the point above which InvMills and TruncNormVar use the
	// continued fraction of the Mills ratio instead of math.Erfc. Below it
	// the direct formulas are accurate to ≈ ε(1 + a²) (InvMills) and
	// ≈ ε·a⁴ (TruncNormVar, which cancels) relative.
	millsCF = 5.0
	// millsDepth is the depth of the backward-evaluated continued fraction.
	// At a = 5 the truncation error after 150 terms is below 1e-17 (checked
	// in TestInvMillsContinuedFraction against depth 2000).
	millsDepth = 150
)

// stdNormPDF returns φ(a) = exp(−a²/2)/√(2π).
func stdNormPDF(a float64) float64 {
	return invSqrt2Pi * math.Exp(-0.5*a*a)
}

// stdNormSF returns the upper tail Q(a) = 1 − Φ(a) = erfc(a/√2)/2, accurate
// in relative terms for all a (math.Erfc does not suffer the cancellation of
// 1 − Φ).
func stdNormSF(a float64) float64 {
	return 0.5 * math.Erfc(a/math.Sqrt2)
}

// millsTail returns k(a) = 2/(a + 3/(a + 4/(a + …))), the tail of Laplace's
// continued fraction for the Mills ratio
//
//	Q(a)/φ(a) = 1/(a + 1/(a + 2/(a + 3/(a + …)))) = 1/(a + h),  h = 1/(a + k).
//
// It is evaluated backwards from depth millsDepth; valid for a ≥ millsCF.
func millsTail(a float64) float64 {
	var t float64
	for j := millsDepth; j >= 2; j-- {
		t = float64(j) / (a + t)
	}
	return t
}

// InvMills returns the inverse Mills ratio (the hazard function of the
// standard normal)
//
//	λ(a) = φ(a)/(1 − Φ(a)) = φ(a)/Q(a),
//
// which is the mean of a standard normal truncated to [a, ∞)
// (science.md §2.3 step 2, §4.4 "Scalar functions").
//
// It is accurate to about 30 ulps or better for every a:
//   - for a < 5 it is φ(a)/Q(a) with Q(a) = erfc(a/√2)/2; for a → −∞ both φ
//     and λ underflow to 0 together (λ(−40) ≈ 1e−348 is below the smallest
//     float64 and is returned as 0);
//   - for a ≥ 5, where φ and Q underflow separately (at a ≈ 38), it is
//     a + h(a) with h from Laplace's continued fraction above (derived: the
//     standard Mills-ratio continued fraction, Abramowitz & Stegun 26.2.14).
//     Its large-a behaviour is the asymptotic series
//     λ(a) = a + 1/a − 2/a³ + 10/a⁵ − 74/a⁷ + …, which the continued
//     fraction reproduces without its truncation error.
//
// InvMills(+Inf) = +Inf, InvMills(−Inf) = 0, InvMills(NaN) = NaN.
func InvMills(a float64) float64 {
	switch {
	case math.IsNaN(a):
		return math.NaN()
	case math.IsInf(a, 1):
		return math.Inf(1)
	case a >= millsCF:
		return a + 1/(a+millsTail(a))
	}
	return stdNormPDF(a) / stdNormSF(a)
}

// TruncNormVar returns the variance of a standard normal truncated to
// [a, ∞),
//
//	v(a) = 1 + a·λ(a) − λ(a)²,
//
// (science.md §2.3 step 2: the output-denoiser variance is v(a)/τ₁).
// For a ≥ 5 the direct formula cancels catastrophically (v ≈ 1/a² while
// each term is ≈ a²), so it is computed from the continued fraction
// instead (derived: with λ = a + h, h = 1/(a + k) as in InvMills,
// v = 1 − h(a + h) = (k(a + k) − 1)/(a + k)², in which k(a + k) ≈ 2, so
// nothing cancels). Asymptotically v(a) = 1/a² − 6/a⁴ + 50/a⁶ − ….
func TruncNormVar(a float64) float64 {
	switch {
	case math.IsNaN(a):
		return math.NaN()
	case math.IsInf(a, 1):
		return 0
	case math.IsInf(a, -1):
		return 1
	case a >= millsCF:
		k := millsTail(a)
		s := a + k
		return (k*s - 1) / (s * s)
	}
	l := InvMills(a)
	return 1 + a*l - l*l
}

// MMSEBG returns the minimum mean squared error of estimating x from
//
//	y = √snr·x + z,   z ~ N(0, 1),
//
// where x is Bernoulli–Gaussian with E x² = 1: x = s·g/√p, s ~ Bern(p),
// g ~ N(0, 1) (science.md §1.1, §4.4 "Scalar functions": mmse_BG). It
// returns NaN unless 0 < p ≤ 1 and snr ≥ 0; MMSEBG(p, 0) = 1 and
// MMSEBG(1, snr) = 1/(1 + snr). snr = +Inf gives 0.
//
// Derived: with v₁ = 1/(p + snr) and c = √snr/(p + snr) the posterior
// variance and slope given a non-zero x, and π₁(y) the posterior probability
// of a non-zero x (science.md §2.2 with μ = √snr, σ² = 1),
//
//	mmse = E[π₁v₁ + π₁(1 − π₁)c²y²]
//	     = p·v₁ + c²(1 − p)·E_{y~N(0,1)}[y²·π₁(y)],
//
// because π₁(y)·P(y) = p·N(y; 0, 1 + snr/p) integrates to p, and
// (1 − π₁(y))·P(y) = (1 − p)·N(y; 0, 1). Both terms are non-negative, so
// there is no cancellation of the form 1 − E f(y)². The remaining integral
// has a logistic step at the y where the two mixture components cross; it is
// computed by adaptive Gauss–Kronrod quadrature split at that point and at
// the scale of its width, to an absolute error of about 1e−13.
func MMSEBG(p, snr float64) float64 {
	if !(p > 0 && p <= 1) || !(snr >= 0) {
		return math.NaN()
	}
	if snr == 0 {
		return 1
	}
	if math.IsInf(snr, 1) {
		return 0
	}
	if p == 1 {
		return 1 / (1 + snr)
	}
	v1 := 1 / (p + snr)
	c2 := snr / ((p + snr) * (p + snr))
	// Log-odds of "non-zero" given y: ℓ(y) = α + β·y².
	q := snr / p
	alpha := math.Log(p/(1-p)) - 0.5*math.Log1p(q)
	beta := 0.5 * q / (1 + q)
	f := func(y float64) float64 {
		l := alpha + beta*y*y
		// π₁ = 1/(1 + e^{−ℓ}), evaluated without overflow.
		var pi1 float64
		if l >= 0 {
			pi1 = 1 / (1 + math.Exp(-l))
		} else {
			e := math.Exp(l)
			pi1 = e / (1 + e)
		}
		return y * y * pi1 * stdNormPDF(y)
	}
	// y²φ(y) < 1e−300 for y > 38; the integrand is even.
	const yMax = 38.0
	breaks := []float64{0.5, 1, 2, 3, 4, 6, 8, 12}
	if alpha < 0 {
		ys := math.Sqrt(-alpha / beta) // the logistic step
		w := 1 / (beta * ys)           // its width, 1/|ℓ'(ys)|
		for _, k := range []float64{-8, -4, -2, -1, 0, 1, 2, 4, 8} {
			breaks = append(breaks, ys+k*w)
		}
		slices.Sort(breaks)
	}
	integral := 2 * integrateBreaks(f, 0, yMax, breaks, 1e-14)
	return p*v1 + c2*(1-p)*integral
}

// MMSESign returns
//
//	mmse_sign(τ) = E Var(z | m, sign(z)),  z = m + w,
//	m ~ N(0, 1 − 1/τ),  w ~ N(0, 1/τ),
//
// the MSE of the output denoiser of the unrolled decoder (science.md §4.4
// "Scalar functions"). It requires τ ≥ 1 (NaN otherwise);
// MMSESign(1) = 1 − 2/π and MMSESign(τ) → 1/τ as τ → ∞.
//
// Derived: given m and s = sign(z), z is N(m, 1/τ) truncated to s·z > 0, so
// Var = v(a)/τ with a = −s·m·√τ and v = TruncNormVar (science.md §2.3
// step 2); P(s | m) = Q(a). The two signs contribute equally by the symmetry
// m → −m, and a = m√τ ~ N(0, τ − 1), so with σ_a = √(τ − 1)
//
//	mmse_sign(τ) = (2/τ)·E_{t~N(0,1)}[Q(σ_a t)·v(σ_a t)].
//
// Since Q·v → 1 as a → −∞ and → 0 as a → +∞ (both exponentially fast),
// the integral is written as 1/2 + ∫_{t<0} φ(t)(Qv − 1) + ∫_{t>0} φ(t)Qv,
// whose integrands live on |a| ≲ 40, and computed by adaptive
// Gauss–Kronrod quadrature split at the scales 1/σ_a and 1 of the two
// factors.
func MMSESign(tau float64) float64 {
	if !(tau >= 1) {
		return math.NaN()
	}
	if math.IsInf(tau, 1) {
		return 0
	}
	qv := func(a float64) float64 { return stdNormSF(a) * TruncNormVar(a) }
	if tau == 1 {
		return 2 * qv(0)
	}
	sa := math.Sqrt(tau - 1)
	const aMax = 40.0 // Q(a)v(a) < 1e−350 and 1 − Q(−a)v(−a) < 1e−340 beyond.
	tMax := math.Min(aMax/sa, 40)
	var breaks []float64
	for _, k := range []float64{0.25, 0.5, 1, 2, 4, 8, 16, 32} {
		breaks = append(breaks, k, k/sa)
	}
	slices.Sort(breaks)
	pos := func(t float64) float64 { return stdNormPDF(t) * qv(sa*t) }
	neg := func(t float64) float64 { return stdNormPDF(t) * (qv(-sa*t) - 1) }
	ip := integrateBreaks(pos, 0, tMax, breaks, 1e-15)
	in := integrateBreaks(neg, 0, tMax, breaks, 1e-15)
	return 2 / tau * (0.5 + ip + in)
}
