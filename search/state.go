package search

import (
	"fmt"
	"math"
	"sort"
)

// The statuses of a search.
const (
	StatusSearching   = "searching"
	StatusFound       = "found"        // the bracket is no wider than the tolerance
	StatusNoCrossing  = "no-crossing"  // every probe on the same side of the level
	StatusNonMonotone = "non-monotone" // the signs change more than once
	StatusFailed      = "failed"       // a probe has no trained point (every seed failed)
	StatusCancelled   = "cancelled"
)

// Sample is one trained point of a probe: one seed at one value.
type Sample struct {
	Seed      uint64             `json:"seed"`
	PointID   string             `json:"point_id"`
	Loss      float64            `json:"loss"`
	PermScore float64            `json:"perm_score"`
	RowPeak   float64            `json:"row_peak"`
	Converged bool               `json:"converged"`
	Reused    bool               `json:"reused,omitempty"` // the result existed: nothing was trained
	Theory    map[string]float64 `json:"theory,omitempty"` // result.json's theory values
	// Value is the criterion's reading (Criterion.Value), set by Probe.Add.
	Value float64 `json:"value"`
}

// Probe is one value of the variable, trained with every seed.
type Probe struct {
	Value   float64  `json:"value"`
	Round   int      `json:"round"`
	Samples []Sample `json:"samples"`
	// Mean and SE are the criterion over the samples (SE 0 for one seed).
	Mean float64 `json:"mean"`
	SE   float64 `json:"se"`
	// Unconverged counts samples that hit their step budget: a crossing
	// found on saddle points is not the minimizer's.
	Unconverged int `json:"unconverged,omitempty"`
	// Failed counts seeds that could not be trained.
	Failed int `json:"failed,omitempty"`
}

// Add reads a sample with the criterion and adds it to the probe,
// updating Mean and SE.
func (p *Probe) Add(c Criterion, s Sample) error {
	v, err := c.Value(s)
	if err != nil {
		return err
	}
	s.Value = v
	p.Samples = append(p.Samples, s)
	if !s.Converged {
		p.Unconverged++
	}
	n := float64(len(p.Samples))
	var sum float64
	for _, x := range p.Samples {
		sum += x.Value
	}
	p.Mean = sum / n
	p.SE = 0
	if len(p.Samples) > 1 {
		var ss float64
		for _, x := range p.Samples {
			ss += (x.Value - p.Mean) * (x.Value - p.Mean)
		}
		p.SE = math.Sqrt(ss / (n - 1) / n) // standard error of the mean
	}
	return nil
}

// State is the search of one cell: every probe so far and what they say.
// The zero State is not valid; use NewState.
type State struct {
	Settings Settings `json:"settings"`
	K        int      `json:"k"`
	// Round is the number of rounds finished.
	Round int `json:"round"`
	// Probes, sorted by value.
	Probes []Probe `json:"probes"`
	// Lo, Hi is the current bracket: the neighbouring probes where the
	// signs change (the settings' bracket before round 0; the span of the
	// changes when StatusNonMonotone).
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
	// Status is one of the Status constants.
	Status string `json:"status"`
	// Estimate is the crossing, interpolated linearly between the
	// bracket's ends (the middle of the span when StatusNonMonotone); nil
	// when there is none.
	Estimate *float64 `json:"estimate,omitempty"`
	// Reason says why the search stopped, in words.
	Reason string `json:"reason,omitempty"`
}

// NewState starts the search of one cell with k probes per round.
func NewState(s Settings, k int) *State {
	return &State{Settings: s, K: max(1, k), Lo: s.Lo, Hi: s.Hi, Status: StatusSearching}
}

// Done reports whether the search has stopped.
func (st *State) Done() bool { return st.Status != StatusSearching }

// MaxRounds bounds the rounds of a search: the rounds monotone data need,
// plus two (Next returns nothing after it).
func (st *State) MaxRounds() int { return st.Settings.Rounds(st.K) + 2 }

// Next returns the values to probe in the next round, in increasing order:
// the bracket's ends and k values evenly inside it in round 0, k values
// evenly inside the current bracket after. Values are rounded to 1e-6 (so
// that they print and hash the same everywhere) and values already probed
// are left out. Next returns nil once the search is done.
func (st *State) Next() []float64 {
	if st.Done() || st.Round >= st.MaxRounds() {
		return nil
	}
	lo, hi := st.Lo, st.Hi
	var vs []float64
	if st.Round == 0 {
		vs = append(vs, lo)
	}
	for j := 1; j <= st.K; j++ {
		vs = append(vs, lo+float64(j)*(hi-lo)/float64(st.K+1))
	}
	if st.Round == 0 {
		vs = append(vs, hi)
	}
	var out []float64
	for _, v := range vs {
		v = RoundValue(v)
		if !st.probed(v) && (len(out) == 0 || out[len(out)-1] != v) {
			out = append(out, v)
		}
	}
	return out
}

