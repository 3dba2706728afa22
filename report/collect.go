package report

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bitsweep/bitsweep/results"
	"github.com/bitsweep/bitsweep/search"
	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/train"
)

// DefaultConcurrency is the number of parallel fetches when
// Options.Concurrency is 0.
const DefaultConcurrency = 32

// Options select what Collect reads.
type Options struct {
	Sweeps      []string `json:"sweeps"`      // sweep names; empty = every point under points/ in the store
	Concurrency int      `json:"concurrency"` // parallel fetches (default 32)
	Verify      bool     `json:"verify"`      // also fetch every artifact and check it against result.json (slower)
	// NoDigest reads every result.json instead of the sweeps' digests
	// (results.ReadDigests); Verify implies it.
	NoDigest bool `json:"no_digest,omitempty"`
}

// Kinds of Problem.
const (
	Missing         = "missing"          // a manifest lists the point, it has no result.json
	Checksum        = "checksum"         // result.json or (Verify) an artifact does not match its checksum
	Decode          = "decode"           // result.json is not a valid Record of the point
	StaleVersion    = "stale-version"    // the result is from another trainer version
	MissingArtifact = "missing-artifact" // (Verify) an artifact named in result.json is absent
	// NotConverged: the step budget ran out before the loss converged. The
	// point stays in the rows (converged = false) and is grouped apart; the
	// problem only makes it visible.
	NotConverged = "not-converged"
)

// Problem is a point kept out of the rows, and why.
type Problem struct {
	PointID string `json:"point_id"`
	Sweep   string `json:"sweep"` // as Row.Sweep
	Kind    string `json:"kind"`
	Detail  string `json:"detail"`
}

// Report is what Collect found.
type Report struct {
	Rows     []Row     // sorted by (Sweep, PointID)
	Problems []Problem // sorted by (Sweep, PointID, Kind)
	Groups   []Group   // in the order of their first row
	Options  Options   // as given to Collect (Concurrency filled in)
	// Searches are the cell records of the search sweeps read
	// (results.ReadSearchCells), sorted by sweep name, then cell index;
	// none for grid sweeps. Their samples' points are in Rows.
	Searches []search.Cell

	// Filled by Generate.
	Figures  []Figure // in drawing order
	Warnings []string // figures left out, and why
}

