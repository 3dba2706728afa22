package storage

import "errors"

// Errors returned (wrapped) by every Store. Test for them with errors.Is.
var (
	// ErrNotExist means the object does not exist.
	ErrNotExist = errors.New("storage: object does not exist")

	// ErrExist means a write-once Put found the key holding different
	// content. The existing object is left as it was.
	ErrExist = errors.New("storage: object already exists")

	// ErrChecksum means the bytes read do not match the SHA-256 recorded
	// when the object was written, or no SHA-256 was recorded at all.
	ErrChecksum = errors.New("storage: checksum mismatch")

	// ErrInvalidKey means a key or list prefix is not of the form described
	// at ValidKey.
	ErrInvalidKey = errors.New("storage: invalid key")
)
