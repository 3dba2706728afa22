// Package integration holds bitsweep's end-to-end tests: real starter and
// worker processes, the embedded Temporal server run as a process, and (when
// BITSWEEP_TEST_S3_ENDPOINT names one) a real MinIO on 127.0.0.1. The
// binaries are built once in TestMain; the first build compiles the
// Temporal server (minutes), later ones come from the build cache.
package integration
