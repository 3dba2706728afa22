package activities

import (
	"errors"

	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/bitsweep/bitsweep/storage"
	"go.temporal.io/sdk/activity"

	"go.temporal.io/sdk/temporal"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/search"
	"github.com/bitsweep/bitsweep/spec"
	"github.com/bitsweep/bitsweep/train"
)

// ErrInvalidSpec is the application error type of specs that fail to parse;
// Temporal does not retry it.
const ErrInvalidSpec = "InvalidSpec"

// PrepareInput is the input of PrepareSweep.
type PrepareInput struct {
	Sweep    string `json:"sweep"`
	Spec     []byte `json:"spec"`                // the YAML as submitted
	SpecFile string `json:"spec_file,omitempty"` // its absolute path: relative image paths resolve against it
}

// SweepMeta is sweeps/<name>/sweep.json: what resume needs besides the spec.
type SweepMeta struct {
	Name      string `json:"name"`
	SpecFile  string `json:"spec_file,omitempty"`  // where the spec was read from (resolves relative image paths)
	TaskQueue string `json:"task_queue,omitempty"` // the queue its workers poll; resume submits there again
}

// SweepPlan describes a sweep's size.
type SweepPlan struct {
	Total  int `json:"total"`  // grid combinations × seeds, before exclusions (0 for a search)
	Points int `json:"points"` // after exclusions (0 for a search: its points are chosen as it goes)
	// A search sweep (the spec has a search: block) has Search set and
	// Cells cells (grid combinations, exclusions included), each searched
	// with Seeds seeds per probe.
	Search *search.Settings `json:"search,omitempty"`
	Cells  int              `json:"cells,omitempty"`
	Seeds  int              `json:"seeds,omitempty"`
}

// manifestPoint is one line of a sweep's manifest.
type manifestPoint struct {
	Index int    `json:"index"`
	ID    string `json:"id"`
}

// PrepareSweep parses the spec, stores it and the sweep's manifest (the
// index and ID of every point) under sweeps/<name>/, and returns its size.
func (a *Activities) PrepareSweep(ctx context.Context, in PrepareInput) (SweepPlan, error) {
	s, err := parseSpec(in.Spec, in.SpecFile)
	if err != nil {
		return SweepPlan{}, err
	}
	if in.Sweep != s.Name {
		// The name becomes keys and workflow IDs: only a checked spec's.
		return SweepPlan{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("sweep %q: the spec is named %q", in.Sweep, s.Name), ErrInvalidSpec, nil)
	}
	var man bytes.Buffer
	enc := json.NewEncoder(&man)
	points := 0
	// A search's points are chosen as it goes: they are listed in its cell
	// records (results.SearchCellKey), and its manifest stays empty.
	for i := 0; s.Search == nil && i < s.Total(); i++ { // At, not Points: one point in memory at a time
		if p, excluded := s.At(i); !excluded {
			enc.Encode(manifestPoint{p.Index, p.ID})
			points++
		}
	}
	meta, _ := json.Marshal(SweepMeta{Name: in.Sweep, SpecFile: in.SpecFile, TaskQueue: taskQueue(ctx)})
	for name, b := range map[string][]byte{"spec.yaml": in.Spec, "manifest.jsonl": man.Bytes(), "sweep.json": meta} {
		if _, err := a.Store.Replace(ctx, results.SweepKey(in.Sweep, name), bytes.NewReader(b), int64(len(b))); err != nil {
			return SweepPlan{}, fmt.Errorf("store %s of sweep %s: %w", name, in.Sweep, err)
		}
	}
	if s.Search != nil {
		return SweepPlan{Search: s.Search, Cells: s.Cells(), Seeds: len(s.Seeds)}, nil
	}
	return SweepPlan{Total: s.Total(), Points: points}, nil
}

