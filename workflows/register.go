package workflows

import (
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/bitsweep/bitsweep/activities"
)

// NewWorker returns a worker on queue with bitsweep's workflows and the
// activities of acts registered. concurrency bounds the points trained at
// once on this worker (Temporal's default of 1,000 would oversubscribe any
// machine); workflow tasks are cheap and keep the SDK's defaults.
// With OpenBLAS each point's matrix products run on one thread (see
// train.ThreadsEnv), so concurrency points use concurrency cores.
func NewWorker(c client.Client, queue string, acts *activities.Activities, concurrency int) worker.Worker {
	w := worker.New(c, queue, worker.Options{
		MaxConcurrentActivityExecutionSize: max(1, concurrency),
		// Graceful stop: running points get this long to save a checkpoint.
		WorkerStopTimeout: 30 * time.Second,
	})
	w.RegisterWorkflow(SweepWorkflow)
	w.RegisterWorkflow(ChunkWorkflow)
	w.RegisterWorkflow(SearchCellWorkflow)
	w.RegisterActivity(acts)
	return w
}
