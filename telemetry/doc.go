// Package telemetry is a worker's health and metrics endpoint: liveness,
// readiness and Prometheus metrics over HTTP.
//
// # Endpoints
//
// [Handler] serves three paths (GET or HEAD):
//
//   - /healthz: liveness. 200 while the process serves HTTP at all; it
//     checks nothing else, so that an outage of Temporal or the store never
//     gets healthy workers restarted.
//   - /readyz: readiness. 200 when every [Check] holds (by default a health
//     check of the Temporal frontend through the client, [TemporalCheck],
//     and a listing of an empty prefix of the store, [StoreCheck]), else
//     503; the JSON body ([Report]) names each check with its error. Results
//     are cached for a couple of seconds ([Readiness]), so that probes do
//     not hammer Temporal or S3.
//   - /metrics: the Prometheus text format of a private registry (never the
//     global default one): the Temporal SDK's worker and client metrics
//     ([NewSDKHandler], passed to the client when dialing), bitsweep's own
//     ([Metrics]), and the Go runtime's and the process's.
//
// # Metrics
//
// bitsweep's own metrics are counted by the activities through the
// activities.Metrics interface, which [Metrics] implements, and by a
// wrapper of the store ([CountStoreErrors]); their names and meanings are in
// [NewMetrics] and deploy/README.md. The SDK's metrics keep the SDK's names
// with the suffixes of Temporal's own Prometheus naming: counters end in
// _total, timers are histograms in seconds ending in _seconds
// (temporal_activity_execution_latency_seconds), gauges are as named
// (temporal_worker_task_slots_available).
//
// Nothing here puts a credential into a label or a response: labels are
// the SDK's tags (namespace, task queue, workflow and activity types,
// operations) and bitsweep's fixed values, and readiness errors are those
// of the Temporal client and the store, which name endpoints and keys,
// never secrets.
package telemetry
