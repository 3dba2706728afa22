package spec

import (
	"errors"
	"os"
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics, returns exactly one of a Spec
// and an error, keeps its errors sorted and located, keeps every point of a
// Spec valid, and never allocates absurdly or runs long (512 MiB and 5 s
// are far beyond what any input up to MaxFileSize needs).
func FuzzParse(f *testing.F) {
	f.Add([]byte(head + "grid:\n  sparsity: [0.1, 0.3]\n  rate: {from: 0.5, to: 1, step: 0.5}\nseeds: 2\nexclude:\n  - {sparsity: 0.1, rate: 1}\n"))
	f.Add([]byte(head + "grid:\n  lr: {from: 1e-3, to: 1e-1, num: 5, log: true}\n  arch: [linear, denoiser, multilayer]\n"))
	f.Add([]byte("name: t\nfixed: {source: gaussian, d: 8, rate: 1, arch: multilayer}\ngrid:\n  layers: {from: 1, to: 4, step: 1}\nseeds: [1, 7, 42]\n"))
	f.Add([]byte("name: a\nx: &x [*x]\n"))
	f.Add([]byte("a: &a [1,1,1]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n"))
	f.Add([]byte("name: Bad\nfixed:\n  sparsity: 1.5\n  d: 1.0\ngrid:\n  sparsity: []\n  rte: {from: 1, to: 0}\nseeds: -1\n"))
	f.Add([]byte("- [[[[[[[[]]]]]]]]\n"))
	f.Add([]byte("name: t\ngrid: [sparsity\n"))
	f.Add([]byte{})
	f.Add([]byte("name: s\nfixed: {source: sparse-rademacher, rate: 1}\ngrid: {d: [8, 16]}\nsearch: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.05}\nseeds: 2\n"))
	f.Add([]byte("name: s\nfixed: {source: gaussian, d: 8}\nsearch: {variable: rate, bracket: [0.25, 2], metric: loss, between: [gauss, identity], tolerance: 0.1, probes: 3}\n"))
	f.Add([]byte("name: s\nfixed: {source: gaussian, d: 8}\ngrid: {arch: [linear, denoiser]}\nsearch: {variable: rate, bracket: [0.01, 2], metric: row_peak, level: 0.7, tolerance: 0.1}\nexclude: [{arch: linear}]\n"))
	// The malformed corpus, but for its largest files (which would slow
	// the fuzzer down and are tested by TestMalformedCorpus).
	for _, path := range malformedFiles(f) {
		if b, err := os.ReadFile(path); err == nil && len(b) <= 16<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s *Spec
		var err error
		start := time.Now()
		allocated := measureAlloc(func() { s, err = Parse(data, "fuzz.yaml") })
		if allocated > 512<<20 {
			t.Errorf("Parse allocated %d MiB", allocated>>20)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Parse took %v", d)
		}
		if (s == nil) == (err == nil) {
			t.Fatalf("Parse returned Spec %v and error %v", s, err)
		}
		if err != nil {
			var el ErrorList
			if !errors.As(err, &el) || len(el) == 0 {
				t.Fatalf("error %v is not a non-empty ErrorList", err)
			}
			for i, e := range el {
				if e == nil || e.Msg == "" {
					t.Fatalf("error %d is empty: %#v", i, e)
				}
				if i > 0 && e.Line < el[i-1].Line && e.Line != 0 {
					t.Errorf("errors not sorted by line: %v", el)
				}
			}
			return
		}
		if s.Search != nil {
			checkSearchSpec(t, s)
			return
		}
		total := s.Total()
		if total < 1 || len(s.Seeds) < 1 || len(s.Axes) < 1 {
			t.Fatalf("Spec with %d points, %d seeds, %d axes", total, len(s.Seeds), len(s.Axes))
		}
		for _, i := range []int{0, total / 2, total - 1} {
			p, excluded := s.At(i)
			if !excluded {
				if err := p.Config.Validate(); err != nil {
					t.Errorf("point %d: %v", i, err)
				}
			}
		}
		if total <= 1000 {
			pts := s.Points()
			if len(pts) == 0 || len(pts) > total {
				t.Errorf("%d points of %d", len(pts), total)
			}
			for _, p := range pts {
				if err := p.Config.Validate(); err != nil {
					t.Errorf("point %d: %v", p.Index, err)
				}
			}
		}
	})
}

// checkSearchSpec checks a parsed search spec: valid settings, at least one
// cell, and the probes of a few cells (the first, middle and last that no
// exclusion drops) valid at both ends of the bracket and in the middle.
func checkSearchSpec(t *testing.T, s *Spec) {
	t.Helper()
	if err := s.Search.Validate(); err != nil {
		t.Fatalf("Search %+v: %v", *s.Search, err)
	}
	n := s.Cells()
	if n < 1 || len(s.Seeds) < 1 || s.SearchLine < 1 {
		t.Fatalf("search spec with %d cells, %d seeds, search at line %d", n, len(s.Seeds), s.SearchLine)
	}
	lo, hi := s.Search.Lo, s.Search.Hi
	for _, c := range []int{0, n / 2, n - 1} {
		for c < n && s.CellExcluded(c) {
			c++
		}
		if c == n {
			continue
		}
		for _, v := range []float64{lo, (lo + hi) / 2, hi} {
			p := s.Probe(c, v, s.Seeds[0])
			if err := p.Config.Validate(); err != nil {
				t.Errorf("cell %d at %s = %g: %v", c, s.Search.Variable, v, err)
			}
		}
	}
}
