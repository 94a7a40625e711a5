package sim_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// thinDoc is a one-table game for thinned responses (docs/MODEL.md §3.13).
// Mediator m (ideal 100) concedes along F(r) = r/36 up to half the way to
// the signatories' weighted ideal; a (ideal 0) weighs 1, b (ideal 100)
// weighs 0.05, and each rejection raises the rejecter's weight by 5%. So
// every draft lies in [50, 100]: a's utility is at most 0.5, against a
// reservation of 0.72 with logit noise 0.05, a surplus of −4.4 noise units
// and a bound p̄ = 1/(1 + E₆(4.4)) ≈ 0.0144 (agents.Logit.TailBounds)
// under thinMax = 1/64, approached late in the run (the draft near 52,
// P(accept) ≈ 0.0075); b's utility is at least 0.5 against 0.25, a
// rejection bound 1/E₆(5) ≈ 0.0080. A shock in each round
// with probability 0.1 raises a's reservation by 0.002 (SHOCK), so the
// bounds are replanned and a dormant table wakes.
const thinDoc = `name: thin
horizon: 36
actors:
  m:
    power: {value: 1, assumption: t}
    positions: {x: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {tab: {concession: {e: {value: 1, assumption: t}}, max_concession: {value: 0.5, assumption: t}}}
  a:
    power: {value: 1, assumption: t}
    positions: {x: {ideal: {value: 0, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {tab: {reservation: {value: 0.72, assumption: t}, noise: {value: 0.05, assumption: t}}}
  b:
    power: {value: 0.05, assumption: t}
    positions: {x: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {tab: {reservation: {value: 0.25, assumption: t}, noise: {value: 0.05, assumption: t}}}
issues:
  x: {table: tab, status_quo: {value: 0, assumption: t}}
tables:
  tab: {protocol: mediated, mediator: m, signatories: [a, b], demand_gain: {value: 0.05, assumption: t}}
linkages:
  l: {when: {event: shock, shock: s}, repeat: true, effects: [{actor: a, table: tab, field: reservation, shift: {value: SHIFT, assumption: t}}]}
shocks:
  s: {per_round: {value: 0.1, assumption: t}, from: 0}
outcomes:
  deal: {table: tab}
`

func thinModel(t *testing.T, shift string) *sim.Model {
	t.Helper()
	s, err := models.Parse("thin.yaml", []byte(strings.Replace(thinDoc, "SHIFT", shift, 1)))
	require.NoError(t, err)
	m, err := sim.Compile(s)
	require.NoError(t, err)
	return m
}

// thinOutcomes runs n replicates and counts the round of agreement (index
// horizon: none) and, in ten bins of width 5 from 50, the agreed value.
func thinOutcomes(m *sim.Model, n int, seed uint64, setup func(*sim.State)) (rounds, values []float64, st *sim.State) {
	st = sim.NewState(m)
	if setup != nil {
		setup(st)
	}
	rounds, values = make([]float64, m.Horizon+1), make([]float64, 11)
	for i := range n {
		s1, s2 := sim.Stream(seed, "thin", uint64(i))
		res := st.Run(s1, s2, nil)
		r := res.OutcomeRound[0]
		if r < 0 {
			rounds[m.Horizon]++
			values[10]++
			continue
		}
		rounds[r]++
		values[min(max(int((res.Final[0]-50)/5), 0), 9)]++
	}
	return rounds, values, st
}

// TestThinnedLaw checks the thinned engine against the round-by-round one
// (40,000 replicates each, independent streams) by chi-square tests of
// homogeneity of the round of agreement and of the agreed value, and that
// the same test sees a deliberate error: candidates that accept 25% too
// often.
func TestThinnedLaw(t *testing.T) {
	const n = 40000
	m := thinModel(t, "0.002")
	thinR, thinV, st := thinOutcomes(m, n, 1, nil)
	stats := st.ThinStats()
	t.Logf("thinned engine: %+v; %.0f agreements", stats, float64(n)-thinR[m.Horizon])
	require.Greater(t, stats.Candidates, 1000, "candidates drawn")
	require.Greater(t, stats.Decided, 10000, "rounds decided without a draft")
	require.Greater(t, stats.Replayed, 1000, "rounds replayed by woken tables")
	perR, perV, _ := thinOutcomes(m, n, 2, sim.PerRound)
	for _, c := range []struct {
		name string
		a, b []float64
	}{{"round of agreement", thinR, perR}, {"agreed value", thinV, perV}} {
		chi2, df := homogeneity(c.a, c.b)
		t.Logf("%s, thinned against round by round: chi-square %.1f on %d df", c.name, chi2, df)
		if chi2 > critical(df) {
			t.Errorf("%s: chi-square %.1f on %d df exceeds %.1f", c.name, chi2, df, critical(df))
		}
	}
	tiltR, _, _ := thinOutcomes(m, n, 3, func(s *sim.State) { sim.TiltThinned(s, 0.25) })
	chi2, df := homogeneity(tiltR, perR)
	t.Logf("tilted by 25%%: chi-square %.1f on %d df", chi2, df)
	require.Greater(t, chi2, critical(df), "the test sees candidates that accept 25%% too often")
}

