// Package report builds one self-contained HTML page from a batch or
// experiment directory: every figure, the outcome tables with their
// intervals, the manifests, the provenance of every parameter of a variant
// and a round-by-round trace viewer for replicates the caller names.
//
// The page needs no network when it is viewed: figures are inlined as data:
// URIs, and the style sheet and the small script that drives the trace
// viewer are embedded in the binary (templates/) and inlined. Only the
// traces are computed: each named replicate is replayed exactly, from
// sim.Stream(seed, variant, i), as negsim run --replicate I does. Every
// other number on the page is read from the directory's files.
package report
