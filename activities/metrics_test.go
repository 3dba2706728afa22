package activities

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/bitsweep/bitsweep/spec"
	"github.com/bitsweep/bitsweep/train"
)

// countMetrics records what the activities count.
type countMetrics struct {
	mu          sync.Mutex
	trained     int
	reused      map[string]int
	failed      map[string]int
	seconds     float64 // TrainingTime
	trainedSecs float64 // PointTrained
	checkpoints int
}

func newCountMetrics() *countMetrics {
	return &countMetrics{reused: map[string]int{}, failed: map[string]int{}}
}

func (m *countMetrics) PointTrained(s float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.trained++
	m.trainedSecs += s
}

func (m *countMetrics) PointsReused(stage string, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reused[stage] += n
}

func (m *countMetrics) PointFailed(reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failed[reason]++
}

func (m *countMetrics) TrainingTime(s float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seconds += s
}

func (m *countMetrics) CheckpointWritten() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.checkpoints++
}

func (m *countMetrics) String() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return fmt.Sprintf("trained %d (%.3gs), reused %v, failed %v, training %.3gs, checkpoints %d",
		m.trained, m.trainedSecs, m.reused, m.failed, m.seconds, m.checkpoints)
}

// TestTrainPointMetrics: a trained point counts as trained with its
// checkpoints and training time, a second call as reused, an invalid
// configuration and a failing trainer as failed attempts with their
// reasons.
func TestTrainPointMetrics(t *testing.T) {
	m := newCountMetrics()
	// An interval of 1 ns saves a checkpoint at every progress report
	// before the last step: steps 10, 20 and 30 of 40.
	acts := &Activities{Store: newStore(t), Metrics: m, CheckpointInterval: time.Nanosecond}
	in := TrainPointInput{Sweep: "s", PointID: spec.PointID(smallPoint), Config: smallPoint}
	for range 2 {
		if _, err := actEnv(acts).ExecuteActivity(acts.TrainPoint, in); err != nil {
			t.Fatal(err)
		}
	}
	if m.trained != 1 || m.reused[ReusedTrain] != 1 || m.checkpoints != 3 || len(m.failed) != 0 ||
		!(m.seconds > 0) || m.trainedSecs != m.seconds {
		t.Errorf("after a trained and a reused point: %v; want 1 trained, 1 reused, 3 checkpoints, no failure, training time > 0", m)
	}

	bad := smallPoint
	bad.Arch = "nope"
	if _, err := actEnv(acts).ExecuteActivity(acts.TrainPoint, TrainPointInput{Sweep: "s", PointID: "bad", Config: bad}); err == nil {
		t.Fatal("an invalid configuration trained")
	}
	if m.failed[FailInvalidConfig] != 1 {
		t.Errorf("after an invalid configuration: %v", m)
	}

	failing := &Activities{Store: newStore(t), Metrics: m, Run: func(context.Context, train.Config, *train.Checkpoint, Hooks) (*train.Result, []train.Artifact, error) {
		time.Sleep(time.Millisecond)
		return nil, nil, errors.New("boom")
	}}
	before := m.seconds
	if _, err := actEnv(failing).ExecuteActivity(failing.TrainPoint, in); err == nil {
		t.Fatal("a failing trainer did not fail")
	}
	if m.failed[FailError] != 1 || m.trained != 1 || !(m.seconds > before) {
		t.Errorf("after a failing trainer: %v; want 1 error, its training time added", m)
	}
}

// TestPlanChunkMetrics: the points PlanChunk finds done count as reused at
// the plan stage.
func TestPlanChunkMetrics(t *testing.T) {
	m := newCountMetrics()
	acts := &Activities{Store: newStore(t), Metrics: m}
	yaml := []byte("name: m\nfixed: {source: gaussian, d: 8, steps: 20, until: fixed, batch: 8, eval_samples: 64}\ngrid:\n  rate: [0.5, 1]\n")
	s, err := spec.Parse(yaml, "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := s.At(0)
	if _, err := actEnv(acts).ExecuteActivity(acts.TrainPoint, TrainPointInput{Sweep: "m", PointID: p.ID, Config: p.Config}); err != nil {
		t.Fatal(err)
	}
	v, err := actEnv(acts).ExecuteActivity(acts.PlanChunk, PlanInput{Sweep: "m", Spec: yaml, Lo: 0, Hi: 2})
	if err != nil {
		t.Fatal(err)
	}
	var plan ChunkPlan
	v.Get(&plan)
	if plan.Reused != 1 || len(plan.Train) != 1 || m.reused[ReusedPlanned] != 1 || m.trained != 1 {
		t.Errorf("plan: %d reused, %d to train; metrics %v; want 1 and 1", plan.Reused, len(plan.Train), m)
	}
}

// TestFailReason: the reasons of failed attempts.
func TestFailReason(t *testing.T) {
	live := context.Background()
	done, cancel := context.WithCancel(live)
	cancel()
	for _, c := range []struct {
		ctx  context.Context
		err  error
		want string
	}{
		{live, temporal.NewNonRetryableApplicationError("bad", ErrInvalidConfig, nil), FailInvalidConfig},
		{live, fmt.Errorf("wrapped: %w", temporal.NewApplicationError("stop", ErrWorkerStopping)), FailStopping},
		{done, fmt.Errorf("train point x: %w", context.Canceled), FailCanceled},
		{live, errors.New("write x: disk full"), FailError},
	} {
		if got := failReason(c.ctx, c.err); got != c.want {
			t.Errorf("failReason(%v) = %s, want %s", c.err, got, c.want)
		}
	}
}
