package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/bitsweep/bitsweep/activities"
	"github.com/bitsweep/bitsweep/search"
)

// roundsPerRun is RoundsPerRun; tests lower it.
var roundsPerRun = RoundsPerRun

// SearchProgress is the search part of a sweep's progress.
type SearchProgress struct {
	Variable  string `json:"variable"`
	Criterion string `json:"criterion"`
	K         int    `json:"k"`
	Cells     int    `json:"cells"`
	CellsDone int    `json:"cells_done"`
	// Results of the finished cells, the last MaxCellsKept (every cell's
	// record is in the store: sweeps/<name>/search/).
	Results []CellSummary `json:"results,omitempty"`
}

// MaxCellsKept bounds SearchProgress.Results.
const MaxCellsKept = 1000

// CellSummary is what a finished cell found.
type CellSummary struct {
	Cell       int                `json:"cell"`
	Label      string             `json:"label"`
	Status     string             `json:"status"`
	Estimate   *float64           `json:"estimate,omitempty"`
	Lo         float64            `json:"lo"`
	Hi         float64            `json:"hi"`
	Rounds     int                `json:"rounds"`
	Samples    int                `json:"samples"` // points trained or reused by the search
	GridPoints int                `json:"grid_points"`
	Theory     map[string]float64 `json:"theory,omitempty"`
	Reason     string             `json:"reason,omitempty"`
}

func summarize(c search.Cell) CellSummary {
	samples, _ := c.Points()
	return CellSummary{Cell: c.Index, Label: c.Label(), Status: c.Status, Estimate: c.Estimate, Lo: c.Lo, Hi: c.Hi,
		Rounds: c.Round, Samples: samples, GridPoints: c.GridPoints, Theory: c.Theory, Reason: c.Reason}
}

// SearchCellID returns the workflow ID of the search of one cell.
func SearchCellID(sweep string, cell int) string {
	return fmt.Sprintf("%s/cell-%06d", SweepID(sweep), cell)
}

// SearchCellInput is the input of SearchCellWorkflow.
type SearchCellInput struct {
	Sweep     string `json:"sweep"`
	Spec      []byte `json:"spec"`
	SpecFile  string `json:"spec_file,omitempty"`
	Cell      int    `json:"cell"`
	K         int    `json:"k"`
	Recompute bool   `json:"recompute,omitempty"`

	HeartbeatTimeout time.Duration `json:"heartbeat_timeout,omitempty"`

	// Carried across continue-as-new: the search so far.
	Record *search.Cell `json:"record,omitempty"`
}

// searchSweep runs the cells of a search sweep as SearchCellWorkflow
// children, ChildParallel at a time, continuing as new every
// childrenPerRun children (the sweep's part of SweepWorkflow).
func searchSweep(ctx workflow.Context, in SweepInput, prog *Progress, running map[string]ChunkInput) (Progress, error) {
	sp := prog.Search
	parallel := min(ChildParallel, max(1, sp.Cells))
	sel := workflow.NewSelector(ctx)
	k := in.NextChunk
	started := 0
	var firstErr error
	for (k < sp.Cells && started < childrenPerRun) || len(running) > 0 {
		for len(running) < parallel && k < sp.Cells && started < childrenPerRun && ctx.Err() == nil {
			cell := k
			ci := SearchCellInput{Sweep: in.Name, Spec: in.Spec, SpecFile: in.SpecFile, Cell: cell, K: sp.K, Recompute: in.Recompute, HeartbeatTimeout: in.HeartbeatTimeout}
			id := SearchCellID(in.Name, cell)
			cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
				WorkflowID:          id,
				ParentClosePolicy:   enums.PARENT_CLOSE_POLICY_REQUEST_CANCEL,
				WaitForCancellation: true,
			})
			f := workflow.ExecuteChildWorkflow(cctx, SearchCellWorkflow, ci)
			running[id] = ChunkInput{Sweep: in.Name}
			k++
			started++
			sel.AddFuture(f, func(f workflow.Future) {
				delete(running, id)
				var c search.Cell
				err := f.Get(ctx, &c)
				var ce *temporal.CanceledError
				if errors.As(err, &ce) && ce.HasDetails() {
					_ = ce.Details(&c)
				}
				if err != nil && !errors.As(err, &ce) && firstErr == nil {
					firstErr = fmt.Errorf("search of cell %d: %w", cell, err)
				}
				sp.CellsDone++
				if c.Status == "" {
					return // failed before its first round
				}
				samples, failed := c.Points()
				prog.Points += samples + failed
				prog.Computed += c.Trained
				prog.Reused += c.Reused
				prog.Failed += failed
				if c.Status != statusExcluded {
					sp.Results = append(sp.Results, summarize(c))
					if len(sp.Results) > MaxCellsKept {
						sp.Results = append([]CellSummary(nil), sp.Results[len(sp.Results)-MaxCellsKept:]...)
					}
				} else {
					prog.Excluded++
				}
			})
		}
		if len(running) == 0 {
			break
		}
		sel.Select(ctx)
	}
	if ctx.Err() != nil {
		prog.State = "cancelled"
		return *prog, temporal.NewCanceledError(*prog)
	}
	if firstErr != nil {
		return *prog, firstErr
	}
	if k < sp.Cells {
		next := in
		next.NextChunk = k
		next.Progress = prog
		return *prog, workflow.NewContinueAsNewError(ctx, SweepWorkflow, next)
	}
	return *prog, nil
}

