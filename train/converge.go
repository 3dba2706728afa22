package train

import "math"

// Training until converged (Config.Until = "converged") runs one or two
// trajectories, each a sequence of cycles of a constant-rate phase followed
// by an anneal (the rate decays linearly to zero over half as many steps as
// the constant phase had, removing the minibatch noise):
//
//	cycle 0   constant rate until the held-out loss reaches a plateau at
//	          that rate: L(s/2) − L(s) < Tol·L(s) at a curve point s ≥ the
//	          phase's minimum length (s counted from the phase's start), then
//	          the anneal
//	cycle k   constant rate for twice the previous cycle's constant steps
//	          (from the annealed parameters, moments kept), then the anneal;
//	          the trajectory has converged when this annealed loss improved
//	          on the previous cycle's by less than Tol relatively: training
//	          twice as long no longer helps (when a doubled cycle no longer
//	          fits in the budget, a last one uses what is left)
//
// A plateau at constant rate alone is not enough: its noise floor hides the
// slow drift underneath (Bernoulli–Gaussian p = 0.2, d = 256: the loss at
// constant rate is flat after 512 steps, yet training on lowers the annealed
// loss from 0.374 to 0.370; docs/TRAINING.md). The first trajectory ("main",
// "anneal") starts from the initialisation; with Escape "probe", after its
// first cycle, a second ("probe", "probe-anneal") starts from the perturbed
// encoder of escape.go; after the probe's first cycle the two are compared
// and only the better one goes on with its cycles. Both tests use the curve's fixed held-out rows,
// so they see no sampling noise between evaluations, only the parameters'.

// Phases of a converged run.
const (
	phaseMain        = "main"
	phaseAnneal      = "anneal"
	phaseProbe       = "probe"
	phaseProbeAnneal = "probe-anneal"
	phaseDone        = "done"
)

// Minimum lengths of the constant-rate phases before the plateau test
// applies: the first 512 steps of Adam at the default rate move the loss by
// far more than 1% per doubling on every source we measured
// (docs/TRAINING.md), so they only guard against stopping at a slow start.
const (
	minMainSteps  = 512
	minProbeSteps = 256
)

// runState is where a converged run is; it is part of the checkpoint.
type runState struct {
	Phase      string `json:"phase"`
	PhaseStart int    `json:"phase_start"` // step at which the phase began
	AnnealLen  int    `json:"anneal_len"`  // length of the current anneal phase
	// Cycle of the current trajectory (0 until its first anneal ends),
	// CycleLen the constant steps of the current cycle (known from cycle 1
	// on) and Annealed the loss after the previous cycle's anneal.
	Cycle    int     `json:"cycle"`
	CycleLen int     `json:"cycle_len"`
	Annealed float64 `json:"annealed"`
	// LastCycle: the current cycle is the shorter last one that the
	// budget still allows.
	LastCycle bool `json:"last_cycle,omitempty"`
	// BudgetHit records that a constant-rate phase ended because the step
	// budget ran short, not at a plateau.
	BudgetHit bool `json:"budget_hit"`
	// Plateaus are the steps at which a phase reached its plateau.
	Plateaus []int `json:"plateaus,omitempty"`
	// Base is the main trajectory after its first cycle, kept while the
	// probe's first cycle trains (its parameters travel in the checkpoint's
	// fourth array).
	Base *baseRun `json:"base,omitempty"`
	// Escape is what the probe and the rounding did (nil before the probe).
	Escape *Escape `json:"escape,omitempty"`
}

// baseRun is the annealed main phase: its loss on the curve rows, the step
// it ended at and its parameters.
type baseRun struct {
	Loss  float64 `json:"loss"`
	Step  int     `json:"step"`
	Curve int     `json:"curve"` // length of the curve when it ended
	// CycleLen is the main trajectory's first constant phase, from which
	// its cycles go on if the probe is dropped.
	CycleLen int       `json:"cycle_len"`
	Params   []float32 `json:"-"`
}

