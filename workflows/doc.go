// Package workflows holds bitsweep's Temporal workflows.
//
// SweepWorkflow runs one sweep: it prepares it (PrepareSweep stores the spec
// and the manifest), cuts the grid's index range into chunks, and runs one
// ChunkWorkflow child per chunk, a few at a time; it continues as new every
// ChildrenPerRun children so that its history stays small whatever the
// sweep's size. ChunkWorkflow plans its chunk (PlanChunk lists the points
// without a result) and trains them with TrainPoint in a sliding window.
// A chunk holds at most MaxChunk points, so a child's history stays under
// about 6 events per point (well below Temporal's limits).
//
// Both answer the "progress" query. Points whose training fails for good
// are recorded as failures; the sweep goes on. Cancelling the sweep cancels
// its children, which stop starting points and cancel the running ones (a
// cancelled point saves a checkpoint); finished points stay in the store.
package workflows
