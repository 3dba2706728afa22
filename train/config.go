package train

import (
	"fmt"
	"math"
	"strings"
)

// Version identifies the training core. It changes whenever a change could
// alter a result for the same Config, so stores can tell stale results apart.
const Version = "train/2"

// Config is one fully resolved sweep point: everything that determines its
// result. The zero value of an optional field means "use the default" (see
// Defaults); Validate reports the first invalid field by name and value.
type Config struct {
	Source   string  `json:"source"`   // see package data: gaussian, bernoulli-gaussian, sparse-rademacher, idx:PATH, cifar10:PATH
	Sparsity float64 `json:"sparsity"` // p in (0,1]: probability of a non-zero (synthetic) or mask keep probability (images)
	Rate     float64 `json:"rate"`     // r > 0; n = round(r·d) bits
	Dim      int     `json:"d"`        // d; for images 0 means "the file's dimension"
	Arch     string  `json:"arch"`     // linear | denoiser | multilayer
	Layers   int     `json:"layers"`   // multilayer: number of decoder layers L ≥ 1 (layer 1 = denoiser)

	// Steps is the step budget: with Until "converged" (the default) a cap
	// the run stops at if it has not converged before; with Until "fixed"
	// exactly the number of steps trained.
	Steps     int     `json:"steps"`
	Batch     int     `json:"batch"`
	LR        float64 `json:"lr"`
	Optimizer string  `json:"optimizer"` // adam | sgd
	Seed      uint64  `json:"seed"`

	// Init of the encoder B: "gaussian" (i.i.d. N(0,1/d) rows) or
	// "orthogonal" (Haar rows, orthonormal when n ≤ d, a tight frame when n > d).
	Init string `json:"init"`
	// STE is the straight-through estimator of d sign(u)/du used in the
	// backward pass: "identity", "clip" (1 on |u| ≤ 1) or "tanh"
	// ((1 − tanh²(u/ε))/ε, science.md §6 (ii)).
	STE        string  `json:"ste"`
	STEEpsilon float64 `json:"ste_epsilon,omitempty"`
	// Denoiser: "learned" (μ, σ², p trained) or "theory" (frozen at the
	// values of science.md §2.2 / the state evolution).
	Denoiser string `json:"denoiser,omitempty"`
	// Refit replaces the decoder A by the least-squares optimum given the
	// final encoder before evaluation (linear architecture only).
	Refit bool `json:"refit,omitempty"`
	// DecoderGrad: multilayer only. "tied" lets the decoder layers' gradient
	// reach the shared encoder matrix B; "stop" trains only their scalars.
	DecoderGrad string `json:"decoder_grad,omitempty"`
	// EncoderGrad is the order of the products of the encoder's gradient
	// when nothing but the linear decoder uses the bits (one layer, the
	// identity straight-through estimator): "" computes dB̃ = dSᵀ·X with
	// dS = dY·A, "fused" dB̃ = Aᵀ·(dYᵀ·X). The two differ in float32
	// rounding only; Defaults sets "fused" where it takes fewer
	// multiply-adds (fusedDB), so that a point's ID names the arithmetic
	// that computed it and points whose arithmetic did not change keep
	// their IDs and stored results.
	EncoderGrad string `json:"encoder_grad,omitempty"`
	// Schedule of the learning rate: "plateau" (Until "converged": constant
	// until the held-out loss reaches a plateau, then a linear decay to zero
	// over half as many steps again), or, with Until "fixed", "constant" or
	// "tail" (constant, then a linear decay to zero over the last 30% of the
	// steps). The decays remove most of the minibatch noise from the final
	// parameters.
	Schedule string `json:"schedule"`

	// Until says when training stops: "converged" (the held-out loss
	// improved by less than Tol, relatively, over the last doubling of a
	// phase's steps; Steps is the cap) or "fixed" (exactly Steps steps).
	Until string  `json:"until"`
	Tol   float64 `json:"tol,omitempty"`
	// Escape is what a converged run does at its plateau (default "probe"
	// for the linear architecture, "none" for the others): "probe" (restart
	// from the encoder pulled halfway towards its nearest signed
	// permutation, train that to its own plateau and keep whichever is
	// better on held-out data; then round axis-like rows of the linear
	// encoder to their axis; see escape.go) or "none".
	Escape string `json:"escape,omitempty"`

	EvalSamples int `json:"eval_samples"` // held-out samples for the final loss
}

