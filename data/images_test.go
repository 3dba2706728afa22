package data

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// structuredImages returns n records of d pixels whose coordinate j is
// uniform on {0, …, 5j} (coordinate 0 is the constant 17), so coordinates
// have different means and variances.
func structuredImages(seed uint64, n, d int) images {
	rng := rand.New(rand.NewPCG(seed, 1))
	pix := make([]byte, n*d)
	for i := range n {
		for j := range d {
			if j == 0 {
				pix[i*d] = 17
				continue
			}
			pix[i*d+j] = byte(rng.IntN(min(5*j, 255) + 1))
		}
	}
	return images{n: n, d: d, pix: pix}
}

// TestPreprocessing checks the promise of the package documentation on the
// whole training split: per-coordinate mean 0, mean square 1 averaged over
// coordinates, constant coordinates exactly 0, and the test split centred
// with the training mean and scaled with the training scale.
func TestPreprocessing(t *testing.T) {
	const n, d = 600, 40
	all := structuredImages(1, n, d)
	train, test := splitTail(all)
	s, err := newImageSource("test", train, test, 1)
	if err != nil {
		t.Fatal(err)
	}
	row := make([]float32, d)
	sum := make([]float64, d)
	var sq float64
	for i := range train.n {
		s.trainRow(i, row)
		if row[0] != 0 {
			t.Fatalf("constant coordinate 0 = %v in record %d, want 0", row[0], i)
		}
		for j, v := range row {
			sum[j] += float64(v)
			sq += float64(v) * float64(v)
		}
	}
	// float32 rounding of each value (relative 6e-8) bounds the deviations.
	for j := range d {
		if m := sum[j] / float64(train.n); math.Abs(m) > 1e-5 {
			t.Errorf("training mean of coordinate %d = %g, want 0", j, m)
		}
	}
	if ms := sq / float64(train.n*d); math.Abs(ms-1) > 1e-5 {
		t.Errorf("training mean square = %.8f, want 1", ms)
	}
	// Test split: x = (pixel − μ_j)·s with the training μ and s.
	x, rows := s.Heldout(3, 1000)
	if rows != test.n || rows != 86 { // round(600/7) = 86
		t.Fatalf("Heldout rows = %d, want %d", rows, test.n)
	}
	for _, k := range []int{0, 7, 85*d + 39} {
		j := k % d
		var mu float64
		for i := range train.n {
			mu += float64(train.pix[i*d+j])
		}
		mu /= float64(train.n)
		want := (float64(test.pix[k]) - mu) * s.scale
		if math.Abs(float64(x[k])-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("held-out value %d = %v, want %v", k, x[k], want)
		}
	}
	// Without a mask the seed does not matter for held-out data.
	if x2, _ := s.Heldout(99, 1000); !slices.Equal(x, x2) {
		t.Error("unmasked Heldout depends on the seed")
	}
	if x5, r5 := s.Heldout(3, 5); r5 != 5 || !slices.Equal(x5, x[:5*d]) {
		t.Error("Heldout(3, 5) is not the first 5 held-out rows")
	}

	if _, err := newImageSource("flat", images{n: 3, d: 2, pix: []byte{9, 9, 9, 9, 9, 9}}, images{}, 1); err == nil ||
		!strings.Contains(err.Error(), "all 2 coordinates are constant over the 3 training records") {
		t.Errorf("constant images: err = %v", err)
	}
}

