package activities

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/bitsweep/bitsweep/results"
)

// TestPrepareSweepMeta: sweep.json records the spec file and the task queue
// the sweep runs on (resume submits there again); a name other than the
// spec's is refused.
func TestPrepareSweepMeta(t *testing.T) {
	st := newStore(t)
	acts := &Activities{Store: st}
	yaml := []byte("name: m\nfixed:\n  source: gaussian\n  d: 8\ngrid:\n  rate: [0.5, 1]\n")
	v, err := actEnv(acts).ExecuteActivity(acts.PrepareSweep, PrepareInput{Sweep: "m", Spec: yaml, SpecFile: "/specs/m.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	var plan SweepPlan
	v.Get(&plan)
	if plan.Points != 2 {
		t.Errorf("plan %+v", plan)
	}
	b, err := st.Get(context.Background(), results.SweepKey("m", "sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	var meta SweepMeta
	json.Unmarshal(b, &meta)
	if meta.Name != "m" || meta.SpecFile != "/specs/m.yaml" || meta.TaskQueue == "" {
		t.Errorf("sweep.json %s", b)
	}
	if _, err := actEnv(acts).ExecuteActivity(acts.PrepareSweep, PrepareInput{Sweep: "other", Spec: yaml}); err == nil {
		t.Error("a sweep named other than its spec was prepared")
	}
}
