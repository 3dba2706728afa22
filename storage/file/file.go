package file

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sync/semaphore"

	"github.com/bitsweep/bitsweep/storage"
)

const (
	metaDir   = ".bitsweep~"        // holds everything that is not an object
	sumDir    = metaDir + "/sha256" // sidecars: sumDir/<key>
	lockName  = metaDir + "/lock"   // flock(2) target
	tmpPrefix = "~tmp-"             // temp files, in the target's directory
	copyChunk = 1 << 20             // bytes between context checks
	// maxReaders is the weight of Store.local: a writer takes all of it,
	// a reader one unit (more concurrent readers than this wait).
	maxReaders = 1 << 30
)

// Store is a storage.Store in a local directory. See the package
// documentation for the layout and guarantees.
type Store struct {
	dir  string // absolute, cleaned
	root *os.Root
	// local orders this Store's own lockers before the flock: writers of
	// one process queue here, first come first served, instead of polling
	// the flock against each other (see lock).
	local *semaphore.Weighted
	// dirs holds the directories this Store made or found (string → true):
	// it never removes one, so a put into a known directory skips
	// MkdirAll's walk (a syscall per path element). A directory removed
	// behind its back is made again (see mkdirAll's callers).
	dirs sync.Map
}

var _ storage.Store = (*Store)(nil)

// New opens the directory dir as a Store, creating it (and its metadata
// directory) if needed. On a read-only file system an existing directory
// opens for reading.
func New(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o777); err != nil && !isReadOnly(err) {
		return nil, fmt.Errorf("open %q: %w", abs, explain(err))
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("open %q: %w", abs, err)
	}
	s := &Store{dir: abs, root: root, local: semaphore.NewWeighted(maxReaders)}
	if err := s.initMeta(); err != nil && !isReadOnly(err) {
		root.Close()
		return nil, fmt.Errorf("open %q: %w", abs, explain(err))
	}
	return s, nil
}

func (s *Store) initMeta() error {
	if err := s.root.MkdirAll(sumDir, 0o777); err != nil {
		return err
	}
	f, err := s.root.OpenFile(lockName, os.O_RDONLY|os.O_CREATE, 0o666)
	if err != nil {
		return err
	}
	return f.Close()
}

// Close releases the directory handle. The Store must not be used after.
func (s *Store) Close() error { return s.root.Close() }

// Dir returns the absolute directory of the store.
func (s *Store) Dir() string { return s.dir }

// String returns the store's file:// URL.
func (s *Store) String() string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(s.dir)}).String()
}

// Put implements storage.Store.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64) (storage.ObjectInfo, error) {
	info, err := s.write(ctx, key, r, size, false)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("put %q: %w", key, err)
	}
	return info, nil
}

// Replace implements storage.Store.
func (s *Store) Replace(ctx context.Context, key string, r io.Reader, size int64) (storage.ObjectInfo, error) {
	info, err := s.write(ctx, key, r, size, true)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("replace %q: %w", key, err)
	}
	return info, nil
}

