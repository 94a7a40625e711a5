package experiment

import (
	"strconv"

	"github.com/negsim/negsim/stats"
)

// Metrics of a design point's outcome that the indices are computed for:
// the probability of reaching it within the horizon, and the round of
// reaching it, a replicate that never does counted at the horizon (the
// expected time to the outcome, censored at the horizon).
const (
	metricP     = "p"
	metricRound = "round"
)

// Headers of the design tables.
var (
	// SobolHeader is the header of sobol.csv.
	SobolHeader = []string{"variant", "outcome", "metric", "factor", "members", "s1", "s1_low", "s1_high", "st", "st_low", "st_high",
		"variance", "n", "replicates", "bootstrap", "bootstrap_seed"}
	// MorrisHeader is the header of morris.csv.
	MorrisHeader = []string{"variant", "outcome", "metric", "factor", "members", "mu", "mu_star", "mu_star_low", "mu_star_high", "sigma",
		"r", "levels", "replicates"}
	// BinnedHeader is the header of binned.csv.
	BinnedHeader = []string{"variant", "parameter", "outcome", "metric", "s1", "s1_raw", "p_value", "bins", "n", "min_bin_n"}
)

// pointValue returns a point's metric for outcome o from its counts.
func (p *Plan) pointValue(c *Counts, o int, metric string) float64 {
	if c.N == 0 {
		return 0
	}
	if metric == metricP {
		return float64(c.Successes(o)) / float64(c.N)
	}
	var s, hits int64
	for r, v := range c.Hist[o] {
		s += int64(r) * v
		hits += v
	}
	s += int64(p.Horizon) * (c.N - hits)
	return float64(s) / float64(c.N)
}

// designRows returns design.csv: one row per point and outcome, the
// point's parameter values as columns, then the outcome's probability
// with its Wilson interval and the censored mean round.
func (p *Plan) designRows() [][]string {
	dp := p.design
	head := append([]string{"point", "block", "moved"}, dp.columns...)
	head = append(head, "outcome", "successes", "n", "p", "ci_low", "ci_high", "round")
	rows := [][]string{head}
	for i, pt := range dp.points {
		c := &p.jobs[pt.job].Counts
		lead := []string{strconv.Itoa(i), pt.block, pt.moved}
		for _, v := range pt.values {
			lead = append(lead, fx(v))
		}
		for o, name := range p.Outcomes {
			row := append(append([]string(nil), lead...), name)
			row = append(row, p.estimate(c.Successes(o), c.N)...)
			rows = append(rows, append(row, strconv.FormatFloat(p.pointValue(c, o, metricRound), 'f', 4, 64)))
		}
	}
	return rows
}

// values returns the metric of outcome o at every point, in point order.
func (p *Plan) values(o int, metric string) []float64 {
	dp := p.design
	y := make([]float64, len(dp.points))
	for i, pt := range dp.points {
		y[i] = p.pointValue(&p.jobs[pt.job].Counts, o, metric)
	}
	return y
}

// sobolRows returns sobol.csv: for every outcome and metric, each
// factor's first-order and total index with bootstrap intervals.
func (p *Plan) sobolRows() [][]string {
	dp, d := p.design, p.design.d
	k := len(dp.factors)
	rows := [][]string{SobolHeader}
	for o, name := range p.Outcomes {
		for _, metric := range []string{metricP, metricRound} {
			y := p.values(o, metric)
			fA, fB := make([]float64, d.N), make([]float64, d.N)
			fAB := make([][]float64, k)
			for f := range fAB {
				fAB[f] = make([]float64, d.N)
			}
			for j := range d.N {
				base := j * (k + 2)
				fA[j], fB[j] = y[base], y[base+1]
				for f := range k {
					fAB[f][j] = y[base+2+f]
				}
			}
			r := stats.Sobol(fA, fB, fAB, d.Bootstrap, p.Spec.Level, d.Seed)
			for f, factor := range dp.factors {
				rows = append(rows, []string{dp.label, name, metric, factor, strconv.Itoa(dp.members[f]),
					fs(r.S1[f]), fs(r.S1Low[f]), fs(r.S1High[f]), fs(r.ST[f]), fs(r.STLow[f]), fs(r.STHigh[f]),
					strconv.FormatFloat(r.Var, 'g', 6, 64), strconv.Itoa(d.N), strconv.Itoa(d.Replicates), strconv.Itoa(d.Bootstrap), strconv.FormatUint(d.Seed, 10)})
			}
		}
	}
	return rows
}

// morrisRows returns morris.csv: for every outcome and metric, each
// factor's μ, μ* (with a bootstrap interval) and σ of its elementary
// effects in unit-cube coordinates.
func (p *Plan) morrisRows() [][]string {
	dp, d := p.design, p.design.d
	k := len(dp.factors)
	rows := [][]string{MorrisHeader}
	delta := stats.MorrisDelta(d.Levels)
	for o, name := range p.Outcomes {
		for _, metric := range []string{metricP, metricRound} {
			y := p.values(o, metric)
			ee := make([][]float64, len(dp.morris))
			for t, tr := range dp.morris {
				ee[t] = make([]float64, k)
				tr.Effects(y[t*(k+1):(t+1)*(k+1)], delta, ee[t])
			}
			m := stats.Morris(ee, d.Bootstrap, p.Spec.Level, d.Seed)
			for f, factor := range dp.factors {
				rows = append(rows, []string{dp.label, name, metric, factor, strconv.Itoa(dp.members[f]),
					fs(m.Mu[f]), fs(m.MuStar[f]), fs(m.MuStarLow[f]), fs(m.MuStarHigh[f]), fs(m.Sigma[f]),
					strconv.Itoa(d.N), strconv.Itoa(d.Levels), strconv.Itoa(d.Replicates)})
			}
		}
	}
	return rows
}

// binnedRows returns binned.csv: for every variant cell, binned parameter,
// outcome and metric, the bias-corrected binned first-order index, the
// raw one, the F test's p-value, and the counts behind them.
func (p *Plan) binnedRows() [][]string {
	bp := p.bins
	rows := [][]string{BinnedHeader}
	B := bp.b.Bins
	n := make([]int64, B)
	sum, sq := make([]float64, B), make([]float64, B)
	for li, label := range p.Labels {
		c := &p.jobs[p.main[li]].Counts
		for k, param := range bp.params {
			minN := int64(-1)
			for b := range B {
				n[b] = c.BinN[k][b]
				if n[b] > 0 && (minN < 0 || n[b] < minN) {
					minN = n[b]
				}
			}
			for o, name := range p.Outcomes {
				for _, metric := range []string{metricP, metricRound} {
					for b := range B {
						if metric == metricP {
							h := float64(c.BinHits[k][b][o])
							sum[b], sq[b] = h, h
						} else {
							sum[b], sq[b] = float64(c.BinRound[k][b][o]), float64(c.BinRoundSq[k][b][o])
						}
					}
					r := stats.Binned(n, sum, sq)
					rows = append(rows, []string{label, param, name, metric, fs(r.S), fs(r.Raw), fs(r.P),
						strconv.Itoa(r.Bins), fi(r.N), fi(max(minN, 0))})
				}
			}
		}
	}
	return rows
}

// fs formats an index; NaN (an output that did not vary) is empty.
func fs(x float64) string {
	if x != x {
		return ""
	}
	return fp(x)
}
