package data

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// synthetic is one of the i.i.d. sources of science.md §1.1–1.2.
type synthetic struct {
	kind   string // "gaussian", "bernoulli-gaussian" or "sparse-rademacher"
	d      int
	p      float64 // probability of a non-zero coordinate (1 for gaussian)
	thresh uint64  // bernoulliThreshold(p)
	scale  float64 // 1/√p
}

func newSynthetic(kind string, o Options) (*synthetic, error) {
	if o.Dim < 1 {
		return nil, fmt.Errorf("source %q: dim %d: must be ≥ 1 for a synthetic source", o.Source, o.Dim)
	}
	def := 0.0
	if kind == "gaussian" {
		def = 1
	}
	p, err := checkSparsity(o, def)
	if err != nil {
		return nil, err
	}
	if kind == "gaussian" && p != 1 {
		return nil, fmt.Errorf("source %q: sparsity %v: gaussian has no sparsity (use 0 or 1, or bernoulli-gaussian)", o.Source, o.Sparsity)
	}
	return &synthetic{
		kind:   kind,
		d:      o.Dim,
		p:      p,
		thresh: bernoulliThreshold(p),
		scale:  1 / math.Sqrt(p),
	}, nil
}

func (s *synthetic) Name() string { return s.kind }
func (s *synthetic) Dim() int     { return s.d }

func (s *synthetic) Batch(seed uint64, step int64, dst []float32) {
	rows := batchRows(s.kind, s.d, dst)
	s.fill(seed, domainTrain, step, rows, dst)
}

func (s *synthetic) Heldout(seed uint64, n int) ([]float32, int) {
	if n <= 0 {
		return nil, 0
	}
	if n > math.MaxInt/s.d {
		panic(fmt.Sprintf("data: %s: Heldout: n = %d rows of %d overflows", s.kind, n, s.d))
	}
	x := make([]float32, n*s.d)
	s.fill(seed, domainHeldout, 0, n, x)
	return x, n
}

// fill writes rows rows into dst, chunk c from newStream(seed, domain, step, c).
func (s *synthetic) fill(seed, domain uint64, step int64, rows int, dst []float32) {
	parallelChunks(rows, func(c, lo, hi int) {
		src := newStream(seed, domain, step, c)
		s.gen(src, dst[lo*s.d:hi*s.d])
	})
}

// gen fills out (whole rows) with i.i.d. coordinates drawn from src.
func (s *synthetic) gen(src *rand.PCG, out []float32) {
	switch s.kind {
	case "gaussian":
		// x_i ~ N(0, 1).
		fillNormal(src, out)
	case "bernoulli-gaussian":
		// x_i = s_i·g_i/√p, s_i ~ Bern(p), g_i ~ N(0, 1) (science.md §1.1).
		switch {
		case s.p == 1:
			fillNormal(src, out)
		case s.p <= denseBG:
			// Sparse: draw g_i only when s_i = 1 (the branch is well predicted).
			for k := range out {
				if src.Uint64()>>11 < s.thresh {
					out[k] = float32(normal(src) * s.scale)
				} else {
					out[k] = 0
				}
			}
		default:
			// Dense: draw every g_i of a row, then its mask without a branch
			// (a 50/50 branch would be mispredicted half the time). Row by
			// row, so that a shorter batch stays a prefix of a longer one.
			scale := float32(s.scale)
			for lo := 0; lo < len(out); lo += s.d {
				row := out[lo : lo+s.d]
				fillNormal(src, row)
				for k := range row {
					row[k] = math.Float32frombits(math.Float32bits(row[k]*scale) & keepMask(src.Uint64(), s.thresh))
				}
			}
		}
	case "sparse-rademacher":
		// x_i ∈ {0, +1/√p, −1/√p} w.p. (1−p, p/2, p/2) (science.md §1.2): the
		// top 53 bits of one PCG output decide s_i, its lowest bit the sign;
		// the float32 bits are assembled without a branch.
		mag := math.Float32bits(float32(s.scale))
		for k := range out {
			u := src.Uint64()
			out[k] = math.Float32frombits((mag | uint32(u&1)<<31) & keepMask(u, s.thresh))
		}
	}
}

// keepMask returns all ones if u>>11 < thresh (probability ≈ p for
// thresh = bernoulliThreshold(p)) and 0 otherwise, without a branch: both
// operands are < 2⁵⁴, so their difference is negative exactly when
// u>>11 < thresh, and the arithmetic shift spreads its sign bit.
func keepMask(u, thresh uint64) uint32 {
	return uint32(int64(u>>11-thresh) >> 63)
}

// denseBG is the sparsity above which bernoulli-gaussian draws every
// Gaussian and masks branchlessly; below it, it skips the Gaussians of the
// zero coordinates. Part of the reproducibility contract (it selects which
// random numbers are used).
const denseBG = 0.25
