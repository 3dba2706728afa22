// Package workflows holds bitsweep's Temporal workflows.
//
// SweepWorkflow runs one sweep: it prepares it (PrepareSweep stores the spec
// and the manifest), cuts the grid's index range into chunks, and runs one
// ChunkWorkflow child per chunk, a few at a time; it continues as new every
// ChildrenPerRun children so that its history stays small whatever the
// sweep's size. ChunkWorkflow plans its chunk (PlanChunk lists the points
// without a result) and trains them with TrainPoint in a sliding window.
//
// The window is the sweep's points in flight: TrainPoints scheduled and
// waiting in the task queue until some worker has a free slot, so the points
// training at once are min(window, the slots of the polling workers) and a
// worker that joins takes waiting points at its first poll. DefaultWindow
// (256) covers a fleet of 256 slots; the ScaleUpdate changes the window of
// a running grid sweep (1..MaxWindow): the sweep signals its running chunks
// (WindowSignal, each gets ⌈window/ChildParallel⌉), later chunks start with
// it in their input, and it survives continue-as-new. Handlers and signal
// receipt add no commands, so histories recorded before them replay as they
// were (TestReplay); a search's probes per round are fixed when it starts
// and it refuses the update.
// A chunk holds at most MaxChunk points, so a child's history stays under
// about 6 events per point (well below Temporal's limits).
//
// Both answer the "progress" query. Points whose training fails for good
// are recorded as failures; the sweep goes on. Cancelling the sweep cancels
// its children, which stop starting points and cancel the running ones (a
// cancelled point saves a checkpoint); finished points stay in the store.
package workflows
