// Package spec reads sweep specs: YAML files that describe a grid of
// 1-bit-autoencoder training points (one train.Config each) for bitsweep to
// run. Parse checks everything that can be checked before a single point
// starts, and reports every problem with its file, line, column, field path
// and value; a spec that Parse accepts expands to points that all pass
// train.Config.Validate. SCHEMA.md, beside this file, is the user-facing
// version of what follows.
//
// # Schema
//
//	name: quickstart            # required: [a-z0-9][a-z0-9._-]{0,62}
//	description: free text      # optional
//	fixed:                      # parameters shared by every point
//	  source: bernoulli-gaussian
//	  d: 128
//	  steps: 800
//	grid:                       # axes: a Cartesian product, in the order written, last axis fastest
//	  sparsity: [0.1, 0.3, 0.9]                     # a list
//	  rate: {from: 0.25, to: 1.0, step: 0.25}       # an inclusive range
//	  lr: {from: 1e-3, to: 1e-1, num: 5, log: true} # num values, log-spaced, inclusive
//	  arch: [linear, denoiser, multilayer]
//	seeds: 2                    # a count (seeds 1..N) or a list [1, 7, 42]; default 1; fastest of all
//	exclude:                    # optional: drop the points that match ALL keys of any entry
//	  - {arch: linear, sparsity: 0.9}
//
// or, to search instead of sweeping a variable (grid then optional):
//
//	search:
//	  variable: sparsity          # sparsity or rate; neither fixed nor a grid axis
//	  bracket: [0.2, 0.8]         # [lo, hi], lo < hi
//	  metric: perm_score          # perm_score, loss or row_peak
//	  level: 0.5                  # the value the seed-averaged metric crosses
//	  between: [gauss, identity]  # optional, metric loss only: level is a fraction of the way between the curves (default 0.5)
//	  tolerance: 0.02             # stop when the bracket is no wider; 1e-4 ≤ tolerance < hi − lo
//	  probes: 3                   # optional: k values per round, 1..search.MaxProbes
//
// The name becomes part of storage keys and Temporal workflow IDs (see
// CheckName).
//
// Parameters, under fixed: or grid:, are the JSON names of train.Config's
// fields: source, sparsity, rate, d, arch, layers, steps, batch, lr,
// optimizer, init, ste, ste_epsilon, denoiser, refit, decoder_grad,
// schedule, eval_samples. The seed is not a parameter: seeds sets it. A
// parameter is either fixed or a grid axis, not both. A parameter given
// nowhere takes train.Config.Defaults' value; source, rate and (for the
// synthetic sources) d have no default and must be given.
//
// Types, the same under fixed:, in grid lists and in exclusions: sparsity,
// rate, lr and ste_epsilon are numbers (an integer is fine); d, layers,
// steps, batch and eval_samples are integers (1.0 and 1e3 are not); refit is
// true or false; the others are strings. NaN and infinities are refused.
// An explicit 0 or "" for a parameter that Defaults fills in is refused,
// because Defaults would silently replace it: leave the key out instead.
//
// Image sources, idx:PATH and cifar10:PATH, must name a regular file or a
// directory that exists and can be opened (not a FIFO, which would block,
// or a device), with a PATH of at most 4,096 bytes. A relative PATH is
// relative to the spec file's directory; the points hold the absolute path.
// Points, and their IDs (see PointID), identify image data by that path
// string.
//
// # Ranges
//
// {from: F, to: T, step: S} is F, F+S, …, T: T − F must be a whole number of
// steps (within 1e-9 relative). {from: F, to: T, num: N} is N evenly spaced
// values from F to T; with log: true they are evenly spaced in log (F, T >
// 0). The first value is exactly F and the last exactly T; the values
// between are rounded to 12 significant digits, so that {from: 0.1, to: 0.3,
// step: 0.1} is exactly [0.1, 0.2, 0.3] (the float64 literals). An integer
// parameter takes integer from/to/step, and a num range over it must land
// on integers. A range has at most MaxAxisValues values, counted before
// anything is allocated.
//
// # Order and indexing
//
// Points are numbered in the order: the grid axes as written, the last
// varying fastest, then the seeds fastest of all; exclusions do not
// renumber. Spec.At computes point i directly (mixed-radix), Spec.Points
// lists the points that no exclusion drops, and Point.ID is a content hash
// of the resolved config, stable across sweeps (PointID).
//
// # Searches
//
// With a search: block, Spec.Search holds the settings (search.Settings) and
// each grid combination is a cell (one cell without a grid), searched on its
// own by k-section (package search): round 0 trains both ends of the bracket
// and k values inside it, each later round k values inside the current
// bracket, until the bracket is no wider than the tolerance, no probe
// crosses the level, or the crossings are not monotone. Parse checks every
// cell that no exclusion drops with the variable at both ends of the
// bracket, and reports the variable's problems at search.bracket. Cells,
// CellExcluded and CellParams describe the cells, and Probe resolves the
// point of a cell at a value and seed, with the same ID as the same point in
// a grid sweep. Total, At and Points keep their grid meaning (the cells ×
// the seeds, the variable unset): callers check Spec.Search first.
//
// # Limits
//
// A spec file is at most MaxFileSize bytes and nested at most MaxDepth
// levels; YAML aliases are followed, but a document that expands to more
// than about a million nodes ("billion laughs") is refused. A sweep has at
// most MaxPoints points after exclusions and MaxCombinations grid
// combinations before them, and at most MaxExclusions exclude entries; a
// search has at most MaxCombinations cells, and MaxPoints cells × seeds
// after exclusions. The sizes are computed from the axis lengths before
// anything is expanded.
//
// # Errors
//
// Parse returns an ErrorList of *Error, sorted by line. Each formats as
//
//	quickstart.yaml:12:9: grid.sparsity[2] = 1.5: must be in (0, 1]
//
// Every point (Defaults applied) is checked with train.Config.Validate (for
// a search, every cell at both ends of the bracket); its
// complaints are mapped back to the YAML node that supplied the offending
// value — the fixed entry, the list item or the range — and reported once
// per distinct path, value and message; when the check involves another
// grid axis (layers and arch, say), the message names the values of that
// axis at which it fails.
package spec
