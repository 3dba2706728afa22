package train

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// curveOf builds a curve with points on the phase grid of onCurve from a
// loss function of the step.
func curveOf(start, end int, f func(s int) float64) []CurvePoint {
	var pts []CurvePoint
	for s := start; s <= end; s++ {
		if s == start || onPhaseCurve(s, start, end) {
			pts = append(pts, CurvePoint{Step: s, Loss: f(s)})
		}
	}
	return pts
}

func TestPlateau(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(s int) float64
		want bool
	}{
		// L = 0.4 + 0.5/s: the octave means (256, 512] and (512, 1024]
		// differ by ≈ 0.5/724 − 0.5/1448 ≈ 0.00035, 0.09% of 0.4, under the
		// 0.3% tolerance; at s = 64 by ≈ 0.0055 (1.4%).
		{"flat", func(s int) float64 { return 0.37 }, true},
		{"1/s tail at 1024", func(s int) float64 { return 0.4 + 0.5/float64(s) }, true},
		// A power law L = s^(-0.1) loses 6.7% per doubling at any s.
		{"power law", func(s int) float64 { return math.Pow(float64(s), -0.1) }, false},
		// Rising loss (noise floor above an earlier dip) counts as a plateau:
		// doubling the steps did not help.
		{"rising", func(s int) float64 { return 0.3 + 1e-4*float64(s) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pts := curveOf(0, 1024, tc.f)
			if got := plateau(pts, 0, 0.003); got != tc.want {
				t.Errorf("plateau = %v, want %v (last two: %+v)", got, tc.want, pts[len(pts)-2:])
			}
		})
	}
	if plateau(curveOf(0, 64, func(s int) float64 { return 0.4 + 0.5/float64(s) }), 0, 0.003) {
		t.Error("0.4 + 0.5/s is not on its plateau at s = 64")
	}
	// A noise floor: ±1% alternating around a constant is a plateau (the
	// spread enters the test), a 2%-per-doubling descent with the same noise
	// is not.
	noisy := func(s int) float64 { return 0.1 * (1 + 0.01*float64(1-2*(s%2))) }
	if !plateau(curveOf(0, 4096, noisy), 0, 0.003) {
		t.Error("a noisy constant is a plateau")
	}
	if plateau(curveOf(0, 4096, func(s int) float64 { return noisy(s) * math.Pow(float64(s+1), -0.03) }), 0, 0.003) {
		t.Error("a noisy descent of 2% per doubling is not a plateau")
	}
	// Phase-relative: a phase starting at 5000 compares its own octaves.
	if !plateau(curveOf(5000, 6024, func(s int) float64 { return 0.4 + 0.5/float64(s-4999) }), 5000, 0.003) {
		t.Error("phase-relative plateau missed")
	}
	if plateau([]CurvePoint{{Step: 0, Loss: 1}}, 0, 0.003) {
		t.Error("one point is not a plateau")
	}
}

func TestPlateauExit(t *testing.T) {
	// A rotation plateau at 0.364 until step 3000, then a drop to 0.09 by
	// 4000 (the staircase of science.md §4.5, F3).
	f := func(s int) float64 {
		switch {
		case s < 100:
			return 0.8 - 0.004*float64(s)
		case s < 3000:
			return 0.364
		case s < 4000:
			return 0.364 - (0.364-0.09)*float64(s-3000)/1000
		}
		return 0.09
	}
	pts := curveOf(0, 16000, f)
	got := plateauExit(pts, 0, 0.003)
	// The last grid point before 3000 is round(2^(46/4)) = 2896.
	if got != 2896 {
		t.Errorf("plateauExit = %d, want 2896 (the last curve point on the 0.364 plateau)", got)
	}
	if got := plateauExit(curveOf(0, 4000, func(s int) float64 { return 0.37 + 1/float64(s+1) }), 0, 0.003); got != 0 {
		t.Errorf("a run straight down to its minimum: plateauExit = %d, want 0", got)
	}
}

func TestBetter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const k = 2048
	a, same, lower := make([]float64, k), make([]float64, k), make([]float64, k)
	var sx float64
	for i := range a {
		a[i] = 30 + 5*rng.NormFloat64()
		same[i] = a[i] + 0.5*rng.NormFloat64() // same loss, paired noise
		lower[i] = a[i] - 0.1 + 0.5*rng.NormFloat64()
		sx += 100
	}
	if _, _, ok := better(a, same, sx); ok {
		t.Error("equal losses: b preferred")
	}
	gain, se, ok := better(a, lower, sx)
	// The gain is 0.1·k/sx = 1e-3 by construction; its standard error is
	// 0.5·√k/sx ≈ 1.1e-4 (paired differences have spread 0.5).
	if !ok || math.Abs(gain-1e-3) > 4*se || math.Abs(se-0.5*math.Sqrt(k)/sx) > 0.2*se {
		t.Errorf("lower b: gain %.2e ± %.2e ok=%v, want 1e-3 ± 1.1e-4", gain, se, ok)
	}
	if _, _, ok := better(lower, a, sx); ok {
		t.Error("higher b preferred")
	}
}

