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
