package data

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDexpDlog checks the deterministic exp and log against the math package
// (whose results are within 1 ulp) at random and special points.
func TestDexpDlog(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const relTol = 1e-15 // a few ulp
	for _, tc := range []struct {
		name     string
		lo, hi   float64
		f, ref   func(float64) float64
		absFloor float64
	}{
		{"exp[-40,0]", -40, 0, dexp, math.Exp, 0},
		{"exp[-700,700]", -700, 700, dexp, math.Exp, 0},
		{"log(0,1)", 0, 1, dlog, math.Log, 1e-300},
		{"log[1,1e6]", 1, 1e6, dlog, math.Log, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 200000 {
				x := tc.lo + (tc.hi-tc.lo)*rng.Float64()
				if x == 0 && tc.absFloor > 0 {
					continue
				}
				got, want := tc.f(x), tc.ref(x)
				if math.Abs(got-want) > relTol*math.Abs(want)+1e-300 {
					t.Fatalf("f(%v) = %v, want %v (rel err %.2g)", x, got, want, math.Abs(got-want)/math.Abs(want))
				}
			}
		})
	}
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"exp(0)", dexp(0), 1},
		{"exp(-1000)", dexp(-1000), 0},
		{"exp(1000)", dexp(1000), math.Inf(1)},
		{"log(1)", dlog(1), 0},
		{"log(0)", dlog(0), math.Inf(-1)},
		// −1074·ln 2; math.Log itself is wrong on subnormals on amd64 (it returns −709.09).
		{"log(2^-1074)", dlog(math.SmallestNonzeroFloat64), -744.4400719213812},
		{"log(max)", dlog(math.MaxFloat64), math.Log(math.MaxFloat64)},
	} {
		if tc.got != tc.want && math.Abs(tc.got-tc.want) > 4e-16*math.Abs(tc.want) {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if !math.IsNaN(dlog(-1)) || !math.IsNaN(dexp(math.NaN())) {
		t.Error("dlog(-1) or dexp(NaN) is not NaN")
	}
}

// TestNormalCDF compares the empirical CDF of the ziggurat with Φ at points
// chosen to exercise every path: the core rectangles, the wedges and the tail
// beyond r = 3.4426. F̂(t) is an average of N indicators with variance
// Φ(t)(1−Φ(t)), hence the tolerance 5·√(Φ(1−Φ)/N) (see checkMoment).
func TestNormalCDF(t *testing.T) {
	const n = 4 << 20
	x := make([]float32, n)
	fillNormal(newStream(7, domainTrain, 0, 0), x)
	for _, tc := range []float64{-4.5, -4, -3.5, -3, -2, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 2, 3, 3.4, 3.5, 4, 4.5} {
		var below int
		for _, v := range x {
			if float64(v) <= tc {
				below++
			}
		}
		phi := 0.5 * math.Erfc(-tc/math.Sqrt2)
		checkMoment(t, "F("+ftoa(tc)+")", float64(below)/n, phi, phi*(1-phi), n)
	}
	var maxAbs float64
	for _, v := range x {
		maxAbs = max(maxAbs, math.Abs(float64(v)))
	}
	// P(|x| > 4.5) = 6.8e-6: about 28 of 4M draws; none means a broken tail.
	if maxAbs < 4.5 {
		t.Errorf("max |x| = %v over %d draws: the tail sampler is not reached", maxAbs, n)
	}
}

// TestBoundedIndex checks Lemire's bounded integers for uniformity with a
// count per value: each count is Binomial(N, 1/n), standard deviation
// √(N(1/n)(1−1/n)).
func TestBoundedIndex(t *testing.T) {
	for _, n := range []uint64{1, 3, 10, 1000} {
		src := newStream(3, domainTrain, int64(n), 0)
		const N = 200000
		counts := make([]int, n)
		for range N {
			k := boundedIndex(src, n)
			if k >= n {
				t.Fatalf("boundedIndex(%d) = %d", n, k)
			}
			counts[k]++
		}
		q := 1 / float64(n)
		for k, c := range counts {
			if math.Abs(float64(c)-N*q) > zTol*math.Sqrt(N*q*(1-q))+1e-9 {
				t.Errorf("n = %d: value %d drawn %d times, want %.0f", n, k, c, N*q)
			}
		}
	}
}
