package integration

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// metricsSpec is 30 small real points (about 0.1 s of training each, a few
// checkpoints each at BITSWEEP_CHECKPOINT_INTERVAL=20ms) in three chunks.
const metricsSpec = `
name: metrics
fixed: {source: gaussian, d: 16, steps: 2000, until: fixed, batch: 32, eval_samples: 256}
grid: {rate: [0.25, 0.5, 0.75, 1, 1.5]}
seeds: 6
`

const metricsPoints = 30

// metricSet is one scrape of /metrics: sample values by "name{labels}", as
// the text format writes them.
type metricSet map[string]float64

// parseMetrics reads the Prometheus text format (comments and blank lines
// skipped; no timestamps, as client_golang writes it).
func parseMetrics(t *testing.T, text string) metricSet {
	t.Helper()
	m := metricSet{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if i < 0 || err != nil {
			t.Fatalf("/metrics: bad sample line %q", line)
		}
		m[line[:i]] = v
	}
	return m
}

// sum adds the samples of metric name whose labels include every one of
// labels (each `key="value"`); ok is false when there is none.
func (m metricSet) sum(name string, labels ...string) (total float64, ok bool) {
	for k, v := range m {
		n, ls, _ := strings.Cut(k, "{")
		if n != name {
			continue
		}
		all := true
		for _, l := range labels {
			all = all && strings.Contains(ls, l)
		}
		if all {
			total += v
			ok = true
		}
	}
	return total, ok
}

// must is sum for a metric that has to be there.
func (m metricSet) must(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	v, ok := m.sum(name, labels...)
	if !ok {
		t.Fatalf("/metrics has no %s%v", name, labels)
	}
	return v
}

