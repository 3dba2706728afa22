package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/bitsweep/bitsweep/train"
)

// errHelp is returned after -h printed the flags.
var errHelp = errors.New("help")

// usageError marks errors in the command line itself.
type usageError struct{ error }

func isUsage(err error) bool {
	var u usageError
	var f *train.FieldError
	return errors.As(err, &u) || errors.As(err, &f)
}

// newFlags returns a flag set that reports errors instead of printing them.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	resetEnvErrors()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args; on -h it prints the flags to stderr and returns errHelp.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stderr)
		fmt.Fprintf(stderr, "usage of bitsweep %s:\n", fs.Name())
		fs.PrintDefaults()
		return errHelp
	}
	if err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if err := EnvError(); err != nil {
		return usageError{err}
	}
	return nil
}

// pointFlags registers the flags of one point's Config.
func pointFlags(fs *flag.FlagSet, c *train.Config) {
	fs.StringVar(&c.Source, "source", "gaussian", "data source: gaussian, bernoulli-gaussian, sparse-rademacher, idx:PATH, cifar10:PATH")
	fs.Float64Var(&c.Sparsity, "sparsity", 1, "p in (0,1]: probability of a non-zero (images: mask keep probability)")
	fs.Float64Var(&c.Rate, "rate", 1, "rate r > 0: n = round(r·d) latent bits")
	fs.IntVar(&c.Dim, "d", 256, "input dimension d (images: 0 = the file's)")
	fs.StringVar(&c.Arch, "arch", "linear", "architecture: linear, denoiser, multilayer")
	fs.IntVar(&c.Layers, "layers", 0, "multilayer: decoder layers L (default 3)")
	fs.IntVar(&c.Steps, "steps", 0, "step budget (default 20000); with --until fixed the exact number of steps (default 1500)")
	fs.StringVar(&c.Until, "until", "", "stopping rule: converged (held-out loss on its plateau; --steps caps it) or fixed (exactly --steps) (default converged)")
	fs.Float64Var(&c.Tol, "tol", 0, "until converged: relative improvement per doubling of the steps below which a phase has converged (default 0.003)")
	fs.StringVar(&c.Escape, "escape", "", "until converged: probe (restart from the encoder pulled towards its nearest permutation, keep the better) or none (default probe)")
	fs.IntVar(&c.Batch, "batch", 0, "minibatch size (default 256)")
	fs.Float64Var(&c.LR, "lr", 0, "learning rate (default 2e-3 for adam, 0.5 for sgd)")
	fs.StringVar(&c.Optimizer, "optimizer", "adam", "adam or sgd")
	fs.Uint64Var(&c.Seed, "seed", 1, "random seed (data, initialisation)")
	fs.StringVar(&c.Init, "init", "", "encoder init: gaussian or orthogonal (default gaussian)")
	fs.StringVar(&c.STE, "ste", "", "straight-through estimator: identity, clip, tanh (default identity)")
	fs.Float64Var(&c.STEEpsilon, "ste-epsilon", 0, "tanh estimator width ε (default 0.5)")
	fs.StringVar(&c.Denoiser, "denoiser", "", "denoiser parameters: learned or theory (default learned)")
	fs.BoolVar(&c.Refit, "refit", false, "linear: refit the decoder by least squares before evaluation")
	fs.StringVar(&c.DecoderGrad, "decoder-grad", "", "multilayer: tied (decoder trains B too) or stop (default tied)")
	fs.StringVar(&c.Schedule, "schedule", "", "learning-rate schedule: plateau (until converged), constant or tail (until fixed) (default plateau, or tail with --until fixed)")
	fs.IntVar(&c.EvalSamples, "eval-samples", 0, "held-out samples for the final loss (default 8192)")
}

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("train", stderr)
	var cfg train.Config
	pointFlags(fs, &cfg)
	out := fs.String("out", "", "directory for the minimizer (.npy), parameters, curve and result.json")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if !(cfg.Sparsity > 0) {
		// Config treats 0 as "unset"; on the command line it is a value.
		return &train.FieldError{Field: "sparsity", Value: cfg.Sparsity, Msg: "must be in (0, 1]"}
	}
	if err := train.BLASError(); err != nil {
		return err
	}
	tr, err := train.New(cfg)
	if err != nil {
		return err
	}
	res, err := tr.Run(ctx, train.RunOptions{})
	if err != nil {
		return err
	}
	if *out != "" {
		if err := writeDir(*out, tr, res); err != nil {
			return err
		}
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(summary(res))
	}
	fmt.Fprintf(stdout, "%s r=%g p=%g d=%d n=%d %s: loss %.4f (raw MSE %.4f)", res.Config.Source, res.Config.Rate,
		res.Config.Sparsity, res.Config.Dim, res.N, res.Config.Arch, res.Loss, res.LossRaw)
	if e := res.Theory.Expected; e != nil {
		fmt.Fprintf(stdout, ", theory %.4f", *e)
	}
	fmt.Fprintf(stdout, "; perm_score %.4f, orth_error %.3f; %d steps in %.1fs (%s)\n", res.Minimizer.PermScore,
		res.Minimizer.OrthError, res.Steps, res.Seconds, stopNote(res))
	return nil
}

// summary is the JSON object printed by train --json: the headline metrics
// at the top level, the full result beside them.
func summary(r *train.Result) map[string]any {
	return map[string]any{
		"loss": r.Loss, "loss_raw": r.LossRaw, "perm_score": r.Minimizer.PermScore,
		"row_peak": r.Minimizer.RowPeak, "orth_error": r.Minimizer.OrthError,
		"steps": r.Steps, "seconds": r.Seconds, "seed": r.Config.Seed, "theory": r.Theory,
		"config": r.Config, "n": r.N, "train_loss": r.TrainLoss, "params": r.Params,
		"backend": r.Backend, "blas_threads": r.BLASThreads, "trainer_version": r.Version, "eval_rows": r.EvalRows,
		"converged": r.Converged, "stop_reason": r.StopReason, "plateau_exit_step": r.PlateauExitStep, "escape": r.Escape,
	}
}

// writeDir writes the artifacts and result.json into dir.
func writeDir(dir string, tr *train.Trainer, res *train.Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	arts, err := tr.Artifacts()
	if err != nil {
		return err
	}
	js, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("encode result.json: %w", err)
	}
	arts = append(arts, train.Artifact{Name: "result.json", Data: append(js, '\n')})
	for _, a := range arts {
		p := filepath.Join(dir, a.Name)
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, a.Data, 0o644); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("write %s: %w", p, err)
		}
		if err := os.Rename(tmp, p); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	return nil
}

// stopNote says how a run stopped, for the one-line summary.
func stopNote(r *train.Result) string {
	note := r.StopReason
	if !r.Converged && r.StopReason == "budget" {
		note = "NOT converged: the step budget ran out"
	}
	if e := r.Escape; e != nil && e.ProbeKept {
		note += fmt.Sprintf("; left the plateau at step %d (probe gained %.4f)", e.ProbeStep, e.Gain)
	}
	return note
}
