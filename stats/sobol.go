package stats

import (
	"math"
	"math/rand/v2"
	"slices"
)

// SobolIndices are variance-based sensitivity indices of k factors, each
// with a bootstrap percentile interval.
type SobolIndices struct {
	// S1 is the first-order index of each factor (Saltelli et al. 2010,
	// Table 2 (b)), ST its total index (Jansen 1999; Saltelli et al. 2010,
	// Table 2 (f)).
	S1, ST []float64
	// S1Low … STHigh bound the bootstrap percentile intervals.
	S1Low, S1High, STLow, STHigh []float64
	// Var is the output variance the indices are shares of: the variance
	// of f(A) and f(B) pooled.
	Var float64
}

// Sobol estimates first-order and total Sobol′ indices from a Saltelli
// design (Saltelli 2002, Saltelli et al. 2010): fA[j] and fB[j] are the
// model at row j of the two independent base matrices A and B, and
// fAB[i][j] the model at row j of A with the columns of factor i taken
// from B. With V the variance of fA and fB pooled,
//
//	S1_i = (1/N) Σ_j (fB[j] − m)·(fAB[i][j] − fA[j]) / V   (Saltelli 2010)
//	ST_i = (1/2N) Σ_j (fA[j] − fAB[i][j])² / V            (Jansen 1999)
//
// where m is the pooled mean. Analytically the indices do not depend on
// m; Saltelli's estimator, written with fB[j] alone, does, and when the
// output's mean is large against its spread (a probability of 0.7 that
// moves by 0.03) the sampling error of the mean difference of fAB and fA
// is amplified by m/V into first-order indices far outside [0, 1].
// Centring removes that term (as Owen 2013, §3, recommends).
//
// The intervals come from resamples bootstrap resamples of the rows j
// (drawn with a PCG generator seeded (seed, 0)), as percentile intervals
// at level. Resamples 0 gives intervals equal to the estimates. With V = 0
// every index is NaN.
func Sobol(fA, fB []float64, fAB [][]float64, resamples int, level float64, seed uint64) SobolIndices {
	k, n := len(fAB), len(fA)
	r := SobolIndices{S1: make([]float64, k), ST: make([]float64, k)}
	idx := make([]int, n)
	for j := range idx {
		idx[j] = j
	}
	r.Var = sobolOnce(fA, fB, fAB, idx, r.S1, r.ST)
	r.S1Low, r.S1High = slices.Clone(r.S1), slices.Clone(r.S1)
	r.STLow, r.STHigh = slices.Clone(r.ST), slices.Clone(r.ST)
	if resamples <= 0 || n == 0 {
		return r
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	bs1 := make([][]float64, k)
	bst := make([][]float64, k)
	for i := range k {
		bs1[i], bst[i] = make([]float64, resamples), make([]float64, resamples)
	}
	s1, st := make([]float64, k), make([]float64, k)
	for b := range resamples {
		for j := range idx {
			idx[j] = rng.IntN(n)
		}
		sobolOnce(fA, fB, fAB, idx, s1, st)
		for i := range k {
			bs1[i][b], bst[i][b] = s1[i], st[i]
		}
	}
	for i := range k {
		r.S1Low[i], r.S1High[i] = percentiles(bs1[i], level)
		r.STLow[i], r.STHigh[i] = percentiles(bst[i], level)
	}
	return r
}

// sobolOnce computes the indices over the rows idx into s1 and st and
// returns the pooled variance. It allocates nothing.
func sobolOnce(fA, fB []float64, fAB [][]float64, idx []int, s1, st []float64) float64 {
	var sum, sumSq float64
	for _, j := range idx {
		sum += fA[j] + fB[j]
		sumSq += fA[j]*fA[j] + fB[j]*fB[j]
	}
	m := float64(2 * len(idx))
	mean := sum / m
	v := sumSq/m - mean*mean
	if v <= 1e-300*math.Max(1, mean*mean) {
		v = 0
	}
	n := float64(len(idx))
	for i, ab := range fAB {
		var a, t float64
		for _, j := range idx {
			d := ab[j] - fA[j]
			a += (fB[j] - mean) * d
			t += d * d
		}
		if v == 0 {
			s1[i], st[i] = math.NaN(), math.NaN()
			continue
		}
		s1[i] = a / n / v
		st[i] = t / (2 * n) / v
	}
	return v
}

// percentiles returns the (1−level)/2 and (1+level)/2 empirical quantiles
// of xs (sorted in place), NaNs dropped.
func percentiles(xs []float64, level float64) (lo, hi float64) {
	slices.Sort(xs)
	for len(xs) > 0 && math.IsNaN(xs[0]) {
		xs = xs[1:]
	}
	for len(xs) > 0 && math.IsNaN(xs[len(xs)-1]) {
		xs = xs[:len(xs)-1]
	}
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	q := func(p float64) float64 {
		h := p * float64(len(xs)-1)
		i := int(h)
		if i+1 >= len(xs) {
			return xs[len(xs)-1]
		}
		return xs[i] + (h-float64(i))*(xs[i+1]-xs[i])
	}
	return q((1 - level) / 2), q((1 + level) / 2)
}
