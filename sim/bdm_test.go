package sim_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/bdm"
	"github.com/negsim/negsim/sim"
)

// The engine's bdm protocol on the worked example (models/games/
// bdm_eu_emissions.yaml) reproduces, round by round, the bdm package run on
// the same actors: the package itself is verified against the published
// replication's ten rounds in bdm/bdm_test.go. The data here repeat the
// game file (Bueno de Mesquita 1994, p. 78; bdm/testdata/eu_emissions.csv).
func TestBDMProtocolMatchesPackage(t *testing.T) {
	s := loadGame(t, "bdm_eu_emissions.yaml")
	m, err := sim.Compile(s)
	require.NoError(t, err)
	_, rec := trace(m, 1)

	actors := []bdm.Actor{
		{Name: "Netherlands", Capability: 0.08, Position: 4, Salience: 0.8}, {Name: "Belgium", Capability: 0.08, Position: 7, Salience: 0.4}, {Name: "Luxembourg", Capability: 0.03, Position: 4, Salience: 0.2},
		{Name: "Germany", Capability: 0.16, Position: 4, Salience: 0.8}, {Name: "France", Capability: 0.16, Position: 10, Salience: 0.6}, {Name: "Italy", Capability: 0.16, Position: 10, Salience: 0.6},
		{Name: "UK", Capability: 0.16, Position: 10, Salience: 0.9}, {Name: "Ireland", Capability: 0.05, Position: 7, Salience: 0.1}, {Name: "Denmark", Capability: 0.05, Position: 4, Salience: 1.0}, {Name: "Greece", Capability: 0.08, Position: 7, Salience: 0.7},
	}
	ref, err := bdm.New(actors, bdm.Options{Lo: 0, Hi: 100})
	require.NoError(t, err)
	rounds := 0
	for _, e := range rec.evs {
		if e.Kind != sim.TraceBDM {
			continue
		}
		ref.Step()
		mean, median := ref.Forecast()
		assert.Equal(t, ref.Positions(), e.Offer, "round %d positions", e.Round)
		assert.Equal(t, mean, e.U, "round %d mean", e.Round)
		assert.Equal(t, median, e.R, "round %d median", e.Round)
		rounds++
	}
	assert.Equal(t, 10, rounds, "someone moves in every round of the example, so the table runs to the horizon")
	_, median := ref.Forecast()
	agreed := rec.evs[findKind(rec, sim.TraceAgreed)]
	assert.Equal(t, 9, agreed.Round)
	assert.Equal(t, []float64{median}, agreed.Offer, "the table settles at the weighted median")
}

// A bdm table allocates nothing per replicate (its model is reused).
func TestBDMAllocatesNothing(t *testing.T) {
	m, err := sim.Compile(loadGame(t, "bdm_eu_emissions.yaml"))
	require.NoError(t, err)
	st := sim.NewState(m)
	i := uint64(0)
	assert.Zero(t, testing.AllocsPerRun(100, func() { i++; st.Run(1, i, nil) }))
}
