package sim

import (
	"math"
	"slices"
)

// Held tables (docs/MODEL.md §3.12). While nothing a conceding mediator's
// table reads moves but the reservation curves (the same draft, the same
// utilities and institution probabilities, and failures that change
// nothing: their events have happened before and no linkage listening to
// them can still act), its rounds are independent Bernoulli trials whose
// probability q_r of agreement is known in advance, and the engine draws
// the round of the agreement instead of running the rounds. When every
// reservation it reads is fixed, q_r = q and the number of failed rounds
// is geometric: one uniform of the table's own stream. Otherwise each
// factor of q_r (a signatory's acceptance, a member's yes or silence, a
// referendum's pass) is monotone in r, so q̄, the product of each factor's
// larger end value over the remaining rounds, bounds q_r; candidate
// rounds are drawn at rate q̄ and each is an agreement with probability
// q_r/q̄ (thinning: each round agrees with probability q_r, independently).
// When anything that could change q_r or make a failure matter moves
// (holdVer: a linkage effect on the table's reservations, bonuses or
// blocking, or on anything else it reads (thinVer), or the first
// occurrence of an event the table's failures fire or their linkages'
// conditions name), the draw
// is discarded and, if the table still holds, redrawn: exact, as the
// geometric law is memoryless.

// holdVer is the version of what table t's hold reads.
func (s *State) holdVer(t int) uint64 { return uint64(s.thinVer[t])<<32 | uint64(s.tabVer[t]) }

// hold is a table's held state.
type hold struct {
	on bool
	// ver is the holdVer under which the draw was made.
	ver uint64
	// until is the next candidate round (beyond the horizon: none).
	until int
	// thin: the candidate is an agreement with probability q_r/qbar;
	// otherwise it is one, and below says whether a yes below reservation
	// carries it.
	thin  bool
	qbar  float64
	below bool
	// failVer is the holdVer under which the table was last found not to
	// hold for a reason only a change of the world can undo.
	failVer uint64
	failOK  bool
	// stage is the first stage whose failure would change something (j:
	// the table's j-th institution), or none; pre is the number of factors
	// before it. A candidate round is then one that reaches the stage, and
	// the stages from it on are run as in a round-by-round step.
	stage, pre int
}

// heldRound runs round r of table t if a draw holds it under the current
// world, and reports whether it did: a round before the candidate does
// nothing, and the candidate agrees on the draft that stands or, under
// thinning, is tested and the next candidate drawn.
func (s *State) heldRound(t, r int) bool {
	h := &s.heldT[t]
	if !h.on || h.ver != s.holdVer(t) {
		return false
	}
	if r < h.until {
		return true
	}
	x := s.tOffer[t]
	below := h.below
	if h.thin {
		var q float64
		q, below = s.factors(t, r, x, s.facA[:h.pre])
		if !(s.trng[t].Float64() < q/h.qbar) {
			h.until = r + 1 + s.geometric(t, h.qbar)
			s.traceHold(t, r, h)
			return true
		}
	}
	h.on = false
	s.below[t] = below
	if h.stage != none {
		// The round reached the first stage whose failure matters: it and
		// the stages after it decide as in a round-by-round step.
		s.settleFrom(t, r, h.stage, x)
		return true
	}
	s.agree(t, r, x)
	return true
}

// hold draws, if table t holds from round r on with draft x, its first
// candidate round, runs round r, and reports whether it did.
func (s *State) hold(t, r int, x []float64) bool {
	h := &s.heldT[t]
	h.on = false
	if h.failOK && h.failVer == s.holdVer(t) {
		return false
	}
	switch s.holdPlan(t, r, x) {
	case holdNotNow:
		return false
	case holdNever:
		h.failOK, h.failVer = true, s.holdVer(t)
		return false
	}
	h.on, h.ver = true, s.holdVer(t)
	h.until = r + s.geometric(t, h.qbar)
	s.traceHold(t, r, h)
	return s.heldRound(t, r)
}

// geometric draws from table t's stream the number of failures before the
// first success of trials with probability q, P(G ≥ g) = (1 − q)^g, capped
// at the horizon (q = 0: never).
func (s *State) geometric(t int, q float64) int {
	g := s.m.Horizon
	v := 1 - s.trng[t].Float64() // in (0, 1]
	if q > 0 {
		if f := math.Floor(math.Log(v) / math.Log1p(-q)); f < float64(g) {
			g = int(f)
		}
	}
	return g
}

func (s *State) traceHold(t, r int, h *hold) {
	if s.tr == nil {
		return
	}
	s.ev = blank(r, TraceHold)
	s.ev.Table, s.ev.Actor, s.ev.Offer, s.ev.P = t, s.m.tables[t].mediator, s.tOffer[t], h.qbar
	s.ev.Accept = !h.thin
	if h.stage != none {
		s.ev.Institution = s.m.tables[t].ratify[h.stage]
	}
	s.ev.HeldUntil = min(h.until, s.m.Horizon)
	s.tr.Trace(&s.ev)
}

