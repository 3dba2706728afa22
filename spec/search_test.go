package spec

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/bitsweep/bitsweep/search"
	"github.com/bitsweep/bitsweep/train"
)

func TestParseSearch(t *testing.T) {
	tests := []struct {
		name   string
		yaml   string
		want   search.Settings
		line   int // SearchLine
		cells  int
		axes   []string
		params []map[string]any // CellParams of every cell
		exclud []bool           // CellExcluded of every cell
	}{
		{
			name: "with a grid",
			yaml: `name: s
fixed: {source: sparse-rademacher, arch: linear, rate: 1}
grid:
  d: [32, 64]
search:
  variable: sparsity
  bracket: [0.2, 0.8]
  metric: perm_score
  level: 0.5
  tolerance: 0.025
seeds: 2
`,
			want:   search.Settings{Variable: "sparsity", Lo: 0.2, Hi: 0.8, Criterion: search.Criterion{Metric: "perm_score", Level: 0.5}, Tol: 0.025},
			line:   5,
			cells:  2,
			axes:   []string{"d"},
			params: []map[string]any{{"d": 32}, {"d": 64}},
			exclud: []bool{false, false},
		},
		{
			name:   "without a grid: one cell",
			yaml:   "name: s\nfixed: {source: gaussian, d: 8}\nsearch: {variable: rate, bracket: [0.25, 2], metric: loss, level: 0.3, tolerance: 0.1, probes: 3}\n",
			want:   search.Settings{Variable: "rate", Lo: 0.25, Hi: 2, Criterion: search.Criterion{Metric: "loss", Level: 0.3}, Tol: 0.1, Probes: 3},
			line:   3,
			cells:  1,
			params: []map[string]any{{}},
			exclud: []bool{false},
		},
		{
			name:   "an empty grid is no grid",
			yaml:   "name: s\nfixed: {source: gaussian, d: 8, rate: 1}\ngrid: {}\nsearch: {variable: sparsity, bracket: [0.1, 1], metric: row_peak, level: 1, tolerance: 0.1}\n",
			want:   search.Settings{Variable: "sparsity", Lo: 0.1, Hi: 1, Criterion: search.Criterion{Metric: "row_peak", Level: 1}, Tol: 0.1},
			line:   4,
			cells:  1,
			params: []map[string]any{{}},
			exclud: []bool{false},
		},
		{
			name: "between, level defaults to the midpoint",
			yaml: `name: s
fixed: {source: bernoulli-gaussian, d: 16}
search:
  variable: rate
  bracket: [0.5, 2]
  metric: loss
  between: [gauss, identity]
  tolerance: 0.05
`,
			want:   search.Settings{Variable: "rate", Lo: 0.5, Hi: 2, Criterion: search.Criterion{Metric: "loss", Level: 0.5, Between: []string{"gauss", "identity"}}, Tol: 0.05},
			line:   3,
			cells:  1,
			params: []map[string]any{{}},
			exclud: []bool{false},
		},
		{
			name:   "between with a level",
			yaml:   "name: s\nfixed: {source: bernoulli-gaussian, d: 16, sparsity: 0.3}\nsearch: {variable: rate, bracket: [0.5, 2], metric: loss, between: [denoiser, fixed_point], level: 0.25, tolerance: 0.05}\n",
			want:   search.Settings{Variable: "rate", Lo: 0.5, Hi: 2, Criterion: search.Criterion{Metric: "loss", Level: 0.25, Between: []string{"denoiser", "fixed_point"}}, Tol: 0.05},
			line:   3,
			cells:  1,
			params: []map[string]any{{}},
			exclud: []bool{false},
		},
		{
			// d = 8 would give 0 bits at rate 0.05, but no cell with
			// d = 8 is searched.
			name: "the ends are checked only in the cells that remain",
			yaml: `name: s
fixed: {source: gaussian}
grid:
  d: [8, 64]
  arch: [linear, denoiser]
search: {variable: rate, bracket: [0.05, 1], metric: loss, level: 0.5, tolerance: 0.1}
exclude:
  - {d: 8}
`,
			want:   search.Settings{Variable: "rate", Lo: 0.05, Hi: 1, Criterion: search.Criterion{Metric: "loss", Level: 0.5}, Tol: 0.1},
			line:   6,
			cells:  4,
			axes:   []string{"d", "arch"},
			params: []map[string]any{{"d": 8, "arch": "linear"}, {"d": 8, "arch": "denoiser"}, {"d": 64, "arch": "linear"}, {"d": 64, "arch": "denoiser"}},
			exclud: []bool{true, true, false, false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.yaml), "s.yaml")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if s.Search == nil {
				t.Fatal("Search is nil")
			}
			if !reflect.DeepEqual(*s.Search, tt.want) {
				t.Errorf("Search = %+v, want %+v", *s.Search, tt.want)
			}
			if s.SearchLine != tt.line {
				t.Errorf("SearchLine = %d, want %d", s.SearchLine, tt.line)
			}
			if err := s.Search.Validate(); err != nil {
				t.Errorf("Search.Validate: %v", err)
			}
			var axes []string
			for _, a := range s.Axes {
				axes = append(axes, a.Name)
			}
			if !reflect.DeepEqual(axes, tt.axes) {
				t.Errorf("axes %v, want %v", axes, tt.axes)
			}
			if s.Cells() != tt.cells {
				t.Fatalf("Cells = %d, want %d", s.Cells(), tt.cells)
			}
			if s.Total() != tt.cells*len(s.Seeds) {
				t.Errorf("Total = %d, want cells × seeds = %d", s.Total(), tt.cells*len(s.Seeds))
			}
			for c := range s.Cells() {
				if got := s.CellParams(c); !reflect.DeepEqual(got, tt.params[c]) {
					t.Errorf("CellParams(%d) = %v, want %v", c, got, tt.params[c])
				}
				if got := s.CellExcluded(c); got != tt.exclud[c] {
					t.Errorf("CellExcluded(%d) = %v, want %v", c, got, tt.exclud[c])
				}
				if s.CellExcluded(c) {
					continue
				}
				for _, v := range []float64{s.Search.Lo, (s.Search.Lo + s.Search.Hi) / 2, s.Search.Hi} {
					for _, seed := range s.Seeds {
						if err := s.Probe(c, v, seed).Config.Validate(); err != nil {
							t.Errorf("Probe(%d, %g, %d): %v", c, v, seed, err)
						}
					}
				}
			}
		})
	}
}

