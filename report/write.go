package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Summary is summary.json: the counts of a report and the options that
// produced it.
type Summary struct {
	Points   int            `json:"points"`
	Problems map[string]int `json:"problems"` // by kind
	Groups   int            `json:"groups"`
	Options  Options        `json:"options"`
	// Searches are the outcomes of the searched cells (search sweeps only).
	Searches []SearchSummary `json:"searches,omitempty"`
}

// Summary returns the counts of r.
func (r *Report) Summary() Summary {
	s := Summary{Points: len(r.Rows), Problems: map[string]int{}, Groups: len(r.Groups), Options: r.Options}
	if s.Options.Sweeps == nil {
		s.Options.Sweeps = []string{}
	}
	for _, p := range r.Problems {
		s.Problems[p.Kind]++
	}
	for i := range r.Searches {
		s.Searches = append(s.Searches, SummarizeSearch(&r.Searches[i]))
	}
	return s
}

// Write writes results.csv, results.parquet, groups.csv, problems.csv and
// summary.json into dir, creating it if needed, and, when r has search
// cells, search.csv and search-probes.csv (WriteSearchCSV,
// WriteSearchProbesCSV). Each file is written to a temporary name and
// renamed, so a reader never sees a partial file.
func (r *Report) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	sum, err := json.MarshalIndent(r.Summary(), "", "  ")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	type table struct {
		name  string
		write func(io.Writer) error
	}
	files := []table{
		{"results.csv", func(w io.Writer) error { return WriteCSV(w, r.Rows) }},
		{"results.parquet", func(w io.Writer) error { return WriteParquet(w, r.Rows) }},
		{"groups.csv", func(w io.Writer) error { return WriteGroupsCSV(w, r.Groups) }},
		{"problems.csv", func(w io.Writer) error { return WriteProblemsCSV(w, r.Problems) }},
		{"summary.json", func(w io.Writer) error { _, err := w.Write(append(sum, '\n')); return err }},
	}
	if len(r.Searches) > 0 {
		files = append(files,
			table{"search.csv", func(w io.Writer) error { return WriteSearchCSV(w, r.Searches) }},
			table{"search-probes.csv", func(w io.Writer) error { return WriteSearchProbesCSV(w, r.Searches) }})
	}
	for _, f := range files {
		var buf bytes.Buffer
		if err := f.write(&buf); err != nil {
			return fmt.Errorf("report: %s: %w", f.name, err)
		}
		if err := writeFile(filepath.Join(dir, f.name), buf.Bytes()); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	return nil
}

// writeFile writes b to path through a temporary file and a rename.
func writeFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
