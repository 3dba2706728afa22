package theory

import (
	"math"
	"math/rand/v2"
	"testing"
)

// directInvMills is λ(a) = φ(a)/Q(a) straight from math.Erfc, written here
// independently of the package. It is accurate (a few ulps) wherever φ(a)
// and Q(a) do not underflow, i.e. for a ≲ 37.
func directInvMills(a float64) float64 {
	phi := math.Exp(-a*a/2) / math.Sqrt(2*math.Pi)
	q := 0.5 * math.Erfc(a/math.Sqrt2)
	return phi / q
}

func TestInvMillsDirect(t *testing.T) {
	t.Parallel()
	// Where φ/Q is accurate the two must agree. erfc and exp are accurate to
	// ~1 ulp, but exp(−a²/2) inherits the rounding error of a²/2, a relative
	// error ≈ ε·a²/2; so we allow 4ε·(1 + a²) relative (1e−15 at a = 0,
	// 8e−13 at a = 30; InvMills itself is better than that for a ≥ 5, see
	// TestInvMillsAsymptotic).
	const eps = 0x1p-52
	for _, a := range []float64{-30, -10, -3, -1, -0.5, 0, 0.3, 1, 2, 3, 4, 4.999, 5, 5.001, 6, 8, 10, 15, 20, 30} {
		got, want := InvMills(a), directInvMills(a)
		if math.Abs(got-want) > 4*eps*(1+a*a)*math.Abs(want) {
			t.Errorf("InvMills(%v) = %.17g, want φ/Q = %.17g", a, got, want)
		}
	}
	// Exact special value: λ(0) = φ(0)/(1/2) = √(2/π).
	if got, want := InvMills(0), math.Sqrt(2/math.Pi); math.Abs(got-want) > 1e-16 {
		t.Errorf("InvMills(0) = %.17g, want √(2/π) = %.17g", got, want)
	}
}

func TestInvMillsAsymptotic(t *testing.T) {
	t.Parallel()
	// λ(a) = a·(1 + u − 2u² + 10u³ − 74u⁴ + 706u⁵ − 8162u⁶ + 110410u⁷ − …),
	// u = 1/a² (derived: the reciprocal of the Mills-ratio series
	// Q/φ = (1/a)(1 − u + 3u² − 15u³ + …); the coefficients are the
	// irreducible chord-diagram numbers, OEIS A000699). Truncated after u⁷
	// the absolute error is ≈ 1.7e6/a¹⁵ ≤ 5e−14 for a ≥ 20, so we allow
	// 1e−14 relative (a few ulps).
	for _, a := range []float64{20, 30, 40, 50, 100, 1e3, 1e6, 1e100} {
		got := InvMills(a)
		u := 1 / (a * a)
		want := a * (1 + u*(1+u*(-2+u*(10+u*(-74+u*(706+u*(-8162+u*110410)))))))
		if math.Abs(got-want) > 1e-14*want {
			t.Errorf("InvMills(%v) = %.17g, want asymptotic %.17g", a, got, want)
		}
	}
	// The leading behaviour λ(a) ~ a + 1/a, i.e. a(λ − a) = 1 − 2/a² + …;
	// λ − a is formed by subtraction, which costs ulp(a)/ (1/a) ≈ ε·a²
	// relative, so only moderate a are checked, to 3/a² + 1e−10.
	for _, a := range []float64{6, 10, 30, 40, 100} {
		if rel := (InvMills(a) - a) * a; math.Abs(rel-1) > 3/(a*a)+1e-10 {
			t.Errorf("InvMills(%v): a(λ − a) = %v, want → 1", a, rel)
		}
	}
}

