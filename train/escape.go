package train

import (
	"math"
	"sort"
)

// Escaping the rotation plateau (Config.Escape = "probe").
//
// On sparse Rademacher data above the critical sparsity the permutation
// encoder beats the rotation (science.md §4.3, §6), yet gradient descent
// from a random start first settles on the rotation, a saddle it leaves
// slowly: the rotation's loss depends on the rows' fourth moment Σⱼ B̃ᵢⱼ⁴
// only at order 1/d (derived: the Edgeworth correction to E|b·x| is
// −√(2/π)·κ₄Σⱼbⱼ⁴/24 with κ₄ = E x⁴ − 3 = 1/p − 3 for sparse Rademacher), so
// the unstable direction grows like ḃ ∝ b³ from entries of size 1/√d and
// the escape takes a number of steps that grows faster than d (measured:
// ≈ 1,700 steps at d = 128 and ≈ 5,500 at d = 256 with Adam at lr 0.01,
// none within 8,000 at larger rates, where the minibatch noise wins;
// docs/TRAINING.md). A larger rate cannot close that gap.
//
// The probe instead restarts gradient descent, after the main trajectory's
// first plateau and anneal, from that encoder pulled halfway towards its
// nearest signed permutation, B̃' ∝ ½B̃ + ½Π, with fresh optimiser moments,
// trains it to its own plateau and anneals it, and keeps it only if its
// held-out loss is then lower by more than two paired standard errors and
// by more than the convergence tolerance (compareProbe); the kept
// trajectory goes on until it has converged (converge.go). Gradient descent decides what the probe
// becomes: on Bernoulli–Gaussian data and on sparse Rademacher data below
// p* it flows back to a rotation (measured: perm_score 1 → 0.016 on BG
// p = 0.2, d = 256), so the probe cannot invent structure the loss does not
// reward.
//
// Rounding: the straight-through gradient cannot see that an axis-aligned
// row codes a zero input as sign(0) = +1, which beats the random sign a
// slightly tilted row gives it (science.md §4.3: (1−p)/(2−p) against 1 − p
// per coordinate); trained permutation rows therefore stay a little
// tilted (loss 0.244 against 0.231 at p = 0.7, d = 256). After the probe,
// every row of the linear encoder whose largest entry carries more than
// half its mass is replaced by that signed axis (distinct axes, largest
// first), the decoder refitted by least squares, and the result kept if
// the paired test prefers it. Rotation rows have entries of size ≈ 1/√d and
// are never touched.

// probeBlend is the weight of the nearest signed permutation in the probe's
// starting encoder. 0.5 reached the permutation as fast as 1 did at d = 256
// (p = 0.9: 500 steps) while leaving gradient descent a start it can leave
// (docs/TRAINING.md).
const probeBlend = 0.5

// Escape reports what the probe and the rounding did.
type Escape struct {
	ProbeStep int     `json:"probe_step"` // step at which the probe started
	BaseLoss  float64 `json:"base_loss"`  // annealed main phase, curve rows
	ProbeLoss float64 `json:"probe_loss"` // annealed probe, curve rows
	// Gain = BaseLoss − ProbeLoss and its standard error from the paired
	// per-sample differences; the probe is kept if Gain > 2·GainSE.
	Gain       float64 `json:"gain"`
	GainSE     float64 `json:"gain_se"`
	ProbeKept  bool    `json:"probe_kept"`
	Rounded    int     `json:"rounded_rows"` // rows rounded to their axis (0: none qualified)
	RoundGain  float64 `json:"round_gain,omitempty"`
	RoundSE    float64 `json:"round_gain_se,omitempty"`
	RoundKept  bool    `json:"round_kept"`
	ProbeSteps int     `json:"probe_steps"` // steps spent in the probe and its anneal
}

