package data

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// This file holds the random-number machinery shared by every source. Its one
// design goal besides speed is reproducibility: the bits it produces depend on
// the seeds and nothing else: not on GOMAXPROCS, the scheduler, the CPU
// architecture or the Go version's assembly for math.Exp / math.Log.
//
// How that is achieved:
//   - Streams are math/rand/v2 PCG generators (PCG-DXSM, 128-bit state), whose
//     output sequence for a given seed is fixed by the standard library's
//     golden tests.
//   - Seeds come from an integer-only hash (splitmix64), so they are exact.
//   - The Gaussian sampler is our own ziggurat, not rand.NormFloat64: the
//     latter calls math.Exp / math.Log, which use assembly on some
//     architectures (amd64, arm64, s390x) and pure Go on others, and the two
//     may differ in the last bit, which can flip an accept/reject decision.
//     Here exp and log are computed by dexp / dlog below from IEEE-754 basic
//     operations only (+ − × ÷ √, exactly rounded everywhere), and every
//     product that can reach an addition (also through a variable, a return
//     value or an inlined call: the spec allows fusion across statements) is
//     wrapped in an explicit float64(...) conversion, which the Go spec says forbids fusing it into an FMA
//     ("An explicit floating-point type conversion rounds to the precision of
//     the target type, preventing fusion").

// golden is 2^64/φ, the Weyl increment of splitmix64.
const golden = 0x9e3779b97f4a7c15

// mix64 is the splitmix64 finaliser (Steele, Lea & Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014; constants from Vigna's
// splitmix64.c). It is a bijection of uint64 with full avalanche.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Stream domains: training batches and the held-out set never share a stream,
// whatever step a caller passes to Batch.
const (
	domainTrain   uint64 = 1
	domainHeldout uint64 = 2
)

// chunkRows is the number of rows generated from one PCG stream. It is part of
// the reproducibility contract: changing it changes every output.
const chunkRows = 64

// newStream returns the PCG stream of chunk `chunk` for (seed, domain, step).
// The tuple is absorbed one word at a time into a splitmix64 chain, and the
// two 64-bit PCG seeds are two further outputs of the chain.
func newStream(seed, domain uint64, step int64, chunk int) *rand.PCG {
	h := mix64(seed + weyl(1))
	h = mix64(h ^ mix64(domain+weyl(2)))
	h = mix64(h ^ mix64(uint64(step)+weyl(3)))
	h = mix64(h ^ mix64(uint64(chunk)+weyl(4)))
	return rand.NewPCG(mix64(h+weyl(5)), mix64(h+weyl(6)))
}

// weyl returns k·golden mod 2⁶⁴, the k-th term of splitmix64's Weyl sequence.
func weyl(k uint64) uint64 { return k * golden }

// uniform53 returns a uniform float64 in [0, 1) with 53 random bits.
func uniform53(src *rand.PCG) float64 {
	return float64(src.Uint64()>>11) * 0x1p-53
}

// uniformOpen returns a uniform float64 in (0, 1): (k + ½)·2⁻⁵³, k uniform in
// [0, 2⁵³). It never returns 0, so its logarithm is finite.
func uniformOpen(src *rand.PCG) float64 {
	return (float64(src.Uint64()>>11) + 0.5) * 0x1p-53
}

// bernoulliThreshold returns t such that (u>>11) < t has probability
// ⌊p·2⁵³⌋/2⁵³ (within 2⁻⁵³ of p) for u uniform on uint64; p = 1 gives 2⁵³, always true.
func bernoulliThreshold(p float64) uint64 {
	return uint64(float64(p * 0x1p53)) // float64(): no fused multiply-subtract in the conversion
}