// Collect reads the results: for named sweeps, the points listed in their
// manifests and, for a search sweep, the samples of its cell records (a
// listed point without result.json is a Problem of kind "missing");
// otherwise every result.json under points/. Listing and fetching run
// concurrently, at most o.Concurrency fetches at a time. The cell records
// of the named sweeps (of every sweep that has some, when none is named)
// become Report.Searches.
//
// A result from another trainer version, a damaged result.json, a checksum
// mismatch (and with o.Verify, a missing or damaged artifact) becomes a
// Problem for that point and the point is not in Rows. Collect returns an
// error only when the store itself cannot be read (an unreadable manifest,
// a missing one of a sweep without search cells, an unreadable or
// undecodable cell record, a failed listing, an error other than a missing
// or damaged object).
func Collect(ctx context.Context, st storage.Store, o Options) (*Report, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	searches, err := readSearches(ctx, st, o.Sweeps)
	if err != nil {
		return nil, err
	}
	cellsOf := map[string][]search.Cell{}
	for _, c := range searches {
		cellsOf[c.Sweep] = append(cellsOf[c.Sweep], c)
	}

	type job struct{ id, sweep string }
	type outcome struct {
		row     *Row
		problem *Problem
		err     error
	}
	// A named sweep's digests hold copies of its results: a few large
	// reads instead of one per point, decoded as they arrive (only the rows
	// are kept). Points they lack are read one by one below.
	type digested struct {
		row     *Row
		problem *Problem
		at      time.Time // when its digest was written: the newest wins
	}
	decoded := map[string]digested{}
	if len(o.Sweeps) > 0 && !o.Verify && !o.NoDigest {
		var mu sync.Mutex
		for _, name := range o.Sweeps {
			err := results.EachDigest(ctx, st, name, max(1, o.Concurrency/8), func(id string, raw []byte, at time.Time) error {
				row, p := decode(raw, id, "")
				mu.Lock()
				defer mu.Unlock()
				if d, ok := decoded[id]; !ok || at.After(d.at) {
					decoded[id] = digested{row, p, at}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	jobs := make(chan job)
	outs := make(chan outcome)
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Go(func() {
			for j := range jobs {
				var row *Row
				var p *Problem
				var err error
				if d, ok := decoded[j.id]; ok {
					row, p = d.row, d.problem // read-only from here on: copy before labelling
					if row != nil {
						r := *row
						r.Sweep, row = j.sweep, &r
					} else {
						q := *p
						q.Sweep, p = j.sweep, &q
					}
				} else {
					row, p, err = fetch(ctx, st, j.id, j.sweep, o.Verify)
				}
				select {
				case outs <- outcome{row, p, err}:
				case <-ctx.Done():
					return
				}
			}
		})
	}

	// Produce the jobs while the workers fetch.
	listErr := make(chan error, 1)
	go func() {
		defer close(jobs)
		send := func(j job) error {
			select {
			case jobs <- j:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		listErr <- produce(ctx, st, o.Sweeps, cellsOf, func(id, sweep string) error { return send(job{id, sweep}) })
	}()
	go func() { wg.Wait(); close(outs) }()

	r := &Report{Options: o, Searches: searches}
	var firstErr error
	for out := range outs {
		switch {
		case out.err != nil:
			if firstErr == nil {
				firstErr = out.err
				cancel()
			}
		case out.problem != nil:
			r.Problems = append(r.Problems, *out.problem)
		case out.row != nil:
			r.Rows = append(r.Rows, *out.row)
		}
	}
	if err := <-listErr; err != nil && firstErr == nil {
		firstErr = err
	}
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i := range r.Rows {
		if row := &r.Rows[i]; row.budgetHit() {
			r.Problems = append(r.Problems, Problem{PointID: row.PointID, Sweep: row.Sweep, Kind: NotConverged,
				Detail: fmt.Sprintf("the budget of %d steps ran out before the loss converged (tol %g); its group is kept apart", row.Steps, row.Tol)})
		}
	}
	sortReport(r)
	r.Groups = GroupRows(r.Rows)
	return r, nil
}

// produce calls fn once per point to fetch: the points of the sweeps'
// manifests and search cells (sweepPoints; each point once, with the names
// of all its sweeps), or every result.json under points/.
func produce(ctx context.Context, st storage.Store, sweeps []string, cells map[string][]search.Cell, fn func(id, sweep string) error) error {
	if len(sweeps) == 0 {
		return st.List(ctx, "points/", func(oi storage.ObjectInfo) error {
			if id, ok := resultID(oi.Key); ok {
				return fn(id, "")
			}
			return nil
		})
	}
	member := map[string][]string{} // point ID → sweeps
	var order []string
	seen := map[string]bool{}
	for _, name := range sweeps {
		if seen[name] {
			continue
		}
		seen[name] = true
		ids, err := sweepPoints(ctx, st, name, cells[name])
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, ok := member[id]; !ok {
				order = append(order, id)
			}
			if s := member[id]; len(s) == 0 || s[len(s)-1] != name {
				member[id] = append(s, name)
			}
		}
	}
	for _, id := range order {
		s := member[id]
		sort.Strings(s)
		if err := fn(id, strings.Join(s, ";")); err != nil {
			return err
		}
	}
	return nil
}

// resultID returns the point ID of a key points/<id[:2]>/<id>/result.json.
func resultID(key string) (string, bool) {
	parts := strings.Split(key, "/")
	if len(parts) != 4 || parts[0] != "points" || parts[3] != results.ResultFile {
		return "", false
	}
	id := parts[2]
	if results.PointKey(id, results.ResultFile) != key {
		return "", false
	}
	return id, true
}

// ReadManifest returns the point IDs of a sweep's manifest
// (sweeps/<name>/manifest.jsonl, one {"index":…,"id":…} a line), in order.
func ReadManifest(ctx context.Context, st storage.Store, sweep string) ([]string, error) {
	b, err := st.Get(ctx, results.SweepKey(sweep, "manifest.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("manifest of sweep %s: %w", sweep, err)
	}
	var ids []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var p struct {
			Index int    `json:"index"`
			ID    string `json:"id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			return nil, fmt.Errorf("manifest of sweep %s, line %d: %w", sweep, line, err)
		}
		if err := results.CheckPointID(p.ID); err != nil {
			return nil, fmt.Errorf("manifest of sweep %s, line %d: %w", sweep, line, err)
		}
		ids = append(ids, p.ID)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("manifest of sweep %s: %w", sweep, err)
	}
	return ids, nil
}

// fetch reads one point's result and, with verify, its artifacts. It
// returns the row, or the problem that keeps the point out, or an error when
// the store could not be read.
func fetch(ctx context.Context, st storage.Store, id, sweep string, verify bool) (*Row, *Problem, error) {
	problem := func(kind string, err error) (*Row, *Problem, error) {
		return nil, &Problem{PointID: id, Sweep: sweep, Kind: kind, Detail: err.Error()}, nil
	}
	key := results.PointKey(id, results.ResultFile)
	b, err := st.Get(ctx, key)
	switch {
	case errors.Is(err, storage.ErrNotExist):
		return problem(Missing, err)
	case errors.Is(err, storage.ErrChecksum):
		return problem(Checksum, err)
	case err != nil:
		return nil, nil, fmt.Errorf("point %s: %w", id, err)
	}
	rec, p := decodeRecord(b, id, sweep)
	if p != nil {
		return nil, p, nil
	}
	if verify {
		if err := results.Verify(ctx, st, rec); err != nil {
			switch {
			case errors.Is(err, storage.ErrNotExist):
				return problem(MissingArtifact, err)
			case errors.Is(err, storage.ErrChecksum):
				return problem(Checksum, err)
			}
			return nil, nil, fmt.Errorf("point %s: %w", id, err)
		}
	}
	row := newRow(rec, sweep)
	return &row, nil, nil
}

// decodeRecord decodes a point's result.json, or returns the problem that
// keeps it out of the rows (undecodable, another point's, another trainer
// version).
func decodeRecord(b []byte, id, sweep string) (*results.Record, *Problem) {
	key := results.PointKey(id, results.ResultFile)
	problem := func(kind string, err error) (*results.Record, *Problem) {
		return nil, &Problem{PointID: id, Sweep: sweep, Kind: kind, Detail: err.Error()}
	}
	var rec results.Record
	if err := json.Unmarshal(b, &rec); err != nil {
		return problem(Decode, fmt.Errorf("decode %s: %w", key, err))
	}
	if rec.PointID != id {
		return problem(Decode, fmt.Errorf("%s names point %q", key, rec.PointID))
	}
	if v := rec.Result.Version; v != train.Version {
		return problem(StaleVersion, fmt.Errorf("trainer version %q, this is %q", v, train.Version))
	}
	return &rec, nil
}

// decode turns a result.json copy from a digest into a row or a problem.
func decode(b []byte, id, sweep string) (*Row, *Problem) {
	rec, p := decodeRecord(b, id, sweep)
	if p != nil {
		return nil, p
	}
	row := newRow(rec, sweep)
	return &row, nil
}

// sortReport sorts the rows by (Sweep, PointID) and the problems by (Sweep,
// PointID, Kind).
func sortReport(r *Report) {
	sort.Slice(r.Rows, func(i, j int) bool {
		a, b := &r.Rows[i], &r.Rows[j]
		if a.Sweep != b.Sweep {
			return a.Sweep < b.Sweep
		}
		return a.PointID < b.PointID
	})
	sort.Slice(r.Problems, func(i, j int) bool {
		a, b := &r.Problems[i], &r.Problems[j]
		if a.Sweep != b.Sweep {
			return a.Sweep < b.Sweep
		}
		if a.PointID != b.PointID {
			return a.PointID < b.PointID
		}
		return a.Kind < b.Kind
	})
}
