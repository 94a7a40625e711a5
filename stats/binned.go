package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// BinIndex returns the equal-probability bin, of bins, of a value whose
// CDF is u: floor(bins·u), clamped to [0, bins−1].
func BinIndex(u float64, bins int) int {
	b := int(u * float64(bins))
	return min(max(b, 0), bins-1)
}

// BinnedIndex is a first-order index estimated from binned conditional
// means.
type BinnedIndex struct {
	// Raw is the between-bin share of the variance, SSB/SST (the
	// correlation ratio η²); it is biased upwards by about (B−1)/N·(1−S).
	Raw float64
	// S is Raw corrected for that bias: (SSB − (B−1)·MSW)/SST (ε²,
	// Kelley 1935), which may come out slightly negative for an inert
	// input.
	S float64
	// P is the p-value of the one-way ANOVA F test of "no first-order
	// effect": P(F(B−1, N−B) ≥ MSB/MSW).
	P float64
	// Bins is the number of non-empty bins, N the number of observations.
	Bins int
	N    int64
}

// Binned estimates the first-order index Var(E[Y|X])/Var(Y) of one input
// from counts per bin: n[b] observations in bin b, with sum[b] = Σ y and
// sumSq[b] = Σ y². With B equal-probability bins of X and independent
// inputs, E[Y|bin] approximates E[Y|X]; the binned estimate misses the
// variation of E[Y|X] within a bin (a downward bias of order 1/B² for a
// smooth effect) and the raw estimate picks up sampling noise (an upward
// bias of order B/N, which S removes). Y constant gives NaN.
func Binned(n []int64, sum, sumSq []float64) BinnedIndex {
	var N int64
	var tot, totSq float64
	bins := 0
	for b := range n {
		if n[b] == 0 {
			continue
		}
		bins++
		N += n[b]
		tot += sum[b]
		totSq += sumSq[b]
	}
	r := BinnedIndex{Bins: bins, N: N, Raw: math.NaN(), S: math.NaN(), P: math.NaN()}
	if N < 2 || bins < 2 {
		return r
	}
	mean := tot / float64(N)
	sst := totSq - tot*mean
	if sst <= 1e-12*math.Max(1, totSq) {
		return r
	}
	var ssb float64
	for b := range n {
		if n[b] == 0 {
			continue
		}
		d := sum[b]/float64(n[b]) - mean
		ssb += float64(n[b]) * d * d
	}
	ssw := math.Max(sst-ssb, 0)
	df1, df2 := float64(bins-1), float64(N-int64(bins))
	r.Raw = ssb / sst
	if df2 <= 0 {
		return r
	}
	msw := ssw / df2
	r.S = (ssb - df1*msw) / sst
	if msw > 0 {
		r.P = distuv.F{D1: df1, D2: df2}.Survival((ssb / df1) / msw)
	} else {
		r.P = 0
	}
	return r
}
