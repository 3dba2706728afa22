package openblas

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naive is the reference: C = alpha·op(A)·op(B) + beta·C in float64.
func naive(ta, tb bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) []float32 {
	out := append([]float32(nil), c...)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if ta {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if tb {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			out[i*ldc+j] = float32(float64(alpha)*s + float64(beta)*float64(c[i*ldc+j]))
		}
	}
	return out
}

func TestSgemm(t *testing.T) {
	l, err := Find()
	if err != nil {
		t.Skipf("no OpenBLAS on this machine: %v", err) // the fallback is tested in package train
	}
	t.Logf("loaded %s: %s, %d threads", l.Path, l.Config(), l.Threads())
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		return x
	}
	for _, c := range []struct {
		ta, tb  bool
		m, n, k int
	}{
		{false, false, 3, 4, 5}, {true, false, 7, 2, 3}, {false, true, 5, 6, 4}, {true, true, 64, 33, 17}, {false, false, 1, 1, 1}, {false, true, 128, 64, 256},
	} {
		ar, ac := c.m, c.k
		if c.ta {
			ar, ac = c.k, c.m
		}
		br, bc := c.k, c.n
		if c.tb {
			br, bc = c.n, c.k
		}
		lda, ldb, ldc := ac+1, bc+2, c.n+3 // strides wider than the rows
		a, b, cc := fill(ar*lda), fill(br*ldb), fill(c.m*ldc)
		want := naive(c.ta, c.tb, c.m, c.n, c.k, 0.7, a, lda, b, ldb, -0.3, cc, ldc)
		l.Sgemm(c.ta, c.tb, c.m, c.n, c.k, 0.7, a, lda, b, ldb, -0.3, cc, ldc)
		for i := 0; i < c.m; i++ {
			for j := 0; j < c.n; j++ {
				// float32 accumulation over k terms of size ≈ 1: the error
				// grows like √k·2⁻²⁴·|terms|; 1e-5·k is loose and safe.
				if d := math.Abs(float64(cc[i*ldc+j] - want[i*ldc+j])); d > 1e-5*float64(c.k)+1e-6 {
					t.Fatalf("%+v: C[%d,%d] = %g, want %g", c, i, j, cc[i*ldc+j], want[i*ldc+j])
				}
			}
		}
	}
	// The padding between rows of C is untouched.
	c := []float32{1, 2, 99, 3, 4, 99}
	l.Sgemm(false, false, 2, 2, 1, 1, []float32{1, 1}, 1, []float32{1, 1}, 2, 0, c, 3)
	if c[2] != 99 || c[5] != 99 || c[0] != 1 || c[4] != 1 {
		t.Errorf("C = %v", c)
	}
	defer func() {
		if recover() == nil {
			t.Error("a short slice did not panic")
		}
	}()
	l.Sgemm(false, false, 2, 2, 2, 1, make([]float32, 3), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2)
}

func TestThreads(t *testing.T) {
	l, err := Find()
	if err != nil {
		t.Skipf("no OpenBLAS on this machine: %v", err)
	}
	old := l.Threads()
	defer l.SetThreads(old)
	l.SetThreads(1)
	if got := l.Threads(); got != 1 {
		t.Errorf("threads %d after SetThreads(1)", got)
	}
}

func TestOpenNotOpenBLAS(t *testing.T) {
	if _, err := Open("/nonexistent/libopenblas.so.0"); err == nil {
		t.Error("no error for a missing file")
	}
	if _, err := Open("libc.so.6"); err == nil {
		t.Error("libc loaded as an OpenBLAS")
	}
}
