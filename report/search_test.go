package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/search"
	"github.com/bitsweep/bitsweep/theory"
	"github.com/bitsweep/bitsweep/train"
)

// searchCfg is the config of a search point: linear, d = 64, r = 1.
func searchCfg(source string, p float64, seed uint64) train.Config {
	c := cfg(seed, 1)
	c.Source, c.Arch, c.Layers, c.Sparsity = source, "linear", 0, p
	return c
}

var permCriterion = search.Criterion{Metric: "perm_score", Level: 0.5}

// probe stores one result.json per seed of a probe at sparsity p, seed i+1
// with perm_score perms[i], and returns the probe (search.Probe.Add).
func (fx *fixture) probe(source string, p float64, round int, perms ...float64) search.Probe {
	fx.t.Helper()
	pr := search.Probe{Value: p, Round: round}
	for i, perm := range perms {
		seed := uint64(i + 1)
		rec := record(fmt.Sprintf("search %s p=%g seed %d", source, p, seed), searchCfg(source, p, seed), 0.36-0.1*perm, theory.Prediction{})
		rec.Result.Minimizer.PermScore = perm
		fx.result(rec)
		s := search.Sample{Seed: seed, PointID: rec.PointID, Loss: rec.Result.Loss, PermScore: perm, RowPeak: 0.5, Converged: true}
		if err := pr.Add(permCriterion, s); err != nil {
			fx.t.Fatal(err)
		}
	}
	return pr
}

// cell stores a search cell record.
func (fx *fixture) cell(c *search.Cell) {
	fx.t.Helper()
	if err := results.WriteSearchCell(context.Background(), fx.st, c); err != nil {
		fx.t.Fatal(err)
	}
}

var searchSettings = search.Settings{Variable: "sparsity", Lo: 0.3, Hi: 0.6, Criterion: permCriterion, Tol: 0.04, Probes: 2}

// searchStore is a store with the search sweep "srch" (no manifest), two
// seeds per probe:
//
//	cell 0: sparse Rademacher, d = 64, r = 1: found, p̂* = 0.45 in [0.43, 0.47]
//	        (6 probes: 12 points, 11 trained and 1 reused; 1 unconverged);
//	cell 1: Bernoulli–Gaussian, d = 64, r = 1: no crossing (4 probes, 8 points).
func searchStore(t *testing.T) (*fixture, []search.Cell) {
	fx := newFixture(t)
	sr := theory.SourceSparseRademacher
	probes := []search.Probe{
		fx.probe(sr, 0.3, 0, 0.04, 0.06),
		fx.probe(sr, 0.4, 0, 0.18, 0.22),
		fx.probe(sr, 0.43, 1, 0.28, 0.32),
		fx.probe(sr, 0.47, 1, 0.68, 0.72),
		fx.probe(sr, 0.5, 0, 0.78, 0.82),
		fx.probe(sr, 0.6, 0, 0.94, 0.96),
	}
	probes[0].Samples[0].Reused = true
	probes[3].Samples[1].Converged = false
	probes[3].Unconverged = 1
	c0 := search.Cell{
		Sweep: "srch", Index: 0,
		Params: map[string]any{"source": sr, "arch": "linear", "d": 64, "rate": 1},
		State: search.State{Settings: searchSettings, K: 2, Round: 2, Probes: probes, Lo: 0.43, Hi: 0.47,
			Status: search.StatusFound, Estimate: f(0.45), Reason: "bracket [0.43, 0.47] within the tolerance 0.04"},
		Seeds: 2, Trained: 11, Reused: 1, GridPoints: searchSettings.GridValues() * 2,
		Theory: search.TheoryCrossings(sr, "linear", "sparsity"), Seconds: 120,
	}
	bg := theory.SourceBernoulliGauss
	st := search.NewState(searchSettings, 2)
	var bgProbes []search.Probe
	for _, v := range st.Next() {
		bgProbes = append(bgProbes, fx.probe(bg, v, 0, 0.02, 0.03))
	}
	st.Update(bgProbes)
	if st.Status != search.StatusNoCrossing {
		t.Fatalf("fixture: Bernoulli–Gaussian search %s, want no-crossing", st.Status)
	}
	c1 := search.Cell{
		Sweep: "srch", Index: 1,
		Params: map[string]any{"source": bg, "arch": "linear", "d": 64, "rate": 1},
		State:  *st, Seeds: 2, Trained: 8, GridPoints: searchSettings.GridValues() * 2,
		Theory: search.TheoryCrossings(bg, "linear", "sparsity"), Seconds: 60,
	}
	fx.cell(&c1) // out of order on purpose: the report sorts by index
	fx.cell(&c0)
	return fx, []search.Cell{c0, c1}
}

