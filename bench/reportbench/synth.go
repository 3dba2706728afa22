package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/spec"
	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/theory"
	"github.com/bitsweep/bitsweep/train"
)

// combos is the number of grid combinations of the synthetic spec: 3 archs ×
// 20 sparsities × 5 rates.
const combos = 3 * 20 * 5

// specYAML is the synthetic sweep: the grid of a large real sweep, with as
// many seeds as it takes to reach n points. Nothing is trained; its points
// only give the synthetic results their configs and IDs.
func specYAML(name string, n int) []byte {
	seeds := (n + combos - 1) / combos
	return fmt.Appendf(nil, `# Synthetic sweep of bench/reportbench: nothing is trained, the results
# are made up. The manifest lists the first %d of its points.
name: %s
description: report.Collect benchmark, %d synthetic results
fixed:
  source: bernoulli-gaussian
  d: 256
  init: orthogonal
  schedule: tail
grid:
  arch: [linear, denoiser, multilayer]
  sparsity: {from: 0.05, to: 1, step: 0.05}
  rate: [0.25, 0.5, 0.75, 1, 1.5]
seeds: %d
`, n, name, n, seeds)
}

// synth makes the synthetic points of one sweep.
type synth struct {
	name   string
	spec   *spec.Spec
	n      int
	theory []theory.Prediction // by grid combination
	curve  []int               // the steps on the loss curve (all points train as long)
	start  time.Time
}

func newSynth(name string, n int) (*synth, error) {
	if err := spec.CheckName(name); err != nil {
		return nil, fmt.Errorf("sweep name: %w", err)
	}
	s, err := spec.Parse(specYAML(name, n), name+".yaml")
	if err != nil {
		return nil, fmt.Errorf("synthetic spec: %w", err)
	}
	if s.Total() < n {
		return nil, fmt.Errorf("synthetic spec has %d points, want %d", s.Total(), n)
	}
	sy := &synth{name: name, spec: s, n: n, start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	// theory.Predict depends on the grid combination only, not the seed.
	for c := range s.Total() / len(s.Seeds) {
		cfg := sy.point(c * len(s.Seeds)).Config
		sy.theory = append(sy.theory, theory.Predict(cfg.Source, cfg.Arch, cfg.Rate, cfg.Sparsity, cfg.Layers))
	}
	sy.curve = curveSteps(sy.point(0).Config.Steps)
	return sy, nil
}

// point returns point i (0 ≤ i < n) of the sweep.
func (s *synth) point(i int) spec.Point {
	p, _ := s.spec.At(i) // the spec has no exclusions
	return p
}

// manifest returns sweeps/<name>/manifest.jsonl as PrepareSweep writes it,
// for the first n points.
func (s *synth) manifest() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for i := range s.n {
		p := s.point(i)
		enc.Encode(struct {
			Index int    `json:"index"`
			ID    string `json:"id"`
		}{p.Index, p.ID})
	}
	return b.Bytes()
}

// sweepFiles are the objects PrepareSweep stores under sweeps/<name>/.
func (s *synth) sweepFiles() map[string][]byte {
	meta, _ := json.Marshal(struct {
		Name string `json:"name"`
	}{s.name})
	return map[string][]byte{"spec.yaml": s.spec.Raw, "manifest.jsonl": s.manifest(), "sweep.json": meta}
}

// curveSteps are the steps on the loss curve of a run of total steps, as
// train records them: 0, four a octave, the last.
func curveSteps(total int) []int {
	st := []int{0}
	for k := 0; ; k++ {
		v := int(math.Round(math.Exp2(float64(k) / 4)))
		if v >= total {
			break
		}
		if v > st[len(st)-1] {
			st = append(st, v)
		}
	}
	return append(st, total)
}

