package report

import (
	"fmt"
	"math"
	"sort"

	"github.com/bitsweep/bitsweep/search"
	"github.com/bitsweep/bitsweep/theory"
)

// SearchFigures returns the figures of search cells (no store access), at
// most two per sweep:
//
//   - search-estimate: the located crossing (the estimate, with the final
//     bracket [lo, hi] as a bar) against d on a log2-spaced axis (ticks at
//     the dimensions), or against the rate (or sparsity) when the cells
//     vary that instead, one series per combination of the other
//     parameters that differ, with the predicted crossings
//     (search.TheoryCrossings: p* = 2 − π/2 and 2/π) as dashed horizontal
//     lines. Cells without an estimate (no crossing, failed) are named in
//     the caption only; a non-monotone cell's estimate is the middle of the
//     span of its sign changes and is drawn in a series of its own.
//   - search-probes: every probe of the sweep's cells, the criterion's
//     mean ± SE over seeds against the variable, one series per cell (at
//     most maxSeries cells, evenly spaced; all probes are in
//     search-probes.csv), the level as a dashed line, the estimates marked
//     on it and the predicted crossings as vertical lines.
func SearchFigures(cells []search.Cell) []Figure {
	bySweep := map[string][]*search.Cell{}
	var sweeps []string
	for i := range cells {
		c := &cells[i]
		if _, ok := bySweep[c.Sweep]; !ok {
			sweeps = append(sweeps, c.Sweep)
		}
		bySweep[c.Sweep] = append(bySweep[c.Sweep], c)
	}
	var figs []Figure
	for _, s := range sweeps {
		if f, ok := estimateFigure(s, bySweep[s]); ok {
			figs = append(figs, f)
		}
		if f, ok := probeFigure(s, bySweep[s]); ok {
			figs = append(figs, f)
		}
	}
	return figs
}

// variableAxis returns the axis of a search variable.
func variableAxis(v string) axis {
	switch v {
	case "rate":
		return rateAxis
	case "sparsity":
		return sparsityAxis
	}
	return axis{name: v, label: v, short: v}
}

// starred is the searched crossing's symbol in figures: p* or r* (the
// plot fonts draw no combining circumflex).
func starred(v string) string { return variableAxis(v).short + "*" }

