// Package file implements storage.Store in a local directory.
//
// # Layout
//
// An object is a plain file at <dir>/<key>, so results can be used in place
// (np.load("<dir>/runs/p1/W.npy")). Its SHA-256 is kept in a sidecar file
// <dir>/.bitsweep~/sha256/<key> holding the lowercase hex digest and a
// newline. The lock file <dir>/.bitsweep~/lock serializes commits. "~" is
// not a key character (see storage.ValidKey), so neither the ".bitsweep~"
// directory nor temp files ("~tmp-*") can collide with a key, and List
// ignores every name that is not a valid key segment.
//
// # Writes
//
// Put and Replace stream the content into a temp file in the key's own
// directory (hashing it on the way), fsync it, and write the sidecar the
// same way. Only then, under an exclusive flock of the lock file, they
// commit: Put looks at what the key holds — nothing (go ahead), the same
// SHA-256 (succeed without writing), different content (ErrExist) — and
// renames the sidecar and then the data file into place and fsyncs both
// directories. Rename is atomic, so readers see the old object or the new
// one, never a partial file; the lock makes check-and-rename atomic across
// goroutines and processes (flock is per open file description, and every
// acquisition opens the lock file anew). Whatever fails, the temp files are
// removed; a failure caused by a full disk, an exhausted quota or a
// read-only file system says so first ("disk full: ...").
//
// A crash between the two renames leaves a sidecar without data, which
// reads as "does not exist" and is overwritten by the next Put. Temp files
// left by a crash are ignored by List and may be deleted by hand.
//
// # Reads
//
// Get reads the data, then the sidecar, without locking; if they do not
// match it reads both again under a shared lock, so that a concurrent
// Replace (sidecar renamed, data not yet) is not mistaken for corruption.
// Stat and List read each object's size and checksum under a shared lock.
// On a read-only file system without a lock file reads go on unlocked,
// since nothing can write there anyway.
//
// # Symlinks
//
// All access goes through an os.Root: symbolic links inside the directory
// are followed, but a link (or "..") leading outside it is refused with an
// error, so a key can never read or write outside the store.
//
// # Limits
//
// Keys "a" and "a/b" cannot both exist (a file is not a directory); Put of
// the second fails with an error that is not ErrExist. On a case-insensitive
// file system keys differing only in case collide. Delete leaves empty
// directories behind. Locking uses flock(2) on Unix, which works on local
// file systems and NFSv4; elsewhere it only serializes within one process.
package file