// Defaults returns c with every unset optional field filled in. The
// defaults make a d = 256 point reach its plateau in well under a minute on
// two cores (see docs/TRAINING.md for the measurements behind them).
func (c Config) Defaults() Config {
	if c.Arch == "" {
		c.Arch = "linear"
	}
	if c.Layers == 0 {
		if c.Arch == "multilayer" {
			c.Layers = 3
		} else {
			c.Layers = 1
		}
	}
	if c.Sparsity == 0 {
		c.Sparsity = 1
	}
	if c.Until == "" {
		c.Until = "converged"
	}
	if c.Steps == 0 {
		if c.Until == "fixed" {
			c.Steps = 1500
		} else {
			c.Steps = 20000
		}
	}
	// An unknown Until is defaulted like "converged", so that Validate
	// reports Until itself rather than the fields it would have filled.
	if c.Until != "fixed" {
		if c.Tol == 0 {
			// 0.3%: three standard errors of a paired comparison of two
			// annealed encoders on the 2,048 curve rows (measured ≈ 0.1%
			// at d = 256, escape.go's gain_se), and small enough that a
			// Bernoulli–Gaussian run at d = 256 is not stopped 0.002 above
			// where training on takes it (docs/TRAINING.md).
			c.Tol = 0.003
		}
		if c.Escape == "" {
			// The non-linear architectures keep a Haar encoder on the
			// Stiefel manifold at a tenth of the rate (stiefel.go,
			// lrgroups.go), the encoder their theory assumes; the probe is
			// for the linear one, whose minimizer changes shape (science.md §6).
			c.Escape = "none"
			if c.Arch == "linear" {
				c.Escape = "probe"
			}
		}
	}
	if c.Batch == 0 {
		c.Batch = 256
	}
	if c.Optimizer == "" {
		c.Optimizer = "adam"
	}
	if c.LR == 0 {
		if c.Optimizer == "sgd" {
			c.LR = 0.5
		} else {
			c.LR = 2e-3
		}
	}
	if c.Init == "" {
		c.Init = "gaussian"
	}
	if c.STE == "" {
		c.STE = "identity"
	}
	if c.STE == "tanh" && c.STEEpsilon == 0 {
		c.STEEpsilon = 0.5
	}
	if c.Arch != "linear" && c.Denoiser == "" {
		c.Denoiser = "learned"
	}
	if c.Arch == "multilayer" && c.DecoderGrad == "" {
		c.DecoderGrad = "tied"
	}
	if c.EncoderGrad == "" && c.Layers == 1 && c.STE == "identity" && c.Dim > 0 &&
		fusedDB(c.Dim, Bits(c.Rate, c.Dim), c.Batch) {
		c.EncoderGrad = "fused"
	}
	if c.Schedule == "" {
		if c.Until != "fixed" {
			c.Schedule = "plateau"
		} else {
			c.Schedule = "tail"
		}
	}
	if c.EvalSamples == 0 {
		c.EvalSamples = 8192
	}
	return c
}

// FieldError is a configuration error that names the field and its value.
type FieldError struct {
	Field string
	Value any
	Msg   string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s = %v: %s", e.Field, e.Value, e.Msg)
}

func bad(field string, v any, format string, a ...any) error {
	return &FieldError{Field: field, Value: v, Msg: fmt.Sprintf(format, a...)}
}

