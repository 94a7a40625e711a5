package sim_test

import (
	"math"
	"strings"
	"testing"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
	"github.com/negsim/negsim/stats"
)

// loadGame loads a textbook game from models/games through the same loader as
// any scenario.
func loadGame(t testing.TB, name string) *models.Scenario {
	t.Helper()
	sc, err := models.Load("../models/games/" + name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return sc
}

// compileGame compiles sc with horizon T (0 keeps the file's) and the
// parameters in fixed set to constants.
func compileGame(t testing.TB, sc *models.Scenario, horizon int, fixed map[string]float64) *sim.Model {
	t.Helper()
	c := *sc
	if horizon > 0 {
		c.Horizon = horizon
	}
	m, err := sim.Compile(&c)
	if err != nil {
		t.Fatalf("compile %s: %v", sc.Name, err)
	}
	for path, v := range fixed {
		slot, err := m.ParamIndex(path)
		if err != nil {
			t.Fatal(err)
		}
		m = m.WithFixed(slot, v, "test grid")
	}
	return m
}

// gameShare returns issue id's final value as a share of the pie (0–1).
func gameShare(t testing.TB, m *sim.Model, res *sim.Result, id string) float64 {
	t.Helper()
	for i, n := range m.Issues {
		if n == id {
			return res.Final[i] / 100
		}
	}
	t.Fatalf("no issue %s", id)
	return 0
}

// TestRubinstein checks the alternating protocol with spe players against
// Rubinstein (1982), "Perfect equilibrium in a bargaining model",
// Econometrica 50:97–109, Theorem p. 107: the first proposer's share is
// (1-d2)/(1-d1 d2), agreed in round 0. The scenario's horizon of 5000 rounds
// leaves a truncation error of at most (d1 d2)^2500 < 1e-20 for d ≤ 0.99.
func TestRubinstein(t *testing.T) {
	sc := loadGame(t, "rubinstein.yaml")
	for i, c := range []struct{ d1, d2 float64 }{
		{0.9, 0.9}, {0.9, 0.8}, {0.8, 0.9}, {0.5, 0.95}, {0.99, 0.95}, {0.3, 0.7}, {0.99, 0.99}, {0.1, 0.1},
	} {
		m := compileGame(t, sc, 0, map[string]float64{
			"actors.a.tables.pie.discount": c.d1, "actors.b.tables.pie.discount": c.d2})
		res := sim.NewState(m).Run(1, 1, nil)
		want := (1 - c.d2) / (1 - c.d1*c.d2)
		got := gameShare(t, m, res, "share_a")
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("case %d (d1=%g, d2=%g): first proposer's share %.12f, want (1-d2)/(1-d1d2) = %.12f", i, c.d1, c.d2, got, want)
		}
		if gb := gameShare(t, m, res, "share_b"); math.Abs(got+gb-1) > 1e-12 {
			t.Errorf("case %d: shares sum to %.15f, want 1", i, got+gb)
		}
		if res.OutcomeRound[0] != 0 {
			t.Errorf("case %d: agreed in round %d, want 0 (immediate agreement)", i, res.OutcomeRound[0])
		}
	}
}

// TestRubinsteinFinite checks backward induction with a deadline. Convention:
// the horizon T is the number of rounds in which an offer can be made, rounds
// 0..T-1, a proposing in even rounds; after round T-1 both get nothing. With
// a common d the first proposer's share is (1-(-d)^T)/(1+d) (Rubinstein 1982,
// §2; Osborne & Rubinstein 1990, Bargaining and Markets, §3.11): T = 1 is
// the ultimatum game (share 1), T = 2 gives 1-d, T = 3 gives 1-d+d².
func TestRubinsteinFinite(t *testing.T) {
	sc := loadGame(t, "rubinstein.yaml")
	for _, d := range []float64{0.5, 0.9, 0.99} {
		for _, T := range []int{1, 2, 3, 4, 5, 10, 11, 50, 51} {
			m := compileGame(t, sc, T, map[string]float64{
				"actors.a.tables.pie.discount": d, "actors.b.tables.pie.discount": d})
			res := sim.NewState(m).Run(1, 1, nil)
			want := (1 - math.Pow(-d, float64(T))) / (1 + d)
			if got := gameShare(t, m, res, "share_a"); math.Abs(got-want) > 1e-9 {
				t.Errorf("d=%g T=%d: first proposer's share %.12f, want (1-(-d)^T)/(1+d) = %.12f", d, T, got, want)
			}
			if res.OutcomeRound[0] != 0 {
				t.Errorf("d=%g T=%d: agreed in round %d, want 0", d, T, res.OutcomeRound[0])
			}
		}
	}
}

