package workflows

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"
)

// TestReplay replays workflow histories recorded from real runs
// (integration tests with BITSWEEP_RECORD_HISTORY=1): a change to the
// workflow code that would break running sweeps fails here with a
// nondeterminism error.
func TestReplay(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	if len(files) == 0 {
		t.Fatal("no recorded histories in testdata/ (record them: BITSWEEP_RECORD_HISTORY=1 go test ./integration -run WorkerKilled)")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflow(SweepWorkflow)
			r.RegisterWorkflow(ChunkWorkflow)
			r.RegisterWorkflow(SearchCellWorkflow)
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatal(err)
			}
		})
	}
}
