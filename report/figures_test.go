package report

import (
	"bytes"
	"context"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bitsweep/bitsweep/npy"
	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/theory"
	"github.com/bitsweep/bitsweep/train"
)

// grp is a seed group of the figure tests: loss and perm_score means with
// a fixed SE, three seeds.
func grp(sweep, source, arch string, layers int, p, r, loss, perm float64) Group {
	return Group{
		Config: train.Config{Source: source, Sparsity: p, Rate: r, Dim: 64, Arch: arch, Layers: layers,
			Steps: 100, Batch: 32, LR: 0.01, Optimizer: "adam", Init: "orthogonal", STE: "identity", Schedule: "tail"},
		Sweep: sweep, N: int(r * 64), Count: 3, Seeds: []uint64{1, 2, 3},
		Loss: Stat{Mean: loss, SE: 0.001}, PermScore: Stat{Mean: perm, SE: 0.01},
	}
}

// byKind returns the figures of one kind.
func byKind(figs []Figure, kind string) []Figure {
	var out []Figure
	for _, f := range figs {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

func measured(f Figure) []Series {
	var out []Series
	for _, s := range f.Series {
		if !s.Theory {
			out = append(out, s)
		}
	}
	return out
}

func theoryOf(f Figure) []Series {
	var out []Series
	for _, s := range f.Series {
		if s.Theory {
			out = append(out, s)
		}
	}
	return out
}

func labels(ss []Series) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Label)
	}
	return out
}

// Theory curves are compared with the theory package's functions at the
// same x: they are computed by the same code, so the tolerance is rounding
// only.
const theoryTol = 1e-12

// One architecture: the rates become series of one loss-vs-sparsity panel,
// the sparsities series of one loss-vs-rate panel, and the theory is the
// Gaussian loss, drawn once where it does not depend on the series.
func TestFiguresOneArch(t *testing.T) {
	var gs []Group
	for _, r := range []float64{1, 0.5} {
		for _, p := range []float64{0.3, 0.1, 0.2} {
			gs = append(gs, grp("c1", "bernoulli-gaussian", "linear", 0, p, r, theory.GaussLoss(r)+p/100, 0.05))
		}
	}
	// A group that ran out of budget beside the converged one is not drawn.
	gs = append(gs, unconverged(grp("c1", "bernoulli-gaussian", "linear", 0, 0.2, 1, 0.9, 0.05)))
	figs := Figures(gs)

	sp := byKind(figs, "loss-vs-sparsity")
	if len(sp) != 1 {
		t.Fatalf("%d loss-vs-sparsity figures, want 1", len(sp))
	}
	m := measured(sp[0])
	if got, want := labels(m), []string{"linear, r=0.5", "linear, r=1"}; !slices.Equal(got, want) {
		t.Errorf("series %q, want %q", got, want)
	}
	for _, s := range m {
		if !slices.Equal(s.X, []float64{0.1, 0.2, 0.3}) {
			t.Errorf("%s: x %v, want sorted sparsities", s.Label, s.X)
		}
		r := 0.5
		if strings.HasSuffix(s.Label, "r=1") {
			r = 1
		}
		for i, x := range s.X {
			if want := theory.GaussLoss(r) + x/100; math.Abs(s.Y[i]-want) > theoryTol {
				t.Errorf("%s: y(%v) = %v, want %v", s.Label, x, s.Y[i], want)
			}
			if s.SE[i] != 0.001 || s.Count[i] != 3 {
				t.Errorf("%s: se %v count %v", s.Label, s.SE[i], s.Count[i])
			}
		}
	}
	th := theoryOf(sp[0])
	if got, want := labels(th), []string{"theory: linear, Gaussian loss R_Gauss, r=0.5", "theory: linear, Gaussian loss R_Gauss, r=1"}; !slices.Equal(got, want) {
		t.Fatalf("theory %q, want %q", got, want)
	}
	for i, r := range []float64{0.5, 1} {
		s := th[i]
		if len(s.X) != theoryPoints || s.X[0] != 0.1 || math.Abs(s.X[len(s.X)-1]-0.3) > theoryTol {
			t.Errorf("%s: x from %v to %v (%d points)", s.Label, s.X[0], s.X[len(s.X)-1], len(s.X))
		}
		for _, y := range s.Y {
			if math.Abs(y-(1-2*r/math.Pi)) > theoryTol { // R_Gauss = 1 − 2r/π, science.md §4.1
				t.Fatalf("%s: y = %v, want 1 − 2r/π", s.Label, y)
			}
		}
	}
	if len(sp[0].Marks) != 0 {
		t.Errorf("marks %v on Bernoulli–Gaussian data", sp[0].Marks)
	}

	rt := byKind(figs, "loss-vs-rate")
	if len(rt) != 1 {
		t.Fatalf("%d loss-vs-rate figures, want 1", len(rt))
	}
	if got, want := labels(measured(rt[0])), []string{"linear, p=0.1", "linear, p=0.2", "linear, p=0.3"}; !slices.Equal(got, want) {
		t.Errorf("series %q, want %q", got, want)
	}
	th = theoryOf(rt[0])
	if len(th) != 1 || th[0].Label != "theory: linear, Gaussian loss R_Gauss" {
		t.Fatalf("theory %q, want one R_Gauss curve", labels(th))
	}
	for i, x := range th[0].X {
		if math.Abs(th[0].Y[i]-theory.GaussLoss(x)) > theoryTol {
			t.Errorf("R_Gauss(%v) = %v, want %v", x, th[0].Y[i], theory.GaussLoss(x))
		}
	}
	if n := len(byKind(figs, "phase-sparsity")); n != 1 {
		t.Errorf("%d phase-sparsity figures, want 1", n)
	}
	if n := len(byKind(figs, "phase-rate")); n != 1 {
		t.Errorf("%d phase-rate figures, want 1", n)
	}
	if n := len(byKind(figs, "loss-vs-layers")); n != 0 {
		t.Errorf("%d loss-vs-layers figures without multilayer points", n)
	}
	names := map[string]bool{}
	for _, f := range figs {
		if names[f.Name] {
			t.Errorf("figure name %q twice", f.Name)
		}
		names[f.Name] = true
		if f.XLabel == "" || f.YLabel == "" || f.Title == "" || f.Caption == "" {
			t.Errorf("%s: missing labels: %+v", f.Name, f)
		}
	}
}

