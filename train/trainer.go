package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/bitsweep/bitsweep/data"
)

// Trainer trains one sweep point. It is not safe for concurrent use.
type Trainer struct {
	cfg   Config
	src   data.Source
	m     *model
	grad  []float32
	opt   optimizer
	step  int // completed steps
	X     []float32
	w     *work
	curve []CurvePoint
	secs  float64 // training wall time of completed steps (across resumes)

	heldout     []float32
	heldoutRows int

	st runState // phases of a converged run (converge.go)
}

// CurvePoint is one point of the loss curve.
type CurvePoint struct {
	Step      int     `json:"step"`       // completed optimiser steps
	Loss      float64 `json:"loss"`       // held-out normalised loss (hard sign)
	TrainLoss float64 `json:"train_loss"` // minibatch loss of the last step (0 at step 0)
	LR        float64 `json:"lr"`         // learning rate of the last step
	Seconds   float64 `json:"seconds"`    // training wall time so far
	// Phase of a converged run the point belongs to (converge.go): main,
	// anneal, probe or probe-anneal; empty with until: fixed.
	Phase string `json:"phase,omitempty"`
}

// Stream domains of the data generator: minibatch t uses step t; the
// least-squares refit draws from steps refitBase+k, far from any run's steps.
const refitBase = int64(1) << 40

// New validates cfg (after Defaults), opens its data source and initialises
// the model from cfg.Seed. Errors name the offending field and value.
func New(cfg Config) (*Trainer, error) {
	cfg = cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	src, err := data.New(data.Options{Source: cfg.Source, Dim: cfg.Dim, Sparsity: cfg.Sparsity})
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), fmt.Sprintf("source %q: ", cfg.Source))
		return nil, &FieldError{Field: "source", Value: cfg.Source, Msg: msg}
	}
	if cfg.Dim == 0 {
		cfg.Dim = src.Dim()
		if err := cfg.Validate(); err != nil {
			return nil, err
		}
	}
	t := &Trainer{cfg: cfg, src: src}
	t.m = newModel(cfg, cfg.Dim)
	// The initialisation stream is distinct from every data stream: data
	// streams are keyed inside package data, this one by a fixed tag.
	t.m.initialise(rand.New(rand.NewPCG(cfg.Seed, 0x1b17_5eed_0000_0001)))
	t.grad = make([]float32, len(t.m.params))
	t.opt = newOptimizer(cfg, len(t.m.params))
	setGroups(t.opt, t.m.lrGroups())
	t.X = make([]float32, cfg.Batch*cfg.Dim)
	t.w = newWork(t.m, cfg.Batch, true)
	t.heldout, t.heldoutRows = src.Heldout(cfg.Seed, cfg.EvalSamples)
	return t, nil
}

// Config returns the resolved configuration (defaults filled in, d set).
func (t *Trainer) Config() Config { return t.cfg }

// StepsDone returns the number of completed optimiser steps.
func (t *Trainer) StepsDone() int { return t.step }

// lr returns the learning rate of step s (0-based).
func (t *Trainer) lr(s int) float64 {
	if t.cfg.Until == "converged" {
		return t.st.lrAt(t.cfg.LR, s)
	}
	if t.cfg.Schedule == "tail" {
		// Constant for 70% of the steps, then linear to 0 at the last step.
		tail := 0.3 * float64(t.cfg.Steps)
		if left := float64(t.cfg.Steps - s); left < tail {
			return t.cfg.LR * left / tail
		}
	}
	return t.cfg.LR
}

// Step runs one optimiser step on a fresh minibatch and returns its loss.
func (t *Trainer) Step() float64 {
	t.src.Batch(t.cfg.Seed, int64(t.step), t.X)
	return t.StepOn(t.X)
}

// StepOn runs one step (forward, backward, update) on the given minibatch X
// (Batch×d, row-major) instead of a generated one; benchmarks use it.
func (t *Trainer) StepOn(X []float32) float64 {
	t.m.forward(t.w, X)
	loss := t.m.lossGrad(t.w, X)
	t.m.backward(t.w, X, t.grad)
	t.opt.update(t.m.params, t.grad, t.lr(t.step))
	t.m.retract() // unit rows; Stiefel for denoiser/multilayer (stiefel.go)
	t.step++
	return loss
}

// StepFLOPs returns the floating-point operations of the matrix products of
// one training step: a product of an m×k by a k×n matrix costs 2mkn. The
// linear model has five batch-sized ones (B̃x, A·s forward; ∂A, ∂s, ∂B̃
// backward); every further decoder layer two forward and four backward (two
// with "stop"); the retraction of a Stiefel encoder (stiefel.go) two more of
// n×d by d×n and n×n by n×d, 4n²d (derived: one Newton–Schulz step).
func (c Config) StepFLOPs() float64 {
	c = c.Defaults()
	n := Bits(c.Rate, c.Dim)
	per := 2 * float64(c.Batch) * float64(c.Dim) * float64(n)
	extra := 6.0
	if c.DecoderGrad == "stop" {
		extra = 4
	}
	f := per * 5
	if c.Arch == "multilayer" && c.Layers > 1 {
		f = per * (5 + extra*float64(c.Layers-1))
	} else if c.EncoderGrad == "fused" {
		// dYᵀ·X and Aᵀ·(dYᵀ·X) in place of dY·A and dSᵀ·X.
		f = per*3 + 2*float64(c.Dim)*float64(c.Dim)*(float64(c.Batch)+float64(n))
	}
	if (&model{cfg: c, d: c.Dim, n: n}).stiefel() {
		f += 4 * float64(n) * float64(n) * float64(c.Dim)
	}
	return f
}

