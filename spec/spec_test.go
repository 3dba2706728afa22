package spec

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/bitsweep/bitsweep/train"
)

// want is the part of a point a test checks.
type want struct {
	index    int
	sparsity float64
	rate     float64
	arch     string
	layers   int
	seed     uint64
}

func TestParseExpands(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		total int
		want  []want
	}{
		{
			name: "axes in file order, last fastest, seeds fastest of all",
			yaml: `
name: order
fixed: {source: gaussian, d: 8, rate: 1}
grid:
  sparsity: [0.5, 1]
  arch: [linear, multilayer]
seeds: [7, 9]
`,
			total: 8,
			want: []want{
				{0, 0.5, 1, "linear", 1, 7}, {1, 0.5, 1, "linear", 1, 9},
				{2, 0.5, 1, "multilayer", 3, 7}, {3, 0.5, 1, "multilayer", 3, 9},
				{4, 1, 1, "linear", 1, 7}, {5, 1, 1, "linear", 1, 9},
				{6, 1, 1, "multilayer", 3, 7}, {7, 1, 1, "multilayer", 3, 9},
			},
		},
		{
			name: "exclusions keep the full-order index",
			yaml: `
name: excl
fixed: {source: bernoulli-gaussian, d: 16}
grid:
  arch: [linear, denoiser]
  sparsity: [0.1, 0.9]
  rate: {from: 0.5, to: 1, step: 0.5}
exclude:
  - {arch: linear, sparsity: 0.9}
  - {rate: 0.5, arch: denoiser}
`,
			total: 8,
			want: []want{
				{0, 0.1, 0.5, "linear", 1, 1}, {1, 0.1, 1, "linear", 1, 1},
				{5, 0.1, 1, "denoiser", 1, 1}, {7, 0.9, 1, "denoiser", 1, 1},
			},
		},
		{
			name: "seed count, defaults applied, one axis",
			yaml: `
name: seeds
fixed: {source: gaussian, d: 4, arch: multilayer, sparsity: 0.25}
grid:
  rate: [2]
seeds: 3
`,
			total: 3,
			want:  []want{{0, 0.25, 2, "multilayer", 3, 1}, {1, 0.25, 2, "multilayer", 3, 2}, {2, 0.25, 2, "multilayer", 3, 3}},
		},
		{
			name: "layers as an axis with arch fixed",
			yaml: `
name: depth
fixed: {source: gaussian, d: 8, rate: 1, arch: multilayer}
grid:
  layers: {from: 1, to: 3, step: 1}
`,
			total: 3,
			want:  []want{{0, 1, 1, "multilayer", 1, 1}, {1, 1, 1, "multilayer", 2, 1}, {2, 1, 1, "multilayer", 3, 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.yaml), "t.yaml")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := s.Total(); got != tt.total {
				t.Errorf("Total = %d, want %d", got, tt.total)
			}
			pts := s.Points()
			if len(pts) != len(tt.want) {
				t.Fatalf("%d points, want %d: %+v", len(pts), len(tt.want), pts)
			}
			for i, w := range tt.want {
				p := pts[i]
				c := p.Config
				got := want{p.Index, c.Sparsity, c.Rate, c.Arch, c.Layers, c.Seed}
				if got != w {
					t.Errorf("point %d = %+v, want %+v", i, got, w)
				}
				if c != c.Defaults() {
					t.Errorf("point %d: Defaults not applied: %+v", i, c)
				}
				if err := c.Validate(); err != nil {
					t.Errorf("point %d: %v", i, err)
				}
				if p.ID != PointID(c) {
					t.Errorf("point %d: ID %s, want PointID(Config) %s", i, p.ID, PointID(c))
				}
			}
			checkAtAgrees(t, s, pts)
			if string(s.Raw) != tt.yaml {
				t.Errorf("Raw is not the input")
			}
		})
	}
}

// checkAtAgrees checks that At(i), over every i < Total, gives exactly the
// points of Points (as not excluded) and no others.
func checkAtAgrees(t *testing.T, s *Spec, pts []Point) {
	t.Helper()
	k := 0
	for i := range s.Total() {
		p, excluded := s.At(i)
		if p.Index != i {
			t.Errorf("At(%d).Index = %d", i, p.Index)
		}
		if excluded {
			if k < len(pts) && pts[k].Index == i {
				t.Errorf("At(%d) excluded, but Points has it", i)
			}
			continue
		}
		if k >= len(pts) || !reflect.DeepEqual(p, pts[k]) {
			t.Errorf("At(%d) = %+v, not Points()[%d]", i, p, k)
			continue
		}
		k++
	}
	if k != len(pts) {
		t.Errorf("At gives %d points, Points %d", k, len(pts))
	}
}

