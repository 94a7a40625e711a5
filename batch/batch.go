package batch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/runner"
	"github.com/negsim/negsim/sim"
	"github.com/negsim/negsim/stats"
)

// Defaults and fixed sizes.
const (
	// ChunkSize is the number of consecutive replicate indices a worker
	// takes at a time (runner.ChunkSize); shards, checkpoints and
	// interrupted runs count whole chunks.
	ChunkSize = runner.ChunkSize
	// CheckEvery is the spacing, in replicates, of the precision
	// checkpoints.
	CheckEvery = 10000
	// DefaultLevel is the default confidence level.
	DefaultLevel = 0.95
	// DefaultMinN is the default Config.MinN.
	DefaultMinN = 1000
)

// Config describes a batch.
type Config struct {
	// Scenario is the base scenario; each variant is resolved from it.
	Scenario *models.Scenario
	// Variants are the variant names to run, in order ("base" for the
	// scenario as written; "a+b" combines). Empty means "base".
	Variants []string
	// N is the number of replicates per variant (the whole run's, also
	// when sharded).
	N int
	// Seed is the master seed.
	Seed uint64
	// Workers is the number of goroutines; 0 means runtime.NumCPU().
	Workers int
	// Level is the confidence level of the intervals; 0 means 0.95.
	Level float64
	// Shard selects a part of the run; the zero value runs it all.
	Shard Shard
	// Precision, if positive, stops a variant at the first checkpoint
	// (every CheckEvery replicates, and at MinN rounded up to a whole
	// chunk) at which every outcome's Wilson half-width is below it.
	// It cannot be combined with Shard.
	Precision float64
	// MinN is the fewest replicates before a precision stop; 0 means
	// DefaultMinN.
	MinN int
	// Fixed pins parameters to values in every variant.
	Fixed []Fix
	// Label is copied to every cell, to tell apart sweep points.
	Label string
	// ReplicatesPath, if not empty, is a file to write with one row per
	// replicate, in replicate order: CSV, gzip-compressed CSV if it ends in
	// .gz, Parquet if it ends in .parquet (docs/REPLICATES.md).
	ReplicatesPath string
	// Cached holds the cells of an earlier run into the same place
	// (ReadCounts of its counts.json): a variant whose cell there has the
	// same cache key and replicate range starts from its counts, whole or
	// the exact prefix an interrupted run counted, and runs only the rest.
	// It cannot be combined with ReplicatesPath, whose rows of the cached
	// replicates would be missing.
	Cached []Cell
	// Progress receives progress reports; nil or Quiet means none.
	Progress io.Writer
	// Quiet turns progress reports off.
	Quiet bool
}

// Fix pins the parameter at Path (as sim.Model.ParamNames spells it) to
// Value.
type Fix = runner.Fix

// Shard is part K (1-based) of a run split into N parts. The zero value
// means the whole run.
type Shard struct {
	K int `json:"k"` // this shard, 1..N
	N int `json:"n"` // the number of shards
}

// IsZero reports whether s is the whole run.
func (s Shard) IsZero() bool { return s.N == 0 }

// String returns "K/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.K, s.N) }

// ParseShard parses "K/N" with 1 ≤ K ≤ N.
func ParseShard(v string) (Shard, error) {
	ks, ns, ok := strings.Cut(v, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return Shard{}, fmt.Errorf("shard %q is not K/N with 1 ≤ K ≤ N", v)
	}
	return Shard{K: k, N: n}, nil
}

// chunks returns the chunk range [lo, hi) of shard s among nc chunks:
// contiguous blocks, their sizes differing by at most one.
func (s Shard) chunks(nc int) (lo, hi int) {
	if s.IsZero() {
		return 0, nc
	}
	return (s.K - 1) * nc / s.N, s.K * nc / s.N
}

