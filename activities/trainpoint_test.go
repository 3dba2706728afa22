package activities

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/spec"
	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/file"
	"github.com/bitsweep/bitsweep/train"
)

func newStore(t *testing.T) storage.Store {
	t.Helper()
	st, err := file.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func actEnv(acts *Activities) *testsuite.TestActivityEnvironment {
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	return env
}

var smallPoint = train.Config{Source: "bernoulli-gaussian", Sparsity: 0.3, Rate: 0.5, Dim: 16, Steps: 40, Batch: 16, Arch: "denoiser", Seed: 2}

// TestTrainPoint trains a point into a store, checks every artifact against
// result.json, and checks that a second call reuses the result.
func TestTrainPoint(t *testing.T) {
	st := newStore(t)
	acts := &Activities{Store: st}
	id := spec.PointID(smallPoint)
	in := TrainPointInput{Sweep: "s", PointID: id, Config: smallPoint}
	v, err := actEnv(acts).ExecuteActivity(acts.TrainPoint, in)
	if err != nil {
		t.Fatal(err)
	}
	var sum PointSummary
	v.Get(&sum)
	if sum.Reused || sum.Steps != 40 || !(sum.Loss > 0) {
		t.Errorf("summary %+v", sum)
	}
	ctx := context.Background()
	rec, err := results.Load(ctx, st, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := results.Verify(ctx, st, rec); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"B.npy", "A.npy", "params.json", "curve.csv"} {
		if _, ok := rec.Artifacts[name]; !ok {
			t.Errorf("result.json lacks %s", name)
		}
	}
	if _, err := st.Stat(ctx, results.PointKey(id, results.CheckpointFile)); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("checkpoint left behind: %v", err)
	}
	v, err = actEnv(acts).ExecuteActivity(acts.TrainPoint, in)
	if err != nil {
		t.Fatal(err)
	}
	v.Get(&sum)
	if !sum.Reused || sum.Loss != rec.Result.Loss {
		t.Errorf("second call: %+v, want the stored result reused", sum)
	}
}

// TestTrainPointResumes stores a checkpoint of the same point at step 25
// and names it in the heartbeat details, as a crashed attempt would: the
// next attempt resumes from it and ends with the same bits as an
// uninterrupted run.
func TestTrainPointResumes(t *testing.T) {
	ref, err := train.New(smallPoint)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ref.Run(context.Background(), train.RunOptions{})

	part, _ := train.New(smallPoint)
	for i := 0; i < 25; i++ {
		part.Step()
	}
	ck, _ := part.Checkpoint().MarshalBinary()
	st := newStore(t)
	id := spec.PointID(smallPoint)
	key := results.PointKey(id, results.CheckpointFile)
	if _, err := st.Replace(context.Background(), key, bytesReader(ck), int64(len(ck))); err != nil {
		t.Fatal(err)
	}
	acts := &Activities{Store: st}
	env := actEnv(acts)
	env.SetHeartbeatDetails(Progress{Step: 25, Checkpoint: key})
	v, err := env.ExecuteActivity(acts.TrainPoint, TrainPointInput{PointID: id, Config: smallPoint})
	if err != nil {
		t.Fatal(err)
	}
	var sum PointSummary
	v.Get(&sum)
	if !sum.Resumed || sum.Loss != want.Loss {
		t.Errorf("resumed run: %+v, uninterrupted loss %v", sum, want.Loss)
	}
}

// TestTrainPointInvalid: a configuration that can never train fails without
// retries (a non-retryable application error of type InvalidConfig).
func TestTrainPointInvalid(t *testing.T) {
	acts := &Activities{Store: newStore(t)}
	bad := smallPoint
	bad.Sparsity = 2
	_, err := actEnv(acts).ExecuteActivity(acts.TrainPoint, TrainPointInput{PointID: "x", Config: bad})
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || ae.Type() != ErrInvalidConfig || !ae.NonRetryable() {
		t.Fatalf("got %v, want a non-retryable %s", err, ErrInvalidConfig)
	}
}

// TestTrainPointOtherTrainer: a point whose ID this trainer would not give
// its config (planned by another train.Version) is not trained here: a
// retryable OtherTrainer error, and nothing is written under the ID.
func TestTrainPointOtherTrainer(t *testing.T) {
	st := newStore(t)
	acts := &Activities{Store: st}
	id := spec.PointID(smallPoint)
	other := smallPoint
	other.Seed++ // a valid config whose ID is not id
	_, err := actEnv(acts).ExecuteActivity(acts.TrainPoint, TrainPointInput{PointID: id, Config: other})
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || ae.Type() != ErrOtherTrainer || ae.NonRetryable() {
		t.Fatalf("got %v, want a retryable %s", err, ErrOtherTrainer)
	}
	var keys []string
	err = st.List(context.Background(), results.PointKey(id, ""), func(o storage.ObjectInfo) error {
		keys = append(keys, o.Key)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 0 {
		t.Errorf("wrote %v for a point it refused", keys)
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// TestTrainPointWorkerStop stops the worker while a point trains: the point
// saves a checkpoint and fails with the retryable WorkerStopping error at
// once; the next attempt resumes from the stored checkpoint.
func TestTrainPointWorkerStop(t *testing.T) {
	st := newStore(t)
	acts := &Activities{Store: st, CheckpointInterval: time.Hour} // only the save on stop
	cfg := smallPoint
	cfg.Steps = 200000 // far longer than the test
	id := spec.PointID(cfg)
	env := actEnv(acts)
	stop := make(chan struct{})
	env.SetWorkerStopChannel(stop)
	go func() { time.Sleep(300 * time.Millisecond); close(stop) }()
	t0 := time.Now()
	_, err := env.ExecuteActivity(acts.TrainPoint, TrainPointInput{Sweep: "s", PointID: id, Config: cfg})
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || ae.Type() != ErrWorkerStopping || ae.NonRetryable() {
		t.Fatalf("error %v, want a retryable %s", err, ErrWorkerStopping)
	}
	if d := time.Since(t0); d > 30*time.Second {
		t.Errorf("stopping took %v", d)
	}
	b, err := st.Get(context.Background(), results.PointKey(id, results.CheckpointFile))
	if err != nil {
		t.Fatalf("no checkpoint after the stop: %v", err)
	}
	var ck train.Checkpoint
	if err := ck.UnmarshalBinary(b); err != nil || ck.Step < 1 {
		t.Fatalf("checkpoint step %d, err %v", ck.Step, err)
	}
	if !strings.Contains(ae.Error(), fmt.Sprintf("step %d", ck.Step)) {
		t.Errorf("error %q does not name the checkpoint's step %d", ae.Error(), ck.Step)
	}
	// The next attempt starts from it (the store's copy: no heartbeat here).
	probe := func(ctx context.Context) (int, error) {
		if c := acts.loadCheckpoint(ctx, id); c != nil {
			return c.Step, nil
		}
		return -1, nil
	}
	env2 := actEnv(acts)
	env2.RegisterActivity(probe)
	v, err := env2.ExecuteActivity(probe)
	if err != nil {
		t.Fatal(err)
	}
	var step int
	v.Get(&step)
	if step != ck.Step {
		t.Errorf("next attempt would start from step %d, want %d", step, ck.Step)
	}
}
