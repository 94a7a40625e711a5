package experiment

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/negsim/negsim/runner"
	"github.com/negsim/negsim/sim"
	"github.com/negsim/negsim/stats"
)

// Options control how a Plan runs; none of them changes the results.
type Options struct {
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// Shard and Shards select a share of the replicates: the cells' chunks
	// of runner.ChunkSize replicates, laid end to end, are split into n
	// contiguous blocks of about equal replicate runs, and shard k
	// (0-based) runs block k (Plan.shardRanges). Shards 0 means 1.
	Shard, Shards int
	// Progress, when not nil, receives one line per experiment.
	Progress io.Writer
	// Save, when set, is called about every 30 s of running with the
	// counts so far committed, so that a killed run loses little.
	Save func() error
}

// Plans returns p and its includes, depth first, each after its includes.
func (p *Plan) Plans() []*Plan {
	var out []*Plan
	for _, ip := range p.Includes {
		out = append(out, ip.Plans()...)
	}
	return append(out, p)
}

// Prepare lays out every job of p and its includes for shard k (0-based) of
// n (n ≤ 1: the whole run) with empty counts, and computes their cache keys.
// LoadCounts and Run follow it; Run calls it if it was not called.
func Prepare(p *Plan, k, n int) error {
	n = max(n, 1)
	if k < 0 || k >= n {
		return fmt.Errorf("shard %d out of range [0, %d)", k, n)
	}
	var keys runner.Keys
	for _, q := range p.Plans() {
		q.prepare(&keys, k, n)
	}
	return nil
}

func (p *Plan) prepare(keys *runner.Keys, k, n int) {
	p.shard, p.prepared, p.cached = [2]int{k, n}, true, 0
	sha := p.scenarioSHA()
	ranges := p.shardRanges(k, n)
	for i, j := range p.jobs {
		j.Lo, j.Hi = ranges[i][0], ranges[i][1]
		jm := j.Model
		if jm == nil {
			jm = j.lazy.base
		}
		j.Outcomes = outcomeIndex(jm, p.Outcomes)
		if j.Pair != nil {
			j.PairOutcomes = outcomeIndex(j.Pair, p.Outcomes)
		}
		j.MultiOutcomes = nil
		for _, m := range j.Multi {
			j.MultiOutcomes = append(j.MultiOutcomes, outcomeIndex(m, p.Outcomes))
		}
		j.Horizon = p.Horizon
		if l := j.lazy; l != nil {
			j.Build = func(w *runner.Worker) *sim.Model { return w.Data.(*modelCache).get(l) }
		}
		if bp := j.bins; bp != nil {
			j.Bins = &runner.Bins{Slots: bp.slots, N: bp.b.Bins, Index: func(k int, x float64) int {
				return stats.BinIndex(bp.cdfs[k].at(x), bp.b.Bins)
			}}
		}
		j.Forecast = j.forecast
		j.Stopped = false
		j.Init(jm)
		key := keys.New(sha, p.Spec.Seed, j.Stream).Int(int64(j.n)).Model(jm).Job(&j.Job)
		if l := j.lazy; l != nil {
			key.Str("design point")
			for c, slots := range l.slots {
				key.Ints(slots).Float(l.vals[c])
			}
		}
		j.key = key.Sum()
	}
}

// shardRanges returns, for each job of p, the replicates [lo, hi) that
// shard k of n runs. The jobs' chunks of runner.ChunkSize replicates are
// laid end to end in job order, each weighed by its replicate runs (its
// replicates times the models each runs: a paired or decomposition cell
// runs several), and a chunk belongs to the shard in whose n-th of the
// total weight it starts. Each job's share is then a contiguous run of
// whole chunks (possibly none), the shards' shares tile every job, and a
// design of thousands of cells smaller than a chunk spreads over the
// shards instead of landing whole in one. Which shard runs a replicate
// changes no count.
func (p *Plan) shardRanges(k, n int) [][2]int {
	out := make([][2]int, len(p.jobs))
	if n <= 1 {
		for i, j := range p.jobs {
			out[i] = [2]int{0, j.n}
		}
		return out
	}
	var total int64
	for _, j := range p.jobs {
		total += int64(j.n) * jobModels(j)
	}
	var at int64 // weight of the chunks before the current one
	for i, j := range p.jobs {
		lo, hi := -1, -1
		for c := 0; c*runner.ChunkSize < j.n; c++ {
			if int(at*int64(n)/total) == k {
				if lo < 0 {
					lo = c * runner.ChunkSize
				}
				hi = min((c+1)*runner.ChunkSize, j.n)
			}
			at += int64(min(runner.ChunkSize, j.n-c*runner.ChunkSize)) * jobModels(j)
		}
		if lo < 0 {
			lo, hi = 0, 0 // no chunk of this job
		}
		out[i] = [2]int{lo, hi}
	}
	return out
}

// jobModels is the number of models a job runs per replicate.
func jobModels(j *job) int64 {
	m := int64(1 + len(j.Multi))
	if j.Pair != nil {
		m++
	}
	return m
}

func outcomeIndex(m *sim.Model, names []string) []int {
	out := make([]int, len(names))
	for i, name := range names {
		out[i] = indexOf(m.Outcomes, name)
	}
	return out
}

// Run runs, on the runner, every replicate of p and its includes not yet
// counted (all of them, or those LoadCounts did not take from a counts
// file). On cancellation it returns ctx.Err() and every cell holds the
// counts of an exact prefix of its chunks: SaveCounts writes them, and a
// later run continues from them to the same bits as an uninterrupted run.
func Run(ctx context.Context, p *Plan, o Options) error {
	n := max(o.Shards, 1)
	if !p.prepared || p.shard != [2]int{o.Shard, n} {
		if err := Prepare(p, o.Shard, n); err != nil {
			return err
		}
	}
	plans := p.Plans()
	var jobs []*runner.Job
	owner := map[*runner.Job]*Plan{}
	for _, q := range plans {
		for _, j := range q.jobs {
			jobs = append(jobs, &j.Job)
			owner[&j.Job] = q
		}
	}
	start := time.Now()
	todo := runner.Remaining(jobs)
	var done atomic.Int64
	cfg := runner.Config{Seed: 0, Workers: o.Workers, Done: &done, Save: o.Save,
		NewWorkerData: func() any { return &modelCache{} }}
	// Plans may have different seeds: run them in groups of one seed, in
	// plan order, so that the dispatch order stays plan by plan.
	var err error
	for i := 0; i < len(plans) && err == nil; {
		seed := plans[i].Spec.Seed
		var group []*runner.Job
		for ; i < len(plans) && plans[i].Spec.Seed == seed; i++ {
			for _, j := range plans[i].jobs {
				group = append(group, &j.Job)
			}
		}
		cfg.Seed = seed
		cfg.Commit = func(j *runner.Job, _ *runner.Counts, _ []byte) bool {
			if q := owner[j]; q.onTask != nil {
				q.onTask()
			}
			return false
		}
		err = runner.Run(ctx, group, cfg)
	}
	if err != nil {
		return err
	}
	if o.Progress != nil {
		el := time.Since(start).Seconds()
		cells, cached := 0, int64(0)
		for _, q := range plans {
			cells += len(q.jobs)
			cached += q.cached
		}
		fmt.Fprintf(o.Progress, "experiment %s: %d cells, %d replicates run in %.1fs (%.0f/s), %d taken from the counts cache\n",
			p.Spec.Name, cells, todo, el, float64(todo)/max(el, 1e-9), cached)
	}
	return nil
}