// samplesOf returns the point IDs of the cells' samples.
func samplesOf(cells []search.Cell) []string {
	var ids []string
	for _, c := range cells {
		for _, p := range c.Probes {
			for _, s := range p.Samples {
				ids = append(ids, s.PointID)
			}
		}
	}
	return ids
}

// The points of a search sweep are its cells' samples: rows like any
// other, grouped by config; the cells are in Report.Searches.
func TestCollectSearch(t *testing.T) {
	fx, cells := searchStore(t)
	ids := samplesOf(cells)
	for _, o := range []Options{{Sweeps: []string{"srch"}}, {Sweeps: []string{"srch"}, NoDigest: true, Concurrency: 1}, {}} {
		r := collect(t, fx.st, o)
		got := rowIDs(r)
		want := slices.Clone(ids)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%+v: rows %v, want the %d samples %v", o, got, len(want), want)
		}
		if len(r.Problems) != 0 {
			t.Errorf("%+v: problems %+v", o, r.Problems)
		}
		wantSweep := "srch"
		if len(o.Sweeps) == 0 {
			wantSweep = "" // the whole store
		}
		for _, row := range r.Rows {
			if row.Sweep != wantSweep {
				t.Errorf("%+v: row %s of sweep %q", o, row.PointID, row.Sweep)
			}
		}
		if len(r.Searches) != 2 || r.Searches[0].Index != 0 || r.Searches[1].Index != 1 || r.Searches[0].Sweep != "srch" {
			t.Fatalf("%+v: searches %+v", o, r.Searches)
		}
		if e := r.Searches[0].Estimate; e == nil || *e != 0.45 || len(r.Searches[0].Probes) != 6 {
			t.Errorf("%+v: cell 0 %+v", o, r.Searches[0])
		}
		// 6 + 4 sparsities of two sources, 2 seeds each.
		if len(r.Groups) != 10 {
			t.Errorf("%+v: %d groups, want 10", o, len(r.Groups))
		}
		for _, g := range r.Groups {
			if g.Count != 2 {
				t.Errorf("%+v: group %v %v has %d rows", o, g.Config.Source, g.Config.Sparsity, g.Count)
			}
		}
	}

	// A manifest beside the cells adds its points; a sample without a
	// result is missing.
	extra := record("grid point", searchCfg(theory.SourceSparseRademacher, 0.9, 1), 0.1, theory.Prediction{})
	fx.result(extra)
	fx.manifest("srch", extra.PointID, ids[0])
	if err := fx.st.Delete(context.Background(), results.PointKey(ids[1], results.ResultFile)); err != nil {
		t.Fatal(err)
	}
	r := collect(t, fx.st, Options{Sweeps: []string{"srch"}})
	if got := rowIDs(r); len(got) != len(ids) || !contains(got, extra.PointID) || contains(got, ids[1]) {
		t.Errorf("with a manifest: rows %v", got)
	}
	if len(r.Problems) != 1 || r.Problems[0].Kind != Missing || r.Problems[0].PointID != ids[1] {
		t.Errorf("problems %+v, want %s missing", r.Problems, ids[1])
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestSearchTables(t *testing.T) {
	fx, cells := searchStore(t)
	r := collect(t, fx.st, Options{Sweeps: []string{"srch"}})
	dir := t.TempDir()
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, filepath.Join(dir, "search.csv"))
	wantHeader := []string{"sweep", "cell", "arch", "d", "rate", "source", "variable", "criterion", "k", "rounds", "status",
		"estimate", "lo", "hi", "probes", "samples", "trained", "reused", "grid_points", "unconverged",
		"theory_plus_one", "theory_random", "seconds", "reason"}
	if !slices.Equal(recs[0], wantHeader) {
		t.Fatalf("header %v, want %v", recs[0], wantHeader)
	}
	if len(recs) != 3 {
		t.Fatalf("%d lines, want a header and 2 cells", len(recs))
	}
	grid := fmt.Sprint(searchSettings.GridValues() * 2) // ⌈0.3/0.04⌉ + 1 = 9 sparsities × 2 seeds
	if grid != "18" {
		t.Fatalf("grid points %s", grid)
	}
	want := [][]string{
		{"srch", "0", "linear", "64", "1", "sparse-rademacher", "sparsity", "perm_score = 0.5", "2", "2", "found",
			"0.45", "0.43", "0.47", "6", "12", "11", "1", grid, "1",
			formatFloat(theory.CriticalSparsity(theory.TieBreakPlusOne)), formatFloat(theory.CriticalSparsity(theory.TieBreakRandom)),
			"120", "bracket [0.43, 0.47] within the tolerance 0.04"},
		{"srch", "1", "linear", "64", "1", "bernoulli-gaussian", "sparsity", "perm_score = 0.5", "2", "1", "no-crossing",
			"", "0.3", "0.6", "4", "8", "8", "0", grid, "0", "", "", "60", cells[1].Reason},
	}
	for i, w := range want {
		if !slices.Equal(recs[i+1], w) {
			t.Errorf("search.csv line %d:\n got %q\nwant %q", i+1, recs[i+1], w)
		}
	}

	probes := readCSV(t, filepath.Join(dir, "search-probes.csv"))
	if len(probes) != 1+6+4 || !slices.Equal(probes[0], searchProbeColumns) {
		t.Fatalf("search-probes.csv: %d lines, header %v", len(probes), probes[0])
	}
	p := cells[0].Probes[3] // 0.47: perm 0.68, 0.72
	line := probes[4]
	if line[3] != "0.47" || line[4] != "1" || line[5] != formatFloat(p.Mean) || line[6] != formatFloat(p.SE) ||
		line[8] != "1" || line[10] != p.Samples[0].PointID+" "+p.Samples[1].PointID {
		t.Errorf("probe at 0.47: %q", line)
	}

	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sum Summary
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.Searches) != 2 {
		t.Fatalf("summary.json: %d searches", len(sum.Searches))
	}
	s0 := sum.Searches[0]
	if s0.Status != search.StatusFound || s0.Estimate == nil || *s0.Estimate != 0.45 || s0.Lo != 0.43 || s0.Hi != 0.47 ||
		s0.Samples != 12 || s0.GridPoints != 18 || s0.TheoryPlusOne == nil || *s0.TheoryPlusOne != theory.CriticalSparsity(theory.TieBreakPlusOne) ||
		s0.Params["d"] != 64.0 || s0.Criterion != "perm_score = 0.5" {
		t.Errorf("summary.json cell 0: %+v", s0)
	}
	if s1 := sum.Searches[1]; s1.Status != search.StatusNoCrossing || s1.Estimate != nil || s1.TheoryPlusOne != nil {
		t.Errorf("summary.json cell 1: %+v", s1)
	}
}

