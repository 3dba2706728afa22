package train

import "math"

// lossGrad sets w.G = ∂L/∂x̂ for L = Σ‖x − x̂‖²/(rows·d), the minibatch
// estimate of the per-coordinate MSE (science.md §2.1), and returns L.
func (m *model) lossGrad(w *work, X []float32) float64 {
	d, rows := m.d, w.rows
	w.red.reset()
	scale := float32(2 / float64(rows*d))
	forRows(rows, func(c, lo, hi int) {
		var s float64
		for i := lo * d; i < hi*d; i++ {
			e := w.Xhat[i] - X[i]
			s += float64(e) * float64(e)
			w.G[i] = scale * e
		}
		w.red.at(c)[0] = s
	})
	return w.red.sum()[0] / float64(rows*d)
}

// backward accumulates ∂L/∂params into grad (same layout as params), given
// w.G from lossGrad. The gradient of sign is the straight-through estimator
// chosen by cfg.STE; everything else is the exact gradient.
func (m *model) backward(w *work, X []float32, grad []float32) {
	d, n, rows := m.d, m.n, w.rows
	clear(grad)
	dB := grad[:n*d]
	dA := grad[n*d : 2*n*d]
	dsc := grad[2*n*d:]
	dB2 := dB // decoder contributions to dB
	if m.cfg.DecoderGrad == "stop" {
		dB2 = nil
	}
	// dS collects ∂L/∂s from every use of the bits: the skip connections of
	// the decoder layers first, then the linear decoder below (not needed
	// with the fused encoder gradient, which does without dS).
	if w.dYX == nil || m.noSTE {
		clear(w.dS)
	}

	// dY: gradient at the input of the layer-1 denoiser (or at x̂, linear).
	switch {
	case m.cfg.Arch == "linear":
		copy(w.dY, w.G)
	default:
		m.normBackward(w, dsc) // w.G is now ∂L/∂x̂ before the norm correction
		var dX1 []float32      // gradient at x̂₁
		l1 := m.layer(0)
		if len(w.layers) > 0 {
			dR2 := w.G
			for t := len(w.layers) - 1; t >= 0; t-- {
				dR2 = m.backwardLayer(w, t, dR2, dB2, dsc)
			}
			// r₂ = g·x̂₁ − h·y: x̂₁ recomputed from y.
			den := newBGDenoiser([3]float64{float64(l1[sMu]), float64(l1[sS2]), float64(l1[sP])})
			g, h := l1[sG], l1[sH]
			w.red.reset()
			forRows(rows, func(c, lo, hi int) {
				acc := w.red.at(c)
				for i := lo * d; i < hi*d; i++ {
					x := float32(den.w) * w.Y[i] * w.Gate[i]
					acc[0] += float64(dR2[i]) * float64(x)
					acc[1] -= float64(dR2[i]) * float64(w.Y[i])
					w.dY[i] = -h * dR2[i]
					w.G[i] = g * dR2[i] // reuse G as ∂L/∂x̂₁
				}
			})
			s := w.red.sum()
			dsc[sG] += float32(s[0])
			dsc[sH] += float32(s[1])
			dX1 = w.G
		} else {
			clear(w.dY)
			dX1 = w.G
		}
		var dGate []float64 // layer 1 is the last layer: its gates feed k̂
		if len(w.layers) == 0 {
			dGate = w.dGateRow
		}
		m.backwardDenoiser(w, 0, w.Y, w.Gate, dX1, w.dY, dGate, dsc)
	}

	// Y = S·Aᵀ: dA = dYᵀ·S, dS = dY·A.
	gemm(true, false, d, n, rows, 1, w.dY, d, w.S, n, 0, dA, n)
	if w.dYX != nil && !m.noSTE {
		// dS = dY·A feeds nothing but dB̃ = dSᵀ·X (identity STE, no decoder
		// layers): dB̃ = Aᵀ·(dYᵀ·X) instead (derived: associativity), a d×d
		// and an n×d product in place of a rows×n and an n×d one
		// (Config.EncoderGrad "fused", where fusedDB says it is cheaper).
		gemm(true, false, d, d, rows, 1, w.dY, d, X, d, 0, w.dYX, d)
		gemm(true, false, n, d, d, 1, m.A, n, w.dYX, d, 1, dB, d)
		m.tangent(grad)
		return
	}
	gemm(false, false, rows, n, d, 1, w.dY, d, m.A, n, 1, w.dS, n)
	// Straight-through estimator for S = sign(U).
	ste, eps := m.cfg.STE, float32(m.cfg.STEEpsilon)
	if m.noSTE { // test hook: the decoder's part of the gradient only
		clear(w.dS)
	}
	if ste != "identity" { // the identity leaves dS as it is
		forRows(rows, func(_, lo, hi int) {
			for i := lo * n; i < hi*n; i++ {
				switch ste {
				case "clip":
					if u := w.U[i]; u > 1 || u < -1 {
						w.dS[i] = 0
					}
				case "tanh":
					t := float32(math.Tanh(float64(w.U[i] / eps)))
					w.dS[i] *= (1 - t*t) / eps
				}
			}
		})
	}
	// U = X·B̃ᵀ: dB̃ += dUᵀ·X.
	gemm(true, false, n, d, rows, 1, w.dS, n, X, d, 1, dB, d)
	m.tangent(grad)
}