// PlanInput is the input of PlanChunk: the points with index in [Lo, Hi).
type PlanInput struct {
	Sweep     string `json:"sweep"`
	Spec      []byte `json:"spec"`
	SpecFile  string `json:"spec_file,omitempty"`
	Lo        int    `json:"lo"`
	Hi        int    `json:"hi"`
	Recompute bool   `json:"recompute,omitempty"`
	// Verify checks the artifacts of every finished point against the
	// checksums in its result.json; a damaged point is planned again with
	// Repair set.
	Verify bool `json:"verify,omitempty"`
}

// PlannedPoint is a point that needs training.
type PlannedPoint struct {
	Index  int          `json:"index"`
	ID     string       `json:"id"`
	Config train.Config `json:"config"`
	// Repair says why a point with a result is planned again (Verify found
	// it damaged); TrainPoint must then replace the old result.
	Repair string `json:"repair,omitempty"`
}

// ChunkPlan is the result of PlanChunk.
type ChunkPlan struct {
	Train    []PlannedPoint `json:"train"`    // in index order
	Reused   int            `json:"reused"`   // points whose result exists
	Excluded int            `json:"excluded"` // indices removed by the spec's exclusions
}

// PlanChunk lists the points of one chunk that have no result yet (all of
// them with Recompute). Keep chunks small enough that the plan stays a
// small payload: a planned point is about 400 bytes of JSON.
func (a *Activities) PlanChunk(ctx context.Context, in PlanInput) (ChunkPlan, error) {
	s, err := parseSpec(in.Spec, in.SpecFile)
	if err != nil {
		return ChunkPlan{}, err
	}
	if in.Lo < 0 || in.Hi > s.Total() || in.Lo > in.Hi {
		return ChunkPlan{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("chunk [%d, %d) outside the sweep's %d points", in.Lo, in.Hi, s.Total()), ErrInvalidSpec, nil)
	}
	var plan ChunkPlan
	for i := in.Lo; i < in.Hi; i++ {
		p, excluded := s.At(i)
		if excluded {
			plan.Excluded++
			continue
		}
		pp := PlannedPoint{Index: p.Index, ID: p.ID, Config: p.Config}
		if !in.Recompute {
			done, err := results.Exists(ctx, a.Store, p.ID)
			if err != nil {
				return ChunkPlan{}, err
			}
			if done && in.Verify {
				pp.Repair, err = damage(ctx, a.Store, p.ID)
				if err != nil {
					return ChunkPlan{}, err
				}
			}
			if done && pp.Repair == "" {
				plan.Reused++
				continue
			}
			if pp.Repair != "" {
				activity.GetLogger(ctx).Warn("damaged result; recomputing", "point", p.ID, "damage", pp.Repair)
			}
		}
		plan.Train = append(plan.Train, pp)
	}
	a.metrics().PointsReused(ReusedPlanned, plan.Reused)
	return plan, nil
}

// taskQueue is the task queue of the running activity (the sweep's), or ""
// outside one.
func taskQueue(ctx context.Context) string {
	if !activity.IsActivity(ctx) {
		return ""
	}
	return activity.GetInfo(ctx).TaskQueue
}

// damage checks a finished point's result.json and artifacts; it returns
// what is wrong ("" if nothing), or an error when the store cannot be read.
func damage(ctx context.Context, st storage.Store, id string) (string, error) {
	rec, err := results.Load(ctx, st, id)
	if err == nil {
		err = results.Verify(ctx, st, rec)
	}
	switch {
	case err == nil:
		return "", nil
	case errors.Is(err, storage.ErrChecksum), errors.Is(err, storage.ErrNotExist), errors.Is(err, results.ErrDecode):
		return err.Error(), nil
	}
	return "", fmt.Errorf("verify point %s: %w", id, err)
}

// parseSpec parses a submitted spec; file (if set) is where it was read
// from, so that relative image paths resolve as they did for the user.
func parseSpec(raw []byte, file string) (*spec.Spec, error) {
	if file == "" {
		file = "spec.yaml"
	}
	s, err := spec.Parse(raw, file)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), ErrInvalidSpec, err)
	}
	return s, nil
}