// TestProbeIsAGridPoint checks that Probe resolves a point exactly as a grid
// sweep does: the search spec, with the variable added to its grid as the
// last axis, gives the same configs and IDs, cell by cell.
func TestProbeIsAGridPoint(t *testing.T) {
	const search = `name: s
fixed: {source: sparse-rademacher, rate: 1, steps: 300}
grid:
  d: [16, 32]
  arch: [linear, denoiser]
search: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.05}
seeds: [3, 9]
exclude: [{d: 32, arch: denoiser}]
`
	const grid = `name: g
fixed: {source: sparse-rademacher, rate: 1, steps: 300}
grid:
  d: [16, 32]
  arch: [linear, denoiser]
  sparsity: [0.2, 0.45, 0.8]
seeds: [3, 9]
exclude: [{d: 32, arch: denoiser}]
`
	s, err := Parse([]byte(search), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse([]byte(grid), "g.yaml")
	if err != nil {
		t.Fatal(err)
	}
	values := g.Axes[2].Values
	for c := range s.Cells() {
		for j, v := range values {
			for k, seed := range s.Seeds {
				// Combination c of s is combination c·3 + j of g.
				gp, excluded := g.At((c*len(values)+j)*len(g.Seeds) + k)
				if excluded != s.CellExcluded(c) {
					t.Errorf("cell %d: excluded %v, the grid's point %v", c, s.CellExcluded(c), excluded)
				}
				p := s.Probe(c, v.(float64), seed)
				if p.Index != c {
					t.Errorf("Probe(%d, …).Index = %d", c, p.Index)
				}
				if p.Config != gp.Config || p.ID != gp.ID {
					t.Errorf("Probe(%d, %g, %d) = %+v %s, the grid's point %+v %s", c, v, seed, p.Config, p.ID, gp.Config, gp.ID)
				}
				if p.ID != PointID(p.Config) || p.Config != p.Config.Defaults() {
					t.Errorf("Probe(%d, %g, %d): ID or Defaults not applied", c, v, seed)
				}
			}
		}
		for name, v := range s.CellParams(c) {
			p := s.Probe(c, 0.5, 1)
			var got any
			switch name {
			case "d":
				got = p.Config.Dim
			case "arch":
				got = p.Config.Arch
			}
			if got != v {
				t.Errorf("cell %d: CellParams %s = %v, the probe has %v", c, name, v, got)
			}
		}
	}
}

// TestProbeSameIDAsGrid: a probe is an ordinary point. A grid over
// sparsity [0.5] and a search probing 0.5 train the same point, with one ID
// (and so one stored result).
func TestProbeSameIDAsGrid(t *testing.T) {
	g, err := Parse([]byte("name: grid\nfixed: {source: sparse-rademacher, arch: linear, rate: 1, d: 64}\ngrid:\n  sparsity: [0.5]\nseeds: 2\n"), "grid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse([]byte("name: search\nfixed: {source: sparse-rademacher, arch: linear, rate: 1, d: 64}\nsearch: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.025}\nseeds: 2\n"), "search.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pts := g.Points()
	if len(pts) != 2 || s.Cells() != 1 {
		t.Fatalf("%d grid points, %d cells", len(pts), s.Cells())
	}
	for _, gp := range pts {
		p := s.Probe(0, 0.5, gp.Config.Seed)
		if p.ID != gp.ID {
			t.Errorf("seed %d: probe ID %s, grid point ID %s", gp.Config.Seed, p.ID, gp.ID)
		}
	}
	if s.Probe(0, 0.5, 1).ID == s.Probe(0, 0.5, 2).ID || s.Probe(0, 0.5, 1).ID == s.Probe(0, 0.55, 1).ID {
		t.Error("probes of different seeds or values share an ID")
	}
}

func TestSearchMethodsPanic(t *testing.T) {
	s, err := Parse([]byte("name: s\nfixed: {source: gaussian, d: 8, rate: 1}\ngrid: {arch: [linear, denoiser]}\nsearch: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.1}\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse([]byte("name: g\nfixed: {source: gaussian, d: 8, rate: 1}\ngrid: {arch: [linear, denoiser]}\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if g.Cells() != 2 || g.Search != nil || g.SearchLine != 0 {
		t.Errorf("grid spec: %d cells, Search %v, line %d", g.Cells(), g.Search, g.SearchLine)
	}
	tests := []struct {
		name string
		f    func()
	}{
		{"Probe without a search", func() { g.Probe(0, 0.5, 1) }},
		{"Probe below cell 0", func() { s.Probe(-1, 0.5, 1) }},
		{"Probe past the last cell", func() { s.Probe(2, 0.5, 1) }},
		{"CellParams past the last cell", func() { s.CellParams(2) }},
		{"CellExcluded below cell 0", func() { s.CellExcluded(-1) }},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tt.name)
				}
			}()
			tt.f()
		}()
	}
}