// httpGet returns the status and body of url, or an error.
func httpGet(url string) (int, string, error) {
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// readyReport is the body of /readyz (telemetry.Report).
type readyReport struct {
	Ready  bool `json:"ready"`
	Checks []struct {
		Name  string `json:"name"`
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	} `json:"checks"`
}

func (r readyReport) check(name string) (ok bool, err string, found bool) {
	for _, c := range r.Checks {
		if c.Name == name {
			return c.OK, c.Error, true
		}
	}
	return false, "", false
}

var metricsLog = regexp.MustCompile(`msg="worker started" .*metrics=(http://127\.0\.0\.1:\d+)`)

// TestMetrics runs a real sweep on a worker process with its metrics
// endpoint on 127.0.0.1 (port 0: the worker logs the one it got). It
// scrapes /metrics and /readyz while the sweep runs and at its end: the
// trained and reused counters match the sweep's summary (and, for
// TrainPoint, the SDK's own count of executed activities), checkpoints
// and training time were counted, nothing failed, SDK worker metrics are
// there, /readyz is 200 while connected; a second run of the same spec is
// all reuse (counted at the plan stage); with the Temporal server killed,
// /readyz turns 503 naming the Temporal check while /healthz stays 200.
func TestMetrics(t *testing.T) {
	t0 := time.Now()
	addr, srv := serverProc(t, t.TempDir())
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	env := []string{"TEMPORAL_ADDRESS=" + addr, "BITSWEEP_STORE=" + store,
		"BITSWEEP_CHECKPOINT_INTERVAL=20ms", "BITSWEEP_METRICS_ADDR=127.0.0.1:0"}
	w := start(t, env, "worker", "--concurrency", "2")
	var base string
	waitFor(t, time.Minute, "the worker's metrics address in its log", func() bool {
		if m := metricsLog.FindStringSubmatch(w.output()); m != nil {
			base = m[1]
		}
		return base != ""
	}, w)
	ready := func() (int, readyReport) {
		t.Helper()
		code, body, err := httpGet(base + "/readyz")
		if err != nil {
			t.Fatalf("/readyz: %v", err)
		}
		var r readyReport
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatalf("/readyz %d: %q: %v", code, body, err)
		}
		return code, r
	}
	scrape := func() metricSet {
		t.Helper()
		code, body, err := httpGet(base + "/metrics")
		if err != nil || code != 200 {
			t.Fatalf("/metrics: %d %v", code, err)
		}
		return parseMetrics(t, body)
	}
	if code, r := ready(); code != 200 || !r.Ready || len(r.Checks) != 2 {
		t.Fatalf("/readyz before the sweep: %d %+v, want 200 with the temporal and store checks", code, r)
	}
	m := scrape()
	if v := m.must(t, "bitsweep_points_trained_total"); v != 0 {
		t.Fatalf("trained %g before any sweep", v)
	}

	// First run: every point trained. Scrape while it runs.
	spec := writeSpec(t, dir, metricsSpec)
	args := []string{"run", spec, "--window", "2", "--chunk", "10", "--no-report"}
	run := start(t, env, "starter", args...)
	scrapes, midway, readyWhile := 0, 0, 0
	last := -1.0
	for running := true; running; {
		select {
		case <-run.done:
			run.done <- nil
			running = false
			continue
		case <-time.After(100 * time.Millisecond):
		}
		m := scrape()
		scrapes++
		n := m.must(t, "bitsweep_points_trained_total")
		if n < last {
			t.Errorf("bitsweep_points_trained_total went down from %g to %g", last, n)
		}
		last = n
		if n > 0 && n < metricsPoints {
			midway++
		}
		if code, r := ready(); code == 200 && r.Ready {
			readyWhile++
		}
		if time.Since(t0) > 3*time.Minute {
			t.Fatal("the sweep takes more than 3 minutes")
		}
	}
	if err := run.wait(t, time.Minute); err != nil {
		t.Fatalf("run: %v", err)
	}
	sum := summary(t, run.output())
	t.Logf("first run: %v; %d scrapes while it ran, %d with some but not all points trained, %d with /readyz 200", sum, scrapes, midway, readyWhile)
	if sum["points"] != metricsPoints || sum["computed"] != metricsPoints || sum["failed"] != 0 {
		t.Fatalf("summary %v, want %d computed", sum, metricsPoints)
	}
	if midway == 0 {
		t.Errorf("no scrape saw the sweep midway (%d scrapes while it ran)", scrapes)
	}
	if readyWhile == 0 {
		t.Errorf("/readyz never 200 while the sweep ran (%d scrapes)", scrapes)
	}

	m = scrape()
	trained := m.must(t, "bitsweep_points_trained_total")
	reused := m.must(t, "bitsweep_points_reused_total")
	failed := m.must(t, "bitsweep_points_failed_total")
	if int(trained) != sum["computed"] || int(reused) != sum["reused"] || int(failed) != sum["failed"] {
		t.Errorf("counters trained %g, reused %g, failed %g; the summary says %v", trained, reused, failed, sum)
	}
	if n := m.must(t, "bitsweep_point_training_seconds_count"); n != trained {
		t.Errorf("bitsweep_point_training_seconds_count %g, want the %g trained points", n, trained)
	}
	secs := m.must(t, "bitsweep_training_seconds_total")
	if hs := m.must(t, "bitsweep_point_training_seconds_sum"); !(secs > 0) || hs > secs*(1+1e-9) {
		t.Errorf("training seconds: total %g, per point %g; want 0 < per point <= total", secs, hs)
	}
	if n := m.must(t, "bitsweep_checkpoint_writes_total"); n < 1 {
		t.Errorf("bitsweep_checkpoint_writes_total %g, want some at a 20ms interval", n)
	}
	if n := m.must(t, "bitsweep_store_errors_total"); n != 0 {
		t.Errorf("bitsweep_store_errors_total %g on a healthy local store", n)
	}
	// The SDK's metrics, through the worker's client: its own count of
	// TrainPoint executions agrees, and the worker's slots are reported.
	if n := m.must(t, "temporal_activity_execution_latency_seconds_count", `activity_type="TrainPoint"`); n != trained {
		t.Errorf("the SDK executed %g TrainPoint activities, bitsweep counted %g trained", n, trained)
	}
	if _, ok := m.sum("temporal_worker_task_slots_available", `worker_type="ActivityWorker"`, `task_queue="bitsweep"`); !ok {
		t.Error("no temporal_worker_task_slots_available of the activity worker")
	}
	if n := m.must(t, "temporal_workflow_task_queue_poll_succeed_total"); n < 1 {
		t.Errorf("temporal_workflow_task_queue_poll_succeed_total %g", n)
	}

	// Second run of the same spec: all reused, found by PlanChunk.
	again := start(t, env, "starter", args...)
	if err := again.wait(t, 2*time.Minute); err != nil {
		t.Fatalf("second run: %v", err)
	}
	sum2 := summary(t, again.output())
	m = scrape()
	if sum2["reused"] != metricsPoints || sum2["computed"] != 0 {
		t.Fatalf("second run: summary %v, want all %d reused", sum2, metricsPoints)
	}
	if v := m.must(t, "bitsweep_points_trained_total"); v != trained {
		t.Errorf("trained %g after the second run, want still %g", v, trained)
	}
	if v := m.must(t, "bitsweep_points_reused_total"); int(v) != sum["reused"]+sum2["reused"] {
		t.Errorf("reused %g after both runs, want %d", v, sum["reused"]+sum2["reused"])
	}
	if v := m.must(t, "bitsweep_points_reused_total", `stage="plan"`); int(v) != sum2["reused"] {
		t.Errorf("reused at the plan stage %g, want %d", v, sum2["reused"])
	}

	// The Temporal server goes away: not ready (the Temporal check says
	// why, the store is fine), still alive.
	srv.cmd.Process.Signal(syscall.SIGKILL)
	srv.wait(t, 30*time.Second)
	var r readyReport
	waitFor(t, 30*time.Second, "/readyz 503 without the Temporal server", func() bool {
		var code int
		code, r = ready()
		return code == 503
	}, w)
	tok, terr, tfound := r.check("temporal")
	sok, _, sfound := r.check("store")
	if r.Ready || !tfound || tok || terr == "" || !sfound || !sok {
		t.Errorf("/readyz without Temporal: %+v, want the temporal check failed with its error and the store check ok", r)
	}
	if code, body, err := httpGet(base + "/healthz"); err != nil || code != 200 {
		t.Errorf("/healthz without Temporal: %d %q %v, want 200", code, body, err)
	}
	t.Logf("temporal check without the server: %s", terr)
	t.Logf("TestMetrics took %v", time.Since(t0).Round(time.Millisecond))
}

