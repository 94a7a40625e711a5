// Package figures draws negsim's result figures from its CSV files.
//
// A batch run writes CSV tables (summary.csv, byround.csv, sweep.csv,
// heatmap.csv, sensitivity.csv, convergence.csv, difference.csv,
// decompose.csv, verification.csv) and a manifest.json next to them. This package reads
// those files alone, so figures can be redrawn at any time without
// re-running the simulation (`negsim plot DIR`).
//
// Each figure has its own function that takes the parsed rows, a Caption
// and an output path without extension; it writes path.svg and path.png,
// each atomically (a temporary file in the same directory, then a rename).
// DrawDir reads whichever tables exist in a directory and draws every
// figure it can.
//
// Output is deterministic: the same rows and caption give a byte-identical
// SVG. Series are ordered by first appearance in the table, never by map
// iteration order.
package figures
