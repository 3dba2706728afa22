package data

import (
	"hash/fnv"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// hashBits returns the FNV-1a hash of the float32 bit patterns of x.
func hashBits(x []float32) uint64 {
	h := fnv.New64a()
	var b [4]byte
	for _, v := range x {
		u := math.Float32bits(v)
		b[0], b[1], b[2], b[3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
		h.Write(b[:])
	}
	return h.Sum64()
}

var syntheticCases = []struct {
	source string
	p      float64
	// golden FNV-1a hashes of Batch(42, 7, 300 rows) and Heldout(42, 300),
	// d = 33: the bits promised to be the same on every machine.
	batch, heldout uint64
}{
	{"gaussian", 0, 0x2e2c78fd2eed49d7, 0xa653cb0c1aaf47eb},
	{"bernoulli-gaussian", 0.3, 0x3e9ca9b695e5b630, 0xe25c1f7389f07b4a}, // dense path
	{"bernoulli-gaussian", 0.1, 0x3e1f86dfae8f6753, 0x0ca905165c4c0776}, // sparse path
	{"sparse-rademacher", 0.3, 0x5916e2dafee42887, 0x542e61d74d98eb05},
}

// TestGolden pins the exact output bits. If this fails on another platform
// or Go version, reproducibility across machines is broken.
func TestGolden(t *testing.T) {
	const rows, d = 300, 33
	for _, tc := range syntheticCases {
		src, err := New(Options{Source: tc.source, Dim: d, Sparsity: tc.p})
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, rows*d)
		src.Batch(42, 7, x)
		h, _ := src.Heldout(42, rows)
		if got := hashBits(x); got != tc.batch {
			t.Errorf("%s: Batch hash = %#x, want %#x", tc.source, got, tc.batch)
		}
		if got := hashBits(h); got != tc.heldout {
			t.Errorf("%s: Heldout hash = %#x, want %#x", tc.source, got, tc.heldout)
		}
	}

	// An image source with masks: preprocessing, sampling and masks.
	train, test := splitTail(structuredImages(3, 400, d))
	img, err := newImageSource("test", train, test, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, rows*d)
	img.Batch(42, 7, x)
	h, _ := img.Heldout(42, rows)
	if got, want := hashBits(x), uint64(0x2c459ef73ab85dab); got != want {
		t.Errorf("images: Batch hash = %#x, want %#x", got, want)
	}
	if got, want := hashBits(h), uint64(0x4b8c7ea1b61f5fde); got != want {
		t.Errorf("images: Heldout hash = %#x, want %#x", got, want)
	}
}

// TestDeterminism checks that Batch is a pure function of (seed, step, rows)
// whatever GOMAXPROCS is, that a shorter batch is a prefix of a longer one,
// that steps and seeds change the output, and that no held-out row equals a
// training row of any nearby step (the held-out streams are a separate domain,
// so even step −1 or 0 does not reproduce them).
func TestDeterminism(t *testing.T) {
	const rows, d = 1000, 32 // 16 chunks of 64 rows, the last one partial
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, tc := range syntheticCases {
		t.Run(tc.source, func(t *testing.T) {
			src, err := New(Options{Source: tc.source, Dim: d, Sparsity: tc.p})
			if err != nil {
				t.Fatal(err)
			}
			batch := func(procs int, seed uint64, step int64, rows int) []float32 {
				runtime.GOMAXPROCS(procs)
				x := make([]float32, rows*d)
				src.Batch(seed, step, x)
				return x
			}
			a := batch(1, 9, 5, rows)
			b := batch(4, 9, 5, rows)
			if !slices.Equal(a, b) {
				t.Error("GOMAXPROCS 1 and 4 give different bits")
			}
			if c := batch(4, 9, 5, rows); !slices.Equal(a, c) {
				t.Error("two calls with GOMAXPROCS 4 differ")
			}
			if short := batch(3, 9, 5, 100); !slices.Equal(short, a[:100*d]) {
				t.Error("a 100-row batch is not the prefix of the 1000-row batch")
			}
			if slices.Equal(a, batch(2, 9, 6, rows)) {
				t.Error("steps 5 and 6 give the same batch")
			}
			if slices.Equal(a, batch(2, 10, 5, rows)) {
				t.Error("seeds 9 and 10 give the same batch")
			}
			// Rows of one batch must differ from each other too (no chunk
			// reuses another chunk's stream).
			seen := map[uint64]string{}
			add := func(x []float32, what string) {
				for r := range len(x) / d {
					row := x[r*d : (r+1)*d]
					if !slices.ContainsFunc(row, func(v float32) bool { return v != 0 }) {
						continue // all-zero rows (likely at p = 0.1) identify no stream
					}
					k := hashBits(row)
					if prev, dup := seen[k]; dup {
						t.Fatalf("row %d of %s equals a row of %s", r, what, prev)
					}
					seen[k] = what
				}
			}
			runtime.GOMAXPROCS(2)
			h1, n1 := src.Heldout(9, rows)
			h2, _ := src.Heldout(9, rows)
			if n1 != rows || !slices.Equal(h1, h2) {
				t.Fatalf("Heldout: rows %d (want %d) or not reproducible", n1, rows)
			}
			add(h1, "heldout")
			for step := int64(-3); step <= 3; step++ {
				add(batch(2, 9, step, rows), "batch step "+ftoa(float64(step)))
			}
		})
	}
}

func TestBatchPanicsOnPartialRow(t *testing.T) {
	src, err := New(Options{Source: "gaussian", Dim: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(r.(string), "len(dst) = 15 is not a multiple of Dim() = 10") {
			t.Errorf("panic = %v", r)
		}
	}()
	src.Batch(1, 0, make([]float32, 15))
}

func TestEmptyBatchAndHeldout(t *testing.T) {
	src, err := New(Options{Source: "bernoulli-gaussian", Dim: 3, Sparsity: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	src.Batch(1, 0, nil) // must not panic
	for _, n := range []int{0, -5} {
		if x, rows := src.Heldout(1, n); rows != 0 || len(x) != 0 {
			t.Errorf("Heldout(1, %d) = %d rows", n, rows)
		}
	}
}

// TestOptionsErrors checks that every bad option is rejected with a message
// naming the field and the value.
func TestOptionsErrors(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{Source: "foo", Dim: 3}, `source "foo": unknown source (want gaussian, bernoulli-gaussian, sparse-rademacher, idx:PATH, cifar10:PATH)`},
		{Options{Source: "", Dim: 3}, `source "": unknown source`},
		{Options{Source: "Gaussian", Dim: 3}, `source "Gaussian": unknown source`},
		{Options{Source: "gaussian:x", Dim: 3}, `source "gaussian:x": unknown source`},
		{Options{Source: "idx", Dim: 3}, `source "idx": unknown source`},
		{Options{Source: "idx:"}, `source "idx:": empty path`},
		{Options{Source: "cifar10:"}, `source "cifar10:": empty path`},
		{Options{Source: "idx:/nonexistent/file"}, `source "idx:/nonexistent/file": stat /nonexistent/file: no such file`},
		{Options{Source: "gaussian"}, `source "gaussian": dim 0: must be ≥ 1`},
		{Options{Source: "sparse-rademacher", Dim: -4, Sparsity: 0.5}, `dim -4: must be ≥ 1`},
		{Options{Source: "bernoulli-gaussian", Dim: 3}, `source "bernoulli-gaussian": sparsity 0: must be in (0, 1]`},
		{Options{Source: "sparse-rademacher", Dim: 3}, `sparsity 0: must be in (0, 1]`},
		{Options{Source: "bernoulli-gaussian", Dim: 3, Sparsity: -0.1}, `sparsity -0.1: must be in (0, 1]`},
		{Options{Source: "bernoulli-gaussian", Dim: 3, Sparsity: 1.5}, `sparsity 1.5: must be in (0, 1]`},
		{Options{Source: "sparse-rademacher", Dim: 3, Sparsity: math.NaN()}, `sparsity NaN: must be in (0, 1]`},
		{Options{Source: "sparse-rademacher", Dim: 3, Sparsity: math.Inf(1)}, `sparsity +Inf: must be in (0, 1]`},
		{Options{Source: "gaussian", Dim: 3, Sparsity: 0.5}, `source "gaussian": sparsity 0.5: gaussian has no sparsity`},
		{Options{Source: "idx:/x", Sparsity: 2}, `source "idx:/x": sparsity 2: must be in (0, 1]`},
		{Options{Source: "cifar10:/x", Sparsity: -1}, `source "cifar10:/x": sparsity -1: must be in (0, 1]`},
	} {
		src, err := New(tc.o)
		if err == nil {
			t.Errorf("New(%+v) = %v, want error %q", tc.o, src.Name(), tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) error = %q, want it to contain %q", tc.o, err, tc.want)
		}
	}
}
