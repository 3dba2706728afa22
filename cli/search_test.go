package cli

import (
	"strings"
	"testing"

	"github.com/bitsweep/bitsweep/workflows"
)

func TestPrintSearch(t *testing.T) {
	est := 0.4531
	sp := &workflows.SearchProgress{Variable: "sparsity", Criterion: "perm_score = 0.5", K: 1, Cells: 2, CellsDone: 2,
		Results: []workflows.CellSummary{
			{Cell: 0, Label: "d=64", Status: "found", Estimate: &est, Lo: 0.4406, Hi: 0.4594, Rounds: 5, Samples: 14, GridPoints: 50,
				Theory: map[string]float64{"plus-one": 0.4292, "random": 0.6366}},
			{Cell: 1, Label: "d=64 source=bernoulli-gaussian", Status: "no-crossing", Rounds: 1, Samples: 6, GridPoints: 50,
				Reason: "no crossing in the bracket: the perm_score is below 0.5 at all 3 probes in [0.2, 0.8]"},
		}}
	var b strings.Builder
	printSearch(&b, sp)
	out := b.String()
	for _, want := range []string{
		"p* = 0.4531 in [0.4406, 0.4594]",
		"(found; 5 rounds, 14 points, a grid needs 50)",
		"theory: plus-one 0.4292, random 0.6366",
		"no crossing in the bracket",
		"theory: no crossing",
		"20 points in all; a grid of the same resolution needs 100 (80% saved)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	line := (&progressBar{}).line(workflows.Progress{Computed: 12, Reused: 8, Running: 2, Search: &workflows.SearchProgress{Cells: 4, CellsDone: 1}})
	if !strings.HasPrefix(line, "[#######-----------------------] 1/4 cells searched, 20 points") {
		t.Errorf("progress line %q", line)
	}
}