// tangent keeps the tangential part of the encoder's gradient: B̃ lives on
// the unit sphere row by row, so dB ← dB − B̃·⟨B̃, dB⟩ (derived: gradient of
// B/‖B‖ at ‖B‖ = 1); for the theory denoiser it also clears the gradients
// of the frozen channel scalars.
func (m *model) tangent(grad []float32) {
	d, n := m.d, m.n
	dB, dsc := grad[:n*d], grad[2*n*d:]
	for i := 0; i < n; i++ {
		b, g := m.B[i*d:(i+1)*d], dB[i*d:(i+1)*d]
		var dot float64
		for j := range b {
			dot += float64(b[j]) * float64(g[j])
		}
		for j := range b {
			g[j] -= float32(dot) * b[j]
		}
	}
	if m.cfg.Arch != "linear" && m.cfg.Denoiser == "theory" {
		for t := 0; t < m.cfg.Layers; t++ {
			g := dsc[t*nScalars : (t+1)*nScalars]
			g[sMu], g[sS2], g[sP], g[sNorm] = 0, 0, 0, 0
		}
	}
}

// backwardDenoiser adds to dIn the gradient through x̂ = f(in) given dOut =
// ∂L/∂x̂, and to the scalar gradients of layer t the denoiser's θ-gradient.
// dGate, if not nil, is a further gradient with respect to every gate
// π₁ = sigmoid(α + β·in²) of a row (the norm correction's, norm.go):
// ∂π₁/∂in = 2β·in·π₁(1−π₁), ∂π₁/∂α = π₁(1−π₁), ∂π₁/∂β = in²·π₁(1−π₁).
func (m *model) backwardDenoiser(w *work, t int, in, gate, dOut, dIn []float32, dGate []float64, dsc []float32) {
	d, rows := m.d, w.rows
	v := m.layer(t)
	den := newBGDenoiser([3]float64{float64(v[sMu]), float64(v[sS2]), float64(v[sP])})
	w.red.reset()
	forRows(rows, func(c, lo, hi int) {
		acc := (*[3]float64)(w.red.at(c))
		for r := lo; r < hi; r++ {
			var dg float64
			if dGate != nil {
				dg = dGate[r]
			}
			row := r * d
			denoiserGrad(in[row:row+d], gate[row:row+d], dOut[row:row+d], dIn[row:row+d], den.w, den.beta, dg, dGate != nil, acc) // kernels.go
		}
	})
	s := w.red.sum()
	th := den.thetaGrad([3]float64{s[0], s[1], s[2]})
	g := dsc[t*nScalars : (t+1)*nScalars]
	g[sMu] += float32(th[0])
	g[sS2] += float32(th[1])
	g[sP] += float32(th[2])
}

