package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/bitsweep/bitsweep/report"
	"github.com/bitsweep/bitsweep/spec"
	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/union"
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
	var stores stringList
	fs.Var(&stores, "store", "result store, a directory or s3://bucket/prefix (BITSWEEP_STORE; default ./bitsweep-results); "+
		"repeat it to report on the results of several machines as one (read-only union, the first store wins for a sweep's spec)")
	fs.Var(&sweeps, "sweep", "sweep to report (repeatable; default: every point in the store)")
	var heatmaps stringList
	out := fs.String("out", "./bitsweep-report", "folder for the tables (results.csv, results.parquet, groups.csv, problems.csv, summary.json), the figures (PNG, SVG) and index.html")
	fs.Var(&heatmaps, "heatmap", "point ID whose |B̃| is also drawn (repeatable)")
	noFigures := fs.Bool("no-figures", false, "tables and index.html only")
	repro := fs.Bool("reproduction", false, "also write REPRODUCTION.md: the paper's claims, measured vs predicted")
	verify := fs.Bool("verify", false, "also fetch every artifact and check its checksum (slower)")
	noDigest := fs.Bool("no-digest", false, "read every result.json instead of the sweeps' digests (--verify implies it)")
	concurrency := fs.Int("concurrency", report.DefaultConcurrency, "parallel fetches from the store")
	asJSON := fs.Bool("json", false, "print summary.json to stdout")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	for _, s := range sweeps {
		if err := spec.CheckName(s); err != nil {
			return usageError{fmt.Errorf("--sweep %q: %w", s, err)}
		}
	}
	if *concurrency < 1 {
		return usageError{fmt.Errorf("--concurrency %d: must be at least 1", *concurrency)}
	}
	if len(stores) == 0 {
		stores = stringList{Env("BITSWEEP_STORE", "./bitsweep-results")}
	}
	opened := make([]storage.Store, len(stores))
	for i, url := range stores {
		st, err := OpenStore(ctx, url)
		if err != nil {
			return err
		}
		opened[i] = st
	}
	st := opened[0]
	if len(opened) > 1 {
		u, err := union.New(opened...)
		if err != nil {
			return err
		}
		st = u
		// A sweep's digest lists the results of one store only.
		*noDigest = true
	}
	r, files, err := report.Generate(ctx, st, *out, report.GenerateOptions{
		Options:  report.Options{Sweeps: sweeps, Concurrency: *concurrency, Verify: *verify, NoDigest: *noDigest},
		Heatmaps: heatmaps, NoFigures: *noFigures, Reproduction: *repro,
	})
	if err != nil {
		if r == nil {
			return fmt.Errorf("read %s: %w", st, err)
		}
		return err
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(r.Summary())
	}
	fmt.Fprintf(stdout, "%d points, %d problems, %d figures → %s/%s\n", len(r.Rows), len(r.Problems), len(r.Figures), *out, files.Index)
	return nil
}
