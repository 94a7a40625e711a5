package batch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
	"github.com/negsim/negsim/stats"
)

// Defaults and fixed sizes.
const (
	// ChunkSize is the number of consecutive replicate indices a worker
	// takes at a time; shards, checkpoints and interrupted runs count
	// whole chunks.
	ChunkSize = 1000
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
	// ReplicatesPath, if not empty, is a CSV file (gzip-compressed if it
	// ends in .gz) to write with one row per replicate, in replicate order.
	ReplicatesPath string
	// Progress receives progress reports; nil or Quiet means none.
	Progress io.Writer
	// Quiet turns progress reports off.
	Quiet bool
}

// Fix pins the parameter at Path (as sim.Model.ParamNames spells it) to
// Value.
type Fix struct {
	Path  string  `json:"path"`  // parameter name, e.g. "institutions.vote.pass"
	Value float64 `json:"value"` // the value it takes in every replicate
}

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
	}
	return nil
}

// variant is one cell's compiled model and its place in the run.
type variant struct {
	name      string
	m         *sim.Model
	lo, hi    int // chunk range of this shard
	nLo, nHi  int // replicate range
	cell      Cell
	stopped   atomic.Bool // by the precision rule
	stoppedAt int
	committed int // chunks committed, from lo
}

// job is one chunk of one variant.
type job struct {
	seq   int // global order
	v     int
	chunk int
}

// chunkResult is the counts of one chunk, and its replicate rows.
type chunkResult struct {
	job
	skipped bool
	n       int
	hist    []int64 // [outcome*horizon+round]
	below   []int64 // [outcome]: successes accepted below a reservation
	rows    []byte
}

// Run runs the batch described by cfg. If ctx is cancelled it stops, and
// returns the counts of the chunks completed in order so far (the Result
// has Complete false) together with an error wrapping ctx.Err(). The
// replicates file, if any, is written atomically when Run returns.
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
	r := &runner{cfg: &cfg, vs: vs, rw: rw}
	r.run(ctx)
	res := r.result(start)
	if rw != nil {
		if err := rw.close(); err != nil {
			return nil, err
		}
		res.Manifest.Replicates = cfg.ReplicatesPath
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
		v.lo, v.hi = cfg.Shard.chunks(nc)
		v.nLo, v.nHi = v.lo*ChunkSize, min(v.hi*ChunkSize, cfg.N)
		v.cell = newCell(name, cfg.Label, cfg.Fixed, max(m.Horizon, 1), m.Outcomes)
		vs = append(vs, v)
	}
	return vs, nil
}

// runner holds a run in progress.
type runner struct {
	cfg  *Config
	vs   []*variant
	rw   *replicateWriter
	done atomic.Int64 // replicates run, for progress
	free chan *chunkResult
}

// total is the number of replicates this shard runs.
func (r *runner) total() int64 {
	var t int64
	for _, v := range r.vs {
		t += int64(v.nHi - v.nLo)
	}
	return t
}

