package theory

import (
	"encoding/json"
	"math"
	"testing"
)

func TestPredict(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	pStar := CriticalSparsity(TieBreakPlusOne)
	for _, c := range []struct {
		source, arch string
		r, p         float64
		layers       int

		// Which fields must be present; expected value (NaN = nil).
		identity, denoiser, fixed, crit bool
		nLayers                         int
		expected                        float64
	}{
		{"bernoulli-gaussian", "linear", 1, 0.1, 0, true, true, true, false, 0, GaussLoss(1)},
		{"bernoulli-gaussian", "linear", 2, 0.1, 0, false, false, false, false, 0, GaussLoss(2)},
		{"bernoulli-gaussian", "denoiser", 0.5, 0.1, 0, true, true, true, false, 0, 0.4021},
		{"bernoulli-gaussian", "denoiser", 1.5, 0.1, 0, false, false, false, false, 0, nan},
		{"bernoulli-gaussian", "multilayer", 1, 0.1, 3, true, true, true, false, 3, 0.0681},
		{"bernoulli-gaussian", "multilayer", 1, 0.1, 0, true, true, true, false, 0, nan},
		{"bernoulli-gaussian", "linear", 1, 0, 0, false, false, false, false, 0, nan},
		{"gaussian", "denoiser", 1, 0.1, 0, true, true, true, false, 0, GaussLoss(1)},
		{"gaussian", "multilayer", 0.5, 0.1, 2, true, true, true, false, 2, GaussLoss(0.5)},
		{"sparse-rademacher", "linear", 1, 0.3, 0, true, false, false, true, 0, GaussLoss(1)},
		{"sparse-rademacher", "linear", 1, 0.8, 0, true, false, false, true, 0, IdentityLossSparseRademacher(1, 0.8)},
		{"sparse-rademacher", "linear", 0.5, pStar + 1e-9, 0, true, false, false, true, 0, IdentityLossSparseRademacher(0.5, pStar+1e-9)},
		{"sparse-rademacher", "linear", 2, 0.3, 0, false, false, false, true, 0, GaussLoss(2)},
		{"sparse-rademacher", "linear", 2, 0.9, 0, false, false, false, true, 0, nan},
		{"sparse-rademacher", "denoiser", 1, 0.3, 0, true, false, false, true, 0, nan},
		{"sparse-rademacher", "multilayer", 1, 0.3, 2, true, false, false, true, 0, nan},
		{"mnist", "linear", 1, 0.3, 0, false, false, false, false, 0, nan},
		{"bernoulli-gaussian", "conv", 1, 0.3, 0, true, true, true, false, 0, nan},
	} {
		pr := Predict(c.source, c.arch, c.r, c.p, c.layers)
		name := c.source + "/" + c.arch
		if pr.Gauss == nil || *pr.Gauss != GaussLoss(c.r) {
			t.Errorf("%s r=%v: Gauss = %v", name, c.r, pr.Gauss)
		}
		for _, f := range []struct {
			field string
			ptr   *float64
			want  bool
		}{
			{"Identity", pr.Identity, c.identity},
			{"Denoiser", pr.Denoiser, c.denoiser},
			{"FixedPoint", pr.FixedPoint, c.fixed},
			{"CriticalP", pr.CriticalP, c.crit},
		} {
			if (f.ptr != nil) != f.want {
				t.Errorf("%s r=%v p=%v: %s present = %v, want %v", name, c.r, c.p, f.field, f.ptr != nil, f.want)
			}
		}
		if len(pr.Layers) != c.nLayers {
			t.Errorf("%s r=%v p=%v: %d layers, want %d", name, c.r, c.p, len(pr.Layers), c.nLayers)
		}
		switch {
		case math.IsNaN(c.expected):
			if pr.Expected != nil {
				t.Errorf("%s r=%v p=%v: Expected = %v, want nil", name, c.r, c.p, *pr.Expected)
			}
		case pr.Expected == nil:
			t.Errorf("%s r=%v p=%v: Expected nil, want %v", name, c.r, c.p, c.expected)
		case math.Abs(*pr.Expected-c.expected) > 5e-5: // table values have 4 decimals
			t.Errorf("%s r=%v p=%v: Expected = %v, want %v", name, c.r, c.p, *pr.Expected, c.expected)
		}
	}

	// Fields do not alias: changing one leaves the others alone.
	pr := Predict("bernoulli-gaussian", "linear", 1, 0.1, 0)
	*pr.Expected = -1
	if *pr.Gauss == -1 {
		t.Error("Expected aliases Gauss")
	}

	// JSON names of the brief.
	b, err := json.Marshal(Predict("sparse-rademacher", "linear", 1, 0.8, 0))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"gauss", "identity", "critical_sparsity", "expected"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON %s lacks %q", b, k)
		}
	}
	if len(m) != 4 {
		t.Errorf("JSON %s has extra fields", b)
	}
}
