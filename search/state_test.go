package search

import (
	"math"
	"math/rand/v2"
	"testing"
)

// run drives a search with a synthetic metric m(value, seed) until it stops
// and returns the final state and the values trained.
func run(t *testing.T, s Settings, k, seeds int, m func(v float64, seed int) float64) (*State, []float64) {
	t.Helper()
	st := NewState(s, k)
	var trained []float64
	for !st.Done() {
		vs := st.Next()
		if len(vs) == 0 {
			t.Fatalf("round %d: no values to probe but the search is %s", st.Round, st.Status)
		}
		var ps []Probe
		for _, v := range vs {
			trained = append(trained, v)
			p := Probe{Value: v}
			for j := 0; j < seeds; j++ {
				if err := p.Add(s.Criterion, Sample{Seed: uint64(j), PermScore: m(v, j), Converged: true}); err != nil {
					t.Fatal(err)
				}
			}
			ps = append(ps, p)
		}
		st.Update(ps)
		if st.Round > 20 {
			t.Fatal("search does not stop")
		}
	}
	return st, trained
}

func TestStateMonotone(t *testing.T) {
	perm := Criterion{Metric: "perm_score", Level: 0.5}
	for _, c := range []struct {
		name   string
		k      int
		pstar  float64
		rising bool
	}{
		{"bisection", 1, 0.43, true},
		{"trisection", 2, 0.43, true},
		{"k=3", 3, 0.61, true},
		{"falling", 2, 0.3, false},
		{"near the lower end", 1, 0.21, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := Settings{Variable: "sparsity", Lo: 0.2, Hi: 0.8, Criterion: perm, Tol: 0.02}
			// A smooth step of width 0.01 around p*: the interpolated
			// estimate lies inside the final bracket, which holds p*.
			m := func(v float64, _ int) float64 {
				y := 1 / (1 + math.Exp(-(v-c.pstar)/0.01))
				if !c.rising {
					y = 1 - y
				}
				return y
			}
			st, trained := run(t, s, c.k, 1, m)
			if st.Status != StatusFound {
				t.Fatalf("status %s (%s), want found", st.Status, st.Reason)
			}
			if st.Hi-st.Lo > s.Tol+1e-12 || st.Lo > c.pstar || st.Hi < c.pstar {
				t.Errorf("bracket [%g, %g]: want width ≤ %g around %g", st.Lo, st.Hi, s.Tol, c.pstar)
			}
			if e := *st.Estimate; e < st.Lo || e > st.Hi {
				t.Errorf("estimate %g outside its bracket [%g, %g]", e, st.Lo, st.Hi)
			}
			// Round 0 trains k+2 values, each later round k: the rounds k-section needs.
			want := c.k + 2 + (s.Rounds(c.k)-1)*c.k
			if len(trained) > want {
				t.Errorf("%d values trained, want at most %d (%d rounds of k = %d)", len(trained), want, s.Rounds(c.k), c.k)
			}
			if len(trained) >= s.GridValues() {
				t.Errorf("%d values trained, a grid of the same resolution needs %d", len(trained), s.GridValues())
			}
			t.Logf("k=%d: %d values in %d rounds, grid %d; bracket [%g, %g], estimate %g", c.k, len(trained), st.Round, s.GridValues(), st.Lo, st.Hi, *st.Estimate)
		})
	}
}

func TestStateFlat(t *testing.T) {
	// Bernoulli–Gaussian: perm_score ≈ 1/d at every p, no crossing; the
	// search stops after round 0 (both ends and k inside) and says so.
	s := Settings{Variable: "sparsity", Lo: 0.1, Hi: 0.9, Criterion: Criterion{Metric: "perm_score", Level: 0.5}, Tol: 0.02}
	st, trained := run(t, s, 2, 2, func(float64, int) float64 { return 0.012 })
	if st.Status != StatusNoCrossing || st.Estimate != nil {
		t.Fatalf("status %s estimate %v, want no-crossing and no estimate", st.Status, st.Estimate)
	}
	if len(trained) != 4 || st.Round != 1 {
		t.Errorf("%d values in %d rounds, want 4 in 1", len(trained), st.Round)
	}
	t.Log(st.Reason)
}

