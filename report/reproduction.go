package report

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/bitsweep/bitsweep/theory"
	"github.com/bitsweep/bitsweep/train"
)

// Tolerances of the claim verdicts. They are judgements about finite
// systems, stated in REPRODUCTION.md next to each verdict:
const (
	// gaussTol bounds |loss − R_Gauss| for C1: at d = 256 after 1,500 Adam
	// steps the training core's own tests measure gaps of 0.001–0.007
	// (train/science_test.go, docs/TRAINING.md); finite d raises the loss
	// by O(1/d) and the finite step budget adds a few 1e-3.
	gaussTol = 0.02
	// permHigh is the perm_score above which an encoder counts as a
	// permutation for C2 (1 for a permutation, ≈ 3/d for Haar rows).
	permHigh = 0.5
)

// Claim is one claim of the paper with the evidence found in a report.
type Claim struct {
	ID, Title string
	Statement string   // what the paper predicts
	Verdict   string   // one line: holds / does not hold / no data, and why
	Table     []string // Markdown table lines
	Figures   []string // figure names (without extension)
	Notes     []string
}

// Claims evaluates the five claims of Kögler et al. (ICML 2024) that the
// example sweeps reproduce, from the groups (and figures) of r, and, when r
// has search cells (Report.Searches), C6: the searched critical sparsity
// against p*. A claim without data says so; C6 is left out of a report
// without searches.
//
// C1–C5 read the grid sweeps: a group whose points several sweeps share
// (label "a;b") counts once in each of them, and the probes of search sweeps
// count only in C6 (a search's few probe values are not a curve over p).
func (r *Report) Claims() []Claim {
	g := r.gridView()
	cs := []Claim{g.claimC1(), g.claimC2(), g.claimC3(), g.claimC4(), g.claimC5()}
	if len(r.Searches) > 0 {
		cs = append(cs, r.claimC6())
	}
	return cs
}

// gridView returns a shallow copy of r whose groups are split by sweep: a
// group labelled "a;b;c" becomes one group per grid sweep among a, b, c
// (the search sweeps of r.Searches left out), each labelled with its sweep.
// Groups of points that hit their step budget are left out.
func (r *Report) gridView() *Report {
	searched := map[string]bool{}
	for i := range r.Searches {
		searched[r.Searches[i].Sweep] = true
	}
	v := *r
	v.Groups = perSweepGroups(r.Groups, func(s string) bool { return !searched[s] })
	return &v
}

// figuresOf returns the names of r's figures of the given kinds from the
// given sweeps, filtered by keep (nil: all).
func (r *Report) figuresOf(sweeps map[string]bool, kinds []string, keep func(*Figure) bool) []string {
	var out []string
	for _, k := range kinds {
		for i := range r.Figures {
			f := &r.Figures[i]
			if f.Kind == k && sweeps[f.Sweep] && (keep == nil || keep(f)) {
				out = append(out, f.Name)
			}
		}
	}
	return out
}

func hasSeries(substr string) func(*Figure) bool {
	return func(f *Figure) bool {
		for _, s := range f.Series {
			if !s.Theory && strings.Contains(s.Label, substr) {
				return true
			}
		}
		return false
	}
}

func bgSource(s string) bool {
	return s == theory.SourceBernoulliGauss || s == theory.SourceGaussian
}