func TestSearchFigures(t *testing.T) {
	_, cells := searchStore(t)
	figs := SearchFigures(cells)
	if len(figs) != 2 || figs[0].Kind != "search-estimate" || figs[1].Kind != "search-probes" {
		t.Fatalf("figures %v", figs)
	}
	pstar, prand := theory.CriticalSparsity(theory.TieBreakPlusOne), theory.CriticalSparsity(theory.TieBreakRandom)

	est := figs[0]
	if est.Name != "srch-search-estimate" || !est.XLog || !slices.Equal(est.XTicks, []float64{64}) {
		t.Errorf("estimate figure %s: log %v ticks %v", est.Name, est.XLog, est.XTicks)
	}
	// Only the sparse Rademacher cell has an estimate; a single series
	// (nothing else differs among the drawn cells).
	m := measured(est)
	if len(m) != 1 || !slices.Equal(m[0].X, []float64{64}) || !slices.Equal(m[0].Y, []float64{0.45}) ||
		!slices.Equal(m[0].Lo, []float64{0.43}) || !slices.Equal(m[0].Hi, []float64{0.47}) {
		t.Errorf("estimate series %+v", m)
	}
	th := theoryOf(est)
	if len(th) != 2 || th[0].Y[0] != pstar || th[1].Y[0] != prand || th[0].X[0] >= 64 || th[0].X[1] <= 64 {
		t.Errorf("theory lines %+v", th)
	}
	if !strings.Contains(est.Caption, "1 no-crossing") {
		t.Errorf("caption %q does not name the cell without an estimate", est.Caption)
	}

	pr := figs[1]
	m = measured(pr)
	if got := labels(m); !slices.Equal(got, []string{"source=sparse-rademacher", "source=bernoulli-gaussian", "estimated crossing (on the level)"}) {
		t.Fatalf("probe series %v", got)
	}
	if !slices.Equal(m[0].X, []float64{0.3, 0.4, 0.43, 0.47, 0.5, 0.6}) || m[0].Y[3] != cells[0].Probes[3].Mean || m[0].SE[3] != cells[0].Probes[3].SE {
		t.Errorf("sparse Rademacher probes %+v", m[0])
	}
	if !m[2].Points || !slices.Equal(m[2].X, []float64{0.45}) || !slices.Equal(m[2].Y, []float64{0.5}) {
		t.Errorf("estimates %+v", m[2])
	}
	if th := theoryOf(pr); len(th) != 1 || th[0].Label != "level: perm_score = 0.5" || th[0].Y[0] != 0.5 || th[0].X[0] != 0.3 || th[0].X[1] != 0.6 {
		t.Errorf("level %+v", th)
	}
	if len(pr.Marks) != 2 || pr.Marks[0].X != pstar || pr.Marks[1].X != prand {
		t.Errorf("marks %+v", pr.Marks)
	}

	// Many cells over d and r: d on the x axis, one series per rate, the
	// probe figure bounded to maxSeries cells.
	var many []search.Cell
	for i, d := range []int{32, 64, 128, 256} {
		for j, rate := range []float64{0.5, 1} {
			c := testCell(theory.SourceSparseRademacher, float64(d), search.StatusFound, f(0.5-0.01*float64(i)), 0.49-0.01*float64(i), 0.51-0.01*float64(i), 0.02)
			c.Index = 2*i + j
			c.Params["rate"] = rate
			many = append(many, c)
		}
	}
	figs = SearchFigures(many)
	if len(figs) != 2 {
		t.Fatalf("%d figures", len(figs))
	}
	m = measured(figs[0])
	if got := labels(m); !slices.Equal(got, []string{"r=0.5", "r=1"}) || !slices.Equal(m[0].X, []float64{32, 64, 128, 256}) ||
		!slices.Equal(figs[0].XTicks, []float64{32, 64, 128, 256}) {
		t.Errorf("estimate series %v %v ticks %v", got, m[0].X, figs[0].XTicks)
	}
	if n := len(measured(figs[1])); n != maxSeries+1 || !strings.Contains(figs[1].Caption, fmt.Sprintf("%d of 8 cells", maxSeries)) {
		t.Errorf("probe figure: %d series, caption %q", n, figs[1].Caption)
	}
	// Cells that vary the rate only are drawn against the rate.
	var rates []search.Cell
	for i, rate := range []float64{0.25, 0.5, 1} {
		c := testCell(theory.SourceSparseRademacher, 64, search.StatusFound, f(0.45), 0.44, 0.46, 0.02)
		c.Index, c.Params["rate"] = i, rate
		rates = append(rates, c)
	}
	if f := SearchFigures(rates)[0]; f.XLog || f.XLabel != rateAxis.label || !slices.Equal(measured(f)[0].X, []float64{0.25, 0.5, 1}) {
		t.Errorf("against the rate: log %v label %q series %+v", f.XLog, f.XLabel, measured(f))
	}
}

