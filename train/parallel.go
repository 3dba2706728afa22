package train

import (
	"runtime"
	"sync"
)

// chunkRows is the fixed number of rows one goroutine handles in the
// elementwise passes. Partial sums are kept per chunk and added in chunk
// order, so a reduction gives the same bits whatever GOMAXPROCS is.
const chunkRows = 32

// forRows runs fn over [0, rows) in chunks of chunkRows rows, in parallel.
// fn receives the chunk index and its row range.
func forRows(rows int, fn func(chunk, lo, hi int)) { forChunks(rows, chunkRows, fn) }

// forChunks runs fn over [0, total) in chunks of size, in parallel.
func forChunks(total, size int, fn func(chunk, lo, hi int)) {
	chunkRows := size
	chunks := (total + chunkRows - 1) / chunkRows
	rows := total
	workers := min(runtime.GOMAXPROCS(0), chunks)
	if workers <= 1 {
		for c := 0; c < chunks; c++ {
			fn(c, c*chunkRows, min(rows, (c+1)*chunkRows))
		}
		return
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				c := next
				next++
				mu.Unlock()
				if c >= chunks {
					return
				}
				fn(c, c*chunkRows, min(rows, (c+1)*chunkRows))
			}
		}()
	}
	wg.Wait()
}

// reducer accumulates k float64 sums per chunk; Sum adds the chunks in
// order, which makes the result independent of scheduling.
type reducer struct {
	k    int
	part []float64
}

func newReducer(rows, k int) *reducer {
	chunks := (rows + chunkRows - 1) / chunkRows
	return &reducer{k: k, part: make([]float64, chunks*k)}
}

func (r *reducer) reset() { clear(r.part) }

// at returns the k partial sums of one chunk.
func (r *reducer) at(chunk int) []float64 { return r.part[chunk*r.k : (chunk+1)*r.k] }

// sum returns the k totals.
func (r *reducer) sum() []float64 {
	out := make([]float64, r.k)
	for c := 0; c*r.k < len(r.part); c++ {
		for j, v := range r.at(c) {
			out[j] += v
		}
	}
	return out
}
