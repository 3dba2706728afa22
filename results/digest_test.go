package results

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/bitsweep/bitsweep/storage/file"
	"github.com/bitsweep/bitsweep/train"
)

func hexID(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// TestDigest writes a digest of three points (one without a result), reads
// it back equal to the stored result.json, and checks that a digest written
// later wins for a point two digests hold.
func TestDigest(t *testing.T) {
	ctx := context.Background()
	st, err := file.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	put := func(id string, loss float64) {
		b, _ := json.MarshalIndent(Record{PointID: id, Result: train.Result{Loss: loss, Version: train.Version}}, "", "  ")
		if _, err := st.Replace(ctx, PointKey(id, ResultFile), bytes.NewReader(b), int64(len(b))); err != nil {
			t.Fatal(err)
		}
	}
	a, b, missing := hexID("a"), hexID("b"), hexID("missing")
	put(a, 0.1)
	put(b, 0.2)
	n, err := WriteDigest(ctx, st, "s", 0, []string{a, b, missing}, 2)
	if err != nil || n != 2 {
		t.Fatalf("WriteDigest: %d, %v; want 2 points", n, err)
	}
	got, err := ReadDigests(ctx, st, "s")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[missing] != nil {
		t.Fatalf("digest holds %d points", len(got))
	}
	for id, loss := range map[string]float64{a: 0.1, b: 0.2} {
		var r Record
		if err := json.Unmarshal(got[id], &r); err != nil || r.PointID != id || r.Result.Loss != loss {
			t.Errorf("point %s: %+v, %v", id, r, err)
		}
	}
	// b recomputed, then digested by a chunk cut differently: the newer wins.
	time.Sleep(10 * time.Millisecond)
	put(b, 0.25)
	if _, err := WriteDigest(ctx, st, "s", 1, []string{b}, 1); err != nil {
		t.Fatal(err)
	}
	got, _ = ReadDigests(ctx, st, "s")
	var r Record
	json.Unmarshal(got[b], &r)
	if r.Result.Loss != 0.25 {
		t.Errorf("point b from the older digest (loss %v)", r.Result.Loss)
	}
	if _, err := WriteDigest(ctx, st, "s", 0, []string{"../x"}, 1); err == nil {
		t.Error("a digest of a malformed point ID was written")
	}
	if got, err := ReadDigests(ctx, st, "none"); err != nil || len(got) != 0 {
		t.Errorf("a sweep without digests: %v, %v", got, err)
	}
}
