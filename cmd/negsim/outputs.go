package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/negsim/negsim/experiment"
	"github.com/negsim/negsim/outdir"
)

// beginOut starts the transaction that writes the output directory dir
// (package outdir): a usage error, before any work, if dir cannot be
// written or holds what negsim did not write.
func beginOut(flag, dir string, keep func(rel string) bool) (*outdir.Tx, error) {
	tx, err := outdir.Begin(dir, keep)
	if err != nil {
		return nil, usagef("%s %s: %v", flag, dir, err)
	}
	return tx, nil
}

// checkSpace is outdir.CheckSpace as a usage error.
func checkSpace(flag, dir string, need int64) error {
	if err := outdir.CheckSpace(dir, need); err != nil {
		return usagef("%s %s: %v", flag, dir, err)
	}
	return nil
}

// keepExperiment carries over, besides README.md, the files an experiment
// writes in place during its run rather than through the transaction:
// shard counts (counts-K-of-N.json, each shard's own), progress files of
// interrupted runs, and the counts cache.
func keepExperiment(rel string) bool {
	b := filepath.Base(rel)
	return outdir.Keep(rel) || strings.HasPrefix(b, "counts") || strings.HasPrefix(b, "progress")
}

// inTx maps path, if it lies in the output directory out, to the same
// name in the transaction's directory, so that a --replicates file beside
// the results is part of them.
func inTx(tx *outdir.Tx, path, out string) string {
	abs, err1 := filepath.Abs(path)
	outAbs, err2 := filepath.Abs(out)
	if path == "" || err1 != nil || err2 != nil {
		return path
	}
	if r, err := filepath.EvalSymlinks(outAbs); err == nil {
		outAbs = r
	}
	if filepath.Dir(abs) == outAbs || filepath.Dir(abs) == tx.Final() {
		return filepath.Join(tx.Dir(), filepath.Base(abs))
	}
	return path
}

// interruptedEarly is the error of a command interrupted before its first
// replicate (or, for merge, before its commit): nothing was written.
func interruptedEarly(what, dir string) error {
	return exitError{130, fmt.Errorf("interrupted %s; nothing written, %s is as it was", what, dir)}
}

// experimentSpace estimates the bytes an experiment writes: its tables
// (about 2 KiB a cell) and figures (about 4 MiB in all).
func experimentSpace(p *experiment.Plan) int64 {
	return 4<<20 + int64(p.Cells())*2<<10
}
