package integration

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"google.golang.org/protobuf/proto"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/open"
	"github.com/bitsweep/bitsweep/workflows"
)

// topology is deploy/local/topology.sh running a standalone Temporal
// server, MinIO and three workers as local processes on 127.0.0.1.
type topology struct {
	t       *testing.T
	db      string // the server's persistence: sqlite or postgres
	dir     string
	env     []string // for the starter and the test's own store client
	secret  string   // the planted S3 password
	secrets []string // every secret the scan looks for (secret, the PostgreSQL password)
	addr    string
	url     string
	procs   []*proc // starter runs, whose output the secret scan reads
}

// postgresReachable tells why the PostgreSQL topology cannot run, or "".
// TEMPORAL_DB_* come from `eval "$(bash .ci/postgres.sh start)"`.
func postgresReachable() string {
	host, port := os.Getenv("TEMPORAL_DB_HOST"), os.Getenv("TEMPORAL_DB_PORT")
	if host == "" || port == "" || os.Getenv("TEMPORAL_DB_PASSWORD") == "" {
		return "no PostgreSQL: TEMPORAL_DB_HOST, TEMPORAL_DB_PORT or TEMPORAL_DB_PASSWORD unset (eval \"$(bash .ci/postgres.sh start)\")"
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), 2*time.Second)
	if err != nil {
		return fmt.Sprintf("no PostgreSQL reachable at %s:%s: %v", host, port, err)
	}
	c.Close()
	return ""
}

// newTopology starts the topology with the binaries TestMain built, its
// server on db (sqlite, or postgres: a database pair of its own on the
// PostgreSQL of TEMPORAL_DB_*). It skips the test when the MinIO binary of
// .ci/minio.sh is not installed or, for postgres, no PostgreSQL is
// reachable (outside CI: .ci/run starts one, so there it is an error).
func newTopology(t *testing.T, db string) *topology {
	t.Helper()
	cache := os.Getenv("BITSWEEP_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "bitsweep")
	}
	if _, err := os.Stat(filepath.Join(cache, "bin", "minio")); err != nil {
		t.Skipf("no MinIO binary in %s/bin (bash .ci/minio.sh install)", cache)
	}
	if db == "postgres" {
		if why := postgresReachable(); why != "" {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s; .ci/run starts PostgreSQL with .ci/postgres.sh", why)
			}
			t.Skip(why)
		}
	}
	dir := t.TempDir()
	// The binaries TestMain built, so the script does not build its own.
	tb := filepath.Join(dir, "bin")
	os.MkdirAll(tb, 0o755)
	for _, b := range []string{"starter", "worker"} {
		if err := os.Symlink(filepath.Join(bin, b), filepath.Join(tb, b)); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(tb, "blas"), []byte("gonum\n"), 0o644)

	raw := make([]byte, 12)
	rand.Read(raw)
	tp := &topology{t: t, db: db, dir: dir, secret: "planted-secret-" + hex.EncodeToString(raw)}
	tp.secrets = []string{tp.secret}
	if pw := os.Getenv("TEMPORAL_DB_PASSWORD"); db == "postgres" && pw != "" {
		tp.secrets = append(tp.secrets, pw)
	}
	tp.env = []string{
		"BITSWEEP_CACHE=" + cache,
		"MINIO_ROOT_USER=bitsweep-faults",
		"MINIO_ROOT_PASSWORD=" + tp.secret,
		"BITSWEEP_CHECKPOINT_INTERVAL=1s", // a killed point loses at most 1 s
		"BITSWEEP_TRAINER=real",
	}
	t0 := time.Now()
	out := tp.script("start", "--workers", "3", "--concurrency", "2", "--db", db)
	t.Logf("topology on %s started in %v", db, time.Since(t0).Round(100*time.Millisecond))
	t.Cleanup(func() {
		// clean: on PostgreSQL it also drops the topology's databases.
		cmd := exec.Command("bash", "../deploy/local/topology.sh", "clean", "--kill", "--dir", dir)
		cmd.Env = append(os.Environ(), tp.env...)
		cmd.Run()
	})
	exports := regexp.MustCompile(`(?m)^export (\w+)=(.*)$`).FindAllStringSubmatch(out, -1)
	for _, m := range exports {
		v := strings.Trim(m[2], `'"`)
		tp.env = append(tp.env, m[1]+"="+v)
		switch m[1] {
		case "TEMPORAL_ADDRESS":
			tp.addr = v
		case "BITSWEEP_STORE":
			tp.url = v
		}
	}
	if tp.addr == "" || tp.url == "" {
		t.Fatalf("topology printed no TEMPORAL_ADDRESS/BITSWEEP_STORE:\n%s", out)
	}
	// The starter and the test read the bucket with the MinIO credentials.
	tp.env = append(tp.env, "BITSWEEP_S3_CREATE_BUCKET=1")
	return tp
}

