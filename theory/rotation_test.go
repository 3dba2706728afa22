package theory

import (
	"math"
	"testing"
)

func TestRotationLossBG(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	t.Parallel()
	// Gaussian data (p = 1): u = Bx ~ N(0, I_n) exactly for orthonormal
	// rows, so the codes are independent, K = I, C = √(2/π)B and the best
	// linear decoder's loss is 1 − 2r/π at every d (science.md §4.1; the
	// derivation in TestGaussLossMonteCarlo). The estimate's standard error
	// is ≈ √(2/(N·d))·(1 − loss) ≈ 2e−4 at N = 16,384, d = 64, and the
	// 1 − n/N correction leaves an O((n/N)²) = 1e−5 bias, so 0.003 is ten
	// standard errors.
	for _, r := range []float64{0.5, 1} {
		n := int(r * 64)
		got := RotationLossBG(64, n, 1, 16384, 1)
		if want := GaussLoss(r); math.Abs(got-want) > 0.003 {
			t.Errorf("p=1 r=%v: RotationLossBG = %.4f, want GaussLoss %.4f ± 0.003", r, got, want)
		}
	}
	// Sparse data: an independent reference (numpy, 200,000 samples to fit
	// the decoder by least squares and 100,000 fresh ones to measure it,
	// another Haar draw) gave 0.4287 at d = 128, p = 0.05, r = 1 and
	// 0.3978 at d = 256. The Haar draw moves the loss by less than 1e−3 at
	// these d (the loss is an average over n rows) and the Monte Carlo by a
	// few 1e−4, so 0.004 covers both estimates' errors. The loss falls
	// towards R_Gauss = 0.3634 as p·d grows (science.md §4.2: R_Gauss is the
	// d → ∞ limit).
	l128 := RotationLossBG(128, 128, 0.05, 32768, 1)
	if math.Abs(l128-0.4287) > 0.004 {
		t.Errorf("d=128 p=0.05 r=1: RotationLossBG = %.4f, want 0.4287 ± 0.004", l128)
	}
	l64 := RotationLossBG(64, 64, 0.05, 32768, 1)
	if !(l64 > l128 && l128 > GaussLoss(1)) {
		t.Errorf("p=0.05 r=1: loss at d=64 %.4f, d=128 %.4f, want decreasing towards R_Gauss %.4f", l64, l128, GaussLoss(1))
	}
	// Same seed, same value (the report relies on it).
	if again := RotationLossBG(128, 128, 0.05, 32768, 1); again != l128 {
		t.Errorf("not deterministic: %v then %v", l128, again)
	}
	for _, bad := range []struct {
		d, n    int
		p       float64
		samples int
	}{{64, 0, 0.5, 1000}, {64, 65, 0.5, 1000}, {64, 64, 0, 1000}, {64, 64, 1.5, 1000}, {64, 64, 0.5, 128}} {
		if v := RotationLossBG(bad.d, bad.n, bad.p, bad.samples, 1); !math.IsNaN(v) {
			t.Errorf("RotationLossBG(%d, %d, %v, %d) = %v, want NaN", bad.d, bad.n, bad.p, bad.samples, v)
		}
	}
}
