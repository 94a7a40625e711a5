package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"go.yaml.in/yaml/v3"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/negsim/negsim/models/references"
)

// Distribution kinds a Param may take.
const (
	DistConst       = "value"
	DistUniform     = "uniform"
	DistTriangular  = "triangular"
	DistBeta        = "beta"
	DistTruncNormal = "truncnormal"
	DistBernoulli   = "bernoulli"
)

// Source cites a passage of a source document: its file name and a short
// exact quote.
type Source struct {
	// Seed is the file name of the source document, as listed under the
	// scenario's sources.
	Seed string `yaml:"seed"`
	// Quote is a short exact quote of the passage.
	Quote string `yaml:"quote"`
}

// Reference cites a reference class of models/references and says how the
// parameter's distribution follows from its cases: Derive names the method
// (range, triangular, beta, beta-complement), Exclude lists cases left out,
// Shift and Scale map a case's value x to x·Scale + Shift before a range or
// triangular is formed (Scale defaults to 1), Note says why the class
// applies, and Deviation, when given, says why the parameter's distribution
// differs from the derived one (the validator then does not compare them).
type Reference struct {
	// Class names the reference class: a file of models/references without
	// .yaml.
	Class string `yaml:"class"`
	// Derive names how the distribution follows from the class's cases:
	// range, triangular, beta or beta-complement.
	Derive string `yaml:"derive"`
	// Exclude lists the ids of cases left out.
	Exclude []string `yaml:"exclude"`
	// Shift is added to a case's value x after scaling (x·scale + shift)
	// before a range or triangular is formed; 0 when absent.
	Shift float64 `yaml:"shift"`
	// Scale multiplies a case's value x (x·scale + shift) before a range or
	// triangular is formed; 1 when absent.
	Scale *float64 `yaml:"scale"`
	// Note says why the class applies to the parameter.
	Note string `yaml:"note"`
	// Deviation, when given, says why the parameter's distribution differs
	// from the derived one; the validator then does not compare them.
	Deviation string `yaml:"deviation"`
}

// Derivation returns the reference's derivation with its default scale.
func (r *Reference) Derivation() references.Derivation {
	scale := 1.0
	if r.Scale != nil {
		scale = *r.Scale
	}
	return references.Derivation{Method: r.Derive, Exclude: r.Exclude, Shift: r.Shift, Scale: scale}
}

// Param is a numeric parameter: a fixed value or a distribution drawn once per
// replicate, with its provenance. In YAML it is a mapping with exactly one
// distribution key and exactly one of source, assumption or reference:
//
//	{value: 0.8, source: {seed: 001_x.txt, quote: "..."}}
//	{uniform: [0.3, 0.5], assumption: "why, and why this range"}
//	{triangular: [min, mode, max], ...}
//	{beta: [alpha, beta], ...}          on [0, 1]
//	{truncnormal: [mean, sd, min, max], ...}
//	{bernoulli: p, ...}                 1 with probability p, else 0
//	{beta: [2, 5], reference: {class: peace-settlement-referendums, derive: beta}}
type Param struct {
	Dist       string    // one of the Dist* constants
	Args       []float64 // the distribution's arguments, in the order above
	Source     *Source
	Assumption string
	Reference  *Reference
	Line       int // line in the scenario file, 0 when built in code
	Set        bool
}

type paramYAML struct {
	// Value is a fixed number.
	Value *float64 `yaml:"value"`
	// Uniform is [min, max]: uniform on [min, max].
	Uniform []float64 `yaml:"uniform"`
	// Triangular is [min, mode, max]: the triangular distribution.
	Triangular []float64 `yaml:"triangular"`
	// Beta is [alpha, beta]: Beta(alpha, beta) on [0, 1].
	Beta []float64 `yaml:"beta"`
	// TruncNormal is [mean, sd, min, max]: the normal truncated to [min,
	// max].
	TruncNormal []float64 `yaml:"truncnormal"`
	// Bernoulli is p: 1 with probability p, else 0.
	Bernoulli *float64 `yaml:"bernoulli"`
	// Source cites the passage of a source document the number comes from:
	// its file name (seed) and a short exact quote.
	Source *Source `yaml:"source"`
	// Assumption gives the reasoning behind the number, when no source states
	// it, and why the range is what it is.
	Assumption string `yaml:"assumption"`
	// Reference ties the number to a reference class of past cases and says
	// how the distribution follows from them.
	Reference *Reference `yaml:"reference"`
}

