package telemetry

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.temporal.io/sdk/client"

	"github.com/bitsweep/bitsweep/activities"
	"github.com/bitsweep/bitsweep/storage"
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

// Serve starts a worker's endpoint on addr (Handler: /healthz, /readyz
// from the Temporal client c and the store st, /metrics) and points acts at
// the metrics: its store counts errors (CountStoreErrors on st) and its
// activities count points (Metrics). stop shuts the endpoint down, waiting
// at most 5 s for requests in flight. It is what worker --metrics-addr and
// local mode's starter run --metrics-addr serve.
func (t *Telemetry) Serve(addr string, c client.Client, st storage.Store, acts *activities.Activities) (srv *Server, stop func(), err error) {
	ready := NewReadiness(TemporalCheck(c), StoreCheck(st))
	srv, err = Listen(addr, Handler(t.Registry, ready))
	if err != nil {
		return nil, nil, err
	}
	acts.Store, acts.Metrics = CountStoreErrors(st, t.Metrics), t.Metrics
	return srv, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(ctx)
	}, nil
}
