package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExampleSpecs parses every spec in examples/ and checks its size: the
// points of a grid spec, the cells and seeds of a search spec (whose
// Points keep only their grid meaning), every probe at both ends of the
// bracket valid. A spec whose image data is not installed must fail naming
// the path.
func TestExampleSpecs(t *testing.T) {
	files, err := filepath.Glob("../examples/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	points := map[string]int{
		"quickstart.yaml":         24,
		"c1-gaussian-loss.yaml":   80,
		"c2-transition.yaml":      54,
		"c2-transition-d256.yaml": 26,
		"c3-denoiser.yaml":        80,
		"c4-depth.yaml":           16,
		"c5-images.yaml":          12,
	}
	searches := map[string]struct{ cells, seeds int }{
		"c6-critical-sparsity.yaml": {4, 2},
		"c6-leaves-rotation.yaml":   {4, 2},
	}
	seen := 0
	for _, f := range files {
		base := filepath.Base(f)
		t.Run(base, func(t *testing.T) {
			s, err := ParseFile(f)
			if img := imagePath(t, f); img != "" {
				if _, statErr := os.Stat(img); statErr != nil {
					if err == nil || !strings.Contains(err.Error(), img) {
						t.Errorf("%s is missing, and the error %v does not name it", img, err)
					}
					t.Skipf("%s is not installed", img)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Search != nil {
				want, ok := searches[base]
				if !ok {
					t.Fatalf("a search spec missing from the table of searches")
				}
				seen++
				if s.Cells() != want.cells || len(s.Seeds) != want.seeds {
					t.Errorf("%d cells × %d seeds, want %d × %d", s.Cells(), len(s.Seeds), want.cells, want.seeds)
				}
				for c := range s.Cells() {
					if s.CellExcluded(c) {
						continue
					}
					for _, v := range []float64{s.Search.Lo, s.Search.Hi} {
						if p := s.Probe(c, v, s.Seeds[0]); p.Config.Validate() != nil {
							t.Errorf("cell %d at %s = %g: %v", c, s.Search.Variable, v, p.Config.Validate())
						}
					}
				}
			} else if want, ok := points[base]; ok {
				seen++
				if got := len(s.Points()); got != want {
					t.Errorf("%d points, want %d", got, want)
				}
			}
			if s.Name+".yaml" != base {
				t.Errorf("name %q does not match the file name", s.Name)
			}
		})
	}
	if len(files) < len(points)+len(searches) {
		t.Errorf("%d example files, want at least %d", len(files), len(points)+len(searches))
	}
}

// imagePath returns the image-data path a spec file's fixed source names,
// or "".
func imagePath(t *testing.T, file string) string {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		for _, prefix := range []string{"source: idx:", "source: cifar10:"} {
			if p, ok := strings.CutPrefix(line, prefix); ok {
				return p
			}
		}
	}
	return ""
}

func TestQuickstartShape(t *testing.T) {
	s, err := ParseFile("../examples/quickstart.yaml")
	if err != nil {
		t.Fatal(err)
	}
	arches := map[string]int{}
	for _, p := range s.Points() {
		c := p.Config
		arches[c.Arch]++
		if c.Dim > 64 || c.Steps > 400 || c.Batch > 128 {
			t.Errorf("point %d is larger than the 2-minute budget allows: %+v", p.Index, c)
		}
		if c.Source != "bernoulli-gaussian" {
			t.Errorf("point %d: source %s", p.Index, c.Source)
		}
	}
	if len(arches) != 3 || arches["multilayer"] != 8 {
		t.Errorf("architectures %v, want 8 points of each of 3", arches)
	}
}
