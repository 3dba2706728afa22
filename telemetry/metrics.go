package telemetry

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/bitsweep/bitsweep/activities"
)

// Metrics are bitsweep's own metrics of one worker. It implements
// activities.Metrics; its methods are safe for concurrent use, and a nil
// *Metrics counts nothing.
type Metrics struct {
	trained      prometheus.Counter
	reused       *prometheus.CounterVec
	failed       *prometheus.CounterVec
	training     prometheus.Counter
	pointSeconds prometheus.Histogram
	checkpoints  prometheus.Counter
	storeErrors  *prometheus.CounterVec
}

var _ activities.Metrics = (*Metrics)(nil)

// Store operations, the values of bitsweep_store_errors_total's label op.
var storeOps = []string{"put", "get", "stat", "list", "delete", "replace"}

// pointBuckets are the buckets of bitsweep_point_training_seconds: from
// the smallest test points to multi-hour image points.
var pointBuckets = []float64{0.01, 0.1, 1, 10, 30, 60, 300, 900, 1800, 3600, 7200, 14400}

// NewMetrics registers bitsweep's metrics with reg:
//
//	bitsweep_points_trained_total          attempts of TrainPoint that trained their point and stored its result
//	bitsweep_points_reused_total{stage}    points found done in the store: stage "plan" (PlanChunk), "train" (TrainPoint)
//	bitsweep_points_failed_total{reason}   attempts of TrainPoint that returned an error: invalid_config, stopping, canceled, error
//	bitsweep_training_seconds_total        wall time in the training core, over all attempts, whatever their outcome
//	bitsweep_point_training_seconds        histogram of the training time of each trained point
//	bitsweep_checkpoint_writes_total       checkpoints of running points stored
//	bitsweep_store_errors_total{op}        failed store operations: put, get, stat, list, delete, replace
//
// Every label value is created at 0, so that rates and sums exist before
// the first event. A sweep's summary ({"computed": c, "reused": r,
// "failed": f}) relates to them as: c = the sum of trained over the
// workers, r = the sum of reused (both stages); f counts points whose last
// attempt failed, so f <= the sum of failed, which counts attempts
// (retried ones included).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		trained: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "bitsweep_points_trained_total",
			Help: "Attempts of TrainPoint on this worker that trained their point and stored its result.json (a sweep's \"computed\").",
		}),
		reused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bitsweep_points_reused_total",
			Help: "Points found done in the store, not trained again (a sweep's \"reused\"): stage=plan when PlanChunk left them out of a chunk's plan, stage=train when TrainPoint found the result (or another attempt's result won).",
		}, []string{"stage"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bitsweep_points_failed_total",
			Help: "Attempts of TrainPoint on this worker that returned an error, by reason: invalid_config (final: never retried), stopping (worker shutdown; resumed elsewhere), canceled (cancelled or timed out), error (training or store error; retried by the sweep's policy). Counts attempts, not points: a sweep's \"failed\" points are those whose last attempt failed.",
		}, []string{"reason"}),
		training: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "bitsweep_training_seconds_total",
			Help: "Wall time spent in the training core by TrainPoint on this worker, over all attempts, whatever their outcome (trained, failed, interrupted).",
		}),
		pointSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "bitsweep_point_training_seconds",
			Help:    "Wall time in the training core of each point trained on this worker (the attempt that stored its result; a resumed attempt counts only its own part).",
			Buckets: pointBuckets,
		}),
		checkpoints: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "bitsweep_checkpoint_writes_total",
			Help: "Checkpoints of running points stored by this worker (failed writes count in bitsweep_store_errors_total{op=\"replace\"}).",
		}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bitsweep_store_errors_total",
			Help: "Store operations of this worker's activities that failed, by operation; a missing object (get, stat), an existing one (write-once put) and a cancelled caller are not errors.",
		}, []string{"op"}),
	}
	for _, s := range []string{activities.ReusedPlanned, activities.ReusedTrain} {
		m.reused.WithLabelValues(s)
	}
	for _, r := range []string{activities.FailInvalidConfig, activities.FailStopping, activities.FailCanceled, activities.FailError} {
		m.failed.WithLabelValues(r)
	}
	for _, op := range storeOps {
		m.storeErrors.WithLabelValues(op)
	}
	reg.MustRegister(m.trained, m.reused, m.failed, m.training, m.pointSeconds, m.checkpoints, m.storeErrors)
	return m
}

// PointTrained implements activities.Metrics.
func (m *Metrics) PointTrained(seconds float64) {
	if m == nil {
		return
	}
	m.trained.Inc()
	m.pointSeconds.Observe(seconds)
}

// PointsReused implements activities.Metrics.
func (m *Metrics) PointsReused(stage string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.reused.WithLabelValues(stage).Add(float64(n))
}

// PointFailed implements activities.Metrics.
func (m *Metrics) PointFailed(reason string) {
	if m == nil {
		return
	}
	m.failed.WithLabelValues(reason).Inc()
}

// TrainingTime implements activities.Metrics.
func (m *Metrics) TrainingTime(seconds float64) {
	if m == nil || !(seconds > 0) {
		return
	}
	m.training.Add(seconds)
}

// CheckpointWritten implements activities.Metrics.
func (m *Metrics) CheckpointWritten() {
	if m == nil {
		return
	}
	m.checkpoints.Inc()
}

// StoreError counts a failed store operation op (one of put, get, stat,
// list, delete, replace).
func (m *Metrics) StoreError(op string) {
	if m == nil {
		return
	}
	m.storeErrors.WithLabelValues(op).Inc()
}