// Why a table does not hold: not in this round (its mediator still
// concedes), or not until the world moves.
const (
	holdOK = iota
	holdNotNow
	holdNever
)

// holdPlan decides whether table t holds from round r on with draft x and
// sets its hold's thin, qbar, below, stage and pre: the table holds when
// its draft stays as it is until the world moves and every failure with a
// positive probability before the first stage whose failure matters
// changes nothing.
func (s *State) holdPlan(t, r int, x []float64) int {
	m := s.m
	tb := &m.tables[t]
	if !s.holdStatic[t] || !s.holdReplicate[t] {
		return holdNever
	}
	// The draft must stay as it is: no concession can move it (draftFixed),
	// or the mediator's concession is at its cap: min(F(r), cap) with F
	// non-decreasing (k in [0, 1], e > 0), so it stays there.
	ms := &m.stances[tb.mediator*len(m.Tables)+t]
	if c := s.val(ms.maxConc, 1); c > 0 && s.drafts[t].c != c && !s.drafts[t].fixed {
		return holdNotNow
	}
	h := &s.heldT[t]
	n := len(s.facStage[t])
	a, b := s.facA[:n], s.facB[:n]
	_, h.below = s.factors(t, r, x, a)
	// A signatory that can reject now, while a rejection changes
	// something and the signatories before it can accept, means no hold,
	// whatever the factors in the last round: the loop below would say
	// so at that signatory, so the last round's factors are not computed.
	if !s.inert(tb.evRejected) {
		for k := range tb.signatories {
			if math.IsNaN(a[k]) || !(a[k] > 0) {
				break // decided below, with the last round's factors
			}
			if a[k] < 1 {
				return holdNever
			}
		}
	}
	h.thin = !s.resFixed[t]
	if h.thin {
		s.factors(t, m.Horizon-1, x, b)
	} else {
		copy(b, a)
	}
	// Bound each factor over the remaining rounds by its larger end, and
	// find the first stage (−1: the signatories; j: the table's j-th
	// institution) that can fail and whose failure changes something.
	h.stage, h.pre = none, n
	reach := 1.0
	for k, st := range s.facStage[t] {
		lo, hi := min(a[k], b[k]), max(a[k], b[k])
		if st >= 0 && m.insts[tb.ratify[st]].kind == kindReferendum && len(m.insts[tb.ratify[st]].groups) > 0 && h.thin {
			lo, hi = 0, 1 // a grouped vote need not be monotone
		}
		if math.IsNaN(lo) || math.IsNaN(hi) {
			return holdNever
		}
		if lo < 1 && reach > 0 {
			if st < 0 && !s.inert(tb.evRejected) {
				return holdNever
			}
			if st >= 0 && (!s.inert(tb.evVetoed) || !s.inert(tb.evVetoedBy[st])) {
				h.stage = st
				h.pre = slices.Index(s.facStage[t], st)
				break
			}
		}
		reach *= hi
	}
	// q̄ bounds the probability that a round reaches that stage, or agrees.
	qbar := 1.0
	for k := range h.pre {
		hi := max(a[k], b[k])
		if st := s.facStage[t][k]; st >= 0 && m.insts[tb.ratify[st]].kind == kindReferendum && len(m.insts[tb.ratify[st]].groups) > 0 && h.thin {
			hi = 1
		}
		qbar *= hi
	}
	if !(qbar < 1) {
		// Every round reaches the stage or agrees for sure: running it
		// costs no more. When every factor is 1 in the last round, the
		// bound stays 1 until the world moves.
		for _, v := range b[:h.pre] {
			if !(v >= 1) {
				return holdNotNow
			}
		}
		return holdNever
	}
	h.qbar = qbar
	return holdOK
}

// factors writes into f, in table t's order, the first len(f) factors of
// the probability that the table agrees on x in round r (each signatory's
// acceptance, then per institution each member's yes or silence, or the
// referendum's pass) and returns their product and whether a yes below
// reservation would carry the agreement. len(f) is at least the number of
// signatories and ends at a stage's end.
func (s *State) factors(t, r int, x, f []float64) (q float64, below bool) {
	m := s.m
	tb := &m.tables[t]
	k := 0
	q = 1
	for _, a := range tb.signatories {
		p, u, res := s.acceptProb(a, t, r, x)
		f[k], q, below = p, q*p, below || u < res
		k++
	}
	for _, i := range tb.ratify {
		if k == len(f) {
			break
		}
		in := &m.insts[i]
		switch {
		case in.kind == kindReferendum && len(in.groups) > 0:
			var num, den float64
			for j, g := range in.groups {
				w := s.vals[g.share]
				num += w * s.groupYesShare(i, j, t, r, x)
				den += w
			}
			f[k] = 0
			if num/den > in.threshold {
				f[k] = 1
			}
			q *= f[k]
			k++
		case in.kind == kindReferendum:
			f[k] = s.referendumPass(i, t, r, x)
			q *= f[k]
			k++
		default:
			for j, a := range in.members {
				var y float64
				if in.yesP[j] != none {
					y = s.yes[i][j]
				} else {
					y, _, _ = s.acceptProb(a, t, r, x)
				}
				if in.silence && in.kind == kindConsensus {
					y += (1 - y) * s.silence[i][j]
				}
				f[k] = y
				q *= y
				k++
			}
		}
	}
	return q, below
}

