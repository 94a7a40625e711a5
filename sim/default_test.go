package sim_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// tableEvents records, per table, the rounds of its first offer, first
// institutional decision and agreement.
type tableEvents struct {
	m                       *sim.Model
	firstDecision, agreedAt map[string]int
}

func (r *tableEvents) Trace(e *sim.TraceEvent) {
	if e.Table < 0 {
		return
	}
	name := r.m.Tables[e.Table]
	switch e.Kind {
	case sim.TraceDecision:
		if _, ok := r.firstDecision[name]; !ok {
			r.firstDecision[name] = e.Round
		}
	case sim.TraceAgreed:
		r.agreedAt[name] = e.Round
	}
}

// The default scenario's sequences hold in every replicate of the full plan,
// under every reading: the Ukrainian stages in seed 001's order (the interim
// ceasefire, then peacekeeping and guarantees, then the final status), and
// the Balkan order (the Belgrade-Pristina signing before any NAC decision on
// Kosovo's pathway and before Greek recognition, Greece before the other
// three). A stage that is not reached has no round.
func TestDefaultSequences(t *testing.T) {
	s, err := models.Default()
	require.NoError(t, err)
	for _, v := range []string{"full-plan", "full-plan+advocate", "full-plan+sceptic"} {
		r, err := s.Resolve(v)
		require.NoError(t, err)
		m, err := sim.Compile(r)
		require.NoError(t, err)
		st := sim.NewState(m)
		before := func(ev *tableEvents, first, then string, kind map[string]int) {
			t.Helper()
			at, ok := kind[then]
			if !ok {
				return
			}
			f, ok := ev.agreedAt[first]
			require.True(t, ok, "%s: %s happened in round %d without %s agreed", v, then, at, first)
			assert.Less(t, f, at, "%s: %s agreed in round %d, %s in round %d", v, first, f, then, at)
		}
		stages := 0
		for i := range 1500 {
			ev := &tableEvents{m: m, firstDecision: map[string]int{}, agreedAt: map[string]int{}}
			s1, s2 := sim.Stream(1, v, uint64(i))
			st.Run(s1, s2, ev)
			before(ev, "ukraine_interim", "ukraine_peacekeeping", ev.agreedAt)
			before(ev, "ukraine_interim", "ukraine_guarantees", ev.agreedAt)
			before(ev, "ukraine_interim", "donbas_final", ev.agreedAt)
			before(ev, "normalization", "kosovo_pathway", ev.firstDecision)
			before(ev, "normalization", "recognition_athens", ev.agreedAt)
			for _, later := range []string{"recognition_bucharest", "recognition_bratislava", "recognition_madrid"} {
				before(ev, "normalization", later, ev.agreedAt)
			}
			if _, ok := ev.agreedAt["ukraine_guarantees"]; ok {
				stages++
			}
		}
		assert.Positive(t, stages, "%s: some replicates reach the guarantee stage", v)
	}
}
