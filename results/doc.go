// Package results owns the layout of bitsweep's results in a storage.Store
// and the record of one finished point (result.json).
//
// Layout (keys relative to the store's root):
//
//	points/<id[:2]>/<id>/point.json       the resolved train.Config and its ID
//	points/<id[:2]>/<id>/B.npy, A.npy,    the minimizer and its decoder,
//	                     params.json,     written write-once before …
//	                     curve.csv
//	points/<id[:2]>/<id>/result.json      … the Record, written last: its
//	                                      presence marks the point done
//	points/<id[:2]>/<id>/checkpoint.bin   the latest training checkpoint
//	                                      (replaced while training, deleted
//	                                      when the result is written)
//	sweeps/<name>/spec.yaml               the spec as submitted
//	sweeps/<name>/manifest.jsonl          the sweep's points (index, id), one per line
//	sweeps/<name>/sweep.json              where the spec was read from (for resume)
//
// A point is identified by spec.PointID (a SHA-256 of its resolved config
// and the trainer version), so the same point in two sweeps is stored, and
// computed, once.
package results
