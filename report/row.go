package report

import (
	"math"
	"time"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/train"
)

// Row is one point. The parquet tags name the columns of both the CSV and
// the Parquet tables, in field order; pointer fields are missing (empty in
// CSV, null in Parquet) when the value does not exist.
//
// The config's step count is "steps"; the steps the trainer actually ran
// are "steps_run".
type Row struct {
	PointID string `parquet:"point_id"`
	// Sweep names the sweeps whose manifests list the point, sorted and
	// joined with ";"; empty when the whole store is listed.
	Sweep string `parquet:"sweep"`

	// The config (train.Config).
	Source      string  `parquet:"source"`
	Sparsity    float64 `parquet:"sparsity"`
	Rate        float64 `parquet:"rate"`
	Dim         int64   `parquet:"d"`
	Arch        string  `parquet:"arch"`
	Layers      int64   `parquet:"layers"`
	Steps       int64   `parquet:"steps"`
	Batch       int64   `parquet:"batch"`
	LR          float64 `parquet:"lr"`
	Optimizer   string  `parquet:"optimizer"`
	Seed        uint64  `parquet:"seed"`
	Init        string  `parquet:"init"`
	STE         string  `parquet:"ste"`
	STEEpsilon  float64 `parquet:"ste_epsilon"`
	Denoiser    string  `parquet:"denoiser"`
	Refit       bool    `parquet:"refit"`
	DecoderGrad string  `parquet:"decoder_grad"`
	Schedule    string  `parquet:"schedule"`
	Until       string  `parquet:"until"`
	Tol         float64 `parquet:"tol"`
	Escape      string  `parquet:"escape"`
	EvalSamples int64   `parquet:"eval_samples"`

	// The result (train.Result).
	N         int64   `parquet:"n"`
	Loss      float64 `parquet:"loss"`
	LossRaw   float64 `parquet:"loss_raw"`
	TrainLoss float64 `parquet:"train_loss"`
	EvalRows  int64   `parquet:"eval_rows"`
	PermScore float64 `parquet:"perm_score"`
	RowPeak   float64 `parquet:"row_peak"`
	OrthError float64 `parquet:"orth_error"`
	StepsRun  int64   `parquet:"steps_run"`
	// Converged is false when the step budget ran out first (StopReason
	// "budget"; such rows are also listed in problems.csv and grouped apart).
	Converged       bool    `parquet:"converged"`
	StopReason      string  `parquet:"stop_reason"`
	PlateauExitStep int64   `parquet:"plateau_exit_step"`
	ProbeKept       bool    `parquet:"probe_kept"` // the escape probe's encoder was kept
	Seconds         float64 `parquet:"seconds"`
	Backend         string  `parquet:"backend"`
	BLASThreads     int64   `parquet:"blas_threads"`
	Version         string  `parquet:"trainer_version"`

	// Who computed it (results.Record). Finished is RFC 3339 in UTC.
	Worker   string `parquet:"worker"`
	Attempt  int64  `parquet:"attempt"`
	Resumed  bool   `parquet:"resumed"`
	Finished string `parquet:"finished"`

	// The theory (theory.Prediction); TheoryLayers is the last layer's loss.
	TheoryGauss      *float64 `parquet:"theory_gauss,optional"`
	TheoryIdentity   *float64 `parquet:"theory_identity,optional"`
	TheoryDenoiser   *float64 `parquet:"theory_denoiser,optional"`
	TheoryLayers     *float64 `parquet:"theory_layers,optional"`
	TheoryFixedPoint *float64 `parquet:"theory_fixed_point,optional"`
	TheoryCriticalP  *float64 `parquet:"theory_critical_p,optional"`
	TheoryExpected   *float64 `parquet:"theory_expected,optional"`
	// Gap = Loss − TheoryExpected; missing when there is no prediction.
	Gap *float64 `parquet:"gap,optional"`

	// The artifacts' keys in the store; empty when result.json names none.
	KeyB      string `parquet:"key_B"`
	KeyA      string `parquet:"key_A"`
	KeyParams string `parquet:"key_params"`
	KeyCurve  string `parquet:"key_curve"`
}

