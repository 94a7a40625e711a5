package sim

import "github.com/negsim/negsim/models"

// WithParam returns a copy of m in which the parameter at slot has the
// distribution p, as if the scenario had given it: the primitive behind
// the decomposition of a gap between two readings, which replaces one
// parameter of one reading by the other's.
//
// A constant p is pinned as WithFixed pins it; a random p is drawn from the
// slot's own stream (docs/MODEL.md §4.2), so every other parameter's draw
// is unchanged whatever p is. Uniform, triangular, truncated-normal and
// Bernoulli draws use one uniform number, and the first three draw by the
// inverse CDF, so replacing one of them by another couples the old and the
// new value monotonically.
func (m *Model) WithParam(slot int, p models.Param) *Model {
	if !p.Random() {
		lo, _ := p.Bounds()
		q := m.WithFixed(slot, lo, p.Assumption)
		q.params[slot].Source = p.Source
		q.params[slot].Reference = p.Reference
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
