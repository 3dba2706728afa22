// Package data provides the training and held-out samples for bitsweep's
// 1-bit autoencoders x̂ = A·sign(Bx): synthetic i.i.d. sources
// (science.md §1.1–1.2) and flattened image data sets (science.md §1.3, §5).
// Samples are float32, row-major, with E x_i² = 1.
//
// # Sources
//
// Build one with New(Options{Source, Dim, Sparsity}):
//
//   - "gaussian": x_i ~ N(0, 1).
//   - "bernoulli-gaussian": x_i = s_i·g_i/√p with s_i ~ Bern(p) and
//     g_i ~ N(0, 1) independent; P(x_i = 0) = 1−p, E x_i² = 1,
//     E|x_i| = √(2p/π).
//   - "sparse-rademacher": x_i ∈ {0, +1/√p, −1/√p} with probabilities
//     (1−p, p/2, p/2); E x_i² = 1, E|x_i| = √p.
//   - "idx:PATH": MNIST-format IDX images (MNIST, Fashion-MNIST), plain or
//     gzip-compressed (recognised by its magic bytes, not its name), data
//     type 0x08 (unsigned byte) only. PATH is a file, or a directory holding
//     train-images-idx3-ubyte[.gz] and optionally t10k-images-idx3-ubyte[.gz].
//     Each record is flattened to d = product of the non-first dimensions
//     (784 for MNIST).
//   - "cifar10:PATH": CIFAR-10 binary batches (records of 1 label byte and
//     3072 pixels: the R, G and B 32×32 planes in that order; d = 3072, the
//     label is dropped). PATH is one batch file, or a directory whose
//     data_batch_*.bin files, in lexical order, form the training split and
//     whose test_batch.bin, if present, is the test split.
//
// Sparsity p must lie in (0, 1]; 0 means unset, which is an error for the two
// sparse sources and means 1 for the others.
//
// # Image preprocessing (a promise: results depend on it)
//
//  1. Pixels (bytes 0…255) become float64 values.
//  2. Train/test split: the separate test file when PATH provides one
//     (test_batch.bin, t10k-images-idx3-ubyte); otherwise the last
//     round(n/7) records of the file(s) (round half up: 8571 of 60000) are the
//     test split and the others the training split.
//  3. The per-coordinate mean μ_j over the training split is subtracted from
//     both splits.
//  4. Both splits are multiplied by one global scale s = 1/√((1/d)·Σ_j v_j),
//     v_j the population variance of coordinate j over the training split,
//     so that the mean over coordinates of E x_j² on the training split is 1.
//     No per-coordinate standardisation: coordinates that are constant in the
//     training split are 0 there (and (pixel−μ_j)·s in the test split). A data
//     set whose coordinates are all constant is rejected.
//  5. Only if p < 1: Bernoulli(p) masking after steps 1–4; each coordinate is
//     kept with probability p and then divided by √p (so E x_j² is unchanged),
//     otherwise set to 0. Training batches get fresh masks (a function of seed
//     and step); the held-out set gets fixed masks (a function of seed).
//
// The value is computed in float64 as (pixel − μ_j)·s[·1/√p] and rounded once
// to float32. Batch draws training records uniformly with replacement;
// Heldout returns the first min(n, test size) test records in file order.
//
// # Reproducibility
//
// Batch(seed, step, dst) is a pure function of (seed, step, len(dst)): bits
// are identical on every machine and for every GOMAXPROCS. The rows are cut
// into chunks of 64; chunk c draws from its own math/rand/v2 PCG stream whose
// two seeds are a splitmix64 hash of (seed, domain, step, c), and chunks are
// filled in parallel on at most GOMAXPROCS goroutines. Held-out samples use a
// separate domain, so they never coincide with a training stream, whatever
// step is passed to Batch. The Gaussian sampler is a ziggurat (Marsaglia &
// Tsang 2000) whose exp/log are computed from exactly rounded IEEE operations,
// and no floating-point expression is left open to FMA contraction, so no
// platform-specific rounding can change the output. Because streams are per
// chunk and rows are generated in order, a batch of k rows is the first k
// rows of any longer batch with the same seed and step (likewise Heldout).
//
// Sources are immutable after New and safe for concurrent use.
package data
