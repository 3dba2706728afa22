package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/storage/file"
)

const smallSweep = `
name: %s
fixed: {source: bernoulli-gaussian, rate: 1, d: 32, steps: 300, until: fixed, batch: 64, eval_samples: 1024}
grid:
  sparsity: [0.1, 0.3, 0.5]
  arch: [linear, denoiser]
`

// TestCorruptionResume corrupts one stored artifact of a finished local
// sweep: report --verify names the point, resume recomputes exactly that
// point, and the repaired artifact is bit-identical to the original.
func TestCorruptionResume(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	spec := writeSpec(t, dir, fmt.Sprintf(smallSweep, "corrupt"))
	run := start(t, nil, "starter", "run", spec, "--out", out, "--no-report")
	if err := run.wait(t, 10*time.Minute); err != nil {
		t.Fatalf("run: %v\n%s", err, tail(run.output(), 3000))
	}
	st, err := file.New(out)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	files := resultFiles(t, out)
	if len(files) != 6 {
		t.Fatalf("%d results, want 6", len(files))
	}
	var victim string
	for id := range files {
		victim = id
		break
	}
	rec, err := results.Load(context.Background(), st, victim)
	if err != nil {
		t.Fatal(err)
	}
	bpath := filepath.Join(out, filepath.FromSlash(rec.Artifacts["B.npy"].Key))
	orig, err := os.ReadFile(bpath)
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(orig)
	bad[len(bad)/2] ^= 0x40
	if err := os.WriteFile(bpath, bad, 0o644); err != nil {
		t.Fatal(err)
	}

	// Detected on read and reported, per point.
	rep := filepath.Join(dir, "report")
	r := start(t, nil, "starter", "report", "--store", out, "--sweep", "corrupt", "--verify", "--no-figures", "--out", rep, "--json")
	if err := r.wait(t, 5*time.Minute); err != nil {
		t.Fatalf("report: %v\n%s", err, r.output())
	}
	var sum struct {
		Points   int            `json:"points"`
		Problems map[string]int `json:"problems"`
	}
	if err := json.Unmarshal([]byte(lastLine(r.output())), &sum); err != nil {
		t.Fatalf("report output %q: %v", r.output(), err)
	}
	if sum.Points != 5 || sum.Problems["checksum"] != 1 {
		t.Errorf("report %+v, want 5 points and 1 checksum problem", sum)
	}
	problems, _ := os.ReadFile(filepath.Join(rep, "problems.csv"))
	if !bytes.Contains(problems, []byte(victim)) || !bytes.Contains(problems, []byte("B.npy")) {
		t.Errorf("problems.csv does not name %s and B.npy:\n%s", victim, problems)
	}

	// Resume verifies and recomputes exactly that point.
	res := start(t, nil, "starter", "resume", "corrupt", "--out", out, "--no-report")
	if err := res.wait(t, 10*time.Minute); err != nil {
		t.Fatalf("resume: %v\n%s", err, tail(res.output(), 3000))
	}
	if s := summary(t, res.output()); s["computed"] != 1 || s["reused"] != 5 || s["repaired"] != 1 {
		t.Errorf("resume summary %v, want 1 computed (repaired), 5 reused", s)
	}
	now, err := os.ReadFile(bpath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(now, orig) {
		t.Error("the recomputed B.npy differs from the original")
	}
	r = start(t, nil, "starter", "report", "--store", out, "--sweep", "corrupt", "--verify", "--no-figures", "--out", rep, "--json")
	if err := r.wait(t, 5*time.Minute); err != nil {
		t.Fatalf("report: %v", err)
	}
	sum.Problems = nil
	json.Unmarshal([]byte(lastLine(r.output())), &sum)
	if sum.Points != 6 || len(sum.Problems) != 0 {
		t.Errorf("report after resume %+v, want 6 points, no problems", sum)
	}
}

// mountTmpfs mounts a tmpfs of the given size at dir, or skips the test.
func mountTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs (%v): needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
}

