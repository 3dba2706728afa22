package report

import (
	"fmt"
	"math"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/bitsweep/bitsweep/theory"
	"github.com/bitsweep/bitsweep/train"
)

// Figures returns the figures drawn from the seed groups alone (no store
// access), in a stable order:
//
//   - loss-vs-rate: measured loss (mean ± SE over seeds) against the rate,
//     one series per architecture, with the theory curves of the panel's
//     source beside it: R_Gauss(r) = 1 − 2r/π for every source, the
//     denoiser's MMSE and the multilayer decoder's state evolution for
//     Bernoulli–Gaussian data, the identity encoder (a permutation) for
//     sparse Rademacher data (all from theory.Predict; science.md §4);
//   - loss-vs-sparsity: the same against the sparsity p, with the Gaussian
//     baseline R_Gauss(r) as a horizontal line;
//   - loss-vs-layers: the multilayer decoder against its depth, with the
//     state-evolution loss of every depth (science.md §2.3);
//   - phase-sparsity and phase-rate: the linear encoder's perm_score
//     against p (and r), with the critical sparsity p* = 2 − π/2 marked for
//     sparse Rademacher data (science.md §6).
//
// A figure is made only where its x axis takes at least two values. A
// panel holds the groups of one sweep, source and dimension; when a sweep
// has more than one architecture, each value of the other axis gets its own
// panel, otherwise the values become series. At most maxSeries series and
// maxPanels panels are kept per figure kind and sweep, evenly spaced over
// the values.
//
// A group shared by several sweeps (Sweep "a;b") is drawn in the figures of
// each of them, so that every sweep's curve has all its points. Groups of
// points that hit their step budget (Group.Unconverged) are not drawn: they
// are problems (problems.csv), and beside the converged group of the same
// config they would put two points at one x.
func Figures(groups []Group) []Figure {
	groups = perSweepGroups(groups, func(string) bool { return true })
	var figs []Figure
	figs = append(figs, lossFigures(groups, rateAxis, sparsityAxis)...)
	figs = append(figs, lossFigures(groups, sparsityAxis, rateAxis)...)
	figs = append(figs, layerFigures(groups)...)
	figs = append(figs, phaseFigures(groups, sparsityAxis, rateAxis)...)
	figs = append(figs, phaseFigures(groups, rateAxis, sparsityAxis)...)
	return figs
}

const (
	maxSeries = 6
	maxPanels = 6
	// theoryPoints is the number of points of a dense theory curve.
	theoryPoints = 81
)

// axis is a numeric config field used as an x axis or a panel variable.
type axis struct {
	name  string // as in the tables: rate, sparsity, layers
	label string // axis label
	short string // in series labels and titles
	get   func(train.Config) float64
	set   func(*train.Config, float64)
}

var (
	rateAxis = axis{"rate", "rate r = n/d (latent bits per input dimension)", "r",
		func(c train.Config) float64 { return c.Rate }, func(c *train.Config, v float64) { c.Rate = v }}
	sparsityAxis = axis{"sparsity", "sparsity p (probability that a coordinate is non-zero)", "p",
		func(c train.Config) float64 { return c.Sparsity }, func(c *train.Config, v float64) { c.Sparsity = v }}
	layersAxis = axis{"layers", "decoder layers L", "L",
		func(c train.Config) float64 { return float64(c.Layers) }, func(c *train.Config, v float64) { c.Layers = int(v) }}
)

// panelKey identifies the groups drawn together.
type panelKey struct {
	sweep, source string
	dim           int
	other         float64 // the other axis' value, or NaN-free 0 when it is a series variable
	split         bool
}

// archLabel names a config's architecture: linear, denoiser, multilayer L=3.
func archLabel(c train.Config) string {
	if c.Arch == theory.ArchMultilayer {
		return fmt.Sprintf("multilayer L=%d", c.Layers)
	}
	return c.Arch
}