// Generate writes the search tables and figures, index.html shows them and
// REPRODUCTION.md has C6.
func TestGenerateSearch(t *testing.T) {
	fx, _ := searchStore(t)
	out := t.TempDir()
	r, files, err := Generate(context.Background(), fx.st, out, GenerateOptions{
		Options: Options{Sweeps: []string{"srch"}}, Reproduction: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !contains(files.Tables, "search.csv") || !contains(files.Tables, "search-probes.csv") {
		t.Errorf("tables %v", files.Tables)
	}
	for _, name := range []string{"search.csv", "search-probes.csv",
		"srch-search-estimate.png", "srch-search-estimate.svg", "srch-search-probes.png", "srch-search-probes.svg"} {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		} else if strings.HasSuffix(name, ".png") && !contains(files.Figures, name) {
			t.Errorf("%s not in files.Figures %v", name, files.Figures)
		}
	}
	html, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`<h2 id="searches">Searches</h2>`, `href="search.csv"`, `src="srch-search-estimate.png"`,
		`src="srch-search-probes.png"`, "perm_score = 0.5", "no-crossing", "12 (11 trained, 1 reused)"} {
		if !bytes.Contains(html, []byte(s)) {
			t.Errorf("index.html lacks %q", s)
		}
	}
	// The search figures are in their section, not twice.
	if n := bytes.Count(html, []byte(`src="srch-search-estimate.png"`)); n != 1 {
		t.Errorf("the estimate figure is shown %d times", n)
	}
	md, err := os.ReadFile(filepath.Join(out, "REPRODUCTION.md"))
	if err != nil {
		t.Fatal(err)
	}
	c6 := claim(r.Claims(), "C6")
	for _, s := range []string{"## C6: Finite-size location of the critical sparsity", "[C6](#c6)", c6.Verdict, "![srch: searched p* vs d](srch-search-estimate.png)"} {
		if !bytes.Contains(md, []byte(s)) {
			t.Errorf("REPRODUCTION.md lacks %q", s)
		}
	}
	// The probes are ordinary points: their groups have phase figures too.
	if len(byKind(r.Figures, "phase-sparsity")) == 0 {
		t.Errorf("no phase-sparsity figure of the probes: %v", r.Figures)
	}
}

