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
	// groups scale the step size of parameter ranges (nil: all 1).
	groups []lrGroup
}

// lrGroup multiplies the learning rate of params[lo:hi] by scale.
type lrGroup struct {
	lo, hi int
	scale  float64
}

func (o *adam) update(p, g []float32, lr float64) {
	const b1, b2 = 0.9, 0.999
	o.t++
	// α_t = α·√(1−β₂ᵗ)/(1−β₁ᵗ) (Kingma & Ba, §2, the efficient ordering).
	at0 := lr * math.Sqrt(1-math.Pow(b2, float64(o.t))) / (1 - math.Pow(b1, float64(o.t)))
	groups := o.groups
	if groups == nil {
		groups = []lrGroup{{0, len(p), 1}}
	}
	for _, gr := range groups {
		o.step(p, g, float32(at0*gr.scale), gr.lo, gr.hi)
	}
}

func (o *adam) step(p, g []float32, at float32, lo0, hi0 int) {
	forChunks(hi0-lo0, 1<<14, func(_, lo, hi int) {
		lo, hi = lo0+lo, lo0+hi
		adamUpdate(p[lo:hi], g[lo:hi], o.m[lo:hi], o.v[lo:hi], at) // kernels.go
	})
}
func (o *adam) state() ([]float32, []float32, int) { return o.m, o.v, o.t }
func (o *adam) setState(m, v []float32, t int) {
	copy(o.m, m)
	copy(o.v, v)
	o.t = t
}

// setGroups sets per-range learning-rate multipliers (Adam only; nil: none).
func setGroups(o optimizer, g []lrGroup) {
	if a, ok := o.(*adam); ok {
		a.groups = g
	}
}
