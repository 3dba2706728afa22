// Package train is the training core of bitsweep: it trains one 1-bit
// autoencoder, x̂ = f(A·sign(Bx)), on one sweep point and reports what it
// learned.
//
// The model and its variants follow Kögler, Shevchenko, Hassani, Mondelli,
// "Compression of Structured Data with Autoencoders: Provable Benefit of
// Nonlinearities and Depth" (ICML 2024); every formula used here is collected,
// with its source, in shared/science.md of the project (cited below as
// science.md §N).
//
// Architectures (d inputs, n = round(r·d) bits):
//
//   - linear: x̂ = A·sign(B̃x), B̃ the row-normalised encoder (science.md §2.1;
//     sign is invariant to the row scale, so the rows of B are kept on the unit
//     sphere after every update).
//   - denoiser: x̂ = f(A·sign(B̃x)) with f the Bernoulli–Gaussian posterior mean
//     of the scalar channel y = μx + σz (science.md §2.2), whose (μ, σ², p) are
//     learned or frozen at their theoretical values.
//   - multilayer: an unrolled VAMP decoder for y = sign(B̃x) (science.md §2.3);
//     its first layer is the denoiser architecture, each further layer one
//     B̃/B̃ᵀ pair, a truncated-Gaussian output denoiser that uses the bits
//     again (skip connection), a Bernoulli–Gaussian input denoiser and
//     Onsager-corrected extrinsic updates. Its per-layer scalars start at the
//     state-evolution values of package theory and are trained.
//
// Training is minibatch Adam or SGD on fresh samples from package data, with
// the hard sign in the forward pass and a straight-through estimator for its
// gradient. Evaluation always uses the hard sign, sign(0) = +1, on held-out
// samples.
//
// Determinism: the minibatch of step t is a pure function of (seed, t), the
// initialisation a pure function of seed, and the matrix products are
// computed by a BLAS whose per-element summation order does not depend on the
// number of threads. A Checkpoint holds the parameters, the optimiser moments
// and the step, which is the whole state of a run: resuming from it gives
// results bit-identical to an uninterrupted run on the same BLAS backend.
package train