func (s *Store) write(ctx context.Context, key string, r io.Reader, size int64, replace bool) (storage.ObjectInfo, error) {
	if err := storage.ValidKey(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, err
	}
	// Everything below happens inside the object's directory and the
	// sidecar's, each opened once as an os.Root of its own: an operation
	// on s.root resolves the whole key one element at a time (a syscall
	// each), and a put makes a dozen of them. The sub-roots are opened
	// within s.root, so a symlink still cannot lead out of the store.
	base := path.Base(key)
	dr, err := s.openDir(path.Dir(key))
	if err != nil {
		return storage.ObjectInfo{}, explain(err)
	}
	defer dr.Close()
	sr, err := s.openDir(path.Dir(path.Join(sumDir, key)))
	if err != nil {
		return storage.ObjectInfo{}, explain(err)
	}
	defer sr.Close()

	tmpData, sum, err := writeTemp(ctx, dr, r, size)
	if err != nil {
		return storage.ObjectInfo{}, explain(err)
	}
	// The temp files are removed unless renamed.
	var dataMoved, sumMoved bool
	defer func() {
		if !dataMoved {
			dr.Remove(tmpData)
		}
	}()
	tmpSum, _, err := writeTemp(ctx, sr, strings.NewReader(sum+"\n"), int64(len(sum)+1))
	if err != nil {
		return storage.ObjectInfo{}, explain(err)
	}
	defer func() {
		if !sumMoved {
			sr.Remove(tmpSum)
		}
	}()

	unlock, err := s.lock(ctx, true)
	if err != nil {
		return storage.ObjectInfo{}, explain(err)
	}
	locked := true
	defer func() {
		if locked {
			unlock()
		}
	}()
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, err
	}

	cur, err := currentAt(dr, base, sr, base)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	if cur.isDir {
		return storage.ObjectInfo{}, errors.New("key is a directory holding other keys")
	}
	if cur.exists && !replace {
		if cur.sum == "" { // no (valid) record: judge by the bytes on disk
			if cur.sum, err = hashFile(dr, base); err != nil {
				return storage.ObjectInfo{}, err
			}
			if cur.sum == sum { // repair the record
				if err := sr.Rename(tmpSum, base); err != nil {
					return storage.ObjectInfo{}, explain(err)
				}
				sumMoved = true
				if err := syncRoot(sr); err != nil {
					return storage.ObjectInfo{}, explain(err)
				}
			}
		}
		if cur.sum != sum {
			return storage.ObjectInfo{}, fmt.Errorf("%w with sha256 %s (new content has %s)", storage.ErrExist, cur.sum, sum)
		}
		return s.info(key, cur.fi, sum), nil
	}

	// Sidecar first: data without a sidecar would read as corrupt, a
	// sidecar without data reads as absent.
	if err := sr.Rename(tmpSum, base); err != nil {
		return storage.ObjectInfo{}, explain(err)
	}
	sumMoved = true
	if err := dr.Rename(tmpData, base); err != nil {
		return storage.ObjectInfo{}, explain(err)
	}
	dataMoved = true
	// The renames are the commit; the lock only has to cover them and the
	// check before. The directories are synced after it is released, so
	// that concurrent writers' syncs overlap instead of queueing behind
	// one lock (four syncs per put, two of them under the lock, made
	// every put wait for all the others). Put still returns only once both
	// renames are durable; what a crash can leave is what it could
	// before: both renames, the sidecar's alone (reads as absent), or
	// neither.
	unlock()
	locked = false
	if err := syncRoot(sr); err != nil {
		return storage.ObjectInfo{}, explain(err)
	}
	if err := syncRoot(dr); err != nil {
		return storage.ObjectInfo{}, explain(err)
	}
	fi, err := dr.Stat(base)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	return s.info(key, fi, sum), nil
}

// openDir opens the directory dir of the store as an os.Root, making it
// (and its parents) first unless this Store knows it exists; one that was
// removed behind the Store's back is made again.
func (s *Store) openDir(dir string) (*os.Root, error) {
	if err := s.mkdirAll(dir); err != nil {
		return nil, err
	}
	r, err := s.root.OpenRoot(dir)
	if isNotExist(err) {
		s.dirs.Delete(dir)
		if err := s.mkdirAll(dir); err != nil {
			return nil, err
		}
		r, err = s.root.OpenRoot(dir)
	}
	return r, err
}

// syncRoot fsyncs the directory of r.
func syncRoot(r *os.Root) error { return syncIn(r, ".") }

// mkdirAll makes dir and its parents unless this Store knows it exists.
func (s *Store) mkdirAll(dir string) error {
	if _, ok := s.dirs.Load(dir); ok {
		return nil
	}
	if err := s.root.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	s.dirs.Store(dir, true)
	return nil
}

