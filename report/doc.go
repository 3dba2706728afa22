// Package report aggregates the results of sweep points in a store into
// tables, figures and a reproduction report.
//
// [Collect] reads result.json of every point of the named sweeps (from their
// manifests, sweeps/<name>/manifest.jsonl, and, for a search sweep, the
// samples of its cell records, sweeps/<name>/search/cell-NNNNNN.json; a
// search sweep needs no manifest), or of every point under points/ when no
// sweep is named. Listing and fetching run concurrently, bounded by
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
// each, and [Generate] writes everything into one folder.
//
// Search sweeps (package search: per cell, the value of a variable where a
// seed-averaged metric crosses a level, located by k-section) add to this.
// Their probes' points are ordinary rows and groups. The cell records are
// [Report.Searches] (of the named sweeps, or of every sweep with records
// when none is named: one listing of sweeps/); [SummarizeSearch] condenses
// one into a [SearchSummary] (also in summary.json). [WriteSearchCSV]
// writes search.csv (one line per cell: its parameters, the criterion,
// status, estimate and bracket, probes and points used against a grid of
// the same resolution, unconverged points, the predicted crossings) and
// [WriteSearchProbesCSV] search-probes.csv (one line per probe, with its
// point IDs); [SearchFigures] draws per sweep the estimate against d (or
// the rate) with the bracket as bars and the predicted p* as lines, and the
// probes with the level and the estimates; index.html has a "Searches"
// section, and REPRODUCTION.md gains claim C6, the searched critical
// sparsity of sparse Rademacher data against p* = 2 − π/2 (and the absence
// of a crossing on Bernoulli–Gaussian data). A report without search cells
// is as before.
//
// The report activity (activities.ReportSweep) runs Generate at the end of
// a sweep.
package report
