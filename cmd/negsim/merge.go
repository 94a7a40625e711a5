package main

import (
	"path/filepath"

	"github.com/negsim/negsim/batch"
)

func runMerge(e *env, args []string) error {
	fs := newFlags(e, "merge", "merge -o DIR SHARD_DIR...\n\n"+
		"Checks that the shard directories belong to one run (same scenario, seed, N,\n"+
		"variants, confidence level and shard count; each shard once) and writes the\n"+
		"summary.csv, byround.csv, counts.json and manifest.json an unsharded run would.",
		"negsim merge -o out/merged out/shard-1 out/shard-2 out/shard-3 out/shard-4")
	// Signals are caught from the start: an interrupted merge writes nothing.
	ctx, cancel := batchContext()
	defer cancel()
	out := fs.StringP("out", "o", "", "output directory (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("-o is required: the directory to write the merged results to")
	}
	if fs.NArg() == 0 {
		return usagef("no shard directories given")
	}
	for _, d := range fs.Args() {
		if shards, _ := filepath.Glob(filepath.Join(d, "counts-*-of-*.json")); len(shards) > 0 {
			return usagef("%s holds experiment shards (%s); merge them with: negsim experiment FILE -o %s --merge", d, filepath.Base(shards[0]), d)
		}
	}
	res, err := batch.Merge(fs.Args())
	if err != nil {
		return err
	}
	tx, err := beginOut("-o", *out, nil)
	if err != nil {
		return err
	}
	defer tx.Abort()
	if err := checkSpace("-o", *out, 256<<10); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return interruptedEarly("during the merge", *out)
	}
	return writeRunDir(e, res, tx, *out)
}