// claimC1: the linear autoencoder on sparse Gaussian data reaches the
// Gaussian loss at every sparsity.
func (r *Report) claimC1() Claim {
	c := Claim{ID: "C1", Title: "Linear decoder on sparse Gaussian data: the Gaussian loss at every sparsity",
		Statement: "Gradient descent on Bernoulli–Gaussian data ends at R_Gauss(r) = 1 − 2r/π (r ≤ 1) whatever the sparsity p: " +
			"the minimiser is a random rotation and ignores the sparsity (science.md §4.2; Kögler et al., ICML 2024, Thm. on sparse Gaussian data)."}
	type key struct {
		sweep string
		rate  float64
		dim   int
	}
	type acc struct {
		n, outside     int // groups, groups beyond gaussTol
		outsideP       []string
		outsideAt      [][2]float64 // (p, loss) of each group beyond gaussTol
		pmin, pmax     float64
		maxGap, sumGap float64
		worstP         float64
		perm           float64
		ident          float64 // identity loss at pmin, for contrast
	}
	accs := map[key]*acc{}
	var keys []key
	sweeps := map[string]bool{}
	for _, g := range r.Groups {
		cf := g.Config
		if cf.Arch != theory.ArchLinear || cf.Source != theory.SourceBernoulliGauss || cf.Rate > 1 {
			continue
		}
		k := key{g.Sweep, cf.Rate, cf.Dim}
		a, ok := accs[k]
		if !ok {
			a = &acc{pmin: math.Inf(1), pmax: math.Inf(-1)}
			accs[k] = a
			keys = append(keys, k)
		}
		gap := g.Loss.Mean - theory.GaussLoss(cf.Rate)
		a.n++
		if math.Abs(gap) > gaussTol {
			a.outside++
			a.outsideP = append(a.outsideP, fmt.Sprintf("p=%s (p·d = %s non-zeros per sample, gap %+.3f)", num(cf.Sparsity), num(cf.Sparsity*float64(cf.Dim)), gap))
			a.outsideAt = append(a.outsideAt, [2]float64{cf.Sparsity, g.Loss.Mean})
		}
		a.sumGap += gap
		if math.Abs(gap) > math.Abs(a.maxGap) || a.n == 1 {
			a.maxGap, a.worstP = gap, cf.Sparsity
		}
		if cf.Sparsity < a.pmin {
			a.pmin = cf.Sparsity
			a.ident = theory.IdentityLossBG(cf.Rate, cf.Sparsity)
		}
		a.pmax = math.Max(a.pmax, cf.Sparsity)
		a.perm = math.Max(a.perm, g.PermScore.Mean)
		sweeps[g.Sweep] = true
	}
	if len(keys) == 0 {
		c.Verdict = "no data: no linear-decoder points on bernoulli-gaussian data with r ≤ 1 in this report (run examples/c1-gaussian-loss.yaml)."
		return c
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].sweep != keys[j].sweep {
			return keys[i].sweep < keys[j].sweep
		}
		return keys[i].rate < keys[j].rate
	})
	c.Table = []string{
		"| sweep | d | r | sparsities | R_Gauss(r) | mean gap | largest gap (at p) | random rotation at that p and d | max perm_score | identity encoder at smallest p (contrast) |",
		"|---|---|---|---|---|---|---|---|---|---|",
	}
	worst := 0.0
	groups, outside := 0, 0
	var exceptions []string
	// rotAt memoises rotationLoss: the largest gap is usually an exception
	// too, and one estimate at d = 256 takes about a second.
	type rotKey struct {
		d       int
		rate, p float64
	}
	rots := map[rotKey]float64{}
	rotAt := func(d int, rate, p float64) float64 {
		k := rotKey{d, rate, p}
		v, ok := rots[k]
		if !ok {
			v = rotationLoss(d, rate, p)
			rots[k] = v
		}
		return v
	}
	aboveRot := 0              // exceptions above the rotation's finite-d loss
	unknownRot := 0            // exceptions at d > 512, where it is not estimated
	outsideAt := map[int]int{} // groups beyond gaussTol, by d
	groupsAt := map[int]int{}
	for _, k := range keys {
		a := accs[k]
		rot := rotAt(k.dim, k.rate, a.worstP)
		c.Table = append(c.Table, fmt.Sprintf("| %s | %d | %s | %d in [%s, %s] | %.4f | %+.4f | %+.4f (p=%s) | %s | %.3f | %.4f |",
			k.sweep, k.dim, num(k.rate), a.n, num(a.pmin), num(a.pmax), theory.GaussLoss(k.rate),
			a.sumGap/float64(a.n), a.maxGap, num(a.worstP), fmtLoss(rot), a.perm, a.ident))
		worst = math.Max(worst, math.Abs(a.maxGap))
		groups += a.n
		outside += a.outside
		groupsAt[k.dim] += a.n
		outsideAt[k.dim] += a.outside
		for _, e := range a.outsideP {
			exceptions = append(exceptions, fmt.Sprintf("%s r=%s %s", k.sweep, num(k.rate), e))
		}
		for _, e := range a.outsideAt {
			switch r := rotAt(k.dim, k.rate, e[0]); {
			case math.IsNaN(r):
				unknownRot++
			case e[1] > r:
				aboveRot++
			}
		}
	}
	// The largest d is where the asymptotic claim is tested best.
	var dims []int
	for d := range groupsAt {
		dims = append(dims, d)
	}
	slices.Sort(dims)
	largest := ""
	if dmax := dims[len(dims)-1]; len(dims) > 1 && outsideAt[dmax] == 0 {
		largest = fmt.Sprintf("At d = %d, the largest d here, all %d groups are within %.2f. ", dmax, groupsAt[dmax], gaussTol)
	}
	finite := "The claim is asymptotic in d; with few non-zeros per sample the finite-d loss sits above R_Gauss (the gap shrinks as p·d grows, see the table)."
	switch {
	case unknownRot > 0:
		finite += fmt.Sprintf(" %d of the exceptions are at d > 512, where the random rotation's loss is not estimated.", unknownRot)
		if aboveRot > 0 {
			finite += fmt.Sprintf(" %d are above a random rotation's loss at the same d and p: training stopped short of the rotation there.", aboveRot)
		}
	case aboveRot == 0:
		finite = "Each exception is at or below the loss of a random rotation at the same d and p (table; Monte Carlo), the minimiser the theorem describes: the gap is the finite size (few non-zeros per sample), not a run stopped above the rotation, and it shrinks as p·d grows."
	default:
		finite += fmt.Sprintf(" %d of the exceptions are above a random rotation's loss at the same d and p: training stopped short of the rotation there.", aboveRot)
	}
	switch {
	case outside == 0:
		c.Verdict = fmt.Sprintf("**holds**: all %d groups are within %.3f of R_Gauss(r) (tolerance %.2f for finite d and step budget), at every sparsity, where the identity encoder would give a different loss.", groups, worst, gaussTol)
	case outside*4 <= groups:
		c.Verdict = fmt.Sprintf("**holds except at the sparsest points**: %d of %d groups are within %.2f of R_Gauss(r); the exceptions are %s. %s%s",
			groups-outside, groups, gaussTol, strings.Join(exceptions, "; "), largest, finite)
	default:
		c.Verdict = fmt.Sprintf("**does not hold**: %d of %d groups are farther than %.2f from R_Gauss(r) (largest gap %.3f; see the table).", outside, groups, gaussTol, worst)
	}
	c.Notes = append(c.Notes, "Gap = measured loss (mean over seeds) − R_Gauss(r). perm_score ≈ 3/d means a rotation-like encoder; 1 a permutation. "+
		"The random rotation's loss is that of Haar orthonormal rows with the best linear decoder at the group's d and p, estimated from 64·n samples (theory.RotationLossBG; ± 0.001); it tends to R_Gauss(r) as d → ∞.")
	c.Figures = r.figuresOf(sweeps, []string{"loss-vs-sparsity", "phase-sparsity"}, hasSeries("linear"))
	return c
}

