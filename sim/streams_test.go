package sim_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// Each parameter, table, linkage and shock draws from its own stream, keyed
// by its name (docs/MODEL.md §4.2): changing one parameter's distribution
// leaves every other parameter's draw unchanged, and a second table that
// does not interact with the first leaves the first table's negotiation
// unchanged.
func TestComponentStreams(t *testing.T) {
	// Two independent tables: a and b at tab, c alone at other.
	doc := `name: streams
horizon: 12
actors:
  m:
    power: {value: 1, assumption: t}
    positions:
      x: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}}
      y: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}}
    tables:
      tab: {concession: {e: {value: 1, assumption: t}}}
      other: {concession: {e: {value: 1, assumption: t}}}
  a:
    power: {uniform: [0.5, 2], assumption: t}
    positions: {x: {ideal: {uniform: [0, 50], assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {tab: {reservation: {uniform: [0.4, 0.9], assumption: t}, noise: {value: 0.05, assumption: t}}}
  b:
    power: {uniform: [0.5, 2], assumption: t}
    positions: {x: {ideal: {uniform: [50, 100], assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {tab: {reservation: {uniform: [0.4, 0.9], assumption: t}, noise: {value: 0.05, assumption: t}}}
  c:
    power: {value: 1, assumption: t}
    positions: {y: {ideal: {value: 0, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {other: {reservation: {uniform: [0.2, 0.9], assumption: t}, noise: {value: 0.05, assumption: t}}}
issues:
  x: {table: tab, status_quo: {value: 0, assumption: t}}
  y: {table: other, status_quo: {value: 0, assumption: t}}
tables:
  tab: {protocol: mediated, mediator: m, signatories: [a, b]}
  other: {protocol: mediated, mediator: m, signatories: [c], disabled: DISABLED}
outcomes:
  deal: {table: tab}
`
	build := func(disabled, aRes string) *sim.Model {
		d := strings.Replace(doc, "DISABLED", disabled, 1)
		d = strings.Replace(d, "reservation: {uniform: [0.4, 0.9], assumption: t}, noise: {value: 0.05, assumption: t}}}\n  b:", "reservation: "+aRes+", noise: {value: 0.05, assumption: t}}}\n  b:", 1)
		s, err := models.Parse("streams.yaml", []byte(d))
		require.NoError(t, err)
		m, err := sim.Compile(s)
		require.NoError(t, err)
		return m
	}
	base := build("false", "{uniform: [0.4, 0.9], assumption: t}")
	without := build("true", "{uniform: [0.4, 0.9], assumption: t}")
	moved := build("false", "{triangular: [0.4, 0.5, 0.9], assumption: t}")
	resA := indexOf(base.ParamNames(), "actors.a.tables.tab.reservation")
	stB, stW, stM := sim.NewState(base), sim.NewState(without), sim.NewState(moved)
	for i := range 500 {
		s1, s2 := sim.Stream(1, "streams", uint64(i))
		rb := stB.Run(s1, s2, nil)
		pb, deal, final := append([]float64(nil), rb.Params...), rb.OutcomeRound[0], rb.Final[0]
		rw := stW.Run(s1, s2, nil)
		// Disabling the other table changes nothing at tab.
		assert.Equal(t, pb, rw.Params, "replicate %d: parameters", i)
		assert.Equal(t, deal, rw.OutcomeRound[0], "replicate %d: the deal at tab", i)
		assert.Equal(t, final, rw.Final[0], "replicate %d: x", i)
		// Another distribution for a's reservation changes that draw only.
		rm := stM.Run(s1, s2, nil)
		for k := range pb {
			if k != resA {
				assert.Equal(t, pb[k], rm.Params[k], "replicate %d: %s", i, base.ParamNames()[k])
			}
		}
	}
}