// TestSearchKeepsGridMeaning: for a search spec, Total, At and Points are
// the grid's (cells × seeds), with the variable left unset.
func TestSearchKeepsGridMeaning(t *testing.T) {
	s, err := Parse([]byte("name: s\nfixed: {source: gaussian, d: 8}\ngrid: {arch: [linear, denoiser]}\nsearch: {variable: rate, bracket: [0.5, 2], metric: loss, level: 0.5, tolerance: 0.1}\nseeds: 3\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if s.Total() != 6 || len(s.Points()) != 6 {
		t.Errorf("Total %d, %d points; want 6, 6", s.Total(), len(s.Points()))
	}
	if p, _ := s.At(4); p.Config.Arch != "denoiser" || p.Config.Seed != 2 || p.Config.Rate != 0 {
		t.Errorf("At(4) = %+v, want denoiser, seed 2, rate unset", p.Config)
	}
	if s.Fixed != (train.Config{Source: "gaussian", Dim: 8}) {
		t.Errorf("Fixed = %+v", s.Fixed)
	}
}

// TestParseSearchErrors checks the location, path, value and message of
// each problem with a search: block (the malformed corpus has a file for
// each of these too, testdata/malformed/search-*.yaml).
func TestParseSearchErrors(t *testing.T) {
	const h = "name: t\nfixed: {source: sparse-rademacher, d: 16, rate: 1}\n" // lines 1-2
	tests := []struct {
		name      string
		yaml      string
		line, col int
		path      string
		value     string
		msg       string
	}{
		{"not a mapping", h + "search: [sparsity]\n", 3, 9, "search", "", "must be a mapping of variable, bracket"},
		{"empty", h + "search:\n", 3, 1, "search", "", "empty: give variable, bracket"},
		{"unknown key", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.1, metrik: loss}\n", 3, 99, "search.metrik", "", "unknown key (did you mean metric?)"},
		{"a key of search at top level", h + "bracket: [0.2, 0.8]\ngrid: {arch: [linear]}\n", 3, 1, "bracket", "", "bracket goes under search:"},
		{"variable missing", h + "search: {bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.1}\n", 3, 1, "search.variable", "", "required"},
		{"bracket missing", h + "search: {variable: sparsity, metric: perm_score, level: 0.5, tolerance: 0.1}\n", 3, 1, "search.bracket", "", "required"},
		{"metric missing", h + "search: {variable: sparsity, bracket: [0.2, 0.8], level: 0.5, tolerance: 0.1}\n", 3, 1, "search.metric", "", "required"},
		{"level missing", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, tolerance: 0.1}\n", 3, 1, "search.level", "", "required"},
		{"tolerance missing", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5}\n", 3, 1, "search.tolerance", "", "required"},
		{"variable not searchable", h + "search: {variable: lr, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.1}\n", 3, 20, "search.variable", "lr", "cannot be searched"},
		{"variable misspelt", h + "search: {variable: rte, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.1}\n", 3, 20, "search.variable", "rte", "did you mean rate?"},
		{"variable also fixed", h + "search: {variable: rate, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.1}\n", 3, 20, "search.variable", "rate", "also set under fixed (line 2)"},
		{"variable also a grid axis", h + "grid:\n  sparsity: [0.5]\nsearch: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.1}\n", 5, 20, "search.variable", "sparsity", "also a grid axis (line 4)"},
		{"bracket one number", h + "search: {variable: sparsity, bracket: 0.5, metric: perm_score, level: 0.5, tolerance: 0.1}\n", 3, 39, "search.bracket", "0.5", "must be a list [lo, hi]"},
		{"bracket three numbers", h + "search: {variable: sparsity, bracket: [0.1, 0.5, 0.9], metric: perm_score, level: 0.5, tolerance: 0.1}\n", 3, 39, "search.bracket", "[0.1, 0.5, 0.9]", "not 3 values"},
		{"bracket end not a number", h + "search: {variable: sparsity, bracket: [0.2, x], metric: perm_score, level: 0.5, tolerance: 0.1}\n", 3, 45, "search.bracket[1]", "x", "must be a number"},
		{"bracket reversed", h + "search: {variable: sparsity, bracket: [0.8, 0.2], metric: perm_score, level: 0.5, tolerance: 0.1}\n", 3, 39, "search.bracket", "[0.8, 0.2]", "lo = 0.8 must be below hi = 0.2"},
		{"sparsity bracket from 0", h + "search: {variable: sparsity, bracket: [0, 0.5], metric: perm_score, level: 0.5, tolerance: 0.1}\n", 3, 40, "search.bracket", "[0, 0.5]", "sparsity = 0 at the lower end: must be in (0, 1]"},
		{"sparsity bracket past 1", h + "search: {variable: sparsity, bracket: [0.5, 2], metric: perm_score, level: 0.5, tolerance: 0.1}\n", 3, 45, "search.bracket", "[0.5, 2]", "sparsity = 2 at the upper end: must be in (0, 1]"},
		{"rate bracket too low for d", "name: t\nfixed: {source: gaussian, d: 16}\nsearch: {variable: rate, bracket: [0.02, 1], metric: loss, level: 0.5, tolerance: 0.1}\n", 3, 36, "search.bracket", "[0.02, 1]", "rate = 0.02 at the lower end: gives n = round(r·d) = 0 bits at d = 16"},
		{"rate bracket negative", "name: t\nfixed: {source: gaussian, d: 16}\nsearch: {variable: rate, bracket: [-1, 1], metric: loss, level: 0.5, tolerance: 0.1}\n", 3, 36, "search.bracket", "[-1, 1]", "rate = -1 at the lower end: must be > 0"},
		{"metric unknown", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: mse, level: 0.5, tolerance: 0.1}\n", 3, 59, "search.metric", "mse", "unknown metric (want perm_score, loss or row_peak)"},
		{"level outside (0, 1] for perm_score", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 2, tolerance: 0.1}\n", 3, 78, "search.level", "2", "perm_score is in (0, 1]"},
		{"level not a number", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: loss, level: low, tolerance: 0.1}\n", 3, 72, "search.level", "low", "must be a number"},
		{"between without loss", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, between: [gauss, identity], tolerance: 0.1}\n", 3, 80, "search.between", "[gauss, identity]", "only with metric: loss, not perm_score"},
		{"between unknown curve", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: loss, between: [gauss, ident], tolerance: 0.1}\n", 3, 82, "search.between[1]", "ident", "did you mean identity?"},
		{"between the same curve", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: loss, between: [gauss, gauss], tolerance: 0.1}\n", 3, 82, "search.between[1]", "gauss", "two different curves"},
		{"between level past 1", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: loss, between: [gauss, identity], level: 1, tolerance: 0.1}\n", 3, 100, "search.level", "1", "in (0, 1)"},
		{"tolerance zero", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0}\n", 3, 94, "search.tolerance", "0", "must be > 0"},
		{"tolerance the bracket's width", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.6}\n", 3, 94, "search.tolerance", "0.6", "below the bracket's width hi − lo = 0.6"},
		{"tolerance too fine", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 1e-5}\n", 3, 94, "search.tolerance", "1e-5", "must be at least 0.0001"},
		{"probes zero", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.1, probes: 0}\n", 3, 107, "search.probes", "0", "between 1 and 16"},
		{"probes too many", h + "search: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.1, probes: 17}\n", 3, 107, "search.probes", "17", "between 1 and 16"},
		{"exclude the variable", h + "grid: {arch: [linear, denoiser]}\nsearch: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.1}\nexclude: [{sparsity: 0.2}]\n", 5, 12, "exclude[0].sparsity", "", "sparsity is the search variable (line 4)"},
		{"exclusions remove every cell", h + "grid: {arch: [linear]}\nsearch: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.1}\nexclude: [{arch: linear}]\n", 5, 1, "exclude", "", "the exclusions remove the only cell"},
		{"neither grid nor search", h, 1, 1, "grid", "", "required: a sweep needs at least one grid axis, e.g. grid: {sparsity: [0.1, 0.5]} (or a search: block)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.yaml), "t.yaml")
			if s != nil {
				t.Fatal("Parse returned a Spec with an error")
			}
			var el ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("error %v (%T), want an ErrorList", err, err)
			}
			for _, e := range el {
				if e.Path == tt.path && strings.Contains(e.Msg, tt.msg) {
					if e.Line != tt.line || e.Column != tt.col || e.Value != tt.value {
						t.Errorf("%v: at %d:%d with value %q, want %d:%d and %q", e, e.Line, e.Column, e.Value, tt.line, tt.col, tt.value)
					}
					return
				}
			}
			t.Errorf("no error with path %q and message containing %q; got:\n%v", tt.path, tt.msg, el)
		})
	}
}

