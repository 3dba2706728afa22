package union

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/bitsweep/bitsweep/storage"
)

// ErrReadOnly is returned (wrapped) by the writes of a union.
var ErrReadOnly = errors.New("union of stores is read-only")

// Store reads several stores as one (see the package documentation).
type Store struct {
	stores []storage.Store
}

var _ storage.Store = (*Store)(nil)

// New returns the union of stores, read in the order given. It returns an
// error if stores is empty.
func New(stores ...storage.Store) (*Store, error) {
	if len(stores) == 0 {
		return nil, errors.New("union: no stores")
	}
	return &Store{stores: append([]storage.Store(nil), stores...)}, nil
}

// Get returns the object from the first store that has it, or an error
// wrapping storage.ErrNotExist if none has. Any other error of a store
// (a checksum mismatch, a network failure) is returned at once: a damaged
// copy is reported rather than hidden by another store's.
func (u *Store) Get(ctx context.Context, key string) ([]byte, error) {
	for _, s := range u.stores {
		b, err := s.Get(ctx, key)
		if errors.Is(err, storage.ErrNotExist) {
			continue
		}
		return b, err
	}
	return nil, fmt.Errorf("get %s from %s: %w", key, u, storage.ErrNotExist)
}

// Stat is like Get without reading the content.
func (u *Store) Stat(ctx context.Context, key string) (storage.ObjectInfo, error) {
	for _, s := range u.stores {
		info, err := s.Stat(ctx, key)
		if errors.Is(err, storage.ErrNotExist) {
			continue
		}
		return info, err
	}
	return storage.ObjectInfo{}, fmt.Errorf("stat %s in %s: %w", key, u, storage.ErrNotExist)
}

// List calls fn for every key under prefix in any store, in lexical order,
// once per key (with the info of the first store that holds it). It lists
// each store into memory first (about 100 bytes per object), so that it
// can merge them.
func (u *Store) List(ctx context.Context, prefix string, fn func(storage.ObjectInfo) error) error {
	lists := make([][]storage.ObjectInfo, len(u.stores))
	for i, s := range u.stores {
		if err := s.List(ctx, prefix, func(o storage.ObjectInfo) error {
			lists[i] = append(lists[i], o)
			return nil
		}); err != nil {
			return fmt.Errorf("list %s: %w", s, err)
		}
	}
	next := make([]int, len(lists))
	for {
		best := -1
		for i, l := range lists {
			if next[i] < len(l) && (best < 0 || l[next[i]].Key < lists[best][next[best]].Key) {
				best = i // ties keep the earlier store
			}
		}
		if best < 0 {
			return nil
		}
		o := lists[best][next[best]]
		for i, l := range lists {
			for next[i] < len(l) && l[next[i]].Key == o.Key {
				next[i]++
			}
		}
		if err := fn(o); err != nil {
			return err
		}
	}
}

// Put returns an error wrapping ErrReadOnly.
func (u *Store) Put(_ context.Context, key string, _ io.Reader, _ int64) (storage.ObjectInfo, error) {
	return storage.ObjectInfo{}, fmt.Errorf("put %s: %s: %w", key, u, ErrReadOnly)
}

// Replace returns an error wrapping ErrReadOnly.
func (u *Store) Replace(_ context.Context, key string, _ io.Reader, _ int64) (storage.ObjectInfo, error) {
	return storage.ObjectInfo{}, fmt.Errorf("replace %s: %s: %w", key, u, ErrReadOnly)
}

// Delete returns an error wrapping ErrReadOnly.
func (u *Store) Delete(_ context.Context, key string) error {
	return fmt.Errorf("delete %s: %s: %w", key, u, ErrReadOnly)
}

// String returns "union(URL, URL, …)" with the stores' URLs (which carry
// no credentials).
func (u *Store) String() string {
	urls := make([]string, len(u.stores))
	for i, s := range u.stores {
		urls[i] = s.String()
	}
	return "union(" + strings.Join(urls, ", ") + ")"
}
