package telemetry

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"

	"github.com/bitsweep/bitsweep/storage"
	"github.com/bitsweep/bitsweep/storage/file"
)

// switchCheck is a Check whose outcome the test sets; it counts its runs.
type switchCheck struct {
	mu   sync.Mutex
	err  error
	runs int
}

func (s *switchCheck) set(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = err
}

func (s *switchCheck) check(name string) Check {
	return Check{Name: name, Run: func(context.Context) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.runs++
		return s.err
	}}
}

// clock is a settable time for Readiness.now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func getReady(t *testing.T, h http.Handler) (int, Report) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	var rep Report
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
		t.Fatalf("/readyz body %q: %v", rec.Body, err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("/readyz Content-Type %q", ct)
	}
	return rec.Code, rep
}

// TestReadyz: /readyz is 200 while both checks hold, 503 naming the failed
// check and its error when the Temporal or the store check fails, and back
// to 200 when they recover; a report is reused for the TTL; /healthz stays
// 200 throughout.
func TestReadyz(t *testing.T) {
	var temporal, store switchCheck
	clk := &clock{t: time.Unix(1e9, 0)}
	r := NewReadiness(temporal.check("temporal"), store.check("store"))
	r.now = clk.now
	h := Handler(prometheus.NewRegistry(), r)

	step := func(what string, wantCode int, wantFailed, wantErr string) {
		t.Helper()
		clk.add(DefaultReadyTTL)
		code, rep := getReady(t, h)
		if code != wantCode || rep.Ready != (wantCode == 200) || len(rep.Checks) != 2 {
			t.Fatalf("%s: %d %+v, want %d", what, code, rep, wantCode)
		}
		for _, c := range rep.Checks {
			failed := c.Name == wantFailed
			if c.OK == failed || failed && !strings.Contains(c.Error, wantErr) || !failed && c.Error != "" {
				t.Errorf("%s: check %+v, want failed: %v (error containing %q)", what, c, failed, wantErr)
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		if rec.Code != 200 {
			t.Errorf("%s: /healthz %d, want 200 whatever the readiness", what, rec.Code)
		}
	}
	step("both up", 200, "", "")
	temporal.set(errors.New("connection refused"))
	step("Temporal down", 503, "temporal", "connection refused")
	temporal.set(nil)
	step("Temporal back", 200, "", "")
	store.set(errors.New("AccessDenied"))
	step("store down", 503, "store", "AccessDenied")
	store.set(nil)
	step("store back", 200, "", "")

	// Within the TTL the report is reused: no new runs, same answer.
	runs := temporal.runs
	temporal.set(errors.New("down"))
	for range 5 {
		if code, _ := getReady(t, h); code != 200 {
			t.Fatalf("cached report: %d, want the cached 200", code)
		}
	}
	if temporal.runs != runs {
		t.Errorf("checks ran %d times within the TTL, want 0", temporal.runs-runs)
	}
	clk.add(DefaultReadyTTL)
	if code, _ := getReady(t, h); code != 503 || temporal.runs != runs+1 {
		t.Errorf("after the TTL: %d after %d runs, want 503 after one run", code, temporal.runs-runs)
	}
}

// TestReadyTimeout: a check that does not answer within the timeout fails
// with a message that says so, and does not hold the others up.
func TestReadyTimeout(t *testing.T) {
	hang := Check{Name: "temporal", Run: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }}
	ok := Check{Name: "store", Run: func(context.Context) error { return nil }}
	r := NewReadiness(hang, ok)
	r.timeout = 50 * time.Millisecond
	t0 := time.Now()
	rep := r.Check(context.Background())
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if rep.Ready || rep.Checks[0].OK || !strings.Contains(rep.Checks[0].Error, "no answer within 50ms") || !rep.Checks[1].OK {
		t.Errorf("report %+v", rep)
	}
}

// healthStub is a client.Client whose CheckHealth fails with err.
type healthStub struct {
	client.Client
	err error
}

func (h healthStub) CheckHealth(context.Context, *client.CheckHealthRequest) (*client.CheckHealthResponse, error) {
	return &client.CheckHealthResponse{}, h.err
}

// listStub is a store whose List fails with err.
type listStub struct {
	storage.Store
	err error
}

func (l listStub) List(context.Context, string, func(storage.ObjectInfo) error) error { return l.err }

// TestChecks: TemporalCheck passes on the client's health check, StoreCheck
// on an empty listing of a real directory store, and each fails with its
// service's error.
func TestChecks(t *testing.T) {
	ctx := context.Background()
	if err := TemporalCheck(healthStub{}).Run(ctx); err != nil {
		t.Errorf("healthy Temporal: %v", err)
	}
	if err := TemporalCheck(healthStub{err: errors.New("unavailable")}).Run(ctx); err == nil {
		t.Error("unhealthy Temporal passed")
	}
	st, err := file.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := StoreCheck(st).Run(ctx); err != nil {
		t.Errorf("directory store: %v", err)
	}
	if err := StoreCheck(listStub{st, errors.New("NoSuchBucket")}).Run(ctx); err == nil {
		t.Error("failing store passed")
	}
}