func TestInvMillsExtremes(t *testing.T) {
	t.Parallel()
	// Stability at ±40 and beyond: finite, non-negative, monotone.
	if l := InvMills(40); !(l > 40 && l < 40.03) {
		t.Errorf("InvMills(40) = %v, want in (40, 40.03) (≈ 40 + 1/40)", l)
	}
	// λ(−40) = φ(−40)/Q(−40) ≈ φ(−40) ≈ 1.5e−348 underflows to 0.
	if l := InvMills(-40); !(l >= 0 && l < 1e-300) {
		t.Errorf("InvMills(-40) = %v, want 0 (underflow of ~1e-348)", l)
	}
	if l := InvMills(math.Inf(1)); !math.IsInf(l, 1) {
		t.Errorf("InvMills(+Inf) = %v", l)
	}
	if l := InvMills(math.Inf(-1)); l != 0 {
		t.Errorf("InvMills(-Inf) = %v", l)
	}
	if l := InvMills(math.NaN()); !math.IsNaN(l) {
		t.Errorf("InvMills(NaN) = %v", l)
	}
	// λ is increasing with 0 < λ' = λ(λ − a) < 1 (derived: λ' = λ(λ − a) =
	// 1 − v(a), 0 < v < 1); check monotonicity on a fine grid across the
	// switch at a = 5.
	prev := InvMills(-45)
	for a := -45.0; a <= 60; a += 0.01 {
		l := InvMills(a)
		if l < prev || math.IsNaN(l) {
			t.Fatalf("InvMills not monotone at a = %v: %v < %v", a, l, prev)
		}
		prev = l
	}
}

func TestInvMillsContinuedFraction(t *testing.T) {
	t.Parallel()
	// The continued fraction truncated at depth millsDepth must agree with a
	// much deeper one (depth 2000) at the switch point a = 5, where it
	// converges most slowly; 1e−16 relative is below one ulp.
	deep := func(a float64) float64 {
		var t float64
		for j := 2000; j >= 2; j-- {
			t = float64(j) / (a + t)
		}
		return a + 1/(a+t)
	}
	for _, a := range []float64{millsCF, 5.5, 7, 10} {
		if got, want := InvMills(a), deep(a); math.Abs(got-want) > 1e-16*want {
			t.Errorf("InvMills(%v) = %.17g, depth-2000 fraction %.17g", a, got, want)
		}
	}
}

func TestTruncNormVar(t *testing.T) {
	t.Parallel()
	// v(0) = 1 − 2/π exactly (variance of |z|).
	if got, want := TruncNormVar(0), 1-2/math.Pi; math.Abs(got-want) > 1e-15 {
		t.Errorf("TruncNormVar(0) = %.17g, want %.17g", got, want)
	}
	// Against the direct formula 1 + aλ − λ² with λ from directInvMills.
	// That formula amplifies the relative error of λ (≈ 4ε(1 + a²), see
	// TestInvMillsDirect) by its condition number ≈ 1 + 2λ²/v, which is what
	// we allow: 1e−15 at a ≤ 0, 2e−12 at a = 4, 1e−10 at a = 6.
	const eps = 0x1p-52
	for _, a := range []float64{-30, -5, -1, 0.5, 2, 4, 5, 6} {
		l := directInvMills(a)
		want := 1 + a*l - l*l
		tol := 4*eps*(1+a*a)*(1+2*l*l/want) + 1e-15
		if got := TruncNormVar(a); math.Abs(got-want) > tol*want {
			t.Errorf("TruncNormVar(%v) = %.17g, want %.17g (direct)", a, got, want)
		}
	}
	// Large a: v = u − 6u² + 50u³ − 518u⁴ + 6354u⁵ − 89782u⁶ + …, u = 1/a²
	// (derived by expanding 1 − λ(λ − a) with the series of
	// TestInvMillsAsymptotic, in exact rational arithmetic). Truncated after
	// u⁵ the relative error is ≈ 89782u⁵: 1.5e−10 at a = 30, 8.5e−12 at
	// a = 40; we allow twice that (plus 1e−15).
	for _, a := range []float64{30, 40, 100, 1e4} {
		u := 1 / (a * a)
		want := u * (1 + u*(-6+u*(50+u*(-518+u*6354))))
		tol := 2*89782*math.Pow(u, 5) + 1e-15
		if got := TruncNormVar(a); math.Abs(got-want) > tol*want {
			t.Errorf("TruncNormVar(%v) = %.17g, want asymptotic %.17g", a, got, want)
		}
	}
	// Decreasing from 1 (a → −∞) to 0 (a → +∞) and strictly positive.
	prev := 1.0
	for a := -40.0; a <= 100; a += 0.01 {
		v := TruncNormVar(a)
		if !(v > 0 && v <= prev+1e-15) {
			t.Fatalf("TruncNormVar(%v) = %v after %v: not positive and decreasing", a, v, prev)
		}
		prev = v
	}
}

