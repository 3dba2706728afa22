package results

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/train"
)

// Artifact locates one stored file of a point.
type Artifact struct {
	Key    string `json:"key"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Record is result.json: the trainer's Result plus where its files are and
// who computed it.
type Record struct {
	PointID   string              `json:"point_id"`
	Result    train.Result        `json:"result"`
	Artifacts map[string]Artifact `json:"artifacts"` // by file name: B.npy, A.npy, params.json, curve.csv
	Worker    string              `json:"worker"`    // host name and process of the worker
	Attempt   int32               `json:"attempt"`   // Temporal activity attempt that finished it
	Resumed   bool                `json:"resumed"`   // continued from a checkpoint
	Finished  time.Time           `json:"finished"`
}

// ErrDecode is wrapped by Load's error when result.json is readable but not
// a Record of the point.
var ErrDecode = errors.New("invalid result.json")

// Load reads and decodes the Record of a point. It returns an error wrapping
// storage.ErrNotExist if the point has no result, storage.ErrChecksum if
// result.json is damaged, ErrDecode if it does not decode to a Record of
// the point.
func Load(ctx context.Context, st storage.Store, id string) (*Record, error) {
	b, err := st.Get(ctx, PointKey(id, ResultFile))
	if err != nil {
		return nil, fmt.Errorf("load result of point %s: %w", id, err)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode result of point %s: %w: %w", id, ErrDecode, err)
	}
	if r.PointID != id {
		return nil, fmt.Errorf("result of point %s: %w: it names point %q", id, ErrDecode, r.PointID)
	}
	return &r, nil
}

// Exists reports whether a point has a result.
func Exists(ctx context.Context, st storage.Store, id string) (bool, error) {
	_, err := st.Stat(ctx, PointKey(id, ResultFile))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, storage.ErrNotExist):
		return false, nil
	}
	return false, fmt.Errorf("stat result of point %s: %w", id, err)
}

// Verify fetches every artifact of r and checks it against the checksum in
// the record (the store also checks its own checksum on read), in the order
// of the artifacts' names, so that the problem reported is the same on
// every run. It returns the first problem found, naming the file.
func Verify(ctx context.Context, st storage.Store, r *Record) error {
	for _, name := range slices.Sorted(maps.Keys(r.Artifacts)) {
		a := r.Artifacts[name]
		b, err := st.Get(ctx, a.Key)
		if err != nil {
			return fmt.Errorf("artifact %s: %w", name, err)
		}
		if got := storage.SHA256Hex(b); got != a.SHA256 {
			return fmt.Errorf("artifact %s: %w: sha256 %s, result.json says %s", name, storage.ErrChecksum, got, a.SHA256)
		}
	}
	return nil
}
