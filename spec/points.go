package spec

import (
	"fmt"

	"github.com/bitsweep/bitsweep/train"
)

// Point is one sweep point.
type Point struct {
	// Index is the point's position in the full order, exclusions
	// included: combination c (axes in file order, last axis fastest) and
	// seed j give Index = c·len(Seeds) + j.
	Index int
	// Config is fully resolved: Defaults applied and Seed set.
	Config train.Config
	// ID is PointID(Config).
	ID string
}

// exclusion is an Exclude entry as (axis index, value index) terms; a
// combination is excluded when it matches every term of some exclusion.
type exclusion []exclTerm

type exclTerm struct{ axis, value int }

// combinations is the number of grid combinations (the product of the
// axis lengths).
func (s *Spec) combinations() int {
	n := 1
	for _, a := range s.Axes {
		n *= len(a.Values)
	}
	return n
}

// Total is the number of points before exclusions: the number of grid
// combinations times the number of seeds. For a parsed Spec it fits an int
// (at most MaxCombinations × MaxPoints).
//
// For a search spec (Search != nil), Total, At and Points keep this grid
// meaning: the grid's combinations (the cells) × the seeds, with the search
// variable left unset (at its default, or 0 for rate). Those are not the
// points a search trains, and with rate searched they do not even pass
// train.Config.Validate: callers check Search first, and use Cells,
// CellExcluded and Probe.
func (s *Spec) Total() int { return s.combinations() * len(s.Seeds) }

// At returns point i of the full order (0 ≤ i < Total()) and whether an
// exclusion drops it. It is computed by mixed-radix indexing, without
// expanding any other point. It panics when i is out of range, or when a
// Spec not made by Parse holds an unknown parameter or a value of the wrong
// type.
func (s *Spec) At(i int) (p Point, excluded bool) {
	total := s.Total()
	if i < 0 || i >= total {
		panic(fmt.Sprintf("spec: At(%d) out of range [0, %d)", i, total))
	}
	ns := len(s.Seeds)
	idx := make([]int, len(s.Axes))
	c := i / ns
	for k := len(s.Axes) - 1; k >= 0; k-- {
		n := len(s.Axes[k].Values)
		idx[k] = c % n
		c /= n
	}
	return s.point(i, idx, s.Seeds[i%ns]), s.excludedAt(idx)
}

// Points returns every point that no exclusion drops, in order (increasing
// Index). It costs one Config and one PointID per point; use At to compute
// points one at a time.
func (s *Spec) Points() []Point {
	ns := len(s.Seeds)
	if ns == 0 {
		return nil
	}
	lens := make([]int, len(s.Axes))
	for k, a := range s.Axes {
		lens[k] = len(a.Values)
	}
	var pts []Point
	forEachCombo(lens, s.exclusions(), func(c int, idx []int) bool {
		for j, seed := range s.Seeds {
			pts = append(pts, s.point(c*ns+j, idx, seed))
		}
		return true
	})
	return pts
}

// point builds point i from the axis value indexes and the seed.
func (s *Spec) point(i int, idx []int, seed uint64) Point {
	return resolve(i, s.combo(idx), seed)
}

// combo returns the fixed part with the axis values of indexes idx set
// (not yet defaulted).
func (s *Spec) combo(idx []int) train.Config {
	c := s.Fixed
	for k, a := range s.Axes {
		if err := setParam(&c, a.Name, a.Values[idx[k]]); err != nil {
			panic(err)
		}
	}
	return c
}

// resolve sets the seed of c, applies Defaults and returns the point with
// index i.
func resolve(i int, c train.Config, seed uint64) Point {
	c.Seed = seed
	c = c.Defaults()
	return Point{Index: i, Config: c, ID: PointID(c)}
}

// excludedAt reports whether some Exclude entry matches the combination
// with axis value indexes idx, comparing values directly.
func (s *Spec) excludedAt(idx []int) bool {
entries:
	for _, e := range s.Exclude {
		for name, v := range e {
			k := s.axisIndex(name)
			if k < 0 || !sameValue(s.Axes[k].Values[idx[k]], v) {
				continue entries
			}
		}
		return true
	}
	return false
}

