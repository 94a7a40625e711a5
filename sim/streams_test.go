package sim_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// Each parameter, table, linkage and shock draws from its own stream, keyed
// by its name (docs/MODEL.md §4.2): changing one parameter's distribution
// leaves every other parameter's draw unchanged, and a second table that
// does not interact with the first leaves the first table's negotiation
// unchanged.
// streamsDoc has two independent tables: a and b at tab, c alone at
// other (DISABLED: whether other is disabled).
const streamsDoc = `name: streams
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

func TestComponentStreams(t *testing.T) {
	doc := streamsDoc
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

// TestUniformSlots checks the counter-based draw of uniform parameter
// slots (docs/MODEL.md §4.2) across 100,000 replicates of the model above:
// each slot's values follow its uniform law (one-sample Kolmogorov-Smirnov),
// and the slots are uncorrelated with each other and with the next
// replicate's values. The 27 tests share a family-wise level of 0.1%
// (Bonferroni: 3.7e-5 each), so the critical values are
// √(ln(2/3.7e-5)/2)/√n = 2.334/√n for D and 4.13/√n for |r|.
func TestUniformSlots(t *testing.T) {
	s, err := models.Parse("streams.yaml", []byte(strings.NewReplacer("DISABLED", "false").Replace(streamsDoc)))
	require.NoError(t, err)
	m, err := sim.Compile(s)
	require.NoError(t, err)
	names := m.ParamNames()
	slots := map[string][2]float64{
		"actors.a.power":                    {0.5, 2},
		"actors.b.power":                    {0.5, 2},
		"actors.a.tables.tab.reservation":   {0.4, 0.9},
		"actors.b.tables.tab.reservation":   {0.4, 0.9},
		"actors.a.positions.x.ideal":        {0, 50},
		"actors.c.tables.other.reservation": {0.2, 0.9},
	}
	const n = 100000
	u := map[string][]float64{}
	st := sim.NewState(m)
	for i := range n {
		s1, s2 := sim.Stream(7, "uniform", uint64(i))
		p := st.Run(s1, s2, nil).Params
		for name, r := range slots {
			k := indexOf(names, name)
			require.GreaterOrEqual(t, k, 0, name)
			u[name] = append(u[name], (p[k]-r[0])/(r[1]-r[0]))
		}
	}
	for name, x := range u {
		sorted := append([]float64(nil), x...)
		slices.Sort(sorted)
		d := 0.0
		for i, v := range sorted {
			d = max(d, math.Abs(float64(i+1)/n-v), math.Abs(v-float64(i)/n))
		}
		assert.Less(t, d, 2.334/math.Sqrt(n), "%s: Kolmogorov-Smirnov D", name)
		assert.Less(t, math.Abs(stat.Correlation(x[:n-1], x[1:], nil)), 4.13/math.Sqrt(n), "%s: replicate i against i+1", name)
		for other, y := range u {
			if other < name {
				assert.Less(t, math.Abs(stat.Correlation(x, y, nil)), 4.13/math.Sqrt(n), "%s against %s", name, other)
			}
		}
	}
}
