package workflows

import (
	"context"
	"errors"
	"fmt"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"math"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/bitsweep/bitsweep/activities"
	"github.com/bitsweep/bitsweep/search"
	"github.com/bitsweep/bitsweep/train"
)

// fakeSearch is an in-memory search sweep: cells cells, each with its own
// metric m(cell, value, seed) read as perm_score.
type fakeSearch struct {
	settings search.Settings
	cells    int
	seeds    int
	metric   func(cell int, v float64, seed uint64) float64
	done     map[string]bool // point IDs that already have a result

	mu      sync.Mutex
	trained map[string]int // point ID → times trained
	records map[int]search.Cell
}

func probeID(cell int, v float64, seed uint64) string {
	return fmt.Sprintf("c%d-v%.6f-s%d", cell, v, seed)
}

func (f *fakeSearch) env(t *testing.T) *testsuite.TestWorkflowEnvironment {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(SweepWorkflow)
	env.RegisterWorkflow(SearchCellWorkflow)
	if f.trained == nil {
		f.trained, f.records = map[string]int{}, map[int]search.Cell{}
	}
	s := f.settings
	env.OnActivity(a.PrepareSweep, mockCtx, mockAny).Return(activities.SweepPlan{Search: &s, Cells: f.cells, Seeds: f.seeds}, nil)
	env.OnActivity(a.PlanProbes, mockCtx, mockAny).Return(func(_ context.Context, in activities.ProbesInput) (activities.ProbesPlan, error) {
		p := activities.ProbesPlan{Params: map[string]any{"d": 32 << in.Cell}, Search: f.settings, Seeds: f.seeds,
			Theory: map[string]float64{"plus-one": 0.4292}}
		for _, v := range in.Values {
			for j := 0; j < f.seeds; j++ {
				seed := uint64(j + 1)
				p.Points = append(p.Points, activities.ProbePoint{Value: v, Seed: seed, ID: probeID(in.Cell, v, seed),
					Config: train.Config{Source: "sparse-rademacher", Sparsity: v, Rate: float64(in.Cell), Dim: 32 << in.Cell, Seed: seed}})
			}
		}
		return p, nil
	})
	env.OnActivity(a.TrainPoint, mockCtx, mockAny).Return(func(_ context.Context, in activities.TrainPointInput) (activities.PointSummary, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		cell := int(in.Config.Rate) // the fake PlanProbes keeps the cell there
		m := f.metric(cell, in.Config.Sparsity, in.Config.Seed)
		if math.IsNaN(m) {
			return activities.PointSummary{}, temporal.NewNonRetryableApplicationError("diverged", activities.ErrInvalidConfig, nil)
		}
		if f.done[in.PointID] {
			return activities.PointSummary{PointID: in.PointID, Reused: true, PermScore: m, Converged: true}, nil
		}
		f.trained[in.PointID]++
		f.mu.Unlock()
		time.Sleep(2 * time.Millisecond) // let a cancellation land mid-round
		f.mu.Lock()
		return activities.PointSummary{PointID: in.PointID, PermScore: m, Converged: true}, nil
	})
	env.OnActivity(a.RecordSearchCell, mockCtx, mockAny).Return(func(_ context.Context, c search.Cell) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.records[c.Index] = c
		return nil
	})
	env.OnActivity(a.ReportSweep, mockCtx, mockAny).Return(activities.ReportSummary{Prefix: "sweeps/s/report/"}, nil)
	return env
}

// step is a metric that jumps from 0.01 (a rotation) to 1 (a permutation)
// at pstar[cell].
func step(pstar ...float64) func(int, float64, uint64) float64 {
	return func(cell int, v float64, _ uint64) float64 {
		if v >= pstar[cell] {
			return 1
		}
		return 0.01
	}
}

var permHalf = search.Criterion{Metric: "perm_score", Level: 0.5}

