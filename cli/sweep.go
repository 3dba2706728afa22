package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/bitsweep/bitsweep/activities"
	"github.com/bitsweep/bitsweep/openblas"
	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/spec"
	"github.com/bitsweep/bitsweep/telemetry"
	"github.com/bitsweep/bitsweep/train"
	"github.com/bitsweep/bitsweep/workflows"
)

// LocalServer starts an embedded Temporal server persisted in dir, bound to
// 127.0.0.1, and returns its address, namespace and a stop function. The
// starter's main package sets it (package localserver), so that this
// package and its tests do not link the server.
// port 0 reuses the port of the previous start in dir when it is free.
var LocalServer func(ctx context.Context, dir string, port int) (addr, namespace string, stop func() error, err error)

// WebUI serves the Temporal Web UI on 127.0.0.1 for the frontend at addr
// (package webui) and returns the URL of the namespace's workflow list and
// a stop function; port 0 picks a free port, a taken port the next free
// one. The starter's main package sets it, like LocalServer.
var WebUI func(ctx context.Context, addr, namespace string, port int) (url string, stop func(), err error)

// DefaultUIPort is the Web UI's port in local mode, the one `temporal
// server start-dev` uses.
const DefaultUIPort = 8233

// sweepFlags are the flags shared by the sweep commands.
type sweepFlags struct {
	conn        Conn
	out         string
	store       string
	state       string
	concurrency int
	window      int
	chunk       int
	recompute   bool
	noReport    bool
	verify      bool
	heartbeat   time.Duration
	checkpoint  time.Duration // BITSWEEP_CHECKPOINT_INTERVAL, for the local worker
	asJSON      bool
	trainer     string
	ui          bool
	uiPort      int
	metricsAddr string // local mode: the in-process worker's telemetry endpoint
}

func (f *sweepFlags) register(fs *flag.FlagSet) {
	f.conn.Flags(fs)
	fs.StringVar(&f.out, "out", Env("BITSWEEP_OUT", "./bitsweep-results"), "local mode: results folder (BITSWEEP_OUT)")
	fs.StringVar(&f.store, "store", os.Getenv("BITSWEEP_STORE"), "result store, a directory or s3://bucket/prefix (BITSWEEP_STORE; default: --out)")
	fs.StringVar(&f.state, "state", "", "local mode: Temporal state folder (default OUT/.temporal)")
	fs.IntVar(&f.concurrency, "concurrency", runtime.NumCPU(), "local mode: points trained at once by the in-process worker")
	fs.IntVar(&f.window, "window", 0, fmt.Sprintf("points in flight in the whole sweep, at most %d (default: --concurrency in local mode; on a cluster %d for a grid, so that workers that join find work, and %d for a search); starter scale changes it on a running sweep", workflows.MaxWindow, workflows.DefaultWindow, workflows.SearchWindow))
	fs.IntVar(&f.chunk, "chunk", 0, fmt.Sprintf("points per chunk workflow (default %d, at most %d)", workflows.DefaultChunk, workflows.MaxChunk))
	fs.BoolVar(&f.recompute, "recompute", false, "recompute points that already have results")
	fs.BoolVar(&f.verify, "verify", false, "check the stored artifacts of finished points against their checksums and recompute damaged points (default true for resume)")
	f.checkpoint = CheckpointInterval()
	fs.DurationVar(&f.heartbeat, "heartbeat-timeout", envDuration("BITSWEEP_HEARTBEAT_TIMEOUT", 30*time.Second), "a point whose worker is silent this long is retried on another worker (BITSWEEP_HEARTBEAT_TIMEOUT; at least 5s)")
	fs.BoolVar(&f.noReport, "no-report", false, "do not write the report (tables, figures, index.html) into sweeps/NAME/report/ at the end")
	fs.BoolVar(&f.asJSON, "json", false, "machine-readable output")
	fs.StringVar(&f.trainer, "trainer", Env("BITSWEEP_TRAINER", "real"), "local mode: real, or fake (no training: measures the orchestration overhead)")
	fs.BoolVar(&f.ui, "ui", envBool("BITSWEEP_UI", true), "local mode (run, resume): serve the Temporal Web UI on 127.0.0.1 while the sweep runs (BITSWEEP_UI)")
	fs.IntVar(&f.uiPort, "ui-port", DefaultUIPort, "local mode: port of the Web UI on 127.0.0.1 (taken: the next free one; 0: any)")
	fs.StringVar(&f.metricsAddr, "metrics-addr", "", "local mode (run, resume): serve the in-process worker's /healthz, /readyz and Prometheus /metrics on this loopback host:port, e.g. 127.0.0.1:9090 (port 0: any); empty: off")
}

