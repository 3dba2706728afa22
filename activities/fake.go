package activities

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/bitsweep/bitsweep/train"
)

// FakeRunner is a trivial Runner for measuring the orchestration overhead
// (Temporal, the store) without training: it returns a result with loss 0
// and one tiny artifact at once. Results it writes are marked with the
// backend name "fake" so that they cannot pass for real ones.
//
// BITSWEEP_FAKE_POINT_TIME (a duration such as 500ms; default 0) makes
// each point take that long, heartbeating every second and stopping when
// its context ends: a stand-in for training in tests of scheduling (workers
// joining and leaving a running sweep), where what matters is how long a
// point holds a worker's slot.
func FakeRunner(ctx context.Context, cfg train.Config, _ *train.Checkpoint, h Hooks) (*train.Result, []train.Artifact, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if v := os.Getenv("BITSWEEP_FAKE_POINT_TIME"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, nil, fmt.Errorf("BITSWEEP_FAKE_POINT_TIME=%q: want a duration ≥ 0 such as 500ms", v)
		}
		end := time.NewTimer(d)
		defer end.Stop()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for wait := true; wait; {
			select {
			case <-ctx.Done():
				return nil, nil, context.Cause(ctx)
			case <-tick.C:
				h.Heartbeat(0)
			case <-end.C:
				wait = false
			}
		}
	}
	h.Heartbeat(cfg.Steps)
	res := &train.Result{Config: cfg, Steps: cfg.Steps, Backend: "fake", Version: train.Version}
	return res, []train.Artifact{{Name: "curve.csv", Data: train.CurveCSV(nil)}}, nil
}

// Runners names the available runners for flags.
var Runners = map[string]Runner{"real": RunTrainer, "fake": FakeRunner}
