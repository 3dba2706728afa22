package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/bitsweep/bitsweep/report"
	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/open"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "reportbench:", err)
		os.Exit(1)
	}
}

type flags struct {
	n           int
	bucket      string
	prefix      string
	sweep       string
	concurrency []int
	modes       []string
	populate    bool
	putConc     int
	repeat      int
	timeout     time.Duration
	sample      bool
	cpuprofile  string
	serverPID   int
}

func parseFlags() (*flags, error) {
	var f flags
	var conc, modes string
	flag.IntVar(&f.n, "n", 100000, "number of synthetic results")
	flag.StringVar(&f.bucket, "bucket", "reportbench", "bucket (created by -populate)")
	flag.StringVar(&f.prefix, "prefix", "", `prefix of the store in the bucket (default "n<N>")`)
	flag.StringVar(&f.sweep, "sweep", "reportbench", "name of the synthetic sweep")
	flag.StringVar(&conc, "concurrency", "16,32,64,128", "report.Options.Concurrency values to measure, comma-separated")
	flag.StringVar(&modes, "modes", "digest,sweep", "what to collect: digest (the sweep's manifest and chunk digests, as reports do), sweep (the manifest, every result.json read one by one) and/or store (everything under points/)")
	flag.BoolVar(&f.populate, "populate", false, "write the synthetic results and the sweep if the store does not hold them yet")
	flag.IntVar(&f.putConc, "populate-concurrency", 32, "parallel uploads while populating")
	flag.IntVar(&f.repeat, "repeat", 1, "measurements per (mode, concurrency)")
	flag.DurationVar(&f.timeout, "timeout", 4*time.Hour, "give up after this long (populating included)")
	flag.StringVar(&f.cpuprofile, "cpuprofile", "", "write a CPU profile of the measurements (not of populating) to this file")
	flag.IntVar(&f.serverPID, "server-pid", 0, "process ID of the MinIO server, for its CPU time (default: the pid file of .ci/minio.sh's state directory, if any)")
	flag.BoolVar(&f.sample, "sample", false, "print the result.json of the sweep's first point and exit (needs no server)")
	flag.Parse()
	if flag.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", flag.Args())
	}
	if f.n < 1 {
		return nil, fmt.Errorf("-n %d: want at least 1", f.n)
	}
	if f.prefix == "" {
		f.prefix = "n" + strconv.Itoa(f.n)
	}
	for _, s := range strings.Split(conc, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || c < 1 {
			return nil, fmt.Errorf("-concurrency: %q is not a positive integer", s)
		}
		f.concurrency = append(f.concurrency, c)
	}
	for _, m := range strings.Split(modes, ",") {
		m = strings.TrimSpace(m)
		if m != "digest" && m != "sweep" && m != "store" {
			return nil, fmt.Errorf("-modes: %q is not digest, sweep or store", m)
		}
		f.modes = append(f.modes, m)
	}
	if f.putConc < 1 || f.repeat < 1 {
		return nil, errors.New("-populate-concurrency and -repeat must be at least 1")
	}
	return &f, nil
}

// openStore opens s3://bucket/prefix on the MinIO that .ci/minio.sh start
// describes in the environment, as the storage/s3 tests do.
func openStore(ctx context.Context, f *flags) (storage.Store, error) {
	endpoint := os.Getenv("BITSWEEP_TEST_S3_ENDPOINT")
	if endpoint == "" {
		return nil, errors.New(`BITSWEEP_TEST_S3_ENDPOINT is not set (start a server with: eval "$(bash .ci/minio.sh start)")`)
	}
	if os.Getenv("MINIO_ROOT_USER") == "" || os.Getenv("MINIO_ROOT_PASSWORD") == "" {
		return nil, errors.New("MINIO_ROOT_USER or MINIO_ROOT_PASSWORD is not set")
	}
	return open.Open(ctx, "s3://"+f.bucket+"/"+f.prefix, storage.Options{
		Endpoint:     endpoint,
		PlainHTTP:    true,
		CreateBucket: f.populate,
		Credentials:  []storage.CredentialSource{storage.CredentialsMinioEnv},
	})
}

