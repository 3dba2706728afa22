package search

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/bitsweep/bitsweep/theory"
)

// Cell is the record of the search of one cell (one combination of the
// spec's grid axes): what the search found and every probe it used. It is
// stored as sweeps/<name>/search/cell-NNNNNN.json (results.SearchCellKey)
// after every round, and read by the report.
type Cell struct {
	Sweep string `json:"sweep"`
	Index int    `json:"cell"`
	// Params are the cell's grid values (axis name → value) and the
	// source, arch, d and rate (or sparsity) that define the theory.
	Params map[string]any `json:"params"`
	State
	// Seeds per probe.
	Seeds int `json:"seeds"`
	// Trained and Reused count the samples trained by this search and
	// the ones whose result already existed.
	Trained int `json:"trained"`
	Reused  int `json:"reused"`
	// GridPoints is what a grid over the bracket at the resolution of the
	// tolerance trains in this cell (GridValues × seeds).
	GridPoints int `json:"grid_points"`
	// Theory are the predicted crossings (TheoryCrossings).
	Theory map[string]float64 `json:"theory,omitempty"`
	// Started is when the cell's search began (workflow time); Seconds
	// is the wall time from then to its last round.
	Started time.Time `json:"started"`
	Seconds float64   `json:"seconds"`
}

// Label is the cell's parameters as "d=64 rate=1", sorted by name.
func (c *Cell) Label() string {
	keys := make([]string, 0, len(c.Params))
	for k := range c.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%v", k, c.Params[k]))
	}
	return strings.Join(parts, " ")
}

// TheoryCrossings returns the predicted crossings of a search over the
// variable for a source and architecture: for sparse Rademacher data and
// the linear decoder searched over sparsity, the critical sparsity with
// sign(0) = +1, p* = 2 − π/2 ≈ 0.429 ("plus-one"), and with a random
// tie-break, 2/π ≈ 0.637 ("random") (theory.CriticalSparsity; science.md §6).
// Bernoulli–Gaussian and Gaussian data have none: the minimizer is a random
// rotation at every p (science.md §4.2), and the map is empty.
func TheoryCrossings(source, arch, variable string) map[string]float64 {
	if source == theory.SourceSparseRademacher && arch == "linear" && variable == "sparsity" {
		return map[string]float64{
			theory.TieBreakPlusOne: theory.CriticalSparsity(theory.TieBreakPlusOne),
			theory.TieBreakRandom:  theory.CriticalSparsity(theory.TieBreakRandom),
		}
	}
	return nil
}