// writeTemp copies r into a new temp file in the directory dir, fsyncs and
// closes it, and returns its name in dir and the hex SHA-256 of what was
// written. On error no temp file is left.
func writeTemp(ctx context.Context, dir *os.Root, r io.Reader, size int64) (name, sum string, err error) {
	tmp := tmpPrefix + rand.Text()
	f, err := dir.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return "", "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			dir.Remove(tmp)
		}
	}()
	if size >= 0 {
		r = io.LimitReader(r, size+1)
	}
	h := sha256.New()
	// A buffer the size of the object, up to copyChunk: most objects (a
	// sidecar, result.json, curve.csv) are far smaller, and a fresh 1 MiB
	// buffer for each was most of a small put's CPU (clearing it, then
	// collecting it).
	bufSize := copyChunk
	if size >= 0 {
		bufSize = int(min(int64(copyChunk), max(512, size+1)))
	}
	n, err := io.CopyBuffer(io.MultiWriter(f, h), storage.ContextReader(ctx, r), make([]byte, bufSize))
	if err != nil {
		return "", "", err
	}
	if size >= 0 && n != size {
		return "", "", storage.SizeError(size, n)
	}
	if err := f.Sync(); err != nil {
		return "", "", err
	}
	if err := f.Close(); err != nil {
		return "", "", err
	}
	return tmp, hex.EncodeToString(h.Sum(nil)), nil
}

// state is what a key holds on disk.
type state struct {
	exists bool        // a regular file is at the key
	isDir  bool        // a directory is at the key (a prefix of other keys)
	fi     os.FileInfo // when exists
	sum    string      // recorded checksum; "" if none or malformed
}

// current reports what key holds. Callers hold the lock when it matters.
func (s *Store) current(key string) (state, error) {
	return currentAt(s.root, key, s.root, path.Join(sumDir, key))
}

// currentAt reports what the object name in dr holds, with its sidecar
// sidecar in sr.
func currentAt(dr *os.Root, name string, sr *os.Root, sidecar string) (state, error) {
	fi, err := dr.Stat(name)
	switch {
	case isNotExist(err):
		return state{}, nil
	case err != nil:
		return state{}, err
	case fi.IsDir():
		return state{isDir: true}, nil
	case !fi.Mode().IsRegular():
		return state{}, fmt.Errorf("not a regular file: %v", fi.Mode())
	}
	sum, err := readSumAt(sr, sidecar)
	if err != nil {
		return state{}, err
	}
	return state{exists: true, fi: fi, sum: sum}, nil
}

// readSum returns the recorded checksum of key, or "" if there is none or it
// is malformed.
func (s *Store) readSum(key string) (string, error) {
	return readSumAt(s.root, path.Join(sumDir, key))
}

// readSumAt returns the checksum in the sidecar file name of r, or "" if
// there is none or it is malformed.
func readSumAt(r *os.Root, name string) (string, error) {
	b, err := r.ReadFile(name)
	if isNotExist(err) || errors.Is(err, syscall.EISDIR) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return parseSum(b), nil
}

// parseSum returns the checksum a sidecar holds, or "" if it is malformed.
func parseSum(b []byte) string {
	sum := string(bytes.TrimSpace(b))
	if len(sum) != sha256.Size*2 || strings.Trim(sum, "0123456789abcdef") != "" {
		return ""
	}
	return sum
}

func hashFile(dir *os.Root, name string) (string, error) {
	f, err := dir.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (s *Store) syncDir(dir string) error { return syncIn(s.root, dir) }

// syncIn fsyncs the directory dir of r.
func syncIn(r *os.Root, dir string) error {
	d, err := r.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err // EINVAL: the file system cannot sync directories
	}
	return nil
}

func (s *Store) info(key string, fi os.FileInfo, sum string) storage.ObjectInfo {
	return storage.ObjectInfo{Key: key, Size: fi.Size(), SHA256: sum, Modified: fi.ModTime()}
}

// Get implements storage.Store.
func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {
	data, err := s.get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("get %q: %w", key, err)
	}
	return data, nil
}

