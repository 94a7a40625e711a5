package sim

import (
	"fmt"
	"math"
	"strings"

	"github.com/negsim/negsim/agents"
)

// The game protocols: alternating offers, closed-rule legislative bargaining
// and one-dimensional majority rule.
//
// Division games (alternating, legislative) divide a pie. The table has one
// issue per player, its share: 0–100 per cent of the pie, set on agreement.
// Each player has a position on exactly one of the table's issues, its own
// share (ideal 100, so that its utility is its share); its payoff is that
// issue's value / 100. Without agreement by the horizon the issues keep their
// status quo (zero in the textbook games). Majority tables have a single
// issue on which every player has a position.

// Game strategies.
const (
	stratSPE = iota
	stratTactic
)

// gameTable is one game table's working memory, allocated once per State.
type gameTable struct {
	share    []int // index into the table's issues of each player's share
	strategy []int // per player
	anySPE   bool

	// Inputs of the cached equilibrium values: they are recomputed when a
	// replicate draws different discounts, powers or status quo, or the
	// table opens in another round.
	d, end, pw []float64 // per player
	key        []float64
	open       int
	ready      bool

	v     []float64 // alternating: (rounds+1)*n values; legislative: n
	prob  []float64 // legislative: recognition probabilities
	cost  []float64 // legislative: d_j v_j
	work  []float64 // legislative: 2n
	order []int     // legislative: responders in random order
}

// gameScratch is the working memory of the game protocols.
type gameScratch struct {
	tables []gameTable
	x      []float64 // the package proposed, by table issue
}

func newGameScratch(m *Model) gameScratch {
	g := gameScratch{tables: make([]gameTable, len(m.tables)), x: make([]float64, max(m.maxIssues, 1))}
	nI, nT := len(m.Issues), len(m.Tables)
	for t := range m.tables {
		tb := &m.tables[t]
		if tb.protocol == protoMediated {
			continue
		}
		n := len(tb.players)
		gt := &g.tables[t]
		gt.share = make([]int, n)
		gt.strategy = make([]int, n)
		gt.d, gt.end, gt.pw = make([]float64, n), make([]float64, n), make([]float64, n)
		gt.key = make([]float64, 3*n)
		for k, a := range tb.players {
			gt.share[k] = none
			for j, i := range tb.issues {
				if m.pos[a*nI+i].has {
					gt.share[k] = j
					break
				}
			}
			if m.stances[a*nT+t].strategy == "tactic" {
				gt.strategy[k] = stratTactic
			} else {
				gt.anySPE = true
			}
		}
		switch tb.protocol {
		case protoAlternating:
			if gt.anySPE {
				gt.v = make([]float64, (m.Horizon+1)*n)
			}
		case protoLegislative:
			gt.v, gt.prob, gt.cost = make([]float64, n), make([]float64, n), make([]float64, n)
			gt.work, gt.order = make([]float64, 2*n), make([]int, n)
		}
	}
	return g
}

// stepGame runs one round of a game protocol.
func (s *State) stepGame(t, r int) {
	switch s.m.tables[t].protocol {
	case protoAlternating:
		s.stepAlternating(t, r)
	case protoLegislative:
		s.stepLegislative(t, r)
	case protoMajority:
		s.stepMajority(t, r)
	case protoBDM:
		s.stepBDM(t, r)
	}
}

// gameInputs loads the replicate's discounts, powers and status quo shares of
// table t's players and reports whether they (or the opening round) differ
// from those the cached values were computed for.
func (s *State) gameInputs(t int) (changed bool) {
	m := s.m
	tb, gt := &m.tables[t], &s.game.tables[t]
	n := len(tb.players)
	for k, a := range tb.players {
		st := &m.stances[a*len(m.Tables)+t]
		gt.d[k] = s.val(st.discount, 1)
		gt.pw[k] = s.vals[m.actorPower[a]]
		gt.end[k] = 0
		if gt.share[k] != none {
			gt.end[k] = s.pos[tb.issues[gt.share[k]]] / 100
		}
	}
	changed = !gt.ready || gt.open != s.openAt[t]
	for k := range n {
		if gt.key[k] != gt.d[k] || gt.key[n+k] != gt.end[k] || gt.key[2*n+k] != gt.pw[k] {
			changed = true
		}
		gt.key[k], gt.key[n+k], gt.key[2*n+k] = gt.d[k], gt.end[k], gt.pw[k]
	}
	gt.open, gt.ready = s.openAt[t], true
	return changed
}

