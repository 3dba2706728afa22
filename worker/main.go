// Command worker runs a bitsweep worker: it polls a Temporal task queue for
// sweep workflows and training points and writes results to a store.
//
//	TEMPORAL_ADDRESS=host:7233 BITSWEEP_STORE=s3://bucket/prefix worker
//
// Every flag has an environment variable, named as Temporal's own tools
// name them where one exists. SIGINT/SIGTERM stop it gracefully: running
// points save a checkpoint and are picked up by another worker.
//
// With --metrics-addr (BITSWEEP_METRICS_ADDR; off by default, ":9090" in
// the container deployments) it serves /healthz, /readyz and Prometheus
// /metrics there (package telemetry).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/bitsweep/bitsweep/activities"
	"github.com/bitsweep/bitsweep/cli"
	"github.com/bitsweep/bitsweep/telemetry"
	"github.com/bitsweep/bitsweep/train"
	"github.com/bitsweep/bitsweep/workflows"
)

func main() {
	// logfmt lines with millisecond times (the log package's default has
	// seconds): what log collectors parse and what the tests read.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	var conn cli.Conn
	fs := flag.NewFlagSet("worker", flag.ExitOnError)
	conn.Flags(fs)
	store := fs.String("store", cli.Env("BITSWEEP_STORE", "./bitsweep-results"), "result store: a directory or s3://bucket/prefix (BITSWEEP_STORE)")
	trainer := fs.String("trainer", cli.Env("BITSWEEP_TRAINER", "real"), "real, or fake: no training, for measuring the orchestration overhead (BITSWEEP_TRAINER)")
	conc := fs.Int("concurrency", cli.EnvInt("BITSWEEP_CONCURRENCY", runtime.NumCPU()), "points trained at once (BITSWEEP_CONCURRENCY)")
	metricsAddr := fs.String("metrics-addr", cli.Env("BITSWEEP_METRICS_ADDR", ""), "serve /healthz, /readyz and Prometheus /metrics on this host:port, e.g. 127.0.0.1:9090, or :9090 in a container; empty: off (BITSWEEP_METRICS_ADDR)")
	fs.Parse(os.Args[1:])
	interval := cli.CheckpointInterval()
	if err := cli.EnvError(); err != nil {
		fmt.Fprintf(os.Stderr, "worker: %v\n", err)
		os.Exit(2)
	}
	if *conc < 1 {
		fmt.Fprintf(os.Stderr, "worker: --concurrency %d: must be at least 1\n", *conc)
		os.Exit(2)
	}

	if err := train.BLASError(); err != nil {
		fmt.Fprintf(os.Stderr, "worker: %v\n", err)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runner, ok := activities.Runners[*trainer]
	if !ok {
		fmt.Fprintf(os.Stderr, "worker: trainer %q: want real or fake\n", *trainer)
		os.Exit(2)
	}
	if err := run(ctx, conn, *store, *conc, interval, runner, *metricsAddr); err != nil {
		fmt.Fprintf(os.Stderr, "worker: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, conn cli.Conn, storeURL string, conc int, interval time.Duration, runner activities.Runner, metricsAddr string) error {
	var tel *telemetry.Telemetry
	var dialOpts []cli.DialOption
	if metricsAddr != "" {
		tel = telemetry.New()
		dialOpts = append(dialOpts, cli.WithMetrics(tel.SDK))
	}
	c, err := conn.Dial(slog.Default(), dialOpts...)
	if err != nil {
		return err
	}
	defer c.Close()
	st, err := cli.OpenStore(ctx, storeURL)
	if err != nil {
		return err
	}
	acts := &activities.Activities{Store: st, Run: runner, CheckpointInterval: interval}
	endpoint := "off"
	if tel != nil {
		srv, stop, err := tel.Serve(metricsAddr, c, st, acts)
		if err != nil {
			return err
		}
		defer stop()
		endpoint = "http://" + srv.Addr()
	}
	w := workflows.NewWorker(c, conn.TaskQueue, acts, conc)
	b := train.BLAS()
	slog.Info("worker started", "address", conn.Address, "namespace", conn.Namespace, "task_queue", conn.TaskQueue, "store", st.String(), "concurrency", conc,
		"blas", b.Backend, "blas_threads", b.Threads, "blas_library", b.Library, "blas_fallback", b.Fallback, "metrics", endpoint)
	stopCh := make(chan interface{})
	go func() { <-ctx.Done(); close(stopCh) }()
	return w.Run(stopCh)
}