func (s *Store) get(ctx context.Context, key string) ([]byte, error) {
	if err := storage.ValidKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, sum, err := s.readObject(key)
	if err != nil || storage.Verify(data, sum) == nil {
		return data, err
	}
	// Mismatch: a Replace may be between its two renames. Look again while
	// no commit can run.
	unlock, err := s.lock(ctx, false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if data, sum, err = s.readObject(key); err != nil {
		return nil, err
	}
	if err := storage.Verify(data, sum); err != nil {
		return nil, err
	}
	return data, nil
}

func (s *Store) readObject(key string) (data []byte, sum string, err error) {
	data, err = s.root.ReadFile(key)
	if isNotExist(err) || errors.Is(err, syscall.EISDIR) {
		return nil, "", storage.ErrNotExist
	}
	if err != nil {
		return nil, "", err
	}
	sum, err = s.readSum(key)
	return data, sum, err
}

// Stat implements storage.Store.
func (s *Store) Stat(ctx context.Context, key string) (storage.ObjectInfo, error) {
	if err := storage.ValidKey(key); err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("stat %q: %w", key, err)
	}
	info, err := s.stat(ctx, key)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("stat %q: %w", key, err)
	}
	return info, nil
}

func (s *Store) stat(ctx context.Context, key string) (storage.ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return storage.ObjectInfo{}, err
	}
	unlock, err := s.lock(ctx, false)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	defer unlock()
	cur, err := s.current(key)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	if !cur.exists {
		return storage.ObjectInfo{}, storage.ErrNotExist
	}
	return s.info(key, cur.fi, cur.sum), nil
}

// List implements storage.Store.
func (s *Store) List(ctx context.Context, prefix string, fn func(storage.ObjectInfo) error) error {
	if err := storage.ValidPrefix(prefix); err != nil {
		return fmt.Errorf("list %q: %w", prefix, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("list %q: %w", prefix, err)
	}
	keys, err := s.keys(ctx, prefix)
	if err != nil {
		return fmt.Errorf("list %q: %w", prefix, err)
	}
	for _, key := range keys {
		info, err := s.stat(ctx, key)
		if errors.Is(err, storage.ErrNotExist) {
			continue // deleted since the walk
		}
		if err != nil {
			return fmt.Errorf("list %q: %w", prefix, err)
		}
		if err := fn(info); err != nil {
			return err
		}
	}
	return nil
}

// keys returns the sorted keys of regular files starting with prefix. A
// directory walk does not give byte-wise key order ("a/b" comes before
// "a.txt" in a walk but after it as a key), hence the sort.
func (s *Store) keys(ctx context.Context, prefix string) ([]string, error) {
	start, _ := storage.SplitPrefix(prefix)
	start = strings.TrimSuffix(start, "/")
	if start == "" {
		start = "."
	}
	var keys []string
	err := fs.WalkDir(s.root.FS(), start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == start && (isNotExist(err) || errors.Is(err, syscall.ENOTDIR)) {
				return fs.SkipAll // nothing under the prefix
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		if storage.ValidKey(d.Name()) != nil { // metadata, temp files, foreign names
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			// Skip directories that cannot hold matching keys.
			if !strings.HasPrefix(p+"/", prefix) && !strings.HasPrefix(prefix, p+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(p, prefix) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			fi, err := s.root.Stat(p)
			if err != nil || !fi.Mode().IsRegular() {
				return nil // dangling, escaping or not a file
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		keys = append(keys, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(keys)
	return keys, nil
}

// Delete implements storage.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.delete(ctx, key); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	return nil
}

func (s *Store) delete(ctx context.Context, key string) error {
	if err := storage.ValidKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	unlock, err := s.lock(ctx, true)
	if err != nil {
		return explain(err)
	}
	defer unlock()
	fi, err := s.root.Lstat(key)
	switch {
	case isNotExist(err):
	case err != nil:
		return err
	case fi.IsDir():
		return nil // a prefix of other keys, not an object
	default:
		if err := s.root.Remove(key); err != nil && !isNotExist(err) {
			return explain(err)
		}
		if err := s.syncDir(path.Dir(key)); err != nil {
			return explain(err)
		}
	}
	// Data first, then the record: a sidecar without data reads as absent.
	sidecar := path.Join(sumDir, key)
	if fi, err := s.root.Lstat(sidecar); err == nil && !fi.IsDir() {
		if err := s.root.Remove(sidecar); err != nil && !isNotExist(err) {
			return explain(err)
		}
	}
	return nil
}

func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
