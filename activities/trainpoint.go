package activities

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/spec"
	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/train"
)

// ErrInvalidConfig is the application error type of configurations that can
// never train; Temporal does not retry it.
const ErrInvalidConfig = "InvalidConfig"

// ErrOtherTrainer is the application error type of a point whose ID this
// worker's training core would not give its config: it was planned by a
// worker of another train.Version (or another product order, see
// train.Config.EncoderGrad), and computing it here would store a result
// under an ID that names other arithmetic. Temporal retries it, so that in a
// fleet being upgraded a worker of the right version can take the point.
const ErrOtherTrainer = "OtherTrainer"

// TrainPointInput is the input of TrainPoint.
type TrainPointInput struct {
	Sweep     string       `json:"sweep"`
	PointID   string       `json:"point_id"`
	Config    train.Config `json:"config"`
	Recompute bool         `json:"recompute,omitempty"` // train even if a result exists (replacing it)
}

// PointSummary is the small result of TrainPoint.
type PointSummary struct {
	PointID string  `json:"point_id"`
	Reused  bool    `json:"reused"` // the result existed; nothing was trained
	Resumed bool    `json:"resumed,omitempty"`
	Loss    float64 `json:"loss"`
	Seconds float64 `json:"seconds"`
	Steps   int     `json:"steps"`
	// The minimizer's shape, convergence and theory values: what a
	// transition search reads (search.Sample).
	PermScore float64            `json:"perm_score,omitempty"`
	RowPeak   float64            `json:"row_peak,omitempty"`
	Converged bool               `json:"converged,omitempty"`
	Theory    map[string]float64 `json:"theory,omitempty"`
}

// Progress is the heartbeat detail of TrainPoint: the last completed step
// and the store key of the latest checkpoint (empty before the first).
type Progress struct {
	Step       int    `json:"step"`
	Checkpoint string `json:"checkpoint,omitempty"`
}

