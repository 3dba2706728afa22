package report

import (
	"math"
	"testing"

	"github.com/bitsweep/bitsweep/storage/union"
	"github.com/bitsweep/bitsweep/theory"
)

// TestCollectUnion: one sweep whose points were trained on two machines,
// each writing its own store (both hold the manifest), reads as one sweep
// through storage/union, with the digest off as `starter report` sets it.
func TestCollectUnion(t *testing.T) {
	one, two := newFixture(t), newFixture(t)
	th := theory.Prediction{Gauss: f(0.36), Expected: f(0.3)}
	for i, loss := range []float64{0.30, 0.32, 0.34} {
		fx := one
		if i == 2 {
			fx = two
		}
		rec := record([]string{"s1", "s2", "s3"}[i], cfg(uint64(i+1), 1), loss, th)
		fx.artifact(&rec, "B.npy", []byte("B of "+rec.PointID))
		fx.result(rec)
	}
	two.result(record("n1", cfg(1, 0.5), 0.5, theory.Prediction{}))
	for _, fx := range []*fixture{one, two} {
		fx.manifest("a", pid("s1"), pid("s2"), pid("s3"), pid("n1"))
	}
	u, err := union.New(one.st, two.st)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Sweeps: []string{"a"}, NoDigest: true, Verify: true}
	got := collect(t, u, o)
	if len(got.Problems) != 0 {
		t.Errorf("union: problems %v", got.Problems)
	}
	ids := rowIDs(got)
	want := []string{pid("s1"), pid("s2"), pid("s3"), pid("n1")}
	if !sameSet(ids, want) {
		t.Errorf("union rows %v, want %v", ids, want)
	}
	// The seeds split between the stores form one group: losses 0.30, 0.32,
	// 0.34 have mean 0.32 and standard error 0.02/√3.
	var stats []Stat
	for _, g := range got.Groups {
		stats = append(stats, g.Loss)
	}
	if want := []Stat{{Mean: 0.32, SE: 0.02 / math.Sqrt(3)}, {Mean: 0.5}}; len(stats) != 2 ||
		math.Abs(stats[0].Mean-want[0].Mean) > 1e-12 || math.Abs(stats[0].SE-want[0].SE) > 1e-12 || stats[1] != want[1] {
		t.Errorf("union groups %v, want %v", stats, want)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		if m[s] == 0 {
			return false
		}
		m[s]--
	}
	return true
}
