package runner

import (
	"math"

	"github.com/negsim/negsim/sim"
)

// Job is one cell of a run: replicates [Lo, Hi) of the stream key Stream,
// run on Model (or on the model Build returns), counted into Counts.
type Job struct {
	// Stream is the random stream key: replicate i draws from
	// sim.Stream(seed, Stream, i).
	Stream string
	// Lo and Hi bound the replicates this run covers; Lo is a multiple of
	// ChunkSize.
	Lo, Hi int
	// Model is the job's model; when nil, Build returns it in the worker
	// that runs the job (design points, which hold no compiled model until
	// they run). Build receives the worker's scratch value, Worker.Data.
	Model *sim.Model
	Build func(w *Worker) *sim.Model
	// Outcomes maps each counted outcome to the model's outcome index, -1
	// when the model lacks it.
	Outcomes []int
	// Horizon is the number of round columns of Counts.Hist, and the round
	// a binned analysis counts for an outcome not reached.
	Horizon int
	// Checkpoints, when set, are the replicate counts at which Counts.Buckets
	// splits the successes (convergence).
	Checkpoints []int
	// Pair, when set, runs on the same streams as the job's model,
	// replicate by replicate, and Counts.Joint cross-classifies the two.
	Pair         *sim.Model
	PairOutcomes []int
	// Multi, when set, are further models run on the same streams; model 0
	// is the job's own and model k+1 is Multi[k]. Counts.Multi
	// cross-classifies each pair of MultiPairs, and Counts.WSum and WSumSq
	// add up Σ_k Weights[k]·1{model k reached the outcome} and its square.
	Multi         []*sim.Model
	MultiOutcomes [][]int
	MultiPairs    [][2]int
	Weights       []int64
	// Bins, when set, bins sampled parameters (a binned analysis).
	Bins *Bins
	// Forecast, when set, tallies the BDM forecast by round of every table
	// of Model.BDMTables, in that order (Counts.Forecast).
	Forecast bool
	// Rows, when set, appends the row of replicate i to b; the rows of a
	// chunk reach Config.Commit in replicate order.
	Rows func(b []byte, i int, res *sim.Result) []byte

	// Counts are the committed counts: of replicates Lo … Lo+Counts.N−1.
	// The caller shapes them (Init) and may preload a prefix (a cache).
	Counts Counts
	// Stopped is set when Config.Commit stopped the job early.
	Stopped bool

	forecastRounds int
}

// Bins describes a binned analysis: the parameter slots whose draws are
// binned, the number of bins, and the bin of a draw of the k-th slot.
type Bins struct {
	Slots []int
	N     int
	Index func(k int, x float64) int
}

// Init sets j.Counts to empty counts shaped for j's outcomes, horizon and
// options; m is the job's model or, for a built one, any model with the
// same tables.
func (j *Job) Init(m *sim.Model) {
	nO := len(j.Outcomes)
	h := max(j.Horizon, 1)
	c := Counts{Hist: make([][]int64, nO), Below: make([]int64, nO)}
	for i := range c.Hist {
		c.Hist[i] = make([]int64, h)
	}
	if len(j.Checkpoints) > 0 {
		c.Buckets = make([][]int64, len(j.Checkpoints)+1)
		for i := range c.Buckets {
			c.Buckets[i] = make([]int64, nO)
		}
	}
	if j.Pair != nil {
		c.Joint = make([][3]int64, nO)
	}
	if j.Multi != nil {
		c.Multi = make([][][3]int64, len(j.MultiPairs))
		for k := range c.Multi {
			c.Multi[k] = make([][3]int64, nO)
		}
		c.WSum, c.WSumSq = make([]int64, nO), make([]int64, nO)
	}
	if j.Bins != nil {
		k, b := len(j.Bins.Slots), j.Bins.N
		c.BinN = make([][]int64, k)
		c.BinHits, c.BinRound, c.BinRoundSq = make([][][]int64, k), make([][][]int64, k), make([][][]int64, k)
		for i := range k {
			c.BinN[i] = make([]int64, b)
			c.BinHits[i], c.BinRound[i], c.BinRoundSq[i] = make([][]int64, b), make([][]int64, b), make([][]int64, b)
			for x := range b {
				c.BinHits[i][x], c.BinRound[i][x], c.BinRoundSq[i][x] = make([]int64, nO), make([]int64, nO), make([]int64, nO)
			}
		}
	}
	if j.Forecast && m != nil {
		for _, t := range m.BDMTables() {
			c.Forecast = append(c.Forecast, NewForecast(m.Tables[t], m.Horizon))
		}
		j.forecastRounds = m.Horizon
	}
	j.Counts = c
}

// Complete reports whether every replicate of j is counted, or j was
// stopped early.
func (j *Job) Complete() bool { return j.Stopped || j.Counts.N >= int64(j.Hi-j.Lo) }

