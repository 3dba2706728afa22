package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// SHA256Hex returns the lowercase hex SHA-256 of b, the form recorded in
// ObjectInfo.SHA256.
func SHA256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Verify checks data against the recorded checksum want, returning nil or an
// error wrapping ErrChecksum. An empty want (nothing recorded) fails too.
func Verify(data []byte, want string) error {
	if want == "" {
		return fmt.Errorf("%w: no checksum recorded", ErrChecksum)
	}
	if got := SHA256Hex(data); got != want {
		return fmt.Errorf("%w: content has sha256 %s, recorded %s", ErrChecksum, got, want)
	}
	return nil
}
