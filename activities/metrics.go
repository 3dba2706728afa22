package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/temporal"
)

// Metrics counts what the activities of one worker do, for its monitoring.
// Package telemetry implements it on Prometheus; the activities do not
// depend on any metrics library. A nil Activities.Metrics (the default, e.g.
// the in-process worker of local mode and the tests) counts nothing.
//
// The counts are per activity completion on this worker: an activity whose
// completion Temporal never received (its worker died first) runs again,
// possibly elsewhere, and counts again. Implementations must be safe for
// concurrent use and cheap: they are called on the activities' paths.
type Metrics interface {
	// PointTrained counts an attempt of TrainPoint that trained its point
	// and stored its result.json; seconds is that attempt's wall time in
	// the Runner (the training, without the stores of the artifacts).
	PointTrained(seconds float64)
	// PointsReused counts n points found done in the store, by stage:
	// ReusedPlanned (PlanChunk left them out of a chunk's plan) or
	// ReusedTrain (TrainPoint found the result, or another attempt's
	// result won the race to result.json). Their sum over a sweep is the
	// "reused" of its summary.
	PointsReused(stage string, n int)
	// PointFailed counts an attempt of TrainPoint that returned an error,
	// by reason (FailInvalidConfig, FailStopping, FailCanceled, FailError).
	PointFailed(reason string)
	// TrainingTime adds the wall time an attempt of TrainPoint spent in
	// the Runner, whatever its outcome (trained, failed, interrupted,
	// or its result lost to another attempt's).
	TrainingTime(seconds float64)
	// CheckpointWritten counts a checkpoint of a running point stored in
	// the store (failed writes are not counted here).
	CheckpointWritten()
}

// The stages of Metrics.PointsReused.
const (
	ReusedPlanned = "plan"  // PlanChunk: the point had a result, it was not planned
	ReusedTrain   = "train" // TrainPoint: the point had a result when it ran
)

// The reasons of Metrics.PointFailed: why an attempt of TrainPoint returned
// an error. Only FailInvalidConfig is final at once; Temporal retries the
// others until the sweep's retry policy gives up.
const (
	FailInvalidConfig = "invalid_config" // the configuration can never train (non-retryable)
	FailStopping      = "stopping"       // the worker is shutting down; another resumes from the checkpoint
	FailCanceled      = "canceled"       // the activity was cancelled or timed out (sweep cancelled, heartbeat lost)
	FailError         = "error"          // anything else: a training or store error
)

// metrics returns a.Metrics, or one that counts nothing.
func (a *Activities) metrics() Metrics {
	if a.Metrics != nil {
		return a.Metrics
	}
	return noMetrics{}
}

type noMetrics struct{}

func (noMetrics) PointTrained(float64)     {}
func (noMetrics) PointsReused(string, int) {}
func (noMetrics) PointFailed(string)       {}
func (noMetrics) TrainingTime(float64)     {}
func (noMetrics) CheckpointWritten()       {}

// failReason classifies the error of an attempt of TrainPoint run with ctx.
func failReason(ctx context.Context, err error) string {
	var ae *temporal.ApplicationError
	switch {
	case errors.As(err, &ae) && ae.Type() == ErrInvalidConfig:
		return FailInvalidConfig
	case errors.As(err, &ae) && ae.Type() == ErrWorkerStopping:
		return FailStopping
	case ctx.Err() != nil:
		return FailCanceled
	}
	return FailError
}
