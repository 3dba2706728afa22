package train

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestShape checks the minimizer statistics on matrices with known values:
// a permutation (perm_score = row_peak = 1, orth_error = 0), Haar rows
// (orth_error = 0 up to float32 rounding, perm_score = 3/(d+2) in
// expectation: derived from E u⁴ = 3/(d(d+2)) for a uniform unit vector),
// and two identical rows (orth_error = √(2/n) exactly: two off-diagonal
// ones in B̃B̃ᵀ − I).
func TestShape(t *testing.T) {
	const n, d = 64, 128
	perm := make([]float32, n*d)
	for i, j := range rand.New(rand.NewPCG(1, 1)).Perm(d)[:n] {
		perm[i*d+j] = -1
	}
	s := shapeOf(perm, n, d)
	if s.PermScore != 1 || s.RowPeak != 1 || s.OrthError != 0 {
		t.Errorf("permutation: %+v", s)
	}

	haar := make([]float32, n*d)
	haarRows(rand.New(rand.NewPCG(2, 2)), haar, n, d)
	s = shapeOf(haar, n, d)
	// float32 storage: Gram entries are off by ~1e-7·√d.
	if s.OrthError > 1e-5 {
		t.Errorf("Haar rows: orth_error %g", s.OrthError)
	}
	// The sample mean over n = 64 rows has relative std ≈ √(Var u⁴-sum/n)
	// ≈ √(24/d)/(3·√n)·… ≈ 6% (derived: Σu⁴ over d coordinates has relative
	// std ≈ √(96/d)/3 ≈ 0.29 for Gaussian-like entries, divided by √n); 25%
	// is more than four standard deviations.
	if want := 3.0 / (d + 2); math.Abs(s.PermScore-want) > 0.25*want {
		t.Errorf("Haar rows: perm_score %g, want ≈ %g", s.PermScore, want)
	}

	dup := append([]float32(nil), perm...)
	copy(dup[d:2*d], dup[:d])
	s = shapeOf(dup, n, d)
	if want := math.Sqrt(2.0 / n); math.Abs(s.OrthError-want) > 1e-12 {
		t.Errorf("duplicated row: orth_error %g, want %g", s.OrthError, want)
	}
}