func runSearch(t *testing.T, f *fakeSearch, in SweepInput) Progress {
	t.Helper()
	env := f.env(t)
	env.ExecuteWorkflow(SweepWorkflow, in)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var p Progress
	if err := env.GetWorkflowResult(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSearchMonotone(t *testing.T) {
	f := &fakeSearch{settings: search.Settings{Variable: "sparsity", Lo: 0.2, Hi: 0.8, Criterion: permHalf, Tol: 0.025},
		cells: 3, seeds: 2, metric: step(0.43, 0.47, 0.52)}
	p := runSearch(t, f, SweepInput{Name: "s", Window: 4})
	if p.State != "done" || p.Search == nil || p.Search.CellsDone != 3 || len(p.Search.Results) != 3 {
		t.Fatalf("progress %+v search %+v", p, p.Search)
	}
	// Window 4, 2 seeds, 2 cells at once: k = 1, bisection.
	if p.Search.K != 1 {
		t.Errorf("k = %d, want 1", p.Search.K)
	}
	grid := 0
	for i, r := range p.Search.Results {
		pstar := []float64{0.43, 0.47, 0.52}[r.Cell]
		if r.Status != search.StatusFound || r.Estimate == nil || r.Lo > pstar || r.Hi < pstar || r.Hi-r.Lo > 0.025 {
			t.Errorf("result %d: %+v, want found with a bracket ≤ 0.025 around %g", i, r, pstar)
		}
		grid += r.GridPoints
	}
	trained := 0
	for id, n := range f.trained {
		if n != 1 {
			t.Errorf("point %s trained %d times", id, n)
		}
		trained += n
	}
	if trained != p.Computed || p.Points != trained || trained >= grid {
		t.Errorf("%d trained, progress computed %d of %d points; a grid needs %d", trained, p.Computed, p.Points, grid)
	}
	// Every cell's record was stored, with its probes.
	for c := 0; c < 3; c++ {
		if r, ok := f.records[c]; !ok || !r.Done() || len(r.Probes) == 0 {
			t.Errorf("cell %d record %+v", c, r)
		}
	}
	t.Logf("3 cells: %d points trained, a grid of the same resolution needs %d", trained, grid)

	// The same search again: every probe exists and is reused, nothing is trained.
	f.done = map[string]bool{}
	for id := range f.trained {
		f.done[id] = true
	}
	before := len(f.trained)
	p2 := runSearch(t, f, SweepInput{Name: "s", Window: 4})
	if p2.Reused != trained || p2.Computed != 0 || len(f.trained) != before {
		t.Errorf("second search: progress %+v, want all %d reused", p2, trained)
	}
}

func TestSearchFlatAndNonMonotone(t *testing.T) {
	f := &fakeSearch{settings: search.Settings{Variable: "sparsity", Lo: 0.1, Hi: 0.9, Criterion: permHalf, Tol: 0.02, Probes: 3},
		cells: 2, seeds: 1, metric: func(cell int, v float64, _ uint64) float64 {
			if cell == 1 && v > 0.4 && v < 0.6 {
				return 1 // a bump: non-monotone
			}
			return 0.012 // Bernoulli–Gaussian-like: no crossing
		}}
	p := runSearch(t, f, SweepInput{Name: "s", Window: 8})
	got := map[int]string{}
	for _, r := range p.Search.Results {
		got[r.Cell] = r.Status
		if r.Rounds != 1 || r.Samples != 5 {
			t.Errorf("cell %d: %d rounds, %d samples; want 1 round of 5 (both ends and k = 3)", r.Cell, r.Rounds, r.Samples)
		}
	}
	if got[0] != search.StatusNoCrossing || got[1] != search.StatusNonMonotone {
		t.Errorf("statuses %v, want cell 0 no-crossing, cell 1 non-monotone", got)
	}
}

func TestSearchNoisy(t *testing.T) {
	// Three seeds, one of which sits on the other side near p*: the mean
	// still brackets p* = 0.45 (two of three seeds agree where it matters).
	f := &fakeSearch{settings: search.Settings{Variable: "sparsity", Lo: 0.2, Hi: 0.8, Criterion: permHalf, Tol: 0.02},
		cells: 1, seeds: 3, metric: func(_ int, v float64, seed uint64) float64 {
			y := 0.0
			if v >= 0.45 {
				y = 0.9
			}
			if seed == 3 && math.Abs(v-0.45) < 0.1 {
				y = 0.9 - y // the odd seed out near the crossing
			}
			return y
		}}
	p := runSearch(t, f, SweepInput{Name: "s", Window: 3})
	r := p.Search.Results[0]
	if r.Status != search.StatusFound || r.Lo > 0.45 || r.Hi < 0.45 {
		t.Errorf("result %+v, want found around 0.45", r)
	}
}

func TestSearchFailedProbe(t *testing.T) {
	f := &fakeSearch{settings: search.Settings{Variable: "sparsity", Lo: 0.2, Hi: 0.8, Criterion: permHalf, Tol: 0.02},
		cells: 1, seeds: 1, metric: func(_ int, v float64, _ uint64) float64 {
			if v == 0.8 {
				return math.NaN() // every seed fails at the upper end
			}
			return 0.01
		}}
	p := runSearch(t, f, SweepInput{Name: "s", Window: 2})
	if r := p.Search.Results[0]; r.Status != search.StatusFailed || p.Failed != 1 {
		t.Errorf("result %+v, %d failed: want failed", r, p.Failed)
	}
}

func TestSearchCancel(t *testing.T) {
	f := &fakeSearch{settings: search.Settings{Variable: "sparsity", Lo: 0.2, Hi: 0.8, Criterion: permHalf, Tol: 0.001},
		cells: 4, seeds: 1, metric: step(0.43, 0.43, 0.43, 0.43)}
	env := f.env(t)
	env.SetTestTimeout(time.Minute)
	// Cancel once three probes have been trained: tied to the search's
	// progress, not to wall time (a loaded machine once cancelled during
	// the preparation, or after the whole search).
	var mu sync.Mutex
	probes := 0
	env.SetOnActivityCompletedListener(func(info *activity.Info, _ converter.EncodedValue, _ error) {
		if info.ActivityType.Name != "TrainPoint" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if probes++; probes == 3 {
			env.CancelWorkflow()
		}
	})
	env.ExecuteWorkflow(SweepWorkflow, SweepInput{Name: "s", Window: 2})
	var ce *temporal.CanceledError
	if err := env.GetWorkflowError(); !errors.As(err, &ce) {
		t.Fatalf("got %v, want a cancellation", err)
	}
	var p Progress
	if !ce.HasDetails() || ce.Details(&p) != nil || p.State != "cancelled" || p.Search == nil {
		t.Fatalf("cancelled progress %+v", p)
	}
	// A whole search would train ≥ 4 cells × 11 probes (tolerance 0.001,
	// bisection): it stopped long before, with no cell found.
	found := 0
	for _, r := range p.Search.Results {
		if r.Status == search.StatusFound {
			found++
		}
	}
	if len(f.trained) >= 4*11 || found > 0 {
		t.Errorf("%d points trained, %d cells found despite the cancellation", len(f.trained), found)
	}
	t.Logf("cancelled after %d points; cells %+v", len(f.trained), p.Search.Results)
}

// TestSearchCellContinuesAsNew: with one round per run, a cell's search
// continues as new after every round, carrying the search; chaining the
// runs gives the same result as one run, and no probe is trained twice.
func TestSearchCellContinuesAsNew(t *testing.T) {
	settings := search.Settings{Variable: "sparsity", Lo: 0.2, Hi: 0.8, Criterion: permHalf, Tol: 0.025}
	one := &fakeSearch{settings: settings, cells: 1, seeds: 2, metric: step(0.47)}
	env := one.env(t)
	env.ExecuteWorkflow(SearchCellWorkflow, SearchCellInput{Sweep: "s", Cell: 0, K: 2})
	var want search.Cell
	if err := env.GetWorkflowResult(&want); err != nil {
		t.Fatal(err)
	}

	defer func(n int) { roundsPerRun = n }(roundsPerRun)
	roundsPerRun = 1
	f := &fakeSearch{settings: settings, cells: 1, seeds: 2, metric: step(0.47)}
	in := SearchCellInput{Sweep: "s", Cell: 0, K: 2}
	runs := 0
	var got search.Cell
	for {
		env := f.env(t)
		env.ExecuteWorkflow(SearchCellWorkflow, in)
		runs++
		err := env.GetWorkflowError()
		var can *workflow.ContinueAsNewError
		if errors.As(err, &can) {
			in = SearchCellInput{}
			if err := decodeInput(can, &in); err != nil {
				t.Fatal(err)
			}
			if in.Record == nil || in.Record.Round != runs {
				t.Fatalf("run %d continued with %+v", runs, in.Record)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := env.GetWorkflowResult(&got); err != nil {
			t.Fatal(err)
		}
		break
	}
	if runs != want.Round || got.Status != want.Status || *got.Estimate != *want.Estimate || got.Lo != want.Lo || got.Hi != want.Hi || got.Trained != want.Trained {
		t.Errorf("%d runs: %s [%g, %g] est %v trained %d; one run: %d rounds, %s [%g, %g] est %v trained %d",
			runs, got.Status, got.Lo, got.Hi, *got.Estimate, got.Trained, want.Round, want.Status, want.Lo, want.Hi, *want.Estimate, want.Trained)
	}
	for id, n := range f.trained {
		if n != 1 {
			t.Errorf("point %s trained %d times across the runs", id, n)
		}
	}
}
