package workflows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/bitsweep/bitsweep/activities"
	"github.com/bitsweep/bitsweep/train"
)

// fakeSweep is an in-memory sweep of total points, of which the indices in
// done already have results, excluded are excluded and failing fail for good.
type fakeSweep struct {
	total    int
	done     map[int]bool
	excluded map[int]bool
	failing  map[int]bool
	trained  map[string]int // point ID → times trained

	reportErr error // returned by ReportSweep
	reports   []int // points trained when each ReportSweep ran
	digests   []int // Lo of each DigestChunk

	mu               sync.Mutex
	running, maxRuns int
	sleep            time.Duration // a TrainPoint's duration (default 5 ms)
	scaled           bool          // set by a test when it scales the sweep
	maxBefore        int           // maxRuns before scaled, and after
	maxAfter         int
	after            []int // running count at each start after scaled
}

func (f *fakeSweep) id(i int) string { return fmt.Sprintf("p%04d", i) }

func (f *fakeSweep) env(t *testing.T) *testsuite.TestWorkflowEnvironment {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(SweepWorkflow)
	env.RegisterWorkflow(ChunkWorkflow)
	f.trained = map[string]int{}
	points := 0
	for i := 0; i < f.total; i++ {
		if !f.excluded[i] {
			points++
		}
	}
	env.OnActivity(a.PrepareSweep, mockCtx, mockAny).Return(activities.SweepPlan{Total: f.total, Points: points}, nil)
	env.OnActivity(a.PlanChunk, mockCtx, mockAny).Return(func(_ context.Context, in activities.PlanInput) (activities.ChunkPlan, error) {
		var p activities.ChunkPlan
		for i := in.Lo; i < in.Hi; i++ {
			switch {
			case f.excluded[i]:
				p.Excluded++
			case f.done[i] && !in.Recompute:
				p.Reused++
			default:
				p.Train = append(p.Train, activities.PlannedPoint{Index: i, ID: f.id(i), Config: train.Config{Source: "gaussian", Rate: 1, Dim: 4}})
			}
		}
		return p, nil
	})
	env.OnActivity(a.TrainPoint, mockCtx, mockAny).Return(func(_ context.Context, in activities.TrainPointInput) (activities.PointSummary, error) {
		f.mu.Lock()
		f.trained[in.PointID]++
		f.running++
		f.maxRuns = max(f.maxRuns, f.running)
		if f.scaled {
			f.maxAfter = max(f.maxAfter, f.running)
			f.after = append(f.after, f.running)
		} else {
			f.maxBefore = max(f.maxBefore, f.running)
		}
		sleep := f.sleep
		f.mu.Unlock()
		if sleep == 0 {
			sleep = 5 * time.Millisecond // let the window fill
		}
		time.Sleep(sleep)
		f.mu.Lock()
		f.running--
		f.mu.Unlock()
		var i int
		fmt.Sscanf(in.PointID, "p%04d", &i)
		if f.failing[i] {
			return activities.PointSummary{}, temporal.NewNonRetryableApplicationError("bad config", activities.ErrInvalidConfig, nil)
		}
		return activities.PointSummary{PointID: in.PointID, Loss: 0.5}, nil
	})
	env.OnActivity(a.DigestChunk, mockCtx, mockAny).Return(func(_ context.Context, in activities.DigestInput) (int, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.digests = append(f.digests, in.Lo)
		return in.Hi - in.Lo, nil
	})
	env.OnActivity(a.ReportSweep, mockCtx, mockAny).Return(func(_ context.Context, in activities.ReportInput) (activities.ReportSummary, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		n := 0
		for _, k := range f.trained {
			n += k
		}
		f.reports = append(f.reports, n)
		if f.reportErr != nil {
			return activities.ReportSummary{}, f.reportErr
		}
		return activities.ReportSummary{Prefix: "sweeps/" + in.Sweep + "/report/", Points: n}, nil
	})
	return env
}

var mockCtx, mockAny = mock.Anything, mock.Anything

func decodeInput(can *workflow.ContinueAsNewError, v any) error {
	return converter.GetDefaultDataConverter().FromPayloads(can.Input, v)
}

func TestSweepCounts(t *testing.T) {
	f := &fakeSweep{
		total:    25,
		done:     map[int]bool{0: true, 11: true},
		excluded: map[int]bool{5: true, 6: true},
		failing:  map[int]bool{20: true},
	}
	env := f.env(t)
	env.ExecuteWorkflow(SweepWorkflow, SweepInput{Name: "t", Window: 3, ChunkSize: 10})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var p Progress
	if err := env.GetWorkflowResult(&p); err != nil {
		t.Fatal(err)
	}
	want := Progress{State: "done", Total: 25, Points: 23, Excluded: 2, Computed: 20, Reused: 2, Failed: 1, Chunks: 3, ChunksDone: 3}
	if p.State != want.State || p.Total != want.Total || p.Points != want.Points || p.Excluded != want.Excluded ||
		p.Computed != want.Computed || p.Reused != want.Reused || p.Failed != want.Failed || p.Chunks != want.Chunks ||
		p.ChunksDone != want.ChunksDone || p.Pending != 0 {
		t.Errorf("progress %+v, want %+v", p, want)
	}
	if len(p.Failures) != 1 || p.Failures[0].Index != 20 || p.Failures[0].PointID != "p0020" {
		t.Errorf("failures %+v, want point 20", p.Failures)
	}
	// Every chunk wrote its digest once, at its end.
	slices.Sort(f.digests)
	if !slices.Equal(f.digests, []int{0, 10, 20}) {
		t.Errorf("digests of chunks at %v, want 0, 10, 20", f.digests)
	}
	for i := 0; i < 25; i++ {
		n := f.trained[f.id(i)]
		if want := map[bool]int{true: 0, false: 1}[f.done[i] || f.excluded[i]]; n != want {
			t.Errorf("point %d trained %d times, want %d", i, n, want)
		}
	}
}