// boundedIndex returns a uniform integer in [0, n), n > 0, by Lemire's
// multiply-and-reject method ("Fast random integer generation in an
// interval", ACM TOMACS 2019): hi(u·n) is uniform once the low word is not in
// the biased zone lo < 2⁶⁴ mod n.
func boundedIndex(src *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n // 2⁶⁴ mod n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// ----- deterministic exp and log -------------------------------------------

// ln 2 split into a high part with 32 significant bits (so k·ln2Hi is exact
// for |k| < 2²⁰) and the remainder (the fdlibm constants).
const (
	ln2Hi = 6.93147180369123816490e-01
	ln2Lo = 1.90821492927058770002e-10
	log2e = 1.44269504088896338700e+00
)

// dexp returns e^x for x ≤ 709, to within a few ulp, computed only from
// exactly rounded operations (see the file comment).
//
// Method: x = k·ln2 + r with k = round(x/ln2), |r| ≤ ln2/2 ≈ 0.347; e^r by its
// Taylor series to degree 17 (truncation error r¹⁸/18! < 2e-24); e^x = 2^k·e^r.
func dexp(x float64) float64 {
	switch {
	case x != x: // NaN
		return x
	case x < -745.2:
		return 0
	case x > 709.78:
		return math.Inf(1)
	}
	k := math.Floor(float64(x*log2e) + 0.5)
	r := (x - float64(k*ln2Hi)) - float64(k*ln2Lo)
	// Horner: e^r = 1 + r(1 + r/2(1 + r/3(1 + …))).
	s := 1.0
	for n := 17; n >= 1; n-- {
		s = 1 + float64(float64(r/float64(n))*s)
	}
	return math.Ldexp(s, int(k))
}

// dlog returns ln x for finite x > 0, to within a few ulp, computed only from
// exactly rounded operations.
//
// Method: x = m·2^e with m ∈ [√½, √2); ln m = 2·atanh(s), s = (m−1)/(m+1),
// |s| ≤ 0.1716, and 2·atanh(s) = 2s·Σ_{k≥0} s^{2k}/(2k+1) (truncated after
// k = 12: s²⁶/27 < 2e-22); ln x = e·ln2 + ln m.
func dlog(x float64) float64 {
	switch {
	case x != x || x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	case math.IsInf(x, 1):
		return x
	}
	m, e := math.Frexp(x) // exact: x = m·2^e, m ∈ [½, 1)
	if m < math.Sqrt2/2 {
		m *= 2
		e--
	}
	s := (m - 1) / (m + 1)
	s2 := s * s
	sum := 1.0 / 25
	for k := 11; k >= 0; k-- {
		sum = float64(sum*s2) + 1/float64(2*k+1)
	}
	lnm := float64(float64(2*s) * sum)
	fe := float64(e)
	return float64(fe*ln2Hi) + (float64(fe*ln2Lo) + lnm)
}

// ----- Gaussian: ziggurat ---------------------------------------------------

// Ziggurat tables for the standard normal with 128 strips: Marsaglia & Tsang,
// "The Ziggurat Method for Generating Random Variables", J. Stat. Software 5(8),
// 2000, section 4 (the constants r = 3.442619855899 and v = 9.91256303526217e-3
// are theirs; v is the common area of the strips). Built at init with dexp /
// dlog so the tables, too, are identical on every machine.
const (
	zigR = 3.442619855899
	zigV = 9.91256303526217e-3
)

var (
	zigK [128]uint32  // |j| < zigK[i] ⇒ j·zigW[i] lies inside strip i's core rectangle
	zigW [128]float64 // x_i / 2³¹
	zigF [128]float64 // f(x_i) = e^{−x_i²/2}
)

func init() {
	const m1 = 1 << 31
	dn := zigR
	tn := dn
	q := zigV / dexp(float64(-0.5*dn*dn))
	zigK[0] = uint32((dn / q) * m1)
	zigK[1] = 0
	zigW[0] = q / m1
	zigW[127] = dn / m1
	zigF[0] = 1
	zigF[127] = dexp(float64(-0.5 * dn * dn))
	for i := 126; i >= 1; i-- {
		dn = math.Sqrt(-2 * dlog(zigV/dn+dexp(float64(-0.5*dn*dn))))
		zigK[i+1] = uint32((dn / tn) * m1)
		tn = dn
		zigF[i] = dexp(float64(-0.5 * dn * dn))
		zigW[i] = dn / m1
	}
}

func absInt32(j int32) uint32 {
	if j < 0 {
		return uint32(-j) // -MinInt32 wraps to 2³¹, which is what we want
	}
	return uint32(j)
}

// fillNormal fills dst with independent N(0,1) values rounded to float32.
// The fast path (≈98.8 % of draws) costs one PCG output, a table look-up and a
// multiply; the rest goes through normalSlow.
func fillNormal(src *rand.PCG, dst []float32) {
	for k := range dst {
		u := src.Uint64()
		j := int32(u)         // low 32 bits: signed abscissa
		i := (u >> 32) & 0x7f // 7 independent bits: strip index
		if absInt32(j) < zigK[i] {
			dst[k] = float32(float64(j) * zigW[i])
			continue
		}
		dst[k] = float32(normalSlow(src, j, i))
	}
}

// normal returns one N(0,1) value.
func normal(src *rand.PCG) float64 {
	u := src.Uint64()
	j := int32(u)
	i := (u >> 32) & 0x7f
	if absInt32(j) < zigK[i] {
		return float64(j) * zigW[i]
	}
	return normalSlow(src, j, i)
}

// normalSlow handles a draw (j, i) that missed the core rectangle: the base
// strip's tail (i = 0) or the wedge of strip i; on rejection it draws again.
func normalSlow(src *rand.PCG, j int32, i uint64) float64 {
	for {
		x := float64(j) * zigW[i]
		if i == 0 {
			// Tail |x| > r, Marsaglia (1964): x = −ln(U₁)/r, y = −ln(U₂),
			// accept if 2y ≥ x²; return ±(r + x).
			for {
				a := float64(-dlog(uniformOpen(src)) * (1 / zigR))
				b := -dlog(uniformOpen(src))
				if b+b >= float64(a*a) {
					if j > 0 {
						return zigR + a
					}
					return -(zigR + a)
				}
			}
		}
		// Wedge: accept if f(x_i) + U·(f(x_{i−1}) − f(x_i)) < e^{−x²/2}.
		if zigF[i]+float64(uniform53(src)*(zigF[i-1]-zigF[i])) < dexp(float64(float64(-0.5*x)*x)) {
			return x
		}
		u := src.Uint64()
		j = int32(u)
		i = (u >> 32) & 0x7f
		if absInt32(j) < zigK[i] {
			return float64(j) * zigW[i]
		}
	}
}
