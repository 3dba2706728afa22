package integration

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// killSpec is 12 points of a few seconds each.
const killSpec = `
name: killtest
fixed: {source: bernoulli-gaussian, rate: 1, d: 64, steps: 600, until: fixed, batch: 128, eval_samples: 2048}
grid:
  sparsity: [0.1, 0.3]
  arch: [linear, denoiser, multilayer]
seeds: 2
`

// TestLocalRunKillResume kills the local-mode run process (and with it the
// embedded server and worker) with SIGKILL after a few points have
// finished; the same command then finishes the sweep, and no point that had
// finished is computed again: its result.json is byte-for-byte the same.
func TestLocalRunKillResume(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "results")
	specPath := writeSpec(t, dir, killSpec)
	env := []string{"BITSWEEP_CHECKPOINT_INTERVAL=1s"}
	args := []string{"run", specPath, "--out", out, "--concurrency", "2"}

	first := start(t, env, "starter", args...)
	waitFor(t, 5*time.Minute, "3 results before the kill", func() bool { return len(resultFiles(t, out)) >= 3 }, first)
	first.cmd.Process.Signal(syscall.SIGKILL)
	first.wait(t, 30*time.Second)
	before := resultFiles(t, out)
	t.Logf("killed with %d of 12 points done", len(before))

	second := start(t, env, "starter", args...)
	if err := second.wait(t, 10*time.Minute); err != nil {
		t.Fatalf("second run: %v", err)
	}
	sum := summary(t, second.output())
	if sum["points"] != 12 || sum["failed"] != 0 || sum["computed"]+sum["reused"] != 12 {
		t.Errorf("summary %v, want 12 points, none failed", sum)
	}
	after := resultFiles(t, out)
	if len(after) != 12 {
		t.Fatalf("%d results after resume, want 12", len(after))
	}
	for id, b := range before {
		if !bytes.Equal(after[id], b) {
			t.Errorf("point %s: result.json changed after resume (recomputed)", id)
		}
	}
	for id, b := range after {
		var rec struct {
			PointID string `json:"point_id"`
			Result  struct {
				Loss float64 `json:"loss"`
			} `json:"result"`
		}
		if err := json.Unmarshal(b, &rec); err != nil || rec.PointID != id || !(rec.Result.Loss > 0) {
			t.Errorf("point %s: bad result.json (%v): %s", id, err, b)
		}
	}

	// A third run reuses everything.
	third := start(t, env, "starter", args...)
	if err := third.wait(t, 5*time.Minute); err != nil {
		t.Fatalf("third run: %v", err)
	}
	if sum := summary(t, third.output()); sum["reused"] != 12 || sum["computed"] != 0 {
		t.Errorf("third run summary %v, want all 12 reused", sum)
	}

	// The other commands against the same local state.
	status := start(t, nil, "starter", "status", "killtest", "--out", out, "--json")
	if err := status.wait(t, 2*time.Minute); err != nil {
		t.Fatalf("status: %v", err)
	}
	var st struct {
		Status   string `json:"status"`
		Progress struct {
			Points, Reused, Failed int
			State                  string
		} `json:"progress"`
	}
	if err := json.Unmarshal([]byte(lastLine(status.output())), &st); err != nil || st.Status != "completed" || st.Progress.Points != 12 || st.Progress.State != "done" {
		t.Errorf("status: %+v (%v) from %q", st, err, status.output())
	}
	list := start(t, nil, "starter", "list", "--out", out, "--json")
	if err := list.wait(t, 2*time.Minute); err != nil {
		t.Fatalf("list: %v", err)
	}
	var rows []map[string]string
	if err := json.Unmarshal([]byte(lastLine(list.output())), &rows); err != nil || len(rows) < 2 || rows[0]["sweep"] != "killtest" {
		t.Errorf("list: %v (%v) from %q", rows, err, list.output())
	}
	// resume re-runs only what is missing: remove one result.
	var victim string
	for id := range after {
		victim = id
		break
	}
	if err := os.Remove(filepath.Join(out, "points", victim[:2], victim, "result.json")); err != nil {
		t.Fatal(err)
	}
	resume := start(t, env, "starter", "resume", "killtest", "--out", out)
	if err := resume.wait(t, 5*time.Minute); err != nil {
		t.Fatalf("resume: %v", err)
	}
	if sum := summary(t, resume.output()); sum["reused"] != 11 || sum["computed"] != 1 {
		t.Errorf("resume summary %v, want 11 reused and 1 computed", sum)
	}
	if len(resultFiles(t, out)) != 12 {
		t.Errorf("%d results after resume, want 12", len(resultFiles(t, out)))
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