// exclusions converts Exclude to index form. Entries that can match
// nothing (a key that is not an axis, a value not on its axis) are left
// out.
func (s *Spec) exclusions() []exclusion {
	var out []exclusion
entries:
	for _, e := range s.Exclude {
		terms := make(exclusion, 0, len(e))
		for name, v := range e {
			k := s.axisIndex(name)
			if k < 0 {
				continue entries
			}
			j := -1
			for jj, av := range s.Axes[k].Values {
				if sameValue(av, v) {
					j = jj
					break
				}
			}
			if j < 0 {
				continue entries
			}
			terms = append(terms, exclTerm{k, j})
		}
		out = append(out, terms)
	}
	return out
}

func (s *Spec) axisIndex(name string) int {
	for k, a := range s.Axes {
		if a.Name == name {
			return k
		}
	}
	return -1
}

// sameValue compares two parameter values (float64, int, string or bool);
// values of different types, or of other types, are never equal.
func sameValue(a, b any) bool {
	switch a := a.(type) {
	case float64:
		b, ok := b.(float64)
		return ok && a == b
	case int:
		b, ok := b.(int)
		return ok && a == b
	case string:
		b, ok := b.(string)
		return ok && a == b
	case bool:
		b, ok := b.(bool)
		return ok && a == b
	}
	return false
}

// forEachCombo calls fn for every combination of axis value indexes
// (lens[k] values on axis k) that no exclusion matches, in order (last
// axis fastest), with its combination number c; fn returns false to stop.
// idx is reused between calls. Contract: every len > 0.
func forEachCombo(lens []int, excl []exclusion, fn func(c int, idx []int) bool) {
	n := 1
	for _, l := range lens {
		n *= l
	}
	x := newExclIndex(lens, excl)
	idx := make([]int, len(lens))
	for c := range n {
		if c > 0 { // advance the odometer
			for k := len(idx) - 1; k >= 0; k-- {
				idx[k]++
				if idx[k] < lens[k] {
					break
				}
				idx[k] = 0
			}
		}
		if x.matches(idx) {
			continue
		}
		if !fn(c, idx) {
			return
		}
	}
}

// matches reports whether some exclusion matches idx.
func matches(excl []exclusion, idx []int) bool {
next:
	for _, e := range excl {
		for _, t := range e {
			if idx[t.axis] != t.value {
				continue next
			}
		}
		return true
	}
	return false
}

// exclIndex answers matches without trying every exclusion on every
// combination: each exclusion is filed under one of its terms (axis k,
// value j), and a combination tries only the exclusions filed under the
// values it has, len(lens) buckets. With exclusions spread over the values
// of an axis (the usual case: one entry per value to drop), a combination
// tries one or two exclusions instead of all of them.
type exclIndex struct {
	byTerm [][][]exclusion // [axis][value]: the exclusions filed there; nil for an axis without any
	always bool            // an exclusion without terms matches everything
}

// newExclIndex files each exclusion under the term whose bucket it makes
// the cheapest, a bucket on axis k being tried by 1/lens[k] of the
// combinations. Contract: the terms are within lens.
func newExclIndex(lens []int, excl []exclusion) *exclIndex {
	x := &exclIndex{byTerm: make([][][]exclusion, len(lens))}
	for _, e := range excl {
		if len(e) == 0 {
			x.always = true
			continue
		}
		best, bestCost := e[0], 0.0
		for i, t := range e {
			size := 0
			if b := x.byTerm[t.axis]; b != nil {
				size = len(b[t.value])
			}
			if cost := float64(size+1) / float64(lens[t.axis]); i == 0 || cost < bestCost {
				best, bestCost = t, cost
			}
		}
		if x.byTerm[best.axis] == nil {
			x.byTerm[best.axis] = make([][]exclusion, lens[best.axis])
		}
		x.byTerm[best.axis][best.value] = append(x.byTerm[best.axis][best.value], e)
	}
	return x
}

// matches reports whether some exclusion matches idx (as the function
// matches does).
func (x *exclIndex) matches(idx []int) bool {
	if x.always {
		return true
	}
	for k, b := range x.byTerm {
		if b == nil {
			continue
		}
		if matches(b[idx[k]], idx) {
			return true
		}
	}
	return false
}
