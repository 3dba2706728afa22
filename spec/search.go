package spec

import (
	"fmt"
)

// Cells returns the number of cells of the spec: its grid combinations,
// exclusions included (see CellExcluded), in the order of At (the axes as
// written, the last fastest); 1 without grid axes. A search locates its
// crossing in each cell separately. For a grid spec it is Total()/len(Seeds).
func (s *Spec) Cells() int { return s.combinations() }

// CellExcluded reports whether an exclusion drops cell c (0 ≤ c < Cells()):
// a search skips it, as a grid sweep skips its points. It panics when c is
// out of range.
func (s *Spec) CellExcluded(c int) bool { return s.excludedAt(s.cellIndex(c)) }

// CellParams returns the grid values of cell c (0 ≤ c < Cells()): axis name
// → value, with the Go types of Axis.Values (float64, int, string or bool).
// The map is new on every call and empty without grid axes. It panics when
// c is out of range.
func (s *Spec) CellParams(c int) map[string]any {
	idx := s.cellIndex(c)
	m := make(map[string]any, len(s.Axes))
	for k, a := range s.Axes {
		m[a.Name] = a.Values[idx[k]]
	}
	return m
}

// Probe returns the point of cell c (0 ≤ c < Cells()) with the search
// variable set to value and the seed seed. Its Config is resolved exactly
// as At resolves a grid point (Fixed, the cell's axis values, the variable,
// Seed, then Defaults), and its ID is PointID(Config): a probe is an
// ordinary point, with the ID (and so the stored result) of the grid point
// with the same parameters. Index is c, the cell.
//
// For a cell that no exclusion drops and a value in [Search.Lo, Search.Hi],
// the Config of a parsed Spec passes train.Config.Validate (Parse checks
// both ends). Probe panics when the spec has no search, when c is out of
// range or when value is NaN or ±Inf.
func (s *Spec) Probe(c int, value float64, seed uint64) Point {
	if s.Search == nil {
		panic("spec: Probe on a spec without a search: block")
	}
	cfg := s.combo(s.cellIndex(c))
	if err := setParam(&cfg, s.Search.Variable, value); err != nil {
		panic(err)
	}
	return resolve(c, cfg, seed)
}

// cellIndex returns the axis value indexes of cell c (mixed radix, the last
// axis fastest). It panics when c is out of range.
func (s *Spec) cellIndex(c int) []int {
	n := s.Cells()
	if c < 0 || c >= n {
		panic(fmt.Sprintf("spec: cell %d out of range [0, %d)", c, n))
	}
	idx := make([]int, len(s.Axes))
	for k := len(s.Axes) - 1; k >= 0; k-- {
		l := len(s.Axes[k].Values)
		idx[k] = c % l
		c /= l
	}
	return idx
}
