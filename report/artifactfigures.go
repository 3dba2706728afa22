package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/bitsweep/bitsweep/npy"
	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/theory"
)

// maxHeatCells bounds the size of an encoder drawn as a heat map (n·d):
// 256 × 512 at most, so that one heat map stays a few hundred kB.
const maxHeatCells = 1 << 17

// HeatmapPoints chooses the points whose |B̃| is drawn: per sweep, among the
// linear points of the lowest seed whose encoder has at most maxHeatCells
// entries, the one with the smallest and the one with the largest
// perm_score (a rotation and, where the sweep crosses the transition, a
// permutation), followed by the IDs in extra that name a row.
func HeatmapPoints(rows []Row, extra []string) []Row {
	rows = perSweep(rows)
	type pick struct{ lo, hi *Row }
	picks := map[string]*pick{}
	var sweeps []string
	minSeed := map[string]uint64{}
	for i := range rows {
		r := &rows[i]
		if s, ok := minSeed[r.Sweep]; !ok || r.Seed < s {
			minSeed[r.Sweep] = r.Seed
		}
	}
	for i := range rows {
		r := &rows[i]
		if r.Arch != theory.ArchLinear || r.Seed != minSeed[r.Sweep] || r.N*r.Dim > maxHeatCells || r.KeyB == "" {
			continue
		}
		p, ok := picks[r.Sweep]
		if !ok {
			p = &pick{r, r}
			picks[r.Sweep] = p
			sweeps = append(sweeps, r.Sweep)
		}
		if r.PermScore < p.lo.PermScore {
			p.lo = r
		}
		if r.PermScore > p.hi.PermScore {
			p.hi = r
		}
	}
	sort.Strings(sweeps)
	var out []Row
	seen := map[string]bool{}
	addRow := func(r *Row) {
		if !seen[r.PointID] {
			seen[r.PointID] = true
			out = append(out, *r)
		}
	}
	for _, s := range sweeps {
		addRow(picks[s].lo)
		addRow(picks[s].hi)
	}
	byID := map[string]*Row{}
	for i := range rows {
		byID[rows[i].PointID] = &rows[i]
	}
	for _, id := range extra {
		if r, ok := byID[id]; ok {
			addRow(r)
		}
	}
	return out
}

// Heatmap reads a point's B.npy and returns the figure of |B̃|, B with each
// row scaled to unit norm (the B̃ of perm_score, train/metrics.go).
func Heatmap(ctx context.Context, st storage.Store, r Row) (Figure, error) {
	b, err := st.Get(ctx, r.KeyB)
	if err != nil {
		return Figure{}, fmt.Errorf("heat map of %s: %w", r.PointID, err)
	}
	a, err := npy.Read(bytes.NewReader(b))
	if err != nil {
		return Figure{}, fmt.Errorf("heat map of %s: %s: %w", r.PointID, r.KeyB, err)
	}
	if len(a.Shape) != 2 || a.Shape[0] < 1 || a.Shape[1] < 1 {
		return Figure{}, fmt.Errorf("heat map of %s: %s: shape %v, want a matrix", r.PointID, r.KeyB, a.Shape)
	}
	h := &Heat{Rows: a.Shape[0], Cols: a.Shape[1], Values: make([]float64, len(a.Data)), PointID: r.PointID}
	for i := range h.Rows {
		row := a.Data[i*h.Cols : (i+1)*h.Cols]
		var norm float64
		for _, v := range row {
			norm += v * v
		}
		norm = math.Sqrt(norm)
		for j, v := range row {
			if norm > 0 {
				h.Values[i*h.Cols+j] = math.Abs(v) / norm
			}
		}
	}
	// The colour scale runs from 0 to the largest entry, at least 1/√d (the
	// size of every entry of a flat row) so that a rotation looks uniform.
	h.Max = 1 / math.Sqrt(float64(h.Cols))
	for _, v := range h.Values {
		h.Max = math.Max(h.Max, v)
	}
	return Figure{
		Name:   slug(sweepLabel(r.Sweep)) + "-heatmap-" + r.PointID[:12],
		Kind:   "heatmap",
		Sweep:  r.Sweep,
		Title:  fmt.Sprintf("%s: |B_ij| / ‖B_i‖\n%s, p=%s, r=%s, d=%d, perm_score %.3f", sweepLabel(r.Sweep), sourceLabel(r.Source), num(r.Sparsity), num(r.Rate), r.Dim, r.PermScore),
		XLabel: "input coordinate j",
		YLabel: "latent bit i",
		Heat:   h,
		Caption: fmt.Sprintf("Absolute entries of the learned encoder, rows scaled to unit norm, point %s (seed %d). "+
			"A random rotation spreads every row (≈ 1/√d everywhere); a permutation puts one entry ≈ 1 in each row.", r.PointID, r.Seed),
	}, nil
}

