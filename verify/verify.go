package verify

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/models/games"
	"github.com/negsim/negsim/sim"
)

// Row is one grid point: the engine's value of a game's result and the
// closed form at parameter Param = X.
type Row struct {
	Game       string
	Param      string
	X          float64
	Engine     float64
	ClosedForm float64
	AbsError   float64
}

// Games, in the order Run reports them.
const (
	RubinsteinShare    = "rubinstein-share"  // first proposer's share against d2, d1 = 0.9, horizon 5000
	RubinsteinFinite   = "rubinstein-finite" // first proposer's share against the horizon T, d = 0.9
	BFProposer         = "bf-proposer"       // proposer's share against d, n = 5, q = 3
	BFPartner          = "bf-partner"        // a partner's share against d, n = 5, q = 3
	BFQuota            = "bf-quota"          // proposer's share against q, n = 5, d = 0.9
	TacticCrossing     = "tactic-crossing"   // Boulware player's share against the horizon
	WeightedMedianGame = "weighted-median"   // settled policy against e's salience
)

// Tolerance returns the largest absolute error the row may have, or NaN for
// an unknown game. The equilibrium games are exact up to rounding: 1e-9, far
// above the 1e-15 the computations reach. The tactics agree in the first round
// r with r/T at or after the continuous crossing t*, so r/T - t* < 1/T and the
// Boulware player's share, 1-t² or t, moves by less than 2t*/T < 1.3/T in
// that time: 2/T at horizon T = X.
func (r Row) Tolerance() float64 {
	switch r.Game {
	case RubinsteinShare, RubinsteinFinite, BFProposer, BFPartner, BFQuota, WeightedMedianGame:
		return 1e-9
	case TacticCrossing:
		return 2 / r.X
	}
	return math.NaN()
}

// Run runs the engine over every game's grid and returns engine against
// closed form, game by game. It stops early with ctx's error if ctx is done.
func Run(ctx context.Context) ([]Row, error) {
	var rows []Row
	for _, f := range []func(context.Context) ([]Row, error){rubinsteinShare, rubinsteinFinite, bfDiscount, bfQuota, tacticCrossing, weightedMedian} {
		r, err := f(ctx)
		if err != nil {
			return rows, err
		}
		rows = append(rows, r...)
	}
	return rows, nil
}