// tacticTarget is player a's share target at table t in round r.
func (s *State) tacticTarget(a, t, r int) float64 {
	st := &s.m.stances[a*len(s.m.Tables)+t]
	return agents.TacticTarget(float64(r)/float64(s.m.Horizon), s.vals[st.e], s.val(st.k, 0), s.vals[st.pmin], s.vals[st.pmax])
}

// stepAlternating runs one round of alternating offers: the players propose
// in turn, starting with the first in the round the table opens, and every
// other player responds.
func (s *State) stepAlternating(t, r int) {
	m := s.m
	tb, gt := &m.tables[t], &s.game.tables[t]
	n := len(tb.players)
	if gt.anySPE && s.gameInputs(t) {
		agents.AlternatingValues(gt.v[:(m.Horizon-gt.open+1)*n], gt.d, gt.end, m.Horizon-gt.open)
	}
	g := r - s.openAt[t] // game round
	p := g % n
	x := s.game.x[:len(tb.issues)]
	keep := 1.0
	if gt.strategy[p] == stratTactic {
		keep = s.tacticTarget(tb.players[p], t, r)
		for k := range n {
			if k != p {
				x[gt.share[k]] = 100 * (1 - keep) / float64(n-1)
			}
		}
	} else {
		next := gt.v[(g+1)*n : (g+2)*n]
		for k := range n {
			if k != p {
				x[gt.share[k]] = 100 * gt.d[k] * next[k]
				keep -= gt.d[k] * next[k]
			}
		}
		if keep < gt.d[p]*next[p] {
			keep = 1 // waiting pays: an offer no one accepts
			for k := range n {
				if k != p {
					x[gt.share[k]] = 0
				}
			}
		}
	}
	x[gt.share[p]] = 100 * keep
	if s.tr != nil {
		s.ev = blank(r, TraceOffer)
		s.ev.Table, s.ev.Actor, s.ev.Offer = t, tb.players[p], x
		s.tr.Trace(&s.ev)
	}
	accepted := true
	for k, a := range tb.players {
		if k == p {
			continue
		}
		var want float64
		if gt.strategy[k] == stratTactic {
			want = s.tacticTarget(a, t, r)
		} else {
			want = gt.d[k] * gt.v[(g+1)*n+k]
		}
		ok := x[gt.share[k]]/100 >= want-agents.TieTol
		s.traceResponse(t, r, a, ok, x[gt.share[k]]/100, want)
		accepted = accepted && ok
	}
	s.settle(t, r, accepted, x)
}

// traceResponse reports a player's response. In division games U is the
// share offered and R the share required; in majority votes U is the
// proposal and R the status quo.
func (s *State) traceResponse(t, r, a int, ok bool, offered, want float64) {
	if s.tr == nil {
		return
	}
	s.ev = blank(r, TraceResponse)
	s.ev.Table, s.ev.Actor, s.ev.Accept, s.ev.U, s.ev.R = t, a, ok, offered, want
	s.ev.P = 0
	if ok {
		s.ev.P = 1
	}
	s.tr.Trace(&s.ev)
}

// recognise draws a player of table t with probability proportional to
// power; with no power at all, uniformly.
func (s *State) recognise(t int) int {
	m := s.m
	tb := &m.tables[t]
	var total float64
	for _, a := range tb.players {
		total += s.vals[m.actorPower[a]]
	}
	if total <= 0 {
		return s.trng[t].IntN(len(tb.players))
	}
	u := s.trng[t].Float64() * total
	for k, a := range tb.players {
		u -= s.vals[m.actorPower[a]]
		if u < 0 {
			return k
		}
	}
	return len(tb.players) - 1
}