// remount changes a tmpfs' size or makes it read-only / writable again. A
// read-only remount fails with EBUSY while a file is open for writing (a
// worker storing an object): it is retried until the moment is free.
func remount(t *testing.T, dir, opts string, flags uintptr) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|flags, opts)
		if err == nil {
			return
		}
		if err != syscall.EBUSY || time.Now().After(deadline) {
			t.Fatalf("remount %s %s (flags %#x): %v", dir, opts, flags, err)
		}
		time.Sleep(time.Millisecond)
	}
}

// tempFiles lists the store's temporary files (a write that never
// finished); there must be none once writes have failed or finished.
func tempFiles(dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(d.Name(), "~tmp-") { // storage/file's temporary names
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestStoreDiskFullAndReadOnly runs a sweep whose local store is a small
// tmpfs: it fills up mid-sweep, then becomes read-only. Each time the
// worker reports a clear error (status shows it on the retrying points),
// no partial file is left, and once space (or write access) is back the
// sweep finishes with every finished result intact.
func TestStoreDiskFullAndReadOnly(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	os.MkdirAll(store, 0o755)
	mountTmpfs(t, store, "160k")
	addr := server(t)
	env := []string{"TEMPORAL_ADDRESS=" + addr, "BITSWEEP_STORE=" + store}
	w := start(t, env, "worker", "--concurrency", "2")
	spec := writeSpec(t, dir, fmt.Sprintf(smallSweep, "diskfull")+"seeds: 3\n") // 18 points, ~25 kB each
	run := start(t, env, "starter", "run", spec, "--window", "2", "--no-report", "--heartbeat-timeout", "10s")

	// Full: the worker's activities fail with "disk full".
	waitFor(t, 5*time.Minute, "a disk-full error", func() bool { return strings.Contains(w.output(), "disk full") }, w, run)
	st := exec.Command(filepath.Join(bin, "starter"), "status", "diskfull")
	st.Env = append(os.Environ(), env...)
	stOut, _ := st.CombinedOutput()
	if !strings.Contains(string(stOut), "disk full") {
		t.Errorf("status does not show the disk-full error:\n%s", stOut)
	}
	before := len(resultFiles(t, store))
	if before >= 18 {
		t.Fatalf("the disk never filled: %d results", before)
	}
	t.Logf("disk full after %d of 18 points; status:\n%s", before, stOut)
	// Give the retries a moment to fail again, then no partial file.
	time.Sleep(2 * time.Second)
	if tf := tempFiles(store); len(tf) > 0 {
		t.Errorf("partial files left on the full disk: %v", tf)
	}

	// Space again, then read-only after a few more points.
	remount(t, store, "size=64m", 0)
	waitFor(t, 5*time.Minute, "progress after the disk grew", func() bool { return len(resultFiles(t, store)) >= before+3 }, w, run)
	remount(t, store, "size=64m", syscall.MS_RDONLY)
	waitFor(t, 5*time.Minute, "a read-only error", func() bool { return strings.Contains(w.output(), "read-only file system") }, w, run)
	time.Sleep(2 * time.Second)
	if tf := tempFiles(store); len(tf) > 0 {
		t.Errorf("partial files left on the read-only disk: %v", tf)
	}
	remount(t, store, "size=64m", 0)

	if err := run.wait(t, 15*time.Minute); err != nil {
		t.Fatalf("run: %v\n%s", err, tail(run.output(), 3000))
	}
	if s := summary(t, run.output()); s["points"] != 18 || s["failed"] != 0 {
		t.Errorf("summary %v", s)
	}
	fst, err := file.New(store)
	if err != nil {
		t.Fatal(err)
	}
	defer fst.Close()
	for id := range resultFiles(t, store) {
		rec, err := results.Load(context.Background(), fst, id)
		if err == nil {
			err = results.Verify(context.Background(), fst, rec)
		}
		if err != nil {
			t.Errorf("point %s: %v", id, err)
		}
	}
	if n := len(resultFiles(t, store)); n != 18 {
		t.Errorf("%d results, want 18", n)
	}
	if tf := tempFiles(store); len(tf) > 0 {
		t.Errorf("partial files left: %v", tf)
	}
}
