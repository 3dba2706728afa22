package train

import (
	"math"
	"math/rand/v2"
	"testing"
)

// kernelInputs returns n float32s: a Gaussian bulk of scale sd, and, at the
// start, the edge values each kernel must treat as the pure-Go code does
// (signed zeros, the expf cut-offs and their neighbours, infinities,
// subnormals, values whose exponent reduction lands on an integer).
func kernelInputs(rng *rand.Rand, n int, sd float64) []float32 {
	edge := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 88.3762626647949, -87.3365447504,
		math.Nextafter32(88.3762626647949, 100), math.Nextafter32(-87.3365447504, -100),
		math.Nextafter32(88.3762626647949, 0), math.Nextafter32(-87.3365447504, 0),
		float32(math.Inf(1)), float32(math.Inf(-1)), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32,
		math.MaxFloat32, -math.MaxFloat32, 1e-30, -1e-30, 0.34657359, -0.34657359, 20, -20, 100, -100}
	x := make([]float32, n)
	copy(x, edge)
	for i := len(edge); i < n; i++ {
		x[i] = float32(rng.NormFloat64() * sd)
	}
	return x
}

func kernelBits(t *testing.T, what string, in, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s[%d] (input %g): got %g (%#08x), the pure-Go kernel gives %g (%#08x)",
				what, i, in[i], got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// TestKernelsBitIdentical checks that the dispatched kernels (AVX2 where the
// CPU has it) give the same bits as the pure-Go definitions, on lengths that
// are and are not multiples of 8, for inputs from the scales the training
// step sees (y and r₁ of order 1–10, so that α + βy² spans the expf range) and
// the edge values. Exact equality is the claim, so there is no tolerance.
func TestKernelsBitIdentical(t *testing.T) {
	if !useSIMD {
		t.Log("no AVX2 (or BITSWEEP_SIMD=off): the dispatched kernels are the pure-Go ones")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 7, 8, 9, 63, 64, 1000, 4096 + 5} {
		for _, sd := range []float64{1, 3, 30} {
			u := kernelInputs(rng, max(n, 24), sd)[:n]

			s, sRef := make([]float32, n), make([]float32, n)
			signs(s, u)
			signsGo(sRef, u)
			kernelBits(t, "signs", u, s, sRef)

			// α, β, w as the denoiser has them at p = 0.1 and near it.
			for _, ab := range [][3]float32{{-3.3, 0.45, 1.1}, {-1, 2, 0.7}, {5, -0.01, 2}} {
				g, x := make([]float32, n), make([]float32, n)
				gRef, xRef := make([]float32, n), make([]float32, n)
				gates(u, g, x, ab[0], ab[1], ab[2])
				gatesGo(u, gRef, xRef, ab[0], ab[1], ab[2])
				kernelBits(t, "gate", u, g, gRef)
				kernelBits(t, "x", u, x, xRef)
			}

			grad := kernelInputs(rng, max(n, 24), sd/100)[:n]
			for i := range grad { // Adam never sees infinite gradients
				if math.IsInf(float64(grad[i]), 0) || math.Abs(float64(grad[i])) > 1e18 {
					grad[i] = 0.5
				}
			}
			p, m, v := make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range p {
				p[i] = float32(rng.NormFloat64())
				m[i] = float32(rng.NormFloat64() * 1e-3)
				v[i] = float32(rng.ExpFloat64() * 1e-6)
			}
			pr, mr, vr := append([]float32(nil), p...), append([]float32(nil), m...), append([]float32(nil), v...)
			for step := 0; step < 3; step++ {
				adamUpdate(p, grad, m, v, 1e-3)
				adamGo(pr, grad, mr, vr, 1e-3)
			}
			kernelBits(t, "adam m", grad, m, mr)
			kernelBits(t, "adam v", grad, v, vr)
			kernelBits(t, "adam p", grad, p, pr)
		}
	}
}

// TestKernelsNaN: a NaN input gives −1 from signs (NaN ≥ 0 is false) and a
// NaN gate, on either path.
func TestKernelsNaN(t *testing.T) {
	u := make([]float32, 16)
	u[3] = float32(math.NaN())
	s := make([]float32, 16)
	signs(s, u)
	if s[3] != -1 || s[2] != 1 {
		t.Fatalf("signs with a NaN: got %v", s)
	}
	g, x := make([]float32, 16), make([]float32, 16)
	gates(u, g, x, -3, 0.5, 1)
	if !math.IsNaN(float64(g[3])) || math.IsNaN(float64(g[2])) {
		t.Fatalf("gates with a NaN: got %v", g)
	}
}

func BenchmarkKernels(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 1024 * 512
	u := kernelInputs(rng, n, 2)
	s, g, x := make([]float32, n), make([]float32, n), make([]float32, n)
	m, v := make([]float32, n), make([]float32, n)
	for _, k := range []struct {
		name string
		f    func()
	}{
		{"signs", func() { signs(s, u) }},
		{"signsGo", func() { signsGo(s, u) }},
		{"gates", func() { gates(u, g, x, -3.3, 0.45, 1.1) }},
		{"gatesGo", func() { gatesGo(u, g, x, -3.3, 0.45, 1.1) }},
		{"adam", func() { adamUpdate(x, u, m, v, 1e-9) }},
		{"adamGo", func() { adamGo(x, u, m, v, 1e-9) }},
	} {
		b.Run(k.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				k.f()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/elem")
		})
	}
}

// TestDenoiserGradBitIdentical: the dispatched backward kernel of the
// denoiser gives the bits of the pure-Go one (dIn and the three sums), with
// and without the gates' gradient, on rows of every length mod 4.
func TestDenoiserGradBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 3, 4, 5, 64, 517} {
		for _, gated := range []bool{false, true} {
			in := kernelInputs(rng, max(n, 24), 2)[:n]
			for i, v := range in { // a denoiser's input is finite
				if math.IsInf(float64(v), 0) || math.Abs(float64(v)) > 1e15 {
					in[i] = 1.5
				}
			}
			gate, x := make([]float32, n), make([]float32, n)
			gatesGo(in, gate, x, -3.3, 0.45, 1.1)
			dOut := make([]float32, n)
			dIn, dInRef := make([]float32, n), make([]float32, n)
			for i := range dOut {
				// Terms of comparable size, so that a sum taken in another
				// order rounds differently (a check that the test can fail).
				dOut[i] = float32(rng.NormFloat64())
				dIn[i] = float32(rng.NormFloat64())
				dInRef[i] = dIn[i]
			}
			acc, accRef := [3]float64{0.1, -0.1, 0.1}, [3]float64{0.1, -0.1, 0.1}
			denoiserGrad(in, gate, dOut, dIn, 1.1, 0.45, 0.7, gated, &acc)
			denoiserGradGo(in, gate, dOut, dInRef, 1.1, 0.45, 0.7, gated, &accRef)
			kernelBits(t, "dIn", in, dIn, dInRef)
			for k := range acc {
				if math.Float64bits(acc[k]) != math.Float64bits(accRef[k]) {
					t.Fatalf("n = %d, gated %v: acc[%d] = %v, the pure-Go kernel gives %v", n, gated, k, acc[k], accRef[k])
				}
			}
		}
	}
}

