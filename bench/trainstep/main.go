// Command trainstep compares the speed of one training step of package train
// (Trainer.StepOn: forward, loss gradient, backward, Adam update, row
// renormalisation of B) with the same step written in PyTorch
// (bench/torch_step.py), and prints a Markdown table of steps/s and GFLOP/s.
//
// For every thread count K it re-executes itself as a child process with
// GOMAXPROCS=K and OPENBLAS_NUM_THREADS=K (OpenBLAS reads its thread count at
// start-up, so each K needs a fresh process), and runs the torch script with
// --threads K. Both sides start from the same parameters (the Go model's
// initial parameter vector, passed to torch with --init) and train on the
// same fixed minibatch (drawn from the configuration's data source, passed
// with --x), so they compute the same thing.
//
// Usage (from the repository root):
//
//	go run ./bench/trainstep                       # OpenBLAS when installed (loaded at run time)
//	BITSWEEP_BLAS=gonum go run ./bench/trainstep   # pure-Go BLAS
//
// With -check it first trains both for 50 steps from the same start on the
// same batch and prints the two loss curves side by side.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/bitsweep/bitsweep/data"
	"github.com/bitsweep/bitsweep/train"
)

// benchConfigs are the architectures of the speed table: the linear model
// on Gaussian data, the denoiser and the 3-layer decoder on
// Bernoulli–Gaussian data (p = 0.1), rate 1, batch 1024. The dimension comes
// from -dims. Until "fixed" keeps the learning rate constant (2e-3, as the
// torch step), which only matters to -check.
var benchConfigs = map[string]train.Config{
	"linear":     {Source: "gaussian", Sparsity: 1, Rate: 1, Arch: "linear", Batch: 1024, Steps: 1e8, Until: "fixed"},
	"denoiser":   {Source: "bernoulli-gaussian", Sparsity: 0.1, Rate: 1, Arch: "denoiser", Batch: 1024, Steps: 1e8, Until: "fixed"},
	"multilayer": {Source: "bernoulli-gaussian", Sparsity: 0.1, Rate: 1, Arch: "multilayer", Layers: 3, Batch: 1024, Steps: 1e8, Until: "fixed"},
}

// batchSeed is the data seed of the fixed benchmark minibatch (step 0).
const batchSeed = 1

var (
	steps      = flag.Int("steps", 20, "timed steps per measurement")
	warmup     = flag.Int("warmup", 3, "untimed warm-up steps before the timed ones")
	threads    = flag.String("threads", "1,2", "comma-separated thread counts K (GOMAXPROCS, OPENBLAS_NUM_THREADS, torch threads)")
	python     = flag.String("python", "/usr/bin/python3", "Python interpreter with torch")
	script     = flag.String("torch-script", "bench/torch_step.py", "path of the PyTorch step")
	configList = flag.String("configs", "linear,denoiser,multilayer", "comma-separated configurations: linear, denoiser, multilayer")
	dims       = flag.String("dims", "64,128,256,512", "comma-separated dimensions d (n = d)")
	batch      = flag.Int("batch", 0, "override the batch size of every configuration")
	check      = flag.Bool("check", false, "first train Go and torch 50 steps from the same start and print both loss curves")
	checkSteps = flag.Int("check-steps", 50, "steps of the -check comparison")
	idle       = flag.Duration("wait-idle", 0, "before each measurement wait up to this long for the machine to be idle (e.g. 2m; 0: do not wait)")
	torchBLAS  = flag.Int("torch-openblas-threads", 0, "OPENBLAS_NUM_THREADS of the torch runs (0: K, like the Go runs)")

	child      = flag.Bool("child", false, "internal: measure the Go step in this process and print one JSON line")
	childCfg   = flag.String("config", "", "internal: the configuration the -child measures")
	childDim   = flag.Int("d", 0, "internal: the dimension the -child measures")
	childCheck = flag.Int("child-check", 0, "internal: also record the loss of this many steps from the start")
)

