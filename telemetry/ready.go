package telemetry

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/bitsweep/bitsweep/storage"
)

// A Check is one condition of readiness: Run returns nil when it holds,
// else why not. Run must return once ctx is done.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// TemporalCheck holds while the Temporal frontend that c is connected to
// answers its gRPC health check (client.CheckHealth).
func TemporalCheck(c client.Client) Check {
	return Check{Name: "temporal", Run: func(ctx context.Context) error {
		_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
		return err
	}}
}

// StoreProbePrefix is the prefix that StoreCheck lists. Nothing is written
// under it, so the listing is one request that returns nothing.
const StoreProbePrefix = "bitsweep-readyz/"

// StoreCheck holds while st can be listed: for S3 one LIST request of an
// empty prefix (StoreProbePrefix), which fails on a bucket that is missing
// or forbidden and on wrong credentials, where a HEAD of a missing key
// could not tell a missing bucket apart; for a directory, a look at one
// absent subdirectory. Give it the store itself, not the
// CountStoreErrors wrapper: a failed probe is reported here, not counted.
func StoreCheck(st storage.Store) Check {
	return Check{Name: "store", Run: func(ctx context.Context) error {
		return st.List(ctx, StoreProbePrefix, func(storage.ObjectInfo) error { return nil })
	}}
}

// CheckResult is the outcome of one Check.
type CheckResult struct {
	Name  string `json:"name"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// Report is the body of /readyz.
type Report struct {
	Ready   bool          `json:"ready"`
	Checks  []CheckResult `json:"checks"`
	Checked time.Time     `json:"checked"` // when the checks ran (reports are cached)
}

// Readiness runs its checks at most once per TTL: every caller within TTL
// of the last run gets that run's Report, and callers arriving while the
// checks run wait for them rather than start more.
type Readiness struct {
	checks  []Check
	ttl     time.Duration
	timeout time.Duration
	now     func() time.Time // time.Now; tests replace it

	mu   sync.Mutex
	last Report
	ran  bool
}

// DefaultReadyTTL is how long a readiness report is reused, and
// DefaultCheckTimeout how long each check may take before it counts as
// failed: together below the timeouts of the probes in deploy/k8s.
const (
	DefaultReadyTTL     = 2 * time.Second
	DefaultCheckTimeout = 3 * time.Second
)

// NewReadiness returns a Readiness of checks with DefaultReadyTTL and
// DefaultCheckTimeout. Without checks it is always ready.
func NewReadiness(checks ...Check) *Readiness {
	return &Readiness{checks: checks, ttl: DefaultReadyTTL, timeout: DefaultCheckTimeout, now: time.Now}
}

// Check returns the current report: the cached one if it is at most TTL
// old, else that of a new run of every check (concurrently, each bounded by
// the check timeout and ctx).
func (r *Readiness) Check(ctx context.Context) Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ran && r.now().Sub(r.last.Checked) < r.ttl {
		return r.last
	}
	rep := Report{Ready: true, Checks: make([]CheckResult, len(r.checks))}
	var wg sync.WaitGroup
	for i, c := range r.checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, r.timeout)
			defer cancel()
			err := c.Run(cctx)
			if err == nil && cctx.Err() != nil {
				err = cctx.Err()
			}
			if errors.Is(err, context.DeadlineExceeded) {
				err = errors.New("no answer within " + r.timeout.String() + ": " + err.Error())
			}
			rep.Checks[i] = CheckResult{Name: c.Name, OK: err == nil}
			if err != nil {
				rep.Checks[i].Error = err.Error()
			}
		}()
	}
	wg.Wait()
	for _, c := range rep.Checks {
		rep.Ready = rep.Ready && c.OK
	}
	rep.Checked = r.now()
	if ctx.Err() == nil {
		// A run cut short by the caller's context says nothing about the
		// services: do not keep it.
		r.last, r.ran = rep, true
	}
	return rep
}
