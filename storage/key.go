package storage

import (
	"fmt"
	"strings"
)

// Key limits. MaxKeyLen is below S3's 1024-byte object-name limit to leave
// room for a store's prefix; MaxSegmentLen is the usual file-name limit.
const (
	MaxKeyLen     = 900
	MaxSegmentLen = 255
)

// ValidKey reports whether key is a valid object key, returning nil or an
// error wrapping ErrInvalidKey that says why.
//
// A key is a slash-separated relative path: one or more segments joined by
// "/", each segment 1..MaxSegmentLen bytes of [A-Za-z0-9._-] and neither "."
// nor "..". So there is no leading or trailing slash, no empty segment, no
// path traversal, nothing that needs escaping in a URL or a file name, and
// keys sort the same byte-wise everywhere. Characters outside that set (such
// as "~") are free for backends to use in names of their own that can never
// collide with a key.
func ValidKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	if len(key) > MaxKeyLen {
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidKey, MaxKeyLen)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if err := validSegment(seg); err != nil {
			return err
		}
	}
	return nil
}

// ValidPrefix reports whether prefix may be passed to Store.List, returning
// nil or an error wrapping ErrInvalidKey. A prefix is "" (everything) or a
// string that some valid key could start with: its complete segments (those
// followed by "/") are valid segments and its last, possibly partial or
// empty, segment uses only key characters.
func ValidPrefix(prefix string) error {
	if len(prefix) > MaxKeyLen {
		return fmt.Errorf("%w: prefix longer than %d bytes", ErrInvalidKey, MaxKeyLen)
	}
	dir, last := SplitPrefix(prefix)
	if dir != "" {
		if err := ValidKey(strings.TrimSuffix(dir, "/")); err != nil {
			return err
		}
	}
	for i := 0; i < len(last); i++ {
		if !keyByte(last[i]) {
			return fmt.Errorf("%w: byte %q not in [A-Za-z0-9._-]", ErrInvalidKey, last[i])
		}
	}
	return nil
}

// SplitPrefix splits a list prefix after its last slash: dir is "" or ends
// in "/", and dir+last == prefix. Backends that store keys as paths use dir
// to start a walk and last to filter its entries.
func SplitPrefix(prefix string) (dir, last string) {
	i := strings.LastIndexByte(prefix, '/')
	return prefix[:i+1], prefix[i+1:]
}

func validSegment(seg string) error {
	switch {
	case seg == "":
		return fmt.Errorf("%w: empty segment (leading, trailing or double slash)", ErrInvalidKey)
	case seg == "." || seg == "..":
		return fmt.Errorf("%w: segment %q", ErrInvalidKey, seg)
	case len(seg) > MaxSegmentLen:
		return fmt.Errorf("%w: segment longer than %d bytes", ErrInvalidKey, MaxSegmentLen)
	}
	for i := 0; i < len(seg); i++ {
		if !keyByte(seg[i]) {
			return fmt.Errorf("%w: byte %q not in [A-Za-z0-9._-]", ErrInvalidKey, seg[i])
		}
	}
	return nil
}

func keyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == '_' || c == '-'
}