// lossFigures draws loss against x.
func lossFigures(groups []Group, x, other axis) []Figure {
	var figs []Figure
	for _, pn := range panels(groups, x, other, func(Group) bool { return true }) {
		f := Figure{
			Kind:   "loss-vs-" + x.name,
			Sweep:  pn.key.sweep,
			XLabel: x.label,
			YLabel: "loss E‖x − x̂‖² / E‖x‖² (held-out)",
		}
		f.Title = fmt.Sprintf("%s: loss vs %s, %s, d=%d", sweepLabel(pn.key.sweep), x.short, sourceLabel(pn.key.source), pn.key.dim)
		if pn.key.split {
			f.Title += fmt.Sprintf(", %s=%s", other.short, num(pn.key.other))
		}
		f.Name = figName(pn.key, f.Kind, other)
		f.Series = pn.series(x, func(g Group) Stat { return g.Loss })
		f.Series = append(f.Series, lossTheory(pn, x, other)...)
		if x.name == "sparsity" {
			if p := criticalP(pn.key.source); p != nil {
				f.Marks = append(f.Marks, Mark{X: *p, Label: fmt.Sprintf("critical p* = 2 − π/2 ≈ %.3f", *p)})
			}
		}
		f.Caption = fmt.Sprintf("Measured loss (mean ± standard error over seeds) against %s, with the theory as dashed lines.", x.short)
		figs = append(figs, f)
	}
	return figs
}

// lossTheory returns the dense theory curves of a panel: for each config
// of its series (x varying, every other field fixed), the predictions that
// apply, without duplicates.
func lossTheory(pn *panel, x, other axis) []Series {
	lo, hi := pn.xmin, pn.xmax
	xs := make([]float64, theoryPoints)
	for i := range xs {
		xs[i] = lo + (hi-lo)*float64(i)/float64(theoryPoints-1)
	}
	// Curves by kind; a kind's curves differ only through the other axis'
	// value (when it is a series variable). Identical curves are drawn once,
	// and the other axis is named only when the curves differ.
	type curve struct {
		other float64
		s     Series
	}
	var kinds []string
	byKind := map[string][]curve{}
	add := func(kind string, f func(theory.Prediction) *float64, c train.Config) {
		s := Series{Theory: true}
		for _, v := range xs {
			x.set(&c, v)
			if y := f(theory.Predict(c.Source, c.Arch, c.Rate, c.Sparsity, c.Layers)); y != nil && !math.IsNaN(*y) {
				s.X = append(s.X, v)
				s.Y = append(s.Y, *y)
			}
		}
		if len(s.X) < 2 {
			return
		}
		for _, cv := range byKind[kind] {
			if slices.Equal(cv.s.X, s.X) && slices.Equal(cv.s.Y, s.Y) {
				return
			}
		}
		if _, ok := byKind[kind]; !ok {
			kinds = append(kinds, kind)
		}
		byKind[kind] = append(byKind[kind], curve{other.get(c), s})
	}
	for _, c := range pn.seriesConfigs {
		add("theory: linear, Gaussian loss R_Gauss", func(p theory.Prediction) *float64 { return p.Gauss }, c)
		switch c.Arch {
		case theory.ArchLinear:
			if c.Source == theory.SourceSparseRademacher {
				add("theory: identity encoder (permutation)", func(p theory.Prediction) *float64 { return p.Identity }, c)
			}
		case theory.ArchDenoiser:
			add("theory: denoiser (MMSE)", func(p theory.Prediction) *float64 { return p.Denoiser }, c)
		case theory.ArchMultilayer:
			add(fmt.Sprintf("theory: %d-layer decoder (SE)", c.Layers), func(p theory.Prediction) *float64 {
				if len(p.Layers) == 0 {
					return nil
				}
				return &p.Layers[len(p.Layers)-1]
			}, c)
		}
	}
	var out []Series
	for _, k := range kinds {
		cs := byKind[k]
		for _, cv := range cs {
			cv.s.Label = k
			if len(cs) > 1 {
				cv.s.Label += fmt.Sprintf(", %s=%s", other.short, num(cv.other))
			}
			out = append(out, cv.s)
		}
	}
	return out
}