// Validate checks every field of a defaulted config (it does not touch the
// data files; NewTrainer reports unreadable ones). It returns a *FieldError.
func (c Config) Validate() error {
	if c.Source == "" {
		return bad("source", `""`, "missing (want gaussian, bernoulli-gaussian, sparse-rademacher, idx:PATH or cifar10:PATH)")
	}
	if !(c.Sparsity > 0 && c.Sparsity <= 1) {
		return bad("sparsity", c.Sparsity, "must be in (0, 1]")
	}
	if !(c.Rate > 0) || math.IsInf(c.Rate, 0) {
		return bad("rate", c.Rate, "must be > 0")
	}
	synthetic := !strings.Contains(c.Source, ":")
	if synthetic && c.Dim < 1 {
		return bad("d", c.Dim, "must be ≥ 1")
	}
	if c.Dim < 0 || c.Dim > 1<<16 {
		return bad("d", c.Dim, "must be in [1, 65536]")
	}
	if c.Dim > 0 {
		if n := Bits(c.Rate, c.Dim); n < 1 || n > 1<<17 {
			return bad("rate", c.Rate, "gives n = round(r·d) = %d bits at d = %d (want 1 to 131072)", n, c.Dim)
		}
	}
	switch c.Arch {
	case "linear", "denoiser":
		if c.Layers != 1 {
			return bad("layers", c.Layers, "only the multilayer architecture has layers")
		}
	case "multilayer":
		if c.Layers < 1 || c.Layers > 64 {
			return bad("layers", c.Layers, "must be in [1, 64]")
		}
	default:
		return bad("arch", c.Arch, "unknown architecture (want linear, denoiser or multilayer)")
	}
	if c.Steps < 0 || c.Steps > 100_000_000 {
		return bad("steps", c.Steps, "must be in [0, 1e8]")
	}
	if c.Batch < 1 || c.Batch > 1<<20 {
		return bad("batch", c.Batch, "must be in [1, 1048576]")
	}
	if !(c.LR > 0) || math.IsInf(c.LR, 0) {
		return bad("lr", c.LR, "must be > 0")
	}
	switch c.Optimizer {
	case "adam", "sgd":
	default:
		return bad("optimizer", c.Optimizer, "unknown optimizer (want adam or sgd)")
	}
	switch c.Init {
	case "gaussian", "orthogonal":
	default:
		return bad("init", c.Init, "unknown init (want gaussian or orthogonal)")
	}
	switch c.STE {
	case "identity", "clip":
	case "tanh":
		if !(c.STEEpsilon > 0) || math.IsInf(c.STEEpsilon, 0) {
			return bad("ste_epsilon", c.STEEpsilon, "must be > 0")
		}
	default:
		return bad("ste", c.STE, "unknown straight-through estimator (want identity, clip or tanh)")
	}
	if c.Arch == "linear" {
		if c.Denoiser != "" {
			return bad("denoiser", c.Denoiser, "the linear architecture has no denoiser")
		}
	} else {
		switch c.Denoiser {
		case "learned", "theory":
		default:
			return bad("denoiser", c.Denoiser, "unknown denoiser mode (want learned or theory)")
		}
		if c.Refit {
			return bad("refit", c.Refit, "least-squares refit applies to the linear architecture only")
		}
	}
	switch {
	case c.Arch == "multilayer" && c.DecoderGrad != "tied" && c.DecoderGrad != "stop":
		return bad("decoder_grad", c.DecoderGrad, "want tied or stop")
	case c.Arch != "multilayer" && c.DecoderGrad != "":
		return bad("decoder_grad", c.DecoderGrad, "applies to the multilayer architecture only")
	}
	switch c.EncoderGrad {
	case "":
	case "fused":
		if c.Layers != 1 || c.STE != "identity" {
			return bad("encoder_grad", c.EncoderGrad, "applies with one decoder layer and ste identity only (layers = %d, ste = %s)", c.Layers, c.STE)
		}
	default:
		return bad("encoder_grad", c.EncoderGrad, `unknown product order (want "" or fused)`)
	}
	switch c.Schedule {
	case "plateau", "constant", "tail":
	default:
		return bad("schedule", c.Schedule, "unknown learning-rate schedule (want plateau, constant or tail)")
	}
	switch c.Until {
	case "converged":
		if c.Schedule != "plateau" {
			return bad("schedule", c.Schedule, "until: converged decays the rate after the plateau (schedule plateau); constant and tail need until: fixed")
		}
		if !(c.Tol > 0 && c.Tol < 1) {
			return bad("tol", c.Tol, "must be in (0, 1)")
		}
		switch c.Escape {
		case "probe", "none":
		default:
			return bad("escape", c.Escape, "unknown escape (want probe or none)")
		}
	case "fixed":
		if c.Schedule == "plateau" {
			return bad("schedule", c.Schedule, "the plateau schedule needs until: converged (want constant or tail with until: fixed)")
		}
		if c.Tol != 0 {
			return bad("tol", c.Tol, "applies to until: converged only")
		}
		if c.Escape != "" {
			return bad("escape", c.Escape, "applies to until: converged only")
		}
	default:
		return bad("until", c.Until, "unknown stopping rule (want converged or fixed)")
	}
	if c.EvalSamples < 1 || c.EvalSamples > 1<<20 {
		return bad("eval_samples", c.EvalSamples, "must be in [1, 1048576]")
	}
	return nil
}

// Bits returns n = round(r·d), the number of latent bits.
func Bits(rate float64, d int) int { return int(math.Round(rate * float64(d))) }
