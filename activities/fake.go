package activities

import (
	"context"

	"github.com/bitsweep/bitsweep/train"
)

// FakeRunner is a trivial Runner for measuring the orchestration overhead
// (Temporal, the store) without training: it returns a result with loss 0
// and one tiny artifact at once. Results it writes are marked with the
// backend name "fake" so that they cannot pass for real ones.
func FakeRunner(ctx context.Context, cfg train.Config, _ *train.Checkpoint, h Hooks) (*train.Result, []train.Artifact, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	h.Heartbeat(cfg.Steps)
	res := &train.Result{Config: cfg, Steps: cfg.Steps, Backend: "fake", Version: train.Version}
	return res, []train.Artifact{{Name: "curve.csv", Data: train.CurveCSV(nil)}}, nil
}

// Runners names the available runners for flags.
var Runners = map[string]Runner{"real": RunTrainer, "fake": FakeRunner}
