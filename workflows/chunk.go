package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/bitsweep/bitsweep/activities"
)

// a is only used to name the activities (the samples-go idiom).
var a *activities.Activities

// trainOptions are the activity options of TrainPoint: a long
// start-to-close, a heartbeat timeout that notices a dead worker within
// 30 s (the activity heartbeats every few steps and checkpoints every
// 20 s), retries with backoff except for invalid configurations.
var trainOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 7 * 24 * time.Hour,
	HeartbeatTimeout:    30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        2 * time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        2 * time.Minute,
		MaximumAttempts:        20,
		NonRetryableErrorTypes: []string{activities.ErrInvalidConfig},
	},
}

// planOptions are the activity options of PrepareSweep and PlanChunk.
var planOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 10 * time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        time.Minute,
		NonRetryableErrorTypes: []string{activities.ErrInvalidSpec},
	},
}

// reportOptions are the activity options of ReportSweep: reading every
// result of a large sweep and drawing its figures takes minutes; a few
// attempts, then the sweep finishes without a report (it can be made with
// starter report).
var reportOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 2 * time.Hour,
	HeartbeatTimeout:    time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    5 * time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    time.Minute,
		MaximumAttempts:    3,
	},
}

// digestOptions are the activity options of DigestChunk: a digest only
// speeds reports up, so a few attempts and then the chunk finishes without.
var digestOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Minute,
	HeartbeatTimeout:    time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        2 * time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        30 * time.Second,
		MaximumAttempts:        3,
		NonRetryableErrorTypes: []string{activities.ErrInvalidSpec},
	},
}

// digestChange is the GetVersion change ID of the digest at a chunk's end.
const digestChange = "chunk-digest"

// ChunkWorkflow trains the points of one chunk that have no result, at most
// in.Window at a time, and returns the counts. A WindowSignal (an int ≥ 1)
// changes the window from then on: a larger one starts more points at once,
// a smaller one lets running points finish and starts new ones only below
// it. (Receiving a signal adds no command, so histories recorded before the
// signal existed replay unchanged.)
func ChunkWorkflow(ctx workflow.Context, in ChunkInput) (ChunkResult, error) {
	var res ChunkResult
	if err := workflow.SetQueryHandler(ctx, ProgressQuery, func() (ChunkResult, error) { return res, nil }); err != nil {
		return res, err
	}
	var plan activities.ChunkPlan
	pctx := workflow.WithActivityOptions(ctx, planOptions)
	err := workflow.ExecuteActivity(pctx, a.PlanChunk, activities.PlanInput{
		Sweep: in.Sweep, Spec: in.Spec, SpecFile: in.SpecFile, Lo: in.Lo, Hi: in.Hi, Recompute: in.Recompute, Verify: in.Verify,
	}).Get(ctx, &plan)
	if err != nil {
		return res, err
	}
	res.Planned, res.Reused, res.Excluded = len(plan.Train), plan.Reused, plan.Excluded
	for _, p := range plan.Train {
		if p.Repair != "" {
			res.Repaired++
		}
	}

	window := max(1, in.Window)
	topts := trainOptions
	if in.HeartbeatTimeout > 0 {
		topts.HeartbeatTimeout = in.HeartbeatTimeout
	}
	tctx := workflow.WithActivityOptions(ctx, topts)
	sel := workflow.NewSelector(ctx)
	res.Window = window
	sel.AddReceive(workflow.GetSignalChannel(ctx, WindowSignal), func(c workflow.ReceiveChannel, _ bool) {
		var w int
		c.Receive(ctx, &w)
		window = max(1, w)
		res.Window = window
	})
	next := 0
	start := func() {
		p := plan.Train[next]
		next++
		res.Running++
		f := workflow.ExecuteActivity(tctx, a.TrainPoint, activities.TrainPointInput{
			Sweep: in.Sweep, PointID: p.ID, Config: p.Config, Recompute: in.Recompute || p.Repair != "",
		})
		sel.AddFuture(f, func(f workflow.Future) {
			res.Running--
			var sum activities.PointSummary
			if err := f.Get(ctx, &sum); err != nil {
				if errors.Is(ctx.Err(), workflow.ErrCanceled) {
					return
				}
				res.Failed++
				res.Failures = addFailures(res.Failures, Failure{Index: p.Index, PointID: p.ID, Error: err.Error()})
				return
			}
			if sum.Reused {
				res.Reused++
			} else {
				res.Computed++
			}
		})
	}
	for next < len(plan.Train) || res.Running > 0 {
		for res.Running < window && next < len(plan.Train) && ctx.Err() == nil {
			start()
		}
		if res.Running == 0 {
			break // cancelled before everything started
		}
		sel.Select(ctx)
	}
	if err := ctx.Err(); err != nil {
		return res, temporal.NewCanceledError(res)
	}
	// The chunk's digest (version 1; older histories replay without it).
	if v := workflow.GetVersion(ctx, digestChange, workflow.DefaultVersion, 1); v >= 1 {
		dctx := workflow.WithActivityOptions(ctx, digestOptions)
		err := workflow.ExecuteActivity(dctx, a.DigestChunk, activities.DigestInput{
			Sweep: in.Sweep, Spec: in.Spec, SpecFile: in.SpecFile, Lo: in.Lo, Hi: in.Hi,
		}).Get(ctx, nil)
		if err != nil {
			workflow.GetLogger(ctx).Warn("chunk digest not written; reports read its points one by one", "lo", in.Lo, "error", err)
		}
	}
	return res, nil
}
