package union

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/file"
)

// two returns the union of two file stores: a holds k1 and k2, b holds a
// different k2 and k3.
func two(t *testing.T) (*Store, string) {
	t.Helper()
	ctx := context.Background()
	dirA, dirB := t.TempDir(), t.TempDir()
	a, err := file.New(dirA)
	if err != nil {
		t.Fatal(err)
	}
	b, err := file.New(dirB)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []struct {
		s        storage.Store
		key, val string
	}{{a, "points/k1", "a1"}, {a, "points/k2", "a2"}, {b, "points/k2", "b2"}, {b, "points/k3", "b3"}, {b, "sweeps/x", "bx"}} {
		if _, err := o.s.Put(ctx, o.key, strings.NewReader(o.val), int64(len(o.val))); err != nil {
			t.Fatal(err)
		}
	}
	u, err := New(a, b)
	if err != nil {
		t.Fatal(err)
	}
	return u, dirA
}

func TestGetStat(t *testing.T) {
	ctx := context.Background()
	u, _ := two(t)
	for key, want := range map[string]string{"points/k1": "a1", "points/k2": "a2", "points/k3": "b3"} {
		got, err := u.Get(ctx, key)
		if err != nil || string(got) != want {
			t.Errorf("Get(%s) = %q, %v; want %q (first store first)", key, got, err, want)
		}
		info, err := u.Stat(ctx, key)
		if err != nil || info.Size != int64(len(want)) {
			t.Errorf("Stat(%s) = %+v, %v", key, info, err)
		}
	}
	if _, err := u.Get(ctx, "points/nope"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("Get(missing) error = %v, want ErrNotExist", err)
	}
	if _, err := u.Stat(ctx, "points/nope"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("Stat(missing) error = %v, want ErrNotExist", err)
	}
}

func TestList(t *testing.T) {
	ctx := context.Background()
	u, _ := two(t)
	var keys, vals []string
	if err := u.List(ctx, "points/", func(o storage.ObjectInfo) error {
		keys = append(keys, o.Key)
		vals = append(vals, o.SHA256)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(keys, " "); got != "points/k1 points/k2 points/k3" {
		t.Errorf("List(points/) = %s, want each key once, in order", got)
	}
	// k2 is listed with the first store's checksum, the copy Get returns.
	if a2, _ := u.Stat(ctx, "points/k2"); len(vals) == 3 && vals[1] != a2.SHA256 {
		t.Errorf("List gave k2 the SHA-256 %s, Stat %s", vals[1], a2.SHA256)
	}
	keys = nil
	_ = u.List(ctx, "", func(o storage.ObjectInfo) error { keys = append(keys, o.Key); return nil })
	if len(keys) != 4 {
		t.Errorf("List(\"\") = %v, want 4 keys", keys)
	}
	stop := errors.New("stop")
	n := 0
	if err := u.List(ctx, "", func(storage.ObjectInfo) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("List with a failing fn = %v after %d calls, want that error after 1", err, n)
	}
}

func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	u, _ := two(t)
	if _, err := u.Put(ctx, "points/k4", strings.NewReader("x"), 1); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Put error = %v, want ErrReadOnly", err)
	}
	if _, err := u.Replace(ctx, "points/k1", strings.NewReader("x"), 1); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Replace error = %v, want ErrReadOnly", err)
	}
	if err := u.Delete(ctx, "points/k1"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Delete error = %v, want ErrReadOnly", err)
	}
	if got, err := u.Get(ctx, "points/k1"); err != nil || string(got) != "a1" {
		t.Errorf("after the refused writes Get(k1) = %q, %v", got, err)
	}
	if _, err := u.Get(ctx, "points/k4"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("the refused Put wrote something: %v", err)
	}
	if _, err := New(); err == nil {
		t.Error("New() with no stores succeeded")
	}
	if s := u.String(); !strings.HasPrefix(s, "union(file://") || strings.Count(s, "file://") != 2 {
		t.Errorf("String() = %q", s)
	}
}

// A damaged copy in the first store is reported, not replaced silently by
// another store's copy.
func TestDamagedCopy(t *testing.T) {
	ctx := context.Background()
	u, dirA := two(t)
	if err := os.WriteFile(filepath.Join(dirA, "points", "k2"), []byte("zz"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Get(ctx, "points/k2"); !errors.Is(err, storage.ErrChecksum) {
		t.Errorf("Get of a damaged first copy: error %v, want ErrChecksum", err)
	}
}