// script runs a topology.sh command and returns its standard output.
func (tp *topology) script(args ...string) string {
	tp.t.Helper()
	cmd := exec.Command("bash", append([]string{"../deploy/local/topology.sh"}, append(args, "--dir", tp.dir)...)...)
	cmd.Env = append(os.Environ(), tp.env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		tp.t.Fatalf("topology.sh %v: %v\n%s%s", args, err, out.String(), tail(errb.String(), 3000))
	}
	return out.String()
}

// store opens the topology's bucket.
func (tp *topology) store() storage.Store {
	tp.t.Helper()
	for _, kv := range tp.env {
		k, v, _ := strings.Cut(kv, "=")
		tp.t.Setenv(k, v)
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
		os.Unsetenv(k) // MinIO root credentials only
	}
	st, err := open.Open(context.Background(), tp.url, storage.Options{})
	if err != nil {
		tp.t.Fatal(err)
	}
	return st
}

// run starts `starter run` of a spec against the topology.
func (tp *topology) run(spec string, args ...string) *proc {
	p := start(tp.t, tp.env, "starter", append([]string{"run", spec, "--window", "6", "--heartbeat-timeout", "5s"}, args...)...)
	tp.procs = append(tp.procs, p)
	return p
}

// trainedLog counts the "point trained" lines of every worker log by point
// ID: a point trained to the end twice would show twice.
func (tp *topology) trainedLog() map[string]int {
	tp.t.Helper()
	re := regexp.MustCompile(`point trained.*?point=([0-9a-f]{64})`)
	n := map[string]int{}
	logs, _ := filepath.Glob(filepath.Join(tp.dir, "log", "worker-*.log"))
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		for _, m := range re.FindAllSubmatch(b, -1) {
			n[string(m[1])]++
		}
	}
	return n
}

// outcome is one row of the fault table.
type outcome struct {
	points, trained, attempts, resumed int
	wall                               time.Duration
}

// checkSweep ends every scenario: every point of the manifest has exactly
// one result whose artifacts match their checksums, and no point was
// trained to completion twice.
func (tp *topology) checkSweep(st storage.Store, sweep string, want int) outcome {
	tp.t.Helper()
	ctx := context.Background()
	man, err := st.Get(ctx, results.SweepKey(sweep, "manifest.jsonl"))
	if err != nil {
		tp.t.Fatalf("%s: manifest: %v", sweep, err)
	}
	ids := regexp.MustCompile(`"id":"([0-9a-f]{64})"`).FindAllStringSubmatch(string(man), -1)
	if len(ids) != want {
		tp.t.Errorf("%s: manifest lists %d points, want %d", sweep, len(ids), want)
	}
	trained := tp.trainedLog()
	var o outcome
	for _, m := range ids {
		id := m[1]
		o.points++
		rec, err := results.Load(ctx, st, id)
		if err != nil {
			tp.t.Errorf("%s: point %s: %v", sweep, id, err)
			continue
		}
		if err := results.Verify(ctx, st, rec); err != nil {
			tp.t.Errorf("%s: point %s: %v", sweep, id, err)
		}
		if rec.Result.Backend == "fake" {
			tp.t.Errorf("%s: point %s computed by the fake trainer", sweep, id)
		}
		// Once, or not at all in the log when the worker died between
		// storing result.json and logging (a retry then reuses the result).
		if n := trained[id]; n > 1 {
			tp.t.Errorf("%s: point %s trained to the end %d times, want at most once", sweep, id, n)
		}
		o.trained += trained[id]
		if rec.Attempt > 1 {
			o.attempts++
		}
		if rec.Resumed {
			o.resumed++
		}
	}
	return o
}

