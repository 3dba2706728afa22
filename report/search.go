package report

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/search"
	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/theory"
)

// readSearches returns the cell records of the named sweeps
// (results.ReadSearchCells; none for a grid sweep), or, when no sweep is
// named, of every sweep with records under sweeps/<name>/search/ (found by
// one listing of sweeps/). Each cell's Sweep is the sweep whose folder holds
// it. The cells are sorted by sweep name, then cell index.
func readSearches(ctx context.Context, st storage.Store, sweeps []string) ([]search.Cell, error) {
	names := uniqueSorted(sweeps)
	if len(sweeps) == 0 {
		found := map[string]bool{}
		err := st.List(ctx, "sweeps/", func(oi storage.ObjectInfo) error {
			parts := strings.Split(strings.TrimPrefix(oi.Key, "sweeps/"), "/")
			if len(parts) == 3 && parts[1] == "search" && strings.HasPrefix(parts[2], "cell-") && strings.HasSuffix(parts[2], ".json") {
				found[parts[0]] = true
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list search sweeps: %w", err)
		}
		for n := range found {
			names = append(names, n)
		}
		sort.Strings(names)
	}
	var out []search.Cell
	for _, name := range names {
		cells, err := results.ReadSearchCells(ctx, st, name)
		if err != nil {
			return nil, err
		}
		for i := range cells {
			cells[i].Sweep = name
		}
		out = append(out, cells...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Sweep != out[j].Sweep {
			return out[i].Sweep < out[j].Sweep
		}
		return out[i].Index < out[j].Index
	})
	return out, nil
}

func uniqueSorted(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// sweepPoints returns the point IDs of a sweep: its manifest's, then the
// samples of its search cells, in cell, probe and sample order (an ID may
// repeat; produce lists each once). A search sweep may have an empty or no
// manifest; a sweep with neither a manifest nor search cells is an error
// (the manifest's).
func sweepPoints(ctx context.Context, st storage.Store, name string, cells []search.Cell) ([]string, error) {
	ids, err := ReadManifest(ctx, st, name)
	if err != nil {
		if !errors.Is(err, storage.ErrNotExist) || len(cells) == 0 {
			return nil, err
		}
		ids = nil
	}
	for _, c := range cells {
		for _, p := range c.Probes {
			for _, s := range p.Samples {
				ids = append(ids, s.PointID)
			}
		}
	}
	return ids, nil
}

// SearchSummary is the outcome of the search of one cell, as in search.csv
// and summary.json.
type SearchSummary struct {
	Sweep     string         `json:"sweep"`
	Cell      int            `json:"cell"`
	Params    map[string]any `json:"params"`
	Variable  string         `json:"variable"`
	Criterion string         `json:"criterion"` // search.Criterion.String()
	Tolerance float64        `json:"tolerance"`
	K         int            `json:"k"`      // probes per round
	Rounds    int            `json:"rounds"` // rounds finished
	Seeds     int            `json:"seeds"`  // per probe
	Status    string         `json:"status"`
	Estimate  *float64       `json:"estimate"` // nil: none
	Lo        float64        `json:"lo"`
	Hi        float64        `json:"hi"`
	Probes    int            `json:"probes"`
	Samples   int            `json:"samples"` // trained points used (trained + reused)
	Trained   int            `json:"trained"`
	Reused    int            `json:"reused"`
	// GridPoints is what a grid of the search's resolution trains in the
	// cell (search.Cell.GridPoints).
	GridPoints int `json:"grid_points"`
	// Unconverged counts samples that hit their step budget.
	Unconverged int `json:"unconverged"`
	// Failed counts seeds that could not be trained.
	Failed int `json:"failed"`
	// TheoryPlusOne and TheoryRandom are the predicted crossings with
	// sign(0) = +1 and with a random tie-break (search.TheoryCrossings);
	// nil when the theory predicts none.
	TheoryPlusOne *float64 `json:"theory_plus_one"`
	TheoryRandom  *float64 `json:"theory_random"`
	Seconds       float64  `json:"seconds"`
	Reason        string   `json:"reason,omitempty"`
}

// SummarizeSearch returns the outcome of one cell's search.
func SummarizeSearch(c *search.Cell) SearchSummary {
	s := SearchSummary{
		Sweep: c.Sweep, Cell: c.Index, Params: c.Params,
		Variable: c.Settings.Variable, Criterion: c.Settings.Criterion.String(), Tolerance: c.Settings.Tol,
		K: c.K, Rounds: c.Round, Seeds: c.Seeds, Status: c.Status, Estimate: finite(c.Estimate),
		Lo: c.Lo, Hi: c.Hi, Probes: len(c.Probes), Trained: c.Trained, Reused: c.Reused,
		GridPoints: c.GridPoints, Seconds: c.Seconds, Reason: c.Reason,
	}
	s.Samples, s.Failed = c.Points()
	for _, p := range c.Probes {
		s.Unconverged += p.Unconverged
	}
	if v, ok := c.Theory[theory.TieBreakPlusOne]; ok {
		s.TheoryPlusOne = finite(&v)
	}
	if v, ok := c.Theory[theory.TieBreakRandom]; ok {
		s.TheoryRandom = finite(&v)
	}
	return s
}

// searchFixed are the columns of search.csv after the parameters.
var searchFixed = []struct {
	name string
	get  func(*SearchSummary) string
}{
	{"variable", func(s *SearchSummary) string { return s.Variable }},
	{"criterion", func(s *SearchSummary) string { return s.Criterion }},
	{"k", func(s *SearchSummary) string { return strconv.Itoa(s.K) }},
	{"rounds", func(s *SearchSummary) string { return strconv.Itoa(s.Rounds) }},
	{"status", func(s *SearchSummary) string { return s.Status }},
	{"estimate", func(s *SearchSummary) string { return formatPtr(s.Estimate) }},
	{"lo", func(s *SearchSummary) string { return formatFloat(s.Lo) }},
	{"hi", func(s *SearchSummary) string { return formatFloat(s.Hi) }},
	{"probes", func(s *SearchSummary) string { return strconv.Itoa(s.Probes) }},
	{"samples", func(s *SearchSummary) string { return strconv.Itoa(s.Samples) }},
	{"trained", func(s *SearchSummary) string { return strconv.Itoa(s.Trained) }},
	{"reused", func(s *SearchSummary) string { return strconv.Itoa(s.Reused) }},
	{"grid_points", func(s *SearchSummary) string { return strconv.Itoa(s.GridPoints) }},
	{"unconverged", func(s *SearchSummary) string { return strconv.Itoa(s.Unconverged) }},
	{"theory_plus_one", func(s *SearchSummary) string { return formatPtr(s.TheoryPlusOne) }},
	{"theory_random", func(s *SearchSummary) string { return formatPtr(s.TheoryRandom) }},
	{"seconds", func(s *SearchSummary) string { return formatFloat(s.Seconds) }},
	{"reason", func(s *SearchSummary) string { return s.Reason }},
}

// sortedParamKeys returns the names of params in label order (paramRank,
// then by name).
func sortedParamKeys(params map[string]any) []string {
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sortParams(names)
	return names
}

// sortParams sorts parameter names in label order: source, arch, d, rate,
// sparsity, the rest by name.
func sortParams(names []string) {
	sort.Slice(names, func(i, j int) bool {
		if ri, rj := paramRank(names[i]), paramRank(names[j]); ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
}

// paramNames returns the parameter names of the cells, sorted.
func paramNames(cells []search.Cell) []string {
	set := map[string]bool{}
	for _, c := range cells {
		for k := range c.Params {
			set[k] = true
		}
	}
	names := make([]string, 0, len(set))
	for k := range set {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// SearchColumns returns the header of search.csv for cells: sweep, cell,
// one column per parameter name of any cell (sorted; "param_" is put in
// front of a name that is also a fixed column), then variable, criterion,
// k, rounds, status, estimate, lo, hi, probes, samples, trained, reused,
// grid_points, unconverged, theory_plus_one, theory_random, seconds,
// reason.
func SearchColumns(cells []search.Cell) []string {
	fixed := map[string]bool{"sweep": true, "cell": true}
	for _, c := range searchFixed {
		fixed[c.name] = true
	}
	cols := []string{"sweep", "cell"}
	for _, n := range paramNames(cells) {
		if fixed[n] {
			n = "param_" + n
		}
		cols = append(cols, n)
	}
	for _, c := range searchFixed {
		cols = append(cols, c.name)
	}
	return cols
}

// WriteSearchCSV writes search.csv: one line per cell (SearchColumns), a
// parameter the cell lacks and an estimate or theory that does not exist
// are empty fields.
func WriteSearchCSV(w io.Writer, cells []search.Cell) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(SearchColumns(cells)); err != nil {
		return err
	}
	names := paramNames(cells)
	for i := range cells {
		s := SummarizeSearch(&cells[i])
		rec := []string{s.Sweep, strconv.Itoa(s.Cell)}
		for _, n := range names {
			v, ok := s.Params[n]
			if !ok {
				rec = append(rec, "")
				continue
			}
			rec = append(rec, paramText(v))
		}
		for _, c := range searchFixed {
			rec = append(rec, c.get(&s))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// searchProbeColumns are the columns of search-probes.csv.
var searchProbeColumns = []string{"sweep", "cell", "variable", "value", "round", "mean", "se", "samples", "unconverged", "failed", "point_ids"}

// WriteSearchProbesCSV writes search-probes.csv: one line per probe of
// every cell, with the criterion's mean and standard error over the seeds
// and the IDs of its points (space separated; the rows of results.csv).
func WriteSearchProbesCSV(w io.Writer, cells []search.Cell) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(searchProbeColumns); err != nil {
		return err
	}
	for _, c := range cells {
		for _, p := range c.Probes {
			ids := make([]string, len(p.Samples))
			for i, s := range p.Samples {
				ids[i] = s.PointID
			}
			rec := []string{c.Sweep, strconv.Itoa(c.Index), c.Settings.Variable, formatFloat(p.Value),
				strconv.Itoa(p.Round), formatFloat(p.Mean), formatFloat(p.SE), strconv.Itoa(len(p.Samples)),
				strconv.Itoa(p.Unconverged), strconv.Itoa(p.Failed), strings.Join(ids, " ")}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// paramText formats a cell parameter for a table: strings as they are,
// numbers in their shortest form, anything else as JSON.
func paramText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	if f, ok := toFloat(v); ok {
		return formatFloat(f)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// toFloat converts a numeric parameter (float64 after JSON decoding; any
// Go number when built in code) to float64.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// paramFloat returns a numeric parameter of a cell.
func paramFloat(c *search.Cell, name string) (float64, bool) {
	v, ok := c.Params[name]
	if !ok {
		return 0, false
	}
	f, ok := toFloat(v)
	return f, ok && !math.IsNaN(f)
}

// paramStr returns a string parameter of a cell ("" when absent).
func paramStr(c *search.Cell, name string) string {
	s, _ := c.Params[name].(string)
	return s
}

// paramShort is a parameter's name in labels: r, p, d or the name itself.
func paramShort(name string) string {
	switch name {
	case "rate":
		return "r"
	case "sparsity":
		return "p"
	}
	return name
}

// paramLabel is "name=value" for labels.
func paramLabel(name string, v any) string {
	s := paramText(v)
	if name == "source" {
		s = sourceLabel(s)
	}
	return paramShort(name) + "=" + s
}

// differingLabels names each cell by the parameters in which the cells
// differ (except the ones in skip), in the order source, arch, d, rate,
// sparsity, the rest by name; "" for every cell when they differ in none.
func differingLabels(cells []*search.Cell, skip ...string) []string {
	names := map[string]bool{}
	for _, c := range cells {
		for k := range c.Params {
			names[k] = true
		}
	}
	for _, s := range skip {
		delete(names, s)
	}
	var differ []string
	for n := range names {
		for _, c := range cells[1:] {
			if paramText(c.Params[n]) != paramText(cells[0].Params[n]) {
				differ = append(differ, n)
				break
			}
		}
	}
	sortParams(differ)
	out := make([]string, len(cells))
	for i, c := range cells {
		var parts []string
		for _, n := range differ {
			if v, ok := c.Params[n]; ok {
				parts = append(parts, paramLabel(n, v))
			}
		}
		out[i] = strings.Join(parts, ", ")
	}
	return out
}

// cellLabels is differingLabels with "cell N" for a cell that no parameter
// tells apart.
func cellLabels(cells []*search.Cell, skip ...string) []string {
	out := differingLabels(cells, skip...)
	for i, l := range out {
		if l == "" {
			out[i] = fmt.Sprintf("cell %d", cells[i].Index)
		}
	}
	return out
}

// paramRank orders label parts: source, arch, d, rate, sparsity, others.
func paramRank(name string) int {
	switch name {
	case "source":
		return 0
	case "arch":
		return 1
	case "d":
		return 2
	case "rate":
		return 3
	case "sparsity":
		return 4
	}
	return 5
}
