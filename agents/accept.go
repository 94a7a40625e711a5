package agents

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// AcceptRule maps a responder's surplus (utility of the package minus its
// current reservation) to the probability that it accepts. noise > 0 is the
// scale of the actor's idiosyncratic error in utility units.
type AcceptRule interface {
	Prob(surplus, noise float64) float64
}

// Logit accepts with probability 1/(1+exp(-surplus/noise)).
type Logit struct{}

// Prob implements AcceptRule.
func (Logit) Prob(surplus, noise float64) float64 { return 1 / (1 + math.Exp(-surplus/noise)) }

// Accepts implements Decider: it reports u < Prob(surplus, noise), the same
// decision bit for bit, computing the exponential only when u falls near
// the probability. With x = surplus/noise, e^|x| ≥ 1 + |x| bounds the
// logistic: P ≥ 1 − 1/(2+x) for x ≥ 0 and P ≤ 1/(2−x) for x < 0. A relative
// margin of 2⁻⁴⁰ covers the rounding of both the bound and Prob.
func (l Logit) Accepts(surplus, noise, u float64) bool {
	const margin = 1.0 / (1 << 40)
	x := surplus / noise
	switch {
	case x >= 0 && u < (1-1/(2+x))*(1-margin):
		return true
	case x < 0 && u >= 1/(2-x)*(1+margin):
		return false
	}
	return u < l.Prob(surplus, noise)
}

// AcceptsBetween reports whether Accepts gives the same decision for every
// surplus in [lo, hi] by the same bounds, without the exponential, and if
// so which: decided is false when u falls near the probability somewhere
// in the interval. The bounds are monotone in the surplus, so the bound at
// lo holds above it and the bound at hi below it.
//
// With x = s/noise, the bounds are those of Accepts, (1+x)/(2+x) ≤ P for
// x ≥ 0 and P ≤ 1/(2−x) for x < 0, multiplied out by the positive
// denominators so that no division is needed; the relative margin of 2⁻⁴⁰
// covers the rounding of the products and of Prob.
func (Logit) AcceptsBetween(lo, hi, noise, u float64) (decided, accept bool) {
	const margin = 1.0 / (1 << 40)
	if lo >= 0 && u*(2*noise+lo) < (noise+lo)*(1-margin) {
		return true, true
	}
	if hi < 0 && u*(2*noise-hi) >= noise*(1+margin) {
		return true, false
	}
	return false, false
}

// TailBounds bounds the logistic's tails without an exponential: with x
// = surplus/noise, e^|x| is at least its Taylor polynomial of degree 6,
// E = Σ_{k≤6} |x|^k/k!, so for x ≤ −4, P ≤ 1/(1+E) (hi), and for x ≥ 4,
// 1 − P ≤ 1/E (rejectHi), each widened by a relative 2⁻⁴⁰ for rounding;
// for x ≥ 38, e^−x is below half an ulp of 1, so P is 1 exactly and
// rejectHi is 0. Between −4 and 4 it reports ok false: P is within
// [0.0179, 0.9821] there, and a bound needs the exponential.
func (Logit) TailBounds(surplus, noise float64) (hi, rejectHi float64, ok bool) {
	const margin = 1.0 / (1 << 40)
	x := surplus / noise
	switch {
	case x >= 38:
		return 1, 0, true
	case x >= 4:
		return 1, min(1, 1/taylorExp6(x)*(1+margin)), true
	case x <= -4:
		return min(1, 1/(1+taylorExp6(-x))*(1+margin)), 1, true
	}
	return 1, 1, false
}

// taylorExp6 is Σ_{k≤6} x^k/k!, a lower bound of e^x for x ≥ 0.
func taylorExp6(x float64) float64 {
	return 1 + x*(1+x/2*(1+x/3*(1+x/4*(1+x/5*(1+x/6)))))
}

// IntervalDecider is a Decider that can decide a draw for a whole interval
// of surpluses, so that the engine need not compute a reservation that
// only its bounds decide (Logit).
type IntervalDecider interface {
	Decider
	AcceptsBetween(lo, hi, noise, u float64) (decided, accept bool)
}

// Decider is an AcceptRule that can decide a uniform draw u against its
// probability, u < Prob(surplus, noise), more cheaply than by computing the
// probability. The engine uses it when no trace needs the probability.
type Decider interface {
	AcceptRule
	Accepts(surplus, noise, u float64) bool
}

// Probit accepts with probability Φ(surplus/noise).
type Probit struct{}

// Prob implements AcceptRule.
func (Probit) Prob(surplus, noise float64) float64 {
	return 0.5 * math.Erfc(-surplus/(noise*math.Sqrt2))
}

// Threshold accepts exactly when the surplus is non-negative; noise is
// ignored.
type Threshold struct{}

// Prob implements AcceptRule.
func (Threshold) Prob(surplus, _ float64) float64 {
	if surplus >= 0 {
		return 1
	}
	return 0
}

var acceptRules = map[string]AcceptRule{"logit": Logit{}, "probit": Probit{}, "threshold": Threshold{}}

// RegisterAcceptRule makes r selectable as rule: name in scenario files.
func RegisterAcceptRule(name string, r AcceptRule) { acceptRules[name] = r }

// LookupAcceptRule returns the rule registered under name; "" is logit.
func LookupAcceptRule(name string) (AcceptRule, error) {
	if name == "" {
		name = "logit"
	}
	if r, ok := acceptRules[name]; ok {
		return r, nil
	}
	names := sortedNames(acceptRules)
	return nil, fmt.Errorf("unknown acceptance rule %q; known: %s", name, strings.Join(names, ", "))
}

// sortedNames returns the keys of a registry in sorted order, for error
// messages that list the known names.
func sortedNames[T any](m map[string]T) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