// session is a connection to Temporal (and, in local mode, the embedded
// server and an in-process worker).
type session struct {
	c     client.Client
	queue string
	close func()
}

// connect dials Temporal; in local mode it first starts the embedded server
// and an in-process worker writing to the local store.
func (f *sweepFlags) connect(ctx context.Context, stderr io.Writer, withWorker bool) (*session, error) {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var stops []func()
	closeAll := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	conn := f.conn
	local := conn.Address == ""
	var tel *telemetry.Telemetry
	if f.metricsAddr != "" {
		if !local || !withWorker {
			return nil, usageError{fmt.Errorf("--metrics-addr %s: only local mode's run and resume have an in-process worker (a cluster's workers serve their own: worker --metrics-addr)", f.metricsAddr)}
		}
		if err := localAddr(f.metricsAddr); err != nil {
			return nil, usageError{fmt.Errorf("--metrics-addr %s: %w", f.metricsAddr, err)}
		}
		tel = telemetry.New()
	}
	if local {
		if LocalServer == nil {
			return nil, usageError{errors.New("this binary has no embedded Temporal server: give --address or TEMPORAL_ADDRESS")}
		}
		state := f.state
		if state == "" {
			state = filepath.Join(f.out, ".temporal")
		}
		addr, ns, stop, err := LocalServer(ctx, state, 0)
		if err != nil {
			return nil, fmt.Errorf("start the embedded Temporal server: %w", err)
		}
		stops = append(stops, func() { stop() })
		conn.Address, conn.Namespace = addr, ns
		if withWorker && f.ui && WebUI != nil {
			url, stopUI, err := WebUI(ctx, addr, ns, f.uiPort)
			if err != nil {
				// The sweep does not need the UI: say why it is missing.
				fmt.Fprintf(stderr, "no Temporal Web UI: %v\n", err)
			} else {
				stops = append(stops, stopUI)
				fmt.Fprintf(stderr, "Temporal Web UI: %s\n", url)
			}
		}
	}
	var dialOpts []DialOption
	if tel != nil {
		dialOpts = append(dialOpts, WithMetrics(tel.SDK))
	}
	c, err := conn.Dial(logger, dialOpts...)
	if err != nil {
		closeAll()
		return nil, err
	}
	stops = append(stops, c.Close)
	if local && withWorker {
		if err := train.BLASError(); err != nil {
			closeAll()
			return nil, err
		}
		st, err := OpenStore(ctx, f.storeURL())
		if err != nil {
			closeAll()
			return nil, err
		}
		run, ok := activities.Runners[f.trainer]
		if !ok {
			closeAll()
			return nil, usageError{fmt.Errorf("trainer %q: want real or fake", f.trainer)}
		}
		acts := &activities.Activities{Store: st, Run: run, CheckpointInterval: f.checkpoint}
		if tel != nil {
			srv, stop, err := tel.Serve(f.metricsAddr, c, st, acts)
			if err != nil {
				closeAll()
				return nil, fmt.Errorf("--metrics-addr %s: %w", f.metricsAddr, err)
			}
			stops = append(stops, stop)
			fmt.Fprintf(stderr, "metrics: http://%s/metrics (and /healthz, /readyz)\n", srv.Addr())
		}
		w := workflows.NewWorker(c, conn.TaskQueue, acts, f.concurrency)
		if err := w.Start(); err != nil {
			closeAll()
			return nil, fmt.Errorf("start the local worker: %w", err)
		}
		stops = append(stops, w.Stop)
		if b := train.BLAS(); b.Backend == "openblas" {
			fmt.Fprintf(stderr, "training on OpenBLAS (%s), %d points at once × %d threads each\n", b.Library, f.concurrency, b.Threads)
		} else {
			fmt.Fprintf(stderr, "training on gonum's pure-Go BLAS (%s)\n", b.Fallback)
			if os.Getenv(openblas.Env) == "" {
				// Not found rather than switched off: say how to get the
				// faster path (7–9× at d = 512, README.md).
				fmt.Fprintln(stderr, "  OpenBLAS trains up to 9× faster: apt-get install libopenblas0 (dnf install openblas, brew install openblas)")
			}
		}
	}
	return &session{c: c, queue: conn.TaskQueue, close: closeAll}, nil
}