// signedMatching returns, for each row of b (n×d), the column of its
// entry in a greedy matching of rows to distinct columns by decreasing
// |b_ij| (−1 for rows left unmatched, when n > d or when eligible says no),
// and that entry's sign. eligible, if not nil, filters the rows. Ties are
// broken by row, then column, so the matching is deterministic.
func signedMatching(b []float32, n, d int, eligible func(i int) bool) (col []int, sign []float32) {
	type entry struct {
		v    float32
		i, j int
	}
	es := make([]entry, 0, n*d)
	for i := 0; i < n; i++ {
		if eligible != nil && !eligible(i) {
			continue
		}
		for j := 0; j < d; j++ {
			es = append(es, entry{float32(math.Abs(float64(b[i*d+j]))), i, j})
		}
	}
	sort.Slice(es, func(a, c int) bool {
		if es[a].v != es[c].v {
			return es[a].v > es[c].v
		}
		if es[a].i != es[c].i {
			return es[a].i < es[c].i
		}
		return es[a].j < es[c].j
	})
	col, sign = make([]int, n), make([]float32, n)
	for i := range col {
		col[i] = -1
	}
	used := make([]bool, d)
	left := n
	for _, e := range es {
		if left == 0 {
			break
		}
		if col[e.i] >= 0 || used[e.j] {
			continue
		}
		col[e.i], used[e.j] = e.j, true
		sign[e.i] = 1
		if b[e.i*d+e.j] < 0 {
			sign[e.i] = -1
		}
		left--
	}
	return col, sign
}

// perturbTowardsPermutation sets B̃ ∝ (1−α)·B̃ + α·Π row by row, Π the nearest
// signed (partial) permutation of signedMatching, and re-initialises A to
// √(2/π)·B̃ᵀ as at the start (science.md §4.1).
func (m *model) perturbTowardsPermutation(alpha float32) {
	n, d := m.n, m.d
	col, sign := signedMatching(m.B, n, d, nil)
	for i := 0; i < n; i++ {
		row := m.B[i*d : (i+1)*d]
		for j := range row {
			row[j] *= 1 - alpha
		}
		if col[i] >= 0 {
			row[col[i]] += alpha * sign[i]
		}
	}
	normaliseRows(m.B, n, d)
	c := float32(math.Sqrt(2 / math.Pi))
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			m.A[j*n+i] = c * m.B[i*d+j]
		}
	}
}

// roundAxisRows replaces every row of B̃ whose largest entry squared
// exceeds 1/2 by that signed axis (distinct axes, largest entries first)
// and returns how many rows it changed.
func (m *model) roundAxisRows() int {
	n, d := m.n, m.d
	peak := func(i int) float32 {
		var best float32
		for _, v := range m.B[i*d : (i+1)*d] {
			best = max(best, v*v)
		}
		return best
	}
	col, sign := signedMatching(m.B, n, d, func(i int) bool { return peak(i) > 0.5 })
	k := 0
	for i := 0; i < n; i++ {
		if col[i] < 0 || m.B[i*d+col[i]]*m.B[i*d+col[i]] <= 0.5 {
			continue
		}
		row := m.B[i*d : (i+1)*d]
		clear(row)
		row[col[i]] = sign[i]
		k++
	}
	return k
}

// rowErrors returns the squared error Σⱼ(x − x̂)² of each of the first rows
// held-out samples under the current parameters, and Σ‖x‖² over them; the
// one evaluation pass of the trainer (evaluate adds the rows up).
func (t *Trainer) rowErrors(rows int) (e []float64, sx float64) {
	d := t.m.d
	const chunk = 1024
	e = make([]float64, rows)
	w := newWork(t.m, min(chunk, rows), false)
	for lo := 0; lo < rows; lo += chunk {
		hi := min(rows, lo+chunk)
		if hi-lo != w.rows {
			w = newWork(t.m, hi-lo, false)
		}
		X := t.heldout[lo*d : hi*d]
		t.m.forward(w, X)
		for r := 0; r < hi-lo; r++ {
			var s float64
			for j := r * d; j < (r+1)*d; j++ {
				x := float64(X[j])
				diff := float64(w.Xhat[j]) - x
				s += diff * diff
				sx += x * x
			}
			e[lo+r] = s
		}
	}
	return e, sx
}

// better compares two parameter sets on the same held-out rows: the gain
// (loss of a minus loss of b, both normalised by Σ‖x‖²) and its standard
// error from the per-row differences (a paired comparison, so the rows'
// own spread cancels). b is preferred when gain > 2·se: a one-sided test at
// about the 2% level, so an equal-loss probe (one that flowed back to the
// rotation) is not kept by chance.
func better(a, b []float64, sx float64) (gain, se float64, ok bool) {
	k := float64(len(a))
	var s, s2 float64
	for i := range a {
		v := a[i] - b[i]
		s += v
		s2 += v * v
	}
	mean := s / k
	variance := math.Max(s2/k-mean*mean, 0) * k / math.Max(k-1, 1)
	gain = s / sx
	se = math.Sqrt(variance*k) / sx
	return gain, se, gain > 0 && gain > 2*se
}
