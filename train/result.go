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

	Steps   int     `json:"steps"`
	Seconds float64 `json:"seconds"` // training wall time

	Theory theory.Prediction  `json:"theory"`
	Params map[string]float64 `json:"params,omitempty"` // decoder scalars
	Curve  []CurvePoint       `json:"curve"`

	Backend string `json:"backend"`
	Version string `json:"trainer_version"`
}

// predict returns the theory for cfg (package theory; images get only the
// Gaussian reference).
func predict(cfg Config) theory.Prediction {
	return theory.Predict(sourceKind(cfg.Source), cfg.Arch, cfg.Rate, cfg.Sparsity, cfg.Layers)
}
