// Package openblas loads OpenBLAS at run time, without cgo, and exposes the
// one routine the training core needs: single-precision matrix products
// (cblas_sgemm), plus the library's thread control.
//
// It calls the C library through github.com/ebitengine/purego, so the
// default build — plain go build, CGO_ENABLED=0 included — uses OpenBLAS
// whenever the shared library is on the machine, and the training core falls
// back to gonum's pure-Go BLAS otherwise (train.Backend says which).
//
// Where it looks (Find): the path in BITSWEEP_BLAS if it is one; then
// libopenblas.so.0 and libopenblas.so through the dynamic loader's search
// path; then the usual locations of Debian and Ubuntu (x86-64 and arm64),
// RHEL and Fedora (/usr/lib64, including the pthread build libopenblasp)
// and Homebrew (macOS, Apple silicon and Intel). BITSWEEP_BLAS=gonum skips
// the search.
package openblas
