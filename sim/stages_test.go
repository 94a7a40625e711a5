package sim_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// recorder keeps a copy of every traced event.
type recorder struct{ evs []sim.TraceEvent }

func (r *recorder) Trace(e *sim.TraceEvent) {
	c := *e
	c.Offer = append([]float64(nil), e.Offer...)
	c.Wanted = append([]float64(nil), e.Wanted...)
	r.evs = append(r.evs, c)
}

func (r *recorder) count(kind sim.TraceKind, keep func(*sim.TraceEvent) bool) int {
	n := 0
	for i := range r.evs {
		if r.evs[i].Kind == kind && (keep == nil || keep(&r.evs[i])) {
			n++
		}
	}
	return n
}

func compile(t *testing.T, doc string) *sim.Model {
	t.Helper()
	s, err := models.Parse("t.yaml", []byte(doc))
	require.NoError(t, err)
	m, err := sim.Compile(s)
	require.NoError(t, err)
	return m
}

func trace(m *sim.Model, seed uint64) (*sim.Result, *recorder) {
	rec := &recorder{}
	st := sim.NewState(m)
	res := st.Run(seed, 0, rec)
	return res, rec
}

// A veto fires the linkages that name the institution that cast it, and the
// unfiltered ones, never those that name another institution of the table.
// Table tab is ratified by i1 (c says yes) and then i2 (b vetoes): only i2
// casts a veto.
func TestVetoFiltersByInstitution(t *testing.T) {
	m := one(t, 1, 0.5, "i1, i2",
		`  i1: {kind: veto, members: [c]}
  i2: {kind: veto, members: [b]}`,
		`  by_i1: {when: {event: vetoed, table: tab, institution: i1}, effects: [{table: tab, field: block, shift: {value: 1, assumption: t}}]}
  by_i2: {when: {event: vetoed, table: tab, institution: i2}, effects: [{table: tab, field: block, shift: {value: 1, assumption: t}}]}
  any: {when: {event: vetoed, table: tab}, effects: [{table: tab, field: block, shift: {value: 1, assumption: t}}]}`, "")
	_, rec := trace(m, 1)
	fired := map[string]bool{}
	for _, e := range rec.evs {
		if e.Kind == sim.TraceLinkage {
			fired[m.Links[e.Linkage]] = true
		}
	}
	assert.Equal(t, map[string]bool{"by_i2": true, "any": true}, fired)
}

// A shock's window is from..to inclusive; without to it runs to the last
// round, and to: 0 is round 0 alone.
func TestShockWindow(t *testing.T) {
	for _, c := range []struct {
		name, window string
		rounds       []int
	}{
		{"round 1 only", "from: 1, to: 1", []int{1}},
		{"round 0 only", "from: 0, to: 0", []int{0}},
		{"open end", "from: 2", []int{2, 3, 4}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// a never accepts (reservation 2), so all five rounds run.
			m := one(t, 5, 2, "", "", "", `  s: {per_round: {value: 1, assumption: t}, `+c.window+`}`)
			_, rec := trace(m, 1)
			var got []int
			for _, e := range rec.evs {
				if e.Kind == sim.TraceShock {
					got = append(got, e.Round)
				}
			}
			assert.Equal(t, c.rounds, got)
		})
	}
}

