package workflows

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

// scale sends a ScaleUpdate to the sweep under test and returns what came
// back: the result, or the rejection or error.
func scale(env *testsuite.TestWorkflowEnvironment, f *fakeSweep, window int, got *ScaleResult, gotErr *error) {
	f.mu.Lock()
	f.scaled = true
	f.mu.Unlock()
	env.UpdateWorkflow(ScaleUpdate, "scale", &testsuite.TestUpdateCallback{
		OnReject: func(err error) { *gotErr = err },
		OnAccept: func() {},
		OnComplete: func(v interface{}, err error) {
			if err != nil {
				*gotErr = err
				return
			}
			if r, ok := v.(ScaleResult); ok {
				*got = r
			}
		},
	}, ScaleInput{Window: window})
}

// TestSweepScaleUp raises the window of a running sweep of two chunks in
// flight: before the update at most 2 points run at once, after it the
// running chunks (told by WindowSignal) and the later ones (their input)
// run up to 8.
func TestSweepScaleUp(t *testing.T) {
	// 300 points of 10 ms in chunks of 50, two chunks at a time: about 1.5 s
	// of training at window 2; the update comes after 150 ms of it, while
	// both first chunks run.
	f := &fakeSweep{total: 300, sleep: 10 * time.Millisecond}
	env := f.env(t)
	var res ScaleResult
	var err error
	env.RegisterDelayedCallback(func() { scale(env, f, 8, &res, &err) }, 150*time.Millisecond)
	env.ExecuteWorkflow(SweepWorkflow, SweepInput{Name: "t", Window: 2, ChunkSize: 50})
	var p Progress
	if err := env.GetWorkflowResult(&p); err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatalf("scale: %v", err)
	}
	if res.Previous != 2 || res.Window != 8 || res.Chunks != 2 {
		t.Errorf("scale result %+v, want 2 → 8 with 2 chunks told", res)
	}
	if p.Computed != 300 || p.Window != 8 {
		t.Errorf("progress %+v, want 300 computed at window 8", p)
	}
	for i := 0; i < f.total; i++ {
		if n := f.trained[f.id(i)]; n != 1 {
			t.Errorf("point %d trained %d times, want once", i, n)
		}
	}
	// Each of two chunks gets ⌈window/2⌉: 1 + 1 before, 4 + 4 after. Eight
	// at once needs both chunks' shares in use at the same time; 6 leaves
	// room for a moment when one chunk is between points.
	if f.maxBefore > 2 || f.maxBefore == 0 {
		t.Errorf("before the update at most %d points ran at once, want 1..2", f.maxBefore)
	}
	if f.maxAfter < 6 || f.maxAfter > 8 {
		t.Errorf("after the update at most %d points ran at once, want 6..8", f.maxAfter)
	}
}

// TestChunkScaleDown lowers the window: once the points running at the
// update have finished, no more than the new window run at once.
func TestChunkScaleDown(t *testing.T) {
	f := &fakeSweep{total: 200, sleep: 10 * time.Millisecond}
	env := f.env(t)
	env.RegisterDelayedCallback(func() {
		f.mu.Lock()
		f.scaled = true
		f.mu.Unlock()
		env.SignalWorkflow(WindowSignal, 1)
	}, 100*time.Millisecond)
	env.ExecuteWorkflow(ChunkWorkflow, ChunkInput{Sweep: "t", Lo: 0, Hi: 200, Window: 6})
	var r ChunkResult
	if err := env.GetWorkflowResult(&r); err != nil {
		t.Fatal(err)
	}
	if r.Computed != 200 || r.Window != 1 {
		t.Errorf("chunk result %+v, want 200 computed at window 1", r)
	}
	if f.maxBefore != 6 {
		t.Errorf("before the signal at most %d points ran at once, want 6", f.maxBefore)
	}
	// The flag is set just before the signal is sent: up to 6 starts the
	// workflow decided before it saw the signal can still come (each sees
	// the survivors of window 6). Every later start happens only when no
	// point runs (window 1), so it sees itself alone.
	if len(f.after) <= 6 {
		t.Fatalf("%d starts after the signal, want most of the 200", len(f.after))
	}
	for i, n := range f.after[6:] {
		if n != 1 {
			t.Fatalf("start %d after the signal saw %d points running, want 1 (window 1); all: %v", 6+i, n, f.after)
		}
	}
}

// TestSweepScaleRejected: a window outside 1..MaxWindow and a search sweep
// are refused by the validator, with the value in the message; the sweep
// goes on unchanged.
func TestSweepScaleRejected(t *testing.T) {
	for _, w := range []int{0, -3, MaxWindow + 1} {
		f := &fakeSweep{total: 40, sleep: 10 * time.Millisecond}
		env := f.env(t)
		var res ScaleResult
		var err error
		env.RegisterDelayedCallback(func() { scale(env, f, w, &res, &err) }, 50*time.Millisecond)
		env.ExecuteWorkflow(SweepWorkflow, SweepInput{Name: "t", Window: 2, ChunkSize: 40})
		var p Progress
		if err := env.GetWorkflowResult(&p); err != nil {
			t.Fatal(err)
		}
		if err == nil || !strings.Contains(err.Error(), "window") || !strings.Contains(err.Error(), "between 1 and 2000") {
			t.Errorf("window %d: got %v, want a rejection naming the window and its range", w, err)
		}
		if p.Window != 2 || p.Computed != 40 || f.maxRuns > 2 {
			t.Errorf("window %d: progress %+v, %d at once, want the sweep unchanged at window 2", w, p, f.maxRuns)
		}
	}
}

// TestSweepScaleCarried: the scaled window survives continue-as-new.
func TestSweepScaleCarried(t *testing.T) {
	defer func(n int) { childrenPerRun = n }(childrenPerRun)
	childrenPerRun = 2
	f := &fakeSweep{total: 100, sleep: 10 * time.Millisecond}
	env := f.env(t)
	var res ScaleResult
	var err error
	env.RegisterDelayedCallback(func() { scale(env, f, 12, &res, &err) }, 50*time.Millisecond)
	env.ExecuteWorkflow(SweepWorkflow, SweepInput{Name: "t", Window: 2, ChunkSize: 20})
	var can *workflow.ContinueAsNewError
	if werr := env.GetWorkflowError(); !errors.As(werr, &can) {
		t.Fatalf("got %v, want continue-as-new", werr)
	}
	if err != nil {
		t.Fatalf("scale: %v", err)
	}
	var next SweepInput
	if err := decodeInput(can, &next); err != nil {
		t.Fatal(err)
	}
	if next.Window != 12 || next.Progress == nil || next.Progress.Window != 12 {
		t.Errorf("continued with window %d (progress %+v), want 12", next.Window, next.Progress)
	}
}
