package train

// matrixLRScale multiplies the learning rate of the matrices B̃ and A of the
// denoiser and multilayer architectures; their decoder scalars keep Config.LR
// and the linear architecture is not affected.
//
// Adam moves every parameter by about lr per step whatever its scale
// (Kingma & Ba 2015, §2.1: the effective step is approximately bounded by
// the stepsize α). An O(1) decoder scalar then moves by 0.2% per step at
// lr = 2e-3, but a matrix entry of size 1/√d moves by ≈ 4.5% at d = 512. For
// these architectures the encoder's gradient is the biased straight-through
// one, and the initialisation — Haar B̃ (kept on the Stiefel manifold,
// stiefel.go) with A = √(2/π)B̃ᵀ — is already the point the state evolution
// is computed for (science.md §2.2–§2.3), so at full rate the matrix updates
// are mostly noise: at d = 512, p = 0.1, r = 1, L = 3 the loss rose from
// 0.0845 at initialisation to 0.0887 in 1500 steps. Measured at that point
// (with the norm correction, norm.go): scale 1 → 0.0863, 0.1 → 0.0816,
// 0 → 0.0807.
const matrixLRScale = 0.1

// lrGroups returns the per-range learning-rate multipliers of the parameter
// vector (nil: all 1).
func (m *model) lrGroups() []lrGroup {
	if m.cfg.Arch == "linear" {
		return nil
	}
	nd := m.n * m.d
	return []lrGroup{{0, 2 * nd, matrixLRScale}, {2 * nd, len(m.params), 1}}
}