// stepLegislative runs one round of closed-rule Baron–Ferejohn bargaining:
// a proposer recognised with probability proportional to power offers each
// of its q-1 cheapest partners its discounted continuation value, ties broken
// at random, and keeps the rest; the proposal passes with quota yes votes,
// the proposer's included.
func (s *State) stepLegislative(t, r int) {
	m := s.m
	tb, gt := &m.tables[t], &s.game.tables[t]
	n := len(tb.players)
	if s.gameInputs(t) {
		var tot float64
		for k := range n {
			tot += gt.pw[k]
		}
		for k := range n {
			gt.prob[k] = 1 / float64(n)
			if tot > 0 {
				gt.prob[k] = gt.pw[k] / tot
			}
		}
		agents.LegislativeValues(gt.v, gt.prob, gt.d, tb.quota, gt.work)
		for k := range n {
			gt.cost[k] = gt.d[k] * gt.v[k]
		}
	}
	p := s.recognise(t)
	cut, below, tied := agents.LegislativeCut(gt.cost, p, tb.quota-1)
	slots := tb.quota - 1 - below
	// Shuffle the others so that ties at the cut-off go to random partners.
	o := gt.order[:0]
	for k := range n {
		if k != p {
			o = append(o, k)
		}
	}
	for i := len(o) - 1; i > 0; i-- {
		j := s.trng[t].IntN(i + 1)
		o[i], o[j] = o[j], o[i]
	}
	x := s.game.x[:len(tb.issues)]
	for j := range x {
		x[j] = 0
	}
	keep := 1.0
	for _, k := range o {
		c := gt.cost[k]
		switch {
		case c < cut-agents.TieTol:
		case c <= cut+agents.TieTol && slots > 0 && tied > 0:
			slots--
		default:
			continue
		}
		x[gt.share[k]] = 100 * c
		keep -= c
	}
	x[gt.share[p]] = 100 * keep
	if s.tr != nil {
		s.ev = blank(r, TraceOffer)
		s.ev.Table, s.ev.Actor, s.ev.Offer = t, tb.players[p], x
		s.tr.Trace(&s.ev)
	}
	yes := 1
	for k, a := range tb.players {
		if k == p {
			continue
		}
		ok := x[gt.share[k]]/100 >= gt.cost[k]-agents.TieTol
		s.traceResponse(t, r, a, ok, x[gt.share[k]]/100, gt.cost[k])
		if ok {
			yes++
		}
	}
	s.settle(t, r, yes >= tb.quota, x)
}

// stepMajority runs one round of one-dimensional majority rule: a player
// recognised with probability proportional to power proposes its ideal
// against the status quo, and each player votes, with weight power ×
// salience, for the alternative closer to its ideal (for the status quo when
// equidistant). A proposal with more than half the total weight becomes the
// status quo. The table agrees, on the status quo, in the first round that
// ends with no player's ideal able to beat it: the status quo is then a
// Condorcet winner among the players' ideals, the weighted median (Black
// 1948), and no later proposal could move it.
func (s *State) stepMajority(t, r int) {
	m := s.m
	tb := &m.tables[t]
	i := tb.issues[0]
	p := tb.players[s.recognise(t)]
	prop := s.ideal[p*len(m.Issues)+i]
	x := s.game.x[:1]
	x[0] = prop
	if s.tr != nil {
		s.ev = blank(r, TraceOffer)
		s.ev.Table, s.ev.Actor, s.ev.Offer = t, p, x
		s.tr.Trace(&s.ev)
	}
	if s.beats(t, prop, s.pos[i], true, r) {
		s.pos[i] = prop
	} else {
		s.fire(tb.evRejected, r)
	}
	for _, a := range tb.players {
		if s.beats(t, s.ideal[a*len(m.Issues)+i], s.pos[i], false, r) {
			return
		}
	}
	x[0] = s.pos[i]
	s.agree(t, r, x)
}

// beats reports whether alternative y wins a weighted majority against the
// status quo sq at majority table t; trace reports the votes.
func (s *State) beats(t int, y, sq float64, trace bool, r int) bool {
	m := s.m
	tb := &m.tables[t]
	i := tb.issues[0]
	var yes, total float64
	for _, a := range tb.players {
		k := a*len(m.Issues) + i
		w := s.vals[m.actorPower[a]] * s.sal[k]
		total += w
		ok := math.Abs(y-s.ideal[k]) < math.Abs(sq-s.ideal[k])
		if ok {
			yes += w
		}
		if trace && s.tr != nil {
			s.traceResponse(t, r, a, ok, y, sq)
		}
	}
	return yes > total/2
}

