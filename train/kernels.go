package train

import "math"

// The elementwise kernels of the training step that are worth vectorising:
// the signs of the encoder's pre-activations, the gates of the
// Bernoulli–Gaussian denoiser (one expf per coordinate) and the Adam update.
// Each has a pure-Go definition here (the reference, used on every machine
// without AVX2, for the tails shorter than 8 and with BITSWEEP_SIMD=off) and,
// on amd64 with AVX2, an assembly version (kernels_amd64.s) that performs the
// same float32 operations in the same order on 8 lanes at once. IEEE 754
// rounds each +, −, ×, ÷ and √ correctly, so the two give the same bits
// (TestKernelsBitIdentical); the assembly uses no fused multiply-add, which
// the Go compiler does not emit for these loops either at the default
// GOAMD64=v1. A result therefore does not depend on which of the two ran.

// signs sets s[i] = +1 if u[i] ≥ 0 and −1 otherwise, so sign(0) = sign(−0) =
// +1 (science.md §2.1 pitfall) and a NaN gives −1. len(s) must be len(u).
func signs(s, u []float32) {
	k := 0
	if useSIMD {
		k = len(u) &^ 7
		if k > 0 {
			signsAVX2(&s[0], &u[0], k)
		}
	}
	signsGo(s[k:], u[k:])
}

func signsGo(s, u []float32) {
	s = s[:len(u)]
	for i, v := range u {
		if v >= 0 {
			s[i] = 1
		} else {
			s[i] = -1
		}
	}
}

// gates applies the Bernoulli–Gaussian denoiser f(y) = w·y·sigmoid(α + β·y²)
// (denoiser.go) to y: gate[i] = π₁(y[i]) = 1/(1 + expf(−(α + β·y[i]·y[i])))
// in float32 (expf: relative error < 2e-7) and x[i] = w·y[i]·gate[i]. gate
// and x must be at least len(y) long.
func gates(y, gate, x []float32, alpha, beta, w float32) {
	k := 0
	if useSIMD {
		k = len(y) &^ 7
		if k > 0 {
			_, _ = gate[k-1], x[k-1]
			gatesAVX2(&y[0], &gate[0], &x[0], k, alpha, beta, w)
		}
	}
	gatesGo(y[k:], gate[k:], x[k:], alpha, beta, w)
}

func gatesGo(y, gate, x []float32, alpha, beta, w float32) {
	gate, x = gate[:len(y)], x[:len(y)]
	for i, v := range y {
		g := 1 / (1 + expf(-(alpha + beta*v*v)))
		gate[i] = g
		x[i] = w * v * g
	}
}

// Adam's constants (Kingma & Ba 2015, Algorithm 1; ε added to √v, optimizer.go).
const adamB1, adamB2, adamEps = 0.9, 0.999, 1e-8

// adamUpdate does Adam's update of p[i] with gradient g[i] and moments m[i],
// v[i] at step size at (the bias corrections folded in):
// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − at·m/(√v + ε), all in
// float32. The four slices must have the same length.
func adamUpdate(p, g, m, v []float32, at float32) {
	k := 0
	if useSIMD {
		k = len(p) &^ 7
		if k > 0 {
			_, _, _ = g[k-1], m[k-1], v[k-1]
			adamAVX2(&p[0], &g[0], &m[0], &v[0], k, at)
		}
	}
	adamGo(p[k:], g[k:], m[k:], v[k:], at)
}

func adamGo(p, g, m, v []float32, at float32) {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	for i := range p {
		gi := g[i]
		mi := adamB1*m[i] + (1-adamB1)*gi
		vi := adamB2*v[i] + (1-adamB2)*gi*gi
		m[i], v[i] = mi, vi
		// float32(√ in float64) is the correctly rounded float32 √ (a
		// float64 carries more than 2·24 + 2 bits), which is what VSQRTPS
		// computes.
		p[i] -= at * mi / (float32(math.Sqrt(float64(vi))) + adamEps)
	}
}

// Kernels names the elementwise kernels in use: "avx2" (kernels_amd64.s) or
// "go" (no AVX2, not amd64, or BITSWEEP_SIMD=off). Either gives the same bits.
func Kernels() string {
	if useSIMD {
		return "avx2"
	}
	return "go"
}