func run() error {
	f, err := parseFlags()
	if err != nil {
		return err
	}
	sy, err := newSynth(f.sweep, f.n)
	if err != nil {
		return err
	}
	if f.sample {
		_, b, err := sy.result(0)
		if err == nil {
			_, err = fmt.Printf("%s\n", b)
		}
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	st, err := openStore(ctx, f)
	if err != nil {
		return err
	}
	fmt.Printf("store %s on %s, %d synthetic results, sweep %s\n", st, os.Getenv("BITSWEEP_TEST_S3_ENDPOINT"), f.n, f.sweep)
	fmt.Printf("go %s, GOMAXPROCS %d, %d CPUs, load average %s\n", runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(), loadAvg())
	server := serverPID(f.serverPID)
	if server > 0 {
		fmt.Printf("MinIO server: pid %d (its CPU time is the column \"server CPU s\")\n", server)
	}
	if err := prepare(ctx, st, sy, f, server); err != nil {
		return err
	}
	if slices.Contains(f.modes, "digest") {
		if err := digests(ctx, st, sy, f.n); err != nil {
			return err
		}
	}
	fmt.Println("The synthetic points hold result.json only: the B.npy, A.npy, params.json and curve.csv it names")
	fmt.Println("are not written, so the store mode lists n objects under points/ where a real store has 5n")
	fmt.Println("(plus checkpoints of running points), and Verify is not measured.")
	fmt.Println()

	if f.cpuprofile != "" {
		pf, err := os.Create(f.cpuprofile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	var ms []measurement
	failed := false
	for _, c := range f.concurrency {
		for _, mode := range f.modes {
			for range f.repeat {
				s0 := procCPU(server)
				m, err := measure(ctx, st, sy, mode, c)
				m.serverCPU = procCPU(server) - s0
				if err != nil {
					return fmt.Errorf("collect (%s, concurrency %d): %w", mode, c, err)
				}
				fmt.Fprintf(os.Stderr, "reportbench: %s c=%d: %.2f s, %d rows, %d problems\n", mode, c, m.seconds, m.rows, m.problems)
				if m.rows != f.n || m.problems != 0 || m.wrongSweep != 0 {
					failed = true
				}
				ms = append(ms, m)
			}
		}
	}

	fmt.Println("| mode | n | concurrency | seconds | results/s | rows | problems | heap peak MiB | alloc MiB | CPU s | server CPU s |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, m := range ms {
		srv := "n/a"
		if server > 0 {
			srv = fmt.Sprintf("%.1f", m.serverCPU)
		}
		fmt.Printf("| %s | %d | %d | %.2f | %.0f | %d | %d | %.0f | %.0f | %.1f | %s |\n",
			m.mode, f.n, m.concurrency, m.seconds, float64(m.rows)/m.seconds, m.rows, m.problems,
			mib(m.heapPeak), mib(m.alloc), m.cpu, srv)
	}
	fmt.Printf("\nload average %s\n", loadAvg())
	fmt.Println("heap peak: largest Go heap in use (MemStats.HeapAlloc) seen during Collect, sampled every 10 ms;")
	fmt.Println("alloc: growth of TotalAlloc; CPU s: user + system time of this process; server CPU s: the same of MinIO.")
	if failed {
		for _, m := range ms {
			if m.rows != f.n || m.problems != 0 || m.wrongSweep != 0 {
				fmt.Printf("FAIL %s c=%d: %d rows (want %d), %d problems, %d rows with the wrong sweep; first problem: %s\n",
					m.mode, m.concurrency, m.rows, f.n, m.problems, m.wrongSweep, m.firstProblem)
			}
		}
		return errors.New("some runs did not find every result")
	}
	return nil
}

// prepare makes sure the store holds exactly the n synthetic results and the
// sweep, writing what is missing if -populate is given.
func prepare(ctx context.Context, st storage.Store, sy *synth, f *flags, server int) error {
	t0, s0 := time.Now(), procCPU(server)
	have := map[string]bool{}
	listed := 0
	err := st.List(ctx, "points/", func(oi storage.ObjectInfo) error {
		listed++
		if id, ok := resultID(oi.Key); ok {
			have[id] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Printf("store check: listed %d objects under points/ in %.1f s", listed, time.Since(t0).Seconds())
	if server > 0 {
		fmt.Printf(" (MinIO CPU %.1f s)", procCPU(server)-s0)
	}
	fmt.Println()
	t0 = time.Now()
	var missing []int
	for i := range f.n {
		if id := sy.point(i).ID; have[id] {
			delete(have, id)
		} else {
			missing = append(missing, i)
		}
	}
	if len(have) > 0 {
		return fmt.Errorf("%s holds %d results that are not among the %d synthetic ones; use another -prefix", st, len(have), f.n)
	}
	files := sy.sweepFiles()
	var stale []string
	for name, b := range files {
		old, err := st.Get(ctx, results.SweepKey(sy.name, name))
		if err != nil && !errors.Is(err, storage.ErrNotExist) {
			return err
		}
		if !bytes.Equal(old, b) {
			stale = append(stale, name)
		}
	}
	fmt.Printf("store check: %d of %d results present, sweep files to write: %q (%.1f s)\n",
		f.n-len(missing), f.n, stale, time.Since(t0).Seconds())
	if len(missing) == 0 && len(stale) == 0 {
		return nil
	}
	if !f.populate {
		return fmt.Errorf("%s does not hold the %d synthetic results yet: run with -populate", st, f.n)
	}

	t0 = time.Now()
	var done atomic.Int64
	stop := progress(func() string { return fmt.Sprintf("populate: %d/%d results written", done.Load(), len(missing)) })
	jobs := make(chan int)
	errs := make(chan error, f.putConc)
	var wg sync.WaitGroup
	pctx, pcancel := context.WithCancel(ctx)
	defer pcancel()
	for range f.putConc {
		wg.Go(func() {
			for i := range jobs {
				id, b, err := sy.result(i)
				if err == nil {
					_, err = st.Put(pctx, results.PointKey(id, results.ResultFile), bytes.NewReader(b), int64(len(b)))
				}
				if err != nil {
					errs <- err
					pcancel()
					return
				}
				done.Add(1)
			}
		})
	}
feed:
	for _, i := range missing {
		select {
		case jobs <- i:
		case <-pctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	stop()
	close(errs)
	if err := <-errs; err != nil {
		return fmt.Errorf("populate: %w", err)
	}
	for _, name := range stale {
		b := files[name]
		if _, err := st.Replace(ctx, results.SweepKey(sy.name, name), bytes.NewReader(b), int64(len(b))); err != nil {
			return fmt.Errorf("populate: %w", err)
		}
	}
	_, sample, _ := sy.result(0)
	secs := time.Since(t0).Seconds()
	fmt.Printf("populate: wrote %d results (%d bytes for point 0) and %d sweep files in %.1f s (%.0f results/s; not part of the timings below)\n",
		len(missing), len(sample), len(stale), secs, float64(len(missing))/secs)
	return nil
}

// resultID returns the point ID of a key points/<id[:2]>/<id>/result.json.
func resultID(key string) (string, bool) {
	parts := strings.Split(key, "/")
	if len(parts) != 4 || parts[0] != "points" || parts[3] != results.ResultFile ||
		results.PointKey(parts[2], results.ResultFile) != key {
		return "", false
	}
	return parts[2], true
}

// progress prints msg() to stderr every 5 s until the returned func is called.
func progress(msg func() string) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fmt.Fprintln(os.Stderr, "reportbench:", msg())
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

type measurement struct {
	mode         string
	concurrency  int
	seconds      float64
	rows         int
	problems     int
	wrongSweep   int    // sweep mode: rows whose Sweep is not the sweep's name
	firstProblem string // for the failure message
	heapPeak     uint64 // bytes
	alloc        uint64 // bytes
	cpu          float64
	serverCPU    float64
}

// heapObjects is the runtime/metrics name of MemStats.HeapAlloc.
const heapObjects = "/memory/classes/heap/objects:bytes"

// measure runs one report.Collect and times it.
func measure(ctx context.Context, st storage.Store, sy *synth, mode string, c int) (measurement, error) {
	o := report.Options{Concurrency: c}
	switch mode {
	case "digest":
		o.Sweeps = []string{sy.name}
	case "sweep":
		o.Sweeps, o.NoDigest = []string{sy.name}, true
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	peak.Store(before.HeapAlloc)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		// runtime/metrics, unlike ReadMemStats, does not stop the world.
		sample := []metrics.Sample{{Name: heapObjects}}
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				metrics.Read(sample)
				if v := sample[0].Value.Uint64(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	})
	cpu0 := cpuSeconds()
	t0 := time.Now()
	r, err := report.Collect(ctx, st, o)
	secs := time.Since(t0).Seconds()
	cpu := cpuSeconds() - cpu0
	close(done)
	wg.Wait()
	if err != nil {
		return measurement{}, err
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	m := measurement{
		mode: mode, concurrency: c, seconds: secs, rows: len(r.Rows), problems: len(r.Problems),
		heapPeak: max(peak.Load(), after.HeapAlloc), alloc: after.TotalAlloc - before.TotalAlloc, cpu: cpu,
	}
	if len(r.Problems) > 0 {
		p := r.Problems[0]
		m.firstProblem = fmt.Sprintf("%s %s: %s", p.PointID, p.Kind, p.Detail)
	}
	if mode != "store" {
		for i := range r.Rows {
			if r.Rows[i].Sweep != sy.name {
				m.wrongSweep++
			}
		}
	}
	return m, nil
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// digestChunk is the number of points per digest, as a sweep's chunks
// (workflows.DefaultChunk is 500, at most 1000).
const digestChunk = 1000

// digests writes the sweep's chunk digests (results.WriteDigest, what each
// chunk workflow does when it finishes) unless they are there; not timed
// as part of the report.
func digests(ctx context.Context, st storage.Store, sy *synth, n int) error {
	have, err := results.ReadDigests(ctx, st, sy.name)
	if err != nil {
		return err
	}
	if len(have) == n {
		fmt.Printf("digests: %d points already in the sweep's digests\n", n)
		return nil
	}
	t0 := time.Now()
	for lo := 0; lo < n; lo += digestChunk {
		var ids []string
		for i := lo; i < min(n, lo+digestChunk); i++ {
			ids = append(ids, sy.point(i).ID)
		}
		if _, err := results.WriteDigest(ctx, st, sy.name, lo, ids, 64); err != nil {
			return err
		}
	}
	fmt.Printf("digests: wrote %d chunk digests in %.1f s (the chunk workflows do this as they finish)\n", (n+digestChunk-1)/digestChunk, time.Since(t0).Seconds())
	return nil
}

// cpuSeconds is the user + system CPU time of this process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// serverPID returns pid if it is not 0, else the MinIO pid recorded in the
// state directory of .ci/minio.sh (BITSWEEP_MINIO_STATE, default
// $BITSWEEP_CACHE/minio, default ~/.cache/bitsweep/minio) if that process is
// a running minio, else 0.
func serverPID(pid int) int {
	if pid != 0 {
		return pid
	}
	state := os.Getenv("BITSWEEP_MINIO_STATE")
	if state == "" {
		cache := os.Getenv("BITSWEEP_CACHE")
		if cache == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return 0
			}
			cache = filepath.Join(home, ".cache", "bitsweep")
		}
		state = filepath.Join(cache, "minio")
	}
	b, err := os.ReadFile(filepath.Join(state, "pid"))
	if err != nil {
		return 0
	}
	pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err != nil || strings.TrimSpace(string(comm)) != "minio" {
		return 0
	}
	return pid
}

// procCPU is the user + system CPU time of process pid in seconds (from
// /proc/<pid>/stat, in USER_HZ = 100 ticks per second), or 0.
func procCPU(pid int) float64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(fields[11], 64) // field 14, utime
	st, _ := strconv.ParseFloat(fields[12], 64) // field 15, stime
	return (ut + st) / 100
}
