package sim

import "github.com/negsim/negsim/models"

// WithParam returns a copy of m in which the parameter at slot has the
// distribution p, as if the scenario had given it: the primitive behind
// the decomposition of a gap between two readings, which replaces one
// parameter of one reading by the other's.
//
// A constant p is pinned as WithFixed pins it: the slot's old
// distribution is still drawn and the draw discarded, so every other draw
// of a replicate is unchanged. A random p is drawn in place of the old
// distribution. Uniform, triangular, truncated normal and Bernoulli
// distributions each consume exactly one uniform number, and the first
// three draw by the inverse CDF, so replacing one of them by another
// keeps every later draw of the replicate aligned and couples the old and
// the new value monotonically. Replacing a constant by a range, or
// involving a beta distribution, changes how many numbers the slot
// consumes: the replicate still starts from the same seed, so results
// stay paired replicate by replicate, but the draws after the slot shift
// and are no longer common to both models.
func (m *Model) WithParam(slot int, p models.Param) *Model {
	if !p.Random() {
		lo, _ := p.Bounds()
		q := m.WithFixed(slot, lo, p.Assumption)
		q.params[slot].Source = p.Source
		return q
	}
	c := *m
	c.params = append([]models.Param(nil), m.params...)
	c.draws = append([]models.Param(nil), m.draws...)
	p.Line = m.params[slot].Line
	c.params[slot], c.draws[slot] = p, p
	if m.pinned != nil {
		c.pinned = append([]bool(nil), m.pinned...)
		c.pinned[slot] = false
	}
	return &c
}
