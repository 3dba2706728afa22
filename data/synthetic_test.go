package data

import (
	"math"
	"strconv"
	"testing"
)

// Monte Carlo tolerances. Every check below compares a sample average
// m̂ = (1/N) Σ f(x_k) of N i.i.d. draws with its exact expectation m. By the
// central limit theorem m̂ − m ≈ N(0, σ_f²/N), where σ_f² = Var f(x) is known
// in closed form for each source, so the standard error is se = σ_f/√N and we
// accept |m̂ − m| ≤ 5·se (a false alarm has probability ≈ 6·10⁻⁷ per check;
// the seeds are fixed, so the outcome is in any case reproducible). A tiny
// absolute slack covers float32 rounding of the samples.
const zTol = 5.0

func checkMoment(t *testing.T, what string, got, want, variance float64, n int) {
	t.Helper()
	se := math.Sqrt(variance / float64(n))
	if tol := zTol*se + 1e-6; math.Abs(got-want) > tol {
		t.Errorf("%s = %.6f, want %.6f ± %.6f (5 standard errors, N = %d)", what, got, want, tol, n)
	}
}

// TestSyntheticMoments checks mean 0, E x² = 1, P(x = 0) = 1 − p and E|x|
// (science.md §1.1: √(2p/π) for BG, √p for sparse Rademacher, √(2/π) for the
// Gaussian) and the fourth moment, with the variances of the estimators:
//
//	Var x = 1;  Var x² = E x⁴ − 1;  Var 1{x=0} = p(1−p);  Var |x| = 1 − (E|x|)²;
//	Var x⁴ = E x⁸ − (E x⁴)²,
//
// where for x = s·z/√p (s ~ Bern(p)) E x^{2k} = E z^{2k}/p^{k−1}, with
// E z⁴ = 3, E z⁸ = 105 for z Gaussian and 1 for z = ±1.
func TestSyntheticMoments(t *testing.T) {
	const rows, d = 20000, 100 // N = 2·10⁶ coordinates per case
	for _, tc := range []struct {
		source string
		p      float64
	}{
		{"gaussian", 0},
		{"gaussian", 1},
		{"bernoulli-gaussian", 1},
		{"bernoulli-gaussian", 0.5},
		{"bernoulli-gaussian", 0.1},
		{"bernoulli-gaussian", 0.02},
		{"sparse-rademacher", 1},
		{"sparse-rademacher", 0.5},
		{"sparse-rademacher", 0.1},
	} {
		t.Run(tc.source+"/"+ftoa(tc.p), func(t *testing.T) {
			src, err := New(Options{Source: tc.source, Dim: d, Sparsity: tc.p})
			if err != nil {
				t.Fatal(err)
			}
			x := make([]float32, rows*d)
			src.Batch(12345, 3, x)
			p := tc.p
			if p == 0 {
				p = 1
			}
			var eAbs, ez4, ez8 float64
			if tc.source == "sparse-rademacher" {
				eAbs, ez4, ez8 = math.Sqrt(p), 1, 1
			} else {
				eAbs, ez4, ez8 = math.Sqrt(2*p/math.Pi), 3, 105
			}
			m4 := ez4 / p
			m8 := ez8 / (p * p * p)
			var s1, s2, s4, sAbs, zeros float64
			for _, v := range x {
				f := float64(v)
				s1 += f
				s2 += f * f
				s4 += f * f * f * f
				sAbs += math.Abs(f)
				if v == 0 {
					zeros++
				}
			}
			n := float64(len(x))
			N := len(x)
			checkMoment(t, "mean", s1/n, 0, 1, N)
			checkMoment(t, "E x²", s2/n, 1, m4-1, N)
			checkMoment(t, "E x⁴", s4/n, m4, m8-m4*m4, N)
			checkMoment(t, "P(x=0)", zeros/n, 1-p, p*(1-p), N)
			checkMoment(t, "E|x|", sAbs/n, eAbs, 1-eAbs*eAbs, N)
			if tc.source == "sparse-rademacher" {
				want := float32(1 / math.Sqrt(p))
				for _, v := range x {
					if v != 0 && v != want && v != -want {
						t.Fatalf("value %v not in {0, ±%v}", v, want)
					}
				}
			}
		})
	}
}

func ftoa(p float64) string { return "p=" + strconv.FormatFloat(p, 'g', -1, 64) }