// TestOutputDenoiserBitIdentical: the dispatched kernel of a decoder layer's
// output denoiser gives the bits of the pure-Go one, with and without λ and
// λ' kept, for p₁/κ inside the interpolation table, beyond both of its ends
// (the blocks the kernel hands back to Go) and NaN.
func TestOutputDenoiserBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 3, 4, 7, 64, 1001} {
		for _, sd := range []float64{0.5, 3, 15} {
			S, P1 := make([]float32, n), make([]float32, n)
			for i := range S {
				S[i] = 1
				if rng.IntN(2) == 0 {
					S[i] = -1
				}
				P1[i] = float32(rng.NormFloat64() * sd)
			}
			if n > 10 {
				P1[5] = float32(math.NaN())
				P1[9] = 50 // a = ∓50/κ: beyond the table for one sign
				P1[10] = -50
			}
			for _, keep := range []bool{true, false} {
				z, q, zr, qr := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
				var lam, dlam, lamr, dlamr []float64
				if keep {
					lam, dlam, lamr, dlamr = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
				}
				outputDenoiser(S, P1, z, q, lam, dlam, 1.3, 0.8, -0.4)
				outputDenoiserGo(S, P1, zr, qr, lamr, dlamr, 1.3, 0.8, -0.4)
				kernelBits(t, "ẑ", P1, z, zr)
				kernelBits(t, "Q", P1, q, qr)
				for i := range lam {
					if math.Float64bits(lam[i]) != math.Float64bits(lamr[i]) || math.Float64bits(dlam[i]) != math.Float64bits(dlamr[i]) {
						t.Fatalf("n = %d, p₁ = %g: λ, λ' = %v, %v; the pure-Go kernel gives %v, %v", n, P1[i], lam[i], dlam[i], lamr[i], dlamr[i])
					}
				}
			}
		}
	}
}
