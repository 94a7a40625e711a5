package sim_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/sim"
)

// tioli is the take-it-or-leave-it game of bargaining under private
// information (Fearon 1995, "Rationalist explanations for war",
// International Organization 49:379–414, section "Private information and
// incentives to misrepresent"). Proposer p offers responder b a share v of
// a pie (issue x = 100 v): p's utility is 1 − v, b's is v. b accepts iff
// v ≥ R (threshold rule), with its reservation R (its value of fighting)
// private and uniform on [lo, hi]; if b refuses, p gets its war payoff w
// (breakdown). p's expected utility is
//
//	EU(v) = F(v)(1 − v) + (1 − F(v)) w,  F(v) = (v − lo)/(hi − lo) on [lo, hi],
//
// and dEU/dv = 0 gives the offer v* = (1 + lo − w)/2, clamped to [lo, hi],
// with P(breakdown) = 1 − F(v*) > 0 whenever v* < hi: the proposer accepts a
// risk of war to get a better deal. Rounds > 1 repeat the offer with the
// proposer's beliefs updated by each rejection.
const tioli = `name: tioli
horizon: %d
actors:
  p:
    power: {value: 1, assumption: t}
    positions: {x: {ideal: {value: 0, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {tab: {proposer: expected-utility, breakdown: {value: %g, assumption: t}}}
  b:
    power: {value: 1, assumption: t}
    positions: {x: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {tab: {reservation: {uniform: [%g, %g], assumption: t}, rule: threshold}}
issues:
  x: {table: tab, status_quo: {value: 0, assumption: t}}
tables:
  tab: {protocol: mediated, mediator: p, signatories: [b]}
outcomes:
  deal: {table: tab}
`

func TestExpectedUtilityTakeItOrLeaveIt(t *testing.T) {
	for _, c := range []struct{ lo, hi, w float64 }{
		{0.2, 0.8, 0.3}, // v* = 0.45, P(breakdown) = 0.35/0.6 = 0.583
		{0, 1, 0},       // v* = 0.5, P(breakdown) = 0.5
		{0.3, 0.6, 0.5}, // v* = 0.4, P(breakdown) = 0.2/0.3 = 0.667
		{0.4, 0.5, 0},   // (1+0.4)/2 = 0.7 > hi: v* = hi = 0.5, no breakdown
		{0.1, 0.9, 0.6}, // v* = 0.25, P(breakdown) = 0.65/0.8 = 0.8125
		// lo ≥ 1 − w: every acceptable offer leaves p less than its war
		// payoff, so it offers nothing acceptable (x = 0) and war is certain.
		{0.3, 0.6, 0.75},
	} {
		t.Run(fmt.Sprintf("lo=%g,hi=%g,w=%g", c.lo, c.hi, c.w), func(t *testing.T) {
			m := compile(t, fmt.Sprintf(tioli, 1, c.w, c.lo, c.hi))
			vStar := min(max((1+c.lo-c.w)/2, c.lo), c.hi)
			if c.lo >= 1-c.w {
				vStar = 0
			}
			_, rec := trace(m, 1)
			offer := rec.evs[findKind(rec, sim.TraceOffer)]
			// The search ends with 10 golden-section steps in the two cells
			// of an 8-cell grid around the best point: a bracket of at most
			// 2/8 · 0.618^10 = 0.002 in c, 0.2 on the scale.
			assert.InDelta(t, 100*vStar, offer.Offer[0], 0.2, "offer")
			v := offer.Offer[0] / 100
			F := func(v float64) float64 { return min(max((v-c.lo)/(c.hi-c.lo), 0), 1) }
			assert.InDelta(t, F(v), offer.Estimate, 1e-9, "estimated P(accept) is F(offer)")
			const n = 20000
			got := share(m, n)
			within(t, F(v), got, n, "P(deal) = F(offer)")
			within(t, 1-F(vStar), 1-got, n, "P(breakdown) at the closed-form offer")
		})
	}
}

// Screening: over several rounds each rejection raises the proposer's lower
// bound on b's reservation to the rejected offer, so its next offer is the
// one-shot optimum on the truncated belief, (1 + v_prev − w)/2 clamped, and
// offers rise as rejections accumulate. The proposer is myopic: it best
// responds each round to its current belief and does not plan the sequence
// (this is not the sequential equilibrium of the repeated game). Once its
// lower bound exceeds 1 − w, no acceptable offer beats breakdown and it
// offers nothing acceptable (the last row of the take-it-or-leave-it test).
func TestExpectedUtilityScreening(t *testing.T) {
	const lo, hi, w = 0.2, 0.8, 0.3
	// Four rounds: the lower bound rises 0.2 → 0.45 → 0.575 → 0.6375, each
	// below 1 − w, so an acceptable offer always pays.
	m := compile(t, fmt.Sprintf(tioli, 4, w, lo, hi))
	for seed := range uint64(200) {
		_, rec := trace(m, seed)
		prev := math.NaN()
		belLo := lo
		for _, e := range rec.evs {
			switch e.Kind {
			case sim.TraceOffer:
				v := e.Offer[0] / 100
				want := min(max((1+belLo-w)/2, belLo), hi)
				require.InDelta(t, want, v, 0.002, "seed %d round %d", seed, e.Round)
				if !math.IsNaN(prev) {
					require.GreaterOrEqual(t, v, prev-1e-9, "offers never fall")
				}
				prev = v
			case sim.TraceResponse:
				require.False(t, math.IsNaN(e.BeliefLo))
				if !e.Accept {
					require.InDelta(t, e.U, e.BeliefLo, 1e-12, "a rejection of u reveals R > u")
					belLo = e.BeliefLo
				}
			}
		}
	}
}
