package file_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/file"
	"github.com/bitsweep/bitsweep/storage/storagetest"
)

func newStore(t *testing.T) *file.Store {
	t.Helper()
	s, err := file.New(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storagetest.RunWith(t,
		func(t *testing.T) storage.Store {
			s := newStore(t)
			t.Cleanup(func() { assertNoTemp(t, s.Dir()) })
			return s
		},
		storagetest.Options{Corrupt: corrupt})
}

// corrupt flips one byte of the object's file in place.
func corrupt(t *testing.T, s storage.Store, key string) {
	t.Helper()
	name := filepath.Join(s.(*file.Store).Dir(), filepath.FromSlash(key))
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x40
	f, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(b[len(b)/2:len(b)/2+1], int64(len(b)/2)); err != nil {
		t.Fatal(err)
	}
}

// assertNoTemp fails if a temp file was left anywhere under dir.
func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "~tmp-") {
			t.Errorf("temp file left behind: %s", p)
		}
		return nil
	})
}

func TestLayout(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	data := []byte("\x93NUMPY plain bytes")
	info, err := s.Put(ctx, "runs/p1/W.npy", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(s.Dir(), "runs", "p1", "W.npy"))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("object file = %q, %v; want the plain content", got, err)
	}
	side, err := os.ReadFile(filepath.Join(s.Dir(), ".bitsweep~", "sha256", "runs", "p1", "W.npy"))
	if err != nil || string(side) != info.SHA256+"\n" {
		t.Fatalf("sidecar = %q, %v; want %q", side, err, info.SHA256+"\n")
	}
	if want := "file://" + filepath.ToSlash(s.Dir()); s.String() != want {
		t.Errorf("String() = %q, want %q", s.String(), want)
	}
}

func TestMissingSidecar(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	// An object put there by hand (or whose sidecar was lost).
	if err := os.WriteFile(filepath.Join(s.Dir(), "manual.json"), []byte("{}"), 0o666); err != nil {
		t.Fatal(err)
	}
	info, err := s.Stat(ctx, "manual.json")
	if err != nil || info.SHA256 != "" || info.Size != 2 {
		t.Fatalf("Stat = %+v, %v; want size 2 and no checksum", info, err)
	}
	if _, err := s.Get(ctx, "manual.json"); !errors.Is(err, storage.ErrChecksum) {
		t.Fatalf("Get without sidecar: error = %v, want ErrChecksum", err)
	}
	if _, err := s.Put(ctx, "manual.json", strings.NewReader("[]"), 2); !errors.Is(err, storage.ErrExist) {
		t.Fatalf("Put of other content: error = %v, want ErrExist", err)
	}
	// Put of the same content records the checksum.
	if _, err := s.Put(ctx, "manual.json", strings.NewReader("{}"), 2); err != nil {
		t.Fatalf("Put of same content: %v", err)
	}
	if got, err := s.Get(ctx, "manual.json"); err != nil || string(got) != "{}" {
		t.Fatalf("Get after repair = %q, %v", got, err)
	}
}

func TestOrphanSidecar(t *testing.T) {
	// A crash between the two renames of a commit leaves a sidecar
	// without data: the object does not exist and any content may be put.
	s := newStore(t)
	ctx := t.Context()
	if _, err := s.Put(ctx, "x", strings.NewReader("old"), 3); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(s.Dir(), "x")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(ctx, "x"); !errors.Is(err, storage.ErrNotExist) {
		t.Fatalf("Stat: error = %v, want ErrNotExist", err)
	}
	if _, err := s.Put(ctx, "x", strings.NewReader("new"), 3); err != nil {
		t.Fatalf("Put over orphan sidecar: %v", err)
	}
	if got, err := s.Get(ctx, "x"); err != nil || string(got) != "new" {
		t.Fatalf("Get = %q, %v", got, err)
	}
}