// Worker is one goroutine's working memory: the states of the models it
// last ran, and a scratch value for Job.Build.
type Worker struct {
	st, pst *sim.State
	multi   *Job
	mst     []*sim.State
	reached [][]bool
	// Data is the worker's scratch for Job.Build (e.g. a cache of built
	// models); Config.NewWorkerData sets it.
	Data any
}

// run runs replicates [lo, hi) of j into c (empty, shaped like j.Counts),
// appending rows to b if j has Rows.
func (w *Worker) run(j *Job, seed uint64, lo, hi int, c *Counts, b []byte) []byte {
	m := j.Model
	if m == nil {
		m = j.Build(w)
	}
	if w.st == nil || w.st.Model() != m {
		w.st = sim.NewState(m)
	}
	if j.Pair != nil && (w.pst == nil || w.pst.Model() != j.Pair) {
		w.pst = sim.NewState(j.Pair)
	}
	if j.Multi != nil && w.multi != j {
		w.multi, w.mst, w.reached = j, nil, make([][]bool, len(j.Multi)+1)
		for _, mm := range j.Multi {
			w.mst = append(w.mst, sim.NewState(mm))
		}
		for k := range w.reached {
			w.reached[k] = make([]bool, len(j.Outcomes))
		}
	}
	bk := 0
	for bk < len(j.Checkpoints) && j.Checkpoints[bk] <= lo {
		bk++
	}
	for i := lo; i < hi; i++ {
		for bk < len(j.Checkpoints) && j.Checkpoints[bk] <= i {
			bk++
		}
		s1, s2 := sim.Stream(seed, j.Stream, uint64(i))
		res := w.st.Run(s1, s2, nil)
		c.N++
		if j.Pair != nil {
			w.countPair(j, res, c, s1, s2)
		}
		if j.Multi != nil {
			w.countMulti(j, res, c, s1, s2)
		}
		if j.Bins != nil {
			countBins(j, res, c)
		}
		if c.Forecast != nil {
			countForecast(j, res, c)
		}
		for k, o := range j.Outcomes {
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
				c.Buckets[bk][k]++
			}
		}
		if j.Rows != nil {
			b = j.Rows(b, i, res)
		}
	}
	return b
}

func (w *Worker) countPair(j *Job, res *sim.Result, c *Counts, s1, s2 uint64) {
	other := w.pst.Run(s1, s2, nil)
	for k, o := range j.Outcomes {
		po := j.PairOutcomes[k]
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

// countMulti runs the further models of j on the streams (s1, s2), given
// res, the job's own model's result on them, and adds the cross-classified
// pairs and the weighted count to c. An outcome a model lacks counts as not
// reached.
func (w *Worker) countMulti(j *Job, res *sim.Result, c *Counts, s1, s2 uint64) {
	for k, o := range j.Outcomes {
		w.reached[0][k] = o >= 0 && res.OutcomeRound[o] >= 0
	}
	for m, st := range w.mst {
		r := st.Run(s1, s2, nil)
		for k, o := range j.MultiOutcomes[m] {
			w.reached[m+1][k] = o >= 0 && r.OutcomeRound[o] >= 0
		}
	}
	for pi, pr := range j.MultiPairs {
		a, b := w.reached[pr[0]], w.reached[pr[1]]
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
		var wt int64
		for m, rk := range w.reached {
			if rk[k] {
				wt += j.Weights[m]
			}
		}
		c.WSum[k] += wt
		c.WSumSq[k] += wt * wt
	}
}

// countBins adds one replicate to the binned tallies of c: for each binned
// parameter, its draw's bin, and in it whether each outcome was reached and
// in which round (the horizon if not).
func countBins(j *Job, res *sim.Result, c *Counts) {
	bp := j.Bins
	for k, s := range bp.Slots {
		b := bp.Index(k, res.Params[s])
		c.BinN[k][b]++
		hits, rounds, sq := c.BinHits[k][b], c.BinRound[k][b], c.BinRoundSq[k][b]
		for o, mo := range j.Outcomes {
			r := int64(j.Horizon)
			if mo >= 0 && res.OutcomeRound[mo] >= 0 {
				r = int64(res.OutcomeRound[mo])
				hits[o]++
			}
			rounds[o] += r
			sq[o] += r * r
		}
	}
}

// countForecast adds one replicate's BDM forecasts by round: from the first
// round with a step, each round's forecast, the last one carried forward
// over rounds without a step.
func countForecast(j *Job, res *sim.Result, c *Counts) {
	h := j.forecastRounds
	for k := range c.Forecast {
		f := &c.Forecast[k]
		mean, med := math.NaN(), math.NaN()
		for r := range h {
			if x := res.BDMMean[k*h+r]; !math.IsNaN(x) {
				mean, med = x, res.BDMMedian[k*h+r]
			}
			if math.IsNaN(mean) {
				continue
			}
			f.N[r]++
			f.Mean.add(r, mean)
			f.Median.add(r, med)
		}
	}
}