// TestSearchErrorsAreExact checks whole reports: every problem of the
// block at once, and nothing about the variable besides the bracket's
// problem (no "rate required" when rate is searched but its bracket is
// bad).
func TestSearchErrorsAreExact(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{
			name: "every field bad at once",
			yaml: `name: t
fixed: {source: gaussian, d: 8}
search:
  variable: rate
  bracket: [2, 1]
  metric: perm_scor
  level: .nan
  tolerance: -1
  probes: 99
  k: 3
`,
			want: []string{
				"t.yaml:5:12: search.bracket = [2, 1]: lo = 2 must be below hi = 1",
				"t.yaml:6:11: search.metric = perm_scor: unknown metric (did you mean perm_score?) (want perm_score, loss or row_peak)",
				"t.yaml:7:10: search.level = .nan: must be a finite number",
				"t.yaml:8:14: search.tolerance = -1: must be > 0",
				"t.yaml:9:11: search.probes = 99: must be between 1 and 16 (omit the key to choose it from the window)",
				"t.yaml:10:3: search.k: unknown key (did you mean probes?)",
			},
		},
		{
			name: "both ends bad, in one cell of two",
			yaml: `name: t
fixed: {source: gaussian}
grid:
  d: [4, 64]
search: {variable: rate, bracket: [0.1, 3000], metric: loss, level: 0.5, tolerance: 1}
`,
			want: []string{
				"t.yaml:5:36: search.bracket = [0.1, 3000]: rate = 0.1 at the lower end: gives n = round(r·d) = 0 bits at d = 4 (want 1 to 131072)",
				"t.yaml:5:41: search.bracket = [0.1, 3000]: rate = 3000 at the upper end: gives n = round(r·d) = 192000 bits at d = 64 (want 1 to 131072)",
			},
		},
		{
			name: "other fields still checked at the ends",
			yaml: `name: t
fixed: {source: gaussian, d: 8, rate: 1, lr: -1}
search: {variable: sparsity, bracket: [0.5, 1.5], metric: perm_score, level: 0.5, tolerance: 0.1}
`,
			want: []string{
				"t.yaml:2:46: fixed.lr = -1: must be > 0",
				"t.yaml:3:45: search.bracket = [0.5, 1.5]: sparsity = 1.5 at the upper end: must be in (0, 1]",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "t.yaml")
			var el ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("got %v", err)
			}
			var got []string
			for _, e := range el {
				got = append(got, e.Error())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestSchemaDocSearch keeps the Searches section of SCHEMA.md true: its
// example parses to the cells and settings it describes, and takes the
// rounds and values it claims.
func TestSchemaDocSearch(t *testing.T) {
	md, err := os.ReadFile("SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	var src string
	for _, b := range codeBlocks(string(md)) {
		if strings.Contains(b, "\nsearch:\n") {
			src = b
			break
		}
	}
	if src == "" {
		t.Fatal("no search example in SCHEMA.md")
	}
	s, err := Parse([]byte(src), "c6-critical-sparsity.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Cells() != 4 || s.Search == nil {
		t.Fatalf("%d cells, Search %v; SCHEMA.md says 4 cells", s.Cells(), s.Search)
	}
	const k = 3
	values := 2 + k*s.Search.Rounds(k)
	if s.Search.Rounds(k) != 3 || values != 11 || s.Search.GridValues() != 25 {
		t.Errorf("with k = %d: %d rounds, %d values, a grid of %d; SCHEMA.md says 3, 11 and 25", k, s.Search.Rounds(k), values, s.Search.GridValues())
	}
	// The example file says the same.
	e, err := ParseFile("../examples/c6-critical-sparsity.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(e.Search, s.Search) || !reflect.DeepEqual(e.Axes[0].Values, s.Axes[0].Values) || e.Fixed != s.Fixed {
		t.Errorf("examples/c6-critical-sparsity.yaml and SCHEMA.md differ: %+v, %+v", *e.Search, *s.Search)
	}
}

// TestSearchAtTheLimitStaysCheap: a search of MaxPoints cells (each checked
// at both ends of the bracket) parses in bounded time and memory.
func TestSearchAtTheLimitStaysCheap(t *testing.T) {
	const src = "name: t\nfixed: {source: gaussian, d: 1024}\ngrid:\n  lr: {from: 0.001, to: 1, step: 0.001}\n  steps: {from: 1, to: 1000, step: 1}\n" +
		"search: {variable: rate, bracket: [0.5, 1], metric: loss, level: 0.5, tolerance: 0.1}\n"
	var s *Spec
	var err error
	allocated := measureAlloc(func() { s, err = Parse([]byte(src), "t.yaml") })
	if err != nil {
		t.Fatal(err)
	}
	if s.Cells() != MaxPoints {
		t.Errorf("Cells = %d, want %d", s.Cells(), MaxPoints)
	}
	if allocated > 256<<20 {
		t.Errorf("allocated %d MiB", allocated>>20)
	}
	// One more seed is one too many.
	if _, err := Parse([]byte(src+"seeds: 2\n"), "t.yaml"); err == nil || !strings.Contains(err.Error(), "the search has 2,000,000 cells × seeds") {
		t.Errorf("got %v", err)
	}
}