// Two architectures: each rate gets its own loss-vs-sparsity panel with
// one series per architecture and the denoiser's MMSE beside R_Gauss.
func TestFiguresSplitByArch(t *testing.T) {
	var gs []Group
	for _, r := range []float64{0.5, 1} {
		for _, p := range []float64{0.1, 0.2, 0.3} {
			gs = append(gs, grp("c3", "bernoulli-gaussian", "linear", 0, p, r, theory.GaussLoss(r), 0.05))
			d := grp("c3", "bernoulli-gaussian", "denoiser", 0, p, r, theory.DenoiserLoss(r, p)+0.01, 0.05)
			d.Config.Denoiser = "learned" // the denoiser's own field: not a label difference
			gs = append(gs, d)
		}
	}
	sp := byKind(Figures(gs), "loss-vs-sparsity")
	if len(sp) != 2 {
		t.Fatalf("%d loss-vs-sparsity figures, want one per rate", len(sp))
	}
	for i, r := range []float64{0.5, 1} {
		f := sp[i]
		if !strings.HasSuffix(f.Title, "r="+num(r)) || !strings.HasSuffix(f.Name, "-r"+num(r)) {
			t.Errorf("panel %d: title %q name %q, want rate %v", i, f.Title, f.Name, r)
		}
		if got, want := labels(measured(f)), []string{"linear", "denoiser"}; !slices.Equal(got, want) {
			t.Errorf("r=%v: series %q, want %q", r, got, want)
		}
		th := theoryOf(f)
		if got, want := labels(th), []string{"theory: linear, Gaussian loss R_Gauss", "theory: denoiser (MMSE)"}; !slices.Equal(got, want) {
			t.Fatalf("r=%v: theory %q, want %q", r, got, want)
		}
		for j, p := range th[1].X {
			// science.md §4.4: the denoiser's loss is MMSE_BG(p, 2r/(π − 2r)).
			if want := theory.MMSEBG(p, 2*r/(math.Pi-2*r)); math.Abs(th[1].Y[j]-want) > 1e-9 {
				t.Errorf("r=%v: denoiser theory at p=%v: %v, want %v", r, p, th[1].Y[j], want)
			}
		}
	}
}

