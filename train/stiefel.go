package train

// The encoder of the denoiser and multilayer architectures is kept on the
// Stiefel manifold St(n, d) = {B̃ : B̃B̃ᵀ = I} (n ≤ d): the channel model of
// science.md §2.2 and the state evolution of §2.3/§4.4 that the decoder's
// scalars are initialised from assume orthonormal rows, and without the
// constraint the minibatch noise of the encoder's updates drives B̃B̃ᵀ far
// from I (orth_error ≈ 0.4 at d = 512 after 1500 steps, from either init).
//
// After every optimiser step B̃ is mapped back by the polar retraction
// R(B) = (BBᵀ)^{-1/2}·B, the orthonormal-row matrix nearest to B in the
// Frobenius norm (Absil, Mahony & Sepulchre, "Optimization Algorithms on
// Matrix Manifolds", Princeton 2008, §4.1.1, retractions on the Stiefel
// manifold; Absil & Malik, "Projection-like retractions on matrix
// manifolds", SIAM J. Optim. 22, 2012: a Euclidean step followed by the
// projection onto the manifold is a retraction). The polar factor is
// computed by the Newton–Schulz iteration
//
//	X ← ½·(3I − XXᵀ)·X,
//
// which converges quadratically to the polar factor when every singular
// value of X lies in (0, √3) (Björck & Bowie, "An iterative algorithm for
// computing the best estimate of an orthogonal matrix", SIAM J. Numer. Anal.
// 8, 1971; Higham, "Functions of Matrices: Theory and Computation", SIAM
// 2008, ch. 8, the Newton–Schulz iteration for the polar factor; written
// here for the row space, X = B̃ with n ≤ d). One optimiser step moves the singular values of an orthonormal
// B̃ by O(lr), so a single iteration per step keeps ‖B̃B̃ᵀ − I‖ at
// O(lr²) rather than letting it accumulate; the iteration uses only float32
// gemm and is therefore as deterministic as the rest of the step.

// stiefel reports whether the model keeps B̃ on the Stiefel manifold: the
// non-linear architectures at rates r ≤ 1 (for n > d orthonormal rows do not
// exist; the rows then stay on the unit sphere only).
func (m *model) stiefel() bool {
	return m.cfg.Arch != "linear" && m.n <= m.d
}

// retract maps the encoder back onto its constraint set after an optimiser
// step: the unit sphere row by row (linear architecture, r > 1), or the
// Stiefel manifold by one Newton–Schulz step followed by the row
// normalisation (which removes the O(ε²) residual of the row norms).
func (m *model) retract() {
	if m.stiefel() {
		m.newtonSchulz(1)
	}
	normaliseRows(m.B, m.n, m.d)
}

// newtonSchulz runs iters Newton–Schulz iterations X ← ½(3I − XXᵀ)X on B̃
// (see the comment at the top of the file), in float32 with scratch buffers
// kept on the model.
func (m *model) newtonSchulz(iters int) {
	n, d := m.n, m.d
	if len(m.gram) != n*n {
		m.gram = make([]float32, n*n)
		m.tmpB = make([]float32, n*d)
	}
	for it := 0; it < iters; it++ {
		// gram = −½·XXᵀ + (3/2)·I
		gemm(false, true, n, n, d, -0.5, m.B, d, m.B, d, 0, m.gram, n)
		for i := 0; i < n; i++ {
			m.gram[i*n+i] += 1.5
		}
		gemm(false, false, n, d, n, 1, m.gram, n, m.B, d, 0, m.tmpB, d)
		copy(m.B, m.tmpB)
	}
}