// Check reports the first invalid field of cfg, naming it.
func (cfg *Config) Check() error {
	switch {
	case cfg.Scenario == nil:
		return errors.New("no scenario")
	case cfg.N < 1:
		return fmt.Errorf("N is %d; it must be at least 1", cfg.N)
	case cfg.Workers < 0:
		return fmt.Errorf("workers is %d; it must be at least 1", cfg.Workers)
	case cfg.Level != 0 && !(cfg.Level > 0 && cfg.Level < 1):
		return fmt.Errorf("confidence level is %v; it must be in (0, 1)", cfg.Level)
	case cfg.Precision < 0 || cfg.Precision >= 1:
		return fmt.Errorf("precision is %v; it must be in (0, 1)", cfg.Precision)
	case cfg.MinN < 0:
		return fmt.Errorf("min-n is %d; it must be at least 1", cfg.MinN)
	case !cfg.Shard.IsZero() && (cfg.Shard.K < 1 || cfg.Shard.K > cfg.Shard.N):
		return fmt.Errorf("shard %v: K must be in 1..N", cfg.Shard)
	case !cfg.Shard.IsZero() && cfg.Precision > 0:
		return errors.New("precision stopping cannot be combined with shards")
	case len(cfg.Cached) > 0 && cfg.ReplicatesPath != "":
		return errors.New("cached counts cannot be combined with a replicates file")
	}
	return nil
}

// variant is one cell's compiled model and its place in the run.
type variant struct {
	name     string
	m        *sim.Model
	nLo, nHi int // replicate range
	cell     Cell
	job      *runner.Job
}

// Run runs the batch described by cfg on the runner. If ctx is cancelled it
// stops, and returns the counts of the chunks completed in order so far
// (the Result has Complete false) together with an error wrapping
// ctx.Err(). The replicates file, if any, is written atomically when Run
// returns.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Check(); err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	start := time.Now()
	if len(cfg.Variants) == 0 {
		cfg.Variants = []string{"base"}
	}
	if cfg.Workers == 0 {
		cfg.Workers = runtime.NumCPU()
	}
	if cfg.Level == 0 {
		cfg.Level = DefaultLevel
	}
	if cfg.MinN == 0 {
		cfg.MinN = DefaultMinN
	}
	vs, err := compileVariants(&cfg)
	if err != nil {
		return nil, err
	}
	var rw *replicateWriter
	if cfg.ReplicatesPath != "" {
		if rw, err = newReplicateWriter(cfg.ReplicatesPath, vs); err != nil {
			return nil, err
		}
	}
	r := &run{cfg: &cfg, vs: vs}
	jobs := make([]*runner.Job, len(vs))
	for vi, v := range vs {
		j := v.job
		if rw != nil {
			j.Rows = func(b []byte, i int, res *sim.Result) []byte { return rw.appendRow(b, vi, i, res) }
		}
		jobs[vi] = j
	}
	rc := runner.Config{Seed: cfg.Seed, Workers: cfg.Workers, Done: &r.done,
		Commit: func(j *runner.Job, _ *runner.Counts, rows []byte) bool {
			if rw != nil {
				rw.write(rows)
			}
			return cfg.Precision > 0 && r.checkpoint(int(j.Counts.N)) && r.precise(&j.Counts)
		}}
	stop := r.progress()
	runErr := runner.Run(ctx, jobs, rc)
	stop()
	for _, v := range vs {
		v.cell.setCounts(&v.job.Counts)
		v.cell.Stopped = v.job.Stopped
	}
	res := r.result(start)
	if rw != nil {
		if err := rw.close(); err != nil {
			return nil, err
		}
		res.Manifest.Replicates = cfg.ReplicatesPath
		res.Manifest.ReplicatesConstant = rw.Constant
	}
	if runErr != nil && ctx.Err() == nil {
		return nil, runErr
	}
	if err := ctx.Err(); err != nil {
		res.Manifest.Interrupted = true
		return res, fmt.Errorf("batch interrupted: %w", err)
	}
	return res, nil
}

