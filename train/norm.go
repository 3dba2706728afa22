package train

import "math"

// Norm correction of the non-linear decoders.
//
// The code sign(B̃x) is invariant to x ↦ c·x, so the decoder never sees the
// norm ρ = ‖x‖/√d: its layers estimate x/ρ (for Haar B̃, y = A·s ≈ μ·x/ρ + σz,
// science.md §2.2 with the row normalisation made explicit). For i.i.d. data
// ρ → 1, but at finite d it fluctuates: for Bernoulli–Gaussian x with k
// non-zeros, ρ² = χ²_k/(pd) (derived from x = s·g/√p). Given k, the
// direction of x is independent of χ²_k, so the best scale of an estimate of
// x/ρ is E[ρ | k] ≈ √(k/(pd)) (derived: E χ_k = √k·(1 − 1/(4k) + …)); for
// sparse Rademacher data ρ² = k/(pd) exactly. The decoder does not know k,
// but the gate π₁ of its last input denoiser is the posterior probability
// that a coordinate is non-zero, so k̂ = Σᵢ π₁(r₁ᵢ) estimates it. The output
// is therefore
//
//	x̂ ← x̂·u^α,  u = k̂/(p·d),
//
// with one trainable exponent α per model (slot sNorm of the last layer),
// initialised at ½ from the formula above; α = 0 is the uncorrected decoder.
// What remains, Var(ρ | k) ≈ 1/(2pd), is lost in the bits (0.0098 of the
// normalised loss at p = 0.1, d = 512).

// normP is the p in u = k̂/(p·d): the configured sparsity, clamped as for
// the denoiser.
func (m *model) normP() float64 { return clampP(m.cfg.Sparsity) }

// lastGate returns the gate of the last layer's input denoiser.
func (w *work) lastGate() []float32 {
	if len(w.layers) > 0 {
		return w.layers[len(w.layers)-1].Gate
	}
	return w.Gate
}

// normForward scales every row of w.Xhat by u^α and keeps u and u^α.
func (m *model) normForward(w *work) {
	d := m.d
	alpha := float64(m.layer(m.cfg.Layers - 1)[sNorm])
	inv := 1 / (m.normP() * float64(d))
	gate := w.lastGate()
	forRows(w.rows, func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			var k float64
			for _, g := range gate[r*d : (r+1)*d] {
				k += float64(g)
			}
			u := math.Max(k*inv, 1e-12)
			c := math.Exp(alpha * math.Log(u))
			w.normU[r], w.normC[r] = u, c
			cc := float32(c)
			row := w.Xhat[r*d : (r+1)*d]
			for i := range row {
				row[i] *= cc
			}
		}
	})
}

// normBackward turns w.G = ∂L/∂(x̂·u^α) into ∂L/∂x̂ in place, adds ∂L/∂α to
// dsc and leaves in w.dGateRow the gradient with respect to every gate of
// the row, ∂L/∂π₁ᵢ = S·α/(u·p·d) with S = Σᵢ Gᵢ·x̂ᵢ·u^α (derived by the
// chain rule: ∂(u^α)/∂α = u^α·ln u, ∂(u^α)/∂u = α·u^α/u, ∂u/∂π₁ᵢ = 1/(pd)).
func (m *model) normBackward(w *work, dsc []float32) {
	d := m.d
	li := m.cfg.Layers - 1
	alpha := float64(m.layer(li)[sNorm])
	inv := 1 / (m.normP() * float64(d))
	w.red.reset()
	forRows(w.rows, func(ch, lo, hi int) {
		acc := w.red.at(ch)
		for r := lo; r < hi; r++ {
			g, xo := w.G[r*d:(r+1)*d], w.Xhat[r*d:(r+1)*d]
			var s float64
			for i := range g {
				s += float64(g[i]) * float64(xo[i])
			}
			u, c := w.normU[r], w.normC[r]
			acc[0] += s * math.Log(u)
			w.dGateRow[r] = s * alpha / u * inv
			cc := float32(c)
			for i := range g {
				g[i] *= cc
			}
		}
	})
	dsc[li*nScalars+sNorm] += float32(w.red.sum()[0])
}
