// Package open opens a storage.Store from a URL, choosing the backend by
// scheme:
//
//	s3://bucket/prefix     storage/s3 (endpoint, TLS, credentials: storage.Options)
//	file:///abs/dir        storage/file
//	/abs/dir, rel/dir      storage/file (a plain path)
//
// It lives apart from package storage because the backends import storage;
// storage importing them back would be a cycle. Programs that need one
// backend only may call it directly (file.New, s3.New) and not link the
// others.
package open
