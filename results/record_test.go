package results

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/file"
	"github.com/bitsweep/bitsweep/train"
)

func TestLayout(t *testing.T) {
	if got := PointKey("abcdef", ResultFile); got != "points/ab/abcdef/result.json" {
		t.Errorf("PointKey = %q", got)
	}
	if got := SweepKey("quick", "spec.yaml"); got != "sweeps/quick/spec.yaml" {
		t.Errorf("SweepKey = %q", got)
	}
	for _, k := range []string{PointKey("abcdef", ResultFile), SweepKey("quick", "manifest.jsonl")} {
		if err := storage.ValidKey(k); err != nil {
			t.Errorf("%q is not a valid store key: %v", k, err)
		}
	}
}

// TestLoadVerify writes a record and its artifact, then damages them in the
// ways a store can be damaged, and checks that each is reported as such.
func TestLoadVerify(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := file.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	put := func(key string, b []byte) {
		t.Helper()
		if _, err := st.Put(ctx, key, bytes.NewReader(b), int64(len(b))); err != nil {
			t.Fatal(err)
		}
	}
	const id = "ab12"
	art := []byte("matrix bytes")
	rec := Record{PointID: id, Result: train.Result{Loss: 0.25, Version: train.Version},
		Artifacts: map[string]Artifact{"B.npy": {Key: PointKey(id, "B.npy"), SHA256: storage.SHA256Hex(art), Size: int64(len(art))}}}
	b, _ := json.Marshal(rec)
	put(PointKey(id, "B.npy"), art)
	put(PointKey(id, ResultFile), b)

	got, err := Load(ctx, st, id)
	if err != nil || got.Result.Loss != 0.25 {
		t.Fatalf("Load: %+v, %v", got, err)
	}
	if err := Verify(ctx, st, got); err != nil {
		t.Errorf("Verify of an intact point: %v", err)
	}
	if ok, err := Exists(ctx, st, id); !ok || err != nil {
		t.Errorf("Exists = %v, %v", ok, err)
	}
	if ok, err := Exists(ctx, st, "cd34"); ok || err != nil {
		t.Errorf("Exists(missing) = %v, %v", ok, err)
	}
	if _, err := Load(ctx, st, "cd34"); !errors.Is(err, storage.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want ErrNotExist", err)
	}

	// result.json that names the wrong point.
	other, _ := json.Marshal(Record{PointID: "zz"})
	put(PointKey("ef56", ResultFile), other)
	if _, err := Load(ctx, st, "ef56"); err == nil {
		t.Error("Load accepted a result naming another point")
	}

	// The artifact's checksum in result.json disagrees with the bytes.
	bad := *got
	bad.Artifacts = map[string]Artifact{"B.npy": {Key: PointKey(id, "B.npy"), SHA256: storage.SHA256Hex([]byte("other"))}}
	if err := Verify(ctx, st, &bad); !errors.Is(err, storage.ErrChecksum) {
		t.Errorf("Verify with a wrong checksum = %v, want ErrChecksum", err)
	}

	// The artifact corrupted on disk: the store's own checksum catches it.
	p := filepath.Join(dir, filepath.FromSlash(PointKey(id, "B.npy")))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	data[0] ^= 1
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Verify(ctx, st, got); !errors.Is(err, storage.ErrChecksum) {
		t.Errorf("Verify of a corrupted artifact = %v, want ErrChecksum", err)
	}
}
