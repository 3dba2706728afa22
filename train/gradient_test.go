package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// gradModel builds a small model with random parameters and inputs for
// finite-difference checks.
func gradModel(t *testing.T, arch string, layers int, ste string) (*model, *work, []float32) {
	t.Helper()
	cfg := Config{Source: "gaussian", Sparsity: 0.3, Rate: 0.8, Dim: 10, Arch: arch, Layers: layers, STE: ste, Seed: 1}.Defaults()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	m := newModel(cfg, cfg.Dim)
	rng := rand.New(rand.NewPCG(7, 8))
	m.initialise(rng)
	// Move the scalars off their SE values and A off √(2/π)B̃ᵀ so that no
	// term of the gradient vanishes by symmetry.
	for i := range m.sc {
		m.sc[i] += float32(0.1 * rng.NormFloat64())
	}
	for i := range m.A {
		m.A[i] += float32(0.1 * rng.NormFloat64())
	}
	const rows = 7
	X := make([]float32, rows*cfg.Dim)
	for i := range X {
		X[i] = float32(rng.NormFloat64())
	}
	return m, newWork(m, rows, true), X
}

// lossAt runs a forward pass and returns the loss in float64.
func lossAt(m *model, w *work, X []float32) float64 {
	m.forward(w, X)
	d := m.d
	var s float64
	for i := range X {
		e := float64(w.Xhat[i]) - float64(X[i])
		s += e * e
	}
	return s / float64(w.rows*d)
}

// TestGradientFiniteDifferences compares the analytic gradient with central
// finite differences, bits held fixed (the decoder is smooth in every
// parameter once the bits are fixed, so the comparison is exact up to
// O(h²) truncation and float32 rounding). h = 1e-2 in float32: the
// truncation error is O(h²·|f”'|) ≈ 1e-4 relative and the rounding error of
// the loss ≈ 1e-7/h ≈ 1e-5, so 2% of the gradient's scale is a safe bound
// that still catches any wrong term (a missing term changes a component by
// its whole size).
func TestGradientFiniteDifferences(t *testing.T) {
	for _, tc := range []struct {
		arch   string
		layers int
	}{{"linear", 1}, {"denoiser", 1}, {"multilayer", 1}, {"multilayer", 2}, {"multilayer", 3}} {
		t.Run(fmt.Sprintf("%s-%d", tc.arch, tc.layers), func(t *testing.T) {
			m, w, X := gradModel(t, tc.arch, tc.layers, "identity")
			m.forward(w, X)
			m.freezeS, m.noSTE = true, true
			grad := make([]float32, len(m.params))
			m.lossGrad(w, X)
			m.backward(w, X, grad)
			fd := make([]float64, len(m.params))
			const h = 1e-2
			for i := range m.params {
				old := m.params[i]
				m.params[i] = old + h
				lp := lossAt(m, w, X)
				m.params[i] = old - h
				lm := lossAt(m, w, X)
				m.params[i] = old
				fd[i] = (lp - lm) / (2 * h)
			}
			// The encoder rows live on the unit sphere: compare tangential parts.
			d, n := m.d, m.n
			for r := 0; r < n; r++ {
				var dot float64
				for j := 0; j < d; j++ {
					dot += float64(m.B[r*d+j]) * fd[r*d+j]
				}
				for j := 0; j < d; j++ {
					fd[r*d+j] -= dot * float64(m.B[r*d+j])
				}
			}
			var scale float64
			for _, g := range fd {
				scale = math.Max(scale, math.Abs(g))
			}
			for i := range fd {
				if m.cfg.Denoiser == "theory" {
					continue
				}
				if diff := math.Abs(float64(grad[i]) - fd[i]); diff > 0.02*scale {
					t.Errorf("param %d (%s): analytic %.6g, finite difference %.6g", i, m.paramName(i), grad[i], fd[i])
				}
			}
		})
	}
}

