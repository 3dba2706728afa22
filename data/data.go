package data

import (
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// Source generates i.i.d. training samples and a fixed held-out set. All
// sources are normalised so E x_i² = 1 (images: mean square per coordinate
// over the training split = 1 after centring).
//
// A Source is immutable after New and safe for concurrent use.
type Source interface {
	// Name returns the canonical spec string, e.g. "bernoulli-gaussian" or
	// "idx:/path"; New(Options{Source: s.Name(), …}) rebuilds the source.
	Name() string
	// Dim returns the dimension d of one sample.
	Dim() int
	// Batch fills dst (len = rows·Dim(), row-major) with training samples.
	// It is a pure function of (seed, step, rows): the same arguments give
	// bit-identical output on any machine, whatever GOMAXPROCS is, and the
	// first k rows do not depend on rows ≥ k (a longer batch extends a
	// shorter one). It panics if len(dst) is not a multiple of Dim().
	Batch(seed uint64, step int64, dst []float32)
	// Heldout returns n held-out samples (row-major, len rows·Dim()), a pure
	// function of (seed, n) drawn from streams that no Batch call uses.
	// Synthetic sources return rows = n; image sources return the first
	// min(n, test-split size) test records. n ≤ 0 gives no rows.
	Heldout(seed uint64, n int) (x []float32, rows int)
}

// Options selects and configures a Source.
type Options struct {
	// Source is "gaussian", "bernoulli-gaussian", "sparse-rademacher",
	// "idx:PATH" or "cifar10:PATH".
	Source string
	// Dim is the sample dimension d. Synthetic sources require d ≥ 1. Image
	// sources take it from the files: Dim must be 0 or equal to it.
	Dim int
	// Sparsity is p ∈ (0, 1]. Synthetic sparse sources: the probability that
	// a coordinate is non-zero (required). Images: the keep probability of a
	// Bernoulli(p) mask (1 = no mask). 0 means "unset": it is an error for
	// bernoulli-gaussian and sparse-rademacher and means 1 otherwise. The
	// gaussian source accepts only 0 or 1.
	Sparsity float64
}

// sourceKinds lists the accepted spellings, for error messages.
const sourceKinds = "gaussian, bernoulli-gaussian, sparse-rademacher, idx:PATH, cifar10:PATH"

// New builds the Source described by o. Image sources read and preprocess
// their files here (see the package documentation); every later call is in
// memory.
func New(o Options) (Source, error) {
	kind, path, hasPath := strings.Cut(o.Source, ":")
	switch kind {
	case "gaussian", "bernoulli-gaussian", "sparse-rademacher":
		if hasPath {
			return nil, fmt.Errorf("source %q: unknown source (want %s)", o.Source, sourceKinds)
		}
		return newSynthetic(kind, o)
	case "idx", "cifar10":
		if !hasPath {
			return nil, fmt.Errorf("source %q: unknown source (want %s)", o.Source, sourceKinds)
		}
		if path == "" {
			return nil, fmt.Errorf("source %q: empty path (want %s:PATH)", o.Source, kind)
		}
		p, err := checkSparsity(o, 1)
		if err != nil {
			return nil, err
		}
		name := kind + ":" + filepath.Clean(path)
		var train, test images
		if kind == "idx" {
			train, test, err = loadIDX(path)
		} else {
			train, test, err = loadCIFAR(path)
		}
		if err != nil {
			return nil, fmt.Errorf("source %q: %w", o.Source, err)
		}
		if o.Dim != 0 && o.Dim != train.d {
			return nil, fmt.Errorf("source %q: dim %d does not match the file's dimension %d (use 0 or %d)", o.Source, o.Dim, train.d, train.d)
		}
		src, err := newImageSource(name, train, test, p)
		if err != nil {
			return nil, fmt.Errorf("source %q: %w", o.Source, err)
		}
		return src, nil
	default:
		return nil, fmt.Errorf("source %q: unknown source (want %s)", o.Source, sourceKinds)
	}
}

// checkSparsity validates o.Sparsity and returns p, with 0 replaced by def
// (def = 0 means the value is required).
func checkSparsity(o Options, def float64) (float64, error) {
	p := o.Sparsity
	if math.IsNaN(p) || p < 0 || p > 1 {
		return 0, fmt.Errorf("source %q: sparsity %v: must be in (0, 1]", o.Source, p)
	}
	if p == 0 {
		if def == 0 {
			return 0, fmt.Errorf("source %q: sparsity 0: must be in (0, 1] (the probability that a coordinate is non-zero; required for this source)", o.Source)
		}
		return def, nil
	}
	return p, nil
}

// parallelChunks calls fill(chunk, lo, hi) for every chunk of chunkRows rows
// of a rows-row output, chunk c covering rows [c·chunkRows, min((c+1)·chunkRows, rows)).
// Chunks run on at most GOMAXPROCS goroutines; since each chunk owns its
// random stream and its output rows, the result does not depend on the
// schedule.
func parallelChunks(rows int, fill func(chunk, lo, hi int)) {
	nChunks := (rows + chunkRows - 1) / chunkRows
	workers := min(runtime.GOMAXPROCS(0), nChunks)
	run := func(next *atomic.Int64) {
		for {
			c := int(next.Add(1) - 1)
			if c >= nChunks {
				return
			}
			fill(c, c*chunkRows, min((c+1)*chunkRows, rows))
		}
	}
	var next atomic.Int64
	if workers <= 1 {
		run(&next)
		return
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(func() { run(&next) })
	}
	run(&next)
	wg.Wait()
}

// batchRows returns len(dst)/d, panicking if dst is not whole rows.
func batchRows(name string, d int, dst []float32) int {
	if len(dst)%d != 0 {
		panic(fmt.Sprintf("data: %s: Batch: len(dst) = %d is not a multiple of Dim() = %d", name, len(dst), d))
	}
	return len(dst) / d
}
