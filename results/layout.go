package results

import "fmt"

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
