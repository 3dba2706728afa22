package theory

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestNormFloorBG(t *testing.T) {
	t.Parallel()
	// Closed-form values: Var(χ_1) = 1 − 2/π, so at d = 1, p = 1 the floor
	// is 1 − 2/π (the 1-bit code of a scalar Gaussian keeps only its sign:
	// the same as GaussLoss(1), which is attained by x̂ = √(2/π)·sign(x)).
	if got, want := NormFloorBG(1, 1), 1-2/math.Pi; math.Abs(got-want) > 1e-12 {
		t.Errorf("NormFloorBG(1, 1) = %.15f, want 1 − 2/π = %.15f", got, want)
	}
	// Large p·d: Var(χ_k) = 1/2 − 1/(8k) + O(k⁻²), so the floor tends to
	// 1/(2pd); at d = 512, p = 0.1 (k ≈ 51) the correction is ≈ 0.5%.
	if got, approx := NormFloorBG(512, 0.1), 1/(2*0.1*512.0); math.Abs(got/approx-1) > 0.01 {
		t.Errorf("NormFloorBG(512, 0.1) = %.5f, want ≈ 1/(2pd) = %.5f within 1%%", got, approx)
	}
	for _, bad := range []struct {
		d int
		p float64
	}{{0, 0.5}, {10, 0}, {10, 1.5}, {10, math.NaN()}} {
		if v := NormFloorBG(bad.d, bad.p); !math.IsNaN(v) {
			t.Errorf("NormFloorBG(%d, %v) = %v, want NaN", bad.d, bad.p, v)
		}
	}
	// Monte Carlo of the definition: E(ρ − E[ρ | k])²/E‖x‖² over BG
	// samples, with E[ρ | k] = E χ_k/√p. The per-sample (ρ − E[ρ | k])² is
	// about Var(ρ | k) times a χ²₁ variable (ρ given k is nearly normal), so
	// the numerator's relative standard error is ≈ √(2/N) = 0.3% at
	// N = 200,000, and the denominator's is smaller; 2% is ≈ 6 standard
	// errors.
	rng := rand.New(rand.NewPCG(7, 20240601))
	const d, p, n = 64, 0.1, 200000
	var num, den float64
	for i := 0; i < n; i++ {
		var r2 float64
		k := 0
		for j := 0; j < d; j++ {
			if rng.Float64() < p {
				g := rng.NormFloat64()
				r2 += g * g / p
				k++
			}
		}
		a, _ := math.Lgamma(float64(k+1) / 2)
		b, _ := math.Lgamma(float64(k) / 2)
		mean := 0.0
		if k > 0 {
			mean = math.Sqrt2 * math.Exp(a-b) / math.Sqrt(p)
		}
		dev := math.Sqrt(r2) - mean
		num += dev * dev
		den += r2
	}
	if mc, got := num/den, NormFloorBG(d, p); math.Abs(mc/got-1) > 0.02 {
		t.Errorf("NormFloorBG(%d, %v) = %.5f, Monte Carlo %.5f", d, p, got, mc)
	}
}