// TestStraightThrough checks the encoder's straight-through gradient:
// ∂L/∂B̃ = (∂L/∂S ⊙ ste'(U))ᵀ·X with ∂L/∂S from finite differences in the
// bits (all of their uses: the linear decoder and the decoder layers' skip
// connections), for every estimator.
func TestStraightThrough(t *testing.T) {
	for _, ste := range []string{"identity", "clip", "tanh"} {
		for _, arch := range []string{"linear", "multilayer"} {
			t.Run(ste+"-"+arch, func(t *testing.T) {
				layers := 1
				if arch == "multilayer" {
					layers = 3
				}
				m, w, X := gradModel(t, arch, layers, ste)
				m.cfg.DecoderGrad = "stop" // leave only the straight-through part in dB
				m.forward(w, X)
				m.freezeS = true
				grad := make([]float32, len(m.params))
				m.lossGrad(w, X)
				m.backward(w, X, grad)
				d, n, rows := m.d, m.n, w.rows
				dS := make([]float64, rows*n)
				const h = 1e-2
				for i := range w.S {
					old := w.S[i]
					w.S[i] = old + h
					lp := lossAt(m, w, X)
					w.S[i] = old - h
					lm := lossAt(m, w, X)
					w.S[i] = old
					dS[i] = (lp - lm) / (2 * h)
				}
				want := make([]float64, n*d)
				eps := m.cfg.STEEpsilon
				for r := 0; r < rows; r++ {
					for k := 0; k < n; k++ {
						u := float64(w.U[r*n+k])
						var g float64
						switch ste {
						case "identity":
							g = 1
						case "clip":
							if math.Abs(u) <= 1 {
								g = 1
							}
						case "tanh":
							th := math.Tanh(u / eps)
							g = (1 - th*th) / eps
						}
						for j := 0; j < d; j++ {
							want[k*d+j] += dS[r*n+k] * g * float64(X[r*d+j])
						}
					}
				}
				var scale float64
				for k := 0; k < n; k++ {
					var dot float64
					for j := 0; j < d; j++ {
						dot += float64(m.B[k*d+j]) * want[k*d+j]
					}
					for j := 0; j < d; j++ {
						want[k*d+j] -= dot * float64(m.B[k*d+j])
						scale = math.Max(scale, math.Abs(want[k*d+j]))
					}
				}
				for i := range want {
					if diff := math.Abs(float64(grad[i]) - want[i]); diff > 0.02*scale {
						t.Errorf("B[%d]: analytic %.6g, want %.6g", i, grad[i], want[i])
					}
				}
			})
		}
	}
}

// paramName names parameter i for error messages.
func (m *model) paramName(i int) string {
	nd := m.n * m.d
	switch {
	case i < nd:
		return fmt.Sprintf("B[%d,%d]", i/m.d, i%m.d)
	case i < 2*nd:
		j := i - nd
		return fmt.Sprintf("A[%d,%d]", j/m.n, j%m.n)
	}
	j := i - 2*nd
	return fmt.Sprintf("layer%d.%s", j/nScalars+1, scalarNames[j%nScalars])
}

// TestFusedEncoderGradient checks dB̃ = Aᵀ·(dYᵀ·X), the product order the
// backward pass uses when it is cheaper (fusedDB), against dSᵀ·X with dS =
// dY·A, the order TestStraightThrough checks against finite differences.
// The two differ only in float32 rounding: each entry is a sum of
// rows·n = 512 products of O(1) terms, so the difference is a few float32
// ulps of the gradient's scale times √512 at most; 1e-5 of the largest
// entry is above that (6e-8·√512·4 ≈ 5e-6) and far below any wrong term.
func TestFusedEncoderGradient(t *testing.T) {
	for _, arch := range []string{"linear", "denoiser"} {
		t.Run(arch, func(t *testing.T) {
			const rows = 64
			cfg := Config{Source: "gaussian", Sparsity: 0.3, Rate: 0.8, Dim: 10, Arch: arch, Seed: 1, Batch: rows}.Defaults()
			if cfg.EncoderGrad != "fused" {
				t.Fatalf("d = 10, n = 8, batch %d: Defaults did not choose the fused order, the test would not cover it", rows)
			}
			m := newModel(cfg, cfg.Dim)
			rng := rand.New(rand.NewPCG(7, 8))
			m.initialise(rng)
			for i := range m.A {
				m.A[i] += float32(0.1 * rng.NormFloat64())
			}
			X := make([]float32, rows*m.d)
			for i := range X {
				X[i] = float32(rng.NormFloat64())
			}
			w := newWork(m, rows, true)
			if w.dYX == nil {
				t.Fatal("newWork did not allocate dYX")
			}
			grads := [2][]float32{}
			for k, fused := range []bool{true, false} {
				if !fused {
					w.dYX = nil
				}
				m.forward(w, X)
				m.lossGrad(w, X)
				grads[k] = make([]float32, len(m.params))
				m.backward(w, X, grads[k])
			}
			var scale float64
			for _, g := range grads[1] {
				scale = math.Max(scale, math.Abs(float64(g)))
			}
			for i := range grads[0] {
				if diff := math.Abs(float64(grads[0][i] - grads[1][i])); diff > 1e-5*scale {
					t.Errorf("param %d (%s): fused %.8g, unfused %.8g", i, m.paramName(i), grads[0][i], grads[1][i])
				}
			}
		})
	}
}
