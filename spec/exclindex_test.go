package spec

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestExclIndexMatchesLikeMatches compares the indexed matcher with the
// plain one on random grids and exclusions, every combination of each.
func TestExclIndexMatchesLikeMatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		lens := make([]int, 1+rng.IntN(4))
		for k := range lens {
			lens[k] = 1 + rng.IntN(5)
		}
		excl := make([]exclusion, rng.IntN(8))
		for i := range excl {
			for k := range lens {
				if rng.IntN(2) == 0 {
					excl[i] = append(excl[i], exclTerm{k, rng.IntN(lens[k])})
				}
			}
			if len(excl[i]) == 0 && rng.IntN(10) > 0 {
				excl[i] = exclusion{{0, rng.IntN(lens[0])}}
			}
		}
		x := newExclIndex(lens, excl)
		idx := make([]int, len(lens))
		for {
			if got, want := x.matches(idx), matches(excl, idx); got != want {
				t.Fatalf("trial %d: lens %v, exclusions %v, combination %v: indexed %v, plain %v", trial, lens, excl, idx, got, want)
			}
			k := len(idx) - 1
			for ; k >= 0; k-- {
				if idx[k]++; idx[k] < lens[k] {
					break
				}
				idx[k] = 0
			}
			if k < 0 {
				break
			}
		}
	}
}

// TestExclusionsAtTheWorkLimitAreCheap: a million combinations and a
// hundred exclusions (the most maxExclusionWork allows) used to cost 10⁸
// term comparisons per walk, two walks per Parse (seconds; more under the
// fuzzer, which flagged it); filed by term, a combination tries one.
func TestExclusionsAtTheWorkLimitAreCheap(t *testing.T) {
	var b []byte
	b = append(b, "name: t\nfixed: {source: gaussian, d: 1024}\ngrid:\n  sparsity: {from: 0.001, to: 1, step: 0.001}\n  rate: {from: 0.01, to: 10, step: 0.01}\nexclude:\n"...)
	for i := range 100 {
		b = append(b, "  - {sparsity: "...)
		b = append(b, fmtFloat(sig12(float64(i+1)/1000))...)
		b = append(b, ", rate: 5}\n"...)
	}
	start := time.Now()
	s, err := Parse(b, "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Total() != 1_000_000 || len(s.Exclude) != 100 {
		t.Fatalf("Total %d, %d exclusions", s.Total(), len(s.Exclude))
	}
	n := 0
	forEachCombo([]int{1000, 1000}, s.exclusions(), func(int, []int) bool { n++; return true })
	if n != 1_000_000-100 {
		t.Errorf("%d combinations left, want %d", n, 1_000_000-100)
	}
	t.Logf("Parse took %v", time.Since(start))
}
