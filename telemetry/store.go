package telemetry

import (
	"context"
	"errors"
	"io"

	"github.com/bitsweep/bitsweep/storage"
)

// CountStoreErrors returns st with its failed operations counted in m's
// bitsweep_store_errors_total{op}. It is st in every other respect: same
// results, same errors (unwrapped), same String. Not counted, because they
// are answers rather than failures: ErrNotExist (a point not done yet),
// ErrExist (a retried write-once put), and any error once the caller's
// context is done (a cancelled activity). Errors of List's callback are
// the caller's, not the store's, and are not counted either.
//
// Counting at the store rather than in each activity covers every
// operation of every activity (plans, checkpoints, artifacts, digests,
// reports) with one label set.
func CountStoreErrors(st storage.Store, m *Metrics) storage.Store {
	return &countingStore{st: st, m: m}
}

type countingStore struct {
	st storage.Store
	m  *Metrics
}

func (s *countingStore) count(ctx context.Context, op string, err error) {
	if err == nil || ctx.Err() != nil || errors.Is(err, storage.ErrNotExist) || errors.Is(err, storage.ErrExist) {
		return
	}
	s.m.StoreError(op)
}

func (s *countingStore) Put(ctx context.Context, key string, r io.Reader, size int64) (storage.ObjectInfo, error) {
	info, err := s.st.Put(ctx, key, r, size)
	s.count(ctx, "put", err)
	return info, err
}

func (s *countingStore) Get(ctx context.Context, key string) ([]byte, error) {
	b, err := s.st.Get(ctx, key)
	s.count(ctx, "get", err)
	return b, err
}

func (s *countingStore) Stat(ctx context.Context, key string) (storage.ObjectInfo, error) {
	info, err := s.st.Stat(ctx, key)
	s.count(ctx, "stat", err)
	return info, err
}

func (s *countingStore) List(ctx context.Context, prefix string, fn func(storage.ObjectInfo) error) error {
	var fnErr error
	err := s.st.List(ctx, prefix, func(o storage.ObjectInfo) error {
		fnErr = fn(o)
		return fnErr
	})
	if fnErr == nil || err != fnErr {
		s.count(ctx, "list", err)
	}
	return err
}

func (s *countingStore) Delete(ctx context.Context, key string) error {
	err := s.st.Delete(ctx, key)
	s.count(ctx, "delete", err)
	return err
}

func (s *countingStore) Replace(ctx context.Context, key string, r io.Reader, size int64) (storage.ObjectInfo, error) {
	info, err := s.st.Replace(ctx, key, r, size)
	s.count(ctx, "replace", err)
	return info, err
}

func (s *countingStore) String() string { return s.st.String() }
