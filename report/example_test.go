package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/bitsweep/bitsweep/report"
	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/storage/file"
	"github.com/bitsweep/bitsweep/theory"
	"github.com/bitsweep/bitsweep/train"
)

func Example() {
	dir, _ := os.MkdirTemp("", "report-example")
	defer os.RemoveAll(dir)
	st, _ := file.New(dir)
	defer st.Close()
	ctx := context.Background()

	// Two finished points of sweep "demo"; a third is listed but has no result.
	expected := 0.3634
	id := func(i int) string { return strings.Repeat(string(rune('a'+i)), 64) } // point IDs are 64 hex digits
	for i, loss := range []float64{0.37, 0.38} {
		cfg := train.Config{Source: "gaussian", Sparsity: 1, Rate: 1, Dim: 64, Arch: "linear", Layers: 1, Seed: uint64(i + 1)}
		rec := results.Record{
			PointID: id(i),
			Result:  train.Result{Config: cfg, N: 64, Loss: loss, Theory: theory.Prediction{Expected: &expected}, Version: train.Version},
		}
		b, _ := json.Marshal(rec)
		st.Put(ctx, results.PointKey(rec.PointID, results.ResultFile), bytes.NewReader(b), int64(len(b)))
	}
	var man []byte
	for i := range 3 {
		man = fmt.Appendf(man, "{\"index\":%d,\"id\":%q}\n", i, id(i))
	}
	st.Put(ctx, results.SweepKey("demo", "manifest.jsonl"), bytes.NewReader(man), int64(len(man)))

	r, err := report.Collect(ctx, st, report.Options{Sweeps: []string{"demo"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, row := range r.Rows {
		fmt.Printf("%s… seed %d: loss %.4f, gap %+.4f\n", row.PointID[:4], row.Seed, row.Loss, *row.Gap)
	}
	for _, p := range r.Problems {
		fmt.Printf("%s…: %s\n", p.PointID[:4], p.Kind)
	}
	g := r.Groups[0]
	fmt.Printf("%d seeds: loss %.4f ± %.4f (theory %.4f)\n", g.Count, g.Loss.Mean, g.Loss.SE, *g.TheoryExpected)
	// Output:
	// aaaa… seed 1: loss 0.3700, gap +0.0066
	// bbbb… seed 2: loss 0.3800, gap +0.0166
	// cccc…: missing
	// 2 seeds: loss 0.3750 ± 0.0050 (theory 0.3634)
}
