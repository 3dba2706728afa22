#!/usr/bin/python3
"""One training step of bitsweep's 1-bit autoencoder in PyTorch, for speed.

This mirrors Trainer.StepOn of package train (train/forward.go,
train/backward.go, train/denoiser.go, train/norm.go, train/stiefel.go,
train/lrgroups.go, train/optimizer.go) with autograd:

    U = X·B̃ᵀ,  S = sign(U) (sign(0) = +1, identity straight-through gradient),
    Y = S·Aᵀ,
    linear:     x̂ = Y
    denoiser:   x̂ = f₁(Y)·c(k)  (one decoder layer)
    multilayer: layer 1   x̂₁ = f₁(Y);  r₂ = g·x̂₁ − h·Y  (if more layers follow)
                layer t≥2 p₁ = r₂·B̃ᵀ
                          ẑ  = p₁ + S·κ·λ(−S·p₁/κ),  λ(a) = φ(a)/(1 − Φ(a))
                          Q  = a·ẑ − (b+1)·p₁          (= p₂ − p₁)
                          x̂_L = r₂ + c·Q·B̃
                          r₁ = d·x̂_L − e·r₂
                          x̂  = f_t(r₁);  r₂ = g·x̂ − h·r₁  (if more layers follow)
                x̂ ← x̂·c(k) at the end
    f(y) = w·y·sigmoid(α + β·y²) from θ = (log μ, log σ², logit p),
    c(k) = u^α_norm, u = max(k/(p·d), 1e-12), k = Σ_i sigmoid gate of the
    last denoiser in the row (the norm correction of train/norm.go),
    loss = Σ(x̂ − x)²/(batch·d), torch.optim.Adam(lr 2e-3; for the
    denoiser and multilayer architectures B and A at 0.1× that rate, the
    scalars at 1×, as train/lrgroups.go), then for those architectures (n ≤ d)
    one Newton–Schulz step B ← ½(3I − BBᵀ)B towards the Stiefel manifold
    (train/stiefel.go), and finally the rows of B are renormalised to unit
    length.

B̃ = B/‖B‖ row-wise in the forward pass: B's rows already have unit norm
(they are renormalised after every step), so the values are B's, and the
gradient autograd hands to B is the tangential one, dB − B̃·⟨B̃, dB⟩, which
is exactly what train/backward.go applies before the Adam update.

It prints one JSON line with steps/s and the GFLOP/s of the matrix products,
counted with the formula of (train.Config).StepFLOPs. bench/trainstep runs it
next to the Go step; see bench/README.md.
"""

import argparse
import json
import math
import sys
import time

import torch

# Scalar slots of one decoder layer (train/model.go).
S_MU, S_S2, S_P, S_G, S_H, S_KAPPA, S_A, S_B, S_C, S_D, S_E, S_NORM = range(12)
N_SCALARS = 12

# The initial scalars train.New computes (from the state evolution of package
# theory) for rate 1, sparsity 0.1: the first layer, a middle layer and the
# last layer of the 3-layer decoder; the last layer's norm exponent starts
# at ½ (train/model.go). Used only when --init is not given (the benchmark
# driver always passes the Go model's exact initial parameters); then the
# one-layer denoiser takes the first row with norm exponent ½.
_SE_R1_P01 = [
    [-0.4515827, -1.4638883, -2.1972246, 1.2591809, 0.40712044, 0, 0, 0, 0, 0, 0, 0],
    [0, -0.9294691, -2.1972246, 1.2515029, 0.25150287, -0.95547587, 3.6684096, 2.6684096, 0.2725977, 3.6684096, 2.6684096, 0],
    [0, -1.0704708, -2.1972246, 0, 0, -1.154885, 4.4531927, 3.4531927, 0.22455798, 4.4531927, 3.4531927, 0.5],
]

LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def step_flops(arch, layers, d, n, batch):
    """(train.Config).StepFLOPs with DecoderGrad "tied": 2·batch·d·n per
    product; five products for the linear model, six more per extra layer,
    and the two n×n×d products of the Newton–Schulz step (4n²d) for the
    denoiser and multilayer architectures at n ≤ d."""
    per = 2.0 * batch * d * n
    f = per * 5
    if arch == "multilayer":
        f = per * (5 + 6 * (layers - 1))
    if arch != "linear" and n <= d:
        f += 4.0 * n * n * d
    return f


