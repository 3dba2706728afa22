package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium returns the path of a headless-capable Chromium, or "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestWebUI starts a local sweep with the Temporal Web UI on, opens the
// UI's workflow list in a real headless Chromium, and checks that the page
// lists the sweep's workflow (the DOM after the UI's JavaScript ran); a
// screenshot is saved in the test's temporary folder (its path is logged).
func TestWebUI(t *testing.T) {
	browser := chromium()
	if browser == "" {
		t.Skip("no chromium on this machine (.ci/run installs Debian's)")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "results")
	specPath := writeSpec(t, dir, `
name: uitest
fixed: {source: bernoulli-gaussian, rate: 1, d: 64, steps: 4000, until: fixed}
grid:
  sparsity: [0.1, 0.2, 0.3, 0.4]
seeds: 2
`)
	run := start(t, nil, "starter", "run", specPath, "--out", out, "--concurrency", "1", "--ui=true", "--ui-port", "0")
	re := regexp.MustCompile(`Temporal Web UI: (http://127\.0\.0\.1:[0-9]+/namespaces/default/workflows)`)
	var url string
	waitFor(t, 3*time.Minute, "the Web UI's address", func() bool {
		if m := re.FindStringSubmatch(run.output()); m != nil {
			url = m[1]
			return true
		}
		return false
	}, run)
	// The sweep's workflow is started right after the UI: give it a moment.
	waitFor(t, time.Minute, "the first point to start", func() bool { return strings.Contains(run.output(), "running 1") }, run)

	shot := filepath.Join(dir, "workflows.png")
	var dom string
	for attempt := 0; attempt < 3 && !strings.Contains(dom, "bitsweep-sweep/uitest"); attempt++ {
		args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900",
			"--virtual-time-budget=10000", "--user-data-dir=" + filepath.Join(dir, "chromium")}
		b, err := exec.Command(browser, append(args, "--dump-dom", url)...).Output()
		if err != nil {
			t.Logf("chromium --dump-dom: %v", err)
		}
		dom = string(b)
		if err := exec.Command(browser, append(args, "--screenshot="+shot, url)...).Run(); err != nil {
			t.Logf("chromium --screenshot: %v", err)
		}
	}
	if !strings.Contains(dom, "bitsweep-sweep/uitest") || !strings.Contains(dom, "SweepWorkflow") {
		t.Fatalf("the UI's workflow list at %s does not show bitsweep-sweep/uitest:\n%s", url, tail(dom, 3000))
	}
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10000 {
		t.Errorf("screenshot %s: %v (%v bytes)", shot, err, fi)
	}
	t.Logf("the Web UI at %s lists the sweep; screenshot %s", url, shot)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf("UI served on %s, want 127.0.0.1", url)
	}
}
