package activities

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/bitsweep/bitsweep/report"
	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/spec"
)

// ReportDir is the folder of a sweep's report in the store:
// sweeps/<name>/report/.
const ReportDir = "report"

// ReportInput is the input of ReportSweep.
type ReportInput struct {
	Sweep string `json:"sweep"`
}

// ReportSummary is the result of ReportSweep: where the report is and what
// it holds.
type ReportSummary struct {
	Prefix   string         `json:"prefix"` // sweeps/<name>/report/
	Points   int            `json:"points"`
	Problems map[string]int `json:"problems,omitempty"`
	Figures  int            `json:"figures"`
	Files    int            `json:"files"`
	Warnings int            `json:"warnings,omitempty"`
}

// ReportSweep aggregates a sweep's results (report.Generate: tables,
// figures, index.html, REPRODUCTION.md) in a temporary folder on the worker
// and writes every file to sweeps/<name>/report/ in the store, replacing
// an earlier report of the same sweep (a resumed or extended sweep reports
// again). Each file is replaced atomically; a retry after a crash
// rewrites them all. It heartbeats while it works.
func (a *Activities) ReportSweep(ctx context.Context, in ReportInput) (ReportSummary, error) {
	var sum ReportSummary
	if err := spec.CheckName(in.Sweep); err != nil {
		return sum, temporal.NewNonRetryableApplicationError(fmt.Sprintf("sweep name %q: %v", in.Sweep, err), ErrInvalidSpec, nil)
	}
	dir, err := os.MkdirTemp("", "bitsweep-report-*")
	if err != nil {
		return sum, fmt.Errorf("report %s: %w", in.Sweep, err)
	}
	defer os.RemoveAll(dir)

	stop := heartbeatEvery(ctx, 10*time.Second)
	defer stop()
	r, files, err := report.Generate(ctx, a.Store, dir, report.GenerateOptions{
		Options:      report.Options{Sweeps: []string{in.Sweep}},
		Reproduction: true,
	})
	if err != nil {
		return sum, fmt.Errorf("report %s: %w", in.Sweep, err)
	}
	names := append(append([]string{}, files.Tables...), files.Figures...)
	names = append(names, files.Index)
	if files.Reproduction != "" {
		names = append(names, files.Reproduction)
	}
	sum.Prefix = results.SweepKey(in.Sweep, ReportDir) + "/"
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return sum, fmt.Errorf("report %s: %w", in.Sweep, err)
		}
		if _, err := a.Store.Replace(ctx, sum.Prefix+name, bytes.NewReader(b), int64(len(b))); err != nil {
			return sum, fmt.Errorf("report %s: write %s: %w", in.Sweep, name, err)
		}
	}
	s := r.Summary()
	sum.Points, sum.Figures, sum.Files, sum.Warnings = s.Points, len(r.Figures), len(names), len(r.Warnings)
	if len(s.Problems) > 0 {
		sum.Problems = s.Problems
	}
	return sum, nil
}

// heartbeatEvery records a heartbeat every d until stop is called, when ctx
// is an activity context (outside one it does nothing).
func heartbeatEvery(ctx context.Context, d time.Duration) (stop func()) {
	if !activity.IsActivity(ctx) {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	return func() { close(done) }
}
