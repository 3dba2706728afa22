package results

import "fmt"

// CheckPointID returns an error unless id has the form of a point ID
// (spec.PointID): 64 lower-case hexadecimal digits. IDs read from stored
// manifests go through it before they become keys.
func CheckPointID(id string) error {
	if len(id) != 64 {
		return fmt.Errorf("point id %q: want 64 hexadecimal digits, got %d characters", id, len(id))
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return fmt.Errorf("point id %q: want 64 lower-case hexadecimal digits", id)
		}
	}
	return nil
}

// PointPrefix returns the key prefix of a point: "points/ab/abcd…/".
func PointPrefix(id string) string {
	if len(id) < 2 {
		return "points/" + id + "/"
	}
	return fmt.Sprintf("points/%s/%s/", id[:2], id)
}

// PointKey returns the key of one file of a point.
func PointKey(id, name string) string { return PointPrefix(id) + name }

// SweepKey returns the key of one file of a sweep.
func SweepKey(sweep, name string) string { return "sweeps/" + sweep + "/" + name }

// File names inside a point's prefix.
const (
	ResultFile     = "result.json"
	PointFile      = "point.json"
	CheckpointFile = "checkpoint.bin"
)