// Eval is a held-out evaluation with the hard sign.
type Eval struct {
	Loss    float64 // Σ‖x − x̂‖² / Σ‖x‖²
	LossRaw float64 // Σ‖x − x̂‖² / (rows·d), the per-coordinate MSE
}

// evaluate computes the held-out losses on the first rows samples (from
// the per-sample errors of rowErrors, escape.go).
func (t *Trainer) evaluate(rows int) Eval {
	e, sx := t.rowErrors(rows)
	se := sum(e)
	return Eval{Loss: se / sx, LossRaw: se / float64(rows*t.m.d)}
}

// Evaluate returns the held-out losses on all held-out samples.
func (t *Trainer) Evaluate() Eval { return t.evaluate(t.heldoutRows) }

// curveRows is the number of held-out samples behind each curve point.
const curveRows = 2048

// onCurve reports whether the curve records a point after s completed steps:
// four points per octave, s = round(2^(k/4)) for k = 0, 1, …, plus the last
// step.
func onCurve(s, total int) bool {
	if s == total {
		return true
	}
	if s < 1 {
		return false
	}
	k := math.Floor(4 * math.Log2(float64(s)))
	for _, kk := range []float64{k - 1, k, k + 1} {
		if int(math.Round(math.Exp2(kk/4))) == s {
			return true
		}
	}
	return false
}

// RunOptions are the hooks of Run.
type RunOptions struct {
	// Progress, if set, is called every ProgressEvery steps (default 100)
	// and after the last one.
	Progress      func(step int, trainLoss float64)
	ProgressEvery int
	// Checkpoint, if set, is called with a snapshot every CheckpointEvery
	// steps (0: never) and when ctx is cancelled; an error stops the run.
	Checkpoint      func(*Checkpoint) error
	CheckpointEvery int
}

// Run trains until the run is finished — converged (Until "converged", see
// converge.go) or cfg.Steps steps done (Until "fixed") — and returns the
// result. If ctx is cancelled it stops after the current step, passes a
// checkpoint to o.Checkpoint, and returns ctx.Err().
func (t *Trainer) Run(ctx context.Context, o RunOptions) (*Result, error) {
	if o.ProgressEvery <= 0 {
		o.ProgressEvery = 100
	}
	cr := min(curveRows, t.heldoutRows)
	converged := t.cfg.Until == "converged"
	if t.step == 0 && len(t.curve) == 0 {
		p := CurvePoint{Step: 0, Loss: t.evaluate(cr).Loss}
		if converged {
			t.st = runState{Phase: phaseMain}
			p.Phase = phaseMain
		}
		t.curve = append(t.curve, p)
	}
	if converged && t.st.Phase == "" {
		// Steps taken with Step alone, outside Run: still the main phase.
		t.st = runState{Phase: phaseMain}
	}
	var loss float64
	for !t.finished() {
		if err := ctx.Err(); err != nil {
			if o.Checkpoint != nil {
				if cerr := o.Checkpoint(t.Checkpoint()); cerr != nil {
					return nil, fmt.Errorf("checkpoint at step %d: %w", t.step, cerr)
				}
			}
			return nil, err
		}
		start := time.Now()
		lr := t.lr(t.step)
		loss = t.Step()
		t.secs += time.Since(start).Seconds()
		if converged {
			t.advance(loss, lr, cr)
		} else if onCurve(t.step, t.cfg.Steps) {
			t.curve = append(t.curve, CurvePoint{Step: t.step, Loss: t.evaluate(cr).Loss, TrainLoss: loss, LR: lr, Seconds: t.secs})
		}
		done := t.finished()
		if o.Progress != nil && (t.step%o.ProgressEvery == 0 || done) {
			o.Progress(t.step, loss)
		}
		if o.Checkpoint != nil && o.CheckpointEvery > 0 && t.step%o.CheckpointEvery == 0 && !done {
			if err := o.Checkpoint(t.Checkpoint()); err != nil {
				return nil, fmt.Errorf("checkpoint at step %d: %w", t.step, err)
			}
		}
	}
	return t.Finish()
}

// finished reports whether the run has nothing left to train.
func (t *Trainer) finished() bool {
	if t.cfg.Until == "converged" {
		return t.st.Phase == phaseDone
	}
	return t.step >= t.cfg.Steps
}

// Finish evaluates the trained model (after the optional least-squares
// refit) and assembles the Result.
func (t *Trainer) Finish() (*Result, error) {
	if t.cfg.Refit {
		if err := t.refit(); err != nil {
			return nil, err
		}
	}
	ev := t.Evaluate()
	res := &Result{
		Config:      t.cfg,
		N:           t.m.n,
		Loss:        ev.Loss,
		LossRaw:     ev.LossRaw,
		Steps:       t.step,
		Seconds:     t.secs,
		Curve:       t.curve,
		Params:      t.m.scalarParams(),
		Backend:     Backend(),
		BLASThreads: blasThreads(),
		Version:     Version,
		EvalRows:    t.heldoutRows,
		Minimizer:   shapeOf(t.m.B, t.m.n, t.m.d),
	}
	t.stopInfo(res)
	res.Theory = predict(t.cfg)
	if len(t.curve) > 0 {
		res.TrainLoss = t.curve[len(t.curve)-1].TrainLoss
	}
	return res, nil
}

// sourceKind maps a source spec to the names package theory knows.
func sourceKind(src string) string {
	if strings.Contains(src, ":") {
		return "image"
	}
	return src
}
