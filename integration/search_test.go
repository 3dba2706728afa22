package integration

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bitsweep/bitsweep/search"
	"github.com/bitsweep/bitsweep/workflows"
)

// searchSpec searches the critical sparsity of sparse Rademacher data and,
// as a second cell, of Bernoulli–Gaussian data, where there is none, at
// d = 32 with the default (converged) training: a point takes a few
// seconds in the pure-Go build.
const searchSpec = `
name: searchtest
fixed: {arch: linear, rate: 1, d: 32}
grid:
  source: [sparse-rademacher, bernoulli-gaussian]
search:
  variable: sparsity
  bracket: [0.2, 0.8]
  metric: perm_score
  level: 0.5
  tolerance: 0.05
seeds: 1
`

// TestSearchKillResume runs a transition search in local mode (embedded
// server, in-process worker), kills the process with SIGKILL mid-round,
// and runs the same command again: the search resumes where it stopped,
// no finished probe is trained again (its result.json is byte-for-byte the
// same), p̂* lands in [0.40, 0.65] (theory 2 − π/2 ≈ 0.429; finite d = 32
// moves it, docs/TRAINING.md), with fewer points than a grid of the same
// resolution, and the Bernoulli–Gaussian cell reports no crossing.
func TestSearchKillResume(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "results")
	specPath := writeSpec(t, dir, searchSpec)
	env := []string{"BITSWEEP_CHECKPOINT_INTERVAL=1s"}
	args := []string{"run", specPath, "--out", out, "--concurrency", "2", "--json"}

	first := start(t, env, "starter", args...)
	waitFor(t, 5*time.Minute, "2 results before the kill", func() bool { return len(resultFiles(t, out)) >= 2 }, first)
	first.cmd.Process.Signal(syscall.SIGKILL)
	first.wait(t, 30*time.Second)
	before := resultFiles(t, out)
	t.Logf("killed with %d points done", len(before))

	second := start(t, env, "starter", args...)
	if err := second.wait(t, 15*time.Minute); err != nil {
		t.Fatalf("second run: %v", err)
	}
	var sum struct {
		Points, Computed, Reused, Failed int
		State                            string
		Search                           *workflows.SearchProgress
	}
	if err := json.Unmarshal([]byte(lastLine(second.output())), &sum); err != nil || sum.Search == nil {
		t.Fatalf("summary %q: %v", lastLine(second.output()), err)
	}
	after := resultFiles(t, out)
	for id, b := range before {
		if !bytes.Equal(after[id], b) {
			t.Errorf("point %s: result.json changed after resume (recomputed)", id)
		}
	}
	if sum.Failed != 0 || sum.State != "done" || len(sum.Search.Results) != 2 || sum.Points != len(after) {
		t.Fatalf("summary %+v (%d results stored)", sum, len(after))
	}
	grid := 0
	for _, r := range sum.Search.Results {
		grid += r.GridPoints
		switch {
		case strings.Contains(r.Label, "sparse-rademacher"):
			if r.Status != search.StatusFound || r.Estimate == nil || *r.Estimate < 0.40 || *r.Estimate > 0.65 {
				t.Errorf("sparse Rademacher: %+v, want p̂* in [0.40, 0.65]", r)
			} else {
				t.Logf("sparse Rademacher d = 32: p̂* = %.4f in [%g, %g], %d rounds, %d points (a grid needs %d)", *r.Estimate, r.Lo, r.Hi, r.Rounds, r.Samples, r.GridPoints)
			}
		case strings.Contains(r.Label, "bernoulli-gaussian"):
			if r.Status != search.StatusNoCrossing || r.Estimate != nil {
				t.Errorf("Bernoulli–Gaussian: %+v, want no crossing", r)
			}
			t.Logf("Bernoulli–Gaussian d = 32: %s", r.Reason)
		default:
			t.Errorf("unexpected cell %+v", r)
		}
	}
	if sum.Points >= grid {
		t.Errorf("%d points trained, a grid of the same resolution needs %d", sum.Points, grid)
	}
	t.Logf("search: %d points (%d had finished before the kill; the resumed workflow counts %d computed, %d reused); a grid of the same resolution: %d",
		sum.Points, len(before), sum.Computed, sum.Reused, grid)

	// The report of the search: its table lists both cells.
	b := readFile(t, filepath.Join(out, "sweeps", "searchtest", "report", "search.csv"))
	if rows := strings.Count(strings.TrimSpace(string(b)), "\n"); rows != 2 {
		t.Errorf("search.csv has %d rows, want 2:\n%s", rows, b)
	}

	// A third run reuses every probe.
	third := start(t, env, "starter", args...)
	if err := third.wait(t, 5*time.Minute); err != nil {
		t.Fatalf("third run: %v", err)
	}
	var sum3 struct{ Points, Computed, Reused int }
	if err := json.Unmarshal([]byte(lastLine(third.output())), &sum3); err != nil || sum3.Computed != 0 || sum3.Reused != sum.Points {
		t.Errorf("third run %+v (%v), want all %d reused", sum3, err, sum.Points)
	}
	recordLocalHistories(t, filepath.Join(out, ".temporal"), "searchtest", []string{workflows.SweepID("searchtest"),
		workflows.SearchCellID("searchtest", 0), workflows.SearchCellID("searchtest", 1)})
}
