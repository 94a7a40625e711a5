package agents

import "math"

// ExpectedUtility is the expected-utility drafting rule (proposer:
// expected-utility). Each round the mediator chooses how far to concede,
// c in [0, its maximum concession], so as to maximise
//
//	P(accepted and ratified | y(c)) · U_m(y(c)) + (1 − P) · B_m
//
// where y(c) is the conceding mediator's draft at concession c and B_m the
// mediator's utility of breakdown. P comes from its beliefs about the
// signatories' reservations, which the engine keeps and updates (see
// docs/MODEL.md §3.10); the engine does the search, because the beliefs
// live in the replicate's state. Propose, called without beliefs, drafts
// as the conceding mediator at d.Conceded.
type ExpectedUtility struct{}

// Propose implements Proposer.
func (ExpectedUtility) Propose(d *Draft, out []float64) { ConcedingMediator{}.Propose(d, out) }

// AcceptUniform returns the probability that a responder with utility u
// for a package accepts it under rule with the given noise, when its
// reservation is uniform on [lo, hi]: the average of rule.Prob(u − R) over
// R. Closed forms for the threshold rule, (u − lo)/(hi − lo) clamped to
// [0, 1], and for the logit rule,
//
//	σ/(hi − lo) · [softplus((u − lo)/σ) − softplus((u − hi)/σ)],
//
// the integral of the logistic; any other rule is averaged by the midpoint
// rule over 16 points. A degenerate interval (hi ≤ lo) is the point lo.
func AcceptUniform(rule AcceptRule, u, lo, hi, noise float64) float64 {
	w := hi - lo
	if !(w > 1e-12) {
		return rule.Prob(u-lo, noise)
	}
	switch rule.(type) {
	case Threshold:
		return min(max((u-lo)/w, 0), 1)
	case Logit:
		a, b := softplus((u-lo)/noise), 0.0
		// With softplus(a) ≥ 38, a term below 2⁻⁵⁴ (softplus of −38 or
		// less) leaves the difference unchanged: skip its exponential.
		if x := (u - hi) / noise; !(a >= 38 && x <= -38) {
			b = softplus(x)
		}
		p := noise / w * (a - b)
		return min(max(p, 0), 1)
	}
	const k = 16
	var sum float64
	for j := range k {
		sum += rule.Prob(u-(lo+(float64(j)+0.5)*w/k), noise)
	}
	return sum / k
}

// softplus is log(1 + e^x), computed without overflow. Beyond ±38 the
// correction e^−|x| is below 2⁻⁵⁴, where math.Log1p returns its argument
// and adding it to |x| ≥ 38 changes nothing, so the shortcuts give the same
// bits as the full expression.
func softplus(x float64) float64 {
	switch {
	case x >= 38:
		return x
	case x <= -38:
		return math.Exp(x)
	}
	return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
}

func init() { proposers["expected-utility"] = ExpectedUtility{} }
