package train

import (
	"github.com/bitsweep/bitsweep/theory"
)

// Result is what one trained point reports.
type Result struct {
	Config Config `json:"config"`
	N      int    `json:"n"` // latent bits

	// Loss = Σ‖x − x̂‖²/Σ‖x‖² on EvalRows held-out samples with the hard sign.
	Loss float64 `json:"loss"`
	// LossRaw = Σ‖x − x̂‖²/(EvalRows·d), the per-coordinate MSE.
	LossRaw   float64 `json:"loss_raw"`
	TrainLoss float64 `json:"train_loss"` // minibatch loss of the last step
	EvalRows  int     `json:"eval_rows"`
	Minimizer Shape   `json:"minimizer"`

	Steps   int     `json:"steps"`   // steps trained (all phases, a probe included)
	Seconds float64 `json:"seconds"` // training wall time

	// Converged is false when the step budget ran out before the held-out
	// loss reached its plateau (StopReason "budget"); with until: fixed it
	// says whether the last doubling of the steps improved the loss by less
	// than 1% (StopReason "fixed").
	Converged  bool   `json:"converged"`
	StopReason string `json:"stop_reason"`
	// PlateauExitStep is the step at which the kept run left its last
	// plateau (the probe's start when the probe was kept), 0 if it never sat
	// on one above its final loss (converge.go).
	PlateauExitStep int     `json:"plateau_exit_step"`
	Plateaus        []int   `json:"plateaus,omitempty"` // steps at which a phase reached its plateau
	Escape          *Escape `json:"escape,omitempty"`   // what the probe and the rounding did

	Theory theory.Prediction  `json:"theory"`
	Params map[string]float64 `json:"params,omitempty"` // decoder scalars
	Curve  []CurvePoint       `json:"curve"`

	Backend string `json:"backend"`
	// BLASThreads is the number of threads of each matrix product
	// (OpenBLAS; 1 for gonum) when the point finished.
	BLASThreads int    `json:"blas_threads,omitempty"`
	Version     string `json:"trainer_version"`
}

// predict returns the theory for cfg (package theory; images get only the
// Gaussian reference).
func predict(cfg Config) theory.Prediction {
	return theory.Predict(sourceKind(cfg.Source), cfg.Arch, cfg.Rate, cfg.Sparsity, cfg.Layers)
}