// RoundValue rounds a probe value to 1e-6.
func RoundValue(v float64) float64 { return math.Round(v*1e6) / 1e6 }

func (st *State) probed(v float64) bool {
	for _, p := range st.Probes {
		if p.Value == v {
			return true
		}
	}
	return false
}

// Update adds the probes of a finished round and decides: a narrower
// bracket (still searching), found, no crossing, non-monotone or failed.
func (st *State) Update(probes []Probe) {
	for _, p := range probes {
		p.Round = st.Round
		st.Probes = append(st.Probes, p)
	}
	sort.SliceStable(st.Probes, func(i, j int) bool { return st.Probes[i].Value < st.Probes[j].Value })
	st.Round++
	for _, p := range probes {
		if len(p.Samples) == 0 {
			st.stop(StatusFailed, fmt.Sprintf("no seed of the probe at %s = %g could be trained", st.Settings.Variable, p.Value))
			return
		}
	}
	level := st.Settings.Criterion.Level
	var changes []int // j: the sign changes between probes j and j+1
	for j := 0; j+1 < len(st.Probes); j++ {
		if (st.Probes[j].Mean >= level) != (st.Probes[j+1].Mean >= level) {
			changes = append(changes, j)
		}
	}
	v := st.Settings.Variable
	switch {
	case len(st.Probes) < 2:
		return // wait for the ends
	case len(changes) == 0:
		side := "below"
		if st.Probes[0].Mean >= level {
			side = "above"
		}
		st.Lo, st.Hi = st.Probes[0].Value, st.Probes[len(st.Probes)-1].Value
		st.stop(StatusNoCrossing, fmt.Sprintf("no crossing in the bracket: the %s is %s %g at all %d probes in [%g, %g]",
			st.Settings.Criterion.Metric, side, level, len(st.Probes), st.Lo, st.Hi))
	case len(changes) == 1:
		j := changes[0]
		a, b := st.Probes[j], st.Probes[j+1]
		st.Lo, st.Hi = a.Value, b.Value
		est := interpolate(a, b, level)
		st.Estimate = &est
		if st.Hi-st.Lo <= st.Settings.Tol*(1+1e-9) {
			st.stop(StatusFound, fmt.Sprintf("bracket [%g, %g] within the tolerance %g", st.Lo, st.Hi, st.Settings.Tol))
		} else if st.Round >= st.MaxRounds() {
			st.stop(StatusFound, fmt.Sprintf("bracket [%g, %g] after %d rounds (tolerance %g not reached)", st.Lo, st.Hi, st.Round, st.Settings.Tol))
		}
	default:
		first, last := changes[0], changes[len(changes)-1]
		st.Lo, st.Hi = st.Probes[first].Value, st.Probes[last+1].Value
		mid := RoundValue((st.Lo + st.Hi) / 2)
		st.Estimate = &mid
		st.stop(StatusNonMonotone, fmt.Sprintf("the seed-averaged %s crosses %g %d times between %s = %g and %g: noisy or non-monotone data (more seeds narrow it)",
			st.Settings.Criterion.Metric, level, len(changes), v, st.Lo, st.Hi))
	}
}

// Exhausted stops a search that Next has no new value for (MaxRounds
// reached, or a bracket narrower than the rounding of values): found if it
// has an estimate, otherwise failed.
func (st *State) Exhausted() {
	if st.Done() {
		return
	}
	if st.Estimate != nil {
		st.stop(StatusFound, fmt.Sprintf("bracket [%g, %g] after %d rounds: no new value to probe (tolerance %g not reached)", st.Lo, st.Hi, st.Round, st.Settings.Tol))
		return
	}
	st.stop(StatusFailed, fmt.Sprintf("no crossing decided after %d rounds", st.Round))
}

// Cancel marks the search cancelled.
func (st *State) Cancel() { st.stop(StatusCancelled, "cancelled") }

func (st *State) stop(status, reason string) { st.Status, st.Reason = status, reason }

// interpolate returns where the line through (a.Value, a.Mean) and
// (b.Value, b.Mean) meets level (a.Mean and b.Mean are on either side).
func interpolate(a, b Probe, level float64) float64 {
	if b.Mean == a.Mean {
		return RoundValue((a.Value + b.Value) / 2)
	}
	t := (level - a.Mean) / (b.Mean - a.Mean)
	t = min(1, max(0, t))
	return RoundValue(a.Value + t*(b.Value-a.Value))
}

// Points returns the samples of every probe (trained or reused) and the
// failed seeds.
func (st *State) Points() (samples, failed int) {
	for _, p := range st.Probes {
		samples += len(p.Samples)
		failed += p.Failed
	}
	return samples, failed
}
