package train

import (
	"fmt"
	"testing"
)

// benchConfigs are the training steps of the speed target: the linear model
// at d = n = 512 with batch 1024, the denoiser and the 3-layer decoder at
// the same size (bench/trainstep has the full table against PyTorch).
var benchConfigs = []Config{
	{Source: "gaussian", Sparsity: 1, Rate: 1, Dim: 512, Arch: "linear", Batch: 1024, Steps: 1e8},
	{Source: "bernoulli-gaussian", Sparsity: 0.1, Rate: 1, Dim: 512, Arch: "denoiser", Batch: 1024, Steps: 1e8},
	{Source: "bernoulli-gaussian", Sparsity: 0.1, Rate: 1, Dim: 512, Arch: "multilayer", Layers: 3, Batch: 1024, Steps: 1e8},
}

// BenchmarkStep measures one training step (forward, backward, Adam update)
// on a fixed minibatch; data generation is benchmarked in package data.
// It reports steps/s and the GFLOP/s of the matrix products.
func BenchmarkStep(b *testing.B) {
	for _, cfg := range benchConfigs {
		b.Run(fmt.Sprintf("%s-L%d-d%d-batch%d", cfg.Arch, max(cfg.Layers, 1), cfg.Dim, cfg.Batch), func(b *testing.B) {
			tr, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			X := make([]float32, cfg.Batch*cfg.Dim)
			tr.src.Batch(1, 0, X) // the config's own data source

			tr.StepOn(X) // warm up
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tr.StepOn(X)
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(1/sec, "steps/s")
			b.ReportMetric(cfg.StepFLOPs()/sec/1e9, "GFLOP/s")
		})
	}
}
