package main

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/negsim/negsim/atomicfile"
	"github.com/negsim/negsim/batch"
	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/outdir"
)

// defaultBatchDir is where batch writes without -o.
const defaultBatchDir = "out/batch"

// batchContext returns the context a batch runs under: cancelled by Ctrl-C
// or SIGTERM. Tests replace it to interrupt a run.
var batchContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func runBatch(e *env, args []string) error {
	// Signals are caught from the start: one before the first replicate
	// leaves the output directory as it was.
	ctx, cancel := batchContext()
	defer cancel()
	go func() {
		// After the first Ctrl-C, stop catching signals, so that a second
		// one kills the process at once (the output directory then holds
		// the previous result: package outdir).
		<-ctx.Done()
		cancel()
	}()
	fs := newFlags(e, "batch", "batch [--scenario FILE] [--variant NAME ...] [-n N] [--seed S] [--workers W] [-o DIR] [--ci LEVEL]\n"+
		"       [--replicates FILE] [--precision H [--min-n M]] [--quiet] [--shard K/N|auto [--shards N]] [--force]\n\n"+
		"Runs N Monte Carlo replicates of each variant and writes, in DIR, summary.csv (each\n"+
		"outcome's probability with its Wilson interval), byround.csv (the probability an\n"+
		"outcome happened by each round), counts.json (raw counts, for negsim merge) and\n"+
		"manifest.json. Replicate i of variant v uses the random stream (seed, v, i), so\n"+
		"results do not depend on --workers or sharding. Ctrl-C writes the replicates done\n"+
		"so far (a prefix of whole chunks of "+strconv.Itoa(batch.ChunkSize)+") with complete: false and exits 130;\n"+
		"the same command continues it from counts.json (not with --replicates), byte-identically;\n"+
		"--force recomputes.",
		"negsim batch -n 100000 --seed 7 --variant base --variant full-plan -o out/plan")
	scenario := fs.String("scenario", "", "scenario YAML file (default: the embedded scenario)")
	variants := fs.StringArray("variant", nil, `variant to run, repeatable; "a+b" combines (default: base, then every variant in file order)`)
	n := fs.IntP("n", "n", 10000, "replicates per variant")
	seed := fs.Uint64("seed", 1, "master seed")
	workers := fs.Int("workers", runtime.NumCPU(), "worker goroutines (results do not depend on it)")
	out := fs.StringP("out", "o", defaultBatchDir, "output directory")
	level := fs.Float64("ci", batch.DefaultLevel, "confidence level of the intervals, in (0, 1)")
	replicates := fs.String("replicates", "", "also write one row per replicate to FILE: CSV, gzipped if FILE ends in .gz, Parquet if it ends in .parquet (docs/REPLICATES.md)")
	precision := fs.Float64("precision", 0, "stop a variant once every outcome's interval half-width is below H (checked every "+strconv.Itoa(batch.CheckEvery)+" replicates)")
	minN := fs.Int("min-n", batch.DefaultMinN, "with --precision: the fewest replicates before stopping")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	force := fs.Bool("force", false, "recompute every variant, ignoring the counts of an earlier run in the output directory")
	shard := fs.String("shard", "", `run only shard K of N ("K/N", 1-based), or "auto" from SLURM_ARRAY_TASK_* or JOB_COMPLETION_INDEX`)
	shards := fs.Int("shards", 0, "with --shard auto and JOB_COMPLETION_INDEX: the number of shards")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case *n < 1 || *n > maxReplicates:
		return usagef("-n is %d; allowed: an integer from 1 to %d", *n, maxReplicates)
	case *workers < 1:
		return usagef("--workers is %d; allowed: an integer ≥ 1", *workers)
	case !(*level > 0 && *level < 1):
		return usagef("--ci is %v; allowed: a level in (0, 1), e.g. 0.95", *level)
	case fs.Changed("precision") && !(*precision > 0 && *precision < 1):
		return usagef("--precision is %v; allowed: a half-width in (0, 1), e.g. 0.005", *precision)
	case *minN < 1:
		return usagef("--min-n is %d; allowed: an integer ≥ 1", *minN)
	case fs.Changed("min-n") && !fs.Changed("precision"):
		return usagef("--min-n needs --precision")
	case fs.Changed("shards") && *shards < 1:
		return usagef("--shards is %d; allowed: an integer ≥ 1", *shards)
	case *out == "":
		return usagef("-o is empty; allowed: a directory")
	}
	sh, err := parseShardFlag(e, *shard, *shards)
	if err != nil {
		return err
	}
	if !sh.IsZero() && *precision > 0 {
		return usagef("--precision cannot be combined with --shard (each shard would stop at a different point)")
	}
	s, err := loadScenario(*scenario)
	if err != nil {
		return err
	}
	vs := *variants
	if len(vs) == 0 {
		vs = append([]string{"base"}, s.VariantNames("")...)
	}
	seen := map[string]bool{}
	for _, v := range vs {
		if seen[v] {
			return usagef("--variant %q given twice", v)
		}
		seen[v] = true
		if _, err := s.Resolve(v); err != nil {
			var ps models.Problems
			if errors.As(err, &ps) && len(ps) == 1 && ps[0].Field == "variant" {
				return usagef("--variant: %s", ps[0].Msg)
			}
			return err
		}
	}
	if *replicates != "" {
		if err := checkReplicatesPath(*replicates, *out); err != nil {
			return err
		}
	}
	tx, err := beginOut("-o", *out, nil)
	if err != nil {
		return err
	}
	defer tx.Abort()
	if err := checkSpace("-o", *out, batchSpace(*n, len(vs), *replicates)); err != nil {
		return err
	}
	if *replicates != "" && inTx(tx, *replicates, *out) == *replicates {
		if err := atomicfile.CheckWritable(filepath.Dir(*replicates)); err != nil {
			return usagef("--replicates %s: %v", *replicates, err)
		}
	}
	if ctx.Err() != nil {
		return interruptedEarly("before the first replicate", *out)
	}

	cfg := batch.Config{Scenario: s, Variants: vs, N: *n, Seed: *seed, Workers: *workers, Level: *level,
		Shard: sh, Precision: *precision, MinN: *minN, ReplicatesPath: inTx(tx, *replicates, *out), Progress: e.stderr, Quiet: *quiet}
	// An earlier run into the same place is continued: every variant whose
	// cell in its counts.json has the same key and range starts from it
	// (not with --replicates, whose rows of those replicates are gone).
	var cached int64
	if !*force && *replicates == "" {
		cells, err := batch.ReadCounts(filepath.Join(*out, batch.CountsFile))
		if err != nil && !errors.Is(err, iofs.ErrNotExist) {
			return fmt.Errorf("%w (remove it, or rerun with --force)", err)
		}
		cfg.Cached = cells
		for _, c := range cells {
			cached += c.N
		}
	}
	res, runErr := batch.Run(ctx, cfg)
	if res == nil {
		return runErr
	}
	if *replicates != "" {
		res.Manifest.Replicates = *replicates
	}
	if runErr != nil && res.Complete {
		// The signal came after the last chunk: the result is whole.
		runErr, res.Manifest.Interrupted = nil, false
	}
	if runErr != nil && totalDone(res) == strconv.FormatInt(cached, 10) {
		return interruptedEarly("before the first replicate finished", *out)
	}
	if err := writeRunDir(e, res, tx, *out); err != nil {
		return err
	}
	if runErr != nil {
		return exitError{130, fmt.Errorf("interrupted: wrote the %s replicates completed to %s (complete: false); the same command continues it", totalDone(res), *out)}
	}
	return nil
}