func TestParseFields(t *testing.T) {
	const src = `
name: fields.v1_x
description: |
  two
  lines
fixed:
  source: sparse-rademacher
  d: 32
  lr: 0.01
  refit: true
  optimizer: sgd
grid:
  sparsity: [0.2, 0.4]
  rate: {from: 0.25, to: 0.75, num: 3}
  steps: [100, 200]
seeds: [42, 0]
exclude:
  - {steps: 200}
`
	s, err := Parse([]byte(src), "fields.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "fields.v1_x" || s.Description != "two\nlines\n" {
		t.Errorf("Name %q, Description %q", s.Name, s.Description)
	}
	wantFixed := train.Config{Source: "sparse-rademacher", Dim: 32, LR: 0.01, Refit: true, Optimizer: "sgd"}
	if s.Fixed != wantFixed {
		t.Errorf("Fixed = %+v, want %+v", s.Fixed, wantFixed)
	}
	wantAxes := []Axis{
		{Name: "sparsity", Values: []any{0.2, 0.4}, Line: 13},
		{Name: "rate", Values: []any{0.25, 0.5, 0.75}, Line: 14},
		{Name: "steps", Values: []any{100, 200}, Line: 15},
	}
	if !reflect.DeepEqual(s.Axes, wantAxes) {
		t.Errorf("Axes = %+v, want %+v", s.Axes, wantAxes)
	}
	if !reflect.DeepEqual(s.Seeds, []uint64{42, 0}) {
		t.Errorf("Seeds = %v", s.Seeds)
	}
	if !reflect.DeepEqual(s.Exclude, []map[string]any{{"steps": 200}}) {
		t.Errorf("Exclude = %v", s.Exclude)
	}
	if s.Total() != 24 || len(s.Points()) != 12 {
		t.Errorf("Total %d, %d points; want 24, 12", s.Total(), len(s.Points()))
	}
	for _, p := range s.Points() {
		if p.Config.Steps != 100 {
			t.Errorf("point %d has steps %d, excluded", p.Index, p.Config.Steps)
		}
	}
	checkAtAgrees(t, s, s.Points())
}

func TestImageSourcePaths(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "images.idx"), []byte("not really idx"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "specs"), 0o755); err != nil {
		t.Fatal(err)
	}
	specPath := filepath.Join(dir, "specs", "img.yaml")
	src := `name: img
fixed: {rate: 0.5}
grid:
  source: [idx:../images.idx, "cifar10:` + dir + `", idx:../missing.idx]
`
	if err := os.WriteFile(specPath, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ParseFile(specPath)
	el, ok := err.(ErrorList)
	if !ok || len(el) != 1 {
		t.Fatalf("want one error (the missing file), got %v", err)
	}
	missing := filepath.Join(dir, "missing.idx")
	if e := el[0]; e.Path != "grid.source[2]" || e.Line != 4 || !strings.Contains(e.Msg, missing) {
		t.Errorf("error %v: want grid.source[2] at line 4 naming %s", e, missing)
	}

	src = strings.Replace(src, ", idx:../missing.idx", "", 1)
	if err := os.WriteFile(specPath, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := ParseFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	wantVals := []any{"idx:" + filepath.Join(dir, "images.idx"), "cifar10:" + dir}
	if !reflect.DeepEqual(s.Axes[0].Values, wantVals) {
		t.Errorf("source values %v, want %v (absolute)", s.Axes[0].Values, wantVals)
	}
	if got := s.Points()[0].Config.Dim; got != 0 {
		t.Errorf("image point d = %d, want 0 (the file's)", got)
	}
}

func TestAtOutOfRangePanics(t *testing.T) {
	s, err := Parse([]byte("name: a\nfixed: {source: gaussian, d: 2}\ngrid: {rate: [1]}\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{-1, 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("At(%d) did not panic", i)
				}
			}()
			s.At(i)
		}()
	}
}

func TestHandBuiltSpec(t *testing.T) {
	// A Spec need not come from Parse: At and Points work from the
	// exported fields alone.
	s := &Spec{
		Fixed: train.Config{Source: "gaussian", Dim: 8},
		Axes: []Axis{
			{Name: "rate", Values: []any{0.5, 1.0}},
			{Name: "arch", Values: []any{"linear", "denoiser"}},
		},
		Seeds:   []uint64{5},
		Exclude: []map[string]any{{"arch": "denoiser", "rate": 0.5}, {"nosuch": 1}},
	}
	pts := s.Points()
	if len(pts) != 3 || pts[0].Index != 0 || pts[1].Index != 2 || pts[2].Index != 3 {
		t.Fatalf("points %+v", pts)
	}
	checkAtAgrees(t, s, pts)
}

func TestParseFileErrors(t *testing.T) {
	_, err := ParseFile(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want a not-exist error", err)
	}
	big := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+10), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ParseFile(big)
	if el, ok := err.(ErrorList); !ok || !strings.Contains(el.Error(), "1 MiB") {
		t.Errorf("big file: %v", err)
	}
}