// result is one measurement, as printed by a child or by torch_step.py.
type result struct {
	Impl           string  `json:"impl"`
	Arch           string  `json:"arch"`
	Threads        int     `json:"threads"`
	Backend        string  `json:"backend,omitempty"`
	TorchVersion   string  `json:"torch_version,omitempty"`
	StepsPerSecond float64 `json:"steps_per_s"`
	SecondsPerStep float64 `json:"seconds_per_step"` // mean over the timed steps
	// BestSecondsPerStep is the fastest timed step, a steadier estimate of
	// the uncontended speed on a busy machine.
	BestSecondsPerStep float64   `json:"best_seconds_per_step"`
	GFLOPs             float64   `json:"gflops"`
	CheckLosses        []float64 `json:"check_losses,omitempty"`

	// Others is the CPU time that other processes used while this one ran,
	// in CPUs (busy time of the whole machine minus the process's own,
	// divided by its wall time): a measure of how disturbed it was.
	Others float64 `json:"-"`
}

func main() {
	flag.Parse()
	if *child {
		if err := runChild(); err != nil {
			fmt.Fprintln(os.Stderr, "trainstep child:", err)
			os.Exit(1)
		}
		return
	}
	if err := runParent(); err != nil {
		fmt.Fprintln(os.Stderr, "trainstep:", err)
		os.Exit(1)
	}
}

// config returns the named configuration at dimension d with the -batch
// override.
func config(name string, d int) (train.Config, error) {
	cfg, ok := benchConfigs[name]
	if !ok {
		return cfg, fmt.Errorf("-configs: unknown configuration %q (want linear, denoiser or multilayer)", name)
	}
	cfg.Dim = d
	if *batch > 0 {
		cfg.Batch = *batch
	}
	return cfg, nil
}

// setup returns a fresh trainer and the fixed minibatch of cfg. It is a pure
// function of cfg, so the parent (which hands the start to torch) and the
// child (which times it) see the same parameters and data.
func setup(cfg train.Config) (*train.Trainer, []float32, error) {
	tr, err := train.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	src, err := data.New(data.Options{Source: cfg.Source, Dim: cfg.Dim, Sparsity: cfg.Sparsity})
	if err != nil {
		return nil, nil, err
	}
	X := make([]float32, cfg.Batch*cfg.Dim)
	src.Batch(batchSeed, 0, X)
	return tr, X, nil
}

func runChild() error {
	cfg, err := config(*childCfg, *childDim)
	if err != nil {
		return err
	}
	res := result{Impl: "go", Arch: cfg.Arch, Threads: runtime.GOMAXPROCS(0), Backend: train.Backend()}
	if *childCheck > 0 {
		tr, X, err := setup(cfg)
		if err != nil {
			return err
		}
		for i := 0; i < *childCheck; i++ {
			res.CheckLosses = append(res.CheckLosses, tr.StepOn(X))
		}
	}
	tr, X, err := setup(cfg)
	if err != nil {
		return err
	}
	for i := 0; i < *warmup; i++ {
		tr.StepOn(X)
	}
	var total float64
	res.BestSecondsPerStep = math.Inf(1)
	for i := 0; i < max(*steps, 1); i++ {
		start := time.Now()
		tr.StepOn(X)
		s := time.Since(start).Seconds()
		total += s
		res.BestSecondsPerStep = min(res.BestSecondsPerStep, s)
	}
	sec := total / float64(max(*steps, 1))
	res.SecondsPerStep, res.StepsPerSecond = sec, 1/sec
	res.GFLOPs = cfg.StepFLOPs() / sec / 1e9
	return json.NewEncoder(os.Stdout).Encode(res)
}

// writeF32 writes v as raw little-endian float32 (numpy.fromfile "<f4").
func writeF32(path string, v []float32) error {
	buf := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(x))
	}
	return os.WriteFile(path, buf, 0o644)
}

