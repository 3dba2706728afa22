package open

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/file"
	"github.com/bitsweep/bitsweep/storage/s3"
)

// Open returns the Store that rawURL names: "s3://bucket/prefix" (prefix
// optional), "file:///abs/dir" or a plain file-system path. o configures
// S3; local stores ignore it. The error never contains credentials.
func Open(ctx context.Context, rawURL string, o storage.Options) (storage.Store, error) {
	if rawURL == "" {
		return nil, fmt.Errorf("open: empty storage URL")
	}
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return openFile(rawURL)
	}
	switch strings.ToLower(scheme) {
	case "s3":
		bucket, prefix, _ := strings.Cut(rest, "/")
		if bucket == "" {
			return nil, fmt.Errorf("open %q: no bucket", rawURL)
		}
		if strings.ContainsAny(bucket, "@:?#") || strings.ContainsAny(prefix, "?#") {
			return nil, fmt.Errorf("open %q: want s3://bucket/prefix (endpoint and credentials go in options and the environment)", redact(rawURL))
		}
		return s3.New(ctx, bucket, prefix, o)
	case "file":
		u, err := url.Parse(rawURL)
		if err != nil {
			return nil, fmt.Errorf("open %q: %w", rawURL, err)
		}
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("open %q: file URL with a host; want file:///abs/dir", rawURL)
		}
		if u.Path == "" {
			return nil, fmt.Errorf("open %q: no path", rawURL)
		}
		return openFile(u.Path)
	default:
		return nil, fmt.Errorf("open %q: unsupported scheme %q (want s3, file or a path)", redact(rawURL), scheme)
	}
}

func openFile(dir string) (storage.Store, error) {
	s, err := file.New(dir)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// redact drops a userinfo part ("user:pass@") from a URL for messages.
func redact(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	host, path, _ := strings.Cut(rest, "/")
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = "REDACTED@" + host[i+1:]
	}
	if path != "" {
		return scheme + "://" + host + "/" + path
	}
	return scheme + "://" + host
}
