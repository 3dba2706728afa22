package train

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/bitsweep/bitsweep/theory"
)

// Scalar slots of one decoder layer in the parameter vector. Layer 1 (the
// denoiser) uses sMu, sS2, sP, and sG, sH for its extrinsic output when more
// layers follow; layers t ≥ 2 use all of them (science.md §2.3, steps 1–7).
const (
	sMu    = iota // log μ of the input denoiser's channel
	sS2           // log σ² of the channel
	sP            // logit p of the Bernoulli–Gaussian prior
	sG            // r₂ = g·x̂ − h·r₁ (step 7): g = 1/(E₁γ₂'), h = γ₁/γ₂'
	sH            //
	sKappa        // log κ, κ = τ₁^{-1/2}: output-denoiser noise scale (step 2)
	sA            // p₂ = a·ẑ − b·p₁ (step 3): a = 1/(E_z τ₂), b = τ₁/τ₂
	sB            //
	sC            // x̂_L = r₂ + c·B̃ᵀ(p₂ − p₁) (step 4): c = τ₂/(γ₂ + τ₂)
	sD            // r₁ = d·x̂_L − e·r₂ (step 5): d = 1/(E_L γ₁), e = γ₂/γ₁
	sE            //
	sNorm         // last layer: exponent α of the norm correction x̂·u^α (norm.go)
	nScalars
)

var scalarNames = [nScalars]string{"log_mu", "log_sigma2", "logit_p", "g", "h", "log_kappa", "a", "b", "c", "d", "e", "norm"}

// model holds the parameter vector and its views.
type model struct {
	cfg    Config
	d, n   int
	params []float32 // B (n×d, rows on the unit sphere) | A (d×n) | scalars (Layers × nScalars)
	B, A   []float32
	sc     []float32 // Layers × nScalars

	// Test hooks: freezeS keeps the bits of the previous forward pass (so
	// finite differences see a smooth function); noSTE drops the
	// straight-through part of the encoder gradient.
	freezeS, noSTE bool

	// Scratch of the Stiefel retraction (stiefel.go), n×n and n×d.
	gram, tmpB []float32
}

func newModel(cfg Config, d int) *model {
	n := Bits(cfg.Rate, d)
	m := &model{cfg: cfg, d: d, n: n}
	m.params = make([]float32, 2*n*d+cfg.Layers*nScalars)
	m.B = m.params[:n*d]
	m.A = m.params[n*d : 2*n*d]
	m.sc = m.params[2*n*d:]
	return m
}

func (m *model) layer(t int) []float32 { return m.sc[t*nScalars : (t+1)*nScalars] }

// initialise draws B (Gaussian or Haar rows), sets A = √(2/π)·B̃ᵀ — the
// optimal decoder for orthonormal rows and Gaussian data (science.md §4.1) —
// and the decoder scalars at their state-evolution values (package theory).
func (m *model) initialise(rng *rand.Rand) {
	d, n := m.d, m.n
	switch m.cfg.Init {
	case "orthogonal":
		haarRows(rng, m.B, n, d)
	default:
		for i := range m.B {
			m.B[i] = float32(rng.NormFloat64())
		}
		if m.stiefel() {
			// The encoder is kept on the Stiefel manifold (stiefel.go):
			// start from the polar factor of the Gaussian matrix, which is
			// Haar distributed (the law of a Gaussian G is invariant under
			// G ↦ UGV for orthogonal U, V, and so is that of its polar
			// factor).
			polarRows(m.B, n, d)
		}
	}
	normaliseRows(m.B, n, d)
	c := float32(math.Sqrt(2 / math.Pi))
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			m.A[j*n+i] = c * m.B[i*d+j]
		}
	}
	if m.cfg.Arch == "linear" {
		return
	}
	for t, v := range initialScalars(m.cfg.Rate, m.cfg.Sparsity, m.cfg.Layers) {
		copy(m.layer(t), v[:])
	}
	// The norm correction starts at α = ½, E[ρ | k] ≈ √(k/(pd)) (norm.go);
	// the frozen "theory" decoder has none.
	if m.cfg.Denoiser != "theory" {
		m.layer(m.cfg.Layers - 1)[sNorm] = 0.5
	}
}

