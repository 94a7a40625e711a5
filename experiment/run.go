package experiment

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/negsim/negsim/sim"
	"github.com/negsim/negsim/stats"
)

// Options control how a Plan runs; none of them changes the results.
type Options struct {
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// Shard and Shards select a share of every cell's replicates: shard k
	// of n runs replicates [k·N/n, (k+1)·N/n). Shards 0 means 1.
	Shard, Shards int
	// Progress, when not nil, receives one line per experiment.
	Progress io.Writer
}

// chunk is the number of replicates a worker takes at a time.
const chunk = 1000

type task struct {
	j      *job
	lo, hi int
}

// Run runs every job of p and of its includes, and the verification if the
// spec asks for it.
func Run(ctx context.Context, p *Plan, o Options) error {
	if o.Shards == 0 {
		o.Shards = 1
	}
	if o.Shard < 0 || o.Shard >= o.Shards {
		return fmt.Errorf("shard %d out of range [0, %d)", o.Shard, o.Shards)
	}
	for _, ip := range p.Includes {
		if err := Run(ctx, ip, o); err != nil {
			return err
		}
	}
	if len(p.jobs) == 0 {
		return nil
	}
	start := time.Now()
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var tasks []task
	total := 0
	resumed := p.resumed
	p.resumed = false
	for _, j := range p.jobs {
		if !resumed {
			j.counts = j.newCounts(len(p.Outcomes), p.Horizon)
			j.done = map[int]bool{}
		}
		j.outcomes = make([]int, len(p.Outcomes))
		jm := j.m
		if jm == nil {
			jm = j.lazy.base
		}
		for i, name := range p.Outcomes {
			j.outcomes[i] = indexOf(jm.Outcomes, name)
		}
		if j.pair != nil {
			j.pairOutcomes = make([]int, len(p.Outcomes))
			for i, name := range p.Outcomes {
				j.pairOutcomes[i] = indexOf(j.pair.Outcomes, name)
			}
		}
		j.multiOutcomes = nil
		for _, m := range j.multi {
			mo := make([]int, len(p.Outcomes))
			for i, name := range p.Outcomes {
				mo[i] = indexOf(m.Outcomes, name)
			}
			j.multiOutcomes = append(j.multiOutcomes, mo)
		}
		lo, hi := o.Shard*j.n/o.Shards, (o.Shard+1)*j.n/o.Shards
		for a := lo; a < hi; a += chunk {
			if !j.done[a] {
				tasks = append(tasks, task{j, a, min(a+chunk, hi)})
				total += min(a+chunk, hi) - a
			}
		}
	}
	ch := make(chan task)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var st, pst *sim.State
			var ms multiState
			var mc modelCache
			for t := range ch {
				m := t.j.m
				if m == nil {
					m = mc.get(t.j.lazy)
				}
				if st == nil || st.Model() != m {
					st = sim.NewState(m)
				}
				if t.j.pair != nil && (pst == nil || pst.Model() != t.j.pair) {
					pst = sim.NewState(t.j.pair)
				}
				c := t.j.newCounts(len(p.Outcomes), p.Horizon)
				if t.j.multi != nil {
					ms.use(t.j, len(p.Outcomes))
				}
				runTask(st, pst, &ms, t, &c, p.Spec.Seed, p.Horizon)
				mu.Lock()
				t.j.counts.add(&c)
				t.j.done[t.lo] = true
				if p.onTask != nil {
					p.onTask()
				}
				mu.Unlock()
			}
		}()
	}
	var err error