// layerFigures draws the multilayer decoder's loss against its depth.
func layerFigures(groups []Group) []Figure {
	ml := func(g Group) bool { return g.Config.Arch == theory.ArchMultilayer }
	var figs []Figure
	for _, pn := range panels(groups, layersAxis, rateAxis, ml) {
		f := Figure{
			Kind:   "loss-vs-layers",
			Sweep:  pn.key.sweep,
			XLabel: layersAxis.label,
			YLabel: "loss E‖x − x̂‖² / E‖x‖² (held-out)",
			Title:  fmt.Sprintf("%s: loss vs depth, %s, d=%d", sweepLabel(pn.key.sweep), sourceLabel(pn.key.source), pn.key.dim),
		}
		f.Name = figName(pn.key, f.Kind, rateAxis)
		f.Series = pn.series(layersAxis, func(g Group) Stat { return g.Loss })
		lmax := int(math.Round(pn.xmax))
		seen := map[string]bool{}
		for _, c := range pn.seriesConfigs {
			label := fmt.Sprintf("theory: state evolution, r=%s, p=%s", num(c.Rate), num(c.Sparsity))
			if seen[label] {
				continue
			}
			pr := theory.Predict(c.Source, theory.ArchMultilayer, c.Rate, c.Sparsity, lmax)
			if len(pr.Layers) == 0 {
				continue
			}
			seen[label] = true
			s := Series{Label: label, Theory: true}
			for l, v := range pr.Layers {
				s.X = append(s.X, float64(l+1))
				s.Y = append(s.Y, v)
			}
			f.Series = append(f.Series, s)
		}
		f.Caption = "Loss of the unrolled (VAMP-style) decoder against its number of layers (layer 1 is the denoiser), with the state-evolution prediction."
		figs = append(figs, f)
	}
	return figs
}

// phaseFigures draws the linear encoder's perm_score against x.
func phaseFigures(groups []Group, x, other axis) []Figure {
	lin := func(g Group) bool { return g.Config.Arch == theory.ArchLinear }
	var figs []Figure
	for _, pn := range panels(groups, x, other, lin) {
		f := Figure{
			Kind:   "phase-" + x.name,
			Sweep:  pn.key.sweep,
			XLabel: x.label,
			YLabel: "perm_score (1: permutation, ≈3/d: rotation)",
			Title:  fmt.Sprintf("%s: minimiser shape vs %s, %s, d=%d", sweepLabel(pn.key.sweep), x.short, sourceLabel(pn.key.source), pn.key.dim),
		}
		f.Name = figName(pn.key, f.Kind, other)
		f.Series = pn.series(x, func(g Group) Stat { return g.PermScore })
		if p := criticalP(pn.key.source); p != nil && x.name == "sparsity" {
			f.Marks = append(f.Marks, Mark{X: *p, Label: fmt.Sprintf("predicted critical p* = 2 − π/2 ≈ %.3f", *p)})
		}
		f.Caption = fmt.Sprintf("perm_score = (1/n)·Σᵢⱼ B̃ᵢⱼ⁴ of the learned encoder (mean ± SE over seeds) against %s: near 0 for a random rotation, 1 for a permutation.", x.short)
		figs = append(figs, f)
	}
	return figs
}

// criticalP is the predicted critical sparsity of a source, if any.
func criticalP(source string) *float64 {
	return theory.Predict(source, theory.ArchLinear, 1, 0.5, 0).CriticalP
}

// panel is the groups of one figure.
type panel struct {
	key           panelKey
	groups        []Group
	seriesConfigs []train.Config // one per series, x set to 0, in series order
	seriesGroups  [][]Group
	labels        []string
	xmin, xmax    float64
}

// series returns the measured series of the panel, the points sorted by x.
func (pn *panel) series(x axis, y func(Group) Stat) []Series {
	out := make([]Series, len(pn.seriesGroups))
	for i, gs := range pn.seriesGroups {
		gs = slices.Clone(gs)
		sort.SliceStable(gs, func(a, b int) bool { return x.get(gs[a].Config) < x.get(gs[b].Config) })
		s := Series{Label: pn.labels[i]}
		withSE := false
		for _, g := range gs {
			st := y(g)
			s.X = append(s.X, x.get(g.Config))
			s.Y = append(s.Y, st.Mean)
			s.SE = append(s.SE, st.SE)
			s.Count = append(s.Count, g.Count)
			withSE = withSE || g.Count > 1
		}
		if !withSE {
			s.SE = nil
		}
		out[i] = s
	}
	return out
}

