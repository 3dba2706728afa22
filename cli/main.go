package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{
	"train":   {"train one point and print its result", runTrain},
	"run":     {"run a sweep (SPEC.yaml) and follow it to the end; local mode without --address", runRun},
	"start":   {"start a sweep on a Temporal cluster and return", runStart},
	"status":  {"show a sweep's progress and failures", runStatus},
	"resume":  {"re-run the missing and failed points of a sweep", runResume},
	"cancel":  {"cancel a sweep (finished points stay)", runCancel},
	"scale":   {"change the points in flight of a running sweep (--window N)", runScale},
	"list":    {"list sweeps", runList},
	"server":  {"run the embedded Temporal server alone (SQLite or PostgreSQL)", runServer},
	"report":  {"aggregate results into tables (CSV, Parquet) and summaries", runReport},
	"version": {"print the trainer version and the BLAS in use", runVersion},
	"probe":   {"GET a URL, succeed on 2xx (a container healthcheck without curl)", runProbe},
}

// Main runs the command line and returns the process exit code. Every error
// is printed as one line on stderr.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "bitsweep: unknown command %q (run bitsweep help)\n", args[0])
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cmd.run(ctx, args[1:], stdout, stderr); err != nil {
		if err == errHelp {
			return 0
		}
		fmt.Fprintf(stderr, "bitsweep %s: %s\n", args[0], oneLine(err.Error()))
		return exitCode(err)
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: bitsweep COMMAND [flags]   (bitsweep COMMAND -h for its flags)")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// exitCode maps errors to exit codes: 2 for usage and validation errors, 1
// otherwise.
func exitCode(err error) int {
	if isUsage(err) {
		return 2
	}
	return 1
}
