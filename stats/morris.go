package stats

import (
	"math"
	"math/rand/v2"
)

// MorrisTrajectory is one trajectory of a Morris (1991) elementary-effects
// design in the unit cube: Points[0] is a random point of the p-level grid
// and Points[s+1] differs from Points[s] by ±Delta in every coordinate of
// factor Order[s] (one coordinate, or a group's: Campolongo et al. 2007).
type MorrisTrajectory struct {
	Points [][]float64
	Order  []int
	Sign   []float64 // +1 or −1, the direction of step s
}

// MorrisDelta returns the step Δ = p/(2(p−1)) of a p-level grid (Morris
// 1991), with which every level is visited equally often.
func MorrisDelta(levels int) float64 {
	return float64(levels) / (2 * float64(levels-1))
}

// MorrisTrajectories draws r trajectories over coordinates in the unit
// cube on the grid {0, 1/(p−1), …, 1}, p = levels (even), from src.
// groups[f] lists the coordinates factor f moves; nil means one factor
// per coordinate. Every coordinate must be in exactly one group.
func MorrisTrajectories(coords, levels, r int, groups [][]int, src rand.Source) []MorrisTrajectory {
	if groups == nil {
		groups = make([][]int, coords)
		for i := range groups {
			groups[i] = []int{i}
		}
	}
	rng := rand.New(src)
	delta := MorrisDelta(levels)
	step := 1 / float64(levels-1)
	// Base levels x with x + Δ ≤ 1: 0 … p/2 − 1 steps.
	nBase := levels / 2
	out := make([]MorrisTrajectory, r)
	for t := range out {
		k := len(groups)
		x := make([]float64, coords)
		for c := range x {
			x[c] = float64(rng.IntN(nBase)) * step
		}
		sign := make([]float64, k)
		for f, g := range groups {
			sign[f] = 1
			if rng.IntN(2) == 1 {
				sign[f] = -1
				for _, c := range g {
					x[c] += delta // start high and step down
				}
			}
		}
		order := rng.Perm(k)
		pts := [][]float64{append([]float64(nil), x...)}
		signs := make([]float64, k)
		for s, f := range order {
			for _, c := range groups[f] {
				x[c] += sign[f] * delta
				x[c] = math.Round(x[c]*float64(levels-1)) / float64(levels-1)
			}
			signs[s] = sign[f]
			pts = append(pts, append([]float64(nil), x...))
		}
		out[t] = MorrisTrajectory{Points: pts, Order: order, Sign: signs}
	}
	return out
}

// Effects returns the elementary effects of trajectory t, given the model
// y[s] at each of its points: ee[f] = sign·(y[s+1] − y[s])/Δ for the
// factor f moved at step s.
func (t MorrisTrajectory) Effects(y []float64, delta float64, ee []float64) {
	for s, f := range t.Order {
		ee[f] = t.Sign[s] * (y[s+1] - y[s]) / delta
	}
}

// MorrisStats are the screening measures of k factors from r
// trajectories.
type MorrisStats struct {
	// Mu is the mean elementary effect, MuStar the mean of their absolute
	// values (Campolongo et al. 2007), Sigma their standard deviation
	// (with r − 1 degrees of freedom; NaN for r = 1).
	Mu, MuStar, Sigma []float64
	// MuStarLow and MuStarHigh bound a bootstrap percentile interval of
	// MuStar.
	MuStarLow, MuStarHigh []float64
}

// Morris summarises elementary effects: ee[t][f] is factor f's effect in
// trajectory t. The intervals of μ* come from resamples bootstrap
// resamples of the trajectories (PCG seeded (seed, 0)) at level.
func Morris(ee [][]float64, resamples int, level float64, seed uint64) MorrisStats {
	r := len(ee)
	k := 0
	if r > 0 {
		k = len(ee[0])
	}
	m := MorrisStats{Mu: make([]float64, k), MuStar: make([]float64, k), Sigma: make([]float64, k),
		MuStarLow: make([]float64, k), MuStarHigh: make([]float64, k)}
	for f := range k {
		var s, a float64
		for t := range r {
			s += ee[t][f]
			a += math.Abs(ee[t][f])
		}
		m.Mu[f], m.MuStar[f] = s/float64(r), a/float64(r)
		var ss float64
		for t := range r {
			d := ee[t][f] - m.Mu[f]
			ss += d * d
		}
		m.Sigma[f] = math.NaN()
		if r > 1 {
			m.Sigma[f] = math.Sqrt(ss / float64(r-1))
		}
		m.MuStarLow[f], m.MuStarHigh[f] = m.MuStar[f], m.MuStar[f]
	}
	if resamples <= 0 || r == 0 {
		return m
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	idx := make([]int, r)
	boot := make([][]float64, k)
	for f := range boot {
		boot[f] = make([]float64, resamples)
	}
	for b := range resamples {
		for t := range idx {
			idx[t] = rng.IntN(r)
		}
		for f := range k {
			var a float64
			for _, t := range idx {
				a += math.Abs(ee[t][f])
			}
			boot[f][b] = a / float64(r)
		}
	}
	for f := range k {
		m.MuStarLow[f], m.MuStarHigh[f] = percentiles(boot[f], level)
	}
	return m
}
