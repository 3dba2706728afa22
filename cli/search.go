package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/bitsweep/bitsweep/workflows"
)

// printSearch prints what a search sweep found, one line per cell: the
// estimate and its bracket, the points it took against a grid of the same
// resolution, and the theory beside it.
func printSearch(w io.Writer, sp *workflows.SearchProgress) {
	fmt.Fprintf(w, "search: where %s crosses (%s), k = %d probes a round\n", sp.Variable, sp.Criterion, sp.K)
	points, grid := 0, 0
	for _, r := range sp.Results {
		points += r.Samples
		grid += r.GridPoints
		var b strings.Builder
		fmt.Fprintf(&b, "  %-28s ", r.Label)
		if r.Estimate != nil {
			fmt.Fprintf(&b, "%s* = %.4f in [%.4f, %.4f]", short(sp.Variable), *r.Estimate, r.Lo, r.Hi)
		} else {
			fmt.Fprintf(&b, "%s", r.Reason)
		}
		fmt.Fprintf(&b, "  (%s; %d rounds, %d points, a grid needs %d)", r.Status, r.Rounds, r.Samples, r.GridPoints)
		if len(r.Theory) > 0 {
			names := make([]string, 0, len(r.Theory))
			for n := range r.Theory {
				names = append(names, n)
			}
			sort.Strings(names)
			var th []string
			for _, n := range names {
				th = append(th, fmt.Sprintf("%s %.4f", n, r.Theory[n]))
			}
			fmt.Fprintf(&b, "  theory: %s", strings.Join(th, ", "))
		} else {
			b.WriteString("  theory: no crossing")
		}
		fmt.Fprintln(w, b.String())
	}
	if grid > 0 {
		fmt.Fprintf(w, "search: %d points in all; a grid of the same resolution needs %d (%.0f%% saved)\n", points, grid, 100*(1-float64(points)/float64(grid)))
	}
}

// short abbreviates a search variable for p* / r*.
func short(variable string) string {
	if variable == "sparsity" {
		return "p"
	}
	return "r"
}
