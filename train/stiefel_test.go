package train

import (
	"context"
	"math"
	"testing"
)

// TestStiefelRetraction checks that the denoiser and multilayer encoders stay
// orthonormal during training (from either init), while the linear encoder
// is only row-normalised, as before.
func TestStiefelRetraction(t *testing.T) {
	for _, tc := range []struct {
		arch, init string
		layers     int
		wantOrth   bool
	}{
		{"denoiser", "gaussian", 1, true},
		{"multilayer", "orthogonal", 2, true},
		{"multilayer", "gaussian", 3, true},
		{"linear", "gaussian", 1, false},
	} {
		t.Run(tc.arch+"-"+tc.init, func(t *testing.T) {
			cfg := Config{Source: "bernoulli-gaussian", Sparsity: 0.2, Rate: 1, Dim: 48, Arch: tc.arch, Layers: tc.layers, Init: tc.init, Steps: 40, Batch: 32, Seed: 2}
			tr, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantOrth {
				if e := shapeOf(tr.m.B, tr.m.n, tr.m.d).OrthError; e > 1e-5 {
					t.Errorf("initial orth_error %.2g, want ≈ 0", e)
				}
			}
			res, err := tr.Run(context.Background(), RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			e := res.Minimizer.OrthError
			switch {
			case tc.wantOrth && e > 1e-4:
				t.Errorf("orth_error %.2g after training, want < 1e-4", e)
			case !tc.wantOrth && e < 0.1:
				t.Errorf("linear orth_error %.2g: the linear encoder should not be orthogonalised", e)
			}
			for i := 0; i < tr.m.n; i++ {
				var s float64
				for _, v := range tr.m.B[i*tr.m.d : (i+1)*tr.m.d] {
					s += float64(v) * float64(v)
				}
				if math.Abs(s-1) > 1e-5 {
					t.Fatalf("row %d has squared norm %v", i, s)
				}
			}
		})
	}
}

// TestPolarRows checks the float64 polar factor and that one Newton–Schulz
// step contracts a perturbation of an orthonormal matrix quadratically.
func TestPolarRows(t *testing.T) {
	cfg := Config{Source: "gaussian", Rate: 0.75, Dim: 40, Arch: "denoiser", Seed: 9}.Defaults()
	m := newModel(cfg, cfg.Dim)
	for i := range m.B {
		m.B[i] = float32(math.Sin(float64(i*i%97)) + 0.1)
	}
	polarRows(m.B, m.n, m.d)
	if e := shapeOf(m.B, m.n, m.d).OrthError; e > 1e-5 {
		t.Fatalf("polar factor has orth_error %.2g", e)
	}
	for i := range m.B {
		m.B[i] += float32(1e-2 * math.Cos(float64(i)))
	}
	before := shapeOf(m.B, m.n, m.d).OrthError
	m.newtonSchulz(1)
	after := shapeOf(m.B, m.n, m.d).OrthError
	if !(after < 5*before*before+1e-5) {
		t.Errorf("Newton–Schulz: orth_error %.3g → %.3g, want quadratic contraction", before, after)
	}
}
