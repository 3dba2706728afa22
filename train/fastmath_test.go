package train

import (
	"math"
	"testing"

	"github.com/bitsweep/bitsweep/theory"
)

// TestExpf checks expf against math.Exp: the Cephes polynomial is accurate
// to about 1 ulp of float32 (6e-8); we allow 2e-7 relative, which still
// catches any wrong coefficient or range-reduction constant (those give
// errors of 1e-4 or more).
func TestExpf(t *testing.T) {
	for x := -87.0; x <= 88; x += 0.0137 {
		want := math.Exp(float64(float32(x)))
		got := float64(expf(float32(x)))
		if rel := math.Abs(got-want) / want; rel > 2e-7 {
			t.Fatalf("expf(%g) = %g, want %g (rel %.2g)", x, got, want, rel)
		}
	}
	if expf(-100) != 0 || !math.IsInf(float64(expf(100)), 1) {
		t.Errorf("expf does not saturate: expf(-100)=%g expf(100)=%g", expf(-100), expf(100))
	}
}

// TestInvMillsFast compares the interpolated inverse Mills ratio with the
// reference of package theory; the cubic Hermite error bound is < 1e-8
// absolute (see fastmath.go). We allow 1e-7·max(λ, 1e-3): relative 1e-7
// where λ > 1e-3, and 1e-10 absolute in the far left tail, where λ ≈ φ(a)
// decays like exp(−a²/2) and only its absolute error matters (it is added to
// p₁ in ẑ = p₁ + s·κ·λ).
// λ' = λ(λ − a) cancels for large a, where it tends to 1 − 1/a²; its
// relative accuracy there is 1e-8·a/(λ − a) ≈ 1e-8·a², so λ' gets a
// tolerance scaled by (1 + a²).
func TestInvMillsFast(t *testing.T) {
	for a := -12.0; a <= 35; a += 0.00731 {
		lam, dlam := invMillsFast(a)
		want := theory.InvMills(a)
		if rel := math.Abs(lam-want) / math.Max(want, 1e-3); rel > 1e-7 {
			t.Fatalf("λ(%g) = %.12g, want %.12g (rel %.2g)", a, lam, want, rel)
		}
		wantD := want * (want - a)
		if a > 20 {
			// Reference from the series, which avoids the cancellation.
			_, wantD = invMills(math.Max(a, 25.0001))
			if a <= 25 {
				continue
			}
		}
		if diff := math.Abs(dlam - wantD); diff > 1e-7*(1+a*a)*math.Max(wantD, 1e-3) {
			t.Fatalf("λ'(%g) = %.12g, want %.12g", a, dlam, wantD)
		}
	}
}
