package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/search"
	"github.com/bitsweep/bitsweep/train"
)

// ProbesInput is the input of PlanProbes: the values of one round of the
// search of one cell.
type ProbesInput struct {
	Sweep    string    `json:"sweep"`
	Spec     []byte    `json:"spec"`
	SpecFile string    `json:"spec_file,omitempty"`
	Cell     int       `json:"cell"`
	Values   []float64 `json:"values"`
}

// ProbePoint is one point of a round: a value of the search variable and a
// seed.
type ProbePoint struct {
	Value  float64      `json:"value"`
	Seed   uint64       `json:"seed"`
	ID     string       `json:"id"`
	Config train.Config `json:"config"`
}

// ProbesPlan is the result of PlanProbes.
type ProbesPlan struct {
	// Excluded: an exclusion of the spec drops the whole cell.
	Excluded bool `json:"excluded,omitempty"`
	// Params are the cell's grid values and the parameters its theory
	// depends on (source, arch, d, and rate or sparsity).
	Params map[string]any `json:"params"`
	// Theory are the predicted crossings (search.TheoryCrossings).
	Theory map[string]float64 `json:"theory,omitempty"`
	// Points: every value × every seed, values in the order given.
	Points []ProbePoint `json:"points"`
	// Search and Seeds are the spec's search settings and seeds per probe.
	Search search.Settings `json:"search"`
	Seeds  int             `json:"seeds"`
}

// PlanProbes resolves one round of a search: the point (config and ID,
// exactly as a grid sweep would make it: same IDs, same cache) of every
// value and seed of cell in.Cell. Existing results are not looked up here:
// TrainPoint returns them as reused.
func (a *Activities) PlanProbes(ctx context.Context, in ProbesInput) (ProbesPlan, error) {
	s, err := parseSpec(in.Spec, in.SpecFile)
	if err != nil {
		return ProbesPlan{}, err
	}
	if s.Search == nil {
		return ProbesPlan{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("sweep %s has no search: block", in.Sweep), ErrInvalidSpec, nil)
	}
	if in.Cell < 0 || in.Cell >= s.Cells() {
		return ProbesPlan{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("cell %d outside the sweep's %d cells", in.Cell, s.Cells()), ErrInvalidSpec, nil)
	}
	if s.CellExcluded(in.Cell) {
		return ProbesPlan{Excluded: true}, nil
	}
	plan := ProbesPlan{Params: s.CellParams(in.Cell), Search: *s.Search, Seeds: len(s.Seeds)}
	for _, v := range in.Values {
		if v < s.Search.Lo || v > s.Search.Hi {
			return ProbesPlan{}, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("probe %s = %g outside the bracket [%g, %g]", s.Search.Variable, v, s.Search.Lo, s.Search.Hi), ErrInvalidSpec, nil)
		}
		for _, seed := range s.Seeds {
			p := s.Probe(in.Cell, v, seed)
			plan.Points = append(plan.Points, ProbePoint{Value: v, Seed: seed, ID: p.ID, Config: p.Config})
		}
	}
	// The parameters that define the theory of the cell, from its first
	// point (or the bracket's lower end before any).
	c := s.Probe(in.Cell, s.Search.Lo, s.Seeds[0]).Config
	plan.Params["source"], plan.Params["arch"], plan.Params["d"] = c.Source, c.Arch, c.Dim
	if s.Search.Variable == "sparsity" {
		plan.Params["rate"] = c.Rate
	} else {
		plan.Params["sparsity"] = c.Sparsity
	}
	plan.Theory = search.TheoryCrossings(c.Source, c.Arch, s.Search.Variable)
	return plan, nil
}

// RecordSearchCell stores the record of one searched cell
// (results.WriteSearchCell), replacing the one of the round before.
func (a *Activities) RecordSearchCell(ctx context.Context, c search.Cell) error {
	return results.WriteSearchCell(ctx, a.Store, &c)
}
