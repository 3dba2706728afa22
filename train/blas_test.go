package train

import (
	"context"
	"math"
	"testing"
)

// TestBackendsAgree trains the same point with OpenBLAS (loaded at run
// time) and with gonum's pure-Go BLAS: each backend is bit-exact run to run,
// and the two agree to float32 rounding. The tolerance, 1e-3 on the
// held-out loss, is a tenth of the tightest tolerance any claim or test
// rests on (0.01, TestSparseRademacherTransition): rounding differences of
// 2⁻²⁴ per product grow along the trajectory, but a trajectory near a
// minimiser is stable (measured: |Δloss| ≈ 4e-6 for d = 256 after 600
// steps, and the value logged below).
func TestBackendsAgree(t *testing.T) {
	if Backend() != "openblas" {
		t.Skipf("OpenBLAS not loaded (%s): nothing to compare the fallback with", BLAS().Fallback)
	}
	cfg := Config{Source: "sparse-rademacher", Sparsity: 0.6, Rate: 1, Dim: 64, Steps: 400, Until: "fixed", Batch: 128, EvalSamples: 4096, Seed: 3}
	run := func() *Result {
		tr, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		res, err := tr.Run(context.Background(), RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	fast, fast2 := run(), run()
	restore := useGonum()
	slow, slow2 := run(), run()
	restore()
	if fast.Backend != "openblas" || slow.Backend != "gonum" || fast.BLASThreads != blasThreads() || slow.BLASThreads != 1 {
		t.Fatalf("backends %s/%d and %s/%d", fast.Backend, fast.BLASThreads, slow.Backend, slow.BLASThreads)
	}
	if fast.Loss != fast2.Loss || slow.Loss != slow2.Loss {
		t.Errorf("not bit-exact: openblas %v then %v, gonum %v then %v", fast.Loss, fast2.Loss, slow.Loss, slow2.Loss)
	}
	d := math.Abs(fast.Loss - slow.Loss)
	if d > 1e-3 || math.Abs(fast.Minimizer.PermScore-slow.Minimizer.PermScore) > 1e-2 {
		t.Errorf("openblas loss %.6f perm %.4f, gonum %.6f perm %.4f: differ beyond rounding", fast.Loss, fast.Minimizer.PermScore, slow.Loss, slow.Minimizer.PermScore)
	}
	t.Logf("openblas %.7f, gonum %.7f: |Δloss| = %.1e", fast.Loss, slow.Loss, d)
}