var localMetricsLine = regexp.MustCompile(`metrics: (http://127\.0\.0\.1:\d+)/metrics`)

// TestLocalMetrics runs the same 30 points in local mode with
// --metrics-addr 127.0.0.1:0 (the run prints the address it got): the
// in-process worker's /metrics counts them as they train and at the end
// agrees with the summary, with the SDK's own count of TrainPoint
// executions, and /readyz is 200 while the sweep runs.
func TestLocalMetrics(t *testing.T) {
	dir := t.TempDir()
	spec := writeSpec(t, dir, metricsSpec)
	env := []string{"BITSWEEP_CHECKPOINT_INTERVAL=20ms", "BITSWEEP_UI=false"}
	run := start(t, env, "starter", "run", spec, "--out", filepath.Join(dir, "results"), "--concurrency", "2", "--no-report",
		"--metrics-addr", "127.0.0.1:0")
	var base string
	scrapes, midway, readyWhile := 0, 0, 0
	var last metricSet
	for running := true; running; {
		select {
		case <-run.done:
			run.done <- nil
			running = false
			continue
		case <-time.After(50 * time.Millisecond):
		}
		if base == "" {
			if m := localMetricsLine.FindStringSubmatch(run.output()); m != nil {
				base = m[1]
			}
			continue
		}
		code, body, err := httpGet(base + "/metrics")
		if err != nil || code != 200 {
			continue // the run may just have ended
		}
		last = parseMetrics(t, body)
		scrapes++
		if n := last.must(t, "bitsweep_points_trained_total"); n > 0 && n < metricsPoints {
			midway++
		}
		if code, _, err := httpGet(base + "/readyz"); err == nil && code == 200 {
			readyWhile++
		}
	}
	if err := run.wait(t, time.Minute); err != nil {
		t.Fatalf("run: %v", err)
	}
	if base == "" {
		t.Fatalf("the run never printed its metrics address:\n%s", run.output())
	}
	sum := summary(t, run.output())
	t.Logf("summary %v; %d scrapes, %d midway, %d with /readyz 200", sum, scrapes, midway, readyWhile)
	if sum["computed"] != metricsPoints || sum["failed"] != 0 {
		t.Fatalf("summary %v, want %d computed", sum, metricsPoints)
	}
	if scrapes == 0 || midway == 0 || readyWhile == 0 {
		t.Fatalf("%d scrapes, %d of them midway, %d with /readyz 200: want some of each", scrapes, midway, readyWhile)
	}
	// The last scrape may precede the last points; the counters never
	// exceed the summary, and the SDK's count agrees with bitsweep's.
	trained := last.must(t, "bitsweep_points_trained_total")
	if trained > float64(sum["computed"]) {
		t.Errorf("bitsweep_points_trained_total %g, more than the %d computed", trained, sum["computed"])
	}
	if n := last.must(t, "temporal_activity_execution_latency_seconds_count", `activity_type="TrainPoint"`); n < trained {
		t.Errorf("the SDK executed %g TrainPoint activities, bitsweep counted %g trained", n, trained)
	}
	if _, _, err := httpGet(base + "/metrics"); err == nil {
		t.Errorf("%s still answers after the run ended", base)
	}
}
