package train

import "math"

// Shape describes the learned encoder B̃ (rows on the unit sphere), the
// statistics of science.md §6 that tell a random rotation from a
// permutation.
type Shape struct {
	// PermScore = (1/n)·Σᵢⱼ B̃ᵢⱼ⁴: 1 for a permutation, ≈ 3/d for Haar rows,
	// ≈ 1/d for the flattened rows GD finds on Gaussian-like data
	// (science.md §6 (b)).
	PermScore float64 `json:"perm_score"`
	// RowPeak = (1/n)·Σᵢ maxⱼ|B̃ᵢⱼ|: 1 for a permutation, ≈ √(2 log d / d)
	// for Haar rows (science.md §6 (a)).
	RowPeak float64 `json:"row_peak"`
	// OrthError = ‖B̃B̃ᵀ − I‖_F/√n: 0 for orthonormal rows (science.md §6 (c),
	// in the Frobenius form asked for by the issue).
	OrthError float64 `json:"orth_error"`
}

func shapeOf(b []float32, n, d int) Shape {
	var s Shape
	for i := 0; i < n; i++ {
		row := b[i*d : (i+1)*d]
		var s2, s4, peak float64
		for _, v := range row {
			x := float64(v) * float64(v)
			s2 += x
			s4 += x * x
			peak = math.Max(peak, math.Abs(float64(v)))
		}
		// Normalise again in float64 so the score does not depend on the
		// float32 rounding of the stored rows.
		s.PermScore += s4 / (s2 * s2)
		s.RowPeak += peak / math.Sqrt(s2)
	}
	s.PermScore /= float64(n)
	s.RowPeak /= float64(n)
	gram := make([]float32, n*n)
	gemm(false, true, n, n, d, 1, b, d, b, d, 0, gram, n)
	var f float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v := float64(gram[i*n+j])
			if i == j {
				v--
			}
			f += v * v
		}
	}
	s.OrthError = math.Sqrt(f / float64(n))
	return s
}