// result returns result.json of point i, encoded like TrainPoint writes it,
// and its ID. It is a pure function of i (a second populate writes the same
// bytes) and safe for concurrent use.
func (s *synth) result(i int) (id string, data []byte, err error) {
	p := s.point(i)
	cfg := p.Config
	rng := rand.New(rand.NewPCG(uint64(i), 0x7265706f7274))
	noise := func(scale float64) float64 { return 1 + scale*rng.NormFloat64() }

	pr := s.theory[p.Index/len(s.spec.Seeds)]
	base := 0.5
	switch {
	case pr.Expected != nil:
		base = *pr.Expected
	case pr.Gauss != nil:
		base = *pr.Gauss
	}
	loss := base * noise(0.02)
	n := train.Bits(cfg.Rate, cfg.Dim)
	seconds := float64(cfg.Steps) * 0.02 * noise(0.1)

	var curve []train.CurvePoint
	if cfg.Steps != s.curve[len(s.curve)-1] {
		return "", nil, fmt.Errorf("point %d trains %d steps, not %d", i, cfg.Steps, s.curve[len(s.curve)-1])
	}
	for _, st := range s.curve {
		frac := float64(st) / float64(cfg.Steps)
		cp := train.CurvePoint{Step: st, Loss: loss + (1-loss)*math.Exp(-float64(st)/150)*noise(0.01)}
		if st > 0 {
			cp.TrainLoss = cp.Loss * noise(0.05)
			cp.LR = cfg.LR
			if left := float64(cfg.Steps - st); cfg.Schedule == "tail" && left < 0.3*float64(cfg.Steps) {
				cp.LR = cfg.LR * left / (0.3 * float64(cfg.Steps))
			}
			cp.Seconds = seconds * frac
		}
		curve = append(curve, cp)
	}

	res := train.Result{
		Config: cfg, N: n,
		Loss: loss, LossRaw: loss * cfg.Sparsity, TrainLoss: curve[len(curve)-1].TrainLoss,
		EvalRows: cfg.EvalSamples,
		Minimizer: train.Shape{
			PermScore: 2 / float64(cfg.Dim) * noise(0.1),
			RowPeak:   math.Sqrt(2*math.Log(float64(cfg.Dim))/float64(cfg.Dim)) * noise(0.05),
			OrthError: 0.05 * math.Abs(noise(0.5)),
		},
		Steps: cfg.Steps, Seconds: seconds,
		Theory: pr, Params: scalars(cfg, rng), Curve: curve,
		Backend: train.Backend(), Version: train.Version,
	}

	params, err := json.MarshalIndent(map[string]any{"config": cfg, "scalars": res.Params}, "", "  ")
	if err != nil {
		return "", nil, err
	}
	npySize := int64(128 + 4*n*cfg.Dim) // B is n×d, A is d×n, float32
	rec := results.Record{
		PointID: p.ID, Result: res,
		Artifacts: map[string]results.Artifact{
			// The matrices are not made: their checksums are stand-ins.
			"B.npy":       {Key: results.PointKey(p.ID, "B.npy"), SHA256: fakeSum(p.ID, "B.npy"), Size: npySize},
			"A.npy":       {Key: results.PointKey(p.ID, "A.npy"), SHA256: fakeSum(p.ID, "A.npy"), Size: npySize},
			"params.json": artifact(p.ID, "params.json", append(params, '\n')),
			"curve.csv":   artifact(p.ID, "curve.csv", train.CurveCSV(curve)),
		},
		Worker:   fmt.Sprintf("worker-%d/%d", i%7, 1000+i%13),
		Attempt:  1 + int32(i%50/49), // every 50th point took a retry
		Resumed:  i%50 == 49,
		Finished: s.start.Add(time.Duration(i) * 1500 * time.Millisecond),
	}
	data, err = json.MarshalIndent(rec, "", "  ")
	return p.ID, data, err
}

// scalars are decoder scalars as the model reports them (train's
// scalarParams): none for the linear decoder.
func scalars(cfg train.Config, rng *rand.Rand) map[string]float64 {
	if cfg.Arch == "linear" {
		return nil
	}
	out := map[string]float64{}
	for t := range cfg.Layers {
		pre := fmt.Sprintf("layer%d.", t+1)
		out[pre+"mu"] = 0.8 + 0.1*rng.Float64()
		out[pre+"sigma2"] = 0.1 + 0.5*rng.Float64()
		out[pre+"p"] = cfg.Sparsity * (0.9 + 0.2*rng.Float64())
		if t > 0 {
			out[pre+"kappa"] = 1 + rng.Float64()
			for _, k := range []string{"a", "b", "c", "d", "e"} {
				out[pre+k] = rng.NormFloat64()
			}
		}
		if t+1 < cfg.Layers {
			out[pre+"g"] = rng.NormFloat64()
			out[pre+"h"] = rng.NormFloat64()
		}
	}
	return out
}

func artifact(id, name string, b []byte) results.Artifact {
	return results.Artifact{Key: results.PointKey(id, name), SHA256: storage.SHA256Hex(b), Size: int64(len(b))}
}

// fakeSum is a well-formed SHA-256 for an artifact that is not made.
func fakeSum(id, name string) string {
	s := sha256.Sum256([]byte(id + "/" + name))
	return hex.EncodeToString(s[:])
}
