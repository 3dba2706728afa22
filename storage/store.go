package storage

import (
	"context"
	"io"
	"time"
)

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Key  string // as passed to Put, without the store's prefix
	Size int64  // bytes
	// SHA256 is the lowercase hex SHA-256 of the content recorded when the
	// object was written. It is empty only for an object the store has no
	// recorded checksum for (written by something else, or its record was
	// lost); Get of such an object fails with ErrChecksum.
	SHA256   string
	Modified time.Time // when the current content was written
}

// Store is an object store with write-once semantics, holding the outputs of
// sweep points.
//
// Keys are validated by ValidKey: slash-separated relative paths of
// [A-Za-z0-9._-] segments with no "." or ".." segment, no leading slash and
// no empty segment. Every method given a key (or List a prefix) that is not
// valid returns an error wrapping ErrInvalidKey without touching storage.
//
// Every method returns ctx.Err() (wrapped) once ctx is done, leaving no
// partial object behind. Errors are wrapped with the operation and key, e.g.
// `put "runs/p1/W.npy": storage: object already exists`; test them with
// errors.Is.
//
// Implementations are safe for concurrent use by multiple goroutines, and
// by multiple processes sharing the same storage.
type Store interface {
	// Put writes the object whole, atomically and write-once.
	//
	// size is the number of bytes r yields, or -1 if unknown; if r yields a
	// different number, Put fails and writes nothing. Readers never see a
	// partial object. If the key is absent the object is created; if it
	// holds the same content (same SHA-256) Put succeeds without writing,
	// so that a retried activity is harmless; if it holds different content
	// Put returns an error wrapping ErrExist and leaves the old object.
	// When concurrent Puts of one key race, exactly one content wins: the
	// Puts with that content succeed and all others fail with ErrExist.
	//
	// Put records the SHA-256 of the content with the object and returns
	// it in the ObjectInfo of the object now stored.
	Put(ctx context.Context, key string, r io.Reader, size int64) (ObjectInfo, error)

	// Get returns the whole content of the object, verified against the
	// SHA-256 recorded by Put or Replace. It returns an error wrapping
	// ErrNotExist if the object does not exist, and one wrapping
	// ErrChecksum if the bytes do not match the recorded checksum (or none
	// is recorded): corruption at rest is detected here.
	Get(ctx context.Context, key string) ([]byte, error)

	// Stat returns the object's info without reading its content, or an
	// error wrapping ErrNotExist if it does not exist.
	Stat(ctx context.Context, key string) (ObjectInfo, error)

	// List calls fn for every object whose key starts with prefix (a plain
	// string prefix: "runs/p1" matches "runs/p1/W.npy" and "runs/p10/x"),
	// in lexical (byte-wise) key order. If fn returns an error List stops
	// and returns that error unwrapped. An empty prefix lists everything;
	// a prefix matching nothing is not an error. Objects written while
	// List runs may or may not be seen.
	List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error

	// Delete removes the object. Deleting an object that does not exist is
	// not an error. It is the only way to clear a write-once key and is
	// meant for an explicit --recompute.
	Delete(ctx context.Context, key string) error

	// Replace writes the object whole and atomically like Put, but
	// overwrites any existing content: the only non-write-once write, for
	// manifests and checkpoints that are updated. Readers see either the
	// old or the new content, never a mix. size is as for Put.
	Replace(ctx context.Context, key string, r io.Reader, size int64) (ObjectInfo, error)

	// String returns the store's URL without credentials, such as
	// "s3://bucket/prefix" or "file:///abs/dir".
	String() string
}
