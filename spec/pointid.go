package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/bitsweep/bitsweep/train"
)

// PointID identifies the result of training c: the hex SHA-256 of the
// canonical encoding
//
//	{"trainer_version":<train.Version>,"config":<json.Marshal of c.Defaults()>}
//
// (encoding/json writes struct fields in declaration order and floats in
// their shortest round-trip form, so the encoding is a pure function of
// the config).
//
// Contract: the same resolved point in two sweeps has the same ID, whatever
// spec it came from (a list or a range, fixed or a grid axis, a default
// left implicit or written out); any change of a parameter, of the seed or
// of train.Version changes it. Adding a field to train.Config changes every
// ID unless the field is omitempty and left at its zero value. Image
// sources are identified by their path string ("idx:/abs/path"), not by the
// file's contents: moving a data set changes the IDs, replacing it in
// place does not. PointID panics if a float field is NaN or ±Inf, which
// JSON cannot encode (Validate refuses them).
func PointID(c train.Config) string { return pointID(train.Version, c) }

// pointID is PointID for the trainer version version.
func pointID(version string, c train.Config) string {
	b, err := json.Marshal(struct {
		TrainerVersion string       `json:"trainer_version"`
		Config         train.Config `json:"config"`
	}{version, c.Defaults()})
	if err != nil {
		// A Config is plain strings and numbers; only a NaN or ±Inf, which
		// Validate rejects, fails to encode.
		panic("spec: PointID: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