// Sparse Rademacher data: the phase diagram marks p* = 2 − π/2.
func TestFiguresPhaseMark(t *testing.T) {
	var gs []Group
	for _, p := range []float64{0.2, 0.4, 0.6, 0.8} {
		perm := 0.05
		if p > 0.5 {
			perm = 0.95
		}
		gs = append(gs, grp("c2", "sparse-rademacher", "linear", 0, p, 1, 0.3, perm))
	}
	ph := byKind(Figures(gs), "phase-sparsity")
	if len(ph) != 1 {
		t.Fatalf("%d phase figures, want 1", len(ph))
	}
	if len(ph[0].Marks) != 1 || math.Abs(ph[0].Marks[0].X-(2-math.Pi/2)) > theoryTol { // science.md §6
		t.Errorf("marks %+v, want one at 2 − π/2", ph[0].Marks)
	}
	m := measured(ph[0])
	if len(m) != 1 || !slices.Equal(m[0].Y, []float64{0.05, 0.05, 0.95, 0.95}) {
		t.Errorf("perm series %+v", m)
	}
	// The loss figure carries the identity (permutation) curve.
	sp := byKind(Figures(gs), "loss-vs-sparsity")
	th := theoryOf(sp[0])
	if got := labels(th); !slices.Contains(got, "theory: identity encoder (permutation)") {
		t.Fatalf("theory %q lacks the identity encoder", got)
	}
	for _, s := range th {
		if s.Label == "theory: identity encoder (permutation)" {
			for j, p := range s.X {
				if want := theory.IdentityLossSparseRademacher(1, p); math.Abs(s.Y[j]-want) > theoryTol {
					t.Errorf("identity at p=%v: %v, want %v", p, s.Y[j], want)
				}
			}
		}
	}
}

// The multilayer decoder: loss against depth, one series per rate, and the
// state evolution of every depth.
func TestFiguresLayers(t *testing.T) {
	var gs []Group
	for _, r := range []float64{0.5, 1} {
		for l := 1; l <= 3; l++ {
			gs = append(gs, grp("c4", "bernoulli-gaussian", "multilayer", l, 0.1, r, 0.3-0.01*float64(l), 0.05))
		}
	}
	fs := byKind(Figures(gs), "loss-vs-layers")
	if len(fs) != 1 {
		t.Fatalf("%d loss-vs-layers figures, want 1", len(fs))
	}
	if got, want := labels(measured(fs[0])), []string{"multilayer, r=0.5", "multilayer, r=1"}; !slices.Equal(got, want) {
		t.Errorf("series %q, want %q", got, want)
	}
	th := theoryOf(fs[0])
	if len(th) != 2 {
		t.Fatalf("theory %q, want one state evolution per rate", labels(th))
	}
	for i, r := range []float64{0.5, 1} {
		se := theory.StateEvolution(r, 0.1, 3)
		if !slices.Equal(th[i].X, []float64{1, 2, 3}) {
			t.Errorf("r=%v: SE x %v", r, th[i].X)
		}
		for l := range se {
			if th[i].Y[l] != se[l].Loss {
				t.Errorf("r=%v: SE layer %d %v, want %v", r, l+1, th[i].Y[l], se[l].Loss)
			}
		}
	}
}

// A figure needs two x values; a single point draws nothing.
func TestFiguresNeedTwoValues(t *testing.T) {
	gs := []Group{grp("s", "bernoulli-gaussian", "linear", 0, 0.1, 1, 0.4, 0.05)}
	if figs := Figures(gs); len(figs) != 0 {
		t.Errorf("%d figures from one point", len(figs))
	}
}