// C6 for the fixture: the found bracket contains p*, the Bernoulli–Gaussian
// search finds no crossing; the numbers are computed here.
func TestClaimC6(t *testing.T) {
	fx, cells := searchStore(t)
	r := collect(t, fx.st, Options{Sweeps: []string{"srch"}})
	c := claim(r.Claims(), "C6")
	pstar := theory.CriticalSparsity(theory.TieBreakPlusOne)
	gap := 0.45 - pstar
	samples, grid := 0, 0
	for i := range cells {
		s := SummarizeSearch(&cells[i])
		samples += s.Samples
		grid += s.GridPoints
	}
	if samples != 20 || grid != 36 {
		t.Fatalf("fixture: %d samples, %d grid points", samples, grid)
	}
	if 0.43-0.04 > pstar || pstar > 0.47+0.04 {
		t.Fatal("fixture: the widened bracket should contain p*")
	}
	for _, want := range []string{
		"**holds**: ",
		fmt.Sprintf("srch cell 0 (d=64, r=1): p̂* = 0.45 in [0.43, 0.47], p̂* − p* = %+.3f, the bracket widened by the tolerance 0.04 contains p*", gap),
		"srch cell 1 (bernoulli-gaussian, d=64, r=1): the search finds no crossing, as the theory says",
		fmt.Sprintf("the 2 searches used %d points (19 trained, 1 reused) where grids of the same resolution need %d: %.0f%% fewer",
			samples, grid, 100*(1-float64(samples)/float64(grid))),
		fmt.Sprintf("1 of the %d points hit their step budget", samples),
	} {
		if !strings.Contains(c.Verdict, want) {
			t.Errorf("verdict %q\nlacks %q", c.Verdict, want)
		}
	}
	row := fmt.Sprintf("| srch | 0 | sparse-rademacher | 64 | 1 | perm_score = 0.5 | found | 0.45 | [0.43, 0.47] | %+.3f | contains p* | 6 | 12 (11 + 1) | 18 | %.0f%% | 1 |",
		gap, 100*(1-12.0/18))
	if !contains(c.Table, row) {
		t.Errorf("table %q\nlacks %q", c.Table, row)
	}
	if !strings.Contains(strings.Join(c.Table, "\n"), "| srch | 1 | bernoulli-gaussian | 64 | 1 | perm_score = 0.5 | no-crossing | – |") {
		t.Errorf("table %q lacks the Bernoulli–Gaussian cell", c.Table)
	}
}

