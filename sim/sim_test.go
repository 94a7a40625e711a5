package sim_test

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/agents"
	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// one builds a one-table scenario: mediator m offers issue x (m's ideal
// 100) to signatory a, who accepts by threshold when its reservation allows;
// extra YAML is appended under the given top-level sections.
func one(t *testing.T, horizon int, aRes float64, ratify, institutions, linkages, shocks string) *sim.Model {
	t.Helper()
	doc := fmt.Sprintf(`name: one
horizon: %d
actors:
  m:
    power: {value: 1, assumption: t}
    positions: {x: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {tab: {concession: {e: {value: 1, assumption: t}}, max_concession: {value: 0, assumption: t}}}
  a:
    power: {value: 1, assumption: t}
    positions: {x: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {tab: {reservation: {value: %g, assumption: t}, rule: threshold}}
  b:
    power: {value: 1, assumption: t}
    positions: {x: {ideal: {value: 0, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {tab: {reservation: {value: 0.5, assumption: t}, rule: threshold}}
  c:
    power: {value: 1, assumption: t}
    positions: {x: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {tab: {reservation: {value: 0.5, assumption: t}, rule: threshold}}
issues:
  x: {table: tab, status_quo: {value: 0, assumption: t}}
tables:
  tab: {protocol: mediated, mediator: m, signatories: [a], ratify: [%s]}
institutions:
%s
linkages:
%s
shocks:
%s
outcomes:
  deal: {table: tab}
`, horizon, aRes, ratify, institutions, linkages, shocks)
	s, err := models.Parse("one.yaml", []byte(doc))
	require.NoError(t, err)
	m, err := sim.Compile(s)
	require.NoError(t, err)
	return m
}

// share runs n replicates and returns the share reaching outcome 0.
func share(m *sim.Model, n int) float64 {
	st := sim.NewState(m)
	k := 0
	for i := range n {
		s1, s2 := sim.Stream(1, "test", uint64(i))
		if st.Run(s1, s2, nil).OutcomeRound[0] >= 0 {
			k++
		}
	}
	return float64(k) / float64(n)
}

// within asserts that the estimate lies within 4.5 binomial standard errors
// of p: a false alarm has probability below 1e-5.
func within(t *testing.T, p, got float64, n int, msg string) {
	t.Helper()
	se := math.Sqrt(p * (1 - p) / float64(n))
	assert.InDelta(t, p, got, 4.5*se+1e-12, msg)
}

func TestInstitutions(t *testing.T) {
	const n = 20000
	for _, c := range []struct {
		name, inst string
		want       float64 // probability of passing in the single round
	}{
		// Members vote with fixed probabilities; consensus needs every yes.
		{"consensus all yes", `  i: {kind: consensus, members: [a, c]}`, 1},
		{"consensus one no", `  i: {kind: consensus, members: [a, b]}`, 0},
		{"consensus yes_prob", `  i: {kind: consensus, members: [a, c], yes_prob: {a: {value: 0.7, assumption: t}, c: {value: 0.6, assumption: t}}}`, 0.7 * 0.6},
		// Silence procedure: b objects but stays silent with probability 0.4,
		// so the decision passes with probability 0.4.
		{"consensus silence", `  i: {kind: consensus, members: [a, b], silence: true, silence_prob: {b: {value: 0.4, assumption: t}}}`, 0.4},
		{"consensus no silence", `  i: {kind: consensus, members: [a, b], silence: false}`, 0},
		// yes 0.5, else silent 0.5: passes with 0.5 + 0.5·0.5.
		{"consensus yes or silence", `  i: {kind: consensus, members: [a, c], silence: true, silence_prob: {c: {value: 0.5, assumption: t}}, yes_prob: {c: {value: 0.5, assumption: t}}}`, 0.75},
		// P5-style veto: any member blocks, and silence does not exist.
		{"veto none", `  i: {kind: veto, members: [a, c]}`, 1},
		{"veto one", `  i: {kind: veto, members: [a, b, c]}`, 0},
		{"veto probabilistic", `  i: {kind: veto, members: [a, c], yes_prob: {c: {value: 0.9, assumption: t}}}`, 0.9},
		// Referendum passes with its pass probability.
		{"referendum", `  i: {kind: referendum, pass: {value: 0.35, assumption: t}}`, 0.35},
		// With electorate a (U = 1, R = 0.5) and slope 2: logistic(logit(0.35) + 2·0.5).
		{"referendum slope", `  i: {kind: referendum, pass: {value: 0.35, assumption: t}, electorate: a, slope: {value: 2, assumption: t}}`,
			1 / (1 + math.Exp(-(math.Log(0.35/0.65) + 1)))},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := one(t, 1, 0.5, "i", c.inst, "", "")
			within(t, c.want, share(m, n), n, c.name)
		})
	}
}