// staged is a two-stage negotiation whose answer follows by hand. k and m
// agree at the interim table on who administers (issue admin), deferring the
// status (issue status) to a final table. Their red lines on the status do
// not overlap (k at most 40, m at least 60), so the status itself can never
// be agreed; at the interim table they do not apply.
//
// The mediator med offers admin = 50 (max_concession 0). With weight
// w = 0.5 and beliefs 20 (k) and 70 (m), §3.1 with deferrals gives
//
//	U_k = (1·(1−50/100) + 0.5·1·(1−20/100)) / (1 + 0.5) = 0.9/1.5  = 0.6
//	U_m = (1·(1−50/100) + 0.5·1·(1−30/100)) / (1 + 0.5) = 0.85/1.5 = 0.5666…
//
// so under the threshold rule k accepts iff R_k ≤ 0.6 and m iff R_m ≤ 0.5667.
const staged = `name: staged
horizon: 4
actors:
  med:
    power: {value: 1, assumption: t}
    positions:
      admin: {ideal: {value: 50, assumption: t}, salience: {value: 1, assumption: t}}
      status: {ideal: {value: 50, assumption: t}, salience: {value: 1, assumption: t}}
    tables:
      interim: {concession: {e: {value: 1, assumption: t}}, max_concession: {value: 0, assumption: t}}
      final: {concession: {e: {value: 1, assumption: t}}, max_concession: {value: 0, assumption: t}}
  k:
    power: {value: 1, assumption: t}
    positions:
      admin: {ideal: {value: 0, assumption: t}, salience: {value: 1, assumption: t}}
      status: {ideal: {value: 0, assumption: t}, salience: {value: 1, assumption: t}, max: {value: 40, assumption: t}}
    tables:
      interim: {reservation: {value: 0.59, assumption: t}, rule: threshold}
      final: {reservation: {value: 0, assumption: t}, rule: threshold}
  m:
    power: {value: 1, assumption: t}
    positions:
      admin: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}}
      status: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}, min: {value: 60, assumption: t}}
    tables:
      interim: {reservation: {value: RM, assumption: t}, rule: threshold}
      final: {reservation: {value: 0, assumption: t}, rule: threshold}
issues:
  admin: {table: interim, status_quo: {value: 0, assumption: t}}
  status: {table: final, status_quo: {value: 0, assumption: t}}
tables:
  interim:
    protocol: mediated
    mediator: med
    signatories: [k, m]
    defers:
      - issue: status
        weight: {value: 0.5, assumption: t}
        prospect: {value: 50, assumption: t}
        beliefs: {k: {value: 20, assumption: t}, m: {value: 70, assumption: t}}
  final:
    protocol: mediated
    mediator: med
    signatories: [k, m]
    opens: {after: [{event: agreed, table: interim}], delay: {value: 1, assumption: t}}
linkages:
LINKS
outcomes:
  interim: {table: interim}
  final: {table: final}
`

func stagedModel(t *testing.T, rm, links string) *sim.Model {
	doc := replace(staged, "RM", rm)
	return compile(t, replace(doc, "LINKS", links))
}

func replace(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	return s
}

func TestDeferredIssueByHand(t *testing.T) {
	res, rec := trace(stagedModel(t, "0.56", ""), 1)
	// Round 0: both responses carry the hand-computed utilities.
	var us []float64
	for _, e := range rec.evs {
		if e.Kind == sim.TraceResponse && e.Round == 0 {
			us = append(us, e.U)
		}
	}
	require.Len(t, us, 2)
	assert.InDelta(t, 0.6, us[0], 1e-12, "U_k")
	assert.InDelta(t, 0.85/1.5, us[1], 1e-12, "U_m")
	assert.Equal(t, 0, res.OutcomeRound[0], "interim agreed at once: the status red lines do not apply there")
	assert.Equal(t, -1, res.OutcomeRound[1], "the final status cannot be agreed: the red lines leave no package")
	// The final table opens in round 1 (agreement in round 0 plus a delay
	// of 1, §3.5) and its offer says why it fails; from round 2, when its
	// rejection has happened and changes nothing, it holds with P = 0
	// (§3.12).
	infeasible := rec.count(sim.TraceOffer, func(e *sim.TraceEvent) bool { return e.Infeasible })
	assert.Equal(t, 1, infeasible, "the final-status offer of round 1, flagged infeasible")
	holds := rec.count(sim.TraceHold, func(e *sim.TraceEvent) bool { return e.Round == 2 && e.P == 0 && e.Accept })
	assert.Equal(t, 1, holds, "the final table holds from round 2 with P = 0")
	assert.Equal(t, 0.0, res.Final[1], "the deferred status keeps its status quo")

	// m needs 0.5667: at 0.57 it never signs.
	res, _ = trace(stagedModel(t, "0.57", ""), 1)
	assert.Equal(t, -1, res.OutcomeRound[0])

	// A prospect shift lowers m's belief from 70 to 50: U_m = (0.5 + 0.25)/1.5 = 0.5 < 0.56.
	shift := `  gloom: {when: {event: start}, effects: [{table: interim, issue: status, actor: m, field: prospect, shift: {value: -20, assumption: t}}]}`
	res, rec = trace(stagedModel(t, "0.56", shift), 1)
	assert.Equal(t, -1, res.OutcomeRound[0])
	for _, e := range rec.evs {
		if e.Kind == sim.TraceResponse && e.Actor == 2 {
			assert.InDelta(t, 0.5, e.U, 1e-12)
		}
	}
	// Without actor the shift moves every belief: k's becomes 0, U_k = (0.5 + 0.5)/1.5.
	all := `  all: {when: {event: start}, effects: [{table: interim, issue: status, field: prospect, shift: {value: -20, assumption: t}}]}`
	_, rec = trace(stagedModel(t, "0.56", all), 1)
	assert.InDelta(t, 1/1.5, rec.evs[findResponse(rec, 1)].U, 1e-12)
}

func findResponse(r *recorder, actor int) int {
	for i, e := range r.evs {
		if e.Kind == sim.TraceResponse && e.Actor == actor {
			return i
		}
	}
	return -1
}