// perSweep returns rows with each row that several sweeps share (Sweep
// "a;b") repeated once per sweep, labelled with it, so that every sweep's
// heatmaps and curves are chosen among all its points (as Figures does
// with groups).
func perSweep(rows []Row) []Row {
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		for _, s := range strings.Split(r.Sweep, ";") {
			c := r
			c.Sweep = s
			out = append(out, c)
		}
	}
	return out
}

// CurvePoints chooses the points whose training curves are drawn: per
// sweep, among the points of the lowest seed sorted by architecture,
// layers, rate and sparsity, at most maxSeries evenly spaced.
func CurvePoints(rows []Row) map[string][]Row {
	rows = perSweep(rows)
	minSeed := map[string]uint64{}
	for i := range rows {
		r := &rows[i]
		if s, ok := minSeed[r.Sweep]; !ok || r.Seed < s {
			minSeed[r.Sweep] = r.Seed
		}
	}
	bySweep := map[string][]Row{}
	for _, r := range rows {
		if r.Seed == minSeed[r.Sweep] && r.KeyCurve != "" {
			bySweep[r.Sweep] = append(bySweep[r.Sweep], r)
		}
	}
	for s, rs := range bySweep {
		sort.SliceStable(rs, func(a, b int) bool { return configLess(rs[a].config(), rs[b].config()) })
		var keep []Row
		for _, i := range spreadIndex(len(rs), maxSeries) {
			keep = append(keep, rs[i])
		}
		bySweep[s] = keep
	}
	return bySweep
}

// Curves reads the curve.csv of each row (one sweep's) and returns the
// figure of held-out loss against optimiser step.
func Curves(ctx context.Context, st storage.Store, sweep string, rows []Row) (Figure, error) {
	f := Figure{
		Name:   slug(sweepLabel(sweep)) + "-curves",
		Kind:   "curves",
		Sweep:  sweep,
		Title:  sweepLabel(sweep) + ": training curves",
		XLabel: "optimiser step",
		YLabel: "held-out loss E‖x − x̂‖² / E‖x‖²",
		XLog:   true,
		Caption: "Held-out loss during training (log-spaced steps) for a few points of the sweep (lowest seed); " +
			"the final loss in the tables is evaluated on more held-out samples.",
	}
	for _, r := range rows {
		b, err := st.Get(ctx, r.KeyCurve)
		if err != nil {
			return Figure{}, fmt.Errorf("curve of %s: %w", r.PointID, err)
		}
		s, err := parseCurve(b)
		if err != nil {
			return Figure{}, fmt.Errorf("curve of %s: %s: %w", r.PointID, r.KeyCurve, err)
		}
		s.Label = fmt.Sprintf("%s, r=%s, p=%s", archLabel(r.config()), num(r.Rate), num(r.Sparsity))
		f.Series = append(f.Series, s)
	}
	return f, nil
}

// parseCurve reads curve.csv (train.CurveCSV: step, loss, …) into a series
// of loss against step, skipping step 0 (not drawable on a log axis).
func parseCurve(b []byte) (Series, error) {
	cr := csv.NewReader(bytes.NewReader(b))
	head, err := cr.Read()
	if err != nil {
		return Series{}, fmt.Errorf("header: %w", err)
	}
	if len(head) < 2 || head[0] != "step" || head[1] != "loss" {
		return Series{}, fmt.Errorf("header %q, want step,loss,…", head)
	}
	var s Series
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Series{}, err
		}
		step, err1 := strconv.ParseFloat(rec[0], 64)
		loss, err2 := strconv.ParseFloat(rec[1], 64)
		if err1 != nil || err2 != nil {
			return Series{}, fmt.Errorf("line %d: step %q, loss %q: not numbers", line, rec[0], rec[1])
		}
		if step > 0 {
			s.X = append(s.X, step)
			s.Y = append(s.Y, loss)
		}
	}
	return s, nil
}