// localAddr checks that addr is host:port with a loopback host: local mode
// listens on this machine only, like its Web UI.
func localAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("want host:port, e.g. 127.0.0.1:9090: %w", err)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("port %q: want 0 to 65535", port)
	}
	if !loopback(addr) {
		return errors.New("local mode listens on a loopback address only (127.0.0.1, ::1 or localhost)")
	}
	return nil
}

func (f *sweepFlags) storeURL() string {
	if f.store != "" {
		return f.store
	}
	return f.out
}

func (f *sweepFlags) windowSize() int {
	if f.window > 0 {
		return f.window
	}
	if f.conn.Address == "" {
		return f.concurrency
	}
	return 0 // the workflow's default: DefaultWindow, SearchWindow for a search
}

// readSpec parses a spec file; every problem is reported, nothing starts.
func readSpec(path string) (*spec.Spec, error) {
	s, err := spec.ParseFile(path)
	if err != nil {
		return nil, usageError{fmt.Errorf("invalid spec (nothing was submitted):\n%w", err)}
	}
	return s, nil
}

func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return launch(ctx, "run", args, stdout, stderr, true)
}

func runStart(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return launch(ctx, "start", args, stdout, stderr, false)
}

// launch implements run (start and follow) and start (detached).
func launch(ctx context.Context, name string, args []string, stdout, stderr io.Writer, follow bool) error {
	var f sweepFlags
	fs := newFlags(name, stderr)
	f.register(fs)
	if err := parseWithArg(fs, args, stderr, "SPEC"); err != nil {
		return err
	}
	s, err := readSpec(fs.Arg(0))
	if err != nil {
		return err
	}
	if !follow && f.conn.Address == "" {
		return usageError{errors.New("start needs a Temporal cluster (--address or TEMPORAL_ADDRESS); in local mode use run")}
	}
	sess, err := f.connect(ctx, stderr, follow)
	if err != nil {
		return err
	}
	defer sess.close()
	abs, _ := filepath.Abs(fs.Arg(0))
	return submit(ctx, sess, &f, s.Name, s.Raw, abs, follow, stdout, stderr)
}

// submit starts the sweep's workflow, or attaches to the running one (one
// execution per sweep name), and follows it if asked.
func submit(ctx context.Context, sess *session, f *sweepFlags, name string, raw []byte, specFile string, follow bool, stdout, stderr io.Writer) error {
	if f.heartbeat < 5*time.Second {
		return usageError{fmt.Errorf("--heartbeat-timeout %v: must be at least 5s (points heartbeat every few steps; a shorter timeout retries live points)", f.heartbeat)}
	}
	if f.window < 0 || f.window > workflows.MaxWindow {
		return usageError{fmt.Errorf("--window %d: must be between 1 and %d (0: the default)", f.window, workflows.MaxWindow)}
	}
	in := workflows.SweepInput{Name: name, Spec: raw, SpecFile: specFile, Window: f.windowSize(), ChunkSize: f.chunk, Recompute: f.recompute, Verify: f.verify, NoReport: f.noReport, HeartbeatTimeout: f.heartbeat}
	opts := client.StartWorkflowOptions{
		ID:        workflows.SweepID(name),
		TaskQueue: sess.queue,
		// What the Web UI and the Temporal CLI show of the sweep.
		StaticSummary:            sweepSummary(name, raw, specFile),
		Memo:                     map[string]any{"bitsweep_sweep": name},
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}
	run, err := sess.c.ExecuteWorkflow(ctx, opts, workflows.SweepWorkflow, in)
	if err != nil {
		return fmt.Errorf("start sweep %s: %w", name, err)
	}
	if !follow {
		if f.asJSON {
			return json.NewEncoder(stdout).Encode(map[string]string{"sweep": name, "workflow_id": run.GetID(), "run_id": run.GetRunID()})
		}
		fmt.Fprintf(stdout, "sweep %s started: workflow %s run %s\n", name, run.GetID(), run.GetRunID())
		return nil
	}
	return followRun(ctx, sess.c, name, run, f.asJSON, stdout, stderr)
}