func TestMMSEBGSpecialValues(t *testing.T) {
	t.Parallel()
	for _, p := range []float64{1e-4, 0.05, 0.3, 0.9, 1} {
		if got := MMSEBG(p, 0); got != 1 {
			t.Errorf("MMSEBG(%v, 0) = %v, want 1", p, got)
		}
	}
	for _, snr := range []float64{1e-6, 0.1, 1, 10, 1e3, 1e6} {
		if got, want := MMSEBG(1, snr), 1/(1+snr); math.Abs(got-want) > 1e-15 {
			t.Errorf("MMSEBG(1, %v) = %v, want %v", snr, got, want)
		}
		// p → 1 is continuous (no special casing of p = 1 needed for it):
		// mmse is within O(1 − p) of the Gaussian value.
		if got, want := MMSEBG(1-1e-9, snr), 1/(1+snr); math.Abs(got-want) > 1e-8 {
			t.Errorf("MMSEBG(1−1e−9, %v) = %v, want ≈ %v", snr, got, want)
		}
	}
	for _, c := range [][2]float64{{0, 1}, {-0.1, 1}, {1.1, 1}, {0.5, -1}, {math.NaN(), 1}, {0.5, math.NaN()}} {
		if got := MMSEBG(c[0], c[1]); !math.IsNaN(got) {
			t.Errorf("MMSEBG(%v, %v) = %v, want NaN", c[0], c[1], got)
		}
	}
}

func TestMMSEBGProperties(t *testing.T) {
	t.Parallel()
	// Robustness over p ∈ (0, 1], snr ∈ [0, 1e6]: the MMSE lies between the
	// genie bound p/(p + snr) (support known) and the linear MMSE
	// 1/(1 + snr), and decreases with snr (derived: more information never
	// hurts). Its accuracy is checked against Monte Carlo in
	// TestMMSEBGMonteCarlo and against the §4.4 table in
	// TestStateEvolutionTable.
	for _, p := range []float64{1e-6, 1e-3, 0.01, 0.05, 0.1, 0.3, 0.5, 0.9, 0.999} {
		prev := 1.0
		for _, snr := range []float64{1e-8, 1e-4, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 100, 1e3, 1e4, 1e5, 1e6} {
			m := MMSEBG(p, snr)
			genie, lin := p/(p+snr), 1/(1+snr)
			if !(m >= genie*(1-1e-12) && m <= lin*(1+1e-12)) {
				t.Errorf("MMSEBG(%v, %v) = %v outside [genie %v, linear %v]", p, snr, m, genie, lin)
			}
			if m > prev {
				t.Errorf("MMSEBG(%v, ·) increases at snr = %v: %v > %v", p, snr, m, prev)
			}
			prev = m
		}
	}
}

// bgPosteriorMean is the posterior mean f(y) of science.md §2.2 for the
// channel y = μx + σz, x ~ BG(p) with E x² = 1, written independently of
// MMSEBG (plain densities, no log-odds).
func bgPosteriorMean(y, mu, sigma2, p float64) float64 {
	norm := func(y, v float64) float64 { return math.Exp(-y*y/(2*v)) / math.Sqrt(2*math.Pi*v) }
	v1 := mu*mu/p + sigma2
	n1 := p * norm(y, v1)
	n0 := (1 - p) * norm(y, sigma2)
	pi1 := n1 / (n1 + n0)
	return pi1 * (mu / p) / v1 * y
}

