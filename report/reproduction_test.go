package report

import (
	"strings"
	"testing"

	"github.com/bitsweep/bitsweep/search"
	"github.com/bitsweep/bitsweep/theory"
)

func unconverged(g Group) Group {
	g.Unconverged = true
	return g
}

func withEscape(g Group, escape string) Group {
	g.Config.Escape = escape
	return g
}

func claim(cs []Claim, id string) Claim {
	for _, c := range cs {
		if c.ID == id {
			return c
		}
	}
	return Claim{}
}

// The verdicts follow the data: each claim is checked with data for which
// it holds and data for which it does not.
func TestClaims(t *testing.T) {
	for _, tc := range []struct {
		name   string
		groups []Group
		id     string
		want   string
	}{
		{"C1 no data", nil, "C1", "no data"},
		{"C1 holds", []Group{
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.1, 1, theory.GaussLoss(1)+0.005, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.5, 1, theory.GaussLoss(1)-0.003, 0.01),
		}, "C1", "**holds**"},
		{"C1 sparse exception", []Group{
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.05, 1, theory.GaussLoss(1)+0.03, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.2, 1, theory.GaussLoss(1)+0.005, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.4, 1, theory.GaussLoss(1)+0.004, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.6, 1, theory.GaussLoss(1)+0.003, 0.01),
		}, "C1", "3 of 4 groups are within 0.02 of R_Gauss(r); the exceptions are c1 r=1 p=0.05 (p·d = 3.2 non-zeros per sample, gap +0.030)"},
		// A random rotation at d = 64, p = 0.05 loses ≈ 0.470 (theory.RotationLossBG;
		// 0.4287 at d = 128), above R_Gauss + 0.03: a finite-size gap.
		{"C1 sparse exception below the rotation", []Group{
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.05, 1, theory.GaussLoss(1)+0.03, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.2, 1, theory.GaussLoss(1)+0.005, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.4, 1, theory.GaussLoss(1)+0.004, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.6, 1, theory.GaussLoss(1)+0.003, 0.01),
		}, "C1", "not a run stopped above the rotation"},
		// At p = 0.6, d = 64 the rotation loses ≈ 0.369 (p·d = 38 non-zeros), so
		// R_Gauss + 0.03 = 0.393 is above it: the run stopped short.
		{"C1 exception above the rotation", []Group{
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.05, 1, theory.GaussLoss(1)+0.005, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.2, 1, theory.GaussLoss(1)+0.005, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.4, 1, theory.GaussLoss(1)+0.004, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.6, 1, theory.GaussLoss(1)+0.03, 0.01),
		}, "C1", "1 of the exceptions are above a random rotation's loss at the same d and p: training stopped short of the rotation there"},
		// Every exception is compared with the rotation at its own p, not
		// only the largest gap: p = 0.6 (+0.021, rotation 0.369) is above it.
		{"C1 second exception above the rotation", []Group{
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.05, 1, theory.GaussLoss(1)+0.03, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.1, 1, theory.GaussLoss(1)+0.01, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.2, 1, theory.GaussLoss(1)+0.005, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.3, 1, theory.GaussLoss(1)+0.004, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.4, 1, theory.GaussLoss(1)+0.004, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.5, 1, theory.GaussLoss(1)+0.003, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.6, 1, theory.GaussLoss(1)+0.021, 0.01),
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.7, 1, theory.GaussLoss(1)+0.003, 0.01),
		}, "C1", "1 of the exceptions are above a random rotation's loss"},
		// A group of points that ran out of budget is a problem, not
		// evidence: it does not count against the claim.
		{"C1 unconverged left out", []Group{
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.1, 1, theory.GaussLoss(1)+0.005, 0.01),
			unconverged(grp("c1", "bernoulli-gaussian", "linear", 0, 0.1, 1, theory.GaussLoss(1)+0.05, 0.01)),
		}, "C1", "**holds**: all 1 groups"},
		{"C1 fails", []Group{
			grp("c1", "bernoulli-gaussian", "linear", 0, 0.1, 1, theory.GaussLoss(1)+0.05, 0.01),
		}, "C1", "**does not hold**"},
		{"C2 holds", []Group{
			grp("c2", "sparse-rademacher", "linear", 0, 0.3, 1, 0.36, 0.05),
			grp("c2", "sparse-rademacher", "linear", 0, 0.4, 1, 0.36, 0.06),
			grp("c2", "sparse-rademacher", "linear", 0, 0.45, 1, 0.3, 0.9),
			grp("c2", "sparse-rademacher", "linear", 0, 0.6, 1, 0.2, 0.95),
		}, "C2", "the loss leaves R_Gauss for the permutation's loss between p = 0.4 and p = 0.45, bracketing p* = 0.429; the encoder's perm_score passes 0.5 between p = 0.4 and p = 0.45"},
		{"C2 late", []Group{
			grp("c2", "sparse-rademacher", "linear", 0, 0.4, 1, 0.36, 0.05),
			grp("c2", "sparse-rademacher", "linear", 0, 0.6, 1, 0.36, 0.06),
			grp("c2", "sparse-rademacher", "linear", 0, 0.7, 1, 0.2, 0.95),
		}, "C2", "does not hold as predicted"},
		{"C2 no transition", []Group{
			grp("c2", "sparse-rademacher", "linear", 0, 0.4, 1, 0.36, 0.05),
			grp("c2", "sparse-rademacher", "linear", 0, 0.9, 1, 0.36, 0.06),
		}, "C2", "crosses 0.5 0 times"},
		{"C3 holds", []Group{
			grp("c3", "bernoulli-gaussian", "linear", 0, 0.1, 1, theory.GaussLoss(1), 0.01),
			grp("c3", "bernoulli-gaussian", "denoiser", 0, 0.1, 1, theory.DenoiserLoss(1, 0.1)+0.01, 0.01),
		}, "C3", "below R_Gauss(r) in all 1 groups, and below the linear decoder trained alongside in 1 of 1"},
		// The training defaults differ by architecture (the escape probe is
		// the linear decoder's only): the pair is still matched.
		{"C3 with default escapes", []Group{
			withEscape(grp("c3", "bernoulli-gaussian", "linear", 0, 0.1, 1, theory.GaussLoss(1), 0.01), "probe"),
			withEscape(grp("c3", "bernoulli-gaussian", "denoiser", 0, 0.1, 1, theory.DenoiserLoss(1, 0.1)+0.01, 0.01), "none"),
		}, "C3", "below the linear decoder trained alongside in 1 of 1"},
		{"C3 partly", []Group{
			grp("c3", "bernoulli-gaussian", "denoiser", 0, 0.1, 1, theory.DenoiserLoss(1, 0.1), 0.01),
			grp("c3", "bernoulli-gaussian", "denoiser", 0, 0.5, 1, theory.GaussLoss(1)+0.01, 0.01),
		}, "C3", "holds in 1 of 2 groups"},
		{"C4 holds", []Group{
			grp("c4", "bernoulli-gaussian", "multilayer", 1, 0.1, 1, 0.20, 0.01),
			grp("c4", "bernoulli-gaussian", "multilayer", 2, 0.1, 1, 0.15, 0.01),
			grp("c4", "bernoulli-gaussian", "multilayer", 3, 0.1, 1, 0.16, 0.01),
		}, "C4", "L=1 (denoiser) 0.2000 → L=3 0.1600 (best at L=2)"},
		{"C4 fails", []Group{
			grp("c4", "bernoulli-gaussian", "multilayer", 1, 0.1, 1, 0.15, 0.01),
			grp("c4", "bernoulli-gaussian", "multilayer", 2, 0.1, 1, 0.20, 0.01),
		}, "C4", "holds in 0 of 1"},
		{"C4 no baseline", []Group{
			grp("c4", "bernoulli-gaussian", "multilayer", 2, 0.1, 1, 0.15, 0.01),
		}, "C4", "no comparison"},
		{"C5", []Group{
			grp("c5", "idx:/x/train.gz", "linear", 0, 1, 0.5, 0.3, 0.01),
			grp("c5", "idx:/x/train.gz", "denoiser", 0, 1, 0.5, 0.25, 0.01),
			grp("c5", "idx:/x/train.gz", "multilayer", 3, 1, 0.5, 0.26, 0.01),
		}, "C5", "denoiser beats the linear decoder in 1 of 1 settings; the multilayer decoder beats the denoiser in 0 of 1"},
	} {
		r := &Report{Groups: tc.groups}
		c := claim(r.Claims(), tc.id)
		if !strings.Contains(c.Verdict, tc.want) {
			t.Errorf("%s: verdict %q, want it to contain %q", tc.name, c.Verdict, tc.want)
		}
	}
}

// TestGridView: claims C1–C5 see a group shared by several grid sweeps once
// per sweep, and never the probes of a search sweep.
func TestGridView(t *testing.T) {
	r := &Report{
		Groups:   []Group{{Sweep: "grid1;grid2;srch"}, {Sweep: "srch"}, {Sweep: "grid1"}},
		Searches: []search.Cell{{Sweep: "srch"}},
	}
	var got []string
	for _, g := range r.gridView().Groups {
		got = append(got, g.Sweep)
	}
	if strings.Join(got, ",") != "grid1,grid2,grid1" {
		t.Errorf("groups by sweep %v, want grid1, grid2, grid1", got)
	}
	if len(r.Groups) != 3 || r.Groups[0].Sweep != "grid1;grid2;srch" {
		t.Errorf("gridView changed the report's groups: %+v", r.Groups)
	}
}