// newRow flattens a record into a row.
func newRow(rec *results.Record, sweep string) Row {
	res := &rec.Result
	c := res.Config
	th := res.Theory
	r := Row{
		PointID: rec.PointID, Sweep: sweep,

		Source: c.Source, Sparsity: c.Sparsity, Rate: c.Rate, Dim: int64(c.Dim),
		Arch: c.Arch, Layers: int64(c.Layers), Steps: int64(c.Steps), Batch: int64(c.Batch),
		LR: c.LR, Optimizer: c.Optimizer, Seed: c.Seed, Init: c.Init, STE: c.STE,
		STEEpsilon: c.STEEpsilon, Denoiser: c.Denoiser, Refit: c.Refit,
		DecoderGrad: c.DecoderGrad, Schedule: c.Schedule, EvalSamples: int64(c.EvalSamples),
		Until: c.Until, Tol: c.Tol, Escape: c.Escape,

		N: int64(res.N), Loss: res.Loss, LossRaw: res.LossRaw, TrainLoss: res.TrainLoss,
		EvalRows: int64(res.EvalRows), PermScore: res.Minimizer.PermScore,
		RowPeak: res.Minimizer.RowPeak, OrthError: res.Minimizer.OrthError,
		StepsRun: int64(res.Steps), Seconds: res.Seconds, Backend: res.Backend, BLASThreads: int64(res.BLASThreads),
		Converged: res.Converged, StopReason: res.StopReason, PlateauExitStep: int64(res.PlateauExitStep),
		ProbeKept: res.Escape != nil && res.Escape.ProbeKept,
		Version:   res.Version,

		Worker: rec.Worker, Attempt: int64(rec.Attempt), Resumed: rec.Resumed,

		TheoryGauss:      finite(th.Gauss),
		TheoryIdentity:   finite(th.Identity),
		TheoryDenoiser:   finite(th.Denoiser),
		TheoryFixedPoint: finite(th.FixedPoint),
		TheoryCriticalP:  finite(th.CriticalP),
		TheoryExpected:   finite(th.Expected),

		KeyB:      rec.Artifacts["B.npy"].Key,
		KeyA:      rec.Artifacts["A.npy"].Key,
		KeyParams: rec.Artifacts["params.json"].Key,
		KeyCurve:  rec.Artifacts["curve.csv"].Key,
	}
	if !rec.Finished.IsZero() {
		r.Finished = rec.Finished.UTC().Format(time.RFC3339Nano)
	}
	if n := len(th.Layers); n > 0 {
		r.TheoryLayers = finite(&th.Layers[n-1])
	}
	if r.TheoryExpected != nil {
		r.Gap = finite(ptr(res.Loss - *r.TheoryExpected))
	}
	return r
}

// config returns the row's config, the key of its group when the seed is
// zeroed.
func (r *Row) config() train.Config {
	return train.Config{
		Source: r.Source, Sparsity: r.Sparsity, Rate: r.Rate, Dim: int(r.Dim),
		Arch: r.Arch, Layers: int(r.Layers), Steps: int(r.Steps), Batch: int(r.Batch),
		LR: r.LR, Optimizer: r.Optimizer, Seed: r.Seed, Init: r.Init, STE: r.STE,
		STEEpsilon: r.STEEpsilon, Denoiser: r.Denoiser, Refit: r.Refit,
		DecoderGrad: r.DecoderGrad, Schedule: r.Schedule, EvalSamples: int(r.EvalSamples),
		Until: r.Until, Tol: r.Tol, Escape: r.Escape,
	}
}

// budgetHit reports whether the row's run ran out of steps before it
// converged.
func (r *Row) budgetHit() bool { return r.StopReason == "budget" }

func ptr(v float64) *float64 { return &v }

// finite returns a copy of *p, or nil if p is nil or not a finite number.
func finite(p *float64) *float64 {
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return nil
	}
	return ptr(*p)
}
