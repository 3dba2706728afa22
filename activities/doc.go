// Package activities holds bitsweep's Temporal activities: preparing a
// sweep, planning one chunk of its points, and training one point into the
// store. Each activity takes one input struct and returns a small summary:
// matrices and curves go to the store, never into Temporal payloads.
//
// TrainPoint is idempotent and resumable: a point whose result.json exists
// is not recomputed (unless asked), a retried attempt resumes from the
// checkpoint that the previous attempt saved in the store and named in its
// heartbeat, and every artifact is written write-once before result.json,
// whose presence marks the point done.
package activities