// WriteCSV writes rows as CSV with the header
// game,param,x,engine,closed_form,abs_error; numbers are written in full
// precision.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"game", "param", "x", "engine", "closed_form", "abs_error"}); err != nil {
		return err
	}
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, r := range rows {
		if err := cw.Write([]string{r.Game, r.Param, g(r.X), g(r.Engine), g(r.ClosedForm), g(r.AbsError)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// game is one compiled game and the knobs the grids turn.
type game struct {
	sc *models.Scenario
}

func load(name string) (*game, error) {
	sc, err := games.Load(name)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	return &game{sc: sc}, nil
}

// run compiles the game with horizon (0: the file's) and quota (0: the
// file's), fixes the parameters given as path, value pairs and runs one
// replicate from stream (seed, i).
func (g *game) run(horizon, quota int, i uint64, fixed ...any) (*sim.Model, *sim.Result, error) {
	c := *g.sc
	if horizon > 0 {
		c.Horizon = horizon
	}
	if quota > 0 {
		c.Tables.Vals = append([]models.Table(nil), c.Tables.Vals...)
		c.Tables.Vals[0].Quota = quota
	}
	m, err := sim.Compile(&c)
	if err != nil {
		return nil, nil, fmt.Errorf("verify: %w", err)
	}
	for k := 0; k+1 < len(fixed); k += 2 {
		slot, err := m.ParamIndex(fixed[k].(string))
		if err != nil {
			return nil, nil, fmt.Errorf("verify %s: %w", g.sc.Name, err)
		}
		m = m.WithFixed(slot, fixed[k+1].(float64), "verification grid")
	}
	a, b := sim.Stream(1, "verify/"+g.sc.Name, i)
	res := sim.NewState(m).Run(a, b, nil)
	if res.OutcomeRound[0] < 0 {
		return m, res, fmt.Errorf("verify %s: no agreement within %d rounds", g.sc.Name, m.Horizon)
	}
	return m, res, nil
}

func row(game, param string, x, engine, closed float64) Row {
	return Row{Game: game, Param: param, X: x, Engine: engine, ClosedForm: closed, AbsError: math.Abs(engine - closed)}
}

// Rubinstein (1982): the first proposer's share is (1-d2)/(1-d1 d2).
func rubinsteinShare(ctx context.Context) ([]Row, error) {
	g, err := load("rubinstein.yaml")
	if err != nil {
		return nil, err
	}
	const d1 = 0.9
	var rows []Row
	for _, d2 := range []float64{0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99} {
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		_, res, err := g.run(0, 0, 0, "actors.a.tables.pie.discount", d1, "actors.b.tables.pie.discount", d2)
		if err != nil {
			return rows, err
		}
		rows = append(rows, row(RubinsteinShare, "d2", d2, res.Final[0]/100, (1-d2)/(1-d1*d2)))
	}
	return rows, nil
}

// Finite horizon T, common d: the first proposer's share is
// (1-(-d)^T)/(1+d), T counting the rounds in which an offer can be made.
func rubinsteinFinite(ctx context.Context) ([]Row, error) {
	g, err := load("rubinstein.yaml")
	if err != nil {
		return nil, err
	}
	const d = 0.9
	var rows []Row
	for T := 1; T <= 20; T++ {
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		_, res, err := g.run(T, 0, 0, "actors.a.tables.pie.discount", d, "actors.b.tables.pie.discount", d)
		if err != nil {
			return rows, err
		}
		rows = append(rows, row(RubinsteinFinite, "horizon", float64(T), res.Final[0]/100, (1-math.Pow(-d, float64(T)))/(1+d)))
	}
	return rows, nil
}

// bfShares returns the proposer's share (the largest) and a partner's (the
// smallest positive other, NaN when there is none) of a Baron–Ferejohn
// division.
func bfShares(final []float64) (proposer, partner float64) {
	ip := 0
	for j, x := range final {
		if x > final[ip] {
			ip = j
		}
	}
	partner = math.NaN()
	for j, x := range final {
		if j != ip && x > 0 && (math.IsNaN(partner) || x/100 < partner) {
			partner = x / 100
		}
	}
	return final[ip] / 100, partner
}

func bfFixed(d float64, n int) []any {
	var f []any
	for j := 1; j <= n; j++ {
		f = append(f, fmt.Sprintf("actors.p%d.tables.house.discount", j), d)
	}
	return f
}

// Baron & Ferejohn (1989): the proposer keeps 1-d(q-1)/n, partners get d/n.
func bfDiscount(ctx context.Context) ([]Row, error) {
	g, err := load("baron_ferejohn.yaml")
	if err != nil {
		return nil, err
	}
	n, q := len(g.sc.Tables.Vals[0].Players), g.sc.Tables.Vals[0].Quota
	var prop, part []Row
	for i, d := range []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1} {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		_, res, err := g.run(0, 0, uint64(i), bfFixed(d, n)...)
		if err != nil {
			return nil, err
		}
		p, s := bfShares(res.Final)
		prop = append(prop, row(BFProposer, "discount", d, p, 1-d*float64(q-1)/float64(n)))
		part = append(part, row(BFPartner, "discount", d, s, d/float64(n)))
	}
	return append(prop, part...), nil
}

func bfQuota(ctx context.Context) ([]Row, error) {
	g, err := load("baron_ferejohn.yaml")
	if err != nil {
		return nil, err
	}
	n := len(g.sc.Tables.Vals[0].Players)
	const d = 0.9
	var rows []Row
	for q := 1; q <= n; q++ {
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		_, res, err := g.run(0, q, uint64(q), bfFixed(d, n)...)
		if err != nil {
			return rows, err
		}
		p, _ := bfShares(res.Final)
		rows = append(rows, row(BFQuota, "quota", float64(q), p, 1-d*float64(q-1)/float64(n)))
	}
	return rows, nil
}

// Two tactics with e = 0.5 and e = 1 meet at t* = (√5-1)/2, where the
// Boulware player holds t*.
func tacticCrossing(ctx context.Context) ([]Row, error) {
	g, err := load("tactic.yaml")
	if err != nil {
		return nil, err
	}
	tStar := (math.Sqrt(5) - 1) / 2
	var rows []Row
	for _, T := range []int{10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000} {
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		_, res, err := g.run(T, 0, 0)
		if err != nil {
			return rows, err
		}
		rows = append(rows, row(TacticCrossing, "horizon", float64(T), res.Final[0]/100, tStar))
	}
	return rows, nil
}

// Black (1948): majority rule settles at the median of the ideals weighted
// by power × salience. The grid leaves out s = 0.4 and 0.8, where the ideals
// on one side hold exactly half the weight: the median is then an interval,
// every point of which is undefeated.
func weightedMedian(ctx context.Context) ([]Row, error) {
	g, err := load("median.yaml")
	if err != nil {
		return nil, err
	}
	var rows []Row
	for i, s := range []float64{0.05, 0.1, 0.2, 0.3, 0.45, 0.5, 0.6, 0.7, 0.75, 0.9, 1} {
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		m, res, err := g.run(0, 0, uint64(i), "actors.e.positions.policy.salience", s)
		if err != nil {
			return rows, err
		}
		rows = append(rows, row(WeightedMedianGame, "salience_e", s, res.Final[0], median(m, res)))
	}
	return rows, nil
}

// median returns the weighted median of the majority table's ideals with
// weights power × salience, from the replicate's parameter values: the ideal
// with less than half the total weight strictly on either side; NaN when an
// exact half split makes the median an interval.
func median(m *sim.Model, res *sim.Result) float64 {
	sc := m.Scenario
	val := func(path string) float64 {
		slot, err := m.ParamIndex(path)
		if err != nil {
			return math.NaN()
		}
		return res.Params[slot]
	}
	issue := sc.Issues.Keys[0]
	var ideal, w []float64
	var total float64
	for _, a := range sc.Tables.Vals[0].Players {
		ideal = append(ideal, val("actors."+a+".positions."+issue+".ideal"))
		w = append(w, val("actors."+a+".power")*val("actors."+a+".positions."+issue+".salience"))
		total += w[len(w)-1]
	}
	for _, x := range ideal {
		var left, right float64
		for j, y := range ideal {
			if y < x {
				left += w[j]
			} else if y > x {
				right += w[j]
			}
		}
		if left < total/2 && right < total/2 {
			return x
		}
	}
	return math.NaN()
}
