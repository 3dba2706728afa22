// Package search locates where the minimizer changes shape: the value of a
// sweep variable (sparsity or rate) at which a seed-averaged metric of the
// trained points crosses a level, for instance the critical sparsity p* of
// sparse Rademacher data, where perm_score jumps from ≈ 1/d (a rotation) to
// ≈ 1 (a permutation) (science.md §6; Kögler et al., ICML 2024).
//
// The package is pure: it holds the settings of a search (Settings, the
// search: block of a spec), the criterion (Criterion: which metric, which
// level), the state of the search of one cell (State: every probe so far,
// the bracket, the status) and the decision rule — which values to probe
// next (State.Next) and what the probes say (State.Update). It does no I/O
// and uses no clock or randomness, so the Temporal workflow that drives it
// (workflows.SearchCellWorkflow) stays deterministic and replays.
//
// The rule is k-section. Round 0 trains both ends of the bracket and k values
// evenly inside it; every later round trains k values evenly inside the
// current bracket, which shrinks it by a factor k + 1. Each probe is trained
// with every seed of the spec and its metric averaged over the seeds. The
// signs of (mean − level) of all probes, sorted by value, must change exactly
// once: the bracket is then the pair of neighbouring probes where they do.
// The search stops when the bracket is no wider than the tolerance
// (StatusFound), when both ends are on the same side and no probe differs
// (StatusNoCrossing: e.g. Bernoulli–Gaussian data, whose minimizer is a
// rotation at every p, science.md §4.2), or when the signs change more than
// once (StatusNonMonotone: noisy or non-monotone data, reported with the span
// of the changes instead of looping on noise).
package search