def denoiser(theta, y):
    """Bernoulli–Gaussian posterior mean f(y) = w·y·sigmoid(α + β·y²) for
    θ = (log μ, log σ², logit p) (train/denoiser.go)."""
    mu, s2 = theta[S_MU].exp(), theta[S_S2].exp()
    p = torch.sigmoid(theta[S_P])
    v1 = mu * mu / p + s2
    w = mu / (mu * mu + p * s2)
    alpha = theta[S_P] - 0.5 * torch.log(v1 / s2)  # logit p − ½·log(v₁/σ²)
    beta = 0.5 * (1 / s2 - 1 / v1)
    gate = torch.sigmoid(alpha + beta * y * y)
    return w * y * gate, gate


def norm_correction(x, gate, alpha, p):
    """x̂·u^α per row, u = max(k/(p·d), 1e-12), k = Σ gate (train/norm.go);
    p is clamped to [1e-4, 1 − 1e-4] as train/denoiser.go's clampP."""
    p = min(max(p, 1e-4), 1 - 1e-4)
    u = (gate.sum(dim=1, keepdim=True) / (p * x.shape[1])).clamp_min(1e-12)
    return x * torch.exp(alpha * torch.log(u))


def inv_mills(a):
    """λ(a) = φ(a)/(1 − Φ(a)) = exp(log φ(a) − log Φ(−a)), stable for all a;
    autograd's derivative is λ(λ − a), as in train/backward.go."""
    return torch.exp(-0.5 * a * a - LOG_SQRT_2PI - torch.special.log_ndtr(-a))


class Model(torch.nn.Module):
    def __init__(self, arch, layers, d, n, sparsity, init=None, seed=0):
        super().__init__()
        self.arch, self.layers, self.sparsity = arch, layers, sparsity
        g = torch.Generator().manual_seed(seed)
        if init is not None:
            B = init[: n * d].reshape(n, d).clone()
            A = init[n * d: 2 * n * d].reshape(d, n).clone()
        else:
            B = torch.randn(n, d, generator=g)
            B /= B.norm(dim=1, keepdim=True)
            A = math.sqrt(2 / math.pi) * B.t().contiguous()
        self.B = torch.nn.Parameter(B)
        self.A = torch.nn.Parameter(A)
        if arch != "linear":
            if init is not None:
                sc = init[2 * n * d: 2 * n * d + layers * N_SCALARS].reshape(layers, N_SCALARS).clone()
            else:
                rows = [_SE_R1_P01[0]] + [_SE_R1_P01[1]] * (layers - 2) + [_SE_R1_P01[2]] * (layers > 1)
                sc = torch.tensor(rows[:layers], dtype=torch.float32)
                sc[layers - 1, S_NORM] = 0.5
            self.sc = torch.nn.Parameter(sc)

    def forward(self, X):
        Bt = self.B / self.B.norm(dim=1, keepdim=True)  # = B; makes ∂L/∂B tangential
        U = X @ Bt.t()
        hard = torch.where(U >= 0, 1.0, -1.0)  # sign with sign(0) = +1
        S = U + (hard - U).detach()  # identity straight-through estimator
        Y = S @ self.A.t()
        if self.arch == "linear":
            return Y
        sc = self.sc
        x, gate = denoiser(sc[0], Y)
        if self.layers == 1:
            return norm_correction(x, gate, sc[0, S_NORM], self.sparsity)
        r2 = sc[0, S_G] * x - sc[0, S_H] * Y
        for t in range(1, self.layers):
            v = sc[t]
            p1 = r2 @ Bt.t()
            kappa = v[S_KAPPA].exp()
            z = p1 + S * kappa * inv_mills(-S * p1 / kappa)
            Q = v[S_A] * z - (v[S_B] + 1) * p1
            xl = r2 + v[S_C] * (Q @ Bt)
            r1 = v[S_D] * xl - v[S_E] * r2
            x, gate = denoiser(v, r1)
            if t + 1 < self.layers:
                r2 = v[S_G] * x - v[S_H] * r1
        return norm_correction(x, gate, sc[self.layers - 1, S_NORM], self.sparsity)


