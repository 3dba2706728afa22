package theory

import "math"

// Source and architecture names understood by Predict.
const (
	SourceGaussian         = "gaussian"
	SourceBernoulliGauss   = "bernoulli-gaussian"
	SourceSparseRademacher = "sparse-rademacher"

	ArchLinear     = "linear"
	ArchDenoiser   = "denoiser"
	ArchMultilayer = "multilayer"
)

// Prediction bundles the theoretical losses that apply to one sweep point.
// A nil field means "no prediction for this point". All values are
// normalised losses E‖x − x̂‖²/E‖x‖².
type Prediction struct {
	// Gauss is GaussLoss(r), given for every source. For Gaussian and
	// Bernoulli–Gaussian data it is the prediction for arch = linear
	// (science.md §4.1, §4.2).
	Gauss *float64 `json:"gauss,omitempty"`
	// Identity is the identity-encoder loss with sign(0) = +1 and the best
	// linear decoder (IdentityLossBG or IdentityLossSparseRademacher;
	// science.md §4.3): Gaussian, Bernoulli–Gaussian and sparse Rademacher
	// sources, r ≤ 1.
	Identity *float64 `json:"identity,omitempty"`
	// Denoiser is DenoiserLoss(r, p): Bernoulli–Gaussian sources (and
	// Gaussian, as p = 1, where it equals Gauss), r ≤ 1 (science.md §4.4).
	Denoiser *float64 `json:"denoiser,omitempty"`
	// Layers[t] is the SE loss after layer t+1 of the unrolled decoder:
	// Bernoulli–Gaussian (and Gaussian) sources, r ≤ 1, arch = multilayer,
	// layers ≥ 1 (science.md §2.3, §4.4).
	Layers []float64 `json:"layers,omitempty"`
	// FixedPoint is FixedPointLoss(r, p), the SE fixed point taken as the
	// Bayes-optimal benchmark for Haar B: Bernoulli–Gaussian (and Gaussian)
	// sources, r ≤ 1, every architecture.
	FixedPoint *float64 `json:"fixed_point,omitempty"`
	// CriticalP is CriticalSparsity("plus-one") ≈ 0.429: sparse Rademacher
	// sources only (science.md §6).
	CriticalP *float64 `json:"critical_sparsity,omitempty"`
	// Expected is the single number the measured loss should be compared
	// with, chosen by the rule documented on Predict; nil when no theory
	// applies.
	Expected *float64 `json:"expected,omitempty"`
}

// Predict returns the predictions that apply to one sweep point.
//
// source is "gaussian" (treated as Bernoulli–Gaussian with p = 1; the
// argument p is ignored), "bernoulli-gaussian", "sparse-rademacher", or
// anything else (e.g. images), for which only Gauss is given. arch is
// "linear", "denoiser" or "multilayer"; layers is the number of decoder
// layers, used for arch = multilayer. p is the probability that a
// coordinate is non-zero. Predictions whose parameters are out of range
// (r < 0, p outside (0, 1] for the sparse sources) are left nil.
//
// Expected is chosen as follows (first matching rule):
//
//	arch = linear, Gaussian or Bernoulli–Gaussian source:
//	    Gauss, for every r (science.md §4.2: gradient descent reaches
//	    Gaussian performance; the identity never wins for BG data, §1.2).
//	arch = linear, sparse Rademacher, r ≤ 1:
//	    Gauss if p ≤ p* = CriticalSparsity("plus-one"), Identity if p > p*,
//	    i.e. min(Gauss, Identity) (science.md §6: the encoder found is the
//	    better of the random rotation and the permutation, which cross at p*
//	    for every r ≤ 1).
//	arch = linear, sparse Rademacher, r > 1:
//	    Gauss if Gauss ≤ IdentityLossSparseRademacher(1, p) (the rotation
//	    beats even the identity with every input encoded), otherwise nil:
//	    how an identity mixed with extra rows performs is not known
//	    (science.md §4.3 [U]).
//	arch = denoiser:   Denoiser (nil where Denoiser is nil).
//	arch = multilayer: Layers[layers−1] (nil where Layers is nil).
//	otherwise:         nil.
//
// Every non-nil field points to its own variable.
func Predict(source, arch string, r, p float64, layers int) Prediction {
	var pr Prediction
	if !(r >= 0) || math.IsInf(r, 1) {
		return pr
	}
	gauss := GaussLoss(r)
	pr.Gauss = ptr(gauss)

	validP := p > 0 && p <= 1
	var bg bool
	switch source {
	case SourceGaussian:
		bg, p, validP = true, 1, true
	case SourceBernoulliGauss:
		bg = true
	case SourceSparseRademacher:
		if validP {
			pr.CriticalP = ptr(CriticalSparsity(TieBreakPlusOne))
			if r <= 1 {
				pr.Identity = ptr(IdentityLossSparseRademacher(r, p))
			}
		}
	default:
		return pr
	}
	if !validP {
		return pr
	}

	if bg && r <= 1 {
		pr.Identity = ptr(IdentityLossBG(r, p))
		pr.Denoiser = ptr(DenoiserLoss(r, p))
		pr.FixedPoint = ptr(FixedPointLoss(r, p))
		if arch == ArchMultilayer && layers >= 1 {
			se := StateEvolution(r, p, layers)
			pr.Layers = make([]float64, layers)
			for i, l := range se {
				pr.Layers[i] = l.Loss
			}
		}
	}

	switch arch {
	case ArchLinear:
		switch {
		case bg:
			pr.Expected = ptr(gauss)
		case r <= 1:
			if p > *pr.CriticalP {
				pr.Expected = ptr(*pr.Identity)
			} else {
				pr.Expected = ptr(gauss)
			}
		case gauss <= IdentityLossSparseRademacher(1, p):
			pr.Expected = ptr(gauss)
		}
	case ArchDenoiser:
		if pr.Denoiser != nil {
			pr.Expected = ptr(*pr.Denoiser)
		}
	case ArchMultilayer:
		if len(pr.Layers) > 0 {
			pr.Expected = ptr(pr.Layers[len(pr.Layers)-1])
		}
	}
	return pr
}

func ptr(v float64) *float64 { return &v }
