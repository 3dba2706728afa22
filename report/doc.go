// Package report aggregates the results of sweep points in a store into
// tables, figures and a reproduction report.
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
//
// Figures are data first: [Figures] turns the groups into [Figure] values
// (measured series with standard errors, dense theory curves computed by
// theory.Predict, marks such as the critical sparsity), [Heatmap] and
// [Curves] read a point's B.npy and curve.csv; tests check these values.
// [Figure.Render] then draws PNG and SVG with gonum/plot. [Report.HTML] is
// an index.html that reads offline, [Report.Claims] and
// [Report.Reproduction] evaluate the paper's claims C1–C5 with a verdict
// each, and [Generate] writes everything into one folder. The report
// activity (activities.ReportSweep) runs Generate at the end of a sweep.
package report