// rotationLoss is theory.RotationLossBG for a C1 group, with 64·n samples
// (measured: within 0.001 of 128·n and 256·n at d = 128, 256), or NaN for
// d above 512, where one estimate would take tens of seconds.
func rotationLoss(d int, rate, p float64) float64 {
	n := int(math.Round(rate * float64(d)))
	if d > 512 || n < 1 {
		return math.NaN()
	}
	return theory.RotationLossBG(d, n, p, 64*n, 1)
}

// fmtLoss formats a loss, or "–" for NaN.
func fmtLoss(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.4f", v)
}

// normFloorNote explains the "+ norm floor" columns of C3 and C4.
const normFloorNote = "At finite d the sign code cannot carry the norm ‖x‖: on Bernoulli–Gaussian data every decoder of sign(Bx) " +
	"loses at least E Var(‖x‖ | k)/E‖x‖² ≈ 1/(2pd) (k the number of non-zeros; theory.NormFloorBG, derived exactly; 0.0097 at p = 0.1, d = 512), " +
	"which the d → ∞ prediction does not contain; prediction + floor is the finite-d reference (not a bound: the rest of the loss may differ from its limit at finite d)."

// claimC2: the transition from rotation to permutation on sparse
// Rademacher data.
func (r *Report) claimC2() Claim {
	pstar := theory.CriticalSparsity(theory.TieBreakPlusOne)
	c := Claim{ID: "C2", Title: "Sparse Rademacher data: from a rotation to a permutation at the critical sparsity",
		Statement: fmt.Sprintf("On sparse Rademacher data the linear autoencoder's minimiser is a random rotation (loss R_Gauss) "+
			"for p below p* = 2 − π/2 ≈ %.3f and a permutation (the identity encoder's loss) above (science.md §6; "+
			"Kögler et al., ICML 2024, sparse Rademacher phase transition).", pstar)}
	type key struct {
		sweep string
		rate  float64
		dim   int
	}
	byKey := map[key][]Group{}
	var keys []key
	sweeps := map[string]bool{}
	for _, g := range r.Groups {
		cf := g.Config
		if cf.Arch != theory.ArchLinear || cf.Source != theory.SourceSparseRademacher || cf.Rate > 1 {
			continue
		}
		k := key{g.Sweep, cf.Rate, cf.Dim}
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], g)
		sweeps[g.Sweep] = true
	}
	if len(keys) == 0 {
		c.Verdict = "no data: no linear-decoder points on sparse-rademacher data in this report (run examples/c2-transition.yaml)."
		return c
	}
	c.Table = []string{
		"| sweep | d | r | p | loss (mean ± SE) | R_Gauss | identity (permutation) | predicted | perm_score |",
		"|---|---|---|---|---|---|---|---|---|",
	}
	var verdicts []string
	allHold := true
	for _, k := range keys {
		gs := byKey[k]
		sort.Slice(gs, func(i, j int) bool { return gs[i].Config.Sparsity < gs[j].Config.Sparsity })
		// The measured transition: between the last sparsity whose encoder
		// is a rotation and the first that is a permutation, if the
		// perm_score crosses permHigh exactly once.
		crossings, lo, hi := 0, math.NaN(), math.NaN()
		// The loss-based transition: the sparsity from which the measured
		// loss is closer to the permutation's (identity) loss than to
		// R_Gauss, bracketed by the grid.
		lossSide := func(g Group) (perm bool, ok bool) {
			pr := theory.Predict(g.Config.Source, g.Config.Arch, g.Config.Rate, g.Config.Sparsity, 0)
			if pr.Identity == nil {
				return false, false
			}
			return math.Abs(g.Loss.Mean-*pr.Identity) < math.Abs(g.Loss.Mean-theory.GaussLoss(g.Config.Rate)), true
		}
		lcross, llo, lhi := 0, math.NaN(), math.NaN()
		for i, g := range gs {
			if i > 0 {
				a, okA := lossSide(gs[i-1])
				b, okB := lossSide(g)
				if okA && okB && a != b {
					lcross++
					llo, lhi = gs[i-1].Config.Sparsity, g.Config.Sparsity
				}
			}
			pr := theory.Predict(g.Config.Source, g.Config.Arch, g.Config.Rate, g.Config.Sparsity, 0)
			c.Table = append(c.Table, fmt.Sprintf("| %s | %d | %s | %s | %s | %.4f | %s | %s | %.3f |",
				k.sweep, k.dim, num(k.rate), num(g.Config.Sparsity), fmtStat(g.Loss, g.Count), theory.GaussLoss(k.rate),
				fmtPtr(pr.Identity), fmtPtr(pr.Expected), g.PermScore.Mean))
			if i > 0 && (gs[i-1].PermScore.Mean > permHigh) != (g.PermScore.Mean > permHigh) {
				crossings++
				lo, hi = gs[i-1].Config.Sparsity, g.Config.Sparsity
			}
		}
		brackets := func(lo, hi float64) bool { return lo <= pstar+1e-9 && pstar <= hi+1e-9 }
		var permText string
		if crossings == 1 && gs[0].PermScore.Mean <= permHigh {
			permText = fmt.Sprintf("the encoder's perm_score passes %.1f between p = %s and p = %s", permHigh, num(lo), num(hi))
		} else {
			permText = fmt.Sprintf("the encoder's perm_score crosses %.1f %d times", permHigh, crossings)
		}
		switch {
		case lcross == 1 && brackets(llo, lhi):
			verdicts = append(verdicts, fmt.Sprintf("%s (d=%d, r=%s): the loss leaves R_Gauss for the permutation's loss between p = %s and p = %s, bracketing p* = %.3f; %s",
				k.sweep, k.dim, num(k.rate), num(llo), num(lhi), pstar, permText))
		case lcross == 1:
			allHold = false
			verdicts = append(verdicts, fmt.Sprintf("%s (d=%d, r=%s): the loss switches from R_Gauss to the permutation's loss between p = %s and p = %s, predicted at p* = %.3f; %s",
				k.sweep, k.dim, num(k.rate), num(llo), num(lhi), pstar, permText))
		default:
			allHold = false
			verdicts = append(verdicts, fmt.Sprintf("%s (d=%d, r=%s): the loss switches between R_Gauss and the permutation's loss %d times (no single transition); %s",
				k.sweep, k.dim, num(k.rate), lcross, permText))
		}
	}
	if allHold {
		c.Verdict = "**holds**: " + strings.Join(verdicts, "; ") + "."
	} else {
		c.Verdict = "**does not hold as predicted**: " + strings.Join(verdicts, "; ") + "."
	}
	c.Notes = append(c.Notes, fmt.Sprintf("The transition is located by the loss: the first sparsity at which the measured loss is closer to the "+
		"identity encoder's (a permutation's) loss than to R_Gauss (a rotation's). The predicted loss is min(R_Gauss, identity). "+
		"perm_score (1 for a permutation) rises over a range of p at finite d; the sparsity where it passes %.1f is given for comparison.", permHigh))
	c.Figures = r.figuresOf(sweeps, []string{"phase-sparsity", "loss-vs-sparsity", "heatmap", "curves"}, nil)
	return c
}