func TestMMSEBGMonteCarlo(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 20240601))
	// N = 1e6 draws per point. The squared error e = (x − f(y))² has sample
	// std s; the MC standard error is s/√N (≈ 1e−3·mmse at these points).
	// We allow 5 standard errors (a false alarm rate of ~6e−7 per point).
	const n = 1_000_000
	for _, c := range []struct{ p, snr float64 }{
		{0.05, 100}, {0.1, 1}, {0.1, 10}, {0.3, 0.5}, {0.3, 3}, {0.5, 20}, {0.9, 1},
	} {
		mu := math.Sqrt(c.snr)
		var sum, sum2 float64
		for i := 0; i < n; i++ {
			var x float64
			if rng.Float64() < c.p {
				x = rng.NormFloat64() / math.Sqrt(c.p)
			}
			y := mu*x + rng.NormFloat64()
			e := x - bgPosteriorMean(y, mu, 1, c.p)
			sum += e * e
			sum2 += e * e * e * e
		}
		mean := sum / n
		se := math.Sqrt((sum2/n - mean*mean) / n)
		got := MMSEBG(c.p, c.snr)
		if math.Abs(got-mean) > 5*se {
			t.Errorf("MMSEBG(%v, %v) = %.6f, Monte Carlo %.6f ± %.6f", c.p, c.snr, got, mean, se)
		}
	}
}

func TestMMSESignValues(t *testing.T) {
	t.Parallel()
	// τ = 1: m = 0, so the MMSE is Var(z | sign z) = 1 − (E|z|)² = 1 − 2/π.
	if got, want := MMSESign(1), 1-2/math.Pi; math.Abs(got-want) > 1e-15 {
		t.Errorf("MMSESign(1) = %.17g, want %.17g", got, want)
	}
	// Continuity at τ → 1⁺ (the quadrature path), to O(τ − 1).
	if got, want := MMSESign(1+1e-10), 1-2/math.Pi; math.Abs(got-want) > 1e-9 {
		t.Errorf("MMSESign(1+1e−10) = %.17g, want ≈ %.17g", got, want)
	}
	// Large τ: the sign only matters when |m| ≲ 1/√τ, so
	// τ·mmse = 1 − c/√τ + O(1/τ) (derived: the correction comes from a
	// window of width ~τ^{-1/2} in m, where the density of m is
	// φ(0)/√(1 − 1/τ)); check τ·mmse → 1 with the √τ rate:
	// √τ(1 − τ·mmse) must be nearly constant between τ = 1e6 and 1e8.
	c6 := math.Sqrt(1e6) * (1 - 1e6*MMSESign(1e6))
	c8 := math.Sqrt(1e8) * (1 - 1e8*MMSESign(1e8))
	if !(c6 > 0.5 && c6 < 1) || math.Abs(c6-c8) > 1e-3 {
		t.Errorf("MMSESign large-τ rate: √τ(1 − τ·mmse) = %v at 1e6, %v at 1e8", c6, c8)
	}
	// Positive, decreasing in τ and ≤ 1/τ (derived: E Var(z | m, s) ≤
	// E Var(z | m) = Var(w) = 1/τ, since conditioning on more never raises
	// the expected posterior variance).
	prev := MMSESign(1)
	for _, tau := range []float64{1.001, 1.01, 1.1, 1.5, 2, 3, 5, 10, 30, 100, 1e3, 1e4, 1e6} {
		m := MMSESign(tau)
		if !(m > 0 && m < prev && m <= 1/tau) {
			t.Errorf("MMSESign(%v) = %v (previous %v, 1/τ = %v)", tau, m, prev, 1/tau)
		}
		prev = m
	}
	for _, tau := range []float64{0.99, 0, -1, math.NaN()} {
		if got := MMSESign(tau); !math.IsNaN(got) {
			t.Errorf("MMSESign(%v) = %v, want NaN", tau, got)
		}
	}
}