// Fixed returns a constant Param marked with an assumption, for scenarios
// built in Go.
func Fixed(v float64, assumption string) Param {
	return Param{Dist: DistConst, Args: []float64{v}, Assumption: assumption, Set: true}
}

// UnmarshalYAML decodes the mapping form and records the line. A bare number
// is accepted so that validation can report its missing provenance.
func (p *Param) UnmarshalYAML(n *yaml.Node) error {
	p.Line = n.Line
	p.Set = true
	if n.Kind == yaml.ScalarNode {
		var v float64
		if err := n.Decode(&v); err != nil {
			return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %q is not a number or a distribution", n.Line, n.Value)}}
		}
		p.Dist, p.Args = DistConst, []float64{v}
		return nil
	}
	var y paramYAML
	if err := n.Decode(&y); err != nil {
		return err
	}
	p.Source, p.Assumption, p.Reference = y.Source, y.Assumption, y.Reference
	kinds := 0
	set := func(kind string, args []float64) {
		kinds++
		p.Dist, p.Args = kind, args
	}
	if y.Value != nil {
		set(DistConst, []float64{*y.Value})
	}
	if y.Uniform != nil {
		set(DistUniform, y.Uniform)
	}
	if y.Triangular != nil {
		set(DistTriangular, y.Triangular)
	}
	if y.Beta != nil {
		set(DistBeta, y.Beta)
	}
	if y.TruncNormal != nil {
		set(DistTruncNormal, y.TruncNormal)
	}
	if y.Bernoulli != nil {
		set(DistBernoulli, []float64{*y.Bernoulli})
	}
	if kinds > 1 {
		p.Dist = "ambiguous"
	}
	return nil
}

// MinBetaShapeSum is the least α + β of a beta parameter. The sampler draws
// Beta(α, β) as G_α / (G_α + G_β) from two gamma draws; a Gamma(a) draw
// underflows to 0 with probability about 10^(−323 a) (measured with this
// package's sampler: 0.024 at a = 0.005, 5.9e-4 at 0.01, 2e-7 at 0.02), and
// when both do the draw is 0/0 = NaN. Beta(0.001, 0.001) was NaN in 22.5% of
// a million draws, Beta(0.005, 0.005) in 0.06%, Beta(0.01, 0.01) in about
// 1 in 3 million; at α + β ≥ 0.04 it is about 10^(−13) per draw.
const MinBetaShapeSum = 0.04

// MinTruncMass is the least probability a truncnormal's [min, max] may hold
// under its untruncated normal (10⁻⁹ is the upper tail beyond 6 sd). The
// sampler inverts the normal CDF between CDF(min) and CDF(max); in a far
// upper tail both round to 1 and the draws collapse onto one bound.
const MinTruncMass = 1e-9

// truncMass is the normal(mu, sd) probability of [lo, hi], computed on the
// side of the mean where it is accurate.
func truncMass(mu, sd, lo, hi float64) float64 {
	n := distuv.Normal{Mu: mu, Sigma: sd}
	if lo > mu {
		return n.Survival(lo) - n.Survival(hi)
	}
	return n.CDF(hi) - n.CDF(lo)
}

// shapeOK reports whether the Param's distribution and arguments are
// well-formed, so that Bounds is meaningful.
func (p Param) shapeOK() bool {
	if !p.Set || distArity[p.Dist] == 0 || len(p.Args) != distArity[p.Dist] {
		return false
	}
	for _, a := range p.Args {
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return false
		}
	}
	return len(p.numberProblems()) == 0
}

var distArity = map[string]int{
	DistConst: 1, DistUniform: 2, DistTriangular: 3, DistBeta: 2, DistTruncNormal: 4, DistBernoulli: 1,
}