// claimC3: the denoiser beats the Gaussian loss.
func (r *Report) claimC3() Claim {
	c := Claim{ID: "C3", Title: "A denoiser after the linear decoder beats the Gaussian loss",
		Statement: "On Bernoulli–Gaussian data with p < 1, x̂ = f(A·sign(Bx)) with the entrywise posterior-mean denoiser f reaches " +
			"MMSE_BG(p, 2r/(π − 2r)) < R_Gauss(r) (science.md §2.2, §4.4; Kögler et al., ICML 2024, nonlinear decoder)."}
	lin := map[train.Config]Group{}
	for _, g := range r.Groups {
		if g.Config.Arch == theory.ArchLinear {
			lin[withoutArch(g.Config)] = g
		}
	}
	c.Table = []string{
		"| sweep | d | p | r | denoiser loss (mean ± SE) | theory (MMSE) | gap | MMSE + norm floor at d | R_Gauss | linear measured |",
		"|---|---|---|---|---|---|---|---|---|---|",
	}
	sweeps := map[string]bool{}
	n, beatGauss, beatLinear, withLinear := 0, 0, 0, 0
	maxGap := 0.0
	groups := slices.Clone(r.Groups)
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if a.Sweep != b.Sweep {
			return a.Sweep < b.Sweep
		}
		if a.Config.Sparsity != b.Config.Sparsity {
			return a.Config.Sparsity < b.Config.Sparsity
		}
		return a.Config.Rate < b.Config.Rate
	})
	for _, g := range groups {
		cf := g.Config
		if cf.Arch != theory.ArchDenoiser || !bgSource(cf.Source) || cf.Sparsity >= 1 || cf.Rate > 1 {
			continue
		}
		n++
		sweeps[g.Sweep] = true
		gauss := theory.GaussLoss(cf.Rate)
		th := theory.DenoiserLoss(cf.Rate, cf.Sparsity)
		if g.Loss.Mean < gauss {
			beatGauss++
		}
		maxGap = math.Max(maxGap, math.Abs(g.Loss.Mean-th))
		linCell := "–"
		if lg, ok := lin[withoutArch(cf)]; ok {
			withLinear++
			linCell = fmt.Sprintf("%.4f", lg.Loss.Mean)
			if g.Loss.Mean < lg.Loss.Mean {
				beatLinear++
			}
		}
		c.Table = append(c.Table, fmt.Sprintf("| %s | %d | %s | %s | %s | %.4f | %+.4f | %.4f | %.4f | %s |",
			g.Sweep, cf.Dim, num(cf.Sparsity), num(cf.Rate), fmtStat(g.Loss, g.Count), th, g.Loss.Mean-th,
			th+theory.NormFloorBG(cf.Dim, cf.Sparsity), gauss, linCell))
	}
	if n == 0 {
		c.Table = nil
		c.Verdict = "no data: no denoiser points on Bernoulli–Gaussian data with p < 1, r ≤ 1 (run examples/c3-denoiser.yaml)."
		return c
	}
	if beatGauss == n {
		c.Verdict = fmt.Sprintf("**holds**: the denoiser is below R_Gauss(r) in all %d groups", n)
	} else {
		c.Verdict = fmt.Sprintf("**holds in %d of %d groups** (below R_Gauss(r))", beatGauss, n)
	}
	if withLinear > 0 {
		c.Verdict += fmt.Sprintf(", and below the linear decoder trained alongside in %d of %d", beatLinear, withLinear)
	}
	c.Verdict += fmt.Sprintf("; the largest distance to the MMSE prediction is %.3f.", maxGap)
	c.Notes = append(c.Notes, "Theory assumes a Haar encoder with orthonormal rows and d → ∞; the trained encoder and finite d put the measured loss slightly above it. "+
		normFloorNote)
	c.Figures = r.figuresOf(sweeps, []string{"loss-vs-sparsity"}, hasSeries("denoiser"))
	return c
}