// A grouped referendum passes iff the share-weighted yes share exceeds the
// threshold, with no random draw.
func TestGroupedReferendum(t *testing.T) {
	logistic := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	for _, c := range []struct {
		name, inst string
		pass       bool
	}{
		// (3·0.4 + 1·0.8)/4 = 0.5, not above 0.5.
		{"tie fails", `  i: {kind: referendum, groups: {res: {share: {value: 3, assumption: t}, yes: {value: 0.4, assumption: t}}, dis: {share: {value: 1, assumption: t}, yes: {value: 0.8, assumption: t}}}}`, false},
		// (3·0.4 + 1·0.84)/4 = 0.51.
		{"passes", `  i: {kind: referendum, groups: {res: {share: {value: 3, assumption: t}, yes: {value: 0.4, assumption: t}}, dis: {share: {value: 1, assumption: t}, yes: {value: 0.84, assumption: t}}}}`, true},
		// Threshold 0.6: 0.51 fails.
		{"threshold", `  i: {kind: referendum, threshold: 0.6, groups: {res: {share: {value: 3, assumption: t}, yes: {value: 0.4, assumption: t}}, dis: {share: {value: 1, assumption: t}, yes: {value: 0.84, assumption: t}}}}`, false},
		// Electorate a (U = 1, R = 0.5), slope 2: residents' yes becomes
		// logistic(logit(0.4) + 1) = 0.644, so (3·0.644 + 0.8)/4 = 0.68.
		{"slope", `  i: {kind: referendum, groups: {res: {share: {value: 3, assumption: t}, yes: {value: 0.4, assumption: t}, electorate: a, slope: {value: 2, assumption: t}}, dis: {share: {value: 1, assumption: t}, yes: {value: 0.8, assumption: t}}}}`, 3*logistic(math.Log(0.4/0.6)+1)+0.8 > 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := one(t, 1, 0.5, "i", c.inst, "", "")
			want := 0.0
			if c.pass {
				want = 1
			}
			assert.Equal(t, want, share(m, 50))
		})
	}
	// A linkage shifts one group's yes share: displaced +0.04 turns the tie into a pass.
	m := one(t, 1, 0.5, "i", `  i: {kind: referendum, groups: {res: {share: {value: 3, assumption: t}, yes: {value: 0.4, assumption: t}}, dis: {share: {value: 1, assumption: t}, yes: {value: 0.8, assumption: t}}}}`,
		`  l: {when: {event: start}, effects: [{institution: i, group: dis, field: pass, shift: {value: 0.04, assumption: t}}]}`, "")
	assert.Equal(t, 1.0, share(m, 50))
}

// An outcome with conditions is reached only when all of them hold.
func TestOutcomeConditions(t *testing.T) {
	doc := replace(staged, "RM", "0.56")
	doc = replace(doc, "LINKS", "")
	for _, c := range []struct {
		cond string
		hit  bool
	}{
		{"[{issue: admin, min: 50, max: 50}]", true},
		{"[{issue: admin, min: 50}, {issue: status, max: 0}]", true},   // status still at its status quo
		{"[{issue: admin, min: 50}, {issue: status, min: 10}]", false}, // the status was never settled
		{"[{issue: admin, max: 49}]", false},
	} {
		d := replace(doc, "  interim: {table: interim}", "  interim: {table: interim, conditions: "+c.cond+"}")
		res, _ := trace(compile(t, d), 1)
		assert.Equal(t, c.hit, res.OutcomeRound[0] == 0, c.cond)
	}
}

// An agreement that a signatory accepted with utility below its reservation
// is flagged on the outcomes it reaches. a's utility is 1; with reservation
// 1.05 and logit noise 0.5 it accepts with probability 1/(1+e^0.1) = 0.475,
// always below its reservation; with reservation 0.9, always above.
func TestBelowReservation(t *testing.T) {
	doc := `name: below
horizon: 1
actors:
  m:
    power: {value: 1, assumption: t}
    positions: {x: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {tab: {concession: {e: {value: 1, assumption: t}}, max_concession: {value: 0, assumption: t}}}
  a:
    power: {value: 1, assumption: t}
    positions: {x: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {tab: {reservation: {value: RES, assumption: t}, noise: {value: 0.5, assumption: t}}}
issues:
  x: {table: tab, status_quo: {value: 0, assumption: t}}
tables:
  tab: {protocol: mediated, mediator: m, signatories: [a]}
outcomes:
  deal: {table: tab}
`
	for _, c := range []struct {
		res       string
		wantBelow bool
	}{{"1.05", true}, {"0.9", false}} {
		m := compile(t, replace(doc, "RES", c.res))
		st := sim.NewState(m)
		deals := 0
		for i := range 400 {
			s1, s2 := sim.Stream(1, "below", uint64(i))
			r := st.Run(s1, s2, nil)
			if r.OutcomeRound[0] >= 0 {
				deals++
				assert.Equal(t, c.wantBelow, r.BelowReservation[0])
			} else {
				assert.False(t, r.BelowReservation[0], "no agreement, no flag")
			}
		}
		assert.Greater(t, deals, 100, "reservation %s: the test needs agreements", c.res)
	}
}

