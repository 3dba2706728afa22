package telemetry

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// TestSDKHandler: the SDK's counters, gauges and timers appear with their
// tags under Temporal's Prometheus names; one name may carry several tag
// sets; WithTags leaves its parent alone; a name used as two kinds keeps
// the first.
func TestSDKHandler(t *testing.T) {
	reg := prometheus.NewRegistry()
	root := NewSDKHandler(reg)
	client := root.WithTags(map[string]string{"namespace": "default", "client_name": "temporal_go"})
	worker := client.WithTags(map[string]string{"task_queue": "q", "worker_type": "ActivityWorker"})
	client.WithTags(map[string]string{"operation": "GetSystemInfo"}).Counter("temporal_request").Inc(1)
	worker.WithTags(map[string]string{"operation": "PollActivityTaskQueue"}).Counter("temporal_request").Inc(2)
	worker.WithTags(map[string]string{"operation": "PollActivityTaskQueue"}).Counter("temporal_request").Inc(3)
	worker.Counter("temporal_request").Inc(-4) // dropped: counters only go up
	worker.Gauge("temporal_worker_task_slots_available").Update(3)
	worker.Gauge("temporal_worker_task_slots_available").Update(2)
	act := worker.WithTags(map[string]string{"activity_type": "TrainPoint", "bad-key": "v"})
	act.Timer("temporal_activity_execution_latency").Record(300 * time.Millisecond)
	act.Timer("temporal_activity_execution_latency").Record(2 * time.Second)
	worker.Gauge("temporal_request_total").Update(9) // a counter's name: dropped
	root.Counter("temporal_worker_start").Inc(1)

	text := scrape(t, reg)
	for _, want := range []string{
		`temporal_request_total{client_name="temporal_go",namespace="default",operation="GetSystemInfo"} 1`,
		`temporal_request_total{client_name="temporal_go",namespace="default",operation="PollActivityTaskQueue",task_queue="q",worker_type="ActivityWorker"} 5`,
		`temporal_worker_task_slots_available{client_name="temporal_go",namespace="default",task_queue="q",worker_type="ActivityWorker"} 2`,
		`temporal_activity_execution_latency_seconds_bucket{activity_type="TrainPoint",bad_key="v",client_name="temporal_go",namespace="default",task_queue="q",worker_type="ActivityWorker",le="0.5"} 1`,
		`temporal_activity_execution_latency_seconds_count{activity_type="TrainPoint",bad_key="v",client_name="temporal_go",namespace="default",task_queue="q",worker_type="ActivityWorker"} 2`,
		`temporal_activity_execution_latency_seconds_sum{activity_type="TrainPoint",bad_key="v",client_name="temporal_go",namespace="default",task_queue="q",worker_type="ActivityWorker"} 2.3`,
		"temporal_worker_start_total 1",
		"# TYPE temporal_request_total counter",
		"# TYPE temporal_worker_task_slots_available gauge",
		"# TYPE temporal_activity_execution_latency_seconds histogram",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(text, "} 9\n") {
		t.Errorf("a gauge under a counter's name was exposed:\n%s", text)
	}
	// WithTags did not add worker's tags to client's series.
	if n := strings.Count(text, `temporal_request_total{`); n != 3 {
		t.Errorf("%d temporal_request_total series, want 3 (client, worker polls, worker untagged):\n%s", n, text)
	}
	if _, err := reg.Gather(); err != nil {
		t.Errorf("gather: %v", err)
	}
}

// TestPromName: invalid characters become underscores.
func TestPromName(t *testing.T) {
	for _, c := range []struct {
		in     string
		metric bool
		want   string
	}{
		{"temporal_request", true, "temporal_request"},
		{"a:b", true, "a:b"},
		{"a:b", false, "a_b"},
		{"bad-key.x", false, "bad_key_x"},
		{"1x", false, "_x"},
		{"", false, "_"},
	} {
		if got := promName(c.in, c.metric); got != c.want {
			t.Errorf("promName(%q, %v) = %q, want %q", c.in, c.metric, got, c.want)
		}
	}
}