// sweepSummary is the one-line summary of a sweep's workflow: its name and
// size, e.g. "bitsweep sweep quickstart: 24 points (sparsity × rate × arch ×
// 2 seeds)" or "bitsweep search c6: sparsity, 4 cells × 2 seeds".
func sweepSummary(name string, raw []byte, specFile string) string {
	s, err := spec.Parse(raw, specFile)
	if err != nil {
		return "bitsweep sweep " + name
	}
	var axes []string
	for _, a := range s.Axes {
		axes = append(axes, a.Name)
	}
	if s.Search != nil {
		return fmt.Sprintf("bitsweep search %s: where %s crosses (%s), %d cells × %d seeds", name, s.Search.Variable, s.Search.Criterion, s.Cells(), len(s.Seeds))
	}
	return fmt.Sprintf("bitsweep sweep %s: %d points (%s × %d seeds)", name, s.Total(), strings.Join(axes, " × "), len(s.Seeds))
}

// followRun shows progress until the sweep ends, then prints the summary.
func followRun(ctx context.Context, c client.Client, name string, run client.WorkflowRun, asJSON bool, stdout, stderr io.Writer) error {
	done := make(chan error, 1)
	var final workflows.Progress
	go func() { done <- run.Get(ctx, &final) }()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	bar := newProgressBar(stderr)
	for {
		select {
		case err := <-done:
			var ce *temporal.CanceledError
			if errors.As(err, &ce) && ce.HasDetails() {
				_ = ce.Details(&final)
			}
			bar.finish(final)
			if err != nil && ctx.Err() != nil {
				return fmt.Errorf("stopped following sweep %s (it goes on; run the same command to resume): %w", name, ctx.Err())
			}
			sum := map[string]any{"sweep": name, "points": final.Points, "computed": final.Computed, "reused": final.Reused, "failed": final.Failed, "repaired": final.Repaired, "state": final.State}
			if final.Report != nil {
				sum["report"] = final.Report.Prefix
			}
			if final.ReportError != "" {
				sum["report_error"] = final.ReportError
			}
			if final.Search != nil {
				sum["search"] = final.Search
			}
			if asJSON {
				json.NewEncoder(stdout).Encode(sum)
			} else {
				if final.Search != nil {
					printSearch(stdout, final.Search)
				}
				b, _ := json.Marshal(struct {
					Points   int `json:"points"`
					Computed int `json:"computed"`
					Reused   int `json:"reused"`
					Failed   int `json:"failed"`
					Repaired int `json:"repaired,omitempty"`
				}{final.Points, final.Computed, final.Reused, final.Failed, final.Repaired})
				fmt.Fprintln(stdout, string(b))
				for _, fl := range final.Failures {
					fmt.Fprintf(stderr, "failed: point %d (%s): %s\n", fl.Index, fl.PointID, oneLine(fl.Error))
				}

				if final.Report != nil {
					fmt.Fprintf(stderr, "report: %s (index.html, tables, figures) in the store\n", final.Report.Prefix)
				}
				if final.ReportError != "" {
					fmt.Fprintf(stderr, "report not written (starter report makes it): %s\n", oneLine(final.ReportError))
				}
			}
			if err != nil {
				return fmt.Errorf("sweep %s: %w", name, err)
			}
			if final.Failed > 0 {
				return fmt.Errorf("sweep %s: %d of %d points failed (bitsweep resume %s retries them)", name, final.Failed, final.Points, name)
			}
			return nil
		case <-tick.C:
			if p, err := queryStatus(ctx, c, workflows.SweepID(name), run.GetRunID()); err == nil {
				bar.show(p)
			}
		}
	}
}