// acceptProb is the probability that actor a accepts x at table t in round
// r, with a's utility of x and its reservation.
func (s *State) acceptProb(a, t, r int, x []float64) (p, u, res float64) {
	st := &s.m.stances[a*len(s.m.Tables)+t]
	u, bad := s.offerUtility(a, t, x)
	res = s.reservation(a, t, r)
	if bad {
		return 0, u, res
	}
	return st.rule.Prob(u-res, s.val(st.noise, 0)), u, res
}

// inert reports whether firing event e again changes nothing: it has
// happened, and every linkage listening to it is used up or waits on
// conditions that only a new event can meet.
func (s *State) inert(e int) bool {
	if s.eventRound[e] == none {
		return false
	}
	for _, l := range s.m.linksOn[e] {
		lk := &s.m.links[l]
		if !(s.fired[l] && !lk.repeat) && s.conditionsHold(lk) {
			return false
		}
	}
	return true
}

// prepareHolds sets, per table, whether it can hold at all (holdStatic: a
// conceding mediator's table), which actors' reservations its rounds read
// (readers: its signatories, its institutions' members that respond as
// actors, and its referendums' electorates) and the stage of each factor
// of its agreement probability (facStage: −1 for a signatory, j for the
// table's j-th institution).
func (s *State) prepareHolds() {
	m := s.m
	nT := len(m.Tables)
	s.heldT, s.holdStatic, s.holdReplicate, s.resFixed = make([]hold, nT), make([]bool, nT), make([]bool, nT), make([]bool, nT)
	s.readers, s.facStage = make([][]int, nT), make([][]int, nT)
	s.tabVer, s.watchers = make([]uint32, nT), make([][]int, len(m.events))
	most := 0
	for t := range m.tables {
		tb := &m.tables[t]
		s.holdStatic[t] = tb.protocol == protoMediated && tb.conceding && !tb.eu
		rd := append([]int(nil), tb.signatories...)
		var stage []int
		for range tb.signatories {
			stage = append(stage, -1)
		}
		for j, i := range tb.ratify {
			in := &m.insts[i]
			if in.kind == kindReferendum {
				stage = append(stage, j)
			} else {
				for range in.members {
					stage = append(stage, j)
				}
			}
			for k, a := range in.members {
				if in.kind != kindReferendum && in.yesP[k] == none {
					rd = append(rd, a)
				}
			}
			if in.electorate != none {
				rd = append(rd, in.electorate)
			}
			for _, g := range in.groups {
				if g.electorate != none {
					rd = append(rd, g.electorate)
				}
			}
		}
		s.readers[t], s.facStage[t] = rd, stage
		if !s.holdStatic[t] {
			continue
		}
		// The events whose first occurrence can change whether a failure
		// of t changes nothing.
		fails := append([]int{tb.evRejected, tb.evVetoed}, tb.evVetoedBy...)
		for _, e := range fails {
			s.watch(e, t)
			for _, l := range m.linksOn[e] {
				for _, c := range m.links[l].ifAll {
					s.watch(c, t)
				}
				for _, c := range m.links[l].unless {
					s.watch(c, t)
				}
			}
		}
		most = max(most, len(stage))
	}
	s.facA, s.facB = make([]float64, most), make([]float64, most)
}

// watch makes table t's hold version move at the first occurrence of
// event e.
func (s *State) watch(e, t int) {
	if !slices.Contains(s.watchers[e], t) {
		s.watchers[e] = append(s.watchers[e], t)
	}
}

// resetHolds clears every table's hold and decides, for the replicate,
// whether a table without demand gain can hold (holdReplicate) and
// whether every reservation it reads is fixed (resFixed: no reservation
// curve, or one whose ends are equal).
func (s *State) resetHolds() {
	m := s.m
	for t := range m.tables {
		s.heldT[t] = hold{}
		if !s.holdStatic[t] {
			continue
		}
		s.holdReplicate[t] = s.val(m.tables[t].demandGain, 0) == 0
		fixed := true
		for _, a := range s.readers[t] {
			st := &m.stances[a*len(m.Tables)+t]
			if st.resEnd != none && s.vals[st.resEnd] != s.val(st.resStart, 0) {
				fixed = false
				break
			}
		}
		s.resFixed[t] = fixed
	}
}
