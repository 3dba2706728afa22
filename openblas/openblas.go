package openblas

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/ebitengine/purego"
)

// Env is the environment variable that chooses the BLAS: a path to a
// shared library, "gonum" for the pure-Go fallback, or unset to search.
const Env = "BITSWEEP_BLAS"

// ErrDisabled is returned by Find when BITSWEEP_BLAS=gonum.
var ErrDisabled = errors.New(Env + "=gonum: OpenBLAS not loaded")

// Lib is a loaded OpenBLAS. Its methods are safe for concurrent use (the
// library serialises or parallelises calls itself).
type Lib struct {
	// Path is the file or name it was loaded from.
	Path string

	sgemm      func(order, ta, tb, m, n, k int32, alpha float32, a *float32, lda int32, b *float32, ldb int32, beta float32, c *float32, ldc int32)
	setThreads func(n int32)
	getThreads func() int32
	config     func() string
}

// CBLAS constants (cblas.h).
const (
	cblasRowMajor = 101
	cblasNoTrans  = 111
	cblasTrans    = 112
)

// Candidates lists where Find looks, in order, after BITSWEEP_BLAS.
func Candidates() []string {
	switch runtime.GOOS {
	case "darwin":
		return []string{
			"libopenblas.dylib",
			"/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
			"/usr/local/opt/openblas/lib/libopenblas.dylib",
		}
	}
	return []string{
		"libopenblas.so.0", "libopenblas.so", // the loader's search path (Debian, Ubuntu, anything with ldconfig)
		"/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
		"/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
		"/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
		"/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
		"/usr/lib64/libopenblasp.so.0", "/usr/lib64/libopenblas.so.0", // RHEL, Fedora
		"/usr/lib/libopenblas.so.0", "/usr/local/lib/libopenblas.so.0", "/usr/local/lib/libopenblas.so",
	}
}

var (
	findOnce sync.Once
	found    *Lib
	findErr  error
)

// Find loads OpenBLAS once per process: from BITSWEEP_BLAS if it names a
// file (an error if it cannot be loaded: the user asked for it), not at all
// if it is "gonum" (ErrDisabled), otherwise from the first of Candidates
// that loads (an error listing what was tried if none does).
func Find() (*Lib, error) {
	findOnce.Do(func() {
		v := strings.TrimSpace(os.Getenv(Env))
		switch {
		case strings.EqualFold(v, "gonum"):
			findErr = ErrDisabled
		case v != "":
			found, findErr = Open(v)
			if findErr != nil {
				findErr = fmt.Errorf("%s=%s: %w", Env, v, findErr)
			}
		default:
			var tried []string
			for _, p := range Candidates() {
				l, err := Open(p)
				if err == nil {
					found = l
					return
				}
				tried = append(tried, p)
			}
			findErr = fmt.Errorf("OpenBLAS not found (tried %s; set %s to its path)", strings.Join(tried, ", "), Env)
		}
	})
	return found, findErr
}

// Open loads the OpenBLAS at path (a file, or a name the dynamic loader
// resolves) and checks that it has the routines Lib calls.
func Open(path string) (l *Lib, err error) {
	h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	l = &Lib{Path: path}
	for name, fn := range map[string]any{
		"cblas_sgemm":              &l.sgemm,
		"openblas_set_num_threads": &l.setThreads,
		"openblas_get_num_threads": &l.getThreads,
		"openblas_get_config":      &l.config,
	} {
		sym, err := purego.Dlsym(h, name)
		if err != nil {
			purego.Dlclose(h)
			return nil, fmt.Errorf("load %s: not an OpenBLAS (no %s): %w", path, name, err)
		}
		purego.RegisterFunc(fn, sym)
	}
	return l, nil
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major float32
// matrices, op(X) being X or Xᵀ as ta, tb say; op(A) is m×k, op(B) k×n, C
// m×n (cblas_sgemm with CblasRowMajor). It panics, like gonum's Sgemm, when
// a slice is too short for its dimensions, instead of letting C read or
// write past it.
func (l *Lib) Sgemm(ta, tb bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	ar, ac := m, k
	if ta {
		ar, ac = k, m
	}
	br, bc := k, n
	if tb {
		br, bc = n, k
	}
	check := func(name string, x []float32, rows, cols, ld int) {
		if ld < max(1, cols) || rows > 0 && len(x) < (rows-1)*ld+cols {
			panic(fmt.Sprintf("openblas: Sgemm: %s is %d long with ld %d, too short for %d×%d", name, len(x), ld, rows, cols))
		}
	}
	check("C", c, m, n, ldc)
	if k == 0 {
		// C = beta·C without touching A and B (which may be empty).
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				if beta == 0 {
					row[j] = 0
				} else {
					row[j] *= beta
				}
			}
		}
		return
	}
	check("A", a, ar, ac, lda)
	check("B", b, br, bc, ldb)
	t := func(x bool) int32 {
		if x {
			return cblasTrans
		}
		return cblasNoTrans
	}
	l.sgemm(cblasRowMajor, t(ta), t(tb), int32(m), int32(n), int32(k), alpha, &a[0], int32(lda), &b[0], int32(ldb), beta, &c[0], int32(ldc))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(c)
}

// SetThreads sets the number of threads OpenBLAS uses for one call
// (openblas_set_num_threads; process-wide).
func (l *Lib) SetThreads(n int) { l.setThreads(int32(max(1, n))) }

// Threads returns the number of threads OpenBLAS uses for one call.
func (l *Lib) Threads() int { return int(l.getThreads()) }

// Config returns the library's build description (openblas_get_config),
// e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".
func (l *Lib) Config() string { return strings.TrimSpace(l.config()) }
