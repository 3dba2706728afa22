package telemetry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/file"
	"github.com/bitsweep/bitsweep/storage/storagetest"
)

// TestCountingStoreConformance: the wrapper is a conforming Store.
func TestCountingStoreConformance(t *testing.T) {
	m := NewMetrics(prometheus.NewRegistry())
	storagetest.Run(t, func(t *testing.T) storage.Store {
		st, err := file.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return CountStoreErrors(st, m)
	})
}

// failStore fails every operation with err.
type failStore struct{ err error }

func (f failStore) Put(context.Context, string, io.Reader, int64) (storage.ObjectInfo, error) {
	return storage.ObjectInfo{}, f.err
}
func (f failStore) Get(context.Context, string) ([]byte, error) { return nil, f.err }
func (f failStore) Stat(context.Context, string) (storage.ObjectInfo, error) {
	return storage.ObjectInfo{}, f.err
}
func (f failStore) List(context.Context, string, func(storage.ObjectInfo) error) error { return f.err }
func (f failStore) Delete(context.Context, string) error                               { return f.err }
func (f failStore) Replace(context.Context, string, io.Reader, int64) (storage.ObjectInfo, error) {
	return storage.ObjectInfo{}, f.err
}
func (f failStore) String() string { return "fail://" }

// TestCountStoreErrors: failures count by operation; missing and existing
// objects, cancelled callers and List's callback errors do not; errors
// pass through unchanged.
func TestCountStoreErrors(t *testing.T) {
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	count := func(st storage.Store, ctx context.Context) map[string]float64 {
		m := NewMetrics(prometheus.NewRegistry())
		s := CountStoreErrors(st, m)
		r := func() io.Reader { return bytes.NewReader([]byte("x")) }
		errs := []error{}
		_, err := s.Put(ctx, "k", r(), 1)
		errs = append(errs, err)
		_, err = s.Get(ctx, "k")
		errs = append(errs, err)
		_, err = s.Stat(ctx, "k")
		errs = append(errs, err)
		errs = append(errs, s.List(ctx, "", func(storage.ObjectInfo) error { return nil }))
		errs = append(errs, s.Delete(ctx, "k"))
		_, err = s.Replace(ctx, "k", r(), 1)
		errs = append(errs, err)
		if fs, ok := st.(failStore); ok {
			for i, err := range errs {
				if err != fs.err {
					t.Errorf("operation %d: error %v, want %v unchanged", i, err, fs.err)
				}
			}
		}
		got := map[string]float64{}
		for _, op := range storeOps {
			got[op] = testutil.ToFloat64(m.storeErrors.WithLabelValues(op))
		}
		return got
	}
	disk := errors.New("disk on fire")
	for _, c := range []struct {
		name string
		st   storage.Store
		ctx  context.Context
		want float64
	}{
		{"failure", failStore{fmt.Errorf("put: %w", disk)}, ctx, 1},
		{"checksum", failStore{fmt.Errorf("get: %w", storage.ErrChecksum)}, ctx, 1},
		{"not exist", failStore{fmt.Errorf("get: %w", storage.ErrNotExist)}, ctx, 0},
		{"exist", failStore{fmt.Errorf("put: %w", storage.ErrExist)}, ctx, 0},
		{"cancelled", failStore{fmt.Errorf("put: %w", context.Canceled)}, cancelled, 0},
	} {
		for op, n := range count(c.st, c.ctx) {
			if n != c.want {
				t.Errorf("%s: %s counted %g, want %g", c.name, op, n, c.want)
			}
		}
	}

	// List's callback error is the caller's: not counted.
	st, err := file.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m := NewMetrics(prometheus.NewRegistry())
	s := CountStoreErrors(st, m)
	if _, err := s.Put(ctx, "a/b", bytes.NewReader([]byte("x")), 1); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	if err := s.List(ctx, "a/", func(storage.ObjectInfo) error { return stop }); err != stop {
		t.Errorf("List: %v, want the callback's error", err)
	}
	if n := testutil.ToFloat64(m.storeErrors.WithLabelValues("list")); n != 0 {
		t.Errorf("a callback's error counted as a store error")
	}
	if s.String() != st.String() {
		t.Errorf("String %q, want %q", s.String(), st.String())
	}
}