func compileVariants(cfg *Config) ([]*variant, error) {
	nc := (cfg.N + ChunkSize - 1) / ChunkSize
	var vs []*variant
	seen := map[string]bool{}
	for _, name := range cfg.Variants {
		if seen[name] {
			return nil, fmt.Errorf("variant %q given twice", name)
		}
		seen[name] = true
		s, err := cfg.Scenario.Resolve(name)
		if err != nil {
			return nil, err
		}
		m, err := sim.Compile(s)
		if err != nil {
			return nil, err
		}
		for _, f := range cfg.Fixed {
			slot, err := m.ParamIndex(f.Path)
			if err != nil {
				return nil, fmt.Errorf("variant %s: fixed parameter: %w", name, err)
			}
			m = m.WithFixed(slot, f.Value, "fixed by the batch configuration")
		}
		v := &variant{name: name, m: m}
		lo, hi := cfg.Shard.chunks(nc)
		v.nLo, v.nHi = lo*ChunkSize, min(hi*ChunkSize, cfg.N)
		h := max(m.Horizon, 1)
		v.cell = newCell(name, cfg.Label, cfg.Fixed, h, m.Outcomes)
		v.cell.Lo, v.cell.Hi = v.nLo, v.nHi
		out := make([]int, len(m.Outcomes))
		for o := range out {
			out[o] = o
		}
		v.job = &runner.Job{Stream: name, Model: m, Outcomes: out, Horizon: h, Lo: v.nLo, Hi: v.nHi,
			Forecast: len(m.BDMTables()) > 0}
		v.job.Init(m)
		v.cell.Forecast = v.job.Counts.Forecast
		var keys runner.Keys
		v.cell.Key = keys.New(cfg.Scenario.SHA256(), cfg.Seed, name).Int(int64(cfg.N)).Model(m).Job(v.job).Sum()
		for i := range cfg.Cached {
			if c := &cfg.Cached[i]; c.Key == v.cell.Key && c.Lo == v.nLo && c.Hi == v.nHi && c.Label == cfg.Label {
				z := v.job.Counts.Like()
				err := z.Add(&runner.Counts{N: c.N, Hist: c.ByRound, Below: c.BelowReservation, Forecast: c.Forecast})
				if err != nil {
					return nil, fmt.Errorf("variant %s: cached counts: %w", name, err)
				}
				v.job.Counts, v.job.Stopped = z, c.Stopped
			}
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// run holds a run in progress.
type run struct {
	cfg  *Config
	vs   []*variant
	done atomic.Int64 // replicates run, for progress
}

// total is the number of replicates this shard runs.
func (r *run) total() int64 {
	var t int64
	for _, v := range r.vs {
		t += int64(v.nHi - v.nLo)
	}
	return t
}

// checkpoint reports whether the precision rule is checked after the first
// k replicates: at MinN rounded up to a whole chunk, and at every multiple
// of CheckEvery beyond it.
func (r *run) checkpoint(k int) bool {
	first := (r.cfg.MinN + ChunkSize - 1) / ChunkSize * ChunkSize
	return k == first || (k > first && k%CheckEvery == 0)
}

// precise reports whether every outcome's Wilson half-width is below the
// precision target.
func (r *run) precise(c *runner.Counts) bool {
	for o := range c.Hist {
		if stats.HalfWidth(int(c.Successes(o)), int(c.N), r.cfg.Level) >= r.cfg.Precision {
			return false
		}
	}
	return true
}

// result assembles the Result of the run.
func (r *run) result(start time.Time) *Result {
	cfg := r.cfg
	res := &Result{Complete: true}
	m := Manifest{
		Kind: "batch", GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		Scenario: cfg.Scenario.File, ScenarioName: cfg.Scenario.Name, ScenarioSHA256: cfg.Scenario.SHA256(),
		Seed: cfg.Seed, N: cfg.N, NDone: map[string]int64{}, Variants: cfg.Variants, Fixed: cfg.Fixed,
		Level: cfg.Level, ChunkSize: ChunkSize, Workers: cfg.Workers,
		Start: timeStamp(start), End: timeStamp(time.Now()),
	}
	if !cfg.Shard.IsZero() {
		s := cfg.Shard
		m.Shard = &s
	}
	if cfg.Precision > 0 {
		m.Precision = &PrecisionInfo{HalfWidth: cfg.Precision, MinN: cfg.MinN, Every: CheckEvery,
			Rule: "a variant stops after the first k replicates (0..k-1) once every outcome's Wilson half-width is below half_width, checked only at k = min_n rounded up to a whole chunk and at multiples of checkpoint_every, so the result does not depend on the number of workers"}
		m.StoppedEarly = map[string]bool{}
	}
	for _, v := range r.vs {
		res.Cells = append(res.Cells, v.cell)
		m.NDone[v.name] = v.cell.N
		done := v.cell.N == int64(v.nHi-v.nLo)
		if v.job.Stopped {
			m.StoppedEarly[v.name] = true
			done = true
		} else if m.StoppedEarly != nil {
			m.StoppedEarly[v.name] = false
		}
		if !done {
			res.Complete = false
		}
	}
	m.Complete = res.Complete
	res.Manifest = m
	return res
}