// batchSpace estimates the bytes a batch writes: its tables and, with
// --replicates, about 64 bytes a row (16 gzipped).
func batchSpace(n, variants int, replicates string) int64 {
	need := int64(256 << 10)
	if replicates != "" {
		row := int64(64)
		if strings.HasSuffix(replicates, ".gz") {
			row = 16
		}
		need += int64(n) * int64(variants) * row
	}
	return need
}

// writeRunDir writes res into the transaction tx with the process's
// details in the manifest, commits it to dir, and prints the summary.
func writeRunDir(e *env, res *batch.Result, tx *outdir.Tx, dir string) error {
	m := res.Manifest
	m.Version = version()
	m.Command = append([]string{"negsim"}, e.args...)
	if err := res.WriteDir(tx.Dir(), m); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if err := res.PrintSummary(e.stdout); err != nil {
		return err
	}
	files := "summary.csv,byround.csv,counts.json,manifest.json"
	if res.HasForecast() {
		files = "summary.csv,byround.csv,forecast.csv,counts.json,manifest.json"
	}
	fmt.Fprintf(e.stdout, "\nwrote %s/{%s}\n", dir, files)
	return nil
}

func totalDone(res *batch.Result) string {
	var total int64
	for _, c := range res.Cells {
		total += c.N
	}
	return strconv.FormatInt(total, 10)
}