func TestMMSESignMonteCarlo(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 20240601))
	// For each τ draw m ~ N(0, 1 − 1/τ), w ~ N(0, 1/τ), z = m + w and
	// compute the squared error of the truncated-normal posterior mean
	// ẑ = m + s·τ^{-1/2}·λ(a), a = −s·m·√τ (science.md §2.3 step 2, λ by
	// directInvMills). E(z − ẑ)² = E Var(z | m, s). N = 1e6, we allow 5
	// standard errors estimated from the same draws.
	const n = 1_000_000
	for _, tau := range []float64{1, 1.2, 2, 5, 20, 200} {
		sm, sw := math.Sqrt(1-1/tau), math.Sqrt(1/tau)
		var sum, sum2 float64
		for i := 0; i < n; i++ {
			m := sm * rng.NormFloat64()
			z := m + sw*rng.NormFloat64()
			s := 1.0
			if z < 0 {
				s = -1
			}
			a := -s * m * math.Sqrt(tau)
			zh := m + s*sw*directInvMills(a)
			e := (z - zh) * (z - zh)
			sum += e
			sum2 += e * e
		}
		mean := sum / n
		se := math.Sqrt((sum2/n - mean*mean) / n)
		if got := MMSESign(tau); math.Abs(got-mean) > 5*se {
			t.Errorf("MMSESign(%v) = %.6g, Monte Carlo %.6g ± %.2g", tau, got, mean, se)
		}
	}
}

func TestQuadrature(t *testing.T) {
	t.Parallel()
	// The K15 rule integrates polynomials of degree ≤ 22 exactly and the G7
	// rule those of degree ≤ 13: a typo in a node or weight breaks this.
	for deg := 0; deg <= 22; deg++ {
		f := func(x float64) float64 { return math.Pow(x, float64(deg)) }
		k, e := gk15(f, -1, 1)
		want := 0.0
		if deg%2 == 0 {
			want = 2 / float64(deg+1)
		}
		if math.Abs(k-want) > 1e-15 {
			t.Errorf("K15 ∫x^%d = %.17g, want %.17g", deg, k, want)
		}
		if deg <= 13 && e > 1e-15 {
			t.Errorf("G7 ∫x^%d differs from K15 by %v", deg, e)
		}
	}
	// Adaptive rule on integrands with narrow features.
	for _, c := range []struct {
		name    string
		f       func(float64) float64
		a, b, w float64
	}{
		{"gauss", func(x float64) float64 { return math.Exp(-x * x / 2) }, 0, 40, math.Sqrt(math.Pi / 2)},
		{"sqrt", math.Sqrt, 0, 1, 2.0 / 3},
		// A feature of width 1e−4 in [0, 40] is invisible to the first
		// K15 panel (nearest node 0.17), which is why the package always
		// splits at the known scales of its integrands.
		{"narrow", func(x float64) float64 { return math.Exp(-x*x*1e8/2) * 1e4 }, 0, 40, math.Sqrt(math.Pi / 2)},
	} {
		breaks := []float64{1e-4, 1e-3, 1, 10}
		if got := integrateBreaks(c.f, c.a, c.b, breaks, 1e-13); math.Abs(got-c.w) > 1e-12 {
			t.Errorf("integrate %s = %.17g, want %.17g", c.name, got, c.w)
		}
	}
}

// simpson returns the composite Simpson approximation of ∫_a^b f with n
// (even) intervals.
func simpson(f func(float64) float64, a, b float64, n int) float64 {
	h := (b - a) / float64(n)
	s := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(a+float64(i)*h)
	}
	return s * h / 3
}