// backwardLayer back-propagates through decoder layer t+2. dOut is the
// gradient at this layer's output: at x̂ for the last layer, at the r₂ it
// passes on otherwise. It returns the gradient at the layer's input r₂
// (written into w.dR2) and adds the decoder's gradient to dB (unless nil).
func (m *model) backwardLayer(w *work, t int, dOut, dB, dsc []float32) []float32 {
	d, n, rows := m.d, m.n, w.rows
	lw := &w.layers[t]
	li := t + 1
	v := m.layer(li)
	gsc := dsc[li*nScalars : (li+1)*nScalars]
	last := t == len(w.layers)-1
	g, h := v[sG], v[sH]
	c, dd, e := v[sC], v[sD], v[sE]

	// Step 7 (r₂' = g·x̂ − h·r₁), step 6 (x̂ = f(r₁)), step 5 (r₁ = d·x̂_L − e·r₂)
	// and step 4's skip term; dXhat/dR1 are formed in place in w.dR2 / dXL.
	dR1, dXh := w.dR1, w.dXh
	clear(dR1)
	w.red.reset()
	forRows(rows, func(ch, lo, hi int) {
		acc := w.red.at(ch)
		for i := lo * d; i < hi*d; i++ {
			if last {
				dXh[i] = dOut[i]
			} else {
				acc[0] += float64(dOut[i]) * float64(lw.Xhat[i])
				acc[1] -= float64(dOut[i]) * float64(lw.R1[i])
				dXh[i] = g * dOut[i]
				dR1[i] = -h * dOut[i]
			}
		}
	})
	s := w.red.sum()
	gsc[sG] += float32(s[0])
	gsc[sH] += float32(s[1])
	var dGate []float64
	if last {
		dGate = w.dGateRow
	}
	m.backwardDenoiser(w, li, lw.R1, lw.Gate, dXh, dR1, dGate, dsc)
	// dXL = d·dR1 (reuse dXh); dR2 = −e·dR1 + dXL.
	dR2 := w.dR2
	w.red.reset()
	forRows(rows, func(ch, lo, hi int) {
		acc := w.red.at(ch)
		for i := lo * d; i < hi*d; i++ {
			acc[0] += float64(dR1[i]) * float64(lw.XL[i])
			acc[1] -= float64(dR1[i]) * float64(lw.R2in[i])
			dxl := dd * dR1[i]
			dXh[i] = dxl
			dR2[i] = dxl - e*dR1[i]
			acc[2] += float64(dxl) * float64(lw.M[i])
		}
	})
	s = w.red.sum()
	gsc[sD] += float32(s[0])
	gsc[sE] += float32(s[1])
	gsc[sC] += float32(s[2])
	dXL := dXh
	// M = Q·B̃, x̂_L = r₂ + c·M: dQ = c·dXL·B̃ᵀ, dB̃ += c·Qᵀ·dXL.
	gemm(false, true, rows, n, d, c, dXL, d, m.B, d, 0, lw.dQ, n)
	if dB != nil {
		gemm(true, false, n, d, rows, c, lw.Q, n, dXL, d, 1, dB, d)
	}
	// Q = a·ẑ − (b+1)·p₁ and ẑ = p₁ + s·κ·λ(−s·p₁/κ):
	// dẑ/dp₁ = 1 − λ'(·); dẑ/dκ = s·λ + λ'·p₁/κ; dẑ/ds = κ·λ − s·λ'·p₁
	// (derived by the chain rule; the last one feeds the straight-through
	// gradient of the bits' skip connection).
	kappa := math.Exp(float64(v[sKappa]))
	a, b := v[sA], v[sB]
	dP1 := lw.dQ // overwritten in place with ∂L/∂p₁
	w.red.reset()
	forRows(rows, func(ch, lo, hi int) {
		acc := w.red.at(ch)
		for i := lo * n; i < hi*n; i++ {
			dq := float64(lw.dQ[i])
			p1, sgn := float64(lw.P1[i]), float64(w.S[i])
			lam, dlam := lw.Lam[i], lw.DLam[i] // from the forward pass
			acc[0] += dq * float64(lw.Zhat[i])
			acc[1] -= dq * p1
			dz := float64(a) * dq
			acc[2] += dz * (sgn*lam + dlam*p1/kappa) * kappa // ∂/∂log κ
			w.dS[i] += float32(dz * (kappa*lam - sgn*dlam*p1))
			dP1[i] = float32(dz*(1-dlam) - float64(b+1)*dq)
		}
	})
	s = w.red.sum()
	gsc[sA] += float32(s[0])
	gsc[sB] += float32(s[1])
	gsc[sKappa] += float32(s[2])
	// p₁ = r₂·B̃ᵀ: dR2 += dP1·B̃, dB̃ += dP1ᵀ·r₂.
	gemm(false, false, rows, d, n, 1, dP1, n, m.B, d, 1, dR2, d)
	if dB != nil {
		gemm(true, false, n, d, rows, 1, dP1, n, lw.R2in, d, 1, dB, d)
	}
	return dR2
}
