// Package webui serves the Temporal Web UI — the one `temporal server
// start-dev` serves — for the embedded server of local mode, on 127.0.0.1
// only, through github.com/temporalio/ui-server/v2 (the UI's assets are
// compiled into the binary). With it a local sweep can be watched the way
// Temporal users expect: the sweep's workflow, its chunk or search-cell
// children, every TrainPoint activity with its heartbeats, retries and
// errors.
package webui