// queryStatus asks the sweep and its running chunks for their progress and
// adds the chunks' in-flight counts to the sweep's.
func queryStatus(ctx context.Context, c client.Client, id, runID string) (workflows.Progress, error) {
	var p workflows.Progress
	v, err := c.QueryWorkflow(ctx, id, runID, workflows.ProgressQuery)
	if err != nil {
		return p, err
	}
	if err := v.Get(&p); err != nil {
		return p, err
	}
	for _, child := range p.Children {
		cv, err := c.QueryWorkflow(ctx, child, "", workflows.ProgressQuery)
		if err != nil {
			continue // finished in between; the parent counts it next time
		}
		var r workflows.ChunkResult
		if cv.Get(&r) == nil {
			p.Add(r)
		}
	}
	return p, nil
}

// connectNamed parses the flags and the NAME argument of a command that
// acts on one existing sweep, and connects (without a local worker).
func connectNamed(ctx context.Context, cmd string, args []string, stderr io.Writer) (*sweepFlags, string, *session, error) {
	f := &sweepFlags{}
	fs := newFlags(cmd, stderr)
	f.register(fs)
	if err := parseWithArg(fs, args, stderr, "NAME"); err != nil {
		return nil, "", nil, err
	}
	if err := spec.CheckName(fs.Arg(0)); err != nil {
		return nil, "", nil, usageError{fmt.Errorf("sweep name %q: %w", fs.Arg(0), err)}
	}
	sess, err := f.connect(ctx, stderr, false)
	if err != nil {
		return nil, "", nil, err
	}
	return f, fs.Arg(0), sess, nil
}

func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, name, sess, err := connectNamed(ctx, "status", args, stderr)
	if err != nil {
		return err
	}
	defer sess.close()
	desc, err := sess.c.DescribeWorkflowExecution(ctx, workflows.SweepID(name), "")
	if err != nil {
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			return fmt.Errorf("no sweep named %q", name)
		}
		return fmt.Errorf("describe sweep %s: %w", name, err)
	}
	info := desc.GetWorkflowExecutionInfo()
	status := strings.ToLower(strings.TrimPrefix(info.GetStatus().String(), "WORKFLOW_EXECUTION_STATUS_"))
	var p workflows.Progress
	if info.GetStatus() == enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		p, err = queryStatus(ctx, sess.c, workflows.SweepID(name), "")
		if err != nil {
			return fmt.Errorf("query sweep %s: %w", name, err)
		}
	} else if err := sess.c.GetWorkflow(ctx, workflows.SweepID(name), "").Get(ctx, &p); err != nil {
		var ce *temporal.CanceledError
		if errors.As(err, &ce) && ce.HasDetails() {
			_ = ce.Details(&p)
		}
	}
	if f.asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"sweep": name, "status": status, "progress": p})
	}
	fmt.Fprintf(stdout, "sweep %s: %s (started %s)\n", name, status, info.GetStartTime().AsTime().Format(time.RFC3339))
	fmt.Fprintf(stdout, "  points %d: computed %d, reused %d, failed %d, running %d, pending %d\n",
		p.Points, p.Computed, p.Reused, p.Failed, p.Running, max(0, p.Pending-p.Running))
	if p.Window > 0 && status == "running" {
		fmt.Fprintf(stdout, "  window %d points in flight (starter scale %s --window N changes it)\n", p.Window, name)
	}
	for _, fl := range p.Failures {
		fmt.Fprintf(stdout, "  failed: point %d (%s): %s\n", fl.Index, fl.PointID, oneLine(fl.Error))
	}
	if p.Search != nil {
		fmt.Fprintf(stdout, "  cells %d: %d searched\n", p.Search.Cells, p.Search.CellsDone)
		printSearch(stdout, p.Search)
	}
	// Points being retried, with the error of their last attempt (a full
	// disk, a store that is down, a dead worker): from the running chunks'
	// pending activities.
	for _, child := range p.Children {
		d, err := sess.c.DescribeWorkflowExecution(ctx, child, "")
		if err != nil {
			continue
		}
		for _, pa := range d.GetPendingActivities() {
			if f := pa.GetLastFailure(); f != nil && pa.GetAttempt() > 1 {
				fmt.Fprintf(stdout, "  retrying %s (attempt %d, %s): %s\n", pa.GetActivityType().GetName(), pa.GetAttempt(),
					strings.ToLower(strings.TrimPrefix(pa.GetState().String(), "PENDING_ACTIVITY_STATE_")), oneLine(f.GetMessage()))
			}
		}
	}
	if p.Report != nil {
		fmt.Fprintf(stdout, "  report: %s (%d points, %d figures)\n", p.Report.Prefix, p.Report.Points, p.Report.Figures)
	}
	if p.ReportError != "" {
		fmt.Fprintf(stdout, "  report not written: %s\n", oneLine(p.ReportError))
	}
	return nil
}

