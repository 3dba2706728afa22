package workflows

import (
	"errors"
	"fmt"
	"sort"

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
	window := in.Window
	if window <= 0 {
		window = DefaultWindow
	}
	// The running chunks (futures) and how many run at once (parallel);
	// each gets an equal share of the window.
	futures := map[string]workflow.ChildWorkflowFuture{}
	parallel := 1
	share := func(w int) int { return max(1, (w+parallel-1)/parallel) }
	if err := workflow.SetUpdateHandlerWithOptions(ctx, ScaleUpdate, func(ctx workflow.Context, s ScaleInput) (ScaleResult, error) {
		if prog.Search != nil {
			return ScaleResult{}, errSearchScale(prog.Search.K)
		}
		r := ScaleResult{Previous: window, Window: s.Window}
		window = s.Window
		prog.Window = window
		// Tell the running chunks, in a fixed order (map order is random
		// and the signals are commands). A chunk whose start is still
		// pending is told once it has started; one started after this
		// update gets the new share in its input.
		ids := make([]string, 0, len(futures))
		for id := range futures {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		w := share(window)
		for _, id := range ids {
			f := futures[id]
			workflow.Go(ctx, func(ctx workflow.Context) {
				// A chunk that finished meanwhile cannot be signalled;
				// nothing is lost.
				_ = f.SignalChildWorkflow(ctx, WindowSignal, w).Get(ctx, nil)
			})
		}
		r.Chunks = len(ids)
		return r, nil
	}, workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, s ScaleInput) error {
		if s.Window < 1 || s.Window > MaxWindow {
			return fmt.Errorf("window %d: must be between 1 and %d", s.Window, MaxWindow)
		}
		if prog.Search != nil {
			return errSearchScale(prog.Search.K)
		}
		return nil
	}}); err != nil {
		return prog, err
	}
	chunk := in.ChunkSize
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	chunk = min(chunk, MaxChunk)

	if in.Progress == nil {
		var plan activities.SweepPlan
		pctx := workflow.WithActivityOptions(ctx, planOptions)
		if err := workflow.ExecuteActivity(pctx, a.PrepareSweep, activities.PrepareInput{Sweep: in.Name, Spec: in.Spec, SpecFile: in.SpecFile}).Get(ctx, &plan); err != nil {
			if ctx.Err() != nil {
				// Cancelled while preparing: nothing started.
				prog.State = "cancelled"
				return prog, temporal.NewCanceledError(prog)
			}
			return prog, err
		}
		prog.State = "running"
		prog.Total, prog.Points = plan.Total, plan.Points
		prog.Pending = plan.Points
		prog.Chunks = (plan.Total + chunk - 1) / chunk
		if plan.Search != nil {
			// A search: its cells, k probes a round so that the cells
			// searched at once fill the window.
			// k is fixed here, for the whole search: ScaleUpdate does not
			// apply to searches.
			cellsAtOnce := min(ChildParallel, max(1, plan.Cells))
			sw := in.Window
			if sw <= 0 {
				sw = SearchWindow
			}
			prog.Search = &SearchProgress{Variable: plan.Search.Variable, Criterion: plan.Search.Criterion.String(),
				K: plan.Search.K(sw, plan.Seeds, cellsAtOnce), Cells: plan.Cells}
		}
	}
	if prog.Search != nil {
		prog.Window = 0
		if _, err := searchSweep(ctx, in, &prog, running); err != nil {
			return prog, err
		}
		return finish(ctx, in, prog)
	}

	parallel = min(ChildParallel, max(1, prog.Chunks))
	prog.Window = window
	sel := workflow.NewSelector(ctx)
	k := in.NextChunk
	started := 0
	var firstErr error
	for (k < prog.Chunks && started < childrenPerRun) || len(running) > 0 {
		for len(running) < parallel && k < prog.Chunks && started < childrenPerRun && ctx.Err() == nil {
			ci := ChunkInput{Sweep: in.Name, Spec: in.Spec, SpecFile: in.SpecFile, Lo: k * chunk, Hi: min(prog.Total, (k+1)*chunk), Window: share(window), Recompute: in.Recompute, Verify: in.Verify, HeartbeatTimeout: in.HeartbeatTimeout}
			id := fmt.Sprintf("%s/chunk-%06d", SweepID(in.Name), k)
			cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
				WorkflowID:          id,
				ParentClosePolicy:   enums.PARENT_CLOSE_POLICY_REQUEST_CANCEL,
				WaitForCancellation: true,
			})
			f := workflow.ExecuteChildWorkflow(cctx, ChunkWorkflow, ci)
			running[id] = ci
			futures[id] = f
			k++
			started++
			sel.AddFuture(f, func(f workflow.Future) {
				delete(running, id)
				delete(futures, id)
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
		next.Window = window // as scaled
		next.NextChunk = k
		next.Progress = &prog
		return prog, workflow.NewContinueAsNewError(ctx, SweepWorkflow, next)
	}
	return finish(ctx, in, prog)
}

// errSearchScale is the answer to a ScaleUpdate on a search sweep.
func errSearchScale(k int) error {
	return fmt.Errorf("a search's probes per round (k = %d) are fixed when it starts; its window cannot be changed", k)
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