// Bounds returns the smallest and largest value the Param can take, or NaN
// for a Param whose arguments do not fit its distribution (so that callers
// checking a bad file before its shape cannot index past its arguments).
func (p Param) Bounds() (lo, hi float64) {
	a := p.Args
	if len(a) != distArity[p.Dist] {
		return math.NaN(), math.NaN()
	}
	switch p.Dist {
	case DistConst:
		return a[0], a[0]
	case DistUniform:
		return a[0], a[1]
	case DistTriangular:
		return a[0], a[2]
	case DistBeta:
		return 0, 1
	case DistTruncNormal:
		return a[2], a[3]
	case DistBernoulli:
		return 0, 1
	}
	return math.NaN(), math.NaN()
}

// Mean returns the Param's expected value, used as its nominal value in
// one-at-a-time sensitivity analysis.
func (p Param) Mean() float64 {
	a := p.Args
	if len(a) != distArity[p.Dist] {
		return math.NaN()
	}
	switch p.Dist {
	case DistConst:
		return a[0]
	case DistUniform:
		return (a[0] + a[1]) / 2
	case DistTriangular:
		return (a[0] + a[1] + a[2]) / 3
	case DistBeta:
		return a[0] / (a[0] + a[1])
	case DistTruncNormal:
		// The mean of the normal truncated to [min, max], not of the
		// untruncated normal, which may lie outside the support.
		n := p.truncNormal()
		al, be := (a[2]-a[0])/a[1], (a[3]-a[0])/a[1]
		std := distuv.UnitNormal
		z := truncMass(0, 1, al, be)
		if !(z > 0) {
			return math.NaN()
		}
		return n.Mu + n.Sigma*(std.Prob(al)-std.Prob(be))/z
	case DistBernoulli:
		return a[0]
	}
	return math.NaN()
}

// Random reports whether the Param is drawn from a non-degenerate
// distribution.
func (p Param) Random() bool {
	lo, hi := p.Bounds()
	return p.Dist != DistConst && lo != hi
}

// numberProblems returns the problems of the distribution's arguments: their
// count, finiteness, order, and the limits within which its draws are finite
// and exact.
func (p Param) numberProblems() []string {
	if distArity[p.Dist] == 0 {
		return []string{"needs one of value, uniform, triangular, beta, truncnormal, bernoulli"}
	}
	var errs []string
	if n := distArity[p.Dist]; len(p.Args) != n {
		return []string{fmt.Sprintf("%s takes %d numbers, got %d", p.Dist, n, len(p.Args))}
	}
	for _, a := range p.Args {
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return []string{fmt.Sprintf("%s has %v; numbers must be finite", p.Dist, a)}
		}
	}
	a := p.Args
	switch p.Dist {
	case DistUniform:
		if a[0] > a[1] {
			errs = append(errs, fmt.Sprintf("uniform min %g > max %g", a[0], a[1]))
		}
	case DistTriangular:
		if !(a[0] <= a[1] && a[1] <= a[2]) {
			errs = append(errs, fmt.Sprintf("triangular needs min <= mode <= max, got %g, %g, %g", a[0], a[1], a[2]))
		}
	case DistBeta:
		switch {
		case a[0] <= 0 || a[1] <= 0:
			errs = append(errs, fmt.Sprintf("beta shapes must be > 0, got %g, %g", a[0], a[1]))
		case a[0]+a[1] < MinBetaShapeSum:
			errs = append(errs, fmt.Sprintf("beta shapes %g, %g sum to %g; they must sum to at least %g, or draws can be NaN (both gamma draws underflow to 0)", a[0], a[1], a[0]+a[1], MinBetaShapeSum))
		}
	case DistTruncNormal:
		switch {
		case a[1] <= 0:
			errs = append(errs, fmt.Sprintf("truncnormal sd must be > 0, got %g", a[1]))
		case a[2] >= a[3]:
			errs = append(errs, fmt.Sprintf("truncnormal min %g must be < max %g", a[2], a[3]))
		default:
			if m := truncMass(a[0], a[1], a[2], a[3]); !(m >= MinTruncMass) {
				errs = append(errs, fmt.Sprintf("truncnormal [%g, %g] holds %.3g of the normal's probability (mean %g, sd %g); it must hold at least %g (about 6 sd from the mean), or the sampler cannot draw from it", a[2], a[3], m, a[0], a[1], MinTruncMass))
			}
		}
	case DistBernoulli:
		if a[0] < 0 || a[0] > 1 {
			errs = append(errs, fmt.Sprintf("bernoulli p %g outside [0, 1]", a[0]))
		}
	}
	return errs
}