func TestSignatoryAcceptance(t *testing.T) {
	// a's utility for x = 100 is 1; threshold rule: accepts iff 1 >= R.
	assert.Equal(t, 1.0, share(one(t, 1, 0.99, "", "", "", ""), 100))
	assert.Equal(t, 0.0, share(one(t, 1, 1.01, "", "", "", ""), 100))
}

func TestLinkages(t *testing.T) {
	const n = 20000
	for _, c := range []struct {
		name, inst, links, shocks string
		aRes, want                float64
	}{
		// A start linkage lowering a's reservation below its utility makes it
		// accept; it fires with probability 0.3.
		{"reservation", "", `  l: {when: {event: start}, prob: {value: 0.3, assumption: t}, effects: [{actor: a, table: tab, field: reservation, shift: {value: -0.5, assumption: t}}]}`, "", 1.2, 0.3},
		{"bonus", "", `  l: {when: {event: start}, effects: [{actor: a, table: tab, field: bonus, shift: {value: 0.3, assumption: t}}]}`, "", 1.2, 1},
		// Moving a's ideal to 0 makes x = 100 worth 0 < R.
		{"ideal", "", `  l: {when: {event: start}, effects: [{actor: a, issue: x, field: ideal, shift: {value: -100, assumption: t}}]}`, "", 0.5, 0},
		// Salience 0 on its only issue: indifferent, utility 1.
		{"salience", "", `  l: {when: {event: start}, effects: [{actor: b, issue: x, field: salience, shift: {value: -1, assumption: t}}]}`, "", 0.5, 1},
		{"silence", `  i: {kind: consensus, members: [a, b], silence: true, silence_prob: {b: {value: 0, assumption: t}}}`,
			`  l: {when: {event: start}, effects: [{actor: b, institution: i, field: silence, shift: {value: 0.6, assumption: t}}]}`, "", 0.5, 0.6},
		{"yes", `  i: {kind: veto, members: [a, c], yes_prob: {c: {value: 0.2, assumption: t}}}`,
			`  l: {when: {event: start}, effects: [{actor: c, institution: i, field: yes, shift: {value: 0.5, assumption: t}}]}`, "", 0.5, 0.7},
		{"pass", `  i: {kind: referendum, pass: {value: 0.2, assumption: t}}`,
			`  l: {when: {event: start}, effects: [{institution: i, field: pass, shift: {value: 0.3, assumption: t}}]}`, "", 0.5, 0.5},
		// A shock in round 0 (probability 1) blocks the table through round 2 of
		// a 3-round horizon: no deal.
		// Each rejection lowers a's reservation by 0.15 when the linkage
		// repeats: from 1.2, a accepts in the third round (1.2 - 2·0.15 <= 1);
		// once only, it never does.
		{"repeat", "", `  l: {when: {event: rejected, table: tab}, repeat: true, effects: [{actor: a, table: tab, field: reservation, shift: {value: -0.15, assumption: t}}]}`, "", 1.2, 1},
		{"once", "", `  l: {when: {event: rejected, table: tab}, effects: [{actor: a, table: tab, field: reservation, shift: {value: -0.15, assumption: t}}]}`, "", 1.2, 0},
		// A latent type drawn at the start (probability 0.3) conditions a
		// second linkage, which lowers a's reservation only for that type
		// (if) or only for the other (unless).
		{"if", "", `  t: {when: {event: start}, prob: {value: 0.3, assumption: t}}
  l: {when: {event: start}, if: [{event: linked, linkage: t}], effects: [{actor: a, table: tab, field: reservation, shift: {value: -0.5, assumption: t}}]}`, "", 1.2, 0.3},
		{"unless", "", `  t: {when: {event: start}, prob: {value: 0.3, assumption: t}}
  l: {when: {event: start}, unless: [{event: linked, linkage: t}], effects: [{actor: a, table: tab, field: reservation, shift: {value: -0.5, assumption: t}}]}`, "", 1.2, 0.7},
		{"block", "", `  l: {when: {event: shock, shock: s}, effects: [{table: tab, field: block, shift: {value: 2, assumption: t}}]}`,
			`  s: {per_round: {value: 1, assumption: t}, from: 0, to: 0}`, 0.5, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			ratify := ""
			if c.inst != "" {
				ratify = "i"
			}
			h := 1
			if c.name == "block" || c.name == "repeat" || c.name == "once" {
				h = 3
			}
			m := one(t, h, c.aRes, ratify, c.inst, c.links, c.shocks)
			within(t, c.want, share(m, n), n, c.name)
		})
	}
}

