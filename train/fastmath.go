package train

import (
	"math"

	"github.com/bitsweep/bitsweep/theory"
)

// expf is exp(x) in float32 with a relative error below 2e-7 (tested
// against math.Exp): Cody–Waite range reduction x = n·ln2 + r with ln2 split
// in two parts, then the degree-6 minimax polynomial of Cephes' expf
// (S. Moshier, Cephes Math Library, expf.c). It is 4–6× faster than
// math.Exp, which matters in the elementwise passes of the decoders.
func expf(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		c1    = 0.693359375
		c2    = -2.12194440e-4
	)
	if x > 88.3762626647949 {
		return float32(math.Inf(1))
	}
	if x < -87.3365447504 {
		return 0
	}
	fx := x*log2e + 0.5
	n := int32(fx)
	if float32(n) > fx {
		n-- // floor for negative fx
	}
	fn := float32(n)
	x = x - fn*c1 - fn*c2
	z := x * x
	y := ((((1.9875691500e-4*x+1.3981999507e-3)*x+8.3334519073e-3)*x+4.1665795894e-2)*x+1.6666665459e-1)*x + 5.0000001201e-1
	y = y*z + x + 1
	return y * math.Float32frombits(uint32(n+127)<<23)
}

// Table of the inverse Mills ratio λ(a) = φ(a)/(1 − Φ(a)) for the output
// denoiser of the multilayer decoder: values and derivatives λ' = λ(λ − a)
// on a grid of step 1/64 over [millsLo, millsHi], interpolated by cubic
// Hermite polynomials. Interpolation error ≤ h⁴/384·max|λ⁗| < 1e-8
// (λ⁗ is bounded by 1 on the real line; checked against theory.InvMills in
// tests). Outside the grid: λ(a) = φ(a)/(1 − Φ(a)) with 1 − Φ(a) = 1 to
// double precision for a < −10, and the asymptotic series for a > 30.
const (
	millsLo  = -10.0
	millsHi  = 30.0
	millsInv = 64.0 // 1/h
)

var millsVal, millsDer = func() ([]float64, []float64) {
	k := int((millsHi-millsLo)*millsInv) + 1
	v, d := make([]float64, k), make([]float64, k)
	for i := range v {
		a := millsLo + float64(i)/millsInv
		v[i] = theory.InvMills(a)
		d[i] = v[i] * (v[i] - a)
	}
	return v, d
}()

// invMillsFast returns λ(a) and λ'(a).
func invMillsFast(a float64) (lam, dlam float64) {
	if !(a >= millsLo && a < millsHi) {
		return invMills(a)
	}
	u := (a - millsLo) * millsInv
	i := int(u)
	t := u - float64(i)
	const h = 1 / millsInv
	y0, y1 := millsVal[i], millsVal[i+1]
	m0, m1 := millsDer[i]*h, millsDer[i+1]*h
	// Cubic Hermite basis (derived: the cubic matching values and slopes at
	// both ends of the interval).
	t2 := t * t
	t3 := t2 * t
	lam = (2*t3-3*t2+1)*y0 + (t3-2*t2+t)*m0 + (-2*t3+3*t2)*y1 + (t3-t2)*m1
	return lam, lam * (lam - a)
}
