package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/bitsweep/bitsweep/spec"
	"github.com/bitsweep/bitsweep/workflows"
)

// runScale changes the window (points in flight) of a running grid sweep
// with the workflow's ScaleUpdate: the running chunks start more points at
// once (or fewer, as their running points finish) and later chunks start
// with the new window, which survives continue-as-new. Workers that joined
// the cluster take the extra points from the task queue; each still trains
// at most its own BITSWEEP_CONCURRENCY.
func runScale(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f sweepFlags
	fs := newFlags("scale", stderr)
	f.register(fs)
	if err := parseWithArg(fs, args, stderr, "NAME"); err != nil {
		return err
	}
	name := fs.Arg(0)
	if err := spec.CheckName(name); err != nil {
		return usageError{fmt.Errorf("sweep name %q: %w", name, err)}
	}
	if f.conn.Address == "" {
		return usageError{errors.New("scale needs the sweep's Temporal cluster (--address or TEMPORAL_ADDRESS); in local mode the points in flight are run's --concurrency")}
	}
	if f.window < 1 || f.window > workflows.MaxWindow {
		return usageError{fmt.Errorf("--window %d: must be between 1 and %d", f.window, workflows.MaxWindow)}
	}
	sess, err := f.connect(ctx, stderr, false)
	if err != nil {
		return err
	}
	defer sess.close()
	h, err := sess.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   workflows.SweepID(name),
		UpdateName:   workflows.ScaleUpdate,
		Args:         []any{workflows.ScaleInput{Window: f.window}},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	var r workflows.ScaleResult
	if err == nil {
		err = h.Get(ctx, &r)
	}
	if err != nil {
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			return fmt.Errorf("no running sweep named %q", name)
		}
		var ae *temporal.ApplicationError
		if errors.As(err, &ae) {
			// The workflow's validator or handler refused: its message
			// names the value.
			return fmt.Errorf("scale sweep %s: %s", name, ae.Message())
		}
		return fmt.Errorf("scale sweep %s: %w", name, err)
	}
	if f.asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"sweep": name, "previous": r.Previous, "window": r.Window, "chunks_told": r.Chunks})
	}
	fmt.Fprintf(stdout, "sweep %s: window %d → %d (%d running chunks told)\n", name, r.Previous, r.Window, r.Chunks)
	return nil
}