// checkProtocols checks what the game protocols need beyond the schema:
// every problem is reported with the table and field to fix.
func (c *compiler) checkProtocols() error {
	m, s := c.m, c.s
	nI, nT := len(m.Issues), len(m.Tables)
	var errs []string
	add := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	for t, tb := range m.tables {
		if tb.protocol == protoMediated || tb.disabled {
			continue
		}
		tid, proto := m.Tables[t], s.Tables.Vals[t].Protocol
		f := "tables." + tid
		if len(tb.players) < 2 {
			add("%s.players: the %s protocol needs at least 2 players, got %d", f, proto, len(tb.players))
			continue
		}
		seen, bad := map[int]bool{}, false
		for k, a := range tb.players {
			switch {
			case a < 0:
				add("%s.players[%d]: unknown actor", f, k)
				bad = true
			case seen[a]:
				add("%s.players[%d]: %s is listed twice", f, k, m.Actors[a])
				bad = true
			}
			seen[a] = true
		}
		if bad {
			continue
		}
		if tb.protocol == protoBDM {
			if len(tb.players) < 3 {
				add("%s.players: the bdm protocol needs at least 3 players (a challenge's probability of success sums the support of third parties), got %d", f, len(tb.players))
				continue
			}
			if len(tb.issues) != 1 {
				add("%s: the bdm protocol decides one issue, but %d issues name table %s", f, len(tb.issues), tid)
				continue
			}
			for k, a := range tb.players {
				if !m.pos[a*nI+tb.issues[0]].has {
					add("%s.players[%d]: %s takes part at %s but has no actors.%s.positions.%s", f, k, m.Actors[a], tid, m.Actors[a], m.Issues[tb.issues[0]])
				}
			}
			continue
		}
		if tb.protocol == protoMajority {
			if len(tb.issues) != 1 {
				add("%s: the majority protocol decides one issue, but %d issues name table %s", f, len(tb.issues), tid)
				continue
			}
			for k, a := range tb.players {
				if !m.pos[a*nI+tb.issues[0]].has {
					add("%s.players[%d]: %s votes at %s but has no actors.%s.positions.%s", f, k, m.Actors[a], tid, m.Actors[a], m.Issues[tb.issues[0]])
				}
			}
			continue
		}
		// Division games: one share issue per player.
		if len(tb.issues) != len(tb.players) {
			add("%s: the %s protocol divides a pie with one share issue per player; %d players but %d issues name table %s",
				f, proto, len(tb.players), len(tb.issues), tid)
		}
		owner := map[int]string{}
		for k, a := range tb.players {
			aid := m.Actors[a]
			var mine []string
			for _, i := range tb.issues {
				if m.pos[a*nI+i].has {
					mine = append(mine, m.Issues[i])
					if o, ok := owner[i]; ok {
						add("%s.players[%d]: %s and %s both have a position on %s; each share issue belongs to one player", f, k, o, aid, m.Issues[i])
					}
					owner[i] = aid
				}
			}
			if len(mine) != 1 {
				add("%s.players[%d]: %s needs a position on exactly one of the table's issues, its own share (ideal 100); it has %d (%s)",
					f, k, aid, len(mine), strings.Join(mine, ", "))
			}
			st, sf := &m.stances[a*nT+t], "actors."+aid+".tables."+tid
			switch st.strategy {
			case "spe":
				if st.discount == none {
					add("%s.discount: is required for strategy spe (the per-round discount factor, in (0, 1])", sf)
				}
			case "tactic":
				if tb.protocol == protoLegislative {
					add("%s.strategy: tactic is not defined for the legislative protocol; use spe", sf)
				}
				if st.pmin == none {
					add("%s.pmin: is required for strategy tactic (the least share it demands, 0–1)", sf)
				}
				if st.pmax == none {
					add("%s.pmax: is required for strategy tactic (the share it demands at first, 0–1)", sf)
				}
				if st.e == none {
					add("%s.concession.e: is required for strategy tactic (e < 1 Boulware, 1 linear, > 1 conceder)", sf)
				}
			default:
				add("%s.strategy: is required for the %s protocol: spe or tactic", sf, proto)
			}
		}
		if tb.protocol == protoLegislative && (tb.quota < 1 || tb.quota > len(tb.players)) {
			add("%s.quota: is %d; allowed range is 1 to the number of players (%d)", f, tb.quota, len(tb.players))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}