// panels splits the groups kept by keep into panels for an x axis: by
// sweep, source and dimension, and by the other axis when the sweep has
// more than one series label without it. Panels whose x takes a single
// value are dropped.
func panels(groups []Group, x, other axis, keep func(Group) bool) []*panel {
	type base struct {
		sweep, source string
		dim           int
	}
	byBase := map[base][]Group{}
	var order []base
	for _, g := range groups {
		if !keep(g) {
			continue
		}
		b := base{g.Sweep, g.Config.Source, g.Config.Dim}
		if _, ok := byBase[b]; !ok {
			order = append(order, b)
		}
		byBase[b] = append(byBase[b], g)
	}
	var out []*panel
	for _, b := range order {
		gs := byBase[b]
		// Series without x and without the other axis: if more than one,
		// the other axis splits panels.
		kinds := map[train.Config]bool{}
		for _, g := range gs {
			c := g.Config
			x.set(&c, 0)
			other.set(&c, 0)
			kinds[c] = true
		}
		split := len(kinds) > 1
		byPanel := map[float64][]Group{}
		var others []float64
		for _, g := range gs {
			o := 0.0
			if split {
				o = other.get(g.Config)
			}
			if _, ok := byPanel[o]; !ok {
				others = append(others, o)
			}
			byPanel[o] = append(byPanel[o], g)
		}
		sort.Float64s(others)
		var made []*panel
		for _, o := range others {
			pn := newPanel(panelKey{b.sweep, b.source, b.dim, o, split}, byPanel[o], x, other)
			if pn != nil {
				made = append(made, pn)
			}
		}
		out = append(out, spread(made, maxPanels)...)
	}
	return out
}

// newPanel builds a panel's series, or returns nil when x takes fewer than
// two values.
func newPanel(key panelKey, gs []Group, x, other axis) *panel {
	pn := &panel{key: key, groups: gs}
	xs := map[float64]bool{}
	index := map[train.Config]int{}
	for _, g := range gs {
		c := g.Config
		x.set(&c, 0)
		i, ok := index[c]
		if !ok {
			i = len(pn.seriesConfigs)
			index[c] = i
			pn.seriesConfigs = append(pn.seriesConfigs, c)
			pn.seriesGroups = append(pn.seriesGroups, nil)
		}
		pn.seriesGroups[i] = append(pn.seriesGroups[i], g)
		xs[x.get(g.Config)] = true
	}
	if len(xs) < 2 {
		return nil
	}
	pn.xmin, pn.xmax = math.Inf(1), math.Inf(-1)
	for v := range xs {
		pn.xmin, pn.xmax = math.Min(pn.xmin, v), math.Max(pn.xmax, v)
	}
	// Series in a stable order: architecture, then the other fields.
	idx := make([]int, len(pn.seriesConfigs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		return configLess(pn.seriesConfigs[idx[a]], pn.seriesConfigs[idx[b]])
	})
	cs, gss := make([]train.Config, len(idx)), make([][]Group, len(idx))
	for i, j := range idx {
		cs[i], gss[i] = pn.seriesConfigs[j], pn.seriesGroups[j]
	}
	keepIdx := spreadIndex(len(cs), maxSeries)
	pn.seriesConfigs, pn.seriesGroups = nil, nil
	for _, i := range keepIdx {
		pn.seriesConfigs = append(pn.seriesConfigs, cs[i])
		pn.seriesGroups = append(pn.seriesGroups, gss[i])
	}
	pn.labels = seriesLabels(pn.seriesConfigs, x)
	return pn
}

// configLess orders configs by architecture, layers, rate, sparsity, then
// their JSON text.
func configLess(a, b train.Config) bool {
	if a.Arch != b.Arch {
		return archRank(a.Arch) < archRank(b.Arch)
	}
	if a.Layers != b.Layers {
		return a.Layers < b.Layers
	}
	if a.Rate != b.Rate {
		return a.Rate < b.Rate
	}
	if a.Sparsity != b.Sparsity {
		return a.Sparsity < b.Sparsity
	}
	return fmt.Sprint(a) < fmt.Sprint(b)
}

