package agents

import "math"

// Utility returns an actor's utility for the package x over the issues of one
// table: the salience-weighted mean closeness to its ideal points on the
// 0–100 scale,
//
//	U(x) = Σ_k s_k (1 - |x_k - ideal_k|/100) / Σ_k s_k,
//
// in [0, 1]. An actor with no salience on any of the issues is indifferent and
// gets 1. x, ideal and salience have the same length.
func Utility(x, ideal, salience []float64) float64 {
	var num, den float64
	for k := range x {
		num += salience[k] * (1 - math.Abs(x[k]-ideal[k])/100)
		den += salience[k]
	}
	if den == 0 {
		return 1
	}
	return num / den
}

// Violates reports whether x lies outside the red lines [lo, hi] on any issue.
// A missing red line is -Inf or +Inf.
func Violates(x, lo, hi []float64) bool {
	for k := range x {
		if x[k] < lo[k] || x[k] > hi[k] {
			return true
		}
	}
	return false
}
