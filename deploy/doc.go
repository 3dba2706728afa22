// Package deploy holds no code: it is the home of bitsweep's deployment
// files, and its test checks them offline.
//
//   - Dockerfile: one image with the worker and the command line, built
//     with OpenBLAS (Dockerfile.dockerignore trims the build context).
//   - compose.yaml and .env.example: Temporal on PostgreSQL, its UI, MinIO
//     and N workers on Docker Compose.
//   - k8s/: worker Deployments per resource class (one task queue each),
//     autoscalers, disruption budgets, a ConfigMap and a kustomization.
//   - local/topology.sh: the same topology as processes on 127.0.0.1, with
//     commands to stop and start each component for fault-injection tests.
//
// See README.md in this folder. The test parses every YAML file here and
// checks invariants that no tool checks without a cluster: resources and a
// task queue on every worker, no literal secrets, images, binaries and user
// ids consistent with the Dockerfile, compose references that resolve, a
// grace period longer than the worker's graceful stop, and environment
// variable names that the Go code really reads.
package deploy