// TestImageBatchSampling checks that Batch draws training records uniformly
// with replacement: each of the m records appears Binomial(N, 1/m) times, so
// its count is within 5 standard deviations √(N·(1/m)(1−1/m)) of N/m.
func TestImageBatchSampling(t *testing.T) {
	const m, d, N = 10, 8, 20000
	train := images{n: m, d: d, pix: make([]byte, m*d)}
	for i := range m {
		for j := range d {
			train.pix[i*d+j] = byte(10*i + j*j) // distinct records, every coordinate varies
		}
	}
	s, err := newImageSource("test", train, images{d: d}, 1)
	if err != nil {
		t.Fatal(err)
	}
	index := map[uint64]int{}
	row := make([]float32, d)
	for i := range m {
		s.trainRow(i, row)
		index[hashBits(row)] = i
	}
	x := make([]float32, N*d)
	s.Batch(5, 0, x)
	counts := make([]int, m)
	for r := range N {
		i, ok := index[hashBits(x[r*d:(r+1)*d])]
		if !ok {
			t.Fatalf("batch row %d is not a training record", r)
		}
		counts[i]++
	}
	q := 1.0 / m
	for i, c := range counts {
		if math.Abs(float64(c)-N*q) > zTol*math.Sqrt(N*q*(1-q)) {
			t.Errorf("record %d drawn %d times, want %.0f", i, c, N*q)
		}
	}
	if _, rows := s.Heldout(1, 10); rows != 0 {
		t.Errorf("Heldout with an empty test split gave %d rows", rows)
	}
}

// TestImageMask checks Bernoulli(p) masking: the fraction of masked
// coordinates, E x² = 1 preserved, kept values scaled by 1/√p, fresh masks
// per step and fixed held-out masks, and GOMAXPROCS independence.
func TestImageMask(t *testing.T) {
	const n, d, p = 700, 40, 0.3
	train, test := splitTail(structuredImages(2, n, d))
	s, err := newImageSource("test", train, test, p)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := newImageSource("test", train, test, 1)

	const rows = 4000
	x := make([]float32, rows*d)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	runtime.GOMAXPROCS(1)
	s.Batch(11, 4, x)
	runtime.GOMAXPROCS(4)
	x4 := make([]float32, rows*d)
	s.Batch(11, 4, x4)
	if !slices.Equal(x, x4) {
		t.Error("masked Batch differs between GOMAXPROCS 1 and 4")
	}
	s.Batch(11, 5, x4)
	if slices.Equal(x, x4) {
		t.Error("steps 4 and 5 give the same masked batch")
	}

	// Precondition for counting masks as zeros: no unmasked training value
	// of coordinates 1…d−1 is 0 (a pixel equal to its coordinate's mean).
	row := make([]float32, d)
	for i := range train.n {
		plain.trainRow(i, row)
		if slices.Contains(row[1:], 0) {
			t.Fatalf("training record %d has an unmasked 0; change the test data", i)
		}
	}
	// P(masked) = 1−p: an average of indicators with variance p(1−p).
	// E x² = 1: rows are i.i.d., so the standard error of the mean of the
	// per-row mean squares is their sample standard deviation over √rows.
	var masked, eligible int
	rowMS := make([]float64, rows)
	for r := range rows {
		for j := 1; j < d; j++ {
			v := float64(x[r*d+j])
			rowMS[r] += v * v / d
			if v == 0 {
				masked++
			}
			eligible++
		}
	}
	checkMoment(t, "P(masked)", float64(masked)/float64(eligible), 1-p, p*(1-p), eligible)
	var mean, m2 float64
	for _, v := range rowMS {
		mean += v / rows
	}
	for _, v := range rowMS {
		m2 += (v - mean) * (v - mean) / (rows - 1)
	}
	checkMoment(t, "E x² (masked batch)", mean, 1, m2, rows)

	// Held-out: fixed masks for a seed, kept values = unmasked/√p.
	h1, r1 := s.Heldout(8, 50)
	h2, _ := s.Heldout(8, 50)
	h3, _ := s.Heldout(9, 50)
	u, _ := plain.Heldout(8, 50)
	if r1 != 50 || !slices.Equal(h1, h2) || slices.Equal(h1, h3) {
		t.Error("held-out masks are not a fixed function of the seed")
	}
	for k, v := range h1 {
		if v != 0 {
			want := float64(u[k]) / math.Sqrt(p)
			if math.Abs(float64(v)-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Fatalf("kept held-out value %d = %v, want %v", k, v, want)
			}
		}
	}
}
