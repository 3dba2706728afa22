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

// gen fills out with i.i.d. coordinates drawn from src.
func (s *synthetic) gen(src *rand.PCG, out []float32) {
	switch s.kind {
	case "gaussian":
		// x_i ~ N(0, 1).
		fillNormal(src, out)
	case "bernoulli-gaussian":
		// x_i = s_i·g_i/√p, s_i ~ Bern(p), g_i ~ N(0, 1) (science.md §1.1).
		// The Gaussian is drawn only when s_i = 1.
		if s.p == 1 {
			fillNormal(src, out)
			return
		}
		for k := range out {
			if src.Uint64()>>11 < s.thresh {
				out[k] = float32(normal(src) * s.scale)
			} else {
				out[k] = 0
			}
		}
	case "sparse-rademacher":
		// x_i ∈ {0, +1/√p, −1/√p} w.p. (1−p, p/2, p/2) (science.md §1.2): the
		// top 53 bits of one PCG output decide s_i, its lowest bit the sign.
		pos, neg := float32(s.scale), float32(-s.scale)
		for k := range out {
			u := src.Uint64()
			switch {
			case u>>11 >= s.thresh:
				out[k] = 0
			case u&1 == 0:
				out[k] = pos
			default:
				out[k] = neg
			}
		}
	}
}
