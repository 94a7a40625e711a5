package agents

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConcession(t *testing.T) {
	for i, c := range []struct {
		t, e, k, want float64
	}{
		{0, 1, 0, 0},                 // no time passed, nothing conceded
		{1, 0.2, 0, 1},               // at the deadline every tactic has conceded fully
		{0.5, 1, 0, 0.5},             // linear: F(t) = t
		{0.5, 2, 0, math.Sqrt(0.5)},  // conceder: t^(1/2)
		{0.5, 0.5, 0, 0.25},          // Boulware: t^2
		{0.5, 1, 0.2, 0.2 + 0.8*0.5}, // k conceded at once
		{-1, 1, 0, 0},                // clamped below
		{2, 1, 0, 1},                 // clamped above
	} {
		assert.InDelta(t, c.want, Concession(c.t, c.e, c.k), 1e-12, "case %d", i)
	}
}

func TestReservationAndTacticTarget(t *testing.T) {
	assert.Equal(t, 0.8, Reservation(0.8, 0.4, 0))
	assert.Equal(t, 0.4, Reservation(0.8, 0.4, 1))
	assert.InDelta(t, 0.6, Reservation(0.8, 0.4, 0.5), 1e-12)
	// Faratin et al. (1998): target(t) = Pmin + (Pmax-Pmin)(1-F(t)); with
	// e = 0.5, k = 0 at t = 0.5, F = 0.25 so the target is 0.75 of the range.
	assert.InDelta(t, 0.2+0.6*0.75, TacticTarget(0.5, 0.5, 0, 0.2, 0.8), 1e-12)
}

func TestUtility(t *testing.T) {
	for i, c := range []struct {
		x, ideal, sal []float64
		want          float64
	}{
		{[]float64{50}, []float64{50}, []float64{1}, 1},                                // at the ideal
		{[]float64{0}, []float64{100}, []float64{1}, 0},                                // farthest
		{[]float64{25, 100}, []float64{0, 100}, []float64{1, 1}, (0.75 + 1) / 2},       // equal weights
		{[]float64{25, 100}, []float64{0, 100}, []float64{0.9, 0.1}, 0.9*0.75 + 0.1*1}, // salience-weighted
		{[]float64{10}, []float64{90}, []float64{0}, 1},                                // no salience: indifferent
		{nil, nil, nil, 1}, // no issues: indifferent
	} {
		assert.InDelta(t, c.want, Utility(c.x, c.ideal, c.sal), 1e-12, "case %d", i)
	}
}

func TestViolates(t *testing.T) {
	inf := math.Inf(1)
	assert.False(t, Violates([]float64{50}, []float64{-inf}, []float64{inf}))
	assert.True(t, Violates([]float64{50}, []float64{-inf}, []float64{40}))
	assert.True(t, Violates([]float64{30}, []float64{40}, []float64{inf}))
	assert.False(t, Violates([]float64{40}, []float64{40}, []float64{40}))
}

func TestAcceptRules(t *testing.T) {
	for i, c := range []struct {
		rule           AcceptRule
		surplus, noise float64
		want           float64
	}{
		{Logit{}, 0, 0.1, 0.5},
		{Logit{}, 0.1, 0.1, 1 / (1 + math.Exp(-1))}, // logistic(1) = 0.7310585786
		{Logit{}, -0.2, 0.1, 1 / (1 + math.Exp(2))},
		{Probit{}, 0, 0.1, 0.5},
		{Probit{}, 0.1, 0.1, 0.8413447460685429}, // Φ(1), standard normal tables
		{Probit{}, -0.196, 0.1, 0.025},           // Φ(-1.96) ≈ 0.025
		{Threshold{}, 0, 1, 1},
		{Threshold{}, -1e-9, 1, 0},
	} {
		assert.InDelta(t, c.want, c.rule.Prob(c.surplus, c.noise), 1e-3, "case %d", i)
	}
	r, err := LookupAcceptRule("")
	assert.NoError(t, err)
	assert.Equal(t, Logit{}, r)
	_, err = LookupAcceptRule("nope")
	assert.ErrorContains(t, err, "known: logit, probit, threshold")
}

func TestConcedingMediator(t *testing.T) {
	inf := math.Inf(1)
	nan := math.NaN()
	for i, c := range []struct {
		d    Draft
		want []float64
	}{
		// Half-way from its ideal 100 to the target 40.
		{Draft{Own: []float64{100}, Target: []float64{40}, Lo: []float64{-inf}, Hi: []float64{inf}, OwnLo: []float64{-inf}, OwnHi: []float64{inf}, Conceded: 0.5}, []float64{70}},
		// No ideal of its own: proposes the target.
		{Draft{Own: []float64{nan}, Target: []float64{40}, Lo: []float64{-inf}, Hi: []float64{inf}, OwnLo: []float64{-inf}, OwnHi: []float64{inf}}, []float64{40}},
		// Clamped into the signatories' red line.
		{Draft{Own: []float64{100}, Target: []float64{40}, Lo: []float64{-inf}, Hi: []float64{60}, OwnLo: []float64{-inf}, OwnHi: []float64{inf}}, []float64{60}},
		// Infeasible signatory box (lo > hi) is ignored; own red line binds.
		{Draft{Own: []float64{100}, Target: []float64{40}, Lo: []float64{80}, Hi: []float64{60}, OwnLo: []float64{90}, OwnHi: []float64{inf}, Conceded: 1}, []float64{90}},
	} {
		out := make([]float64, len(c.want))
		ConcedingMediator{}.Propose(&c.d, out)
		assert.InDeltaSlice(t, c.want, out, 1e-12, "case %d", i)
	}
}

func BenchmarkUtility(b *testing.B) {
	x, id, sa := []float64{10, 50, 90, 30}, []float64{0, 100, 50, 25}, []float64{1, 0.5, 0.2, 0.9}
	for b.Loop() {
		Utility(x, id, sa)
	}
}
