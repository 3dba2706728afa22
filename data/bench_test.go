package data

import (
	"fmt"
	"testing"
)

// BenchmarkBatch measures Batch throughput for each synthetic source at a
// typical shape (1024 rows × d = 1000). "floats/s" counts float32 values,
// "samples/s" rows.
func BenchmarkBatch(b *testing.B) {
	const rows, d = 1024, 1000
	for _, tc := range []struct {
		source string
		p      float64
	}{
		{"gaussian", 0},
		{"bernoulli-gaussian", 0.1},
		{"bernoulli-gaussian", 0.5},
		{"sparse-rademacher", 0.5},
	} {
		b.Run(fmt.Sprintf("%s/p=%g", tc.source, tc.p), func(b *testing.B) {
			src, err := New(Options{Source: tc.source, Dim: d, Sparsity: tc.p})
			if err != nil {
				b.Fatal(err)
			}
			benchBatch(b, src, rows, d)
		})
	}
}

// BenchmarkImageBatch measures Batch on an in-memory MNIST-sized image
// source (d = 784), without and with Bernoulli masking.
func BenchmarkImageBatch(b *testing.B) {
	const rows, d = 1024, 784
	train, test := splitTail(structuredImages(1, 7000, d))
	for _, p := range []float64{1, 0.5} {
		b.Run(fmt.Sprintf("p=%g", p), func(b *testing.B) {
			src, err := newImageSource("bench", train, test, p)
			if err != nil {
				b.Fatal(err)
			}
			benchBatch(b, src, rows, d)
		})
	}
}

// benchBatch times src.Batch on rows×d batches and reports floats/s and
// samples/s.
func benchBatch(b *testing.B, src Source, rows, d int) {
	dst := make([]float32, rows*d)
	b.SetBytes(int64(4 * len(dst)))
	var step int64
	for b.Loop() {
		src.Batch(1, step, dst)
		step++
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N*rows*d)/sec, "floats/s")
	b.ReportMetric(float64(b.N*rows)/sec, "samples/s")
}