// lrAt returns the learning rate of step s (0-based) of a converged run.
func (st *runState) lrAt(base float64, s int) float64 {
	switch st.Phase {
	case phaseAnneal, phaseProbeAnneal:
		left := float64(st.PhaseStart + st.AnnealLen - s)
		return base * math.Max(left, 0) / float64(st.AnnealLen)
	}
	return base
}

// plateau reports whether the phase's curve points reach a plateau at the
// last of them, at phase-relative step s: the mean loss of the points in
// the last octave (s/2, s] is below that of the octave before, (s/4, s/2],
// by less than tol·(its mean) plus two standard errors of the last octave's
// mean (its points' spread: the noise floor of a constant rate, large at
// small d, must not read as progress). pts are the curve points of the
// phase, in order, the first at the phase's start.
func plateau(pts []CurvePoint, start int, tol float64) bool {
	if len(pts) < 3 {
		return false
	}
	s := pts[len(pts)-1].Step - start
	var a, b []float64
	for _, p := range pts {
		switch r := p.Step - start; {
		case 2*r > s:
			a = append(a, p.Loss)
		case 4*r > s:
			b = append(b, p.Loss)
		}
	}
	if len(a) < 2 || len(b) < 1 {
		return false
	}
	ma, mb := mean(a), mean(b)
	var v float64
	for _, x := range a {
		v += (x - ma) * (x - ma)
	}
	se := math.Sqrt(v / float64(len(a)-1) / float64(len(a)))
	return mb-ma < tol*ma+2*se
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// flat is the noise-free form of the plateau test on the last point alone:
// L(s/2) − L(s) < tol·L(s), L(s/2) taken at the point nearest to s/2.
func flat(pts []CurvePoint, start int, tol float64) bool {
	if len(pts) < 2 {
		return false
	}
	last := pts[len(pts)-1]
	half := start + (last.Step-start)/2
	best := pts[0]
	for _, p := range pts {
		if abs(p.Step-half) < abs(best.Step-half) {
			best = p
		}
	}
	return best.Step != last.Step && best.Loss-last.Loss < tol*last.Loss
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// onPhaseCurve reports whether step s (completed steps) of a phase that
// began at start gets a curve point: s − start on the log-spaced grid of
// onCurve, or the phase's last step.
func onPhaseCurve(s, start, end int) bool {
	return onCurve(s-start, end-start)
}

// plateauExit returns the step at which a curve left its last plateau: the
// step of the last curve point that satisfies flat while lying more than 10·tol
// above the final loss; 0 if there is none. A run that went straight down
// to its minimum has none; one that sat on a saddle (the rotation plateau of
// sparse Rademacher data above p*) and then dropped reports where it left.
func plateauExit(pts []CurvePoint, start int, tol float64) int {
	if len(pts) < 2 {
		return 0
	}
	final := pts[len(pts)-1].Loss
	exit := 0
	for i := 1; i < len(pts); i++ {
		// The first 64 steps of Adam move slowly at times (its moments are
		// warming up): not a plateau.
		if pts[i].Step-start >= 64 && pts[i].Loss > final*(1+10*tol) && flat(pts[:i+1], start, tol) {
			exit = pts[i].Step
		}
	}
	return exit
}

// phaseCurve returns the curve points of the current phase.
func (t *Trainer) phaseCurve() []CurvePoint {
	i := len(t.curve)
	for i > 0 && t.curve[i-1].Step >= t.st.PhaseStart && t.curve[i-1].Phase == t.st.Phase {
		i--
	}
	return t.curve[i:]
}

// advance records the curve and moves a converged run through its phases
// after a completed step with minibatch loss loss at rate lr.
func (t *Trainer) advance(loss, lr float64, rows int) {
	st := &t.st
	end := t.cfg.Steps
	switch {
	case st.Phase == phaseAnneal || st.Phase == phaseProbeAnneal:
		end = st.PhaseStart + st.AnnealLen
	case st.Cycle > 0:
		end = min(end, st.PhaseStart+st.CycleLen)
	}
	record := onPhaseCurve(t.step, st.PhaseStart, end)
	if record {
		t.curve = append(t.curve, CurvePoint{Step: t.step, Loss: t.evaluate(rows).Loss, TrainLoss: loss, LR: lr,
			Seconds: t.secs, Phase: st.Phase})
	}
	rel, left := t.step-st.PhaseStart, t.cfg.Steps-t.step
	switch st.Phase {
	case phaseMain, phaseProbe:
		minLen := minMainSteps
		if st.Phase == phaseProbe {
			minLen = minProbeSteps
		}
		switch {
		case st.Cycle == 0 && record && rel >= minLen && plateau(t.phaseCurve(), st.PhaseStart, t.cfg.Tol):
			st.Plateaus = append(st.Plateaus, t.step)
			st.CycleLen = rel
			t.startAnneal(min(max(rel/2, 1), left), rows)
		case st.Cycle > 0 && rel >= st.CycleLen:
			t.startAnneal(min(max(rel/2, 1), left), rows)
		case left <= rel/2:
			// The budget cannot wait for the plateau: anneal with what is left.
			st.BudgetHit = true
			t.startAnneal(left, rows)
		}
	case phaseAnneal, phaseProbeAnneal:
		if t.step >= end {
			t.endAnneal(rows)
		}
	}
}

// startAnneal begins the decay after a constant-rate phase (ending it at
// once if no steps are left).
func (t *Trainer) startAnneal(steps, rows int) {
	st := &t.st
	if st.Phase == phaseMain {
		st.Phase = phaseAnneal
	} else {
		st.Phase = phaseProbeAnneal
	}
	st.PhaseStart, st.AnnealLen = t.step, steps
	if steps <= 0 {
		st.AnnealLen = 0
		t.endAnneal(rows)
	}
}

// endAnneal ends a cycle. After the first cycle of the main trajectory
// the probe starts (when asked for and the budget allows it); after the
// probe's first cycle the two are compared (compareProbe) and the better
// one goes on, the other is dropped. A trajectory goes on with cycles twice
// as long until one no longer improves the annealed loss by Tol (or the
// budget is spent); then the run is done.
func (t *Trainer) endAnneal(rows int) {
	st := &t.st
	probing := st.Phase == phaseProbeAnneal
	loss := t.evaluate(rows).Loss
	left := t.cfg.Steps - t.step
	if !probing && st.Cycle == 0 && st.Escape == nil && t.cfg.Escape == "probe" && !st.BudgetHit &&
		left >= minProbeSteps+minProbeSteps/2 {
		st.Base = &baseRun{Loss: loss, Step: t.step, Curve: len(t.curve), CycleLen: st.CycleLen,
			Params: append([]float32(nil), t.m.params...)}
		st.Escape = &Escape{ProbeStep: t.step, BaseLoss: loss}
		t.m.perturbTowardsPermutation(probeBlend)
		t.opt = newOptimizer(t.cfg, len(t.m.params))
		setGroups(t.opt, t.m.lrGroups())
		st.Phase, st.PhaseStart, st.AnnealLen = phaseProbe, t.step, 0
		st.CycleLen, st.Annealed = 0, 0
		t.curve = append(t.curve, CurvePoint{Step: t.step, Loss: t.evaluate(rows).Loss, Seconds: t.secs, Phase: phaseProbe})
		return
	}
	if probing && st.Cycle == 0 && st.Base != nil {
		if !t.compareProbe(rows) {
			// Back to the main trajectory after its first cycle (fresh
			// moments: every cycle restarts at the constant rate anyway).
			st.CycleLen, loss = st.Base.CycleLen, st.Base.Loss
			t.opt = newOptimizer(t.cfg, len(t.m.params))
			setGroups(t.opt, t.m.lrGroups())
			probing = false
		}
		st.Base = nil
	}
	if !st.BudgetHit {
		improved := st.Cycle == 0 || st.Annealed-loss >= t.cfg.Tol*loss
		next := 2 * st.CycleLen
		if improved && !st.LastCycle && left < next+next/2 && left >= 3*minProbeSteps {
			// A cycle twice as long no longer fits in the budget: a last,
			// shorter one with what is left (two thirds constant, one
			// third anneal), which may still show the run has converged.
			next, st.LastCycle = left*2/3, true
		}
		if improved && left >= next+next/2 {
			st.Annealed, st.CycleLen = loss, next
			st.Cycle++
			st.Phase, st.PhaseStart, st.AnnealLen = phaseMain, t.step, 0
			if probing {
				st.Phase = phaseProbe
			}
			return
		}
		if improved {
			// Still improving, but a cycle twice as long no longer fits.
			st.BudgetHit = true
		}
	}
	t.finish(rows)
}

// compareProbe compares the probe's current parameters with the main
// trajectory's on the curve rows and keeps the better: the probe only if
// it is lower by more than two standard errors of the paired difference
// and by more than Tol relatively (a probe within the convergence
// tolerance is the same minimum reached twice, e.g. another orthonormal
// encoder on Gaussian data, where every one has loss 1 − 2r/π; science.md
// §4.1). It reports whether the probe was kept.
func (t *Trainer) compareProbe(rows int) bool {
	st := &t.st
	e := st.Escape
	e.ProbeSteps = t.step - e.ProbeStep
	probe := append([]float32(nil), t.m.params...)
	ep, sx := t.rowErrors(rows)
	e.ProbeLoss = sum(ep) / sx
	copy(t.m.params, st.Base.Params)
	eb, _ := t.rowErrors(rows)
	var ok bool
	e.Gain, e.GainSE, ok = better(eb, ep, sx)
	e.ProbeKept = ok && e.Gain > t.cfg.Tol*e.BaseLoss
	if e.ProbeKept {
		copy(t.m.params, probe)
	}
	return e.ProbeKept
}

// finish ends a converged run: the rounding of escape.go, then done.
func (t *Trainer) finish(rows int) {
	st := &t.st
	st.Base = nil
	if t.cfg.Escape == "probe" && t.cfg.Arch == "linear" {
		t.roundRows(rows)
	}
	st.Phase = phaseDone
}

// roundRows rounds the linear encoder's axis-like rows to their axes,
// refits the decoder and keeps the result if the paired test prefers it
// (escape.go).
func (t *Trainer) roundRows(rows int) {
	st := &t.st
	if st.Escape == nil {
		st.Escape = &Escape{ProbeStep: -1}
	}
	e := st.Escape
	keep := append([]float32(nil), t.m.params...)
	before, sx := t.rowErrors(rows)
	k := t.m.roundAxisRows()
	e.Rounded = k
	if k == 0 {
		return
	}
	if err := t.refit(); err != nil {
		// A singular code covariance (e.g. two identical rows) is no
		// reason to fail the run: the rounding is not kept.
		copy(t.m.params, keep)
		return
	}
	after, _ := t.rowErrors(rows)
	e.RoundGain, e.RoundSE, e.RoundKept = better(before, after, sx)
	if !e.RoundKept {
		copy(t.m.params, keep)
	}
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

// stopInfo fills in how the run stopped.
func (t *Trainer) stopInfo(res *Result) {
	if t.cfg.Until == "fixed" {
		res.StopReason = "fixed"
		res.Converged = plateau(t.curve, 0, 0.01)
		res.PlateauExitStep = plateauExit(t.curve, 0, 0.01)
		return
	}
	st := t.st
	res.Converged = !st.BudgetHit
	res.StopReason = "converged"
	if st.BudgetHit {
		res.StopReason = "budget"
	}
	res.Plateaus = st.Plateaus
	res.Escape = st.Escape
	if e := st.Escape; e != nil && e.ProbeKept {
		// The probe left the main trajectory's plateau, clearly above the
		// final loss (compareProbe).
		res.PlateauExitStep = e.ProbeStep
		return
	}
	var main []CurvePoint
	for _, p := range t.curve {
		if p.Phase == phaseMain {
			main = append(main, p)
		}
	}
	res.PlateauExitStep = plateauExit(main, 0, t.cfg.Tol)
}