func TestSpreadIndex(t *testing.T) {
	for _, tc := range []struct {
		n, max int
		want   []int
	}{
		{0, 6, nil},
		{3, 6, []int{0, 1, 2}},
		{6, 6, []int{0, 1, 2, 3, 4, 5}},
		{20, 6, []int{0, 4, 8, 11, 15, 19}},
		{7, 2, []int{0, 6}},
	} {
		if got := spreadIndex(tc.n, tc.max); !slices.Equal(got, tc.want) {
			t.Errorf("spreadIndex(%d, %d) = %v, want %v", tc.n, tc.max, got, tc.want)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"c1-gaussian-loss":               "c1-gaussian-loss",
		"a;b":                            "a-b",
		"idx:train-images-idx3-ubyte.gz": "idx-train-images-idx3-ubyte.gz",
		"../../etc/passwd":               "..-..-etc-passwd",
		"":                               "",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// npyBytes encodes a float32 matrix.
func npyBytes(t *testing.T, rows, cols int, v []float32) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := npy.Write(&b, []int{rows, cols}, v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// artifactStore is a sweep "h" of three linear points with B.npy and
// curve.csv: a scaled permutation (perm 1), a flat matrix (perm 1/3) and a
// second seed.
func artifactStore(t *testing.T) (*fixture, []results.Record) {
	fx := newFixture(t)
	perm := []float32{0, 2, 0, 0, 0, -3, 5, 0, 0}
	flat := []float32{1, -1, 1, 1, 1, -1, -1, 1, 1}
	var recs []results.Record
	for i, m := range []struct {
		name string
		seed uint64
		p    float64
		perm float64
		b    []float32
	}{{"perm", 1, 0.9, 1, perm}, {"flat", 1, 0.1, 1.0 / 3, flat}, {"seed2", 2, 0.5, 0.5, flat}} {
		c := cfg(m.seed, 1)
		c.Arch, c.Layers, c.Dim, c.Sparsity, c.Source = "linear", 0, 3, m.p, "sparse-rademacher"
		rec := record(m.name, c, 0.3+float64(i)/10, theory.Prediction{})
		rec.Result.N = 3
		rec.Result.Minimizer.PermScore = m.perm
		fx.artifact(&rec, "B.npy", npyBytes(t, 3, 3, m.b))
		fx.artifact(&rec, "curve.csv", []byte("step,loss,train_loss,lr,seconds\n0,1,1,0.01,0\n1,0.8,0.8,0.01,0.1\n10,0.5,0.5,0.01,1\n"))
		fx.result(rec)
		recs = append(recs, rec)
	}
	fx.manifest("h", recs[0].PointID, recs[1].PointID, recs[2].PointID)
	return fx, recs
}

func TestHeatmap(t *testing.T) {
	fx, recs := artifactStore(t)
	r := collect(t, fx.st, Options{Sweeps: []string{"h"}})
	picked := HeatmapPoints(r.Rows, []string{recs[2].PointID, "unknown"})
	var ids []string
	for _, row := range picked {
		ids = append(ids, row.PointID)
	}
	// Lowest seed: min perm (flat), max perm (perm); then the extra ID.
	if want := []string{recs[1].PointID, recs[0].PointID, recs[2].PointID}; !slices.Equal(ids, want) {
		t.Fatalf("picked %v, want %v", ids, want)
	}
	f, err := Heatmap(context.Background(), fx.st, picked[1])
	if err != nil {
		t.Fatal(err)
	}
	// |B_ij| / ‖B_i‖ of the scaled permutation: one 1 per row.
	want := []float64{0, 1, 0, 0, 0, 1, 1, 0, 0}
	if f.Heat.Rows != 3 || f.Heat.Cols != 3 || !slices.Equal(f.Heat.Values, want) {
		t.Errorf("heat %d×%d %v, want %v", f.Heat.Rows, f.Heat.Cols, f.Heat.Values, want)
	}
	if f.Heat.Max != 1 {
		t.Errorf("colour scale max %v, want 1", f.Heat.Max)
	}
	f, err = Heatmap(context.Background(), fx.st, picked[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range f.Heat.Values {
		if math.Abs(v-1/math.Sqrt(3)) > 1e-7 { // flat rows of ±1: every entry 1/√3 (float32 data)
			t.Fatalf("flat heat %v, want 1/√3 everywhere", f.Heat.Values)
		}
	}
}

func TestCurves(t *testing.T) {
	fx, _ := artifactStore(t)
	r := collect(t, fx.st, Options{Sweeps: []string{"h"}})
	cp := CurvePoints(r.Rows)
	if len(cp["h"]) != 2 {
		t.Fatalf("curve points %d, want the 2 of the lowest seed", len(cp["h"]))
	}
	f, err := Curves(context.Background(), fx.st, "h", cp["h"])
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Series) != 2 || !f.XLog {
		t.Fatalf("curves %+v", f)
	}
	// Step 0 is dropped (log axis).
	if s := f.Series[0]; !slices.Equal(s.X, []float64{1, 10}) || !slices.Equal(s.Y, []float64{0.8, 0.5}) {
		t.Errorf("curve %v %v", s.X, s.Y)
	}
	if _, err := parseCurve([]byte("step,loss\n1,x\n")); err == nil || !strings.Contains(err.Error(), `loss "x"`) {
		t.Errorf("bad curve: err %v", err)
	}
	if _, err := parseCurve([]byte("a,b\n")); err == nil {
		t.Error("bad header accepted")
	}
}

// Generate writes tables, every figure as PNG and SVG, index.html and
// REPRODUCTION.md; a damaged artifact leaves its figure out with a warning.
func TestGenerate(t *testing.T) {
	fx, recs := artifactStore(t)
	// Damage the permutation's B.npy on disk: its heat map is left out.
	flip(t, filepath.Join(fx.dir, filepath.FromSlash(recs[0].Artifacts["B.npy"].Key)))
	out := t.TempDir()
	r, files, err := Generate(context.Background(), fx.st, out, GenerateOptions{
		Options: Options{Sweeps: []string{"h"}}, Reproduction: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], recs[0].PointID) {
		t.Errorf("warnings %q, want one about %s", r.Warnings, recs[0].PointID)
	}
	kinds := map[string]int{}
	for _, f := range r.Figures {
		kinds[f.Kind]++
	}
	// 3 sparsities of one linear SR config: loss-vs-sparsity, phase-sparsity,
	// the flat point's heat map (the damaged one is left out), curves.
	want := map[string]int{"loss-vs-sparsity": 1, "phase-sparsity": 1, "heatmap": 1, "curves": 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s figures, want %d (all: %v)", kinds[k], k, n, kinds)
		}
	}
	if len(files.Figures) != 2*len(r.Figures) {
		t.Errorf("%d figure files for %d figures", len(files.Figures), len(r.Figures))
	}
	for _, name := range files.Figures {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(name) {
		case ".png":
			cfg, err := png.DecodeConfig(bytes.NewReader(b))
			if err != nil || cfg.Width < 600 || cfg.Height < 400 {
				t.Errorf("%s: %v, %dx%d", name, err, cfg.Width, cfg.Height)
			}
		case ".svg":
			if !bytes.Contains(b[:min(len(b), 200)], []byte("<svg")) {
				t.Errorf("%s does not start as an SVG: %.100q", name, b)
			}
		}
	}
	html, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Figures {
		if !bytes.Contains(html, []byte(`src="`+f.Name+`.png"`)) {
			t.Errorf("index.html lacks %s", f.Name)
		}
	}
	// Offline: nothing is loaded from elsewhere.
	for _, ext := range []string{"http://", "https://", "//cdn"} {
		if bytes.Contains(html, []byte(ext)) {
			t.Errorf("index.html references %q", ext)
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "REPRODUCTION.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"## C1:", "## C2:", "## C3:", "## C4:", "## C5:", "no data", "phase-sparsity"} {
		if !bytes.Contains(md, []byte(s)) {
			t.Errorf("REPRODUCTION.md lacks %q", s)
		}
	}
	for _, name := range files.Tables {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
}

// A group shared by two sweeps is drawn in each sweep's figures: sweep a's
// curve keeps its shared point, and no figure is labelled "a;b".
func TestFiguresSharedGroup(t *testing.T) {
	gs := []Group{
		grp("a", "bernoulli-gaussian", "linear", 0, 0.1, 1, 0.37, 0.01),
		grp("a;b", "bernoulli-gaussian", "linear", 0, 0.2, 1, 0.365, 0.01),
		grp("b", "bernoulli-gaussian", "linear", 0, 0.3, 1, 0.364, 0.01),
	}
	for _, f := range byKind(Figures(gs), "loss-vs-sparsity") {
		if strings.Contains(f.Sweep, ";") {
			t.Errorf("figure %s of sweep %q", f.Name, f.Sweep)
		}
		for _, s := range measured(f) {
			if want := map[string][]float64{"a": {0.1, 0.2}, "b": {0.2, 0.3}}[f.Sweep]; !slices.Equal(s.X, want) {
				t.Errorf("sweep %s: x %v, want %v", f.Sweep, s.X, want)
			}
		}
	}
	if n := len(byKind(Figures(gs), "loss-vs-sparsity")); n != 2 {
		t.Errorf("%d loss-vs-sparsity figures, want one per sweep", n)
	}
}

// A point shared by two sweeps is a candidate in each: sweep a's curves
// and heatmaps are chosen among all of a's points.
func TestArtifactPointsShared(t *testing.T) {
	rows := []Row{
		{PointID: "p1", Sweep: "a", Arch: "linear", Seed: 1, N: 4, Dim: 4, PermScore: 0.1, KeyB: "k1", KeyCurve: "c1"},
		{PointID: "p2", Sweep: "a;b", Arch: "linear", Seed: 1, N: 4, Dim: 4, PermScore: 0.9, KeyB: "k2", KeyCurve: "c2"},
	}
	cp := CurvePoints(rows)
	if len(cp["a"]) != 2 || len(cp["b"]) != 1 || len(cp["a;b"]) != 0 {
		t.Errorf("curve points per sweep: %v", cp)
	}
	var ids []string
	for _, r := range HeatmapPoints(rows, nil) {
		ids = append(ids, r.PointID+"@"+r.Sweep)
	}
	// a: the rotation p1 and the permutation p2; b: p2 again, drawn once.
	if got := strings.Join(ids, " "); got != "p1@a p2@a" {
		t.Errorf("heatmap points %s, want p1@a p2@a", got)
	}
}
