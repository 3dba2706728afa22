package train

import (
	"math"
	"testing"
)

// TestStepSameBitsWithoutSIMD trains each architecture for 40 steps with the
// AVX2 kernels and again with the pure-Go ones: the parameters must have the
// same bits (the kernels' contract, kernels.go), so a point's result does not
// depend on the CPU's vector unit.
func TestStepSameBitsWithoutSIMD(t *testing.T) {
	if !useSIMD {
		t.Skip("no AVX2 here (or BITSWEEP_SIMD=off): only the pure-Go kernels exist")
	}
	defer func() { useSIMD = true }()
	for _, cfg := range []Config{
		{Source: "sparse-rademacher", Sparsity: 0.8, Rate: 1, Dim: 37, Arch: "linear", Batch: 50, Steps: 40, Until: "fixed", Seed: 2},
		{Source: "bernoulli-gaussian", Sparsity: 0.1, Rate: 1, Dim: 37, Arch: "denoiser", Batch: 50, Steps: 40, Until: "fixed", Seed: 2},
		{Source: "bernoulli-gaussian", Sparsity: 0.1, Rate: 1, Dim: 37, Arch: "multilayer", Layers: 3, Batch: 50, Steps: 40, Until: "fixed", Seed: 2},
	} {
		var params [2][]float32
		for k, simd := range []bool{true, false} {
			useSIMD = simd
			tr, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for s := 0; s < cfg.Steps; s++ {
				tr.Step()
			}
			params[k] = append([]float32(nil), tr.m.params...)
		}
		for i := range params[0] {
			if math.Float32bits(params[0][i]) != math.Float32bits(params[1][i]) {
				t.Fatalf("%s: parameter %d is %g with AVX2 and %g without", cfg.Arch, i, params[0][i], params[1][i])
			}
		}
	}
}