// lastJSON runs cmd and decodes the last line of its stdout that starts
// with '{'. Its stderr is passed through.
func lastJSON(cmd *exec.Cmd) (result, error) {
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	var res result
	busy0, start := busyCPU(), time.Now()
	if err := cmd.Run(); err != nil {
		return res, fmt.Errorf("%s: %w", strings.Join(cmd.Args, " "), err)
	}
	own := (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	others := (busyCPU() - busy0 - own) / time.Since(start).Seconds()
	var line string
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); strings.HasPrefix(t, "{") {
			line = t
		}
	}
	if line == "" {
		return res, fmt.Errorf("%s: no JSON line in its output", strings.Join(cmd.Args, " "))
	}
	err := json.Unmarshal([]byte(line), &res)
	res.Others = max(others, 0)
	return res, err
}

// busyCPU returns the CPU seconds all CPUs have spent busy since boot (the
// first line of /proc/stat, in USER_HZ = 100 ticks per second), or NaN.
func busyCPU() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return math.NaN()
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return math.NaN()
	}
	var busy float64
	for i, v := range f[1:min(len(f), 9)] { // user nice system idle iowait irq softirq steal
		x, _ := strconv.ParseFloat(v, 64)
		if i != 3 && i != 4 {
			busy += x
		}
	}
	return busy / 100
}

// waitIdle waits up to limit until the machine has been idle (< 10% of
// one CPU busy) for two seconds.
func waitIdle(limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		b0 := busyCPU()
		time.Sleep(2 * time.Second)
		if b := (busyCPU() - b0) / 2; !(b >= 0.1) {
			return
		}
	}
	fmt.Fprintf(os.Stderr, "machine still busy after %v; measuring anyway\n", limit)
}

// threadEnv returns the environment of a process limited to k threads.
func threadEnv(k int) []string {
	ks := strconv.Itoa(k)
	return append(os.Environ(), "GOMAXPROCS="+ks, "OPENBLAS_NUM_THREADS="+ks, "OMP_NUM_THREADS="+ks, "MKL_NUM_THREADS="+ks)
}

type files struct{ init, x string }

// timing returns the timed and warm-up steps of a run: none to speak of
// when it only records a loss curve.
func timing(check int) (n, w string) {
	if check > 0 {
		return "1", "0"
	}
	return strconv.Itoa(*steps), strconv.Itoa(*warmup)
}

func runGo(exe string, c cell, k, check int) (result, error) {
	n, w := timing(check)
	args := []string{"-child", "-config", c.name, "-steps", n, "-warmup", w,
		"-d", strconv.Itoa(c.cfg.Dim), "-batch", strconv.Itoa(*batch), "-child-check", strconv.Itoa(check)}
	cmd := exec.Command(exe, args...)
	cmd.Env = threadEnv(k)
	return lastJSON(cmd)
}

func runTorch(cfg train.Config, f files, k, check int) (result, error) {
	n, w := timing(check)
	args := []string{*script, "--arch", cfg.Arch, "--layers", strconv.Itoa(max(cfg.Layers, 1)),
		"--d", strconv.Itoa(cfg.Dim), "--rate", strconv.FormatFloat(cfg.Rate, 'g', -1, 64),
		"--sparsity", strconv.FormatFloat(cfg.Sparsity, 'g', -1, 64), "--batch", strconv.Itoa(cfg.Batch),
		"--threads", strconv.Itoa(k), "--steps", n, "--warmup", w,
		"--init", f.init, "--x", f.x}
	if check > 0 {
		args = append(args, "--check", "--check-steps", strconv.Itoa(check))
	}
	cmd := exec.Command(*python, args...)
	cmd.Env = threadEnv(k)
	if *torchBLAS > 0 {
		cmd.Env = append(cmd.Env, "OPENBLAS_NUM_THREADS="+strconv.Itoa(*torchBLAS))
	}
	return lastJSON(cmd)
}

// findScript resolves a relative -torch-script against the working
// directory and its parents, so that the program also runs from a
// subdirectory of the repository.
func findScript(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		return p
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			return filepath.Join(dir, p)
		}
		up := filepath.Dir(dir)
		if up == dir {
			return p
		}
		dir = up
	}
}

