package search

import (
	"fmt"
	"math"
)

// Variables a search may move.
var Variables = []string{"sparsity", "rate"}

// Metrics a criterion may read from a trained point.
var Metrics = []string{"perm_score", "loss", "row_peak"}

// Curves are the theory curves a "between" criterion may name (the keys of
// result.json's theory).
var Curves = []string{"gauss", "identity", "denoiser", "fixed_point"}

// Settings are a search: block of a spec.
type Settings struct {
	// Variable is the parameter searched over: "sparsity" or "rate".
	Variable string `json:"variable"`
	// Lo < Hi is the bracket.
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
	// Criterion is what crosses what.
	Criterion Criterion `json:"criterion"`
	// Tol is the tolerance on the variable: the search stops when the
	// bracket is no wider (0 < Tol < Hi − Lo).
	Tol float64 `json:"tolerance"`
	// Probes is k, the values trained per round (each with every seed);
	// 0 chooses it from the window (Probes).
	Probes int `json:"probes,omitempty"`
}

// MaxProbes bounds k (a round of more probes gains little: the bracket
// shrinks by k + 1 per round, the points by k).
const MaxProbes = 16

// Validate returns an error naming the first bad field, or nil.
func (s Settings) Validate() error {
	if !contains(Variables, s.Variable) {
		return fmt.Errorf("variable %q: must be one of %v", s.Variable, Variables)
	}
	if !(s.Lo < s.Hi) || math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0) {
		return fmt.Errorf("bracket [%g, %g]: want lo < hi", s.Lo, s.Hi)
	}
	if !(s.Tol > 0 && s.Tol < s.Hi-s.Lo) {
		return fmt.Errorf("tolerance %g: must be > 0 and below the bracket's width %g", s.Tol, s.Hi-s.Lo)
	}
	if s.Probes < 0 || s.Probes > MaxProbes {
		return fmt.Errorf("probes %d: must be between 1 and %d (or omitted)", s.Probes, MaxProbes)
	}
	return s.Criterion.Validate()
}

// K returns the probes per round: Probes if set, otherwise the window's
// share of each of the cells searched at once, divided among the seeds, so
// that a round fills the workers' free slots (at least 1, at most
// MaxProbes).
func (s Settings) K(window, seeds, parallelCells int) int {
	if s.Probes > 0 {
		return s.Probes
	}
	k := window / max(1, seeds*parallelCells)
	return min(MaxProbes, max(1, k))
}

// Rounds returns the number of rounds k-section takes to shrink the bracket
// to Tol (round 0 included) when the data are monotone with one crossing.
func (s Settings) Rounds(k int) int {
	w, n := s.Hi-s.Lo, 0
	for w > s.Tol*(1+1e-9) {
		w /= float64(k + 1)
		n++
	}
	return max(1, n)
}

// GridValues is the number of values a grid over the bracket at the
// resolution Tol needs: what a grid sweep of the same resolution trains
// per seed and cell.
func (s Settings) GridValues() int {
	return int(math.Ceil((s.Hi-s.Lo)/s.Tol*(1-1e-9))) + 1
}

// Criterion says when a probe is above the crossing.
type Criterion struct {
	// Metric is read from each trained point: perm_score, loss or
	// row_peak.
	Metric string `json:"metric"`
	// Level is the value the seed-averaged metric crosses. With Between,
	// it is the fraction of the way from the curve Between[0] to
	// Between[1] (default 0.5, the midpoint).
	Level float64 `json:"level"`
	// Between names two theory curves (Curves); empty for an absolute
	// level. Only with Metric loss.
	Between []string `json:"between,omitempty"`
}

// Validate returns an error naming the first bad field, or nil.
func (c Criterion) Validate() error {
	if !contains(Metrics, c.Metric) {
		return fmt.Errorf("metric %q: must be one of %v", c.Metric, Metrics)
	}
	if math.IsNaN(c.Level) || math.IsInf(c.Level, 0) {
		return fmt.Errorf("level %g: must be a finite number", c.Level)
	}
	if c.Between != nil {
		if c.Metric != "loss" {
			return fmt.Errorf("between %v: only with metric loss, not %s", c.Between, c.Metric)
		}
		if len(c.Between) != 2 || c.Between[0] == c.Between[1] {
			return fmt.Errorf("between %v: want two different theory curves of %v", c.Between, Curves)
		}
		for _, b := range c.Between {
			if !contains(Curves, b) {
				return fmt.Errorf("between %q: must be one of %v", b, Curves)
			}
		}
		if !(c.Level > 0 && c.Level < 1) {
			return fmt.Errorf("level %g: with between it is a fraction of the way, in (0, 1)", c.Level)
		}
	}
	return nil
}

// String describes the criterion, e.g. "perm_score = 0.5" or
// "loss at 0.5 of the way from gauss to identity".
func (c Criterion) String() string {
	if len(c.Between) == 2 {
		return fmt.Sprintf("loss at %g of the way from %s to %s", c.Level, c.Between[0], c.Between[1])
	}
	return fmt.Sprintf("%s = %g", c.Metric, c.Level)
}

// Value is the criterion's reading of one trained point: the metric, or,
// with Between, the fraction (loss − T₀)/(T₁ − T₀) of the way from curve
// T₀ to T₁, clamped to [0, 1]. The clamp matters where the two curves meet
// (T₁ − T₀ → 0, e.g. R_Gauss and the identity loss at p*): a point there is
// on one branch or the other, and an unclamped fraction would let one seed's
// large ratio outweigh the others in the mean. It returns an error when a
// curve is missing from the point's theory.
func (c Criterion) Value(s Sample) (float64, error) {
	switch c.Metric {
	case "perm_score":
		return s.PermScore, nil
	case "row_peak":
		return s.RowPeak, nil
	}
	if len(c.Between) != 2 {
		return s.Loss, nil
	}
	t0, ok0 := s.Theory[c.Between[0]]
	t1, ok1 := s.Theory[c.Between[1]]
	if !ok0 || !ok1 {
		return 0, fmt.Errorf("point %s has no theory value %q or %q for the criterion %s", s.PointID, c.Between[0], c.Between[1], c)
	}
	if t1 == t0 {
		return 0.5, nil // the curves meet: either branch
	}
	f := (s.Loss - t0) / (t1 - t0)
	return min(1, max(0, f)), nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
