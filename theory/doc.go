// Package theory gives the closed-form and state-evolution predictions of
// bitsweep for the normalised loss E‖x − x̂‖²/E‖x‖² of a 1-bit autoencoder
// x̂ = A·sign(Bx) (and its denoiser and multi-layer variants) at rate
// r = n/d.
//
// The model is that of Kögler, Shevchenko, Hassani, Mondelli, "Compression of
// Structured Data with Autoencoders: Provable Benefit of Nonlinearities and
// Depth" (ICML 2024). Every formula is taken from, or derived alongside, the
// project's science digest shared/science.md, cited as "science.md §N" with
// its evidence label ([R] recalled, [D] derived, [S] simulated); "derived:"
// marks a step worked out here. None of the numbers are quoted from the
// paper itself.
//
// Sources are normalised so that E x_i² = 1 (science.md §1):
//
//   - Gaussian: x_i ~ N(0, 1), treated as Bernoulli–Gaussian with p = 1;
//   - Bernoulli–Gaussian (BG): x_i = s_i·g_i/√p, s_i ~ Bern(p), g_i ~ N(0, 1);
//   - sparse Rademacher: x_i ∈ {0, ±1/√p} with probabilities (1 − p, p/2, p/2).
//
// p is always the probability that a coordinate is non-zero.
//
// What is provided:
//
//   - GaussLoss: the Gaussian performance R_Gauss(r), reached by a random
//     rotation with the optimal linear decoder (science.md §4.1, §4.2);
//   - IdentityLossBG, IdentityLossSparseRademacher and CriticalSparsity: the
//     identity/permutation encoder and the sparsity at which it overtakes the
//     rotation (science.md §4.3, §6);
//   - DenoiserChannel, DenoiserSNR and DenoiserLoss: the effective scalar
//     channel y ≈ μx + σz after the linear decoder and the loss of the
//     optimal entrywise denoiser (science.md §2.2);
//   - StateEvolution and FixedPointLoss: the state evolution of the unrolled
//     VAMP decoder and its fixed point (science.md §2.3, §4.4);
//   - RotationLossBG: a Monte Carlo estimate of the random rotation's loss
//     at finite d on Bernoulli–Gaussian data (it tends to GaussLoss as
//     d → ∞), and NormFloorBG: the part of the loss that no decoder of
//     sign(Bx) avoids at finite d, because the code does not carry ‖x‖;
//   - the scalar functions MMSEBG, MMSESign, InvMills and TruncNormVar;
//   - Predict, which bundles what applies to one sweep point.
//
// Functions return NaN (and StateEvolution NaN-filled layers) for parameters
// outside their domain instead of panicking, so that a sweep over arbitrary
// points can call them freely.
package theory
