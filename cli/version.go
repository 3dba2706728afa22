package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/bitsweep/bitsweep/train"
)

// runVersion prints the trainer version, the Go toolchain and the BLAS the
// training core uses (and why, when it falls back to gonum).
func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", stderr)
	asJSON := fs.Bool("json", false, "machine-readable output")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	info := struct {
		Trainer string         `json:"trainer_version"`
		Go      string         `json:"go"`
		Module  string         `json:"module,omitempty"`
		CPUs    int            `json:"cpus"`
		BLAS    train.BLASInfo `json:"blas"`
		Kernels string         `json:"kernels"` // the elementwise kernels: avx2 or go (the same bits)
	}{Trainer: train.Version, Go: runtime.Version(), CPUs: runtime.NumCPU(), BLAS: train.BLAS(), Kernels: train.Kernels()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		info.Module = bi.Main.Version
	}
	if err := train.BLASError(); err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(info)
	}
	fmt.Fprintf(stdout, "bitsweep %s (trainer %s, %s, %d CPUs)\n", info.Module, info.Trainer, info.Go, info.CPUs)
	b := info.BLAS
	if b.Backend == "openblas" {
		fmt.Fprintf(stdout, "BLAS: openblas, %d threads per product, %s (%s)\n", b.Threads, b.Library, b.Config)
	} else {
		fmt.Fprintf(stdout, "BLAS: gonum (pure Go): %s\n", b.Fallback)
	}
	fmt.Fprintf(stdout, "elementwise kernels: %s\n", info.Kernels)
	return nil
}
