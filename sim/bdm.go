package sim

import (
	"math"

	"github.com/negsim/negsim/bdm"
)

// bdmTable is a table run by the Bueno de Mesquita expected-utility model
// (protocol bdm, docs/MODEL.md §3.11): its model and the scratch its
// players are loaded into.
type bdmTable struct {
	model   *bdm.Model
	actors  []bdm.Actor
	index   int // in Model.BDMTables
	started bool
	// The positions after the last two rounds and the last round's
	// median, to detect a two-round cycle; rounds counts the rounds run.
	prev1, prev2 []float64
	med1         float64
	rounds       int
}

// newBDMTables makes a model for every bdm table, sized for its players.
func newBDMTables(m *Model) []bdmTable {
	bt := make([]bdmTable, len(m.tables))
	for k, t := range m.BDMTables() {
		tb := &m.tables[t]
		bt[t].index = k
		bt[t].actors = make([]bdm.Actor, len(tb.players))
		bt[t].prev1, bt[t].prev2 = make([]float64, len(tb.players)), make([]float64, len(tb.players))
		for k, a := range tb.players {
			bt[t].actors[k] = bdm.Actor{Name: m.Actors[a], Capability: 1, Salience: 1}
		}
		model, err := bdm.New(bt[t].actors, bdm.Options{Lo: 0, Hi: 100})
		if err != nil {
			panic("sim: placeholder BDM actors rejected: " + err.Error()) // cannot happen: 3+ equal actors
		}
		bt[t].model = model
	}
	return bt
}

// BDMTables returns the indices of the tables run by the BDM model (protocol
// bdm with at least three players, not disabled), in table order.
func (m *Model) BDMTables() []int {
	var out []int
	for t := range m.tables {
		if tb := &m.tables[t]; tb.protocol == protoBDM && len(tb.players) >= 3 && !tb.disabled {
			out = append(out, t)
		}
	}
	return out
}

// stepBDM runs one BDM round at table t. In the table's first round the
// players' drawn power, ideal and salience on its issue start the model. The
// table agrees at the forecast, the capability×salience-weighted median of
// the positions, in the first round in which no player moves; when the
// positions return to those of two rounds before (a two-round cycle, which
// the model often falls into) it agrees at the mean of the cycle's two
// medians; otherwise it agrees at the median of the horizon's last round.
func (s *State) stepBDM(t, r int) {
	m := s.m
	tb, bt := &m.tables[t], &s.bdms[t]
	i := tb.issues[0]
	nI := len(m.Issues)
	if !bt.started {
		for k, a := range tb.players {
			p := a*nI + i
			bt.actors[k].Capability, bt.actors[k].Position, bt.actors[k].Salience = s.vals[m.actorPower[a]], s.ideal[p], s.sal[p]
		}
		if err := bt.model.Reset(bt.actors); err != nil {
			// Every player drew zero capability or salience: the model
			// has no forecast; the table takes no further step.
			s.blockedUntil[t] = m.Horizon
			if s.tr != nil {
				s.ev = blank(r, TraceBDM)
				s.ev.Table, s.ev.Accept = t, false
				s.tr.Trace(&s.ev)
			}
			return
		}
		bt.started, bt.rounds = true, 0
	}
	bt.model.Step()
	moved := false
	for k := range tb.players {
		if bt.model.Move(k).Kind != bdm.NoMove {
			moved = true
		}
	}
	mean, median := bt.model.Forecast()
	if k := bt.index*m.Horizon + r; k < len(s.res.BDMMean) {
		s.res.BDMMean[k], s.res.BDMMedian[k] = mean, median
	}
	pos := bt.model.Positions()
	cycle := moved && bt.rounds >= 2
	for k := range pos {
		cycle = cycle && math.Abs(pos[k]-bt.prev2[k]) <= 1e-9*max(1, math.Abs(pos[k]))
	}
	if s.tr != nil {
		s.ev = blank(r, TraceBDM)
		s.ev.Table, s.ev.Offer, s.ev.U, s.ev.R, s.ev.Accept, s.ev.Silent = t, pos, mean, median, moved, cycle
		s.tr.Trace(&s.ev)
	}
	forecast := median
	if cycle {
		forecast = (median + bt.med1) / 2
	}
	copy(bt.prev2, bt.prev1)
	copy(bt.prev1, pos)
	bt.med1 = median
	bt.rounds++
	if !moved || cycle || r == m.Horizon-1 {
		x := s.game.x[:1]
		x[0] = forecast
		s.settle(t, r, true, x)
	}
}