// faultSpec is a sweep of 4·sparsities points of a few seconds each; the
// step count differs per sweep so that no two sweeps share a point.
func faultSpec(t *testing.T, name string, sparsities int) string {
	t.Helper()
	var ps []string
	for i := 0; i < sparsities; i++ {
		ps = append(ps, fmt.Sprintf("%.2f", 0.1+0.8*float64(i)/float64(max(1, sparsities-1))))
	}
	dir := t.TempDir()
	return writeSpec(t, dir, fmt.Sprintf(`
name: %s
fixed: {source: bernoulli-gaussian, rate: 1, d: 48, steps: %d, until: fixed, batch: 64, eval_samples: 1024}
grid:
  sparsity: [%s]
  arch: [linear, denoiser]
seeds: 2
`, name, faultSteps(name)+len(name)*7+sparsities, strings.Join(ps, ", ")))
}

// faultSteps is the base step count of a fault sweep's points: the
// worker-kill sweep's points are longer, so that its 20 kills fit even on a
// loaded machine (a run with 1,200 steps finished after 14 kills while other
// training ran beside it; OpenBLAS, loaded at run time since, trains these
// d = 48 points 1.6× faster than the pure-Go BLAS did).
func faultSteps(name string) int {
	if name == "kills" {
		return 4000
	}
	return 1200
}

// countResults counts result.json objects under points/.
func countResults(st storage.Store) int {
	n := 0
	st.List(context.Background(), "points/", func(oi storage.ObjectInfo) error {
		if strings.HasSuffix(oi.Key, "/"+results.ResultFile) {
			n++
		}
		return nil
	})
	return n
}

// TestFaults runs real sweeps on the local topology through worker
// SIGKILLs, a server restart, an S3 outage and a double submission, and
// then scans logs, stored objects and Temporal histories for the planted
// secrets. It runs twice: with the server on SQLite (every scenario) and
// on PostgreSQL (worker SIGKILLs, server restart and the secret scan, with
// the same end checks). It logs a table of scenarios and outcomes.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("fault suite: real processes, minutes")
	}
	var table []string
	for _, tc := range []struct {
		db        string
		scenarios map[string]bool // nil: all
	}{
		{"sqlite", nil},
		{"postgres", map[string]bool{"worker-kills": true, "server-restart": true, "secret-scan": true}},
	} {
		t.Run(tc.db, func(t *testing.T) {
			t0 := time.Now()
			faultScenarios(t, newTopology(t, tc.db), tc.scenarios, &table)
			t.Logf("fault suite on %s: %v", tc.db, time.Since(t0).Round(time.Second))
		})
	}
	t.Logf("fault suite:\n| server on | scenario | fault | points | trained to the end | finished on attempt > 1 | resumed from a checkpoint | wall | note |\n|---|---|---|---|---|---|---|---|---|\n%s", strings.Join(table, "\n"))
}