// TestGamesAllocateNothing checks that a replicate of every game, and so
// stepGame, allocates nothing once the State exists.
func TestGamesAllocateNothing(t *testing.T) {
	for _, name := range gameFiles {
		sc := loadGame(t, name)
		m := compileGame(t, sc, 0, nil)
		st := sim.NewState(m)
		i := uint64(0)
		allocs := testing.AllocsPerRun(50, func() {
			i++
			st.Run(7, i, nil)
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per replicate, want 0", name, allocs)
		}
	}
}

var gameFiles = []string{"rubinstein.yaml"}

// TestCheckProtocols checks that a malformed game table is refused with an
// error naming the table or stance and the field, not a panic.
func TestCheckProtocols(t *testing.T) {
	base := `name: bad
horizon: 10
actors:
  a:
    power: {value: 1, assumption: t}
    positions: {share_a: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {pie: {STRAT_A}}
  b:
    power: {value: 1, assumption: t}
    positions: {share_b: {ideal: {value: 100, assumption: t}, salience: {value: 1, assumption: t}}}
    tables: {pie: {strategy: spe, discount: {value: 0.9, assumption: t}}}
issues:
  share_a: {table: pie, status_quo: {value: 0, assumption: t}}
  share_b: {table: pie, status_quo: {value: 0, assumption: t}}
  EXTRA
tables:
  pie: {protocol: PROTO, players: [a, b], quota: 2}
outcomes:
  deal: {table: pie}
`
	for i, c := range []struct {
		stratA, extra, proto string
		want                 string // substrings of the error; empty: compiles
	}{
		{"strategy: spe, discount: {value: 0.9, assumption: t}", "", "alternating", ""},
		{"strategy: spe", "", "alternating", "actors.a.tables.pie.discount: is required for strategy spe"},
		{"strategy: tactic, pmin: {value: 0, assumption: t}", "", "alternating", "actors.a.tables.pie.pmax: is required"},
		{"strategy: tactic, pmin: {value: 0, assumption: t}, pmax: {value: 1, assumption: t}", "", "alternating", "actors.a.tables.pie.concession.e: is required"},
		{"discount: {value: 0.9, assumption: t}", "", "legislative", "actors.a.tables.pie.strategy: is required for the legislative protocol"},
		{"strategy: spe, discount: {value: 0.9, assumption: t}", "share_c: {table: pie, status_quo: {value: 0, assumption: t}}", "alternating", "tables.pie: the alternating protocol divides a pie with one share issue per player; 2 players but 3 issues"},
		{"strategy: spe, discount: {value: 0.9, assumption: t}", "", "majority", "tables.pie: the majority protocol decides one issue"},
	} {
		src := strings.NewReplacer("STRAT_A", c.stratA, "EXTRA", c.extra, "PROTO", c.proto).Replace(base)
		sc, err := models.Parse("bad.yaml", []byte(src))
		if err != nil {
			t.Fatalf("case %d: parse: %v", i, err)
		}
		_, err = sim.Compile(sc)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("case %d: unexpected error %v", i, err)
		case c.want != "" && err == nil:
			t.Errorf("case %d: compiled, want error containing %q", i, c.want)
		case c.want != "" && !strings.Contains(err.Error(), c.want):
			t.Errorf("case %d: error %q, want it to contain %q", i, err, c.want)
		}
	}
}

var _ = stats.MeanCI
