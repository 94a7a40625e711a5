// Package outdir writes an output directory as one transaction: a run
// writes every file into a hidden sibling directory, which replaces the
// previous directory in one step at the end. A reader of the directory
// finds either the previous complete result or the new one, never a mix of
// the two; a run killed before its end leaves the previous result as it
// was, and its hidden sibling is removed by the next run into the same
// place.
//
// Files that a run writes in place on purpose (an experiment's progress
// and shard counts, a README.md kept beside the results) are carried over
// into the new directory when it is committed; every other file of the
// previous result that the new run does not write (a stale replicates.csv,
// sweep.csv or figure) is gone after the commit.
package outdir