func TestMMSEBGIndependentQuadrature(t *testing.T) {
	t.Parallel()
	// E Var(x | y) written directly from science.md §2.2 (posterior
	// probability π₁, posterior mean and variance of the non-zero
	// component) and integrated against the two-component mixture density
	// of y by composite Simpson rules: h = 1e−3 on [0, 60] (the unit-variance
	// component and the logistic step, all of scale ≥ 0.2) and 2e5 intervals
	// on [60, 60·s₁] (the wide component, scale s₁ = √(1 + snr/p)). Simpson's
	// error is O(h⁴·f⁗) ≈ 1e−13 here, so the two computations must agree to
	// the 1e−9 the brief asks of MMSEBG.
	for _, c := range []struct{ p, snr float64 }{
		{1e-3, 1e6}, {1e-3, 10}, {0.01, 1e3}, {0.05, 0.01}, {0.1, 1.75}, {0.3, 5}, {0.5, 1e5}, {0.99, 2},
	} {
		p, snr := c.p, c.snr
		v1 := 1 / (p + snr)
		c1 := math.Sqrt(snr) / (p + snr)
		s1 := math.Sqrt(1 + snr/p)
		norm := func(y, s float64) float64 { return math.Exp(-y*y/(2*s*s)) / (s * math.Sqrt(2*math.Pi)) }
		f := func(y float64) float64 {
			a1, a0 := p*norm(y, s1), (1-p)*norm(y, 1)
			py := a1 + a0
			if py == 0 {
				return 0
			}
			pi1 := a1 / py
			m1 := c1 * y
			return py * (pi1*v1 + pi1*(1-pi1)*m1*m1)
		}
		want := 2 * (simpson(f, 0, 60, 60000) + simpson(f, 60, math.Max(60*s1, 120), 200000))
		if got := MMSEBG(p, snr); math.Abs(got-want) > 1e-9 {
			t.Errorf("MMSEBG(%v, %v) = %.12g, Simpson %.12g", p, snr, got, want)
		}
	}
}

func TestMMSESignIndependentQuadrature(t *testing.T) {
	t.Parallel()
	// E Var(z | m, s) written directly as ∫ N(m; 0, 1 − 1/τ) Σ_s P(s|m)·
	// Var(z | m, s) dm, with P(s|m) = Q(a_s), a_s = −s·m·√τ and
	// Var = (1 + aλ − λ²)/τ from directInvMills, by composite Simpson with
	// 2e5 intervals on m ∈ [−12σ_m, 12σ_m] (h ≤ 1.2e−4, i.e. ≥ 80 points
	// across the narrowest feature, of width 1/√τ = 0.01 at τ = 1e4). Terms
	// with Q(a) < 1e−300 are dropped (their contribution is below 1e−290).
	// The direct variance formula loses ≈ ε·a⁴ relative at large a, but those
	// terms are weighted by Q(a) ≲ e^{−a²/2}, so the sum is accurate to
	// ~1e−13; we ask for the brief's 1e−9.
	for _, tau := range []float64{1.01, 1.5, 3, 30, 1e4} {
		sm := math.Sqrt(1 - 1/tau)
		st := math.Sqrt(tau)
		f := func(m float64) float64 {
			var s float64
			for _, sg := range []float64{-1, 1} {
				a := -sg * m * st
				q := 0.5 * math.Erfc(a/math.Sqrt2)
				if q < 1e-300 {
					continue
				}
				l := directInvMills(a)
				s += q * (1 + a*l - l*l) / tau
			}
			return s * math.Exp(-m*m/(2*sm*sm)) / (sm * math.Sqrt(2*math.Pi))
		}
		want := simpson(f, -12*sm, 12*sm, 200000)
		if got := MMSESign(tau); math.Abs(got-want) > 1e-9 {
			t.Errorf("MMSESign(%v) = %.12g, Simpson %.12g", tau, got, want)
		}
	}
}
