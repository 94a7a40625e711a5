package agents

import (
	"math"
	"testing"
)

// TestAlternatingValuesClosedForm checks backward induction against
// Rubinstein (1982): with two players, a common d and no disagreement
// payoff, the first proposer's value with T rounds is (1-(-d)^T)/(1+d), and
// with large T and d1 ≠ d2 it is (1-d2)/(1-d1 d2).
func TestAlternatingValuesClosedForm(t *testing.T) {
	for _, d := range []float64{0.3, 0.9} {
		for T := 1; T <= 12; T++ {
			v := make([]float64, (T+1)*2)
			AlternatingValues(v, []float64{d, d}, []float64{0, 0}, T)
			want := (1 - math.Pow(-d, float64(T))) / (1 + d)
			if math.Abs(v[0]-want) > 1e-12 || math.Abs(v[0]+v[1]-1) > 1e-12 {
				t.Errorf("d=%g T=%d: values %v, want first %.12f and a sum of 1", d, T, v[:2], want)
			}
		}
	}
	d1, d2, T := 0.95, 0.6, 2000
	v := make([]float64, (T+1)*2)
	AlternatingValues(v, []float64{d1, d2}, []float64{0, 0}, T)
	if want := (1 - d2) / (1 - d1*d2); math.Abs(v[0]-want) > 1e-12 {
		t.Errorf("d1=%g d2=%g: first proposer's value %.12f, want %.12f", d1, d2, v[0], want)
	}
}

// TestAlternatingValuesThreePlayers checks the multilateral case by hand:
// with T = 2 the round-1 proposer (player 1) would take everything, so
// player 0 offers it d and keeps 1-d; player 2 gets nothing. With T = 3 the
// round-2 proposer (player 2) takes all; in round 1 player 1 offers player 2
// d and keeps 1-d; in round 0 player 0 offers d(1-d) to player 1 and d² to
// player 2, keeping 1-d+d²-d².
func TestAlternatingValuesThreePlayers(t *testing.T) {
	const d = 0.8
	for _, c := range []struct {
		T    int
		want []float64
	}{
		{1, []float64{1, 0, 0}},
		{2, []float64{1 - d, d, 0}},
		{3, []float64{1 - d*(1-d) - d*d, d * (1 - d), d * d}},
	} {
		v := make([]float64, (c.T+1)*3)
		AlternatingValues(v, []float64{d, d, d}, []float64{0, 0, 0}, c.T)
		for j, w := range c.want {
			if math.Abs(v[j]-w) > 1e-12 {
				t.Errorf("T=%d: player %d's value %.12f, want %.12f", c.T, j, v[j], w)
			}
		}
	}
}

// TestLegislativeValues checks the stationary values of Baron & Ferejohn
// (1989): 1/n each with equal recognition, reached with convergence; with
// unequal recognition (where the solver is approximate, see its doc) the
// values still sum to 1 and are reproducible.
func TestLegislativeValues(t *testing.T) {
	for _, c := range []struct {
		p []float64
		q int
		d float64
	}{
		{[]float64{0.2, 0.2, 0.2, 0.2, 0.2}, 3, 0.9},
		{[]float64{1. / 3, 1. / 3, 1. / 3}, 3, 0.5},
		{[]float64{1. / 15, 2. / 15, 3. / 15, 4. / 15, 5. / 15}, 3, 0.9},
		{[]float64{0.5, 0.3, 0.2}, 2, 0.95},
	} {
		n := len(c.p)
		d := make([]float64, n)
		for k := range d {
			d[k] = c.d
		}
		v, work := make([]float64, n), make([]float64, 2*n)
		equal := true
		for _, x := range c.p {
			equal = equal && x == c.p[0]
		}
		if _, ok := LegislativeValues(v, c.p, d, c.q, work); equal && !ok {
			t.Errorf("p=%v q=%d: did not converge", c.p, c.q)
		}
		sum := 0.0
		for _, x := range v {
			sum += x
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("p=%v q=%d: values %v sum to %.15f, want 1", c.p, c.q, v, sum)
		}
		for k := range v {
			if equal && math.Abs(v[k]-1/float64(n)) > 1e-12 {
				t.Errorf("p=%v q=%d: v[%d] = %.15f, want 1/n", c.p, c.q, k, v[k])
			}
		}
		w := make([]float64, n)
		LegislativeValues(w, c.p, d, c.q, work)
		for k := range v {
			if math.Abs(w[k]-v[k]) > 1e-12 {
				t.Errorf("p=%v q=%d: not reproducible: %v vs %v", c.p, c.q, v, w)
			}
		}
		t.Logf("p=%v q=%d d=%g: v=%.6f", c.p, c.q, c.d, v)
	}
}