// testCell is a linear search cell over sparsity at r = 1 with its
// theory, and one probe per end of the bracket.
func testCell(source string, d float64, status string, est *float64, lo, hi, tol float64) search.Cell {
	s := searchSettings
	s.Tol = tol
	return search.Cell{
		Sweep: "c", Params: map[string]any{"source": source, "arch": "linear", "d": d, "rate": 1.0},
		State: search.State{Settings: s, K: 2, Round: 3, Lo: lo, Hi: hi, Status: status, Estimate: est, Reason: "because",
			Probes: []search.Probe{
				{Value: lo, Mean: 0.2, Samples: []search.Sample{{Seed: 1, PointID: pid(fmt.Sprint(source, d, lo))}}},
				{Value: hi, Mean: 0.8, Samples: []search.Sample{{Seed: 1, PointID: pid(fmt.Sprint(source, d, hi))}}},
			}},
		Seeds: 1, Trained: 2, GridPoints: 10, Theory: search.TheoryCrossings(source, "linear", "sparsity"),
	}
}

// The C6 verdict follows the numbers.
func TestClaimC6Cases(t *testing.T) {
	sr, bg := theory.SourceSparseRademacher, theory.SourceBernoulliGauss
	pstar := theory.CriticalSparsity(theory.TieBreakPlusOne)
	indexed := func(cs ...search.Cell) []search.Cell {
		for i := range cs {
			cs[i].Index = i
		}
		return cs
	}
	absolute := testCell(sr, 64, search.StatusFound, f(0.45), 0.44, 0.46, 0.02)
	absolute.Settings.Criterion = search.Criterion{Metric: "loss", Level: 0.3}
	for _, tc := range []struct {
		name  string
		cells []search.Cell
		want  []string
	}{
		{"far", indexed(testCell(sr, 64, search.StatusFound, f(0.55), 0.54, 0.56, 0.02)), []string{
			"**does not hold as predicted**: ",
			fmt.Sprintf("p̂* − p* = %+.3f, the bracket widened by the tolerance 0.02 lies %.3f above p* (beyond 0.05)", 0.55-pstar, 0.54-0.02-pstar),
		}},
		{"near", indexed(testCell(sr, 64, search.StatusFound, f(0.48), 0.47, 0.49, 0.01)), []string{
			fmt.Sprintf("**located near p***, p̂* − p* from %+.3f to %+.3f: ", 0.48-pstar, 0.48-pstar), fmt.Sprintf("lies %.3f above p* (within 0.05)", 0.47-0.01-pstar),
		}},
		{"below", indexed(testCell(sr, 64, search.StatusFound, f(0.3), 0.29, 0.31, 0.01)), []string{
			"**does not hold as predicted**: ", fmt.Sprintf("lies %.3f below p* (beyond 0.05)", pstar-0.31-0.01),
		}},
		{"approaches", indexed(
			testCell(sr, 32, search.StatusFound, f(0.55), 0.54, 0.56, 0.02),
			testCell(sr, 64, search.StatusFound, f(0.52), 0.51, 0.53, 0.02),
			testCell(sr, 128, search.StatusFound, f(0.50), 0.49, 0.51, 0.02),
		), []string{
			"**approaches p* as d grows**: ",
			fmt.Sprintf("at r=1 (perm_score = 0.5) the gap p̂* − p* goes %+.3f (d=32) → %+.3f (d=64) → %+.3f (d=128): above p* at every d, shrinking as d grows",
				0.55-pstar, 0.52-pstar, 0.50-pstar),
		}},
		{"not shrinking", indexed(
			testCell(sr, 32, search.StatusFound, f(0.52), 0.51, 0.53, 0.02),
			testCell(sr, 64, search.StatusFound, f(0.55), 0.54, 0.56, 0.02),
		), []string{"**does not hold as predicted**: ", "above p* at every d, growing with d"}},
		{"non-monotone", indexed(
			testCell(sr, 64, search.StatusFound, f(0.45), 0.44, 0.46, 0.02),
			testCell(sr, 128, search.StatusNonMonotone, f(0.5), 0.4, 0.6, 0.02),
		), []string{"**holds in 1 of 2 cells**: ", "c cell 1 (d=128, r=1): non-monotone, because"}},
		{"failed", indexed(testCell(sr, 64, search.StatusFailed, nil, 0.3, 0.6, 0.02)), []string{
			"**does not hold as predicted**: ", "c cell 0 (d=64, r=1): failed (because)",
		}},
		{"no crossing on sparse Rademacher", indexed(testCell(sr, 64, search.StatusNoCrossing, nil, 0.3, 0.6, 0.02)), []string{
			"**does not hold as predicted**: ", fmt.Sprintf("the search finds no crossing in [0.3, 0.6], where the theory predicts one at p* = %.3f", pstar),
		}},
		{"Bernoulli–Gaussian crossing", indexed(testCell(bg, 64, search.StatusFound, f(0.5), 0.49, 0.51, 0.02)), []string{
			"**does not hold as predicted**: ", "c cell 0 (bernoulli-gaussian, d=64, r=1): the search finds a crossing (found, p̂ = 0.5 in [0.49, 0.51]) where the theory predicts none",
		}},
		{"searching", indexed(testCell(sr, 64, search.StatusSearching, f(0.5), 0.4, 0.6, 0.02)), []string{
			"**not finished**: ", "still searching (bracket [0.4, 0.6] after 3 rounds)",
		}},
		{"one still searching", indexed(
			testCell(sr, 64, search.StatusFound, f(0.45), 0.44, 0.46, 0.02),
			testCell(sr, 128, search.StatusSearching, f(0.5), 0.4, 0.6, 0.02),
		), []string{"**holds** (1 of 2 cells still searching): "}},
		{"points saved", indexed(testCell(sr, 64, search.StatusFound, f(0.45), 0.44, 0.46, 0.02)), []string{
			"used 2 points (2 trained, 0 reused) where grids of the same resolution need 10: 80% fewer",
		}},
		{"absolute loss level", indexed(absolute), []string{"no data: none of the 1 searched cells"}},
		{"other searches", indexed(func() search.Cell {
			c := testCell(sr, 64, search.StatusFound, f(0.45), 0.44, 0.46, 0.02)
			c.Params["arch"] = "denoiser"
			return c
		}()), []string{"no data: "}},
	} {
		r := &Report{Searches: tc.cells}
		c := claim(r.Claims(), "C6")
		if c.ID != "C6" {
			t.Errorf("%s: no C6", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(c.Verdict, w) {
				t.Errorf("%s: verdict %q\nlacks %q", tc.name, c.Verdict, w)
			}
		}
	}
	if cs := (&Report{}).Claims(); len(cs) != 5 || claim(cs, "C6").ID != "" {
		t.Errorf("a report without searches has claims %d", len(cs))
	}
}

// A grid sweep's report has no search outputs.
func TestGenerateGridUnchanged(t *testing.T) {
	fx := sweepStore(t)
	out := t.TempDir()
	r, files, err := Generate(context.Background(), fx.st, out, GenerateOptions{Options: Options{Sweeps: []string{"a"}}, Reproduction: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Searches != nil || !reflect.DeepEqual(files.Tables, []string{"results.csv", "results.parquet", "groups.csv", "problems.csv", "summary.json"}) {
		t.Errorf("searches %v, tables %v", r.Searches, files.Tables)
	}
	for _, name := range []string{"search.csv", "search-probes.csv"} {
		if _, err := os.Stat(filepath.Join(out, name)); !os.IsNotExist(err) {
			t.Errorf("%s: %v, want none", name, err)
		}
	}
	for _, f := range r.Figures {
		if strings.HasPrefix(f.Kind, "search-") {
			t.Errorf("search figure %s", f.Name)
		}
	}
	for name, absent := range map[string]string{"REPRODUCTION.md": "C6", "index.html": "Searches", "summary.json": "searches"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(absent)) {
			t.Errorf("%s mentions %q", name, absent)
		}
	}
	if n := len(r.Claims()); n != 5 {
		t.Errorf("%d claims", n)
	}
}