// denoiserGrad is the backward pass of the denoiser f(y) = w·y·π(y), π(y) =
// sigmoid(α + β·y²), over one row (backwardDenoiser): with π = gate[i] and
// s = π(1 − π), dIn[i] += dOut[i]·f'(y) and acc += dOut[i]·∂f/∂(w, α, β),
// f' = w·(π + 2β·y²·s), ∂f/∂w = y·π, ∂f/∂α = w·y·s, ∂f/∂β = w·y·y²·s
// (derived from f = w·y·sigmoid(α + βy²)); with gated, also the row's gradient dg with respect to
// every gate (the norm correction's): e = dg·π(1 − π), dIn[i] += 2e·β·y,
// acc[1] += e, acc[2] += e·y². The sums run in element order, in float64,
// so that they do not depend on the kernel.
func denoiserGrad(in, gate, dOut, dIn []float32, w, beta, dg float64, gated bool, acc *[3]float64) {
	k := 0
	if useSIMD {
		k = len(in) &^ 3
		if k > 0 {
			_, _, _ = gate[k-1], dOut[k-1], dIn[k-1]
			g := 0
			if gated {
				g = 1
			}
			denoiserGradAVX2(&in[0], &gate[0], &dOut[0], &dIn[0], k, w, 2*beta, beta, dg, g, &acc[0])
		}
	}
	denoiserGradGo(in[k:], gate[k:], dOut[k:], dIn[k:], w, beta, dg, gated, acc)
}

func denoiserGradGo(in, gate, dOut, dIn []float32, w, beta, dg float64, gated bool, acc *[3]float64) {
	gate, dOut, dIn = gate[:len(in)], dOut[:len(in)], dIn[:len(in)]
	for i := range in {
		y, p := float64(in[i]), float64(gate[i])
		y2 := y * y
		s := p * (1 - p)
		fp := float32(w * (p + 2*beta*y2*s))
		g := float64(dOut[i])
		dIn[i] += dOut[i] * fp
		acc[0] += g * (y * p)
		acc[1] += g * (w * y * s)
		acc[2] += g * (w * y * y2 * s)
		if gated {
			e := dg * p * (1 - p)
			dIn[i] += float32(e * 2 * beta * y)
			acc[1] += e
			acc[2] += e * y * y
		}
	}
}

// outputDenoiser is steps 2–3 of a decoder layer (forwardLayer): for each
// bit s = S[i] and p₁ = P1[i], a = −s·p₁/κ, λ, λ' = invMillsFast(a) (kept
// in Lam and DLam unless they are nil), ẑ = float32(p₁ + s·κ·λ) into Zhat
// and Q[i] = A·ẑ − (B + 1)·p₁ in float32.
func outputDenoiser(S, P1, Zhat, Q []float32, Lam, DLam []float64, kappa float64, A, B float32) {
	i := 0
	store := 0
	if Lam != nil {
		store = 1
	}
	for useSIMD && len(S)-i >= 4 {
		k := (len(S) - i) &^ 3
		_, _, _ = P1[i+k-1], Zhat[i+k-1], Q[i+k-1]
		var lam, dlam *float64
		if Lam != nil {
			_, _ = Lam[i+k-1], DLam[i+k-1]
			lam, dlam = &Lam[i], &DLam[i]
		}
		done := outputDenoiserAVX2(&S[i], &P1[i], &Zhat[i], &Q[i], lam, dlam, &millsVal[0], &millsDer[0], k, kappa, A, B+1, store)
		i += done
		if done == k {
			break
		}
		// The next 4 hold an a outside the table (or a NaN): the Go way.
		j := i + 4
		outputDenoiserGo(S[i:j], P1[i:j], Zhat[i:j], Q[i:j], sub(Lam, i, j), sub(DLam, i, j), kappa, A, B)
		i = j
	}
	outputDenoiserGo(S[i:], P1[i:], Zhat[i:], Q[i:], sub(Lam, i, len(S)), sub(DLam, i, len(S)), kappa, A, B)
}

func sub(v []float64, i, j int) []float64 {
	if v == nil {
		return nil
	}
	return v[i:j]
}

func outputDenoiserGo(S, P1, Zhat, Q []float32, Lam, DLam []float64, kappa float64, A, B float32) {
	P1, Zhat, Q = P1[:len(S)], Zhat[:len(S)], Q[:len(S)]
	for i := range S {
		s, p1 := float64(S[i]), float64(P1[i])
		lam, dlam := invMillsFast(-s * p1 / kappa)
		if Lam != nil {
			Lam[i], DLam[i] = lam, dlam
		}
		z := float32(p1 + s*kappa*lam)
		Zhat[i] = z
		Q[i] = A*z - (B+1)*P1[i]
	}
}