func TestGatedTableAndAgreedLinkage(t *testing.T) {
	m := mini(t, "base")
	st := sim.NewState(m)
	deal, side := indexOf(m.Outcomes, "deal"), indexOf(m.Outcomes, "side")
	for i := range 2000 {
		r := st.Run(3, uint64(i), nil)
		if r.OutcomeRound[side] >= 0 {
			// The side table opens one round (its delay) after the main
			// deal, at the earliest.
			require.Greater(t, r.OutcomeRound[side], r.OutcomeRound[deal], "replicate %d", i)
		}
	}
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

func mini(t testing.TB, variant string) *sim.Model {
	s, err := models.Load("testdata/mini.yaml")
	require.NoError(t, err)
	s, err = s.Resolve(variant)
	require.NoError(t, err)
	m, err := sim.Compile(s)
	require.NoError(t, err)
	return m
}

func TestDeterministic(t *testing.T) {
	m := mini(t, "base")
	a, b := sim.NewState(m), sim.NewState(m)
	for i := range 500 {
		s1, s2 := sim.Stream(42, "base", uint64(i))
		ra := a.Run(s1, s2, nil)
		got := append([]int(nil), ra.OutcomeRound...)
		fin := append([]float64(nil), ra.Final...)
		// Another state, after running something else, gives the same.
		b.Run(7, 7, nil)
		rb := b.Run(s1, s2, nil)
		require.Equal(t, got, rb.OutcomeRound)
		require.Equal(t, fin, rb.Final)
	}
}

func TestRunAllocatesNothing(t *testing.T) {
	m := mini(t, "base")
	st := sim.NewState(m)
	i := uint64(0)
	allocs := testing.AllocsPerRun(200, func() {
		i++
		st.Run(1, i, nil)
	})
	assert.Zero(t, allocs)

	// Every variant of the default scenario, under both readings.
	base, err := models.Default()
	require.NoError(t, err)
	for _, v := range append(base.VariantNames("policy"), "full-plan+advocate", "full-plan+sceptic") {
		s, err := base.Resolve(v)
		require.NoError(t, err)
		m, err := sim.Compile(s)
		require.NoError(t, err)
		st := sim.NewState(m)
		allocs := testing.AllocsPerRun(50, func() {
			i++
			st.Run(1, i, nil)
		})
		assert.Zero(t, allocs, v)
	}
}

func TestStreamDistinct(t *testing.T) {
	seen := map[[2]uint64]bool{}
	for _, key := range []string{"a", "b", "full-plan+sceptic"} {
		for i := range uint64(1000) {
			s1, s2 := sim.Stream(9, key, i)
			require.False(t, seen[[2]uint64{s1, s2}], "stream collision at %s/%d", key, i)
			seen[[2]uint64{s1, s2}] = true
		}
	}
}

// TestGoldenTrace pins the full trace of one replicate; run with -update
// after an intended change of the engine or of testdata/mini.yaml.
func TestGoldenTrace(t *testing.T) {
	for _, variant := range []string{"base", "soft"} {
		m := mini(t, variant)
		var buf bytes.Buffer
		tr := sim.NewTextTracer(m, &buf)
		s1, s2 := sim.Stream(7, variant, 0)
		sim.NewState(m).Run(s1, s2, tr)
		require.NoError(t, tr.Flush())
		path := filepath.Join("testdata", "trace-"+variant+".golden")
		if *update {
			require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, string(want), buf.String())
		assert.True(t, strings.Contains(buf.String(), "offer"))
	}
}

func TestWithFixed(t *testing.T) {
	m := mini(t, "base")
	slot, err := m.ParamIndex("linkages.hardliner.prob")
	require.NoError(t, err)
	m1 := m.WithFixed(slot, 1, "always a hardliner")
	// B never accepts at main when it is a hardliner: no deal ever.
	st := sim.NewState(m1)
	for i := range 300 {
		require.Less(t, st.Run(1, uint64(i), nil).OutcomeRound[0], 0)
	}
	_, err = m.ParamIndex("linkages.nope")
	assert.ErrorContains(t, err, "no parameter")
}

func BenchmarkRun(b *testing.B) {
	for _, c := range []struct{ name, file string }{{"mini", "testdata/mini.yaml"}} {
		b.Run(c.name, func(b *testing.B) {
			m := mini(b, "base")
			st := sim.NewState(m)
			i := uint64(0)
			for b.Loop() {
				i++
				st.Run(1, i, nil)
			}
		})
	}
	b.Run("default", func(b *testing.B) {
		s, err := models.Default()
		require.NoError(b, err)
		m, err := sim.Compile(s)
		require.NoError(b, err)
		st := sim.NewState(m)
		i := uint64(0)
		for b.Loop() {
			i++
			st.Run(1, i, nil)
		}
	})
}

// TestConcessionTable checks the engine's precomputed concession curve
// against the reference agents.Concession at every round.
func TestConcessionTable(t *testing.T) {
	m := mini(t, "base")
	for _, c := range []struct{ e, k float64 }{{0.5, 0}, {1, 0}, {2, 0.1}, {0.05, 0.3}, {30, 0}} {
		for r := 0; r <= m.Horizon; r++ {
			want := agents.Concession(float64(r)/float64(m.Horizon), c.e, c.k)
			assert.InDelta(t, want, sim.ConcessionAt(m, r, c.e, c.k), 1e-12, "e=%g k=%g r=%d", c.e, c.k, r)
		}
	}
	// Shapes fixed at a value are compiled into curves that hold the same
	// bits as the computed curve.
	curves := 0
	for slot, name := range m.ParamNames() {
		has, same := sim.CurveMatches(m, slot)
		assert.True(t, same, name)
		if has {
			curves++
			assert.True(t, strings.HasSuffix(name, ".concession.e"), name)
		}
	}
	assert.Positive(t, curves, "mini.yaml has fixed concession shapes")
}

// TestWithFixedKeepsOtherDraws checks that pinning one parameter leaves
// every other draw of a replicate unchanged (common random numbers).
func TestWithFixedKeepsOtherDraws(t *testing.T) {
	m := mini(t, "base")
	slot, err := m.ParamIndex("actors.a.positions.guard.salience")
	require.NoError(t, err)
	pinned := m.WithFixed(slot, 0.9, "test")
	a, b := sim.NewState(m), sim.NewState(pinned)
	for i := range uint64(200) {
		va := append([]float64(nil), a.Run(5, i, nil).Params...)
		vb := b.Run(5, i, nil).Params
		for k := range va {
			if k == slot {
				require.Equal(t, 0.9, vb[k])
				continue
			}
			require.Equal(t, va[k], vb[k], "replicate %d, %s", i, m.ParamNames()[k])
		}
	}
}

// fixedOffer is a Proposer that always offers the same package, to show
// that a modeler's own drafting rule is selected by name from the file.
type fixedOffer struct{ x float64 }

func (f fixedOffer) Propose(_ *agents.Draft, out []float64) {
	for k := range out {
		out[k] = f.x
	}
}

func TestCustomProposer(t *testing.T) {
	agents.RegisterProposer("test-fixed-42", fixedOffer{42})
	doc, err := os.ReadFile("testdata/mini.yaml")
	require.NoError(t, err)
	custom := strings.Replace(string(doc), "main: {concession: {e: {value: 1, assumption: linear}}}",
		"main: {concession: {e: {value: 1, assumption: linear}}, proposer: test-fixed-42}", 1)
	require.NotEqual(t, string(doc), custom)
	s, err := models.Parse("custom.yaml", []byte(custom))
	require.NoError(t, err)
	m, err := sim.Compile(s)
	require.NoError(t, err)
	st := sim.NewState(m)
	land := indexOf(m.Issues, "land")
	for i := range uint64(300) {
		r := st.Run(1, i, nil)
		if r.OutcomeRound[0] >= 0 {
			require.Equal(t, 42.0, r.Final[land])
		}
	}

	bad := strings.Replace(custom, "test-fixed-42", "no-such-rule", 1)
	// The validator reports it, with its line (models.CheckProposer).
	_, err = models.Parse("bad.yaml", []byte(bad))
	assert.ErrorContains(t, err, `bad.yaml:17: actors.med.tables.main.proposer: unknown proposer "no-such-rule"; known: conceding`)
}
