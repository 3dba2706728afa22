package results

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/train"
)

// oneObject is a read-only storage.Store holding one object, for FuzzLoad.
// Like the real stores it refuses invalid keys.
type oneObject struct {
	key  string
	data []byte
}

var errReadOnly = errors.New("oneObject: read-only")

func (s oneObject) Get(_ context.Context, key string) ([]byte, error) {
	if err := storage.ValidKey(key); err != nil {
		return nil, fmt.Errorf("get %q: %w", key, err)
	}
	if key != s.key {
		return nil, fmt.Errorf("get %q: %w", key, storage.ErrNotExist)
	}
	return bytes.Clone(s.data), nil
}

func (s oneObject) Stat(ctx context.Context, key string) (storage.ObjectInfo, error) {
	b, err := s.Get(ctx, key)
	if err != nil {
		return storage.ObjectInfo{}, err
	}
	return storage.ObjectInfo{Key: key, Size: int64(len(b)), SHA256: storage.SHA256Hex(b)}, nil
}

func (s oneObject) Put(context.Context, string, io.Reader, int64) (storage.ObjectInfo, error) {
	return storage.ObjectInfo{}, errReadOnly
}

func (s oneObject) Replace(context.Context, string, io.Reader, int64) (storage.ObjectInfo, error) {
	return storage.ObjectInfo{}, errReadOnly
}

func (s oneObject) List(context.Context, string, func(storage.ObjectInfo) error) error {
	return errReadOnly
}

func (s oneObject) Delete(context.Context, string) error { return errReadOnly }
func (s oneObject) String() string                       { return "mem://one" }

// validRecord is a complete result.json of point id.
func validRecord(tb testing.TB, id string) []byte {
	tb.Helper()
	loss := 0.36338
	rec := Record{
		PointID: id,
		Result: train.Result{
			Config: train.Config{Source: "gaussian", Sparsity: 1, Rate: 1, Dim: 8, Arch: "linear", Layers: 1,
				Steps: 10, Batch: 256, LR: 0.002, Optimizer: "adam", Init: "gaussian", STE: "identity",
				Schedule: "tail", EvalSamples: 8192, Seed: 1},
			N: 8, Loss: 0.4, LossRaw: 0.41, TrainLoss: 0.42, EvalRows: 8192, Steps: 10, Seconds: 0.5,
			Params:  map[string]float64{"alpha": 0.79},
			Curve:   []train.CurvePoint{{}},
			Backend: "gonum", Version: train.Version,
		},
		Artifacts: map[string]Artifact{"B.npy": {Key: PointKey(id, "B.npy"), SHA256: storage.SHA256Hex([]byte("b")), Size: 1}},
		Worker:    "host/1", Attempt: 2, Resumed: true,
		Finished: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC),
	}
	rec.Result.Theory.Expected = &loss
	b, err := json.Marshal(rec)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// FuzzLoad feeds arbitrary bytes to Load as the result.json of a point with
// an arbitrary ID. Load must never panic, and must return either a Record
// naming that point or an error, never both or neither; a Record it
// returns must encode again, to JSON that decodes to the same Record.
func FuzzLoad(f *testing.F) {
	const id = "ab12cd34"
	f.Add(id, validRecord(f, id))
	f.Add(id, []byte(`{"point_id":"ab12cd34"}`))
	f.Add(id, []byte(`{"point_id":"ef56"}`))
	f.Add("x", []byte(`{"point_id":"x","result":{"loss":1e400}}`))
	f.Add("../../etc", []byte(`{"point_id":"../../etc"}`))
	f.Add(id, []byte(`null`))
	f.Fuzz(func(t *testing.T, id string, b []byte) {
		st := oneObject{key: PointKey(id, ResultFile), data: b}
		r, err := Load(context.Background(), st, id)
		if (r == nil) == (err == nil) {
			t.Fatalf("Load returned %+v and %v", r, err)
		}
		if err != nil {
			return
		}
		if r.PointID != id {
			t.Fatalf("Load of point %q returned the record of %q", id, r.PointID)
		}
		enc, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("a loaded record does not encode: %v", err)
		}
		var back Record
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("a re-encoded record does not decode: %v\n%s", err, enc)
		}
		again, err := json.Marshal(&back)
		if err != nil || !bytes.Equal(enc, again) {
			t.Fatalf("the record changes when encoded again (%v):\n%s\n%s", err, enc, again)
		}
	})
}

// TestLoadRejectsHostileIDs checks that the IDs that would leave a point's
// prefix never reach storage: the key is refused (by the store, as
// storage.ValidKey requires).
func TestLoadRejectsHostileIDs(t *testing.T) {
	for _, id := range []string{"", "..", "../x", "ab/../../sweeps/x", "/abs", "a\x00b", "ab cd"} {
		b := []byte(`{"point_id":` + fmt.Sprintf("%q", id) + `}`)
		st := oneObject{key: PointKey(id, ResultFile), data: b}
		if r, err := Load(context.Background(), st, id); err == nil {
			t.Errorf("Load(%q) = %+v, want an error", id, r)
		} else if !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Load(%q): %v, want ErrInvalidKey", id, err)
		}
	}
}