func (r *runner) run(ctx context.Context) {
	workers := r.cfg.Workers
	// The window bounds the chunks in flight or waiting to commit in
	// order: enough that a slow chunk does not idle the other workers,
	// few enough that the replicate rows they hold stay small.
	window := 2*workers + 4
	r.free = make(chan *chunkResult, window)
	for range window {
		r.free <- &chunkResult{}
	}
	jobs := make(chan job)
	results := make(chan *chunkResult, window)

	// The dispatcher hands out chunks in order; a free chunkResult is its
	// token, so at most window chunks are in flight or waiting to commit.
	go func() {
		defer close(jobs)
		seq := 0
		for vi, v := range r.vs {
			for c := v.lo; c < v.hi; c++ {
				if v.stopped.Load() {
					break
				}
				select {
				case <-ctx.Done():
					return
				case jobs <- job{seq: seq, v: vi, chunk: c}:
					seq++
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := worker{r: r, states: make([]*sim.State, len(r.vs))}
			for {
				// Take the token before the job, so that the job the
				// committer waits for always has one.
				cr := <-r.free
				j, ok := <-jobs
				if !ok {
					r.free <- cr
					return
				}
				w.runChunk(ctx, j, cr)
				results <- cr
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	stop := r.progress()
	defer stop()

	// Commit chunk results in order; anything after a gap (an
	// interruption) is dropped.
	pending := map[int]*chunkResult{}
	next := 0
	broken := false
	for cr := range results {
		pending[cr.seq] = cr
		for !broken {
			c, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if c.skipped {
				broken = ctx.Err() != nil
			} else {
				r.commit(c)
			}
			r.free <- c
		}
		if broken {
			for k, c := range pending {
				delete(pending, k)
				r.free <- c
			}
		}
	}
}

// commit adds a chunk's counts to its variant, writes its rows and applies
// the precision rule.
func (r *runner) commit(c *chunkResult) {
	v := r.vs[c.v]
	if v.stopped.Load() && c.chunk >= v.stoppedAt {
		return
	}
	cell := &v.cell
	h := cell.Horizon
	cell.N += int64(c.n)
	for o := range cell.Successes {
		cell.BelowReservation[o] += c.below[o]
		for k, n := range c.hist[o*h : (o+1)*h] {
			cell.ByRound[o][k] += n
			cell.Successes[o] += n
		}
	}
	v.committed++
	if r.rw != nil {
		r.rw.write(c.rows)
	}
	if r.cfg.Precision > 0 && r.checkpoint(int(cell.N)) && r.precise(cell) {
		v.stoppedAt = c.chunk + 1
		v.stopped.Store(true)
	}
}

// checkpoint reports whether the precision rule is checked after the first
// k replicates: at MinN rounded up to a whole chunk, and at every multiple
// of CheckEvery beyond it.
func (r *runner) checkpoint(k int) bool {
	first := (r.cfg.MinN + ChunkSize - 1) / ChunkSize * ChunkSize
	return k == first || (k > first && k%CheckEvery == 0)
}

// precise reports whether every outcome's Wilson half-width is below the
// precision target.
func (r *runner) precise(c *Cell) bool {
	for o := range c.Successes {
		if stats.HalfWidth(int(c.Successes[o]), int(c.N), r.cfg.Level) >= r.cfg.Precision {
			return false
		}
	}
	return true
}

// worker is one goroutine's working memory.
type worker struct {
	r      *runner
	states []*sim.State // per variant, made on first use
}

func (w *worker) runChunk(ctx context.Context, j job, cr *chunkResult) {
	cr.job, cr.n, cr.skipped, cr.rows = j, 0, false, cr.rows[:0]
	v := w.r.vs[j.v]
	if ctx.Err() != nil || v.stopped.Load() {
		cr.skipped = true
		return
	}
	st := w.states[j.v]
	if st == nil {
		st = sim.NewState(v.m)
		w.states[j.v] = st
	}
	h := v.cell.Horizon
	cr.hist = slices.Grow(cr.hist[:0], len(v.cell.Outcomes)*h)[:len(v.cell.Outcomes)*h]
	clear(cr.hist)
	cr.below = slices.Grow(cr.below[:0], len(v.cell.Outcomes))[:len(v.cell.Outcomes)]
	clear(cr.below)
	lo, hi := j.chunk*ChunkSize, min((j.chunk+1)*ChunkSize, w.r.cfg.N)
	seed, key := w.r.cfg.Seed, v.name
	rw := w.r.rw
	for i := lo; i < hi; i++ {
		s1, s2 := sim.Stream(seed, key, uint64(i))
		res := st.Run(s1, s2, nil)
		for o, round := range res.OutcomeRound {
			if round >= 0 {
				cr.hist[o*h+min(round, h-1)]++
				if res.BelowReservation[o] {
					cr.below[o]++
				}
			}
		}
		if rw != nil {
			cr.rows = rw.appendRow(cr.rows, j.v, i, res)
		}
	}
	cr.n = hi - lo
	w.r.done.Add(int64(cr.n))
}

// result assembles the Result of the run.
func (r *runner) result(start time.Time) *Result {
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
		if v.stopped.Load() {
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
