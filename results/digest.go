package results

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bitsweep/bitsweep/storage"
)

// A digest holds copies of the result.json of every finished point of one
// chunk of a sweep, one JSON line per point, in sweeps/<name>/digest/. It
// lets a report read a sweep of 100,000 points in a hundred requests
// instead of 100,000. It is a cache: the result.json files stay the truth;
// a chunk rewrites its digest whenever it finishes (so a resumed or
// repaired chunk refreshes it), and a point missing from the digests is
// read from its result.json.

// DigestDir is the folder of a sweep's digests under sweeps/<name>/.
const DigestDir = "digest"

// DigestKey returns the key of the digest of the chunk that starts at
// index lo.
func DigestKey(sweep string, lo int) string {
	return SweepKey(sweep, fmt.Sprintf("%s/chunk-%09d.jsonl", DigestDir, lo))
}

// digestLine is one line of a digest.
type digestLine struct {
	ID     string          `json:"id"`
	Result json.RawMessage `json:"result"` // result.json, compacted
}

// WriteDigest reads the result.json of each point in ids (at most conc at a
// time) and replaces the digest of the chunk at lo with them. Points
// without a result, or whose result.json is damaged, are left out (a
// report then reads them one by one and reports the damage). It returns
// the number of points in the digest.
func WriteDigest(ctx context.Context, st storage.Store, sweep string, lo int, ids []string, conc int) (int, error) {
	conc = max(1, conc)
	raws := make([][]byte, len(ids))
	errs := make(chan error, 1)
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for i, id := range ids {
		if err := CheckPointID(id); err != nil {
			return 0, err
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			b, err := st.Get(ctx, PointKey(id, ResultFile))
			switch {
			case err == nil:
				raws[i] = b
			case errors.Is(err, storage.ErrNotExist), errors.Is(err, storage.ErrChecksum):
			default:
				select {
				case errs <- fmt.Errorf("digest of sweep %s: point %s: %w", sweep, id, err):
				default:
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		return 0, err
	default:
	}
	var buf bytes.Buffer
	n := 0
	for i, raw := range raws {
		if raw == nil || !json.Valid(raw) {
			continue
		}
		line, err := json.Marshal(digestLine{ID: ids[i], Result: raw}) // compacts raw
		if err != nil {
			continue
		}
		buf.Write(line)
		buf.WriteByte('\n')
		n++
	}
	if _, err := st.Replace(ctx, DigestKey(sweep, lo), bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
		return 0, fmt.Errorf("digest of sweep %s: %w", sweep, err)
	}
	return n, nil
}

// EachDigest reads a sweep's digests, at most conc at a time, and calls fn
// (concurrently) with every line: the point, its result.json copy and when
// the digest was written. It stops at the first error from the store, a
// malformed line or fn.
func EachDigest(ctx context.Context, st storage.Store, sweep string, conc int, fn func(id string, raw []byte, written time.Time) error) error {
	prefix := SweepKey(sweep, DigestDir) + "/"
	var objs []storage.ObjectInfo
	if err := st.List(ctx, prefix, func(oi storage.ObjectInfo) error {
		if strings.HasSuffix(oi.Key, ".jsonl") {
			objs = append(objs, oi)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("digests of sweep %s: %w", sweep, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
			cancel()
		}
	}
	sem := make(chan struct{}, max(1, conc))
	for _, oi := range objs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if ctx.Err() != nil {
				return
			}
			b, err := st.Get(ctx, oi.Key)
			if err != nil {
				fail(fmt.Errorf("digests of sweep %s: %w", sweep, err))
				return
			}
			sc := bufio.NewScanner(bytes.NewReader(b))
			sc.Buffer(nil, 64<<20)
			for line := 1; sc.Scan(); line++ {
				var dl digestLine
				if err := json.Unmarshal(sc.Bytes(), &dl); err != nil {
					fail(fmt.Errorf("digest %s, line %d: %w", oi.Key, line, err))
					return
				}
				if err := CheckPointID(dl.ID); err != nil {
					fail(fmt.Errorf("digest %s, line %d: %w", oi.Key, line, err))
					return
				}
				if err := fn(dl.ID, dl.Result, oi.Modified); err != nil {
					fail(err)
					return
				}
			}
			if err := sc.Err(); err != nil {
				fail(fmt.Errorf("digest %s: %w", oi.Key, err))
			}
		})
	}
	wg.Wait()
	return firstErr
}

// ReadDigests returns the result.json copies in a sweep's digests by point
// ID (an empty map if it has none). When two digests hold a point (chunks
// re-cut by a different chunk size), the more recently written one wins.
// A digest that cannot be read or parsed is an error.
func ReadDigests(ctx context.Context, st storage.Store, sweep string) (map[string][]byte, error) {
	type entry struct {
		raw []byte
		at  time.Time
	}
	var mu sync.Mutex
	got := map[string]entry{}
	err := EachDigest(ctx, st, sweep, 1, func(id string, raw []byte, at time.Time) error {
		mu.Lock()
		defer mu.Unlock()
		if e, ok := got[id]; !ok || at.After(e.at) {
			got[id] = entry{raw, at}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(got))
	for id, e := range got {
		out[id] = e.raw
	}
	return out, nil
}