// TestThinnedBounds checks planThin's claim that a thinned signatory's
// probability never breaks its bound: in every variant of the default
// scenario, three compositions and the thinDoc game, every thinned
// response computes its probability, utility and reservation and
// compares.
func TestThinnedBounds(t *testing.T) {
	s, err := models.Default()
	require.NoError(t, err)
	checked := 0
	check := func(name string, m *sim.Model, n int) {
		st := sim.NewState(m)
		sim.VerifyThinned(st)
		for i := range uint64(n) {
			s1, s2 := sim.Stream(1, name, i)
			st.Run(s1, s2, nil)
		}
		err, k := sim.ThinnedErr(st)
		require.NoError(t, err, name)
		t.Logf("%s: %d thinned responses checked", name, k)
		checked += k
	}
	for _, v := range append(append([]string(nil), s.Variants.Keys...), "full-plan+advocate", "full-plan+sceptic", "partition+sceptic") {
		check(v, defaultModel(t, s, v), 300)
	}
	check("thin", thinModel(t, "0.002"), 2000)
	require.Greater(t, checked, 10000, "thinned responses checked")
}

// TestDormantReplicates checks that dormant tables change nothing: every
// bit of every result (outcome rounds and below-reservation flags, final
// values, parameters, rounds) is the same with and without dormancy, and
// the same in a trace, which runs every round, in every variant of the
// default scenario and the thinDoc game with and without waking shocks.
func TestDormantReplicates(t *testing.T) {
	s, err := models.Default()
	require.NoError(t, err)
	replayed := 0
	same := func(name string, m *sim.Model, n int) {
		plain, every, traced := sim.NewState(m), sim.NewState(m), sim.NewState(m)
		sim.NoDormant(every)
		for i := range uint64(n) {
			s1, s2 := sim.Stream(1, name, i)
			want := resultBits(plain.Run(s1, s2, nil))
			require.Equal(t, want, resultBits(every.Run(s1, s2, nil)), "%s, replicate %d, without dormancy", name, i)
			if i%10 == 0 {
				require.Equal(t, want, resultBits(traced.Run(s1, s2, &recorder{})), "%s, replicate %d, traced", name, i)
			}
		}
		replayed += plain.ThinStats().Replayed
		t.Logf("%s: %+v", name, plain.ThinStats())
	}
	for _, v := range append(append([]string(nil), s.Variants.Keys...), "full-plan+advocate", "full-plan+sceptic") {
		same(v, defaultModel(t, s, v), 1000)
	}
	same("thin", thinModel(t, "0.002"), 3000)
	same("thin, zero shift", thinModel(t, "0"), 1000)
	require.Greater(t, replayed, 1000, "rounds replayed by woken tables")
}

// defaultModel compiles variant v of the default scenario s.
func defaultModel(t *testing.T, s *models.Scenario, v string) *sim.Model {
	t.Helper()
	r, err := s.Resolve(v)
	require.NoError(t, err)
	m, err := sim.Compile(r)
	require.NoError(t, err)
	return m
}

// resultBits is every bit of a result.
func resultBits(r *sim.Result) []uint64 {
	var b []uint64
	for _, x := range r.OutcomeRound {
		b = append(b, uint64(x))
	}
	for _, x := range slices.Concat(r.Final, r.Params) {
		b = append(b, math.Float64bits(x))
	}
	for _, x := range r.BelowReservation {
		b = append(b, map[bool]uint64{true: 1}[x])
	}
	return append(b, uint64(r.Rounds))
}
