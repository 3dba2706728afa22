package train

import "math"

// optimizer updates the parameter vector in place.
type optimizer interface {
	update(params, grad []float32, lr float64)
	state() (m, v []float32, t int)
	setState(m, v []float32, t int)
}

func newOptimizer(cfg Config, size int) optimizer {
	if cfg.Optimizer == "sgd" {
		return &sgd{}
	}
	return &adam{m: make([]float32, size), v: make([]float32, size)}
}

// sgd is plain gradient descent: θ ← θ − η·g.
type sgd struct{ t int }

func (o *sgd) update(p, g []float32, lr float64) {
	o.t++
	forChunks(len(p), 1<<14, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			p[i] -= float32(lr) * g[i]
		}
	})
}
func (o *sgd) state() ([]float32, []float32, int) { return nil, nil, o.t }
func (o *sgd) setState(_, _ []float32, t int)     { o.t = t }

// adam is Adam with β₁ = 0.9, β₂ = 0.999, ε = 1e-8 and bias correction
// (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015,
// Algorithm 1).
type adam struct {
	m, v []float32
	t    int
}

func (o *adam) update(p, g []float32, lr float64) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	o.t++
	// α_t = α·√(1−β₂ᵗ)/(1−β₁ᵗ) (Kingma & Ba, §2, the efficient ordering).
	at := float32(lr * math.Sqrt(1-math.Pow(b2, float64(o.t))) / (1 - math.Pow(b1, float64(o.t))))
	forChunks(len(p), 1<<14, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			gi := g[i]
			m := b1*o.m[i] + (1-b1)*gi
			v := b2*o.v[i] + (1-b2)*gi*gi
			o.m[i], o.v[i] = m, v
			p[i] -= at * m / (float32(math.Sqrt(float64(v))) + eps)
		}
	})
}
func (o *adam) state() ([]float32, []float32, int) { return o.m, o.v, o.t }
func (o *adam) setState(m, v []float32, t int) {
	copy(o.m, m)
	copy(o.v, v)
	o.t = t
}
