package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/negsim/negsim/experiment"
	"github.com/negsim/negsim/runner"
)

func runExperiment(e *env, args []string) error {
	fs := newFlags(e, "experiment", "experiment FILE [-o DIR] [--workers W] [--quiet] [--shard K/N|auto [--shards N]] [--merge] [--force]\n\n"+
		"DIR/counts.json (counts-K-of-N.json for a shard) holds every cell's counts with a key, the\n"+
		"SHA-256 of everything that determines the cell. Rerunning into the same DIR takes every\n"+
		"cell whose key is unchanged from it and runs only the missing cells and chunks; --force\n"+
		"recomputes everything. On Ctrl-C or SIGTERM it writes the exact counts of the chunks\n"+
		"completed, marked complete: false, and exits 130; the same command continues, and the\n"+
		"result is byte-identical to an uninterrupted run.",
		"negsim experiment experiments/all.yaml -o out/all")
	out := fs.StringP("out", "o", "", "output directory (default: out/NAME, NAME from the file; results/ is written only when named)")
	workers := fs.Int("workers", 0, "worker goroutines (default: one per CPU); results do not depend on it")
	quiet := fs.Bool("quiet", false, "print nothing but errors")
	shard := fs.String("shard", "", `run only shard K of N ("K/N", 1-based) and write its counts, or "auto" from SLURM_ARRAY_TASK_* or JOB_COMPLETION_INDEX`)
	shards := fs.Int("shards", 0, "with --shard auto and JOB_COMPLETION_INDEX: the number of shards")
	merge := fs.Bool("merge", false, "merge the shard counts in the output directory and write the tables and figures")
	force := fs.Bool("force", false, "recompute every cell, ignoring the counts already in the output directory")
	resume := fs.Bool("resume", false, "continue an interrupted run (the default; kept for old scripts)")
	maxReps := fs.Int64("max-replicates", experiment.DefaultMaxReplicates, "refuse, before any work, an experiment asking for more replicate runs than this (its includes together)")
	// Signals are caught from the start: one before the first replicate
	// leaves the output directory as it was.
	rctx, cancel := batchContext()
	defer cancel()
	go func() {
		// After the first Ctrl-C, stop catching signals, so that a second
		// one kills the process at once (the output directory then holds
		// the previous result: package outdir).
		<-rctx.Done()
		cancel()
	}()
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want exactly one experiment file, got %d arguments (see --help)", fs.NArg())
	}
	if *workers < 0 {
		return usagef("--workers is %d; it must be at least 1 (or 0 for one per CPU)", *workers)
	}
	sh, err := parseShardFlag(e, *shard, *shards)
	if err != nil {
		return err
	}
	if *merge && !sh.IsZero() {
		return usagef("--merge and --shard do not go together: run the shards, then merge once")
	}
	if *merge && (*resume || *force) {
		return usagef("--merge does not go with --resume or --force: continue or recompute the shards, then merge")
	}
	if *resume && *force {
		return usagef("--resume and --force do not go together: --force recomputes every cell")
	}
	spec, err := experiment.Load(fs.Arg(0))
	if err != nil {
		var ps experiment.Problems
		if errors.As(err, &ps) {
			return exitError{exitFailure, fmt.Errorf("the experiment file has %d problem(s):\n%v", len(ps), ps)}
		}
		return err
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join("out", spec.Name)
	}
	// The manifest records the command without --resume and --force, so
	// that a continued or recomputed run's files equal an uninterrupted
	// run's.
	var recorded []string
	for _, a := range args {
		if a != "--resume" && a != "--force" {
			recorded = append(recorded, a)
		}
	}
	command := "negsim experiment " + strings.Join(recorded, " ")
	// A directory that holds the complete output of the same inputs (the
	// same negsim, command, experiment and scenario files) is up to date:
	// nothing runs and nothing is written.
	digest, err := experiment.InputsDigest(spec, version(), runner.Executable(), command)
	if err != nil {
		return err
	}
	if !*force && !*merge && sh.IsZero() {
		ok, err := experiment.UpToDate(dir, digest)
		if err != nil {
			return err
		}
		if ok {
			if !*quiet {
				fmt.Fprintf(e.stderr, "%s is up to date: every file is as the same negsim, command, experiment and scenario files wrote it (--force recomputes)\n", dir)
			}
			return nil
		}
	}
	plan, err := experiment.NewPlan(spec)
	if err != nil {
		var ps experiment.Problems
		if errors.As(err, &ps) {
			return exitError{exitFailure, fmt.Errorf("the experiment does not fit its scenario, %d problem(s):\n%v", len(ps), ps)}
		}
		return err
	}
	if *maxReps < 1 {
		return usagef("--max-replicates is %d; allowed: an integer ≥ 1", *maxReps)
	}
	if err := plan.CheckSize(*maxReps); err != nil {
		return exitError{exitFailure, err}
	}
	plan.Version = version()
	opt := experiment.Options{Workers: *workers}
	if !*quiet {
		opt.Progress = e.stderr
	}
	// The tables and figures are written through a transaction (package
	// outdir); the counts files (the cell cache, counts.json or
	// counts-K-of-N.json) are written in place and carried over.
	tx, err := beginOut("-o", dir, keepExperiment)
	if err != nil {
		return err
	}
	defer tx.Abort()
	if err := checkSpace("-o", dir, experimentSpace(plan)); err != nil {
		return err
	}
	if rctx.Err() != nil {
		return interruptedEarly("before the first replicate", dir)
	}
	// Once every replicate has run, the files are written whatever the
	// signals: a second one kills the process, and the transaction then
	// leaves the previous result.
	ctx := context.Background()
	switch {
	case *merge:
		if err := experiment.MergeShards(plan, dir); err != nil {
			return err
		}
	default:
		if !sh.IsZero() {
			opt.Shard, opt.Shards = sh.K-1, sh.N
		}
		if err := experiment.Prepare(plan, opt.Shard, opt.Shards); err != nil {
			return err
		}
		var cached int64
		if !*force {
			if cached, err = experiment.LoadCounts(plan, dir); err != nil {
				return err
			}
		}
		opt.Save = func() error { return experiment.SaveCounts(plan, dir) }
		if err := experiment.Run(rctx, plan, opt); err != nil {
			if rctx.Err() == nil {
				return err
			}
			if plan.Done() == cached {
				return interruptedEarly("before the first replicate finished", dir)
			}
			if err := experiment.SaveCounts(plan, dir); err != nil {
				return err
			}
			return exitError{130, fmt.Errorf("interrupted: wrote the exact counts of the chunks completed to %s (complete: false); continue with the same command",
				filepath.Join(dir, experiment.CountsName(opt.Shard, opt.Shards)))}
		}
		if err := experiment.SaveCounts(plan, dir); err != nil {
			return err
		}
		if !sh.IsZero() {
			if !*quiet {
				fmt.Fprintf(e.stderr, "wrote shard %v of %s to %s; merge with: negsim experiment %s -o %s --merge\n", sh, spec.Name, dir, fs.Arg(0), dir)
			}
			return nil
		}
	}
	if err := experiment.WriteFiles(ctx, plan, tx.Dir(), command); err != nil {
		return err
	}
	written, err := experiment.Draw(plan, tx.Dir())
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if err := experiment.WriteOutputs(dir, digest); err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintf(e.stderr, "wrote the tables, manifest.json and %d figure files under %s\n", len(written), dir)
	}
	return nil
}