// statusExcluded is the status of a cell an exclusion drops.
const statusExcluded = "excluded"

// SearchCellWorkflow searches one cell: rounds of probes (search.State.Next)
// trained as ordinary TrainPoint activities, all seeds of all values of a
// round at once, then search.State.Update decides. The cell's record is
// stored after every round (RecordSearchCell), and the workflow continues
// as new every roundsPerRun rounds with the search so far, so that its
// history stays bounded however many rounds it takes. It answers the
// progress query with a ChunkResult, like a chunk.
func SearchCellWorkflow(ctx workflow.Context, in SearchCellInput) (search.Cell, error) {
	var res ChunkResult
	if err := workflow.SetQueryHandler(ctx, ProgressQuery, func() (ChunkResult, error) { return res, nil }); err != nil {
		return search.Cell{}, err
	}
	pctx := workflow.WithActivityOptions(ctx, planOptions)
	topts := trainOptions
	if in.HeartbeatTimeout > 0 {
		topts.HeartbeatTimeout = in.HeartbeatTimeout
	}
	tctx := workflow.WithActivityOptions(ctx, topts)
	rctx := workflow.WithActivityOptions(ctx, digestOptions)

	rec := in.Record
	rounds := 0
	for rec == nil || !rec.Done() {
		var vals []float64
		if rec != nil {
			vals = rec.Next()
		}
		var plan activities.ProbesPlan
		err := workflow.ExecuteActivity(pctx, a.PlanProbes, activities.ProbesInput{
			Sweep: in.Sweep, Spec: in.Spec, SpecFile: in.SpecFile, Cell: in.Cell, Values: vals,
		}).Get(ctx, &plan)
		if err != nil {
			return search.Cell{}, err
		}
		if plan.Excluded {
			return search.Cell{Sweep: in.Sweep, Index: in.Cell, State: search.State{Status: statusExcluded}}, nil
		}
		if rec == nil {
			// The first run: the settings come back with the plan's
			// parameters, and round 0's values are planned next.
			st := search.NewState(plan.Search, in.K)
			rec = &search.Cell{Sweep: in.Sweep, Index: in.Cell, Params: plan.Params, State: *st, Seeds: plan.Seeds,
				GridPoints: plan.Search.GridValues() * plan.Seeds, Theory: plan.Theory, Started: workflow.Now(ctx)}
			continue
		}
		if len(vals) == 0 {
			rec.Exhausted()
			break
		}
		probes := trainRound(ctx, tctx, in, rec, plan, &res)
		if ctx.Err() != nil {
			rec.Cancel()
			return *rec, temporal.NewCanceledError(*rec)
		}
		rec.Update(probes)
		rec.Seconds = workflow.Now(ctx).Sub(rec.Started).Seconds()
		if err := workflow.ExecuteActivity(rctx, a.RecordSearchCell, *rec).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("search cell record not written", "cell", in.Cell, "error", err)
		}
		rounds++
		if !rec.Done() && rounds >= roundsPerRun {
			next := in
			next.Record = rec
			return *rec, workflow.NewContinueAsNewError(ctx, SearchCellWorkflow, next)
		}
	}
	return *rec, nil
}

// trainRound trains every point of a round at once and returns one probe
// per value, in the order of plan.Points.
func trainRound(ctx, tctx workflow.Context, in SearchCellInput, rec *search.Cell, plan activities.ProbesPlan, res *ChunkResult) []search.Probe {
	type slot struct {
		pt activities.ProbePoint
		f  workflow.Future
	}
	slots := make([]slot, len(plan.Points))
	for i, pt := range plan.Points {
		slots[i] = slot{pt, workflow.ExecuteActivity(tctx, a.TrainPoint, activities.TrainPointInput{
			Sweep: in.Sweep, PointID: pt.ID, Config: pt.Config, Recompute: in.Recompute,
		})}
	}
	res.Planned += len(slots)
	res.Running += len(slots)
	var probes []search.Probe
	index := map[float64]int{}
	for _, s := range slots {
		j, ok := index[s.pt.Value]
		if !ok {
			j = len(probes)
			index[s.pt.Value] = j
			probes = append(probes, search.Probe{Value: s.pt.Value})
		}
		var sum activities.PointSummary
		err := s.f.Get(ctx, &sum)
		res.Running--
		if err != nil {
			if ctx.Err() != nil {
				continue
			}
			res.Failed++
			res.Failures = addFailures(res.Failures, Failure{Index: in.Cell, PointID: s.pt.ID, Error: err.Error()})
			probes[j].Failed++
			continue
		}
		if sum.Reused {
			res.Reused++
			rec.Reused++
		} else {
			res.Computed++
			rec.Trained++
		}
		err = probes[j].Add(rec.Settings.Criterion, search.Sample{
			Seed: s.pt.Seed, PointID: sum.PointID, Loss: sum.Loss, PermScore: sum.PermScore, RowPeak: sum.RowPeak,
			Converged: sum.Converged, Reused: sum.Reused, Theory: sum.Theory,
		})
		if err != nil {
			// The point lacks what the criterion reads (a theory curve):
			// it counts as failed for the search.
			res.Failures = addFailures(res.Failures, Failure{Index: in.Cell, PointID: s.pt.ID, Error: err.Error()})
			probes[j].Failed++
		}
	}
	return probes
}