// withoutArch clears the fields of a config that belong to its
// architecture, so that a denoiser group finds the linear group trained at
// the same point.
func withoutArch(c train.Config) train.Config {
	// Escape differs too: the probe is the linear architecture's default
	// and off for the others (train.Config defaults).
	c.Arch, c.Denoiser, c.Layers, c.DecoderGrad, c.Refit, c.Escape = "", "", 0, "", false, ""
	return c
}

// claimC4: a deeper decoder beats the denoiser.
func (r *Report) claimC4() Claim {
	c := Claim{ID: "C4", Title: "A deeper (multi-layer) decoder beats the denoiser",
		Statement: "Unrolling more layers of the AMP/VAMP-style decoder lowers the loss below the single denoiser, " +
			"following the state evolution (science.md §2.3, §4.4; Kögler et al., ICML 2024, multi-layer decoder)."}
	type key struct {
		sweep    string
		dim      int
		p, r     float64
		source   string
		lr       float64
		steps    int
		init     string
		decoderG string
	}
	byKey := map[key][]Group{}
	var keys []key
	for _, g := range r.Groups {
		cf := g.Config
		if cf.Arch != theory.ArchMultilayer || !bgSource(cf.Source) {
			continue
		}
		k := key{g.Sweep, cf.Dim, cf.Sparsity, cf.Rate, cf.Source, cf.LR, cf.Steps, cf.Init, cf.DecoderGrad}
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], g)
	}
	c.Table = []string{
		"| sweep | d | p | r | L | loss (mean ± SE) | state evolution | gap | SE + norm floor at d |",
		"|---|---|---|---|---|---|---|---|---|",
	}
	sweeps := map[string]bool{}
	compared, deeperWins := 0, 0
	var lines []string
	for _, k := range keys {
		gs := byKey[k]
		sort.Slice(gs, func(i, j int) bool { return gs[i].Config.Layers < gs[j].Config.Layers })
		sweeps[k.sweep] = true
		for _, g := range gs {
			se := fmtPtr(g.TheoryExpected)
			gap, floor := "–", "–"
			if g.TheoryExpected != nil {
				gap = fmt.Sprintf("%+.4f", g.Loss.Mean-*g.TheoryExpected)
				floor = fmtLoss(*g.TheoryExpected + theory.NormFloorBG(k.dim, k.p))
			}
			c.Table = append(c.Table, fmt.Sprintf("| %s | %d | %s | %s | %d | %s | %s | %s | %s |",
				k.sweep, k.dim, num(k.p), num(k.r), g.Config.Layers, fmtStat(g.Loss, g.Count), se, gap, floor))
		}
		if len(gs) >= 2 && gs[0].Config.Layers == 1 {
			compared++
			deepest := gs[len(gs)-1]
			best := slices.MinFunc(gs, func(a, b Group) int {
				switch {
				case a.Loss.Mean < b.Loss.Mean:
					return -1
				case a.Loss.Mean > b.Loss.Mean:
					return 1
				}
				return 0
			})
			if best.Config.Layers > 1 {
				deeperWins++
			}
			lines = append(lines, fmt.Sprintf("p=%s, r=%s: L=1 (denoiser) %.4f → L=%d %.4f (best at L=%d)",
				num(k.p), num(k.r), gs[0].Loss.Mean, deepest.Config.Layers, deepest.Loss.Mean, best.Config.Layers))
		}
	}
	switch {
	case len(keys) == 0:
		c.Table = nil
		c.Verdict = "no data: no multilayer points on Bernoulli–Gaussian data (run examples/c4-depth.yaml)."
		return c
	case compared == 0:
		c.Verdict = "no comparison: the report has no sweep with layers = 1 (the denoiser) beside deeper decoders."
	case deeperWins == compared:
		c.Verdict = fmt.Sprintf("**holds**: in all %d settings a decoder with more than one layer beats the one-layer denoiser (%s).", compared, strings.Join(lines, "; "))
	default:
		c.Verdict = fmt.Sprintf("**holds in %d of %d settings** (%s).", deeperWins, compared, strings.Join(lines, "; "))
	}
	c.Notes = append(c.Notes, "Layer 1 of the multilayer decoder is the denoiser architecture. The state evolution assumes B̃B̃ᵀ = I, "+
		"which train/2 keeps (orth_error in results.csv), and d → ∞. "+normFloorNote)
	c.Figures = r.figuresOf(sweeps, []string{"loss-vs-layers", "curves"}, nil)
	return c
}

