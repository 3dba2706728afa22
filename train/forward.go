package train

import "math"

// work holds the activations of one minibatch, kept for the backward pass.
type work struct {
	rows   int
	U, S   []float32 // rows×n: pre-activations B̃x and bits sign(B̃x)
	Y      []float32 // rows×d: A·s, the input of the layer-1 denoiser
	Gate   []float32 // rows×d: the layer-1 denoiser's gate π₁(y)
	Xhat   []float32 // rows×d: the output x̂ of the last layer
	layers []layerWork
	// backward buffers
	G, dY, dS, dR2 []float32
	dYX            []float32 // d×d: dYᵀ·X, for EncoderGrad "fused"
	dR1, dXh       []float32
	red            *reducer
	// norm correction (norm.go), per row: u = k̂/(pd), u^α and ∂L/∂π₁
	normU, normC, dGateRow []float64
}

// layerWork is one decoder layer t ≥ 2 (or the r₂ output of layer 1).
type layerWork struct {
	R2in []float32 // rows×d: r₂ entering the layer
	P1   []float32 // rows×n: B̃r₂
	Zhat []float32 // rows×n: output-denoiser mean ẑ
	Q    []float32 // rows×n: p₂ − p₁
	M    []float32 // rows×d: Q·B̃
	XL   []float32 // rows×d: LMMSE estimate
	R1   []float32 // rows×d: extrinsic input of the input denoiser
	Xhat []float32 // rows×d: denoiser output
	Gate []float32 // rows×d: the input denoiser's gate π₁(r₁)
	dQ   []float32 // rows×n
	// λ(a) and λ'(a) at a = −s·p₁/κ, rows×n, kept for the backward pass
	// (which would otherwise evaluate the inverse Mills ratio again).
	Lam, DLam []float64
}

func newWork(m *model, rows int, backward bool) *work {
	d, n := m.d, m.n
	f := func(k int) []float32 { return make([]float32, k) }
	w := &work{rows: rows, U: f(rows * n), S: f(rows * n), Y: f(rows * d)}
	if m.cfg.Arch != "linear" {
		w.Xhat, w.Gate = f(rows*d), f(rows*d)
		w.normU, w.normC = make([]float64, rows), make([]float64, rows)
		if backward {
			w.dGateRow = make([]float64, rows)
		}
	} else {
		w.Xhat = w.Y
	}
	for t := 1; t < m.cfg.Layers; t++ {
		lw := layerWork{R2in: f(rows * d), P1: f(rows * n), Zhat: f(rows * n),
			Q: f(rows * n), M: f(rows * d), XL: f(rows * d), R1: f(rows * d), Xhat: f(rows * d), Gate: f(rows * d)}
		if backward {
			lw.dQ = f(rows * n)
			lw.Lam, lw.DLam = make([]float64, rows*n), make([]float64, rows*n)
		}
		w.layers = append(w.layers, lw)
	}
	if len(w.layers) > 0 {
		w.Xhat = w.layers[len(w.layers)-1].Xhat
	}
	if backward {
		w.G, w.dY, w.dS = f(rows*d), f(rows*d), f(rows*n)
		if m.cfg.EncoderGrad == "fused" {
			w.dYX = f(d * d)
		}
		if len(w.layers) > 0 {
			w.dR2, w.dR1, w.dXh = f(rows*d), f(rows*d), f(rows*d)
		}
	}
	w.red = newReducer(rows, 16)
	return w
}

// fusedDB reports whether dB̃ = Aᵀ·(dYᵀ·X), d·rows·d + n·d·d
// multiply-adds, is cheaper than dB̃ = dSᵀ·X with dS = dY·A, 2·rows·d·n
// (Config.EncoderGrad): when d·(rows + n) < 2·rows·n, e.g. at rate 1 for
// d < 256 at batch 256 and d < 1,024 at batch 1024.
func fusedDB(d, n, rows int) bool {
	return d*(rows+n) < 2*rows*n
}