// parseShardFlag turns --shard and --shards into a Shard: "K/N", or "auto"
// from the scheduler's environment.
func parseShardFlag(e *env, v string, shards int) (batch.Shard, error) {
	switch v {
	case "":
		if shards != 0 {
			return batch.Shard{}, usagef("--shards needs --shard auto")
		}
		return batch.Shard{}, nil
	case "auto":
		return autoShard(e, shards)
	}
	if shards != 0 {
		return batch.Shard{}, usagef("--shards only goes with --shard auto")
	}
	sh, err := batch.ParseShard(v)
	if err != nil {
		return batch.Shard{}, usagef("--shard: %v; allowed: K/N (e.g. 2/4) or auto", err)
	}
	return sh, nil
}

// autoShard reads the shard from a SLURM array job (SLURM_ARRAY_TASK_ID
// with SLURM_ARRAY_TASK_COUNT, or with SLURM_ARRAY_TASK_MIN and _MAX) or a
// Kubernetes Indexed Job (JOB_COMPLETION_INDEX, 0-based, with --shards).
func autoShard(e *env, shards int) (batch.Shard, error) {
	num := func(name string) (int, bool, error) {
		s := e.getenv(name)
		if s == "" {
			return 0, false, nil
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			return 0, true, usagef("--shard auto: %s is %q, not an integer", name, s)
		}
		return v, true, nil
	}
	check := func(sh batch.Shard, from string) (batch.Shard, error) {
		if shards != 0 && shards != sh.N {
			return batch.Shard{}, usagef("--shard auto: %s gives %d shards but --shards is %d", from, sh.N, shards)
		}
		if sh.N < 1 || sh.K < 1 || sh.K > sh.N {
			return batch.Shard{}, usagef("--shard auto: %s gives shard %d/%d, not in 1..N", from, sh.K, sh.N)
		}
		return sh, nil
	}
	id, ok, err := num("SLURM_ARRAY_TASK_ID")
	if err != nil {
		return batch.Shard{}, err
	}
	if ok {
		lo, okLo, err1 := num("SLURM_ARRAY_TASK_MIN")
		hi, okHi, err2 := num("SLURM_ARRAY_TASK_MAX")
		count, okCount, err3 := num("SLURM_ARRAY_TASK_COUNT")
		if err := errors.Join(err1, err2, err3); err != nil {
			return batch.Shard{}, err
		}
		switch {
		case okLo && okHi:
			return check(batch.Shard{K: id - lo + 1, N: hi - lo + 1}, "SLURM_ARRAY_TASK_ID/MIN/MAX")
		case okLo && okCount:
			return check(batch.Shard{K: id - lo + 1, N: count}, "SLURM_ARRAY_TASK_ID/MIN/COUNT")
		case okCount:
			// Without MIN, the array is taken to start at 0 (--array=0-N).
			return check(batch.Shard{K: id + 1, N: count}, "SLURM_ARRAY_TASK_ID/COUNT (an array from 0; set SLURM_ARRAY_TASK_MIN otherwise)")
		}
		return batch.Shard{}, usagef("--shard auto: SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/MAX")
	}
	idx, ok, err := num("JOB_COMPLETION_INDEX")
	if err != nil {
		return batch.Shard{}, err
	}
	if ok {
		if shards == 0 {
			return batch.Shard{}, usagef("--shard auto: JOB_COMPLETION_INDEX is set; give the number of shards with --shards N")
		}
		return check(batch.Shard{K: idx + 1, N: shards}, "JOB_COMPLETION_INDEX")
	}
	return batch.Shard{}, usagef("--shard auto: none of SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX is set; use --shard K/N")
}

// maxReplicates bounds -n: beyond it the count of chunks and the integer
// counts could overflow (2⁴⁰, about 1.1 × 10¹²; a million replicates take
// seconds, so no run comes near it).
const maxReplicates = batch.MaxN

// checkReplicatesPath refuses, before any replicate runs, a --replicates
// path that is a directory, whose directory does not exist (other than the
// output directory, which the batch creates), or that is one of the files
// the batch writes into its output directory.
func checkReplicatesPath(path, out string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usagef("--replicates %s is a directory; give a file name (FILE.csv, FILE.csv.gz or FILE.parquet)", path)
	}
	abs, err1 := filepath.Abs(path)
	outAbs, err2 := filepath.Abs(out)
	// The output directory itself is created by the batch; any other
	// missing directory is a mistake.
	if dir := filepath.Dir(path); dir != "." && !(err1 == nil && err2 == nil && filepath.Dir(abs) == outAbs) {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return usagef("--replicates %s: the directory %s does not exist; create it first", path, dir)
		}
	}
	if err1 == nil && err2 == nil && filepath.Dir(abs) == outAbs {
		switch filepath.Base(abs) {
		case batch.SummaryFile, batch.ByRoundFile, batch.CountsFile, batch.ManifestFile:
			return usagef("--replicates %s would be overwritten by the batch's own %s in %s; choose another name", path, filepath.Base(abs), out)
		}
	}
	return nil
}