// claimC5: the architectures on real images.
func (r *Report) claimC5() Claim {
	c := Claim{ID: "C5", Title: "Real images: nonlinear and deeper decoders help beyond synthetic data",
		Statement: "The benefit of the denoiser and of depth carries over to real images (Kögler et al., ICML 2024, experiments on " +
			"MNIST / CIFAR-10); here Fashion-MNIST from Debian's dataset-fashion-mnist, optionally with a random pixel mask " +
			"(sparsity = keep probability). There is no closed-form prediction; R_Gauss(r) is shown as the Gaussian-data reference."}
	type key struct {
		sweep, source string
		p, r          float64
		dim           int
	}
	byKey := map[key]map[string]Group{}
	var keys []key
	for _, g := range r.Groups {
		cf := g.Config
		if !strings.Contains(cf.Source, ":") {
			continue
		}
		k := key{g.Sweep, cf.Source, cf.Sparsity, cf.Rate, cf.Dim}
		if _, ok := byKey[k]; !ok {
			byKey[k] = map[string]Group{}
			keys = append(keys, k)
		}
		byKey[k][archLabel(cf)] = g
	}
	if len(keys) == 0 {
		c.Verdict = "no data: no image points in this report (run examples/c5-images.yaml; needs apt-get install dataset-fashion-mnist)."
		return c
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.sweep != b.sweep {
			return a.sweep < b.sweep
		}
		if a.source != b.source {
			return a.source < b.source
		}
		if a.p != b.p {
			return a.p > b.p
		}
		return a.r < b.r
	})
	archSet := map[string]bool{}
	for _, m := range byKey {
		for a := range m {
			archSet[a] = true
		}
	}
	archs := make([]string, 0, len(archSet))
	for a := range archSet {
		archs = append(archs, a)
	}
	sort.Slice(archs, func(i, j int) bool { return archLess(archs[i], archs[j]) })
	head := "| sweep | source | d | mask keep p | r | R_Gauss(r) |"
	sep := "|---|---|---|---|---|---|"
	for _, a := range archs {
		head += " " + a + " |"
		sep += "---|"
	}
	c.Table = []string{head, sep}
	sweeps := map[string]bool{}
	denoiserWins, multiWins, cmpD, cmpM := 0, 0, 0, 0
	for _, k := range keys {
		m := byKey[k]
		sweeps[k.sweep] = true
		line := fmt.Sprintf("| %s | %s | %d | %s | %s | %.4f |", k.sweep, sourceLabel(k.source), k.dim, num(k.p), num(k.r), theory.GaussLoss(k.r))
		for _, a := range archs {
			if g, ok := m[a]; ok {
				line += " " + fmtStat(g.Loss, g.Count) + " |"
			} else {
				line += " – |"
			}
		}
		c.Table = append(c.Table, line)
		l, okL := m[theory.ArchLinear]
		d, okD := m[theory.ArchDenoiser]
		if okL && okD {
			cmpD++
			if d.Loss.Mean < l.Loss.Mean {
				denoiserWins++
			}
		}
		for a, g := range m {
			if strings.HasPrefix(a, theory.ArchMultilayer) && okD {
				cmpM++
				if g.Loss.Mean < d.Loss.Mean {
					multiWins++
				}
			}
		}
	}
	c.Verdict = fmt.Sprintf("measured: the denoiser beats the linear decoder in %d of %d settings; the multilayer decoder beats the denoiser in %d of %d.",
		denoiserWins, cmpD, multiWins, cmpM)
	c.Notes = append(c.Notes, "Images are centred and scaled to unit average variance (data package documentation); the loss is normalised the same way as for synthetic data.")
	c.Figures = r.figuresOf(sweeps, []string{"loss-vs-rate", "curves"}, nil)
	return c
}

