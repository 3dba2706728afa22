package activities

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/train"
)

// Activities carries what the activities need on a worker. Register a
// pointer to it with the worker; its exported methods are the activities.
type Activities struct {
	Store storage.Store
	// Run trains one point; nil means RunTrainer (the real training core).
	// Tests and overhead benchmarks plug in a trivial one.
	Run Runner
	// CheckpointInterval is the wall time between checkpoints of a running
	// point (default 20 s).
	CheckpointInterval time.Duration
	// Worker identifies this worker in result records (default host:pid).
	Worker string
	// Metrics counts points trained, reused and failed and checkpoints
	// written; nil counts nothing.
	Metrics Metrics
}

// Runner trains one point. It starts from ck if it is not nil, calls save
// with a fresh checkpoint at least every interval, and heartbeat after
// every few steps. On cancellation it saves a checkpoint and returns
// ctx.Err().
type Runner func(ctx context.Context, cfg train.Config, ck *train.Checkpoint, h Hooks) (*train.Result, []train.Artifact, error)

// Hooks are the callbacks a Runner reports through.
type Hooks struct {
	Interval  time.Duration
	Save      func(*train.Checkpoint) error
	Heartbeat func(step int)
}

// RunTrainer is the Runner of the real training core.
func RunTrainer(ctx context.Context, cfg train.Config, ck *train.Checkpoint, h Hooks) (*train.Result, []train.Artifact, error) {
	var tr *train.Trainer
	var err error
	if ck != nil {
		tr, err = train.Resume(ck)
	} else {
		tr, err = train.New(cfg)
	}
	if err != nil {
		return nil, nil, err
	}
	last := time.Now()
	res, err := tr.Run(ctx, train.RunOptions{
		ProgressEvery: 10,
		Progress: func(step int, _ float64) {
			h.Heartbeat(step)
			if time.Since(last) >= h.Interval && step < tr.Config().Steps {
				if err := h.Save(tr.Checkpoint()); err == nil {
					last = time.Now()
				}
			}
		},
		Checkpoint: h.Save, // on cancellation
	})
	if err != nil {
		return nil, nil, err
	}
	arts, err := tr.Artifacts()
	return res, arts, err
}

func (a *Activities) runner() Runner {
	if a.Run != nil {
		return a.Run
	}
	return RunTrainer
}

func (a *Activities) interval() time.Duration {
	if a.CheckpointInterval > 0 {
		return a.CheckpointInterval
	}
	return 20 * time.Second
}

func (a *Activities) worker() string {
	if a.Worker != "" {
		return a.Worker
	}
	h, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", h, os.Getpid())
}
