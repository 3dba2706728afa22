package train

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"
)

// TestResumeBitIdentical stops a run midway through a checkpoint, encodes
// and decodes it, resumes, and compares every bit of the final parameters,
// the optimiser state and the loss curve with an uninterrupted run.
func TestResumeBitIdentical(t *testing.T) {
	for _, cfg := range []Config{
		{Source: "bernoulli-gaussian", Sparsity: 0.3, Rate: 0.75, Dim: 32, Arch: "multilayer", Layers: 2, Steps: 60, Batch: 64, Seed: 5},
		{Source: "sparse-rademacher", Sparsity: 0.5, Rate: 1, Dim: 24, Arch: "linear", Steps: 50, Batch: 32, Optimizer: "sgd", Seed: 6, STE: "tanh"},
	} {
		t.Run(cfg.Arch, func(t *testing.T) {
			full, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			want, err := full.Run(context.Background(), RunOptions{})
			if err != nil {
				t.Fatal(err)
			}

			// Interrupted run: cancel at step 23 through the progress hook.
			ck := interrupted(t, cfg, 23)
			if ck.Step != 23 {
				t.Fatalf("checkpoint at step %d, want 23", ck.Step)
			}
			resumed, err := Resume(ck)
			if err != nil {
				t.Fatal(err)
			}
			got, err := resumed.Run(context.Background(), RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !sameBits(full.m.params, resumed.m.params) {
				t.Error("parameters differ after resume")
			}
			m1, v1, t1 := full.opt.state()
			m2, v2, t2 := resumed.opt.state()
			if !sameBits(m1, m2) || !sameBits(v1, v2) || t1 != t2 {
				t.Error("optimiser state differs after resume")
			}
			if math.Float64bits(got.Loss) != math.Float64bits(want.Loss) {
				t.Errorf("loss %v after resume, %v uninterrupted", got.Loss, want.Loss)
			}
			for i := range want.Curve {
				a, b := want.Curve[i], got.Curve[i]
				if a.Step != b.Step || a.Loss != b.Loss || a.TrainLoss != b.TrainLoss {
					t.Errorf("curve point %d: %+v after resume, %+v uninterrupted", i, b, a)
				}
			}
		})
	}
}

// interrupted runs cfg, cancels it after step cut through the progress
// hook, and returns the checkpoint it wrote, encoded and decoded again.
func interrupted(t *testing.T, cfg Config, cut int) *Checkpoint {
	t.Helper()
	part, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var saved []byte
	_, err = part.Run(ctx, RunOptions{
		ProgressEvery: cut,
		Progress:      func(int, float64) { cancel() },
		Checkpoint: func(c *Checkpoint) error {
			var err error
			saved, err = c.MarshalBinary()
			return err
		},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run returned %v, want context.Canceled", err)
	}
	var ck Checkpoint
	if err := ck.UnmarshalBinary(saved); err != nil {
		t.Fatal(err)
	}
	return &ck
}

func sameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// TestCheckpointCorruption flips bytes of an encoded checkpoint: every flip
// must be detected by the checksum, never decoded into a wrong state.
func TestCheckpointCorruption(t *testing.T) {
	tr, err := New(Config{Source: "gaussian", Rate: 0.5, Dim: 8, Steps: 3, Batch: 4})
	if err != nil {
		t.Fatal(err)
	}
	tr.Step()
	p, err := tr.Checkpoint().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var ok Checkpoint
	if err := ok.UnmarshalBinary(p); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ok.Params, tr.m.params) {
		t.Fatal("round trip changed the parameters")
	}
	for _, i := range []int{0, 20, len(p) / 2, len(p) - 40, len(p) - 1} {
		q := append([]byte(nil), p...)
		q[i] ^= 0x10
		var c Checkpoint
		if err := c.UnmarshalBinary(q); !errors.Is(err, ErrCorruptCheckpoint) {
			t.Errorf("flip at byte %d: got %v, want ErrCorruptCheckpoint", i, err)
		}
	}
	var c Checkpoint
	if err := c.UnmarshalBinary(p[:len(p)-5]); !errors.Is(err, ErrCorruptCheckpoint) {
		t.Errorf("truncated checkpoint: got %v", err)
	}
}

// TestDeterministic checks that the same config and seed give the same
// bits, and that another seed does not.
func TestDeterministic(t *testing.T) {
	cfg := Config{Source: "bernoulli-gaussian", Sparsity: 0.2, Rate: 1, Dim: 16, Arch: "denoiser", Steps: 20, Batch: 16, Seed: 3}
	run := func(c Config) *Trainer {
		tr, err := New(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Run(context.Background(), RunOptions{}); err != nil {
			t.Fatal(err)
		}
		return tr
	}
	a, b := run(cfg), run(cfg)
	if !sameBits(a.m.params, b.m.params) {
		t.Error("same seed, different parameters")
	}
	cfg.Seed = 4
	if c := run(cfg); sameBits(a.m.params, c.m.params) {
		t.Error("different seeds, same parameters")
	}
}
