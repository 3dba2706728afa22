// Command reportbench measures how long report.Collect takes to aggregate
// many results from a real MinIO server on 127.0.0.1: by sweep (reading the
// sweep's manifest, then every listed point's result.json) and over the
// whole store (listing everything under points/).
//
// It takes the endpoint and credentials from the variables that
// `.ci/minio.sh start` exports (BITSWEEP_TEST_S3_ENDPOINT, MINIO_ROOT_USER,
// MINIO_ROOT_PASSWORD), opens s3://<bucket>/<prefix> as the storage/s3 tests
// do, and with -populate first writes n synthetic results there: the first
// n points of a synthetic sweep (3 archs × 20 sparsities × 5 rates × as many
// seeds as needed; their real configs and point IDs), each with a
// result.json as TrainPoint writes it (made-up losses, minimiser metrics and
// decoder scalars, theory.Predict for its config, a log-spaced loss curve,
// artifact entries with keys and checksums), plus the sweep's spec.yaml,
// manifest.jsonl and sweep.json as PrepareSweep writes them. The artifacts
// themselves are not written. Populating is skipped when the store already
// holds exactly those results, and is not part of the timings.
//
// It prints a Markdown table (mode, n, concurrency, seconds, results/s,
// rows, problems, Go heap peak, bytes allocated, CPU time of the program and
// of the MinIO process) and exits with status 1 unless every run found n
// rows and no problems.
//
// Usage (from the repository root; bench/README.md has the measured figures
// and shows how to keep the MinIO data between runs, which .ci/minio.sh
// deletes on start and stop):
//
//	export BITSWEEP_MINIO_STATE=/work/reportbench-minio
//	eval "$(bash .ci/minio.sh start)"
//	go run ./bench/reportbench -n 5000 -populate
//	go run ./bench/reportbench -populate -concurrency 32,128
package main