func runResume(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f sweepFlags
	fs := newFlags("resume", stderr)
	f.register(fs)
	fs.Set("verify", "true") // resume checks what is stored; --verify=false skips it
	detach := fs.Bool("detach", false, "start and return (cluster mode)")
	if err := parseWithArg(fs, args, stderr, "NAME"); err != nil {
		return err
	}
	name := fs.Arg(0)
	if err := spec.CheckName(name); err != nil {
		return usageError{fmt.Errorf("sweep name %q: %w", name, err)}
	}
	st, err := OpenStore(ctx, f.storeURL())
	if err != nil {
		return err
	}
	raw, err := st.Get(ctx, results.SweepKey(name, "spec.yaml"))
	if err != nil {
		return fmt.Errorf("read the spec of sweep %s from %s: %w", name, st, err)
	}
	var meta activities.SweepMeta
	if b, err := st.Get(ctx, results.SweepKey(name, "sweep.json")); err == nil {
		_ = json.Unmarshal(b, &meta)
	}
	queueSet := false
	fs.Visit(func(fl *flag.Flag) { queueSet = queueSet || fl.Name == "task-queue" })
	if meta.TaskQueue != "" && !queueSet && os.Getenv("BITSWEEP_TASK_QUEUE") == "" {
		f.conn.TaskQueue = meta.TaskQueue // where the sweep's workers are
	}
	sess, err := f.connect(ctx, stderr, !*detach)
	if err != nil {
		return err
	}
	defer sess.close()
	return submit(ctx, sess, &f, name, raw, meta.SpecFile, !*detach, stdout, stderr)
}

func runCancel(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	_, name, sess, err := connectNamed(ctx, "cancel", args, stderr)
	if err != nil {
		return err
	}
	defer sess.close()
	if err := sess.c.CancelWorkflow(ctx, workflows.SweepID(name), ""); err != nil {
		return fmt.Errorf("cancel sweep %s: %w", name, err)
	}
	fmt.Fprintf(stdout, "sweep %s: cancellation requested; finished points stay in the store\n", name)
	return nil
}

func runList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f sweepFlags
	fs := newFlags("list", stderr)
	f.register(fs)
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	sess, err := f.connect(ctx, stderr, false)
	if err != nil {
		return err
	}
	defer sess.close()
	var rows []map[string]string
	var token []byte
	for {
		resp, err := sess.c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: "WorkflowType = 'SweepWorkflow'", NextPageToken: token,
		})
		if err != nil {
			return fmt.Errorf("list sweeps: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			rows = append(rows, map[string]string{
				"sweep":   strings.TrimPrefix(e.GetExecution().GetWorkflowId(), workflows.SweepID("")),
				"status":  strings.ToLower(strings.TrimPrefix(e.GetStatus().String(), "WORKFLOW_EXECUTION_STATUS_")),
				"started": e.GetStartTime().AsTime().Format(time.RFC3339),
				"run_id":  e.GetExecution().GetRunId(),
			})
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	if f.asJSON {
		return json.NewEncoder(stdout).Encode(rows)
	}
	for _, r := range rows {
		fmt.Fprintf(stdout, "%-32s %-12s %s\n", r["sweep"], r["status"], r["started"])
	}
	return nil
}

// parseWithArg parses flags followed (or preceded) by exactly one argument.
func parseWithArg(fs *flag.FlagSet, args []string, stderr io.Writer, what string) error {
	// Allow the argument before the flags too: "run spec.yaml --out x".
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		args = append(args[1:], args[0])
	}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stderr)
		fmt.Fprintf(stderr, "usage of bitsweep %s %s:\n", fs.Name(), what)
		fs.PrintDefaults()
		return errHelp
	}
	if err != nil {
		return usageError{err}
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Errorf("want one %s argument, got %d", what, fs.NArg())}
	}
	if err := EnvError(); err != nil {
		return usageError{err}
	}
	return nil
}
