package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/bitsweep/bitsweep/report"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(s string) error {
	if s == "" {
		return fmt.Errorf("empty value")
	}
	*l = append(*l, s)
	return nil
}

// runReport aggregates the results in a store into tables and summaries
// (package report). Problems with points are reported, not errors: it
// fails only when the store cannot be read or the report not written.
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", stderr)
	var sweeps stringList
	store := fs.String("store", Env("BITSWEEP_STORE", "./bitsweep-results"), "result store, a directory or s3://bucket/prefix (BITSWEEP_STORE)")
	fs.Var(&sweeps, "sweep", "sweep to report (repeatable; default: every point in the store)")
	out := fs.String("out", "./bitsweep-report", "folder for results.csv, results.parquet, groups.csv, problems.csv, summary.json")
	verify := fs.Bool("verify", false, "also fetch every artifact and check its checksum (slower)")
	concurrency := fs.Int("concurrency", report.DefaultConcurrency, "parallel fetches from the store")
	asJSON := fs.Bool("json", false, "print summary.json to stdout")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if *concurrency < 1 {
		return usageError{fmt.Errorf("--concurrency %d: must be at least 1", *concurrency)}
	}
	st, err := OpenStore(ctx, *store)
	if err != nil {
		return err
	}
	r, err := report.Collect(ctx, st, report.Options{Sweeps: sweeps, Concurrency: *concurrency, Verify: *verify})
	if err != nil {
		return fmt.Errorf("read %s: %w", st, err)
	}
	if err := r.Write(*out); err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(r.Summary())
	}
	fmt.Fprintf(stdout, "%d points, %d problems → %s\n", len(r.Rows), len(r.Problems), *out)
	return nil
}