// archLess orders architecture labels: linear, denoiser, multilayer by depth.
func archLess(a, b string) bool {
	ra, rb := archRank(strings.Fields(a)[0]), archRank(strings.Fields(b)[0])
	if ra != rb {
		return ra < rb
	}
	return a < b
}

// fmtStat is "mean ± SE", or the mean alone for a single seed (no SE).
func fmtStat(s Stat, count int) string {
	if count < 2 {
		return fmt.Sprintf("%.4f", s.Mean)
	}
	return fmt.Sprintf("%.4f ± %.4f", s.Mean, s.SE)
}

func fmtPtr(p *float64) string {
	if p == nil {
		return "–"
	}
	return fmt.Sprintf("%.4f", *p)
}

// Reproduction returns REPRODUCTION.md: each claim with its statement,
// verdict, table of measured vs predicted values and figures, followed by
// how to regenerate it.
func (r *Report) Reproduction() []byte {
	var b bytes.Buffer
	sum := r.Summary()
	fmt.Fprintf(&b, "# Reproduction of Kögler et al., ICML 2024\n\n")
	fmt.Fprintf(&b, "*Compression of Structured Data with Autoencoders: Provable Benefit of Nonlinearities and Depth* — "+
		"the claims reproduced by bitsweep's example sweeps. Generated by `starter report --reproduction`; do not edit by hand.\n\n")
	fmt.Fprintf(&b, "Report of %d points in %d groups", sum.Points, sum.Groups)
	if len(r.Options.Sweeps) > 0 {
		fmt.Fprintf(&b, " from the sweeps %s", strings.Join(r.Options.Sweeps, ", "))
	}
	if n := len(r.Problems); n > 0 {
		fmt.Fprintf(&b, "; %d points have problems and are left out (problems.csv)", n)
	}
	backends, workers := map[string]int{}, map[string]bool{}
	var secs float64
	for _, row := range r.Rows {
		backends[row.Backend]++
		workers[row.Worker] = true
		secs += row.Seconds
	}
	var bs []string
	for k, n := range backends {
		bs = append(bs, fmt.Sprintf("%s (%d points)", k, n))
	}
	sort.Strings(bs)
	if len(bs) > 0 {
		fmt.Fprintf(&b, "; trained with the %s BLAS backend, %.1f CPU-hours of training over %d worker processes", strings.Join(bs, ", "), secs/3600, len(workers))
	}
	fmt.Fprintf(&b, ". Losses are held-out E‖x − x̂‖²/E‖x‖², mean ± standard error over seeds; full tables in "+
		"[results.csv](results.csv) and [groups.csv](groups.csv), all figures in [index.html](index.html).\n\n")
	claims := r.Claims()
	b.WriteString("| claim | verdict |\n|---|---|\n")
	for _, c := range claims {
		v := c.Verdict
		if i := strings.Index(v, ":"); i > 0 {
			v = v[:i]
		}
		fmt.Fprintf(&b, "| [%s](#%s) %s | %s |\n", c.ID, strings.ToLower(c.ID), c.Title, v)
	}
	b.WriteString("\n")
	for _, c := range claims {
		fmt.Fprintf(&b, "## %s\n\n<a id=\"%s\"></a>**%s.** %s\n\n", c.ID+": "+c.Title, strings.ToLower(c.ID), c.ID, c.Statement)
		fmt.Fprintf(&b, "Verdict: %s\n\n", c.Verdict)
		for _, l := range c.Table {
			b.WriteString(l + "\n")
		}
		if len(c.Table) > 0 {
			b.WriteString("\n")
		}
		for _, n := range c.Notes {
			b.WriteString(n + "\n\n")
		}
		for _, f := range c.Figures {
			title := f
			for i := range r.Figures {
				if r.Figures[i].Name == f {
					title = r.Figures[i].Title
				}
			}
			fmt.Fprintf(&b, "![%s](%s.png)\n\n", strings.ReplaceAll(title, "\n", ", "), f)
		}
	}
	b.WriteString("## Regenerate\n\n```sh\n")
	b.WriteString("for c in examples/c*.yaml; do go run ./starter run --out ./repro $c; done\n")
	b.WriteString("go run ./starter report --store ./repro")
	for _, s := range r.Options.Sweeps {
		b.WriteString(" --sweep " + s)
	}
	b.WriteString(" --reproduction --out docs/reproduction\n```\n")
	return b.Bytes()
}