// estimateFigure draws the estimates of one sweep's cells against d (or
// the rate, or the sparsity).
func estimateFigure(sweep string, cells []*search.Cell) (Figure, bool) {
	variable := cells[0].Settings.Variable
	var candidates []string
	for _, n := range []string{"d", "rate", "sparsity"} {
		if n != variable {
			candidates = append(candidates, n)
		}
	}
	distinct := func(name string) int {
		vs := map[float64]bool{}
		for _, c := range cells {
			if v, ok := paramFloat(c, name); ok {
				vs[v] = true
			}
		}
		return len(vs)
	}
	xname := ""
	for _, n := range candidates {
		if distinct(n) >= 2 {
			xname = n
			break
		}
	}
	if xname == "" {
		for _, n := range candidates {
			if distinct(n) == 1 {
				xname = n
				break
			}
		}
	}
	if xname == "" {
		return Figure{}, false
	}
	var est []*search.Cell
	none := map[string]int{} // status → cells without an estimate
	for _, c := range cells {
		_, ok := paramFloat(c, xname)
		if c.Estimate != nil && ok && !math.IsNaN(*c.Estimate) {
			est = append(est, c)
		} else {
			none[c.Status]++
		}
	}
	if len(est) == 0 {
		return Figure{}, false
	}
	labels := differingLabels(est, xname)
	type key struct{ label, status string }
	byKey := map[key]*Series{}
	var keys []key
	logX := xname == "d"
	xset := map[float64]bool{}
	for i, c := range est {
		x, _ := paramFloat(c, xname)
		logX = logX && x > 0
		xset[x] = true
		k := key{labels[i], c.Status}
		if k.status != search.StatusFound && k.status != search.StatusNonMonotone {
			k.status = "other" // searching, failed or cancelled after an estimate
		}
		s, ok := byKey[k]
		if !ok {
			s = &Series{Label: k.label}
			if s.Label == "" {
				s.Label = "estimate (bar: bracket)"
			}
			switch k.status {
			case search.StatusNonMonotone:
				s.Label += ", non-monotone (bar: span of the sign changes)"
			case "other":
				s.Label += ", not finished or failed (provisional)"
			}
			byKey[k] = s
			keys = append(keys, k)
		}
		s.X = append(s.X, x)
		s.Y = append(s.Y, *c.Estimate)
		s.Lo = append(s.Lo, c.Lo)
		s.Hi = append(s.Hi, c.Hi)
	}
	sort.SliceStable(keys, func(i, j int) bool {
		if keys[i].label != keys[j].label {
			return keys[i].label < keys[j].label
		}
		return statusRank(keys[i].status) < statusRank(keys[j].status)
	})
	xs := make([]float64, 0, len(xset))
	for x := range xset {
		xs = append(xs, x)
	}
	sort.Float64s(xs)
	f := Figure{
		Kind:   "search-estimate",
		Sweep:  sweep,
		Name:   slug(sweepLabel(sweep)) + "-search-estimate",
		Title:  fmt.Sprintf("%s: searched %s vs %s", sweepLabel(sweep), starred(variable), paramShort(xname)),
		YLabel: fmt.Sprintf("searched %s, where %s is crossed", starred(variable), cells[0].Settings.Criterion),
		XLog:   logX,
	}
	switch xname {
	case "d":
		f.XLabel = "input dimension d"
		if logX {
			f.XLabel += " (log scale)"
		}
	default:
		f.XLabel = variableAxis(xname).label
	}
	if logX {
		f.XTicks = xs
	}
	for _, i := range spreadIndex(len(keys), maxSeries) {
		s := byKey[keys[i]]
		sortSeries(s)
		f.Series = append(f.Series, *s)
	}
	lo, hi := xs[0], xs[len(xs)-1]
	if lo == hi {
		if logX {
			lo, hi = lo/1.5, hi*1.5
		} else {
			w := math.Max(0.1*math.Abs(lo), 0.1)
			lo, hi = lo-w, hi+w
		}
	}
	for _, t := range theoryCrossings(est) {
		f.Series = append(f.Series, Series{Label: theoryLabel(t.key, t.value), X: []float64{lo, hi}, Y: []float64{t.value, t.value}, Theory: true})
	}
	f.Caption = fmt.Sprintf("The crossing of %s located by the search in each cell (interpolated between the probes of the final bracket; bars: the bracket [lo, hi]) against %s, with the predicted crossings as dashed lines.",
		cells[0].Settings.Criterion, paramShort(xname))
	if len(none) > 0 {
		var parts []string
		for _, st := range sortedKeys(none) {
			parts = append(parts, fmt.Sprintf("%d %s", none[st], st))
		}
		f.Caption += fmt.Sprintf(" Cells without an estimate are not drawn (%s; see search.csv).", joinAnd(parts))
	}
	return f, true
}

// statusRank orders estimate series: found, non-monotone, the rest.
func statusRank(s string) int {
	switch s {
	case search.StatusFound:
		return 0
	case search.StatusNonMonotone:
		return 1
	}
	return 2
}

// sortSeries sorts a series' points by x, keeping Lo and Hi with them.
func sortSeries(s *Series) {
	idx := make([]int, len(s.X))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s.X[idx[a]] < s.X[idx[b]] })
	perm := func(v []float64) []float64 {
		if v == nil {
			return nil
		}
		out := make([]float64, len(idx))
		for i, j := range idx {
			out[i] = v[j]
		}
		return out
	}
	s.X, s.Y, s.SE, s.Lo, s.Hi = perm(s.X), perm(s.Y), perm(s.SE), perm(s.Lo), perm(s.Hi)
}

