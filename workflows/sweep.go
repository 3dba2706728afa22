package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/bitsweep/bitsweep/activities"
	"github.com/bitsweep/bitsweep/spec"
)

// childrenPerRun is ChildrenPerRun; tests lower it.
var childrenPerRun = ChildrenPerRun

// SweepWorkflow runs a whole sweep (see the package documentation).
func SweepWorkflow(ctx workflow.Context, in SweepInput) (Progress, error) {
	prog := Progress{State: "preparing"}
	if err := spec.CheckName(in.Name); err != nil {
		// The name becomes child workflow IDs and keys.
		return prog, temporal.NewNonRetryableApplicationError(fmt.Sprintf("sweep name %q: %v", in.Name, err), activities.ErrInvalidSpec, nil)
	}
	if in.Progress != nil {
		prog = *in.Progress
	}
	running := map[string]ChunkInput{}
	if err := workflow.SetQueryHandler(ctx, ProgressQuery, func() (Progress, error) {
		p := prog
		p.Children = nil
		for id := range running {
			p.Children = append(p.Children, id)
		}
		return p, nil
	}); err != nil {
		return prog, err
	}
	chunk := in.ChunkSize
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	chunk = min(chunk, MaxChunk)
	window := in.Window
	if window <= 0 {
		window = DefaultWindow
	}

	if in.Progress == nil {
		var plan activities.SweepPlan
		pctx := workflow.WithActivityOptions(ctx, planOptions)
		if err := workflow.ExecuteActivity(pctx, a.PrepareSweep, activities.PrepareInput{Sweep: in.Name, Spec: in.Spec, SpecFile: in.SpecFile}).Get(ctx, &plan); err != nil {
			return prog, err
		}
		prog.State = "running"
		prog.Total, prog.Points = plan.Total, plan.Points
		prog.Pending = plan.Points
		prog.Chunks = (plan.Total + chunk - 1) / chunk
		if plan.Search != nil {
			// A search: its cells, k probes a round so that the cells
			// searched at once fill the window.
			cellsAtOnce := min(ChildParallel, max(1, plan.Cells))
			prog.Search = &SearchProgress{Variable: plan.Search.Variable, Criterion: plan.Search.Criterion.String(),
				K: plan.Search.K(window, plan.Seeds, cellsAtOnce), Cells: plan.Cells}
		}
	}
	if prog.Search != nil {
		if _, err := searchSweep(ctx, in, &prog, running, window); err != nil {
			return prog, err
		}
		return finish(ctx, in, prog)
	}

	parallel := min(ChildParallel, max(1, prog.Chunks))
	childWindow := max(1, (window+parallel-1)/parallel)
	sel := workflow.NewSelector(ctx)
	k := in.NextChunk
	started := 0
	var firstErr error
	for (k < prog.Chunks && started < childrenPerRun) || len(running) > 0 {
		for len(running) < parallel && k < prog.Chunks && started < childrenPerRun && ctx.Err() == nil {
			ci := ChunkInput{Sweep: in.Name, Spec: in.Spec, SpecFile: in.SpecFile, Lo: k * chunk, Hi: min(prog.Total, (k+1)*chunk), Window: childWindow, Recompute: in.Recompute, Verify: in.Verify, HeartbeatTimeout: in.HeartbeatTimeout}
			id := fmt.Sprintf("%s/chunk-%06d", SweepID(in.Name), k)
			cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
				WorkflowID:          id,
				ParentClosePolicy:   enums.PARENT_CLOSE_POLICY_REQUEST_CANCEL,
				WaitForCancellation: true,
			})
			f := workflow.ExecuteChildWorkflow(cctx, ChunkWorkflow, ci)
			running[id] = ci
			k++
			started++
			sel.AddFuture(f, func(f workflow.Future) {
				delete(running, id)
				var r ChunkResult
				err := f.Get(ctx, &r)
				var ce *temporal.CanceledError
				if errors.As(err, &ce) && ce.HasDetails() {
					_ = ce.Details(&r)
				}
				if err != nil && !errors.As(err, &ce) && firstErr == nil {
					firstErr = fmt.Errorf("chunk [%d, %d): %w", ci.Lo, ci.Hi, err)
				}
				prog.ChunksDone++
				prog.Add(r)
			})
		}
		if len(running) == 0 {
			break
		}
		sel.Select(ctx)
	}
	if ctx.Err() != nil {
		prog.State = "cancelled"
		return prog, temporal.NewCanceledError(prog)
	}
	if firstErr != nil {
		return prog, firstErr
	}
	if k < prog.Chunks {
		next := in
		next.NextChunk = k
		next.Progress = &prog
		return prog, workflow.NewContinueAsNewError(ctx, SweepWorkflow, next)
	}
	return finish(ctx, in, prog)
}

// finish writes the sweep's report and returns the final progress.
func finish(ctx workflow.Context, in SweepInput, prog Progress) (Progress, error) {
	// The report at the end (version 1; histories recorded before it
	// replay without the activity).
	if v := workflow.GetVersion(ctx, reportChange, workflow.DefaultVersion, 1); v >= 1 && !in.NoReport {
		prog.State = "reporting"
		var rs activities.ReportSummary
		rctx := workflow.WithActivityOptions(ctx, reportOptions)
		err := workflow.ExecuteActivity(rctx, a.ReportSweep, activities.ReportInput{Sweep: in.Name}).Get(ctx, &rs)
		if ctx.Err() != nil {
			prog.State = "cancelled"
			return prog, temporal.NewCanceledError(prog)
		}
		if err != nil {
			// The results are complete; only the report is missing.
			prog.ReportError = err.Error()
		} else {
			prog.Report = &rs
		}
	}
	prog.State = "done"
	return prog, nil
}

// reportChange is the GetVersion change ID of the report activity.
const reportChange = "report-at-end"
