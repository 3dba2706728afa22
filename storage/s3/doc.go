// Package s3 implements storage.Store in a bucket of an S3-compatible
// object store (AWS S3, MinIO, ...), using minio-go.
//
// An object is stored under <prefix>/<key> with its SHA-256 in the user
// metadata x-amz-meta-sha256, which Get checks the downloaded bytes against.
//
// # Write-once
//
// Put first computes the SHA-256, so it holds the content in memory (as Get
// does; objects are result files, not data sets), then uploads it in a
// single PUT with the header "If-None-Match: *". The server creates the
// object only if the key is free, atomically, so of racing Puts exactly one
// creates it; minio-go v7.4.1 sends the header via
// PutObjectOptions.SetMatchETagExcept("*"), and AWS S3 and MinIO (since
// 2024) implement it. A Put that is refused with 412 Precondition Failed
// reads the existing object's recorded SHA-256: the same means an
// idempotent retry and succeeds, a different one fails with ErrExist. This
// also covers a retry by minio-go of a PUT whose response was lost. On
// 409 ConditionalRequestConflict (AWS, concurrent conditional writes) Put
// tries again.
//
// A server that rejects the header (501 Not Implemented) makes the Store
// fall back, for its lifetime, to the mode storage.Options.StatBeforePut
// selects: HEAD the key, then upload unconditionally. That is racy — two
// different contents Put at the same moment may both "succeed", the later
// upload winning — and is only for servers that cannot do better. Servers
// that silently ignore the header cannot be detected; use StatBeforePut for
// them.
//
// Replace uploads unconditionally; S3 makes every PUT atomic.
//
// # Connection
//
// Endpoint, region, TLS and credentials come from storage.Options and the
// environment: see storage.Options. Credentials are read once when the
// Store is created and never logged or shown by String; a session token
// that expires is not refreshed, so open a new Store after rotating it.
package s3
