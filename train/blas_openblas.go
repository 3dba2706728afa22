//go:build openblas

package train

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/netlib/blas/netlib"
)

// With -tags openblas (and CGO_LDFLAGS=-lopenblas) the matrix products run
// on OpenBLAS through gonum's netlib cgo bindings: several times faster
// than the pure-Go BLAS (see docs/TRAINING.md for the measurements).
func init() {
	blas32.Use(netlib.Implementation{})
	backend = "openblas"
}
