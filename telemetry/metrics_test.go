package telemetry

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bitsweep/bitsweep/activities"
)

// scrape returns the /metrics text of h.
func scrape(t *testing.T, reg *prometheus.Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	Handler(reg, NewReadiness()).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// TestMetrics: every counter starts at 0 with all its label values, and
// the increments of the activities show in /metrics.
func TestMetrics(t *testing.T) {
	tel := New()
	text := scrape(t, tel.Registry)
	for _, want := range []string{
		"bitsweep_points_trained_total 0",
		`bitsweep_points_reused_total{stage="plan"} 0`,
		`bitsweep_points_reused_total{stage="train"} 0`,
		`bitsweep_points_failed_total{reason="invalid_config"} 0`,
		`bitsweep_points_failed_total{reason="stopping"} 0`,
		`bitsweep_points_failed_total{reason="canceled"} 0`,
		`bitsweep_points_failed_total{reason="error"} 0`,
		"bitsweep_training_seconds_total 0",
		"bitsweep_point_training_seconds_count 0",
		"bitsweep_checkpoint_writes_total 0",
		`bitsweep_store_errors_total{op="put"} 0`,
		`bitsweep_store_errors_total{op="replace"} 0`,
		"go_goroutines ",
		"process_resident_memory_bytes ",
	} {
		if !strings.Contains(text, want+"\n") && !strings.Contains(text, "\n"+want) {
			t.Errorf("fresh /metrics lacks %q", want)
		}
	}

	var m activities.Metrics = tel.Metrics
	m.PointTrained(2.5)
	m.PointTrained(0.5)
	m.TrainingTime(2.5)
	m.TrainingTime(0.5)
	m.TrainingTime(4)
	m.PointsReused(activities.ReusedPlanned, 7)
	m.PointsReused(activities.ReusedTrain, 1)
	m.PointsReused(activities.ReusedTrain, 0)
	m.PointFailed(activities.FailError)
	m.PointFailed(activities.FailStopping)
	m.PointFailed(activities.FailStopping)
	m.CheckpointWritten()
	tel.Metrics.StoreError("get")

	for _, c := range []struct {
		c    prometheus.Collector
		want float64
	}{
		{tel.Metrics.trained, 2},
		{tel.Metrics.reused.WithLabelValues("plan"), 7},
		{tel.Metrics.reused.WithLabelValues("train"), 1},
		{tel.Metrics.failed.WithLabelValues("error"), 1},
		{tel.Metrics.failed.WithLabelValues("stopping"), 2},
		{tel.Metrics.failed.WithLabelValues("canceled"), 0},
		{tel.Metrics.training, 7},
		{tel.Metrics.checkpoints, 1},
		{tel.Metrics.storeErrors.WithLabelValues("get"), 1},
		{tel.Metrics.storeErrors.WithLabelValues("put"), 0},
	} {
		if got := testutil.ToFloat64(c.c); got != c.want {
			t.Errorf("%v = %g, want %g", c.c, got, c.want)
		}
	}
	text = scrape(t, tel.Registry)
	for _, want := range []string{
		"bitsweep_points_trained_total 2",
		`bitsweep_points_reused_total{stage="plan"} 7`,
		`bitsweep_points_failed_total{reason="stopping"} 2`,
		"bitsweep_training_seconds_total 7",
		"bitsweep_point_training_seconds_sum 3",
		"bitsweep_point_training_seconds_count 2",
		`bitsweep_point_training_seconds_bucket{le="1"} 1`,
		`bitsweep_point_training_seconds_bucket{le="10"} 2`,
		"bitsweep_checkpoint_writes_total 1",
		`bitsweep_store_errors_total{op="get"} 1`,
		"# HELP bitsweep_points_failed_total Attempts of TrainPoint",
		"# TYPE bitsweep_point_training_seconds histogram",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// TestNilMetrics: a nil *Metrics counts nothing and does not panic.
func TestNilMetrics(t *testing.T) {
	var m *Metrics
	m.PointTrained(1)
	m.PointsReused("plan", 1)
	m.PointFailed("error")
	m.TrainingTime(1)
	m.CheckpointWritten()
	m.StoreError("get")
}
