package report

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/bitsweep/bitsweep/storage"
)

// Files is what Generate wrote, by role; names are relative to the output
// folder.
type Files struct {
	Tables       []string `json:"tables"`
	Figures      []string `json:"figures"`
	Index        string   `json:"index"`
	Reproduction string   `json:"reproduction,omitempty"`
}

// GenerateOptions select what Generate reads and draws.
type GenerateOptions struct {
	Options
	// Heatmaps names points whose |B̃| is drawn in addition to the ones
	// HeatmapPoints chooses.
	Heatmaps []string
	// NoFigures skips the plots (tables and index.html only).
	NoFigures bool
	// Reproduction also writes REPRODUCTION.md (the claims of the paper,
	// measured vs predicted) with its figures.
	Reproduction bool
}

// Generate collects the results (Collect) and writes the whole report into
// dir: the tables (Report.Write; search.csv and search-probes.csv for
// search sweeps), the figures as PNG and SVG (SearchFigures for the
// searched cells), index.html and, with o.Reproduction, REPRODUCTION.md. A
// figure that cannot be drawn because an artifact is missing or damaged is
// left out and named in Report.Warnings; the error is for a store that
// cannot be read or a folder that cannot be written.
func Generate(ctx context.Context, st storage.Store, dir string, o GenerateOptions) (*Report, Files, error) {
	var files Files
	r, err := Collect(ctx, st, o.Options)
	if err != nil {
		return nil, files, err
	}
	if err := r.Write(dir); err != nil {
		return r, files, err
	}
	files.Tables = []string{"results.csv", "results.parquet", "groups.csv", "problems.csv", "summary.json"}
	if len(r.Searches) > 0 {
		files.Tables = append(files.Tables, "search.csv", "search-probes.csv")
	}
	if !o.NoFigures {
		r.Figures = Figures(r.Groups)
		r.Figures = append(r.Figures, SearchFigures(r.Searches)...)
		// A figure drawn from a point's artifacts: kept, or left out with a
		// warning when an artifact is missing or damaged.
		add := func(f Figure, err error) error {
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				r.Warnings = append(r.Warnings, err.Error())
				return nil
			}
			r.Figures = append(r.Figures, f)
			return nil
		}
		for _, row := range HeatmapPoints(r.Rows, o.Heatmaps) {
			if err := add(Heatmap(ctx, st, row)); err != nil {
				return r, files, err
			}
		}
		curves := CurvePoints(r.Rows)
		sweeps := make([]string, 0, len(curves))
		for s := range curves {
			sweeps = append(sweeps, s)
		}
		sort.Strings(sweeps)
		for _, s := range sweeps {
			if err := add(Curves(ctx, st, s, curves[s])); err != nil {
				return r, files, err
			}
		}
		for i := range r.Figures {
			names, err := r.Figures[i].Render(dir)
			if err != nil {
				return r, files, fmt.Errorf("report: %w", err)
			}
			files.Figures = append(files.Figures, names...)
		}
	}
	files.Index = "index.html"
	if err := writeFile(dir+string(os.PathSeparator)+files.Index, r.HTML()); err != nil {
		return r, files, fmt.Errorf("report: %w", err)
	}
	if o.Reproduction {
		files.Reproduction = "REPRODUCTION.md"
		if err := writeFile(dir+string(os.PathSeparator)+files.Reproduction, r.Reproduction()); err != nil {
			return r, files, fmt.Errorf("report: %w", err)
		}
	}
	return r, files, nil
}
