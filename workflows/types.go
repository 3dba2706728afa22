package workflows

import (
	"time"

	"github.com/bitsweep/bitsweep/activities"
)

// TaskQueue is the default task queue of bitsweep's workers.
const TaskQueue = "bitsweep"

// Limits of the partitioning (see the package documentation).
const (
	DefaultChunk = 500
	MaxChunk     = 1000
	// DefaultWindow is the points in flight of a grid sweep submitted
	// without a window: enough scheduled TrainPoints that the free slots of
	// up to 256 worker slots (e.g. 64 workers of 4) fill as workers join;
	// each worker's BITSWEEP_CONCURRENCY bounds what it trains. Scheduled
	// points wait in the task queue and cost nothing until a worker takes
	// them.
	DefaultWindow = 256
	// MaxWindow bounds the window (at submission and in ScaleUpdate): each
	// of the ChildParallel chunks then keeps at most MaxWindow/ChildParallel
	// = 1,000 activities pending, half the server's default limit of 2,000
	// pending activities per workflow execution
	// (limit.numPendingActivities.error) and no more than a chunk holds.
	MaxWindow = 2000
	// SearchWindow is the window a search sweep submitted without one
	// sizes its probes per round for (search.Settings.K); kept at the old
	// default of 4 so that searches, and their recorded histories, are
	// what they were.
	SearchWindow    = 4
	ChildrenPerRun  = 100 // children started by one run before it continues as new
	RoundsPerRun    = 8   // rounds of a cell's search before it continues as new
	ChildParallel   = 2
	MaxFailuresKept = 100
	ProgressQuery   = "progress"
	// ScaleUpdate is the update that changes a running grid sweep's window
	// (ScaleInput → ScaleResult); `starter scale` sends it.
	ScaleUpdate = "scale"
	// WindowSignal carries a chunk's new window (an int) from its sweep.
	WindowSignal = "window"
)

// ScaleInput is the argument of ScaleUpdate.
type ScaleInput struct {
	Window int `json:"window"` // points in flight in the whole sweep, 1..MaxWindow
}

// ScaleResult is the answer of ScaleUpdate.
type ScaleResult struct {
	Previous int `json:"previous"`
	Window   int `json:"window"`
	Chunks   int `json:"chunks"` // running chunks told of the new window
}

// SweepID returns the workflow ID of a sweep: one running execution per name.
func SweepID(name string) string { return "bitsweep-sweep/" + name }

// SweepInput is the input of SweepWorkflow.
type SweepInput struct {
	Name      string `json:"name"`
	Spec      []byte `json:"spec"`
	SpecFile  string `json:"spec_file,omitempty"`  // absolute path it was read from (resolves relative image paths)
	Window    int    `json:"window,omitempty"`     // points training at once in the sweep (default DefaultWindow)
	ChunkSize int    `json:"chunk_size,omitempty"` // points per child workflow (default DefaultChunk, at most MaxChunk)
	Recompute bool   `json:"recompute,omitempty"`
	// Verify checks the stored artifacts of finished points and recomputes
	// damaged ones (resume does by default).
	Verify bool `json:"verify,omitempty"`
	// HeartbeatTimeout is how long a silent TrainPoint counts as lost (its
	// worker died) before it is retried elsewhere; 0 means 30 s.
	HeartbeatTimeout time.Duration `json:"heartbeat_timeout,omitempty"`
	// NoReport skips the report activity at the end of the sweep.
	NoReport bool `json:"no_report,omitempty"`

	// Carried across continue-as-new.
	NextChunk int       `json:"next_chunk,omitempty"`
	Progress  *Progress `json:"progress,omitempty"`
}

// Progress is the answer of the progress query and the sweep's result.
type Progress struct {
	State      string    `json:"state"` // preparing, running, reporting, done, cancelled
	Total      int       `json:"total"` // grid combinations × seeds
	Points     int       `json:"points"`
	Excluded   int       `json:"excluded"`
	Computed   int       `json:"computed"`
	Reused     int       `json:"reused"`
	Failed     int       `json:"failed"`
	Repaired   int       `json:"repaired,omitempty"` // damaged results found by Verify and recomputed
	Window     int       `json:"window,omitempty"`   // points in flight allowed in the sweep (ScaleUpdate changes it)
	Running    int       `json:"running"`            // points training now (status adds the children's)
	Pending    int       `json:"pending"`            // points not finished yet
	Chunks     int       `json:"chunks"`
	ChunksDone int       `json:"chunks_done"`
	Children   []string  `json:"children,omitempty"` // running chunk workflows
	Failures   []Failure `json:"failures,omitempty"` // the last MaxFailuresKept
	// The report written at the end (activities.ReportSweep) into
	// sweeps/<name>/report/, or why it could not be made.
	Report      *activities.ReportSummary `json:"report,omitempty"`
	ReportError string                    `json:"report_error,omitempty"`
	// Search is set for a search sweep (the spec has a search: block):
	// its cells and what the finished ones found. Points then grows as
	// the search chooses probes.
	Search *SearchProgress `json:"search,omitempty"`
}

// Failure is one point that could not be trained.
type Failure struct {
	Index   int    `json:"index"`
	PointID string `json:"point_id"`
	Error   string `json:"error"`
}

// ChunkInput is the input of ChunkWorkflow: the points with index in [Lo, Hi).
type ChunkInput struct {
	Sweep     string `json:"sweep"`
	Spec      []byte `json:"spec"`
	SpecFile  string `json:"spec_file,omitempty"`
	Lo        int    `json:"lo"`
	Hi        int    `json:"hi"`
	Window    int    `json:"window"`
	Recompute bool   `json:"recompute,omitempty"`
	Verify    bool   `json:"verify,omitempty"`

	HeartbeatTimeout time.Duration `json:"heartbeat_timeout,omitempty"`
}

// ChunkResult is the result (and the progress query answer) of ChunkWorkflow.
type ChunkResult struct {
	Planned  int       `json:"planned"` // points to train
	Computed int       `json:"computed"`
	Reused   int       `json:"reused"`
	Excluded int       `json:"excluded"`
	Failed   int       `json:"failed"`
	Running  int       `json:"running"`
	Window   int       `json:"window,omitempty"`   // points in flight allowed now (WindowSignal changes it)
	Repaired int       `json:"repaired,omitempty"` // planned again because their stored result was damaged
	Failures []Failure `json:"failures,omitempty"`
}

// Add counts a chunk's points into the sweep's progress: a finished chunk
// in the workflow, a running one in status queries.
func (p *Progress) Add(r ChunkResult) {
	p.Computed += r.Computed
	p.Reused += r.Reused
	p.Excluded += r.Excluded
	p.Failed += r.Failed
	p.Repaired += r.Repaired
	p.Running += r.Running
	p.Pending -= r.Computed + r.Reused + r.Failed
	p.Failures = addFailures(p.Failures, r.Failures...)
}

func addFailures(dst []Failure, src ...Failure) []Failure {
	dst = append(dst, src...)
	if len(dst) > MaxFailuresKept {
		dst = append([]Failure(nil), dst[len(dst)-MaxFailuresKept:]...)
	}
	return dst
}