func finite(xs []float64) bool {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// check returns the problems of the Param's shape and numbers, each phrased
// with the allowed range. lo and hi bound every value the Param may take.
func (p Param) check(lo, hi float64) []string {
	if !p.Set {
		return []string{"is required"}
	}
	if p.Dist == "" {
		return []string{"needs one of value, uniform, triangular, beta, truncnormal, bernoulli"}
	}
	if p.Dist == "ambiguous" {
		return []string{"gives more than one distribution; give exactly one"}
	}
	errs := p.numberProblems()
	if len(errs) > 0 && (distArity[p.Dist] != len(p.Args) || !finite(p.Args)) {
		return errs
	}
	if len(errs) == 0 {
		if l, h := p.Bounds(); l < lo || h > hi {
			errs = append(errs, fmt.Sprintf("takes values in [%g, %g], allowed range is [%g, %g]", l, h, lo, hi))
		}
	}
	kinds := 0
	for _, set := range []bool{p.Source != nil, strings.TrimSpace(p.Assumption) != "", p.Reference != nil} {
		if set {
			kinds++
		}
	}
	switch {
	case kinds == 0:
		errs = append(errs, "has neither source nor assumption nor reference; every parameter must cite a seed, cite a reference class or state its reasoning")
	case kinds > 1:
		errs = append(errs, "has more than one of source, assumption and reference; give one")
	case p.Source != nil && (p.Source.Seed == "" || strings.TrimSpace(p.Source.Quote) == ""):
		errs = append(errs, "source needs both seed (a file name) and quote")
	}
	return errs
}

func (p Param) truncNormal() distuv.Normal {
	return distuv.Normal{Mu: p.Args[0], Sigma: p.Args[1]}
}

// Sample draws one value. It allocates nothing; r must be the replicate's own
// generator.
func (p *Param) Sample(r *rand.Rand) float64 {
	a := p.Args
	switch p.Dist {
	case DistConst:
		return a[0]
	case DistUniform:
		return a[0] + (a[1]-a[0])*r.Float64()
	case DistTriangular:
		return triangular(a[0], a[1], a[2], r.Float64())
	case DistBeta:
		return distuv.Beta{Alpha: a[0], Beta: a[1], Src: r}.Rand()
	case DistTruncNormal:
		// Inverse-CDF sampling inside [min, max]: exact and uses one uniform.
		n := p.truncNormal()
		lo, hi := n.CDF(a[2]), n.CDF(a[3])
		x := n.Quantile(lo + (hi-lo)*r.Float64())
		return math.Min(math.Max(x, a[2]), a[3])
	case DistBernoulli:
		if r.Float64() < a[0] {
			return 1
		}
		return 0
	}
	panic("models: Sample on an unvalidated Param")
}

// triangular is the inverse CDF of the triangular distribution at u.
func triangular(lo, mode, hi, u float64) float64 {
	if hi == lo {
		return lo
	}
	f := (mode - lo) / (hi - lo)
	if u < f {
		return lo + math.Sqrt(u*(hi-lo)*(mode-lo))
	}
	return hi - math.Sqrt((1-u)*(hi-lo)*(hi-mode))
}

// String renders the distribution compactly, e.g. "uniform[0.3, 0.5]".
func (p Param) String() string {
	if p.Dist == DistConst && len(p.Args) == 1 {
		return fmt.Sprintf("%g", p.Args[0])
	}
	parts := make([]string, len(p.Args))
	for i, a := range p.Args {
		parts[i] = fmt.Sprintf("%g", a)
	}
	return fmt.Sprintf("%s[%s]", p.Dist, strings.Join(parts, ", "))
}
