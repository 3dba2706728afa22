package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/open"
)

// TestWorkerKilledMidPoint: worker A starts the only point of a sweep and
// saves checkpoints; it is killed with SIGKILL; worker B picks the point up
// after the heartbeat timeout and finishes it from A's checkpoint (the
// record says resumed, attempt ≥ 2).
func TestWorkerKilledMidPoint(t *testing.T) {
	addr := server(t)
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	env := []string{"TEMPORAL_ADDRESS=" + addr, "BITSWEEP_STORE=" + store, "BITSWEEP_CHECKPOINT_INTERVAL=1s"}
	spec := writeSpec(t, dir, `
name: onepoint
fixed: {source: gaussian, d: 128, steps: 6000, until: fixed, batch: 128, eval_samples: 2048}
grid: {rate: [1]}
`)
	a := start(t, env, "worker", "--concurrency", "1")
	run := start(t, env, "starter", "run", spec, "--window", "1")
	var ck string
	waitFor(t, 3*time.Minute, "a checkpoint of worker A", func() bool {
		m, _ := filepath.Glob(filepath.Join(store, "points", "*", "*", "checkpoint.bin"))
		if len(m) > 0 {
			ck = m[0]
		}
		return ck != ""
	}, a, run)
	time.Sleep(1500 * time.Millisecond) // let it save a later one too
	a.cmd.Process.Signal(syscall.SIGKILL)
	a.wait(t, 10*time.Second)
	start(t, env, "worker", "--concurrency", "1")
	if err := run.wait(t, 10*time.Minute); err != nil {
		t.Fatalf("run: %v", err)
	}
	recordHistories(t, dial(t, addr), "onepoint", 1)
	res := resultFiles(t, store)
	if len(res) != 1 {
		t.Fatalf("%d results, want 1", len(res))
	}
	for _, b := range res {
		var rec results.Record
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatal(err)
		}
		if !rec.Resumed || rec.Attempt < 2 || rec.Result.Steps != 6000 {
			t.Errorf("record: resumed %v, attempt %d, steps %d; want a resumed second attempt", rec.Resumed, rec.Attempt, rec.Result.Steps)
		}
	}
}

// TestTwoWorkersMinIO: one Temporal server, two worker processes and a real
// MinIO on 127.0.0.1 run one sweep together; every point ends with exactly
// one result whose artifacts match their checksums, and both workers took
// part.
func TestTwoWorkersMinIO(t *testing.T) {
	endpoint := os.Getenv("BITSWEEP_TEST_S3_ENDPOINT")
	if endpoint == "" {
		t.Skip("BITSWEEP_TEST_S3_ENDPOINT is not set (.ci/minio.sh start sets it)")
	}
	addr := server(t)
	dir := t.TempDir()
	bucket := fmt.Sprintf("bitsweep-it-%d", rand.Uint32())
	url := "s3://" + bucket + "/sweeps-test"
	env := []string{"TEMPORAL_ADDRESS=" + addr, "BITSWEEP_STORE=" + url,
		"BITSWEEP_S3_ENDPOINT=http://" + endpoint, "BITSWEEP_S3_CREATE_BUCKET=1",
		"AWS_ACCESS_KEY_ID=" + os.Getenv("MINIO_ROOT_USER"), "AWS_SECRET_ACCESS_KEY=" + os.Getenv("MINIO_ROOT_PASSWORD")}
	spec := writeSpec(t, dir, `
name: twoworkers
fixed: {source: bernoulli-gaussian, rate: 1, d: 32, steps: 300, until: fixed, batch: 64, eval_samples: 1024}
grid:
  sparsity: [0.1, 0.3, 0.5, 0.7]
  arch: [linear, denoiser]
seeds: 2
`)
	w1 := start(t, env, "worker", "--concurrency", "2")
	w2 := start(t, env, "worker", "--concurrency", "2")
	run := start(t, env, "starter", "run", spec, "--window", "4", "--chunk", "8")
	if err := run.wait(t, 10*time.Minute); err != nil {
		t.Fatalf("run: %v", err)
	}
	if sum := summary(t, run.output()); sum["points"] != 16 || sum["computed"] != 16 {
		t.Errorf("summary %v, want 16 computed", sum)
	}

	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	ctx := context.Background()
	st, err := open.Open(ctx, url, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	workers := map[string]bool{}
	err = st.List(ctx, "points/", func(o storage.ObjectInfo) error {
		if strings.HasSuffix(o.Key, "/"+results.ResultFile) {
			id := filepath.Base(filepath.Dir(o.Key))
			count[id]++
			rec, err := results.Load(ctx, st, id)
			if err != nil {
				return err
			}
			if err := results.Verify(ctx, st, rec); err != nil {
				return err
			}
			workers[rec.Worker] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(count) != 16 {
		t.Errorf("%d points with results, want 16", len(count))
	}
	for id, n := range count {
		if n != 1 {
			t.Errorf("point %s has %d results", id, n)
		}
	}
	if len(workers) != 2 {
		t.Errorf("results written by %d workers (%v), want both", len(workers), workers)
	}
	// The report activity wrote the report next to the sweep in the bucket.
	csv, err := st.Get(ctx, results.SweepKey("twoworkers", "report/results.csv"))
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	if n := strings.Count(string(csv), "\n"); n != 17 {
		t.Errorf("report results.csv has %d lines, want a header and 16 rows", n)
	}
	for _, name := range []string{"index.html", "summary.json", "REPRODUCTION.md"} {
		if _, err := st.Stat(ctx, results.SweepKey("twoworkers", "report/"+name)); err != nil {
			t.Errorf("report %s: %v", name, err)
		}
	}
	_, _ = w1, w2
}
