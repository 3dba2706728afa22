package results

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/bitsweep/bitsweep/search"
	"github.com/bitsweep/bitsweep/storage"
)

// SearchPrefix is the key prefix of a search sweep's cell records.
func SearchPrefix(sweep string) string { return SweepKey(sweep, "search/") }

// SearchCellKey returns the key of the record of one searched cell:
// sweeps/<name>/search/cell-000003.json.
func SearchCellKey(sweep string, cell int) string {
	return fmt.Sprintf("%scell-%06d.json", SearchPrefix(sweep), cell)
}

// WriteSearchCell stores (replaces) the record of one searched cell. It is
// written after every round, so that a report made while the search runs
// shows the probes so far.
func WriteSearchCell(ctx context.Context, st storage.Store, c *search.Cell) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("encode search cell %d of sweep %s: %w", c.Index, c.Sweep, err)
	}
	key := SearchCellKey(c.Sweep, c.Index)
	if _, err := st.Replace(ctx, key, bytes.NewReader(b), int64(len(b))); err != nil {
		return fmt.Errorf("write search cell %s: %w", key, err)
	}
	return nil
}

// ReadSearchCells returns the cell records of a search sweep in cell
// order; none (and no error) for a grid sweep. Every point ID in them is
// checked (CheckPointID) before it is returned.
func ReadSearchCells(ctx context.Context, st storage.Store, sweep string) ([]search.Cell, error) {
	var keys []string
	prefix := SearchPrefix(sweep)
	err := st.List(ctx, prefix, func(oi storage.ObjectInfo) error {
		if rest := strings.TrimPrefix(oi.Key, prefix); strings.HasPrefix(rest, "cell-") && strings.HasSuffix(rest, ".json") && !strings.Contains(rest, "/") {
			keys = append(keys, oi.Key)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list search cells of sweep %s: %w", sweep, err)
	}
	sort.Strings(keys)
	cells := make([]search.Cell, 0, len(keys))
	for _, k := range keys {
		b, err := st.Get(ctx, k)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", k, err)
		}
		var c search.Cell
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("decode %s: %w", k, err)
		}
		for _, p := range c.Probes {
			for _, s := range p.Samples {
				if err := CheckPointID(s.PointID); err != nil {
					return nil, fmt.Errorf("%s: %w", k, err)
				}
			}
		}
		cells = append(cells, c)
	}
	return cells, nil
}