// faultScenarios runs the scenarios of the fault suite named in only (nil:
// all) on tp and adds their rows to table.
func faultScenarios(t *testing.T, tp *topology, only map[string]bool, table *[]string) {
	st := tp.store()
	row := func(name, fault string, o outcome, extra string) {
		*table = append(*table, fmt.Sprintf("| %s | %s | %s | %d | %d | %d | %d | %v | %s |", tp.db, name, fault, o.points, o.trained, o.attempts, o.resumed, o.wall.Round(time.Second), extra))
	}
	scenario := func(name string, f func(t *testing.T)) {
		if only == nil || only[name] {
			t.Run(name, f)
		}
	}

	scenario("worker-kills", func(t *testing.T) {
		tp.t = t
		spec := faultSpec(t, "kills", 12) // 48 points
		t0 := time.Now()
		run := tp.run(spec, "--window", "3") // long enough for 20 kills on a fast machine too
		done := make(chan struct{})
		var kills int
		var mu sync.Mutex
		go func() {
			defer close(done)
			rng := mrand.New(mrand.NewPCG(1, 2))
			for kills < 20 {
				select {
				case err := <-run.done:
					run.done <- err
					return
				case <-time.After(time.Duration(300+rng.IntN(1200)) * time.Millisecond):
				}
				i := 1 + rng.IntN(3)
				if err := exec.Command("bash", "../deploy/local/topology.sh", "kill-worker", fmt.Sprint(i), "--dir", tp.dir).Run(); err != nil {
					continue // not running: restart below
				}
				mu.Lock()
				kills++
				mu.Unlock()
				cmd := exec.Command("bash", "../deploy/local/topology.sh", "start-worker", fmt.Sprint(i), "--dir", tp.dir)
				cmd.Env = append(os.Environ(), tp.env...)
				cmd.Run()
			}
		}()
		if err := run.wait(t, 15*time.Minute); err != nil {
			t.Fatalf("run: %v\n%s", err, tail(run.output(), 3000))
		}
		<-done
		// Workers killed after the run still count: make sure all are up.
		for i := 1; i <= 3; i++ {
			cmd := exec.Command("bash", "../deploy/local/topology.sh", "start-worker", fmt.Sprint(i), "--dir", tp.dir)
			cmd.Env = append(os.Environ(), tp.env...)
			cmd.Run()
		}
		sum := summary(t, run.output())
		o := tp.checkSweep(st, "kills", 48)
		o.wall = time.Since(t0)
		if sum["points"] != 48 || sum["failed"] != 0 {
			t.Errorf("summary %v", sum)
		}
		if kills < 20 {
			t.Errorf("only %d kills happened before the sweep finished", kills)
		}
		row("worker SIGKILLs", fmt.Sprintf("%d random SIGKILLs of 3 workers, each restarted", kills), o, "")
	})

	// midSweep runs a 24-point sweep and injects a fault after 8 points.
	midSweep := func(t *testing.T, name, scenario, what string, fault func()) {
		tp.t = t
		spec := faultSpec(t, name, 6) // 24 points
		before := countResults(st)
		t0 := time.Now()
		run := tp.run(spec)
		waitFor(t, 5*time.Minute, "a third of the points", func() bool { return countResults(st)-before >= 8 }, run)
		fault()
		if err := run.wait(t, 15*time.Minute); err != nil {
			t.Fatalf("run: %v\n%s", err, tail(run.output(), 3000))
		}
		o := tp.checkSweep(st, name, 24)
		o.wall = time.Since(t0)
		if sum := summary(t, run.output()); sum["points"] != 24 || sum["failed"] != 0 {
			t.Errorf("summary %v", sum)
		}
		row(scenario, what, o, "")
	}
	scenario("server-restart", func(t *testing.T) {
		midSweep(t, "restart", "server restart", fmt.Sprintf("Temporal server (%s) stopped and restarted after 8 of 24 points", tp.db), func() {
			tp.script("restart-server")
		})
	})
	scenario("s3-outage", func(t *testing.T) {
		midSweep(t, "outage", "S3 outage", "MinIO stopped for 30 s after 8 of 24 points, then restarted", func() {
			tp.script("stop-s3")
			time.Sleep(30 * time.Second)
			tp.script("start-s3")
		})
	})

	scenario("submitted-twice", func(t *testing.T) {
		tp.t = t
		spec := faultSpec(t, "twice", 4) // 16 points
		t0 := time.Now()
		r1, r2 := tp.run(spec), tp.run(spec)
		for _, r := range []*proc{r1, r2} {
			if err := r.wait(t, 15*time.Minute); err != nil {
				t.Fatalf("run: %v\n%s", err, tail(r.output(), 3000))
			}
		}
		s1, s2 := summary(t, r1.output()), summary(t, r2.output())
		if fmt.Sprint(s1) != fmt.Sprint(s2) || s1["computed"] != 16 {
			t.Errorf("the two runs saw %v and %v, want the same 16 computed points", s1, s2)
		}
		o := tp.checkSweep(st, "twice", 16)
		o.wall = time.Since(t0)
		c := dial(t, tp.addr)
		resp, err := c.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowId = '%s'", workflows.SweepID("twice")),
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(resp.GetExecutions()); n != 1 {
			t.Errorf("%d executions of the sweep, want 1", n)
		}
		row("same sweep twice", "two `starter run` of one spec at once", o, fmt.Sprintf("%d execution", len(resp.GetExecutions())))
	})

	scenario("secret-scan", func(t *testing.T) {
		tp.t = t
		scanSecrets(t, tp, st)
	})
}