// forward computes x̂ for the rows of X (rows×d) into w.Xhat.
func (m *model) forward(w *work, X []float32) {
	d, n, rows := m.d, m.n, w.rows
	// U = X·B̃ᵀ, S = sign(U) with sign(0) = +1 (science.md §2.1 pitfall).
	gemm(false, true, rows, n, d, 1, X, d, m.B, d, 0, w.U, n)
	if !m.freezeS {
		forRows(rows, func(_, lo, hi int) { signs(w.S[lo*n:hi*n], w.U[lo*n:hi*n]) })
	}
	// Y = S·Aᵀ: the linear decoder.
	gemm(false, true, rows, d, n, 1, w.S, n, m.A, n, 0, w.Y, d)
	if m.cfg.Arch == "linear" {
		return
	}
	l1 := m.layer(0)
	den := newBGDenoiser([3]float64{float64(l1[sMu]), float64(l1[sS2]), float64(l1[sP])})
	out := w.Xhat
	if len(w.layers) > 0 {
		out = w.layers[0].R2in // layer 1's x̂ is only needed through r₂
	}
	// Layer 1: x̂₁ = f₁(y); if more layers follow, r₂ = g·x̂₁ − h·y.
	g1, h1 := l1[sG], l1[sH]
	more := len(w.layers) > 0
	alpha, beta, wd := float32(den.alpha), float32(den.beta), float32(den.w)
	forRows(rows, func(_, lo, hi int) {
		gates(w.Y[lo*d:hi*d], w.Gate[lo*d:hi*d], out[lo*d:hi*d], alpha, beta, wd)
		if more {
			for i := lo * d; i < hi*d; i++ {
				out[i] = g1*out[i] - h1*w.Y[i]
			}
		}
	})
	for t := range w.layers {
		m.forwardLayer(w, t)
	}
	m.normForward(w)
}

// forwardLayer runs decoder layer t+2 (science.md §2.3 steps 1–7 with the
// scalars of that layer).
func (m *model) forwardLayer(w *work, t int) {
	d, n, rows := m.d, m.n, w.rows
	lw := &w.layers[t]
	v := m.layer(t + 1)
	// Step 1: p₁ = B̃r₂.
	gemm(false, true, rows, n, d, 1, lw.R2in, d, m.B, d, 0, lw.P1, n)
	// Steps 2–3: ẑ = p₁ + s·κ·λ(−s·p₁/κ); Q = p₂ − p₁ = a·ẑ − (b+1)·p₁.
	kappa := math.Exp(float64(v[sKappa]))
	a, b := v[sA], v[sB]
	forRows(rows, func(_, lo, hi int) {
		i, j := lo*n, hi*n
		outputDenoiser(w.S[i:j], lw.P1[i:j], lw.Zhat[i:j], lw.Q[i:j], sub(lw.Lam, i, j), sub(lw.DLam, i, j), kappa, a, b) // kernels.go
	})
	// Step 4: M = Q·B̃, x̂_L = r₂ + c·M.
	gemm(false, false, rows, d, n, 1, lw.Q, n, m.B, d, 0, lw.M, d)
	c, dd, e := v[sC], v[sD], v[sE]
	den := newBGDenoiser([3]float64{float64(v[sMu]), float64(v[sS2]), float64(v[sP])})
	var next []float32
	if t+1 < len(w.layers) {
		next = w.layers[t+1].R2in
	}
	g, h := v[sG], v[sH]
	alpha, beta, wd := float32(den.alpha), float32(den.beta), float32(den.w)
	forRows(rows, func(_, lo, hi int) {
		for i := lo * d; i < hi*d; i++ {
			xl := lw.R2in[i] + c*lw.M[i]
			lw.XL[i], lw.R1[i] = xl, dd*xl-e*lw.R2in[i] // step 5
		}
		gates(lw.R1[lo*d:hi*d], lw.Gate[lo*d:hi*d], lw.Xhat[lo*d:hi*d], alpha, beta, wd) // step 6
		if next != nil {
			for i := lo * d; i < hi*d; i++ {
				next[i] = g*lw.Xhat[i] - h*lw.R1[i] // step 7
			}
		}
	})
}
