package activities

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/search"
	"github.com/bitsweep/bitsweep/spec"
)

const probeSpec = `
name: probes
fixed: {source: sparse-rademacher, arch: linear, rate: 1, steps: 40, until: fixed, batch: 16}
grid:
  d: [16, 32]
search: {variable: sparsity, bracket: [0.2, 0.8], metric: perm_score, level: 0.5, tolerance: 0.05}
seeds: 2
`

// TestPlanProbes: a round's points are the spec's (same IDs as spec.Probe,
// hence as a grid point of the same parameters), every value × every seed,
// with the cell's parameters and theory; a value outside the bracket is
// refused; a trained probe's summary carries what the criterion reads; the
// cell record round-trips through the store.
func TestPlanProbes(t *testing.T) {
	st := newStore(t)
	acts := &Activities{Store: st}
	sp := probeSpec
	s, err := spec.Parse([]byte(sp), "probes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	in := ProbesInput{Sweep: "probes", Spec: []byte(sp), Cell: 1, Values: []float64{0.2, 0.5}}
	v, err := actEnv(acts).ExecuteActivity(acts.PlanProbes, in)
	if err != nil {
		t.Fatal(err)
	}
	var plan ProbesPlan
	if err := v.Get(&plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.Points) != 4 || plan.Seeds != 2 || plan.Search.Variable != "sparsity" {
		t.Fatalf("plan %+v", plan)
	}
	for i, pt := range plan.Points {
		want := s.Probe(1, in.Values[i/2], s.Seeds[i%2])
		if pt.ID != want.ID || pt.Config.Sparsity != in.Values[i/2] || pt.Config.Dim != 32 {
			t.Errorf("point %d: %+v, want %s at sparsity %g, d = 32", i, pt, want.ID, in.Values[i/2])
		}
	}
	if fmt.Sprint(plan.Params["d"]) != "32" || plan.Params["source"] != "sparse-rademacher" || plan.Theory["plus-one"] == 0 {
		t.Errorf("params %v theory %v", plan.Params, plan.Theory)
	}

	in.Values = []float64{0.9}
	if _, err := actEnv(acts).ExecuteActivity(acts.PlanProbes, in); err == nil || !strings.Contains(err.Error(), "outside the bracket") {
		t.Errorf("value outside the bracket: %v", err)
	}

	// Train one probe: the summary holds perm_score and the theory values.
	pt := plan.Points[0]
	v, err = actEnv(acts).ExecuteActivity(acts.TrainPoint, TrainPointInput{Sweep: "probes", PointID: pt.ID, Config: pt.Config})
	if err != nil {
		t.Fatal(err)
	}
	var sum PointSummary
	if err := v.Get(&sum); err != nil {
		t.Fatal(err)
	}
	if !(sum.PermScore > 0) || !(sum.RowPeak > 0) || sum.Theory["gauss"] == 0 || sum.Theory["identity"] == 0 {
		t.Errorf("summary %+v: want perm_score, row_peak and the gauss and identity theory values", sum)
	}

	st2 := search.NewState(plan.Search, 1)
	c := search.Cell{Sweep: "probes", Index: 1, Params: plan.Params, State: *st2, Seeds: 2}
	if _, err := actEnv(acts).ExecuteActivity(acts.RecordSearchCell, c); err != nil {
		t.Fatal(err)
	}
	cells, err := results.ReadSearchCells(t.Context(), st, "probes")
	if err != nil || len(cells) != 1 || cells[0].Index != 1 || cells[0].Settings.Tol != 0.05 {
		t.Errorf("cells %+v (%v)", cells, err)
	}
}