// scanSecrets looks for the planted S3 password (and on PostgreSQL the
// database password) in every log of the topology, the starter's help,
// every stored object and every event of every workflow history.
func scanSecrets(t *testing.T, tp *topology, st storage.Store) {
	has := func(b []byte) bool {
		for _, s := range tp.secrets {
			if bytes.Contains(b, []byte(s)) {
				return true
			}
		}
		return false
	}
	scanned := 0
	logs, _ := filepath.Glob(filepath.Join(tp.dir, "log", "*"))
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		scanned++
		if has(b) {
			t.Errorf("log %s contains the secret", l)
		}
	}
	if len(logs) < 5 {
		t.Errorf("only %d logs to scan (%v)", len(logs), logs)
	}
	for _, p := range tp.procs {
		if has([]byte(p.output())) {
			t.Errorf("the output of %v contains the secret", p.cmd.Args)
		}
	}
	for _, cmd := range [][]string{{"run", "-h"}, {"report", "-h"}, {"status", "-h"}} {
		c := exec.Command(filepath.Join(bin, "starter"), cmd...)
		c.Env = append(os.Environ(), tp.env...)
		out, _ := c.CombinedOutput()
		if has(out) {
			t.Errorf("starter %v prints the secret", cmd)
		}
	}
	ctx := context.Background()
	objects := 0
	if err := st.List(ctx, "", func(oi storage.ObjectInfo) error {
		b, err := st.Get(ctx, oi.Key)
		if err != nil {
			return err
		}
		objects++
		if has(b) {
			t.Errorf("stored object %s contains the secret", oi.Key)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	c := dial(t, tp.addr)
	events, runs := 0, 0
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{NextPageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range resp.GetExecutions() {
			runs++
			it := c.GetWorkflowHistory(ctx, e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId(), false, 0)
			for it.HasNext() {
				ev, err := it.Next()
				if err != nil {
					t.Fatal(err)
				}
				events++
				b, _ := proto.Marshal(ev)
				if has(b) {
					t.Errorf("history of %s: event %d contains the secret", e.GetExecution().GetWorkflowId(), ev.GetEventId())
				}
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	if objects == 0 || events == 0 {
		t.Errorf("nothing scanned: %d objects, %d events", objects, events)
	}
	t.Logf("secret scan (%d secrets): %d logs, %d starter outputs, 3 help texts, %d stored objects, %d events of %d workflow runs", len(tp.secrets), len(logs), len(tp.procs), objects, events, runs)
}