// probeFigure draws the probes of one sweep's cells.
func probeFigure(sweep string, cells []*search.Cell) (Figure, bool) {
	var with []*search.Cell
	for _, c := range cells {
		if len(c.Probes) > 0 {
			with = append(with, c)
		}
	}
	if len(with) == 0 {
		return Figure{}, false
	}
	var kept []*search.Cell
	for _, i := range spreadIndex(len(with), maxSeries) {
		kept = append(kept, with[i])
	}
	variable := kept[0].Settings.Variable
	crit := kept[0].Settings.Criterion
	ylabel := crit.Metric + " (mean ± SE over seeds)"
	if len(crit.Between) == 2 {
		ylabel = fmt.Sprintf("loss as the fraction of the way from %s to %s (mean ± SE over seeds)", crit.Between[0], crit.Between[1])
	}
	f := Figure{
		Kind:   "search-probes",
		Sweep:  sweep,
		Name:   slug(sweepLabel(sweep)) + "-search-probes",
		Title:  fmt.Sprintf("%s: search probes, %s vs %s", sweepLabel(sweep), crit.Metric, variableAxis(variable).short),
		XLabel: variableAxis(variable).label,
		YLabel: ylabel,
	}
	labels := cellLabels(kept)
	xmin, xmax := math.Inf(1), math.Inf(-1)
	est := Series{Label: "estimated crossing (on the level)", Points: true}
	levels := map[string]float64{}
	var levelOrder []string
	for i, c := range kept {
		s := Series{Label: labels[i]}
		withSE := false
		for _, p := range c.Probes {
			s.X = append(s.X, p.Value)
			s.Y = append(s.Y, p.Mean)
			s.SE = append(s.SE, p.SE)
			s.Count = append(s.Count, len(p.Samples))
			withSE = withSE || len(p.Samples) > 1
			xmin, xmax = math.Min(xmin, p.Value), math.Max(xmax, p.Value)
		}
		if !withSE {
			s.SE = nil
		}
		sortSeries(&s)
		f.Series = append(f.Series, s)
		if c.Estimate != nil {
			est.X = append(est.X, *c.Estimate)
			est.Y = append(est.Y, c.Settings.Criterion.Level)
		}
		name := c.Settings.Criterion.String()
		if _, ok := levels[name]; !ok {
			levels[name] = c.Settings.Criterion.Level
			levelOrder = append(levelOrder, name)
		}
	}
	if len(est.X) > 0 {
		f.Series = append(f.Series, est)
	}
	for _, name := range levelOrder {
		f.Series = append(f.Series, Series{Label: "level: " + name, X: []float64{xmin, xmax}, Y: []float64{levels[name], levels[name]}, Theory: true})
	}
	for _, t := range theoryCrossings(kept) {
		f.Marks = append(f.Marks, Mark{X: t.value, Label: "predicted " + theoryLabel(t.key, t.value)[len("theory: "):]})
	}
	f.Caption = fmt.Sprintf("Every probe of the search: %s averaged over the seeds (± standard error) against %s, one series per cell, with the level as a dashed line, the estimated crossings on it and the predicted crossings as vertical lines.",
		crit, variableAxis(variable).short)
	if len(kept) < len(with) {
		f.Caption += fmt.Sprintf(" %d of %d cells are shown, evenly spaced; every probe is in search-probes.csv.", len(kept), len(with))
	}
	return f, true
}

// crossing is one predicted crossing of a search.
type crossing struct {
	key   string
	value float64
}

// theoryCrossings returns the distinct predicted crossings of cells, by
// key (plus-one before random) and value.
func theoryCrossings(cells []*search.Cell) []crossing {
	seen := map[crossing]bool{}
	var out []crossing
	for _, c := range cells {
		for k, v := range c.Theory {
			t := crossing{k, v}
			if !seen[t] && !math.IsNaN(v) && !math.IsInf(v, 0) {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].key != out[j].key {
			return out[i].key < out[j].key
		}
		return out[i].value < out[j].value
	})
	return out
}

// theoryLabel names a predicted crossing.
func theoryLabel(key string, v float64) string {
	switch key {
	case theory.TieBreakPlusOne:
		return fmt.Sprintf("theory: p* = 2 − π/2 ≈ %.3f (sign(0) = +1)", v)
	case theory.TieBreakRandom:
		return fmt.Sprintf("theory: p* = 2/π ≈ %.3f (random tie-break)", v)
	}
	return fmt.Sprintf("theory: %s ≈ %.3f", key, v)
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// joinAnd joins "a", "a and b", "a, b and c".
func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	s := ""
	for i, p := range parts[:len(parts)-1] {
		if i > 0 {
			s += ", "
		}
		s += p
	}
	return s + " and " + parts[len(parts)-1]
}
