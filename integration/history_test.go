package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/bitsweep/bitsweep/workflows"
)

func dial(t *testing.T, addr string) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: addr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// Test10kPoints runs a 10,000-point sweep with the fake trainer (no
// training: it measures the orchestration) on one server and one worker,
// then checks that every workflow history, the sweep's runs and all its
// chunks, stays under 10,000 events. It logs the wall time and the
// overhead per point.
func Test10kPoints(t *testing.T) {
	addr := server(t)
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	env := []string{"TEMPORAL_ADDRESS=" + addr, "BITSWEEP_STORE=" + store}
	spec := writeSpec(t, dir, `
name: tenk
fixed: {source: gaussian, d: 200, steps: 10, until: fixed}
grid:
  rate: {from: 0.01, to: 1.0, step: 0.01}
  batch: {from: 1, to: 100, step: 1}
`)
	start(t, append(env, "BITSWEEP_TRAINER=fake"), "worker", "--concurrency", "64")
	t0 := time.Now()
	run := start(t, env, "starter", "run", spec, "--window", "64", "--chunk", "1000", "--no-report")
	if err := run.wait(t, 30*time.Minute); err != nil {
		t.Fatalf("run: %v", err)
	}
	wall := time.Since(t0)
	sum := summary(t, run.output())
	if sum["points"] != 10000 || sum["computed"] != 10000 {
		t.Fatalf("summary %v, want 10000 computed", sum)
	}
	t.Logf("10,000 points (fake trainer, 64 at a time, chunks of 1000): %v, %.1f ms per point", wall.Round(time.Second), wall.Seconds()*1000/10000)

	c := dial(t, addr)
	ctx := context.Background()
	maxLen, n := int64(0), 0
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{NextPageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range resp.GetExecutions() {
			d, err := c.DescribeWorkflowExecution(ctx, e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId())
			if err != nil {
				t.Fatal(err)
			}
			l := d.GetWorkflowExecutionInfo().GetHistoryLength()
			n++
			maxLen = max(maxLen, l)
			if l >= 10000 {
				t.Errorf("%s run %s: %d events", e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId(), l)
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	t.Logf("%d workflow runs, longest history %d events", n, maxLen)
	if n < 11 {
		t.Errorf("only %d workflow runs listed, want the sweep and its 10 chunks", n)
	}
}

// recordHistories writes the histories of a finished sweep and its chunks
// as JSON into workflows/testdata when BITSWEEP_RECORD_HISTORY is set; the
// workflows package replays them (TestReplay).
func recordHistories(t *testing.T, c client.Client, sweep string, chunks int) {
	ids := []string{workflows.SweepID(sweep)}
	for k := 0; k < chunks; k++ {
		ids = append(ids, fmt.Sprintf("%s/chunk-%06d", workflows.SweepID(sweep), k))
	}
	recordIDs(t, c, sweep, ids)
}

// recordLocalHistories records the histories of workflows ids (a sweep's
// first, then its children) from the state folder of a local-mode run,
// served by a `starter server` of its own, when BITSWEEP_RECORD_HISTORY is
// set.
func recordLocalHistories(t *testing.T, state, sweep string, ids []string) {
	if os.Getenv("BITSWEEP_RECORD_HISTORY") == "" {
		return
	}
	recordIDs(t, dial(t, serverAt(t, state)), sweep, ids)
}

// recordIDs writes the history of each workflow as
// workflows/testdata/<sweep>-<what>.json: "sweep" for the first, the last
// element of the workflow ID (chunk-000000, cell-000001) for the others.
func recordIDs(t *testing.T, c client.Client, sweep string, ids []string) {
	if os.Getenv("BITSWEEP_RECORD_HISTORY") == "" {
		return
	}
	for i, id := range ids {
		var h historypb.History
		it := c.GetWorkflowHistory(context.Background(), id, "", false, 0)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			h.Events = append(h.Events, ev)
		}
		b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&h)
		if err != nil {
			t.Fatal(err)
		}
		name := "sweep"
		if i > 0 {
			name = id[strings.LastIndex(id, "/")+1:]
			if strings.HasPrefix(name, "chunk-") {
				name = "chunk" // the name of the histories recorded before searches
			}
		}
		p := filepath.Join("..", "workflows", "testdata", fmt.Sprintf("%s-%s.json", sweep, name))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("recorded %s (%d events)", p, len(h.Events))
	}
}

// readFile reads a file or fails the test.
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
