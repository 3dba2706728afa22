package data

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// imageSource serves preprocessed images (see the package documentation).
// The raw pixels are kept as bytes (a quarter of the float32 size); the value
// of coordinate j of a record is
//
//	x_j = (pixel_j − mean_j) · scale        [· mask_j/√p when masking]
//
// computed in float64 and rounded once to float32.
type imageSource struct {
	name        string
	d           int
	train, test images
	mean        []float64 // per-coordinate mean over the training split
	scale       float64   // 1/√(mean_j Var_train(x_j))
	p           float64   // mask keep probability (1 = no mask)
	thresh      uint64    // bernoulliThreshold(p)
	maskScale   float64   // 1/√p
}

// newImageSource computes the preprocessing statistics on train.
//
//	mean_j  = (1/N) Σ_n pix_nj
//	v_j     = (1/N) Σ_n pix_nj² − mean_j²   (population variance on the training split)
//	scale   = 1/√((1/d) Σ_j v_j)
//
// so that (1/d) Σ_j (1/N) Σ_n x_nj² = 1 on the training split. Sums are
// accumulated exactly in uint64 (N·255² < 2⁶⁴ for N < 2.8·10¹⁴).
func newImageSource(name string, train, test images, p float64) (*imageSource, error) {
	if train.n < 1 {
		return nil, errors.New("no training records")
	}
	d := train.d
	sum := make([]uint64, d)
	sq := make([]uint64, d)
	for n := range train.n {
		row := train.pix[n*d : (n+1)*d]
		for j, v := range row {
			sum[j] += uint64(v)
			sq[j] += uint64(v) * uint64(v)
		}
	}
	N := float64(train.n)
	mean := make([]float64, d)
	var varSum float64
	for j := range d {
		mean[j] = float64(sum[j]) / N
		v := float64(sq[j])/N - float64(mean[j]*mean[j]) // float64(): no FMA, same bits everywhere
		// Constant coordinates give exactly 0 (every term is exact); the
		// clamp only removes rounding below 0.
		if v > 0 {
			varSum += v
		}
	}
	if varSum == 0 {
		return nil, fmt.Errorf("all %d coordinates are constant over the %d training records: cannot normalise", d, train.n)
	}
	return &imageSource{
		name:      name,
		d:         d,
		train:     train,
		test:      test,
		mean:      mean,
		scale:     1 / math.Sqrt(varSum/float64(d)),
		p:         p,
		thresh:    bernoulliThreshold(p),
		maskScale: 1 / math.Sqrt(p),
	}, nil
}

func (s *imageSource) Name() string { return s.name }
func (s *imageSource) Dim() int     { return s.d }

// Batch draws each row uniformly with replacement from the training split
// (Lemire's unbiased bounded integers), then masks it if p < 1; chunk c of
// the batch uses the stream (seed, train, step, c) for both.
func (s *imageSource) Batch(seed uint64, step int64, dst []float32) {
	rows := batchRows(s.name, s.d, dst)
	parallelChunks(rows, func(c, lo, hi int) {
		src := newStream(seed, domainTrain, step, c)
		for r := lo; r < hi; r++ {
			i := int(boundedIndex(src, uint64(s.train.n)))
			s.row(s.train.pix[i*s.d:(i+1)*s.d], dst[r*s.d:(r+1)*s.d], src)
		}
	})
}

// Heldout returns the first min(n, test size) test records, in file order;
// the seed only selects the (fixed) masks when p < 1.
func (s *imageSource) Heldout(seed uint64, n int) ([]float32, int) {
	rows := min(n, s.test.n)
	if rows <= 0 {
		return nil, 0
	}
	x := make([]float32, rows*s.d)
	parallelChunks(rows, func(c, lo, hi int) {
		src := newStream(seed, domainHeldout, 0, c)
		for r := lo; r < hi; r++ {
			s.row(s.test.pix[r*s.d:(r+1)*s.d], x[r*s.d:(r+1)*s.d], src)
		}
	})
	return x, rows
}

// row converts one record of pixels into dst, applying the Bernoulli(p) mask
// (coordinate kept w.p. p and multiplied by 1/√p, so E x_j² is unchanged)
// with bits from src when p < 1.
func (s *imageSource) row(pix []byte, dst []float32, src *rand.PCG) {
	if s.p == 1 {
		for j, v := range pix {
			dst[j] = float32((float64(v) - s.mean[j]) * s.scale)
		}
		return
	}
	for j, v := range pix {
		x := float32((float64(v) - s.mean[j]) * s.scale * s.maskScale)
		dst[j] = math.Float32frombits(math.Float32bits(x) & keepMask(src.Uint64(), s.thresh)) // branch-free mask
	}
}

// trainRow writes training record i, unmasked, into dst (for tests).
func (s *imageSource) trainRow(i int, dst []float32) {
	pix := s.train.pix[i*s.d : (i+1)*s.d]
	for j, v := range pix {
		dst[j] = float32((float64(v) - s.mean[j]) * s.scale)
	}
}