func archRank(a string) int {
	switch a {
	case theory.ArchLinear:
		return 0
	case theory.ArchDenoiser:
		return 1
	case theory.ArchMultilayer:
		return 2
	}
	return 3
}

// seriesLabels names each config by its architecture and the fields in
// which the configs differ (x excluded).
func seriesLabels(cs []train.Config, x axis) []string {
	fields := make([][]field, len(cs))
	for i, c := range cs {
		fields[i] = configFields(c)
	}
	// A field tells series apart when it differs between two configs; the
	// architecture's own fields (the denoiser's parameters, say) only
	// between configs of the same architecture.
	archOwn := map[string]bool{"layers": true, "denoiser": true, "decoder_grad": true, "refit": true}
	differs := map[string]bool{}
	for i := range fields {
		for k := range i {
			for j, f := range fields[i] {
				if f.value != fields[k][j].value && (!archOwn[f.name] || cs[i].Arch == cs[k].Arch) {
					differs[f.name] = true
				}
			}
		}
	}
	labels := make([]string, len(cs))
	for i, c := range cs {
		a := archLabel(c)
		if x.name == "layers" {
			a = c.Arch // the depth is the x axis
		}
		parts := []string{a}
		for _, f := range fields[i] {
			if differs[f.name] && f.name != "arch" && f.name != "layers" && f.name != x.name {
				parts = append(parts, f.short+"="+f.value)
			}
		}
		labels[i] = strings.Join(parts, ", ")
	}
	return labels
}

// field is one config field as a label part.
type field struct{ name, short, value string }

// configFields lists the fields of a config that can tell series apart.
func configFields(c train.Config) []field {
	return []field{
		{"arch", "arch", c.Arch},
		{"layers", "L", strconv.Itoa(c.Layers)},
		{"rate", "r", num(c.Rate)},
		{"sparsity", "p", num(c.Sparsity)},
		{"init", "init", c.Init},
		{"lr", "lr", num(c.LR)},
		{"steps", "steps", strconv.Itoa(c.Steps)},
		{"batch", "batch", strconv.Itoa(c.Batch)},
		{"optimizer", "opt", c.Optimizer},
		{"ste", "ste", c.STE},
		{"ste_epsilon", "ste_eps", num(c.STEEpsilon)},
		{"denoiser", "denoiser", c.Denoiser},
		{"refit", "refit", strconv.FormatBool(c.Refit)},
		{"decoder_grad", "decoder_grad", c.DecoderGrad},
		{"schedule", "schedule", c.Schedule},
		{"eval_samples", "eval", strconv.Itoa(c.EvalSamples)},
	}
}

// spread keeps at most max panels, evenly spaced, first and last included.
func spread(ps []*panel, max int) []*panel {
	var out []*panel
	for _, i := range spreadIndex(len(ps), max) {
		out = append(out, ps[i])
	}
	return out
}

// spreadIndex returns at most max indices of [0, n), evenly spaced, the
// first and the last included.
func spreadIndex(n, max int) []int {
	if n <= max {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := make([]int, 0, max)
	for k := range max {
		i := int(math.Round(float64(k) * float64(n-1) / float64(max-1)))
		if len(idx) == 0 || idx[len(idx)-1] != i {
			idx = append(idx, i)
		}
	}
	return idx
}

// sourceLabel shortens image sources to their file name.
func sourceLabel(s string) string {
	if kind, p, ok := strings.Cut(s, ":"); ok {
		return kind + ":" + path.Base(p)
	}
	return s
}

// num formats a parameter value in its shortest form.
func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// figName is a file-system-safe, unique name for a panel's figure.
func figName(k panelKey, kind string, other axis) string {
	name := slug(sweepLabel(k.sweep)) + "-" + kind + "-" + slug(sourceLabel(k.source)) + "-d" + strconv.Itoa(k.dim)
	if k.split {
		name += "-" + other.short + slug(num(k.other))
	}
	return name
}

// sweepLabel names the sweeps of a figure: "all points" when the whole
// store was read.
func sweepLabel(s string) string {
	if s == "" {
		return "all points"
	}
	return s
}

// slug keeps [a-z0-9.] and turns every other run of characters into "-".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-.")
}