func TestSignedMatchingAndRounding(t *testing.T) {
	// Rows 0 and 1 both peak on column 2 (row 1 more): row 1 gets it, row 0
	// its next best. Row 2 is a rotation-like row: never rounded.
	const n, d = 3, 4
	b := []float32{
		0.3, 0.1, -0.9, 0.2,
		0.05, 0, 0.99, -0.1,
		0.5, -0.5, 0.5, 0.5,
	}
	col, sign := signedMatching(b, n, d, nil)
	if !reflect.DeepEqual(col, []int{3, 2, 0}) || !reflect.DeepEqual(sign, []float32{1, 1, 1}) {
		t.Errorf("matching %v %v, want [3 2 0] [1 1 1]", col, sign)
	}
	m := &model{n: n, d: d, B: append([]float32(nil), b...)}
	normaliseRows(m.B, n, d)
	if k := m.roundAxisRows(); k != 1 {
		t.Errorf("rounded %d rows, want 1 (row 1; row 0 lost column 2 to it)", k)
	}
	want := []float32{0, 0, 1, 0}
	if !reflect.DeepEqual(m.B[d:2*d], want) {
		t.Errorf("row 1 = %v, want %v", m.B[d:2*d], want)
	}
	if m.B[0] == 0 || m.B[2*d] == 0 {
		t.Error("rows 0 and 2 must stay as they were")
	}
}

// TestConvergedPhases runs a small sparse Rademacher point below p* to the
// end and checks the phases it went through: a main trajectory of cycles,
// a probe that does not beat it (science.md §6: the rotation wins below p*)
// and is not kept. science_test.go shows probes that are kept. Tol 0.02
// keeps it short at d = 16, where the default 0.3% is within the noise.
func TestConvergedPhases(t *testing.T) {
	cfg := Config{Source: "sparse-rademacher", Sparsity: 0.3, Rate: 1, Dim: 16, Batch: 64, Seed: 3, Tol: 0.02}
	tr, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Run(context.Background(), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	phases := map[string]bool{}
	for _, p := range res.Curve {
		phases[p.Phase] = true
	}
	for _, p := range []string{phaseMain, phaseAnneal, phaseProbe, phaseProbeAnneal} {
		if !phases[p] {
			t.Errorf("no curve point in phase %s", p)
		}
	}
	if !res.Converged || res.StopReason != "converged" || res.Escape == nil || res.Steps >= cfg.Defaults().Steps {
		t.Fatalf("converged %v, %s, escape %+v after %d steps", res.Converged, res.StopReason, res.Escape, res.Steps)
	}
	// R_Gauss = 0.3634 for a rotation, (1−p)/(2−p) = 0.41 for the
	// permutation (science.md §4.1, §4.3): the probe loses, and the run
	// never sat on a plateau above its final loss.
	if res.Escape.ProbeKept || res.Escape.Gain >= 0 || res.PlateauExitStep != 0 || len(res.Plateaus) != 2 {
		t.Errorf("escape %+v, plateau_exit_step %d, plateaus %v: want a probe that lost, no exit, two plateaus",
			res.Escape, res.PlateauExitStep, res.Plateaus)
	}

	// A budget too small for the plateau: not converged, stop_reason budget.
	small := cfg
	small.Steps = 300
	tr, _ = New(small)
	res, err = tr.Run(context.Background(), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Converged || res.StopReason != "budget" || res.Steps != 300 {
		t.Errorf("budget 300: converged %v, %s, %d steps; want false, budget, 300", res.Converged, res.StopReason, res.Steps)
	}
}

// TestConvergedResumeBitIdentical interrupts a converged run once in each
// of its phases and checks that every resumed run ends bit-identical to an
// uninterrupted one (parameters, moments, result).
func TestConvergedResumeBitIdentical(t *testing.T) {
	cfg := Config{Source: "sparse-rademacher", Sparsity: 0.3, Rate: 1, Dim: 12, Batch: 64, Seed: 3, Tol: 0.02}
	full, _ := New(cfg)
	want, err := full.Run(context.Background(), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// One cut inside each phase: a step strictly between two curve points
	// of that phase.
	cuts := map[string]int{}
	for i := 1; i < len(want.Curve); i++ {
		a, b := want.Curve[i-1], want.Curve[i]
		if _, ok := cuts[b.Phase]; !ok && a.Phase == b.Phase && b.Step-a.Step > 2 {
			cuts[b.Phase] = (a.Step + b.Step) / 2
		}
	}
	if len(cuts) != 4 {
		t.Fatalf("cuts %v: want one in each of the four phases", cuts)
	}
	for phase, cut := range cuts {
		t.Run(phase, func(t *testing.T) {
			ck := interrupted(t, cfg, cut)
			if ck.State.Phase != phase || ck.Step != cut {
				t.Fatalf("checkpoint in phase %s at step %d, want %s at %d", ck.State.Phase, ck.Step, phase, cut)
			}
			resumed, err := Resume(ck)
			if err != nil {
				t.Fatal(err)
			}
			got, err := resumed.Run(context.Background(), RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !sameBits(full.m.params, resumed.m.params) {
				t.Error("parameters differ after resume")
			}
			g, w := *got, *want
			g.Seconds, w.Seconds = 0, 0
			g.Curve, w.Curve = nil, nil
			if !reflect.DeepEqual(g, w) {
				t.Errorf("result after resume\n%+v\nuninterrupted\n%+v", g, w)
			}
			if len(got.Curve) != len(want.Curve) {
				t.Fatalf("curve has %d points after resume, %d uninterrupted", len(got.Curve), len(want.Curve))
			}
			for i := range want.Curve {
				a, b := want.Curve[i], got.Curve[i]
				if a.Step != b.Step || a.Loss != b.Loss || a.Phase != b.Phase {
					t.Errorf("curve point %d: %+v after resume, %+v uninterrupted", i, b, a)
				}
			}
		})
	}
}