feed:
	for _, t := range tasks {
		select {
		case ch <- t:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(ch)
	wg.Wait()
	if err != nil {
		return err
	}
	if o.Progress != nil {
		el := time.Since(start).Seconds()
		fmt.Fprintf(o.Progress, "experiment %s: %d cells, %d replicates in %.1fs (%.0f/s)\n",
			p.Spec.Name, len(p.jobs), total, el, float64(total)/max(el, 1e-9))
	}
	return nil
}

// newCounts returns empty counts shaped for j.
func (j *job) newCounts(outcomes, horizon int) Counts {
	c := newCounts(outcomes, horizon, len(j.checkpoints))
	if j.pair != nil {
		c.Joint = make([][3]int64, outcomes)
	}
	if j.multi != nil {
		c.Multi = make([][][3]int64, len(j.multiPairs))
		for k := range c.Multi {
			c.Multi[k] = make([][3]int64, outcomes)
		}
		c.WSum, c.WSumSq = make([]int64, outcomes), make([]int64, outcomes)
	}
	if j.bins != nil {
		k, b := len(j.bins.slots), j.bins.b.Bins
		c.BinN = make([][]int64, k)
		c.BinHits, c.BinRound, c.BinRoundSq = make([][][]int64, k), make([][][]int64, k), make([][][]int64, k)
		for i := range k {
			c.BinN[i] = make([]int64, b)
			c.BinHits[i], c.BinRound[i], c.BinRoundSq[i] = make([][]int64, b), make([][]int64, b), make([][]int64, b)
			for x := range b {
				c.BinHits[i][x], c.BinRound[i][x], c.BinRoundSq[i][x] = make([]int64, outcomes), make([]int64, outcomes), make([]int64, outcomes)
			}
		}
	}
	return c
}

// multiState is one worker's states for the further models of a
// multi-model job, and the outcomes each reached in the current replicate.
type multiState struct {
	j       *job
	states  []*sim.State
	reached [][]bool // [model][outcome], model 0 being the job's m
}

// use prepares ms for job j.
func (ms *multiState) use(j *job, outcomes int) {
	if ms.j == j {
		return
	}
	ms.j, ms.states, ms.reached = j, nil, make([][]bool, len(j.multi)+1)
	for _, m := range j.multi {
		ms.states = append(ms.states, sim.NewState(m))
	}
	for k := range ms.reached {
		ms.reached[k] = make([]bool, outcomes)
	}
}

func newCounts(outcomes, horizon, checkpoints int) Counts {
	c := Counts{Hist: make([][]int64, outcomes), Below: make([]int64, outcomes)}
	for i := range c.Hist {
		c.Hist[i] = make([]int64, max(horizon, 1))
	}
	if checkpoints > 0 {
		c.Buckets = make([][]int64, checkpoints+1)
		for i := range c.Buckets {
			c.Buckets[i] = make([]int64, outcomes)
		}
	}
	return c
}

// add adds o's counts to c; both must have the same shape.
func (c *Counts) add(o *Counts) error {
	if len(c.Hist) != len(o.Hist) || len(c.Buckets) != len(o.Buckets) || len(c.Below) != len(o.Below) {
		return fmt.Errorf("counts of different shapes")
	}
	c.N += o.N
	for i, v := range o.Below {
		c.Below[i] += v
	}
	if len(c.Multi) != len(o.Multi) || len(c.WSum) != len(o.WSum) || len(c.WSumSq) != len(o.WSumSq) {
		return fmt.Errorf("counts of different shapes")
	}
	for k := range c.Multi {
		if len(c.Multi[k]) != len(o.Multi[k]) {
			return fmt.Errorf("counts of different shapes")
		}
		for i := range c.Multi[k] {
			for x := range c.Multi[k][i] {
				c.Multi[k][i][x] += o.Multi[k][i][x]
			}
		}
	}
	for i := range c.WSum {
		c.WSum[i] += o.WSum[i]
		c.WSumSq[i] += o.WSumSq[i]
	}
	for i := range c.Hist {
		if len(c.Hist[i]) != len(o.Hist[i]) {
			return fmt.Errorf("counts of different shapes")
		}
		for r, v := range o.Hist[i] {
			c.Hist[i][r] += v
		}
	}
	if len(c.Joint) != len(o.Joint) {
		return fmt.Errorf("counts of different shapes")
	}
	for k := range c.Joint {
		for x := range c.Joint[k] {
			c.Joint[k][x] += o.Joint[k][x]
		}
	}
	if len(c.BinN) != len(o.BinN) || len(c.BinHits) != len(o.BinHits) || len(c.BinRound) != len(o.BinRound) || len(c.BinRoundSq) != len(o.BinRoundSq) {
		return fmt.Errorf("counts of different shapes")
	}
	for k := range c.BinN {
		if len(c.BinN[k]) != len(o.BinN[k]) || len(c.BinHits[k]) != len(o.BinHits[k]) || len(c.BinRound[k]) != len(o.BinRound[k]) || len(c.BinRoundSq[k]) != len(o.BinRoundSq[k]) {
			return fmt.Errorf("counts of different shapes")
		}
		for b := range c.BinN[k] {
			c.BinN[k][b] += o.BinN[k][b]
			for _, pair := range [][2][]int64{{c.BinHits[k][b], o.BinHits[k][b]}, {c.BinRound[k][b], o.BinRound[k][b]}, {c.BinRoundSq[k][b], o.BinRoundSq[k][b]}} {
				if len(pair[0]) != len(pair[1]) {
					return fmt.Errorf("counts of different shapes")
				}
				for i, v := range pair[1] {
					pair[0][i] += v
				}
			}
		}
	}
	for b := range c.Buckets {
		if len(c.Buckets[b]) != len(o.Buckets[b]) {
			return fmt.Errorf("counts of different shapes")
		}
		for i, v := range o.Buckets[b] {
			c.Buckets[b][i] += v
		}
	}
	return nil
}

// runTask runs replicates [t.lo, t.hi) of t's job into c; for a paired
// job, pst runs the pair model on the same streams, and for a multi-model
// job ms runs the further models.
func runTask(st, pst *sim.State, ms *multiState, t task, c *Counts, seed uint64, horizon int) {
	j := t.j
	b := 0
	for b < len(j.checkpoints) && j.checkpoints[b] <= t.lo {
		b++
	}
	for i := t.lo; i < t.hi; i++ {
		for b < len(j.checkpoints) && j.checkpoints[b] <= i {
			b++
		}
		s1, s2 := sim.Stream(seed, j.key, uint64(i))
		res := st.Run(s1, s2, nil)
		c.N++
		if j.pair != nil {
			other := pst.Run(s1, s2, nil)
			for k, o := range j.outcomes {
				po := j.pairOutcomes[k]
				if o < 0 || po < 0 {
					continue
				}
				a, b := res.OutcomeRound[o] >= 0, other.OutcomeRound[po] >= 0
				switch {
				case a && b:
					c.Joint[k][0]++
				case a:
					c.Joint[k][1]++
				case b:
					c.Joint[k][2]++
				}
			}
		}
		if j.multi != nil {
			ms.count(res, c, s1, s2)
		}
		if j.bins != nil {
			countBins(j, res, c, horizon)
		}
		for k, o := range j.outcomes {
			if o < 0 {
				continue
			}
			r := res.OutcomeRound[o]
			if r < 0 {
				continue
			}
			c.Hist[k][min(r, len(c.Hist[k])-1)]++
			if res.BelowReservation[o] {
				c.Below[k]++
			}
			if c.Buckets != nil {
				c.Buckets[b][k]++
			}
		}
	}
}

// count runs the further models of ms's job on the streams (s1, s2), given
// res, the job's own model's result on them, and adds the cross-classified
// pairs and the weighted count to c. An outcome a model lacks counts as not
// reached.
func (ms *multiState) count(res *sim.Result, c *Counts, s1, s2 uint64) {
	j := ms.j
	for k, o := range j.outcomes {
		ms.reached[0][k] = o >= 0 && res.OutcomeRound[o] >= 0
	}
	for m, st := range ms.states {
		r := st.Run(s1, s2, nil)
		for k, o := range j.multiOutcomes[m] {
			ms.reached[m+1][k] = o >= 0 && r.OutcomeRound[o] >= 0
		}
	}
	for pi, pr := range j.multiPairs {
		a, b := ms.reached[pr[0]], ms.reached[pr[1]]
		for k := range a {
			switch {
			case a[k] && b[k]:
				c.Multi[pi][k][0]++
			case a[k]:
				c.Multi[pi][k][1]++
			case b[k]:
				c.Multi[pi][k][2]++
			}
		}
	}
	for k := range c.WSum {
		var w int64
		for m, rk := range ms.reached {
			if rk[k] {
				w += j.weights[m]
			}
		}
		c.WSum[k] += w
		c.WSumSq[k] += w * w
	}
}

// countBins adds one replicate to the binned tallies of c: for each binned
// parameter, its draw's equal-probability bin, and in it whether each
// outcome was reached and in which round (the horizon if not).
func countBins(j *job, res *sim.Result, c *Counts, horizon int) {
	bp := j.bins
	for k, s := range bp.slots {
		b := stats.BinIndex(bp.cdfs[k].at(res.Params[s]), bp.b.Bins)
		c.BinN[k][b]++
		hits, rounds, sq := c.BinHits[k][b], c.BinRound[k][b], c.BinRoundSq[k][b]
		for o, mo := range j.outcomes {
			r := int64(horizon)
			if mo >= 0 && res.OutcomeRound[mo] >= 0 {
				r = int64(res.OutcomeRound[mo])
				hits[o]++
			}
			rounds[o] += r
			sq[o] += r * r
		}
	}
}