func TestStateNoisy(t *testing.T) {
	// Seeds disagree near the crossing (noise 0.15 on a step): the
	// seed-averaged metric still brackets p* when the noise is small
	// against the step; with noise large against the step, the search
	// stops as non-monotone instead of looping.
	s := Settings{Variable: "sparsity", Lo: 0.2, Hi: 0.8, Criterion: Criterion{Metric: "perm_score", Level: 0.5}, Tol: 0.02}
	rng := rand.New(rand.NewPCG(1, 2))
	noise := map[[2]float64]float64{}
	m := func(amp float64) func(v float64, seed int) float64 {
		return func(v float64, seed int) float64 {
			key := [2]float64{v, float64(seed)}
			if _, ok := noise[key]; !ok {
				noise[key] = rng.NormFloat64()
			}
			y := 0.0
			if v >= 0.45 {
				y = 1
			}
			return y + amp*noise[key]
		}
	}
	st, _ := run(t, s, 2, 4, m(0.15))
	if st.Status != StatusFound || st.Lo > 0.45 || st.Hi < 0.45 {
		t.Errorf("small noise: status %s, bracket [%g, %g]; want found around 0.45", st.Status, st.Lo, st.Hi)
	}
	clear(noise)
	st, _ = run(t, s, 3, 1, m(2))
	if st.Status != StatusNonMonotone || st.Estimate == nil || st.Round > 2 {
		t.Errorf("large noise: status %s after %d rounds, want non-monotone with an estimate, early", st.Status, st.Round)
	}
	t.Logf("large noise: %s: %s", st.Status, st.Reason)
}

func TestStateNonMonotone(t *testing.T) {
	// A bump: above the level only in (0.4, 0.6). Round 0 (k = 3: 0.2,
	// 0.35, 0.5, 0.65, 0.8) sees two sign changes.
	s := Settings{Variable: "sparsity", Lo: 0.2, Hi: 0.8, Criterion: Criterion{Metric: "perm_score", Level: 0.5}, Tol: 0.02}
	st, trained := run(t, s, 3, 1, func(v float64, _ int) float64 {
		if v > 0.4 && v < 0.6 {
			return 1
		}
		return 0
	})
	if st.Status != StatusNonMonotone || len(trained) != 5 {
		t.Fatalf("status %s after %d values, want non-monotone after 5", st.Status, len(trained))
	}
	if st.Lo != 0.35 || st.Hi != 0.65 || st.Estimate == nil {
		t.Errorf("span [%g, %g], estimate %v: want [0.35, 0.65] and its middle", st.Lo, st.Hi, st.Estimate)
	}
}

func TestStateFailed(t *testing.T) {
	s := Settings{Variable: "sparsity", Lo: 0.2, Hi: 0.8, Criterion: Criterion{Metric: "perm_score", Level: 0.5}, Tol: 0.02}
	st := NewState(s, 1)
	st.Update([]Probe{{Value: 0.2, Failed: 2}, {Value: 0.5}, {Value: 0.8}})
	if st.Status != StatusFailed {
		t.Fatalf("status %s, want failed", st.Status)
	}
}

func TestNextRounds(t *testing.T) {
	s := Settings{Variable: "rate", Lo: 0.25, Hi: 1, Criterion: Criterion{Metric: "loss", Level: 0.4}, Tol: 0.05}
	st := NewState(s, 2)
	if got, want := st.Next(), []float64{0.25, 0.5, 0.75, 1}; !equal(got, want) {
		t.Fatalf("round 0 probes %v, want %v", got, want)
	}
	if s.Rounds(2) != 3 || s.GridValues() != 16 {
		t.Errorf("rounds %d, grid values %d: want 3 (0.75 → 0.25 → 0.083 → 0.028) and 16", s.Rounds(2), s.GridValues())
	}
	if k := (Settings{}).K(8, 2, 2); k != 2 {
		t.Errorf("K(window 8, 2 seeds, 2 cells) = %d, want 2", k)
	}
	if k := (Settings{}).K(1, 3, 2); k != 1 {
		t.Errorf("K(window 1, …) = %d, want 1", k)
	}
}

func TestCriterionBetween(t *testing.T) {
	c := Criterion{Metric: "loss", Level: 0.5, Between: []string{"gauss", "identity"}}
	th := map[string]float64{"gauss": 0.3634, "identity": 0.2308}
	for _, tc := range []struct{ loss, want float64 }{
		{0.3634, 0}, {0.2308, 1}, {0.2971, 0.5}, {0.37, 0}, {0.2, 1},
	} {
		got, err := c.Value(Sample{Loss: tc.loss, Theory: th})
		if err != nil || math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("loss %g: value %g (%v), want %g", tc.loss, got, err, tc.want)
		}
	}
	if _, err := c.Value(Sample{Loss: 0.3, Theory: map[string]float64{"gauss": 0.36}}); err == nil {
		t.Error("missing identity curve: no error")
	}
	for _, bad := range []Criterion{
		{Metric: "mse", Level: 0.5},
		{Metric: "perm_score", Level: 0.5, Between: []string{"gauss", "identity"}},
		{Metric: "loss", Level: 0.5, Between: []string{"gauss", "gauss"}},
		{Metric: "loss", Level: 1.5, Between: []string{"gauss", "identity"}},
		{Metric: "loss", Level: math.NaN()},
	} {
		if bad.Validate() == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12 {
			return false
		}
	}
	return true
}
