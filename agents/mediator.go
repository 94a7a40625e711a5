package agents

import (
	"fmt"
	"math"
	"strings"
)

// Draft is what a mediator sees when it drafts a package for one table. All
// slices are indexed by the table's issues.
type Draft struct {
	Own    []float64 // the mediator's ideal; NaN where it has none
	Target []float64 // the signatories' weighted ideal point
	Lo, Hi []float64 // the signatories' red lines (feasible box), ±Inf where none
	OwnLo  []float64 // the mediator's own red lines
	OwnHi  []float64
	// Conceded is the share of the way from Own to Target the mediator has
	// moved by now, already capped by its maximum concession.
	Conceded float64
}

// Proposer drafts a package into out.
type Proposer interface {
	Propose(d *Draft, out []float64)
}

// ConcedingMediator moves from its own ideal towards the signatories' target
// as it concedes, then clamps the package into the signatories' red lines
// (where they leave a feasible interval) and finally its own.
type ConcedingMediator struct{}

// Propose implements Proposer.
func (ConcedingMediator) Propose(d *Draft, out []float64) {
	for k := range out {
		m := d.Own[k]
		if math.IsNaN(m) {
			m = d.Target[k]
		}
		x := m + d.Conceded*(d.Target[k]-m)
		if d.Lo[k] <= d.Hi[k] {
			x = min(max(x, d.Lo[k]), d.Hi[k])
		}
		out[k] = min(max(x, d.OwnLo[k]), d.OwnHi[k])
	}
}

var proposers = map[string]Proposer{"conceding": ConcedingMediator{}}

// RegisterProposer makes p selectable by name.
func RegisterProposer(name string, p Proposer) { proposers[name] = p }

// LookupProposer returns the proposer registered under name; "" is
// conceding.
func LookupProposer(name string) (Proposer, error) {
	if name == "" {
		name = "conceding"
	}
	if p, ok := proposers[name]; ok {
		return p, nil
	}
	names := sortedNames(proposers)
	return nil, fmt.Errorf("unknown proposer %q; known: %s", name, strings.Join(names, ", "))
}
