// Package storage defines where bitsweep keeps what a training point
// produces: the learned matrices (.npy), result.json and the loss curve.
//
// The package holds only the domain types — [Store], [ObjectInfo], [Options]
// — the errors every backend returns, key validation and a few helpers
// shared by backends. Each backend lives in its own small subpackage:
//
//   - storage/file: a local directory (write to a temp file, fsync, rename).
//   - storage/s3: an S3-compatible bucket (AWS S3, MinIO) via minio-go.
//
// storage/open turns a URL ("s3://bucket/prefix", "file:///abs/dir" or a
// plain path) into a Store. It is a separate package so that this one does
// not import its backends (they import it) and callers that need only one
// backend do not link the others.
//
// storage/storagetest is the conformance suite every backend must pass.
//
// # Write-once
//
// Results are immutable: a sweep point that is retried (Temporal retries
// activities) may Put the same key again, and must succeed only if it
// produces the same bytes. [Store.Put] therefore succeeds if the key is
// absent or holds identical content (same SHA-256) and fails with
// [ErrExist] otherwise. [Store.Replace] is the one overwriting write, for
// manifests and checkpoints; [Store.Delete] exists for an explicit
// --recompute.
//
// # Integrity
//
// Every backend records the SHA-256 of an object when it is written and
// [Store.Get] verifies the bytes against it, so silent corruption at rest is
// reported as [ErrChecksum] rather than fed into an analysis.
package storage