def make_batch(arch, sparsity, batch, d, seed):
    """Standard normal (linear) or Bernoulli–Gaussian x = s·g/√p (denoiser,
    multilayer)."""
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(batch, d, generator=g)
    if arch != "linear":
        keep = torch.rand(batch, d, generator=g) < sparsity
        X = X * keep / math.sqrt(sparsity)
    return X


def load_f32(path, count):
    import numpy as np

    a = np.fromfile(path, dtype="<f4")
    if a.size < count:
        sys.exit(f"{path}: {a.size} float32 values, want at least {count}")
    return torch.from_numpy(a.astype(np.float32))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", choices=["linear", "denoiser", "multilayer"], default="linear")
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--d", type=int, default=512)
    ap.add_argument("--rate", type=float, default=1.0)
    ap.add_argument("--sparsity", type=float, default=0.1, help="p of the Bernoulli–Gaussian batch (multilayer)")
    ap.add_argument("--batch", type=int, default=1024)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--init", help="raw little-endian float32 parameter vector B|A|scalars as in package train")
    ap.add_argument("--x", help="raw little-endian float32 minibatch (batch×d, row-major) instead of a generated one")
    ap.add_argument("--check", action="store_true", help="also train --check-steps steps from the start and print the loss")
    ap.add_argument("--check-steps", type=int, default=50)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    layers = args.layers if args.arch == "multilayer" else 1
    d, n = args.d, int(round(args.rate * args.d))

    init = None
    if args.init:
        init = load_f32(args.init, 2 * n * d + (layers * N_SCALARS if args.arch != "linear" else 0))
    if args.x:
        X = load_f32(args.x, args.batch * d)[: args.batch * d].reshape(args.batch, d).clone()
    else:
        X = make_batch(args.arch, args.sparsity, args.batch, d, args.seed)

    stiefel = args.arch != "linear" and n <= d  # train/stiefel.go

    def fresh():
        model = Model(args.arch, layers, d, n, args.sparsity, init=init, seed=args.seed)
        if args.arch == "linear":
            groups = [{"params": model.parameters()}]
        else:  # train/lrgroups.go: matrices at 0.1×, scalars at 1×
            groups = [{"params": [model.B, model.A], "lr": 0.1 * args.lr}, {"params": [model.sc]}]
        opt = torch.optim.Adam(groups, lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
        return model, opt

    def step(model, opt):
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(X), X)  # Σ(x̂ − x)²/(batch·d)
        loss.backward()
        opt.step()
        with torch.no_grad():
            if stiefel:  # one Newton–Schulz step X ← ½(3I − XXᵀ)X
                B = model.B
                gram = -0.5 * (B @ B.t())
                gram.diagonal().add_(1.5)
                B.copy_(gram @ B)
            model.B.div_(model.B.norm(dim=1, keepdim=True).clamp_min_(1e-30))
        return loss.item()

    out = {"impl": "torch", "arch": args.arch, "threads": args.threads,
           "torch_version": torch.__version__}
    if args.check:
        model, opt = fresh()
        losses = [step(model, opt) for _ in range(args.check_steps)]
        for i, l in enumerate(losses):
            if i % 10 == 0 or i == len(losses) - 1:
                print(f"step {i:3d}  loss {l:.6f}", file=sys.stderr)
        out["check_losses"] = losses

    model, opt = fresh()
    for _ in range(args.warmup):
        step(model, opt)
    times = []
    for _ in range(max(args.steps, 1)):
        t0 = time.perf_counter()
        step(model, opt)
        times.append(time.perf_counter() - t0)
    sec = sum(times) / len(times)
    out.update(steps=len(times), warmup=args.warmup, steps_per_s=1 / sec, seconds_per_step=sec,
               best_seconds_per_step=min(times),
               gflops=step_flops(args.arch, layers, d, n, args.batch) / sec / 1e9)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