// The trace reports an offer held at a signatory's red line: the mediator
// wants 100, a's red line caps x at 60.
// held is a one-table game: mediator m wants x = 100 and may not concede;
// a's red line caps x at 60. LINKS takes linkages.
const held = `name: held
horizon: 1
actors:
  m:
    power: {value: 1, assumption: t}
    positions: {x: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {tab: {concession: {e: {value: 1, assumption: t}}, max_concession: {value: 0, assumption: t}}}
  a:
    power: {value: 1, assumption: t}
    positions: {x: {ideal: {value: 0, assumption: t}, salience: {value: 1, assumption: t}, max: {value: 60, assumption: t}}}
    tables: {tab: {reservation: {value: 0, assumption: t}, rule: threshold}}
issues:
  x: {table: tab, status_quo: {value: 0, assumption: t}}
tables:
  tab: {protocol: mediated, mediator: m, signatories: [a]}
linkages:
LINKS
outcomes:
  deal: {table: tab}
`

func TestOfferHeldAtRedLine(t *testing.T) {
	doc := replace(held, "LINKS", "")
	_, rec := trace(compile(t, doc), 1)
	e := rec.evs[findKind(rec, sim.TraceOffer)]
	assert.Equal(t, []float64{100}, e.Wanted)
	assert.Equal(t, []float64{60}, e.Offer)
	assert.False(t, e.Infeasible)
}

func findKind(r *recorder, k sim.TraceKind) int {
	for i, e := range r.evs {
		if e.Kind == k {
			return i
		}
	}
	return -1
}

// A linkage can move a red line: a's max on x, 60, moves by +20 at the start,
// so the mediator's offer (it wants 100) is held at 80; a min shift on an
// issue without a min starts from the scale's end, 0.
func TestRedLineShift(t *testing.T) {
	doc := replace(held, "LINKS", "  l: {when: {event: start}, effects: [EFFECT]}")
	for _, c := range []struct {
		effect string
		offer  float64
	}{
		{"{actor: a, issue: x, field: max, shift: {value: 20, assumption: t}}", 80},
		{"{actor: a, issue: x, field: max, shift: {value: 50, assumption: t}}", 100}, // clamped to the scale
		{"{actor: m, issue: x, field: min, shift: {value: 70, assumption: t}}", 70},  // m had no min: 0 + 70; its own red lines are applied after the signatories' (§3.4), so 70, not a's 60
	} {
		_, rec := trace(compile(t, replace(doc, "EFFECT", c.effect)), 1)
		assert.Equal(t, c.offer, rec.evs[findKind(rec, sim.TraceOffer)].Offer[0], c.effect)
	}
}

// With clock: opened a table's concession curves start when it opens. The
// final table of the staged game opens in round 1; its mediator concedes
// linearly (e = 1) over the horizon of 4, so its conceded share in round r
// is r/4 on the round clock and (r − 1)/4 on the opened clock.
func TestClockOpened(t *testing.T) {
	for _, c := range []struct {
		clock string
		want  []float64 // conceded share in rounds 1, 2, 3
	}{{"", []float64{0.25, 0.5, 0.75}}, {"\n    clock: opened", []float64{0, 0.25, 0.5}}} {
		doc := replace(staged, "RM", "0.56")
		doc = replace(doc, "LINKS", "")
		doc = replace(doc, "final: {concession: {e: {value: 1, assumption: t}}, max_concession: {value: 0, assumption: t}}",
			"final: {concession: {e: {value: 1, assumption: t}}}")
		doc = replace(doc, "opens: {after: [{event: agreed, table: interim}], delay: {value: 1, assumption: t}}",
			"opens: {after: [{event: agreed, table: interim}], delay: {value: 1, assumption: t}}"+c.clock)
		m := compile(t, doc)
		_, rec := trace(m, 1)
		var got []float64
		for _, e := range rec.evs {
			if e.Kind == sim.TraceOffer && m.Tables[e.Table] == "final" {
				got = append(got, e.P)
			}
		}
		assert.InDeltaSlice(t, c.want, got, 1e-12, "clock %q", c.clock)
	}
}