// initialScalars turns the state evolution of science.md §4.4 into the
// per-layer scalars of the unrolled decoder (the mapping is written next to
// the slot constants). The SE assumes B̃B̃ᵀ = I and r ≤ 1, so for r > 1 it
// is run at r = 1: training adapts the scalars from there.
func initialScalars(rate, p float64, layers int) [][nScalars]float32 {
	r := math.Min(rate, 1)
	pp := clampP(p)
	se := theory.StateEvolution(r, pp, layers)
	out := make([][nScalars]float32, layers)
	mu, s2 := theory.DenoiserChannel(r)
	for t := 0; t < layers; t++ {
		L := se[t]
		var v [nScalars]float64
		if t == 0 {
			// Layer 1 sees y = A·s ≈ μx + σz (science.md §2.2).
			th := theta(mu, s2, pp)
			v[sMu], v[sS2], v[sP] = th[0], th[1], th[2]
		} else {
			// Layers ≥ 2 see r₁ = x + N(0, 1/γ₁).
			th := theta(1, 1/L.Gamma1, pp)
			v[sMu], v[sS2], v[sP] = th[0], th[1], th[2]
			v[sKappa] = -0.5 * math.Log(L.Tau1)
			v[sA] = 1 / (L.Ez * L.Tau2)
			v[sB] = L.Tau1 / L.Tau2
			v[sC] = L.Tau2 / (L.Gamma2 + L.Tau2)
			v[sD] = 1 / (L.EL * L.Gamma1)
			v[sE] = L.Gamma2 / L.Gamma1
		}
		if t+1 < layers {
			// r₂ for the next layer (step 7); γ₂' = 1/E₁ − γ₁.
			g2 := 1/L.E1 - L.Gamma1
			v[sG] = 1 / (L.E1 * g2)
			v[sH] = L.Gamma1 / g2
			if t == 0 {
				// Layer 1 works on y = μ·r₁, so h acts on y/μ (derived: r₁ = y/μ
				// when A = √(2/π)B̃ᵀ, science.md §2.3 "check of the first layer").
				v[sH] /= mu
			}
		}
		for i := range v {
			out[t][i] = float32(v[i])
		}
	}
	return out
}

// haarRows fills b (n×d) with Haar-distributed orthonormal rows (n ≤ d) or,
// for n > d, the rows of a Haar n×d matrix with orthonormal columns (a tight
// frame after row normalisation): theory.HaarRows, rounded to float32.
func haarRows(rng *rand.Rand, b []float32, n, d int) {
	h := theory.HaarRows(rng, n, d)
	for i := 0; i < n; i++ {
		for j, v := range h.RawRowView(i) {
			b[i*d+j] = float32(v)
		}
	}
}

// polarRows replaces b (n×d, n ≤ d, full rank) by its polar factor
// (bbᵀ)^{-1/2}·b = U·Vᵀ, from the thin SVD b = U·Σ·Vᵀ in float64.
func polarRows(b []float32, n, d int) {
	g := mat.NewDense(d, n, nil) // bᵀ: gonum's thin SVD wants rows ≥ columns
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			g.Set(j, i, float64(b[i*d+j]))
		}
	}
	var svd mat.SVD
	if !svd.Factorize(g, mat.SVDThin) {
		panic("polarRows: SVD did not converge")
	}
	var u, v, p mat.Dense
	svd.UTo(&u) // d×n
	svd.VTo(&v) // n×n
	p.Mul(&u, v.T())
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			b[i*d+j] = float32(p.At(j, i))
		}
	}
}

// normaliseRows scales every row of b (n×d) to unit norm (a zero row is
// replaced by e₁ so that sign(B̃x) stays defined).
func normaliseRows(b []float32, n, d int) {
	for i := 0; i < n; i++ {
		row := b[i*d : (i+1)*d]
		var s float64
		for _, v := range row {
			s += float64(v) * float64(v)
		}
		if s == 0 {
			row[0] = 1
			continue
		}
		inv := float32(1 / math.Sqrt(s))
		for j := range row {
			row[j] *= inv
		}
	}
}

// ScalarParams returns the decoder scalars by name, e.g. "layer2.c", with
// the denoiser channel reported as μ, σ² and p rather than their logs.
func (m *model) scalarParams() map[string]float64 {
	if m.cfg.Arch == "linear" {
		return nil
	}
	out := map[string]float64{}
	for t := 0; t < m.cfg.Layers; t++ {
		v := m.layer(t)
		pre := fmt.Sprintf("layer%d.", t+1)
		out[pre+"mu"] = math.Exp(float64(v[sMu]))
		out[pre+"sigma2"] = math.Exp(float64(v[sS2]))
		out[pre+"p"] = 1 / (1 + math.Exp(-float64(v[sP])))
		used := []int{}
		if t > 0 {
			used = append(used, sKappa, sA, sB, sC, sD, sE)
		}
		if t+1 < m.cfg.Layers {
			used = append(used, sG, sH)
		} else {
			used = append(used, sNorm)
		}
		for _, k := range used {
			if k == sKappa {
				out[pre+"kappa"] = math.Exp(float64(v[k]))
				continue
			}
			out[pre+scalarNames[k]] = float64(v[k])
		}
	}
	return out
}