// TestSweepContinuesAsNew checks that a run starts at most childrenPerRun
// children and then continues as new with the next chunk and the counts.
func TestSweepContinuesAsNew(t *testing.T) {
	defer func(n int) { childrenPerRun = n }(childrenPerRun)
	childrenPerRun = 2
	f := &fakeSweep{total: 50}
	env := f.env(t)
	env.ExecuteWorkflow(SweepWorkflow, SweepInput{Name: "t", Window: 2, ChunkSize: 10})
	err := env.GetWorkflowError()
	var can *workflow.ContinueAsNewError
	if !errors.As(err, &can) {
		t.Fatalf("got %v, want continue-as-new", err)
	}
	var next SweepInput
	if err := decodeInput(can, &next); err != nil {
		t.Fatal(err)
	}
	if next.NextChunk != 2 || next.Progress == nil || next.Progress.Computed != 20 || next.Progress.ChunksDone != 2 || next.Progress.Chunks != 5 {
		t.Errorf("continued with %+v (progress %+v)", next, next.Progress)
	}
	// The next run picks up at chunk 2 without preparing again.
	env2 := f.env(t)
	env2.ExecuteWorkflow(SweepWorkflow, next)
	if err := env2.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("second run: got %v, want continue-as-new", err)
	}
	decodeInput(can, &next)
	env3 := f.env(t)
	env3.ExecuteWorkflow(SweepWorkflow, next)
	var p Progress
	if err := env3.GetWorkflowResult(&p); err != nil {
		t.Fatal(err)
	}
	if p.State != "done" || p.Computed != 50 || p.ChunksDone != 5 {
		t.Errorf("final progress %+v", p)
	}
	env2.AssertNotCalled(t, "PrepareSweep", mockAny, mockAny)
	// One report, by the last run (which trained the last 10 points; each
	// env counts its own).
	if !slices.Equal(f.reports, []int{10}) {
		t.Errorf("reports after %v points, want one, by the last run after its 10", f.reports)
	}
}

// TestSweepReport checks the report activity at the end of a sweep: once,
// after every point; skipped with NoReport; a failed report leaves the
// sweep done with the error recorded.
func TestSweepReport(t *testing.T) {
	f := &fakeSweep{total: 12}
	env := f.env(t)
	env.ExecuteWorkflow(SweepWorkflow, SweepInput{Name: "t", Window: 3, ChunkSize: 5})
	var p Progress
	if err := env.GetWorkflowResult(&p); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.reports, []int{12}) {
		t.Errorf("reports after %v points, want one after 12", f.reports)
	}
	if p.State != "done" || p.Report == nil || p.Report.Prefix != "sweeps/t/report/" || p.ReportError != "" {
		t.Errorf("progress %+v (report %+v)", p, p.Report)
	}

	f = &fakeSweep{total: 3}
	env = f.env(t)
	p = Progress{}
	env.ExecuteWorkflow(SweepWorkflow, SweepInput{Name: "t", NoReport: true})
	if err := env.GetWorkflowResult(&p); err != nil {
		t.Fatal(err)
	}
	if len(f.reports) != 0 || p.Report != nil {
		t.Errorf("NoReport: reports %v, progress report %+v", f.reports, p.Report)
	}

	f = &fakeSweep{total: 3, reportErr: temporal.NewNonRetryableApplicationError("disk full", "test", nil)}
	env = f.env(t)
	p = Progress{}
	env.ExecuteWorkflow(SweepWorkflow, SweepInput{Name: "t"})
	if err := env.GetWorkflowResult(&p); err != nil {
		t.Fatal(err)
	}
	if p.State != "done" || p.Computed != 3 || p.Report != nil || !strings.Contains(p.ReportError, "disk full") {
		t.Errorf("failed report: progress %+v", p)
	}
}

// TestChunkWindow checks the sliding window: never more than Window points
// run at once, and all of them run.
func TestChunkWindow(t *testing.T) {
	f := &fakeSweep{total: 12}
	env := f.env(t)
	env.ExecuteWorkflow(ChunkWorkflow, ChunkInput{Sweep: "t", Lo: 0, Hi: 12, Window: 3})
	var r ChunkResult
	if err := env.GetWorkflowResult(&r); err != nil {
		t.Fatal(err)
	}
	if r.Computed != 12 || r.Running != 0 {
		t.Errorf("chunk result %+v", r)
	}
	if f.maxRuns > 3 || f.maxRuns == 0 {
		t.Errorf("at most %d points ran at once, want 1..3", f.maxRuns)
	}
}

// TestSweepCancel cancels a sweep midway: it ends cancelled and the points
// not yet started are never started.
func TestSweepCancel(t *testing.T) {
	f := &fakeSweep{total: 40}
	env := f.env(t)
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Millisecond)
	env.ExecuteWorkflow(SweepWorkflow, SweepInput{Name: "t", Window: 2, ChunkSize: 10})
	err := env.GetWorkflowError()
	var ce *temporal.CanceledError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want a cancellation", err)
	}
	f.mu.Lock()
	started := len(f.trained)
	f.mu.Unlock()
	if started >= 40 {
		t.Errorf("all %d points trained despite the cancellation", started)
	}
}