func TestIgnoresForeignFiles(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	for _, name := range []string{"~tmp-LEFTOVER", "a/~tmp-X", "has space", "a/b~", "sub dir/x"} {
		p := filepath.Join(s.Dir(), filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o777)
		if err := os.WriteFile(p, []byte("junk"), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Put(ctx, "a/ok", strings.NewReader("ok"), 2); err != nil {
		t.Fatal(err)
	}
	var keys []string
	s.List(ctx, "", func(oi storage.ObjectInfo) error { keys = append(keys, oi.Key); return nil })
	if len(keys) != 1 || keys[0] != "a/ok" {
		t.Fatalf("List = %q, want only a/ok", keys)
	}
}

func TestSymlinks(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("outside"), 0o666); err != nil {
		t.Fatal(err)
	}
	// An absolute link to a directory outside, a relative one climbing out,
	// and a link to a file outside.
	must(t, os.Symlink(outside, filepath.Join(s.Dir(), "abs")))
	must(t, os.Symlink("../"+filepath.Base(outside), filepath.Join(s.Dir(), "rel")))
	must(t, os.MkdirAll(filepath.Join(s.Dir(), "d"), 0o777))
	must(t, os.Symlink(secret, filepath.Join(s.Dir(), "d", "secret")))

	for _, key := range []string{"abs/secret", "rel/secret", "d/secret"} {
		if b, err := s.Get(ctx, key); err == nil || errors.Is(err, storage.ErrChecksum) && b != nil {
			t.Errorf("Get(%q) through an escaping symlink = %q, %v; want an error", key, b, err)
		}
		if _, err := s.Stat(ctx, key); err == nil {
			t.Errorf("Stat(%q) through an escaping symlink succeeded", key)
		}
	}
	for _, key := range []string{"abs/new", "rel/new", "abs/sub/new"} {
		if _, err := s.Put(ctx, key, strings.NewReader("x"), 1); err == nil {
			t.Errorf("Put(%q) through an escaping symlink succeeded", key)
		}
		if _, err := s.Replace(ctx, key, strings.NewReader("x"), 1); err == nil {
			t.Errorf("Replace(%q) through an escaping symlink succeeded", key)
		}
	}
	entries, _ := os.ReadDir(outside)
	if len(entries) != 1 {
		t.Errorf("files appeared outside the store: %v", entries)
	}
	var keys []string
	if err := s.List(ctx, "", func(oi storage.ObjectInfo) error { keys = append(keys, oi.Key); return nil }); err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(keys) != 0 {
		t.Errorf("List followed escaping links: %q", keys)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// mountTmpfs mounts a small tmpfs at a new directory, or skips the test
// where mounting is not allowed (not root, no CAP_SYS_ADMIN).
func mountTmpfs(t *testing.T, size string, flags uintptr) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs to test on (%v); needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

func TestDiskFull(t *testing.T) {
	dir := mountTmpfs(t, "1m", 0)
	s, err := file.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	big := bytes.Repeat([]byte("x"), 2<<20)
	for _, op := range []string{"put", "replace"} {
		var err error
		if op == "put" {
			_, err = s.Put(ctx, "big/W.npy", bytes.NewReader(big), int64(len(big)))
		} else {
			_, err = s.Replace(ctx, "big/W.npy", bytes.NewReader(big), int64(len(big)))
		}
		if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), op+` "big/W.npy"`) {
			t.Errorf("%s on a full disk: error = %v, want a 'disk full' error wrapping ENOSPC", op, err)
		}
	}
	assertNoTemp(t, dir)
	if _, err := s.Stat(ctx, "big/W.npy"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("Stat after failed Put: %v", err)
	}
	// The space is free again: a small object fits.
	if _, err := s.Put(ctx, "small", strings.NewReader("fits"), 4); err != nil {
		t.Errorf("Put after a failed big Put: %v", err)
	}
}

func TestReadOnly(t *testing.T) {
	dir := mountTmpfs(t, "4m", 0)
	s, err := file.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := s.Put(ctx, "runs/result.json", strings.NewReader("{}"), 2); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount read-only: %v", err)
	}
	s, err = file.New(dir)
	if err != nil {
		t.Fatalf("New on a read-only file system: %v", err)
	}
	defer s.Close()
	if got, err := s.Get(ctx, "runs/result.json"); err != nil || string(got) != "{}" {
		t.Errorf("Get on read-only file system = %q, %v", got, err)
	}
	if _, err := s.Stat(ctx, "runs/result.json"); err != nil {
		t.Errorf("Stat on read-only file system: %v", err)
	}
	_, err = s.Put(ctx, "runs/W.npy", strings.NewReader("x"), 1)
	if !errors.Is(err, syscall.EROFS) || !strings.Contains(err.Error(), "read-only file system") {
		t.Errorf("Put on read-only file system: error = %v, want a 'read-only file system' error wrapping EROFS", err)
	}
	if err := s.Delete(ctx, "runs/result.json"); !errors.Is(err, syscall.EROFS) {
		t.Errorf("Delete on read-only file system: error = %v, want EROFS", err)
	}
}

