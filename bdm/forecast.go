package bdm

import (
	"fmt"
	"math"
)

// Forecast returns the capability×salience-weighted mean and median of the
// actors' positions, for any number of actors (one or two included, which
// New rejects). It fails on invalid actors or when no actor has positive
// capability and salience.
func Forecast(actors []Actor) (mean, median float64, err error) {
	if len(actors) == 0 {
		return 0, 0, fmt.Errorf("%w: no actors", ErrActor)
	}
	var sum, wx float64
	for i, a := range actors {
		if err := checkActor(i, a, Options{}); err != nil {
			return 0, 0, err
		}
		w := a.Capability * a.Salience
		sum += w
		wx += w * a.Position
	}
	if !(sum > 0) {
		return 0, 0, fmt.Errorf("%w: no actor has both capability and salience above 0", ErrActor)
	}
	// The median scans candidates in O(n²) without allocating.
	median = math.NaN()
	bestLoss := math.Inf(1)
	for _, c := range actors {
		loss := 0.0
		for _, a := range actors {
			loss += a.Capability * a.Salience * math.Abs(a.Position-c.Position)
		}
		median, bestLoss = better(c.Position, loss, median, bestLoss)
	}
	return wx / sum, median, nil
}

// weightedMean returns Σ w x / Σ w.
func weightedMean(w, x []float64) float64 {
	var sw, swx float64
	for k := range w {
		sw += w[k]
		swx += w[k] * x[k]
	}
	return swx / sw
}

// weightedMedian returns the position p among x that minimises
// Σ w_k |x_k − p|: the median voter under linear utilities. On a tie (to a
// relative 1e-12, so that rounding does not pick) it returns the lower
// position.
func weightedMedian(w, x []float64) float64 {
	median, bestLoss := math.NaN(), math.Inf(1)
	for _, p := range x {
		loss := 0.0
		for k := range w {
			loss += w[k] * math.Abs(x[k]-p)
		}
		median, bestLoss = better(p, loss, median, bestLoss)
	}
	return median
}

// better returns the candidate (p, loss) if it beats (best, bestLoss):
// strictly lower loss, or a tie and a lower position.
func better(p, loss, best, bestLoss float64) (float64, float64) {
	tol := 1e-12 * math.Max(math.Abs(loss), math.Abs(bestLoss))
	switch {
	case math.IsNaN(best), loss < bestLoss-tol:
		return p, loss
	case loss <= bestLoss+tol && p < best:
		return p, math.Min(loss, bestLoss)
	}
	return best, bestLoss
}
