// Package report aggregates the results of sweep points in a store into
// tables and summaries.
//
// [Collect] reads result.json of every point of the named sweeps (from their
// manifests, sweeps/<name>/manifest.jsonl), or of every point under points/
// when no sweep is named. Listing and fetching run concurrently, bounded by
// [Options.Concurrency]. Anything wrong with a point — no result, a damaged
// or undecodable result.json, a result of another trainer version, and with
// [Options.Verify] a missing or damaged artifact — becomes a [Problem] and
// keeps the point out of [Report.Rows]: a table never silently mixes in a
// stale or broken result.
//
// A [Row] is one point: its config, metrics, theory predictions, the gap
// between the measured loss and the expected theory, and the keys of its
// artifacts. A [Group] summarises the rows that differ only in the seed
// (count, mean and standard error).
//
// The writers produce CSV ([WriteCSV], [WriteGroupsCSV], [WriteProblemsCSV])
// and Parquet ([WriteParquet]) with the same columns; [Report.Write] writes
// them all, plus summary.json, into one directory.
package report
