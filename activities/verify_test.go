package activities

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/spec"
	"github.com/bitsweep/bitsweep/storage/file"
)

// TestPlanChunkVerify corrupts a stored artifact on disk: a plain plan
// reuses the point, a verifying plan plans it again with the damage named,
// and training it with Recompute (as the chunk workflow does) repairs it
// with the same result.
func TestPlanChunkVerify(t *testing.T) {
	dir := t.TempDir()
	st, err := file.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	acts := &Activities{Store: st} // the real trainer: B.npy and determinism matter here
	ctx := context.Background()
	yaml := []byte("name: v\nfixed:\n  source: gaussian\n  d: 8\n  steps: 5\n  until: fixed\n  batch: 8\n  eval_samples: 64\ngrid:\n  rate: [0.5, 1]\n")
	s, err := spec.Parse(yaml, "v.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pts := s.Points()
	for _, p := range pts {
		if _, err := actEnv(acts).ExecuteActivity(acts.TrainPoint, TrainPointInput{Sweep: "v", PointID: p.ID, Config: p.Config}); err != nil {
			t.Fatal(err)
		}
	}
	before, err := results.Load(ctx, st, pts[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	// Flip one byte of B.npy of the second point, behind the store's back.
	path := filepath.Join(dir, filepath.FromSlash(before.Artifacts["B.npy"].Key))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-1] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}

	plan := func(verify bool) ChunkPlan {
		v, err := actEnv(acts).ExecuteActivity(acts.PlanChunk, PlanInput{Sweep: "v", Spec: yaml, Lo: 0, Hi: 2, Verify: verify})
		if err != nil {
			t.Fatal(err)
		}
		var p ChunkPlan
		v.Get(&p)
		return p
	}
	if p := plan(false); len(p.Train) != 0 || p.Reused != 2 {
		t.Errorf("plain plan %+v, want both reused", p)
	}
	p := plan(true)
	if len(p.Train) != 1 || p.Reused != 1 || p.Train[0].ID != pts[1].ID || !strings.Contains(p.Train[0].Repair, "B.npy") {
		t.Fatalf("verifying plan %+v, want the damaged point with its damage named", p)
	}

	if _, err := actEnv(acts).ExecuteActivity(acts.TrainPoint, TrainPointInput{Sweep: "v", PointID: pts[1].ID, Config: pts[1].Config, Recompute: true}); err != nil {
		t.Fatal(err)
	}
	after, err := results.Load(ctx, st, pts[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := results.Verify(ctx, st, after); err != nil {
		t.Errorf("after repair: %v", err)
	}
	if after.Artifacts["B.npy"].SHA256 != before.Artifacts["B.npy"].SHA256 || after.Result.Loss != before.Result.Loss {
		t.Errorf("repair changed the result: %v → %v", before.Artifacts["B.npy"], after.Artifacts["B.npy"])
	}
	if p := plan(true); len(p.Train) != 0 || p.Reused != 2 {
		t.Errorf("plan after repair %+v, want both reused", p)
	}
}
