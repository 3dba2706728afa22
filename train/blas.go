package train

import (
	"errors"
	"os"
	"strconv"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/bitsweep/bitsweep/openblas"
)

// The BLAS that computes the matrix products: OpenBLAS, loaded at run time
// by package openblas (no cgo, no build tag) when the library is on the
// machine, otherwise gonum's pure-Go BLAS. BITSWEEP_BLAS=gonum forces the
// fallback, BITSWEEP_BLAS=/path/to/libopenblas.so picks a library.
var (
	blasOnce sync.Once
	lib      *openblas.Lib // nil: gonum
	blasErr  error
)

func loadBLAS() {
	blasOnce.Do(func() {
		lib, blasErr = openblas.Find()
		if blasErr != nil {
			lib = nil
			return
		}
		lib.SetThreads(threadsFromEnv())
	})
}

// ThreadsEnv sets the threads of each OpenBLAS matrix product.
const ThreadsEnv = "BITSWEEP_BLAS_THREADS"

// threadsFromEnv is the thread count of OpenBLAS's products:
// BITSWEEP_BLAS_THREADS, else OPENBLAS_NUM_THREADS, else 1.
//
// One thread by default, because OpenBLAS's sgemm rounds differently with
// different thread counts (measured: a d = 256 point after 600 steps ends
// at loss 0.366776 with one thread and 0.366781 with two), and a point must
// give the same bits on every worker. The cores are filled by training
// several points at once instead (a worker's BITSWEEP_CONCURRENCY and local
// mode's --concurrency default to the number of cores), which never
// oversubscribes them: k points × 1 thread ≤ c cores. More threads per
// product are opt-in, for one point on a large machine; every result
// records its thread count (blas_threads).
func threadsFromEnv() int {
	for _, name := range []string{ThreadsEnv, "OPENBLAS_NUM_THREADS"} {
		if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
			return v
		}
	}
	return 1
}

// Backend returns the name of the BLAS backend in use: "openblas" or
// "gonum". Results are bit-reproducible within one backend (and CPU
// family); the two backends round differently, by float32 rounding
// (TestBackendsAgree).
func Backend() string {
	loadBLAS()
	if lib != nil {
		return "openblas"
	}
	return "gonum"
}

// BLASInfo describes the BLAS in use.
type BLASInfo struct {
	Backend string `json:"backend"`           // "openblas" or "gonum"
	Threads int    `json:"threads"`           // threads per matrix product (1 for gonum)
	Library string `json:"library,omitempty"` // the OpenBLAS loaded
	Config  string `json:"config,omitempty"`  // its build (openblas_get_config)
	// Fallback says why OpenBLAS is not used (not found, or BITSWEEP_BLAS
	// asked for gonum); empty when it is.
	Fallback string `json:"fallback,omitempty"`
}

// BLAS returns the BLAS in use.
func BLAS() BLASInfo {
	loadBLAS()
	if lib == nil {
		i := BLASInfo{Backend: "gonum", Threads: 1}
		if blasErr != nil {
			i.Fallback = blasErr.Error()
		}
		return i
	}
	return BLASInfo{Backend: "openblas", Threads: lib.Threads(), Library: lib.Path, Config: lib.Config()}
}

// BLASError returns an error when BITSWEEP_BLAS names a library that could
// not be loaded: the user asked for it, and silently training several times
// slower would hide the mistake. It is nil when OpenBLAS is loaded, when
// BITSWEEP_BLAS=gonum, and when no OpenBLAS was found without being asked
// for (BLAS().Fallback says so).
func BLASError() error {
	loadBLAS()
	if blasErr == nil || errors.Is(blasErr, openblas.ErrDisabled) || os.Getenv(openblas.Env) == "" {
		return nil
	}
	return blasErr
}

// blasThreads is the thread count recorded in a result.
func blasThreads() int {
	loadBLAS()
	if lib == nil {
		return 1
	}
	return lib.Threads()
}

// gemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices, op(X)
// being X or Xᵀ as ta/tb say. op(A) is m×k, op(B) is k×n, C is m×n.
func gemm(ta, tb bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	loadBLAS()
	if lib != nil {
		lib.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	t := func(x bool) blas.Transpose {
		if x {
			return blas.Trans
		}
		return blas.NoTrans
	}
	blas32.Implementation().Sgemm(t(ta), t(tb), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// useGonum switches to the pure-Go BLAS until the returned function is
// called (tests compare the backends in one process).
func useGonum() (restore func()) {
	loadBLAS()
	saved := lib
	lib = nil
	return func() { lib = saved }
}
