package activities

import (
	"context"
	"strings"
	"testing"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/spec"
	"github.com/bitsweep/bitsweep/storage"
)

// TestReportSweep prepares a two-point sweep, trains it with the real core,
// and checks that ReportSweep writes the report next to the sweep, and that
// a second report (after the sweep grew) replaces the first.
func TestReportSweep(t *testing.T) {
	st := newStore(t)
	acts := &Activities{Store: st}
	ctx := context.Background()
	yaml := []byte("name: r\nfixed:\n  source: bernoulli-gaussian\n  arch: linear\n  d: 16\n  steps: 30\n  until: fixed\n  batch: 16\n  rate: 0.5\ngrid:\n  sparsity: [0.2, 0.6]\n")
	if _, err := acts.PrepareSweep(ctx, PrepareInput{Sweep: "r", Spec: yaml}); err != nil {
		t.Fatal(err)
	}
	s, err := spec.Parse(yaml, "r.yaml")
	if err != nil {
		t.Fatal(err)
	}
	points := s.Points()
	// Only the first point so far: the report lists the other as missing.
	if _, err := actEnv(acts).ExecuteActivity(acts.TrainPoint, TrainPointInput{Sweep: "r", PointID: points[0].ID, Config: points[0].Config}); err != nil {
		t.Fatal(err)
	}
	v, err := actEnv(acts).ExecuteActivity(acts.ReportSweep, ReportInput{Sweep: "r"})
	if err != nil {
		t.Fatal(err)
	}
	var sum ReportSummary
	v.Get(&sum)
	if sum.Prefix != "sweeps/r/report/" || sum.Points != 1 || sum.Problems["missing"] != 1 {
		t.Errorf("first report %+v", sum)
	}
	for _, name := range []string{"index.html", "results.csv", "results.parquet", "groups.csv", "problems.csv", "summary.json", "REPRODUCTION.md"} {
		if _, err := st.Stat(ctx, sum.Prefix+name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	before, err := st.Get(ctx, sum.Prefix+"results.csv")
	if err != nil {
		t.Fatal(err)
	}

	if _, err := actEnv(acts).ExecuteActivity(acts.TrainPoint, TrainPointInput{Sweep: "r", PointID: points[1].ID, Config: points[1].Config}); err != nil {
		t.Fatal(err)
	}
	// The chunk's digest holds both points.
	v, err = actEnv(acts).ExecuteActivity(acts.DigestChunk, DigestInput{Sweep: "r", Spec: yaml, Lo: 0, Hi: 2})
	if err != nil {
		t.Fatal(err)
	}
	var nd int
	v.Get(&nd)
	if d, err := results.ReadDigests(ctx, st, "r"); err != nil || nd != 2 || len(d) != 2 {
		t.Errorf("digest: %d points written, %d read (%v)", nd, len(d), err)
	}
	v, err = actEnv(acts).ExecuteActivity(acts.ReportSweep, ReportInput{Sweep: "r"})
	if err != nil {
		t.Fatal(err)
	}
	sum = ReportSummary{}
	v.Get(&sum)
	if sum.Points != 2 || len(sum.Problems) != 0 || sum.Figures == 0 {
		t.Errorf("second report %+v, want 2 points with figures", sum)
	}
	after, err := st.Get(ctx, sum.Prefix+"results.csv")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(after), "\n") != strings.Count(string(before), "\n")+1 {
		t.Errorf("results.csv not replaced: %d then %d lines", strings.Count(string(before), "\n"), strings.Count(string(after), "\n"))
	}
	var figs int
	st.List(ctx, sum.Prefix, func(oi storage.ObjectInfo) error {
		if strings.HasSuffix(oi.Key, ".png") {
			figs++
		}
		return nil
	})
	if figs != sum.Figures {
		t.Errorf("%d PNGs in the store, summary says %d figures", figs, sum.Figures)
	}
}