// torchAvailable reports whether the interpreter imports torch, and why not.
func torchAvailable() (string, error) {
	*script = findScript(*script)
	if _, err := os.Stat(*script); err != nil {
		return "", fmt.Errorf("torch script: %w", err)
	}
	out, err := exec.Command(*python, "-c", "import torch; print(torch.__version__)").Output()
	if err != nil {
		return "", fmt.Errorf("%s cannot import torch: %w", *python, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// cell is one configuration at one dimension.
type cell struct {
	name string
	cfg  train.Config
}

func (c cell) label() string {
	if c.cfg.Arch == "multilayer" {
		return fmt.Sprintf("%s (L=%d)", c.name, c.cfg.Layers)
	}
	return c.name
}

func (c cell) key() string { return fmt.Sprintf("%s-d%d", c.name, c.cfg.Dim) }

func positiveInts(flagName, list string) ([]int, error) {
	var out []int
	for _, s := range strings.Split(list, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || k < 1 {
			return nil, fmt.Errorf("-%s %q: want comma-separated positive integers", flagName, list)
		}
		out = append(out, k)
	}
	return out, nil
}

func runParent() error {
	ks, err := positiveInts("threads", *threads)
	if err != nil {
		return err
	}
	ds, err := positiveInts("dims", *dims)
	if err != nil {
		return err
	}
	var cells []cell
	for _, n := range strings.Split(*configList, ",") {
		n = strings.TrimSpace(n)
		for _, d := range ds {
			cfg, err := config(n, d)
			if err != nil {
				return err
			}
			if *batch > 0 {
				cfg.Batch = *batch
			}
			cells = append(cells, cell{n, cfg})
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	torchVersion, torchErr := torchAvailable()
	if torchErr != nil {
		fmt.Fprintln(os.Stderr, "torch columns will be n/a:", torchErr)
	}

	// The start (Go's initial parameters) and the minibatch, for torch.
	dir, err := os.MkdirTemp("", "trainstep-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fs := map[string]files{}
	if torchErr == nil {
		for _, c := range cells {
			tr, X, err := setup(c.cfg)
			if err != nil {
				return fmt.Errorf("%s: %w", c.key(), err)
			}
			f := files{filepath.Join(dir, c.key()+"-init.f32"), filepath.Join(dir, c.key()+"-x.f32")}
			if err := writeF32(f.init, tr.Checkpoint().Params); err != nil {
				return err
			}
			if err := writeF32(f.x, X); err != nil {
				return err
			}
			fs[c.key()] = f
		}
	}

	load0 := loadAvg()
	fmt.Printf("CPU: %s (%d logical CPUs), %s %s/%s\n", cpuModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("Go backend: %s; torch: %s\n", train.Backend(), orNA(torchVersion, torchErr))
	tb := "K"
	if *torchBLAS > 0 {
		tb = strconv.Itoa(*torchBLAS)
	}
	fmt.Printf("%d warm-up + %d timed steps per cell; torch runs with OMP_NUM_THREADS=K, OPENBLAS_NUM_THREADS=%s; load average before: %s\n\n", *warmup, *steps, tb, load0)

	if *check {
		if err := runCheck(exe, cells, fs, ks[0], torchErr); err != nil {
			return err
		}
	}

	type row struct {
		c    cell
		k    int
		g, t result
		tErr error
	}
	var rows []row
	for _, k := range ks {
		for _, c := range cells {
			fmt.Fprintf(os.Stderr, "measuring %s d=%d, %d thread(s)…\n", c.name, c.cfg.Dim, k)
			r := row{c: c, k: k}
			if *idle > 0 {
				waitIdle(*idle)
			}
			r.g, err = runGo(exe, c, k, 0)
			if err != nil {
				return err
			}
			r.tErr = torchErr
			if torchErr == nil {
				if *idle > 0 {
					waitIdle(*idle)
				}
				r.t, r.tErr = runTorch(c.cfg, fs[c.key()], k, 0)
				if r.tErr != nil {
					fmt.Fprintln(os.Stderr, "torch:", r.tErr)
				}
			}
			rows = append(rows, r)
		}
	}

	fmt.Println("Steps/s from the mean step time:")
	fmt.Println()
	fmt.Println("| config | d | threads | Go backend | Go steps/s | Go GFLOP/s | torch steps/s | torch GFLOP/s | Go/torch |")
	fmt.Println("|---|---:|---:|---|---:|---:|---:|---:|---:|")
	worst, worstAt := math.Inf(1), ""
	for _, r := range rows {
		ts, tg, ratio := "n/a", "n/a", "n/a"
		if r.tErr == nil {
			ts, tg = fmt.Sprintf("%.1f", r.t.StepsPerSecond), fmt.Sprintf("%.1f", r.t.GFLOPs)
			q := r.g.StepsPerSecond / r.t.StepsPerSecond
			ratio = fmt.Sprintf("%.2f", q)
			if q < worst {
				worst, worstAt = q, fmt.Sprintf("%s d=%d, %d thread(s)", r.c.label(), r.c.cfg.Dim, r.k)
			}
		}
		fmt.Printf("| %s | %d | %d | %s | %.1f | %.1f | %s | %s | %s |\n",
			r.c.label(), r.c.cfg.Dim, r.g.Threads, r.g.Backend, r.g.StepsPerSecond, r.g.GFLOPs, ts, tg, ratio)
	}
	fmt.Println()
	fmt.Println("Steps/s of the fastest timed step (less sensitive to other load on the machine):")
	fmt.Println()
	fmt.Println("| config | d | threads | Go steps/s | torch steps/s | Go/torch | other load during Go / torch (CPUs) |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		ts, ratio, ol := "n/a", "n/a", "n/a"
		if r.tErr == nil {
			ts = fmt.Sprintf("%.1f", 1/r.t.BestSecondsPerStep)
			ratio = fmt.Sprintf("%.2f", r.t.BestSecondsPerStep/r.g.BestSecondsPerStep)
			ol = fmt.Sprintf("%.2f", r.t.Others)
		}
		fmt.Printf("| %s | %d | %d | %.1f | %s | %s | %.2f / %s |\n", r.c.label(), r.c.cfg.Dim, r.g.Threads, 1/r.g.BestSecondsPerStep, ts, ratio, r.g.Others, ol)
	}
	batchN := cells[0].cfg.Batch
	fmt.Printf("\nn = round(rate·d) = d, batch %d. GFLOP/s counts the matrix products only ((train.Config).StepFLOPs). Load average after: %s\n", batchN, loadAvg())
	if !math.IsInf(worst, 1) {
		fmt.Printf("Smallest Go/torch ratio (mean step time): %.2f, at %s.\n", worst, worstAt)
	}
	return nil
}

func orNA(s string, err error) string {
	if err != nil {
		return "n/a"
	}
	return s
}

// runCheck trains Go and torch from the same start on the same batch and
// prints both loss curves.
func runCheck(exe string, cells []cell, fs map[string]files, k int, torchErr error) error {
	for _, c := range cells {
		fmt.Fprintf(os.Stderr, "checking %s…\n", c.key())
		g, err := runGo(exe, c, k, *checkSteps)
		if err != nil {
			return err
		}
		var t result
		tErr := torchErr
		if tErr == nil {
			t, tErr = runTorch(c.cfg, fs[c.key()], k, *checkSteps)
		}
		if tErr == nil && len(t.CheckLosses) != len(g.CheckLosses) {
			tErr = errors.New("torch returned a loss curve of another length")
		}
		fmt.Printf("Loss check, %s d=%d (same start, same batch, %d threads):\n\n", c.label(), c.cfg.Dim, k)
		fmt.Println("| step | Go loss | torch loss | rel. diff |")
		fmt.Println("|---:|---:|---:|---:|")
		for i, gl := range g.CheckLosses {
			if i > 2 && i != 5 && i%10 != 0 && i != len(g.CheckLosses)-1 {
				continue
			}
			tl, rd := "n/a", "n/a"
			if tErr == nil {
				tl = fmt.Sprintf("%.6f", t.CheckLosses[i])
				rd = fmt.Sprintf("%.1e", (t.CheckLosses[i]-gl)/gl)
			}
			fmt.Printf("| %d | %.6f | %s | %s |\n", i, gl, tl, rd)
		}
		fmt.Println()
	}
	return nil
}
