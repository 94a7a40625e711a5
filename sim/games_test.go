package sim_test

import (
	"fmt"
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

var gameFiles = []string{"rubinstein.yaml", "tactic.yaml", "baron_ferejohn.yaml", "median.yaml"}

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
  pie: {protocol: PROTO, players: [a, b]QUOTA}
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
		quota := "" // quota belongs to the legislative protocol alone
		if c.proto == "legislative" {
			quota = ", quota: 2"
		}
		src := strings.NewReplacer("STRAT_A", c.stratA, "EXTRA", c.extra, "PROTO", c.proto, "QUOTA", quota).Replace(base)
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

// TestTacticCrossing checks two time-dependent tactics (Faratin, Sierra &
// Jennings 1998, §4.2.1; the GENIUS time-dependent agents) with e_a = 0.5,
// e_b = 1, k = 0, Pmin = 0, Pmax = 1. Their targets 1-t² and 1-t become
// compatible where (1-t²) + (1-t) = 1, i.e. t² + t - 1 = 0, t* = (√5-1)/2 =
// 0.6180339887…, and a then holds 1-t*² = t* (anchors.md). The engine agrees
// in the first round r with r/T ≥ t*, so its error is O(1/T); by hand:
// T = 10 agrees at r = 7 (b proposes, a gets 0.7, error 0.082), T = 100 at
// r = 62 (a proposes, keeps 1-0.62² = 0.6156, error 0.0024), T = 1000 at
// r = 619 (a gets 0.619, error 0.00097), T = 10000 at r = 6181 (a gets
// 0.6181, error 0.000066).
func TestTacticCrossing(t *testing.T) {
	sc := loadGame(t, "tactic.yaml")
	tStar := (math.Sqrt(5) - 1) / 2
	prev := math.Inf(1)
	for _, T := range []int{10, 100, 1000, 10000} {
		m := compileGame(t, sc, T, nil)
		res := sim.NewState(m).Run(1, 1, nil)
		got := gameShare(t, m, res, "share_a")
		errShare := math.Abs(got - tStar)
		crossing := float64(res.OutcomeRound[0]) / float64(T)
		if d := crossing - tStar; d < 0 || d > 1/float64(T) {
			t.Errorf("T=%d: agreed at t=%g, want the first round at or after t*=%.10f", T, crossing, tStar)
		}
		if errShare >= prev {
			t.Errorf("T=%d: error %.3g of a's share did not shrink (previous %.3g)", T, errShare, prev)
		}
		if T == 10000 && errShare > 1e-3 {
			t.Errorf("T=%d: a's share %.6f, want within 1e-3 of t* = %.6f", T, got, tStar)
		}
		t.Logf("T=%5d: agreed at t=%.4f, a holds %.6f, error %.2g", T, crossing, got, errShare)
		prev = errShare
	}
}

// TestBaronFerejohn checks the legislative protocol against Baron & Ferejohn
// (1989), "Bargaining in legislatures", APSR 83:1181–1206, Proposition 2
// (closed rule, stationary equilibrium): with n players recognised with
// probability 1/n, quota q (proposer included) and discount d, the proposer
// keeps 1-d(q-1)/n, q-1 partners get d/n each, the others nothing, and the
// first proposal passes. q = n is unanimity, the NATO-consensus case; q = 1 a
// dictatorship of the proposer.
func TestBaronFerejohn(t *testing.T) {
	sc := loadGame(t, "baron_ferejohn.yaml")
	const n = 5
	for _, q := range []int{1, 2, 3, 4, 5} {
		for _, d := range []float64{0.5, 0.9, 0.99, 1} {
			c := *sc
			c.Tables.Vals[0].Quota = q
			fixed := map[string]float64{}
			for j := 1; j <= n; j++ {
				fixed[fmt.Sprintf("actors.p%d.tables.house.discount", j)] = d
			}
			m := compileGame(t, &c, 0, fixed)
			st := sim.NewState(m)
			wantProp, wantPart := 1-d*float64(q-1)/n, d/n
			for i := range uint64(20) {
				res := st.Run(3, i, nil)
				if res.OutcomeRound[0] != 0 {
					t.Fatalf("q=%d d=%g rep %d: agreed in round %d, want 0", q, d, i, res.OutcomeRound[0])
				}
				prop, part, zero := 0, 0, 0
				for _, x := range res.Final {
					switch x /= 100; {
					case math.Abs(x-wantProp) <= 1e-9:
						prop++
					case math.Abs(x-wantPart) <= 1e-9:
						part++
					case x == 0:
						zero++
					default:
						t.Errorf("q=%d d=%g rep %d: share %.12f is neither 1-d(q-1)/n = %.12f, d/n = %.12f nor 0", q, d, i, x, wantProp, wantPart)
					}
				}
				if q > 1 && math.Abs(wantProp-wantPart) > 1e-9 && (prop != 1 || part != q-1) {
					t.Errorf("q=%d d=%g rep %d: %d proposers and %d partners, want 1 and %d: %v", q, d, i, prop, part, q-1, res.Final)
				}
			}
		}
	}
}

// TestBaronFerejohnExpectedShare is a Monte Carlo over recognition: with
// equal recognition probabilities each player's expected share is 1/n
// (Baron & Ferejohn 1989: the ex ante value of the symmetric stationary
// equilibrium). Each player's mean over 20,000 replicates must contain 1/n
// in its 99% Student-t interval; the streams are fixed, so the check is
// deterministic (with independent seeds it would fail for about 1% of
// players).
func TestBaronFerejohnExpectedShare(t *testing.T) {
	sc := loadGame(t, "baron_ferejohn.yaml")
	const reps = 20000
	for _, q := range []int{3, 5} {
		c := *sc
		c.Tables.Vals[0].Quota = q
		m := compileGame(t, &c, 0, nil)
		st := sim.NewState(m)
		n := len(m.Issues)
		sum, sumSq := make([]float64, n), make([]float64, n)
		for i := range uint64(reps) {
			a, b := sim.Stream(20260101, "bf", i)
			res := st.Run(a, b, nil)
			for j, x := range res.Final {
				sum[j] += x / 100
				sumSq[j] += x / 100 * x / 100
			}
		}
		for j := range n {
			mean, lo, hi := stats.MeanCI(sum[j], sumSq[j], reps, 0.99)
			if 1.0/float64(n) < lo || 1.0/float64(n) > hi {
				t.Errorf("q=%d: %s's mean share %.5f, 99%% interval [%.5f, %.5f] excludes 1/n = %.5f", q, m.Issues[j], mean, lo, hi, 1.0/float64(n))
			}
		}
	}
}

// weightedMedian returns the point where the weight of the ideals on either
// side is less than half the total: the weighted median.
func weightedMedian(ideal, w []float64) float64 {
	var total float64
	for _, x := range w {
		total += x
	}
	for i, x := range ideal {
		var left, right float64
		for j, y := range ideal {
			if y < x {
				left += w[j]
			}
			if y > x {
				right += w[j]
			}
		}
		if left < total/2 && right < total/2 {
			return ideal[i]
		}
	}
	return math.NaN()
}

// TestWeightedMedian checks Black's (1948) median voter theorem with
// weights power × salience: the majority table settles at the weighted
// median of ideals. The file's own case, worked by hand in median.yaml:
// ideals 20, 35, 50, 65, 85, weights 1, 1, 1, 1, 5×0.5 = 2.5; total 6.5,
// cumulative 1, 2, 3 < 3.25 ≤ 4 at the fourth ideal: 65. The grid moves e's
// salience s (weight 5s), the median being the ideal with less than half
// the total weight strictly on either side:
//
//	s = 0.1: total 4.5, half 2.25; at 50 left 2, right 1.5   → 50
//	s = 0.3: total 5.5, half 2.75; at 50 left 2, right 2.5   → 50
//	s = 0.7: total 7.5, half 3.75; at 65 left 3, right 3.5   → 65
//	s = 1:   total 9,   half 4.5;  at 85 left 4, right 0     → 85
func TestWeightedMedian(t *testing.T) {
	sc := loadGame(t, "median.yaml")
	ideal := []float64{20, 35, 50, 65, 85}
	for _, c := range []struct{ salE, want float64 }{{0.5, 65}, {0.1, 50}, {0.3, 50}, {0.7, 65}, {1, 85}} {
		m := compileGame(t, sc, 0, map[string]float64{"actors.e.positions.policy.salience": c.salE})
		if wm := weightedMedian(ideal, []float64{1, 1, 1, 1, 5 * c.salE}); wm != c.want {
			t.Fatalf("salience %g: hand-computed median %g, helper says %g", c.salE, c.want, wm)
		}
		st := sim.NewState(m)
		for i := range uint64(200) {
			res := st.Run(5, i, nil)
			if res.OutcomeRound[0] < 0 {
				t.Fatalf("salience %g rep %d: did not settle in %d rounds", c.salE, i, m.Horizon)
			}
			if got := res.Final[0]; got != c.want {
				t.Errorf("salience %g rep %d: settled at %g, want the weighted median %g", c.salE, i, got, c.want)
			}
		}
	}
}

// BenchmarkGames times one replicate of each game: with spe players the
// first replicate solves the game, later ones reuse the cached values.
func BenchmarkGames(b *testing.B) {
	for _, name := range gameFiles {
		b.Run(strings.TrimSuffix(name, ".yaml"), func(b *testing.B) {
			m := compileGame(b, loadGame(b, name), 0, nil)
			st := sim.NewState(m)
			i := uint64(0)
			for b.Loop() {
				i++
				st.Run(9, i, nil)
			}
		})
	}
}
