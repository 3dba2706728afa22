// Command orchestration measures what bitsweep's orchestration costs per
// point at scale: it builds the starter and worker binaries, starts the
// Temporal server (`starter server`, SQLite in a temporary folder, or
// PostgreSQL with -db postgres and TEMPORAL_DB_*), one or more workers with
// the fake trainer (no training: every second the sweep takes is Temporal,
// the store and bitsweep's own bookkeeping) and runs a sweep of -points
// points through `starter run` on the local process topology. It prints a
// table: wall time, points per second, per-point overhead (wall time ÷
// points: with no training, the whole cost of a point as the sweep sees it),
// the CPU seconds of the server and of the workers (from /proc), and the
// longest workflow history of the sweep (its runs and its chunks).
//
//	go run ./bench/orchestration -points 100000
//	go run ./bench/orchestration -points 10000 -window 64 -concurrency 64
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "orchestration:", err)
		os.Exit(1)
	}
}

type flags struct {
	points, window, concurrency, chunk, workers int
	db, bin, keep                               string
}

func run() error {
	var f flags
	flag.IntVar(&f.points, "points", 100000, "points of the sweep (a multiple of 100: 100 rates × points/100 seeds)")
	flag.IntVar(&f.window, "window", 256, "the sweep's window (points in flight)")
	flag.IntVar(&f.concurrency, "concurrency", 64, "slots per worker (BITSWEEP_CONCURRENCY)")
	flag.IntVar(&f.chunk, "chunk", 1000, "points per chunk workflow")
	flag.IntVar(&f.workers, "workers", 1, "worker processes")
	flag.StringVar(&f.db, "db", "sqlite", "the server's database: sqlite, or postgres (TEMPORAL_DB_* as for starter server)")
	flag.StringVar(&f.bin, "bin", "", "folder with built starter and worker binaries (default: build them)")
	flag.StringVar(&f.keep, "keep", "", "keep the state, the store and the logs in this folder (default: a temporary one, removed)")
	flag.Parse()
	if f.points < 100 || f.points%100 != 0 {
		return fmt.Errorf("-points %d: want a positive multiple of 100", f.points)
	}
	dir := f.keep
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	} else {
		d, err := os.MkdirTemp("", "bitsweep-orchestration")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	if f.bin == "" {
		f.bin = filepath.Join(dir, "bin")
		for _, b := range []string{"starter", "worker"} {
			cmd := exec.Command("go", "build", "-o", filepath.Join(f.bin, b), "./"+b)
			cmd.Dir = moduleRoot()
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("build %s: %w", b, err)
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	srv, err := startProc(ctx, dir, "server", f.bin, "starter", nil, "server", "--state", filepath.Join(dir, "state"), "--port", "0", "--db", f.db, "--ui=false")
	if err != nil {
		return err
	}
	defer srv.stop()
	addr, err := srv.address(3 * time.Minute)
	if err != nil {
		return err
	}
	store := filepath.Join(dir, "store")
	env := []string{"TEMPORAL_ADDRESS=" + addr, "BITSWEEP_STORE=" + store, "BITSWEEP_TRAINER=fake", "BITSWEEP_UI=false"}
	var workers []*proc
	for i := 0; i < f.workers; i++ {
		w, err := startProc(ctx, dir, fmt.Sprintf("worker-%d", i), f.bin, "worker", env, "--concurrency", strconv.Itoa(f.concurrency))
		if err != nil {
			return err
		}
		defer w.stop()
		workers = append(workers, w)
	}
	name := fmt.Sprintf("scale%d", f.points)
	spec := filepath.Join(dir, "spec.yaml")
	body := fmt.Sprintf("name: %s\nseeds: %d\nfixed: {source: gaussian, d: 200, steps: 10, until: fixed}\ngrid:\n  rate: {from: 0.01, to: 1.0, step: 0.01}\n", name, f.points/100)
	if err := os.WriteFile(spec, []byte(body), 0o644); err != nil {
		return err
	}
	srvCPU0 := srv.cpu()
	t0 := time.Now()
	sweep, err := startProc(ctx, dir, "run", f.bin, "starter", env, "run", spec, "--no-report",
		"--window", strconv.Itoa(f.window), "--chunk", strconv.Itoa(f.chunk))
	if err != nil {
		return err
	}
	if err := sweep.wait(); err != nil {
		return fmt.Errorf("starter run: %w\n%s", err, sweep.tail(3000))
	}
	wall := time.Since(t0)
	runCPU := sweep.cmd.ProcessState.UserTime().Seconds() + sweep.cmd.ProcessState.SystemTime().Seconds()
	srvCPU := srv.cpu() - srvCPU0
	var wCPU float64
	for _, w := range workers {
		wCPU += w.cpu()
	}
	var sum map[string]any
	for _, line := range strings.Split(strings.TrimSpace(sweep.output()), "\n") {
		if strings.HasPrefix(line, `{"points"`) {
			_ = json.Unmarshal([]byte(line), &sum)
		}
	}
	if sum == nil || int(sum["computed"].(float64)) != f.points {
		return fmt.Errorf("summary %v, want %d computed:\n%s", sum, f.points, sweep.tail(3000))
	}

	runs, longest, longestID, err := histories(ctx, addr)
	if err != nil {
		return err
	}
	per := wall.Seconds() * 1000 / float64(f.points)
	fmt.Printf("| points | db | window | workers × slots | chunk | wall | points/s | overhead per point | server CPU | worker CPU | starter run CPU | workflow runs | longest history |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Printf("| %d | %s | %d | %d × %d | %d | %v | %.0f | %.2f ms | %.0f s (%.2f ms/point) | %.0f s (%.2f ms/point) | %.1f s | %d | %d events (%s) |\n",
		f.points, f.db, f.window, f.workers, f.concurrency, f.chunk, wall.Round(time.Second), float64(f.points)/wall.Seconds(), per,
		srvCPU, srvCPU*1000/float64(f.points), wCPU, wCPU*1000/float64(f.points), runCPU, runs, longest, longestID)
	if longest >= 10000 {
		return fmt.Errorf("a history of %d events (%s): over the 10,000 target", longest, longestID)
	}
	return nil
}

// histories lists every workflow run on the server and returns their count
// and the longest history.
func histories(ctx context.Context, addr string) (runs int, longest int64, id string, err error) {
	c, err := client.Dial(client.Options{HostPort: addr, Logger: slogDiscard()})
	if err != nil {
		return 0, 0, "", err
	}
	defer c.Close()
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{NextPageToken: token, PageSize: 1000})
		if err != nil {
			return 0, 0, "", fmt.Errorf("list workflows: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			runs++
			if l := e.GetHistoryLength(); l > longest {
				longest, id = l, e.GetExecution().GetWorkflowId()
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return runs, longest, id, nil
		}
	}
}

// proc is a child process with its output in a log file.
type proc struct {
	cmd  *exec.Cmd
	log  string
	done chan error
	once sync.Once
	err  error
}

func startProc(ctx context.Context, dir, name, bin, exe string, env []string, args ...string) (*proc, error) {
	log := filepath.Join(dir, name+".log")
	out, err := os.Create(log)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, filepath.Join(bin, exe), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{cmd: cmd, log: log, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait(); out.Close() }()
	return p, nil
}

func (p *proc) wait() error {
	p.once.Do(func() { p.err = <-p.done })
	return p.err
}

func (p *proc) stop() {
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
		p.done <- nil
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
	}
}

func (p *proc) output() string {
	b, _ := os.ReadFile(p.log)
	return string(b)
}

func (p *proc) tail(n int) string {
	s := p.output()
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// address waits for the server's JSON line with its address.
func (p *proc) address(timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(p.output()))
		for sc.Scan() {
			var m map[string]string
			if json.Unmarshal(sc.Bytes(), &m) == nil && m["address"] != "" {
				return m["address"], nil
			}
		}
		select {
		case err := <-p.done:
			p.done <- err
			return "", fmt.Errorf("server exited (%v):\n%s", err, p.tail(3000))
		case <-time.After(200 * time.Millisecond):
		}
	}
	return "", errors.New("the server did not report its address")
}

// cpu returns the process's user + system CPU seconds so far (Linux /proc;
// fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s, the
// kernel's USER_HZ on every Linux architecture Go supports).
func (p *proc) cpu() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	s := string(b)
	// The command name (field 2) may hold spaces: split after its ')'.
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(fields[11], 64)
	k, _ := strconv.ParseFloat(fields[12], 64)
	return (u + k) / 100
}

// moduleRoot is the folder of go.mod (the bench runs from anywhere inside
// the module).
func moduleRoot() string {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "."
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

func slogDiscard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