// TrainPoint trains one point and stores its minimizer and result. See the
// package documentation for its guarantees.
func (a *Activities) TrainPoint(ctx context.Context, in TrainPointInput) (sum PointSummary, err error) {
	defer func() {
		switch {
		case err != nil:
			a.metrics().PointFailed(failReason(ctx, err))
		case sum.Reused:
			a.metrics().PointsReused(ReusedTrain, 1)
		}
	}()
	cfg := in.Config.Defaults()
	if err := cfg.Validate(); err != nil {
		return PointSummary{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrInvalidConfig, err)
	}
	st := a.Store
	id := in.PointID
	if in.Recompute && activity.GetInfo(ctx).Attempt <= 1 {
		// Only the first attempt clears the old result: a retry must keep
		// the checkpoint of the attempt before it.
		if err := deletePoint(ctx, st, id); err != nil {
			return PointSummary{}, err
		}
	} else if rec, err := results.Load(ctx, st, id); err == nil {
		return summaryOf(rec, true), nil
	} else if !errors.Is(err, storage.ErrNotExist) {
		// A damaged result.json is not a result: recompute (and say so).
		activity.GetLogger(ctx).Warn("unreadable result; recomputing", "point", id, "error", err)
		if err := deletePoint(ctx, st, id); err != nil {
			return PointSummary{}, err
		}
	}

	if own := spec.PointID(cfg); own != id {
		err := fmt.Errorf("point %s: this worker's trainer (%s) gives the config the ID %s; it was planned by a worker of another trainer version", id, train.Version, own)
		return PointSummary{}, temporal.NewApplicationError(err.Error(), ErrOtherTrainer)
	}
	pj, err := json.MarshalIndent(map[string]any{"point_id": id, "config": cfg, "trainer_version": train.Version}, "", "  ")
	if err != nil {
		return PointSummary{}, err
	}
	if err := putOnce(ctx, st, results.PointKey(id, results.PointFile), pj); err != nil {
		return PointSummary{}, err
	}

	ck := a.loadCheckpoint(ctx, id)
	ckKey := results.PointKey(id, results.CheckpointFile)
	step := 0
	if ck != nil {
		step = ck.Step
	}
	activity.GetLogger(ctx).Info("point started", "point", id, "sweep", in.Sweep, "attempt", activity.GetInfo(ctx).Attempt, "from_step", step)
	// A stopping worker (SIGTERM) interrupts training at once: the point
	// saves a checkpoint and fails with a retryable error, so that another
	// worker resumes it now rather than after the heartbeat timeout.
	runCtx, stopRun := context.WithCancelCause(ctx)
	defer stopRun(nil)
	go func() {
		select {
		case <-activity.GetWorkerStopChannel(ctx):
			stopRun(errWorkerStopping)
		case <-runCtx.Done():
		}
	}()
	began := time.Now()
	hooks := Hooks{
		Interval: a.interval(),
		Save: func(c *train.Checkpoint) error {
			b, err := c.MarshalBinary()
			if err != nil {
				return err
			}
			sctx := ctx
			if runCtx.Err() != nil {
				// The save on interruption: the activity's context may be
				// cancelled already, the write must still happen.
				var cancel context.CancelFunc
				sctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), checkpointSaveTimeout)
				defer cancel()
			}
			if _, err := st.Replace(sctx, ckKey, bytes.NewReader(b), int64(len(b))); err != nil {
				activity.GetLogger(ctx).Warn("checkpoint not saved", "point", id, "error", err)
				return err
			}
			step = c.Step
			a.metrics().CheckpointWritten()
			activity.RecordHeartbeat(ctx, Progress{Step: c.Step, Checkpoint: ckKey})
			return nil
		},
		Heartbeat: func(s int) {
			// No heartbeat in the attempt's first tenth of the heartbeat
			// timeout (3 s of the default 30 s): a point that ends sooner
			// never needs one, and each costs the server a mutable-state
			// write (13 % of its CPU per point in bench/orchestration at
			// 10,000 short points). Cancellation reaches a point through
			// its heartbeats, so a short point finishes instead: at most
			// those few seconds. Checkpoint saves (Save) always heartbeat.
			if time.Since(began) < activity.GetInfo(ctx).HeartbeatTimeout/10 {
				return
			}
			p := Progress{Step: s}
			if step > 0 {
				p.Checkpoint = ckKey
			}
			activity.RecordHeartbeat(ctx, p)
		},
	}
	t0 := time.Now()
	res, arts, err := a.runner()(runCtx, cfg, ck, hooks)
	trainSeconds := time.Since(t0).Seconds()
	a.metrics().TrainingTime(trainSeconds)
	if err != nil && errors.Is(context.Cause(runCtx), errWorkerStopping) && ctx.Err() == nil {
		return PointSummary{}, temporal.NewApplicationError(
			fmt.Sprintf("point %s: worker stopping at step %d; another worker resumes from the checkpoint", id, step), ErrWorkerStopping)
	}
	if err != nil {
		var fe *train.FieldError
		if errors.As(err, &fe) {
			return PointSummary{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrInvalidConfig, err)
		}
		return PointSummary{}, fmt.Errorf("train point %s: %w", id, err)
	}

	rec := &results.Record{
		PointID: id, Result: *res, Artifacts: map[string]results.Artifact{},
		Worker: a.worker(), Attempt: activity.GetInfo(ctx).Attempt, Resumed: ck != nil, Finished: time.Now().UTC(),
	}
	for _, art := range arts {
		key := results.PointKey(id, art.Name)
		if err := putOnce(ctx, st, key, art.Data); err != nil {
			return PointSummary{}, err
		}
		rec.Artifacts[art.Name] = results.Artifact{Key: key, SHA256: storage.SHA256Hex(art.Data), Size: int64(len(art.Data))}
	}
	rj, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return PointSummary{}, fmt.Errorf("encode result of point %s: %w", id, err)
	}
	if _, err := st.Put(ctx, results.PointKey(id, results.ResultFile), bytes.NewReader(rj), int64(len(rj))); err != nil {
		if errors.Is(err, storage.ErrExist) {
			// Another attempt finished first: its result stands.
			if other, lerr := results.Load(ctx, st, id); lerr == nil {
				return summaryOf(other, true), nil
			}
		}
		return PointSummary{}, fmt.Errorf("write result of point %s: %w", id, err)
	}
	if err := st.Delete(ctx, ckKey); err != nil {
		activity.GetLogger(ctx).Warn("checkpoint not deleted", "point", id, "error", err)
	}
	activity.GetLogger(ctx).Info("point trained", "point", id, "sweep", in.Sweep, "attempt", rec.Attempt, "resumed", rec.Resumed, "loss", res.Loss)
	a.metrics().PointTrained(trainSeconds)
	return summaryOf(rec, false), nil
}

