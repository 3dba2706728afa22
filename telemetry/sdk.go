package telemetry

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// The SDK's metrics reach Prometheus through a small adapter of our own
// rather than go.temporal.io/sdk/contrib/tally with tally's Prometheus
// reporter (the samples' way). Reasons:
//
//   - no new module: contrib/tally is a module of its own, and tally's
//     reporter would be a second metrics stack beside client_golang, which
//     serves bitsweep's own metrics anyway;
//   - values are exact at every scrape: tally reports to Prometheus on a
//     timer, so a scrape lags by up to its interval;
//   - the SDK tags one metric name with different tag sets (a client's
//     requests carry fewer tags than a worker's). Fixed-label vectors, as
//     tally's reporter creates, reject all but the first set; this adapter
//     is an unchecked collector, which Prometheus allows to expose one
//     family with several label sets.
//
// It keeps Temporal's Prometheus naming (that of contrib/tally's
// NewPrometheusNamingScope, so the SDK dashboards of Temporal apply):
// counters get the suffix _total, timers become histograms in seconds with
// the suffix _seconds, gauges keep their name.

// timerBuckets are the buckets (seconds) of the SDK's timers: from
// sub-millisecond requests and workflow tasks to hour-long activities
// and long polls.
var timerBuckets = []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600}

// NewSDKHandler returns a client.MetricsHandler for client.Options that
// exposes the SDK's metrics on reg.
func NewSDKHandler(reg prometheus.Registerer) client.MetricsHandler {
	c := &sdkCollector{series: map[string]prometheus.Metric{}, kinds: map[string]sdkKind{}}
	reg.MustRegister(c)
	return &sdkHandler{c: c, tags: map[string]string{}}
}

type sdkKind int

const (
	sdkCounter sdkKind = iota + 1
	sdkGauge
	sdkTimer
)

// sdkCollector holds every series the SDK has used: one client_golang
// metric per name and tag set, created at first use.
type sdkCollector struct {
	mu     sync.RWMutex
	series map[string]prometheus.Metric // by name and tags (seriesKey)
	kinds  map[string]sdkKind           // by name: a name keeps its first kind
}

// Describe sends nothing: the collector is unchecked, its series are
// known only as the SDK uses them.
func (c *sdkCollector) Describe(chan<- *prometheus.Desc) {}

// Collect implements prometheus.Collector.
func (c *sdkCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, m := range c.series {
		ch <- m
	}
}

// metric returns the series of name with the handler's tags, creating it
// as kind; nil if name is already a metric of another kind.
func (c *sdkCollector) metric(kind sdkKind, name string, h *sdkHandler) prometheus.Metric {
	key := name + "\x00" + h.key
	c.mu.RLock()
	m, ok := c.series[key]
	c.mu.RUnlock()
	if ok {
		return m
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if m, ok := c.series[key]; ok {
		return m
	}
	if k, ok := c.kinds[name]; ok && k != kind {
		return nil
	}
	c.kinds[name] = kind
	help := "Temporal Go SDK metric " + name + " (docs.temporal.io/references/sdk-metrics)."
	labels := prometheus.Labels(h.tags)
	switch kind {
	case sdkCounter:
		m = prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels})
	case sdkGauge:
		m = prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels})
	default:
		m = prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, ConstLabels: labels, Buckets: timerBuckets})
	}
	c.series[key] = m
	return m
}

// sdkHandler implements client.MetricsHandler; tags is never modified
// after creation, key is tags in a canonical form.
type sdkHandler struct {
	c    *sdkCollector
	tags map[string]string
	key  string
}

// WithTags implements client.MetricsHandler: the new tags are added to the
// handler's, replacing those of the same keys.
func (h *sdkHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := maps.Clone(h.tags)
	for k, v := range tags {
		merged[promName(k, false)] = strings.ToValidUTF8(v, "_")
	}
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(merged)) {
		b.WriteString(k)
		b.WriteByte(0xff)
		b.WriteString(merged[k])
		b.WriteByte(0xfe)
	}
	return &sdkHandler{c: h.c, tags: merged, key: b.String()}
}

// Counter implements client.MetricsHandler.
func (h *sdkHandler) Counter(name string) client.MetricsCounter {
	name = promName(name, true)
	if !strings.HasSuffix(name, "_total") {
		name += "_total"
	}
	m, _ := h.c.metric(sdkCounter, name, h).(prometheus.Counter)
	return sdkCounterOf{m}
}

// Gauge implements client.MetricsHandler.
func (h *sdkHandler) Gauge(name string) client.MetricsGauge {
	m, _ := h.c.metric(sdkGauge, promName(name, true), h).(prometheus.Gauge)
	return sdkGaugeOf{m}
}

// Timer implements client.MetricsHandler.
func (h *sdkHandler) Timer(name string) client.MetricsTimer {
	name = promName(name, true)
	if !strings.HasSuffix(name, "_seconds") {
		name += "_seconds"
	}
	m, _ := h.c.metric(sdkTimer, name, h).(prometheus.Histogram)
	return sdkTimerOf{m}
}

// The SDK's instruments on client_golang's; a nil one (a name clash of
// kinds) drops what it is given.
type (
	sdkCounterOf struct{ c prometheus.Counter }
	sdkGaugeOf   struct{ g prometheus.Gauge }
	sdkTimerOf   struct{ h prometheus.Histogram }
)

// Inc implements client.MetricsCounter; a counter never decreases, so
// negative increments are dropped.
func (c sdkCounterOf) Inc(d int64) {
	if c.c != nil && d > 0 {
		c.c.Add(float64(d))
	}
}

// Update implements client.MetricsGauge.
func (g sdkGaugeOf) Update(v float64) {
	if g.g != nil {
		g.g.Set(v)
	}
}

// Record implements client.MetricsTimer.
func (t sdkTimerOf) Record(d time.Duration) {
	if t.h != nil {
		t.h.Observe(d.Seconds())
	}
}

// promName makes s a valid Prometheus metric name (colons allowed) or
// label name: every other character becomes '_', and so does a leading
// digit.
func promName(s string, metric bool) string {
	ok := func(i int, r rune) bool {
		return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || (i > 0 && r >= '0' && r <= '9') || (metric && r == ':')
	}
	valid := s != ""
	for i, r := range s {
		valid = valid && ok(i, r)
	}
	if valid {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if ok(i, r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}