// TestCrossProcess races Puts of one key from several processes: the flock
// must make exactly one content win across processes, as it does across
// goroutines.
func TestCrossProcess(t *testing.T) {
	if dir := os.Getenv("BITSWEEP_FILE_HELPER_DIR"); dir != "" {
		helperProcess(dir)
		return
	}
	dir := t.TempDir()
	const procs = 6
	for round := range 3 {
		cmds := make([]*exec.Cmd, procs)
		outs := make([]bytes.Buffer, procs)
		for i := range cmds {
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrossProcess$")
			cmd.Env = append(os.Environ(),
				"BITSWEEP_FILE_HELPER_DIR="+dir,
				fmt.Sprintf("BITSWEEP_FILE_HELPER_KEY=race/%d", round),
				fmt.Sprintf("BITSWEEP_FILE_HELPER_CONTENT=content-%d", i%2))
			cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
			must(t, cmd.Start())
			cmds[i] = cmd
		}
		results := map[string]int{}
		for i, cmd := range cmds {
			cmd.Wait()
			line := outs[i].String()
			switch {
			case strings.Contains(line, "RESULT ok content-0"):
				results["ok0"]++
			case strings.Contains(line, "RESULT ok content-1"):
				results["ok1"]++
			case strings.Contains(line, "RESULT exist"):
				results["exist"]++
			default:
				t.Fatalf("helper %d: %s", i, line)
			}
		}
		if !(results["ok0"] == procs/2 && results["exist"] == procs/2) && !(results["ok1"] == procs/2 && results["exist"] == procs/2) {
			t.Errorf("round %d: results %v, want one content to win for all its writers", round, results)
		}
	}
}

func helperProcess(dir string) {
	s, err := file.New(dir)
	if err != nil {
		fmt.Println("RESULT error", err)
		return
	}
	content := os.Getenv("BITSWEEP_FILE_HELPER_CONTENT")
	_, err = s.Put(context.Background(), os.Getenv("BITSWEEP_FILE_HELPER_KEY"), strings.NewReader(content), int64(len(content)))
	switch {
	case err == nil:
		fmt.Println("RESULT ok", content)
	case errors.Is(err, storage.ErrExist):
		fmt.Println("RESULT exist")
	default:
		fmt.Println("RESULT error", err)
	}
}

func TestMetaDirRemoved(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	if _, err := s.Put(ctx, "a", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	must(t, os.RemoveAll(filepath.Join(s.Dir(), ".bitsweep~")))
	// The object lost its checksum record; the store itself keeps working.
	if _, err := s.Get(ctx, "a"); !errors.Is(err, storage.ErrChecksum) {
		t.Fatalf("Get: error = %v, want ErrChecksum", err)
	}
	if _, err := s.Put(ctx, "b/c", strings.NewReader("y"), 1); err != nil {
		t.Fatalf("Put after removing .bitsweep~: %v", err)
	}
	if got, err := s.Get(ctx, "b/c"); err != nil || string(got) != "y" {
		t.Fatalf("Get = %q, %v", got, err)
	}
}

// TestDirRemovedBehindStore: the Store remembers the directories it made;
// when one is removed by someone else (an object directory, then the
// sidecars' one), the next put makes it again instead of failing.
func TestDirRemovedBehindStore(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	put := func(key, body string) {
		t.Helper()
		if _, err := s.Put(ctx, key, strings.NewReader(body), int64(len(body))); err != nil {
			t.Fatalf("put %s: %v", key, err)
		}
		got, err := s.Get(ctx, key)
		if err != nil || string(got) != body {
			t.Fatalf("get %s = %q, %v; want %q", key, got, err, body)
		}
	}
	put("points/ab/x/a.json", "1")
	if err := os.RemoveAll(filepath.Join(s.Dir(), "points")); err != nil {
		t.Fatal(err)
	}
	put("points/ab/x/b.json", "2")
	if err := os.RemoveAll(filepath.Join(s.Dir(), ".bitsweep~", "sha256", "points")); err != nil {
		t.Fatal(err)
	}
	put("points/ab/x/c.json", "3")
}