// ErrWorkerStopping is the (retryable) application error type of a point
// interrupted by its worker's shutdown.
const ErrWorkerStopping = "WorkerStopping"

var errWorkerStopping = errors.New("worker stopping")

// checkpointSaveTimeout bounds the checkpoint write of an interrupted point.
const checkpointSaveTimeout = 20 * time.Second

// loadCheckpoint returns the checkpoint to resume from: the one named in the
// last heartbeat of a previous attempt, else one left in the store by an
// earlier run; nil if there is none or it is unusable (then training starts
// afresh, which gives the same result, only later).
func (a *Activities) loadCheckpoint(ctx context.Context, id string) *train.Checkpoint {
	key := results.PointKey(id, results.CheckpointFile)
	if activity.HasHeartbeatDetails(ctx) {
		var p Progress
		if err := activity.GetHeartbeatDetails(ctx, &p); err == nil && p.Checkpoint != "" {
			key = p.Checkpoint
		}
	}
	b, err := a.Store.Get(ctx, key)
	if err != nil {
		if !errors.Is(err, storage.ErrNotExist) {
			activity.GetLogger(ctx).Warn("checkpoint unreadable; starting afresh", "point", id, "error", err)
		}
		return nil
	}
	var ck train.Checkpoint
	if err := ck.UnmarshalBinary(b); err != nil || ck.Version != train.Version || ck.Backend != train.Backend() {
		// A checkpoint from another BLAS backend would resume fine but not
		// bit-identically; start afresh so the result is reproducible.
		activity.GetLogger(ctx).Warn("checkpoint not usable; starting afresh", "point", id, "error", err, "backend", ck.Backend)
		return nil
	}
	return &ck
}

// putOnce writes an object write-once. An object left with other content by
// a crashed attempt (possible only while result.json is absent) is replaced.
func putOnce(ctx context.Context, st storage.Store, key string, b []byte) error {
	_, err := st.Put(ctx, key, bytes.NewReader(b), int64(len(b)))
	if errors.Is(err, storage.ErrExist) {
		if err = st.Delete(ctx, key); err == nil {
			_, err = st.Put(ctx, key, bytes.NewReader(b), int64(len(b)))
		}
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// deletePoint removes a point's result first (so it no longer counts as
// done), then its other files.
func deletePoint(ctx context.Context, st storage.Store, id string) error {
	if err := st.Delete(ctx, results.PointKey(id, results.ResultFile)); err != nil {
		return fmt.Errorf("delete result of point %s: %w", id, err)
	}
	var keys []string
	err := st.List(ctx, results.PointPrefix(id), func(o storage.ObjectInfo) error {
		keys = append(keys, o.Key)
		return nil
	})
	if err != nil {
		return fmt.Errorf("list point %s: %w", id, err)
	}
	for _, k := range keys {
		if err := st.Delete(ctx, k); err != nil {
			return fmt.Errorf("delete %s: %w", k, err)
		}
	}
	return nil
}

func summaryOf(r *results.Record, reused bool) PointSummary {
	res := &r.Result
	th := map[string]float64{}
	for name, v := range map[string]*float64{"gauss": res.Theory.Gauss, "identity": res.Theory.Identity, "denoiser": res.Theory.Denoiser, "fixed_point": res.Theory.FixedPoint} {
		if v != nil {
			th[name] = *v
		}
	}
	return PointSummary{PointID: r.PointID, Reused: reused, Resumed: r.Resumed, Loss: res.Loss, Seconds: res.Seconds, Steps: res.Steps,
		PermScore: res.Minimizer.PermScore, RowPeak: res.Minimizer.RowPeak, Converged: res.Converged, Theory: th}
}
