package telemetry

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.temporal.io/sdk/client"
)

// Telemetry is one worker's metrics on a private registry: the SDK's
// (SDK, for client.Options.MetricsHandler), bitsweep's (Metrics, for
// activities.Activities and CountStoreErrors), the Go runtime's and the
// process's.
type Telemetry struct {
	Registry *prometheus.Registry
	Metrics  *Metrics
	SDK      client.MetricsHandler
}

// New returns a Telemetry with every metric registered.
func New() *Telemetry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Telemetry{Registry: reg, Metrics: NewMetrics(reg), SDK: NewSDKHandler(reg)}
}
