package sim

import (
	"fmt"
	"math"

	"github.com/negsim/negsim/agents"
)

// Protocols.
const (
	protoMediated = iota
	protoAlternating
	protoLegislative
	protoMajority
	protoBDM
)

// utility returns actor a's utility for the package x at table t (x indexed
// by the table's issues) and whether x crosses one of a's red lines. An issue
// the table defers counts at a's expected final value, its salience scaled
// by the deferral's weight, and no red line on it applies.
func (s *State) utility(a, t int, x []float64) (u float64, violates bool) {
	m := s.m
	nT := len(m.Tables)
	uv := &m.utilViews[a*nT+t]
	// agents.Utility's sum, in its order: the table's issues, then the
	// deferred ones.
	var num, den float64
	for _, p := range uv.issues {
		xj := x[p.j]
		if xj < s.lo[p.k] || xj > s.hi[p.k] {
			violates = true
		}
		sa := s.sal[p.k]
		num += sa * (1 - math.Abs(xj-s.ideal[p.k])/100)
		den += sa
	}
	for _, p := range uv.defers {
		sa := s.vals[p.weight] * s.sal[p.k]
		num += sa * (1 - math.Abs(s.prospect[p.j]-s.ideal[p.k])/100)
		den += sa
	}
	u = 1
	if den != 0 {
		u = num / den
	}
	return u + s.bonus[a*nT+t], violates
}

// concession is agents.Concession at t = r/H, computed from the model's
// table of log(r/H) so that the hot loop pays one Exp instead of a Pow.
//
// When the shape e comes from slot eSlot and that slot is a fixed value,
// the compiled model holds the curve exp(log(r/H)/e) for every round, and
// the replicate reads it instead (the same expression, so the same bits);
// a pinned or drawn e is computed.
func (s *State) concession(r, eSlot int, k float64) float64 {
	if eSlot == none {
		return k + (1-k)*math.Exp(s.m.logT[r])
	}
	e := s.vals[eSlot]
	if c := s.m.curves[eSlot]; c != nil && e == c[len(c)-1] {
		return k + (1-k)*c[r]
	}
	return k + (1-k)*math.Exp(s.m.logT[r]/e)
}

// clock is the round that table t's concession curves read in round r: r,
// or the rounds since the table opened under clock: opened.
func (s *State) clock(t, r int) int {
	if s.m.tables[t].clockOpened && s.openedRound[t] != none {
		return r - s.openedRound[t]
	}
	return r
}

// reservation returns actor a's reservation at table t in round r.
func (s *State) reservation(a, t, r int) float64 {
	m := s.m
	st := &m.stances[a*len(m.Tables)+t]
	start := s.val(st.resStart, 0)
	res := start
	if st.resEnd != none {
		f := s.concession(s.clock(t, r), st.e, s.val(st.k, 0))
		res = agents.Reservation(start, s.vals[st.resEnd], f)
	}
	return res + s.resShift[a*len(m.Tables)+t]
}

// reservationRange returns bounds on actor a's reservation at table t in
// any round: the reservation at concession level k and at k + (1 − k), the
// least and greatest values of k + (1 − k)·E for E in [0, 1] (the
// exponential of a non-positive number), through the same rounded
// expression, which is monotone in the level.
func (s *State) reservationRange(a, t int, st *stance) (lo, hi float64) {
	start, end, k := s.val(st.resStart, 0), s.vals[st.resEnd], s.val(st.k, 0)
	shift := s.resShift[a*len(s.m.Tables)+t]
	r0 := agents.Reservation(start, end, k+(1-k)*0) + shift
	r1 := agents.Reservation(start, end, k+(1-k)*1) + shift
	return min(r0, r1), max(r0, r1)
}

// respond draws actor a's response to x at table t in round r. res and p
// are NaN when the decision did not need them: no trace, and a logit
// rule whose bounds decide the draw for the whole range of a's
// reservation, so that its concession curve (an exponential) is not
// computed; an acceptance so decided is never below reservation.
func (s *State) respond(a, t, r int, x []float64) (ok bool, u, res, p float64) {
	st := &s.m.stances[a*len(s.m.Tables)+t]
	u, bad := s.offerUtility(a, t, x)
	// Always draw, so a replicate's stream does not depend on red lines.
	draw := s.trng[t].Float64()
	// The validator requires a noise for logit and probit stances;
	// threshold ignores it.
	noise := s.val(st.noise, 0)
	if s.tr == nil && st.between != nil && st.resEnd != none {
		if bad {
			return false, u, math.NaN(), 0
		}
		lo, hi := s.reservationRange(a, t, st)
		if decided, accept := st.between.AcceptsBetween(u-hi, u-lo, noise, draw); decided {
			return accept, u, math.NaN(), math.NaN()
		}
	}
	res = s.reservation(a, t, r)
	if bad {
		return false, u, res, 0
	}
	if s.tr == nil && st.decider != nil {
		// Only a trace needs the probability itself.
		return st.decider.Accepts(u-res, noise, draw), u, res, math.NaN()
	}
	p = st.rule.Prob(u-res, noise)
	return draw < p, u, res, p
}

func (s *State) stepMediated(t, r int) {
	m := s.m
	tb := &m.tables[t]
	nA := len(m.Actors)
	if s.dormant[t] || s.heldT[t].on && s.heldRound(t, r) {
		return
	}
	// A round that thinned responses decide fails whatever the draft: it
	// is run without one (a trace and the check of the bounds draft it,
	// drawing nothing more).
	thinning := s.thinOn[t] && !s.holdReplicate[t] && !s.perRound
	decided := thinning && s.thinDecided(t)
	if decided && s.tr == nil && !s.verifyThin {
		s.stepThinDecided(t, r)
		if s.status[t] == statusOpen {
			s.maybeDormant(t, r)
		}
		return
	}
	td := &s.drafts[t]
	d := &td.d
	ms := &m.stances[tb.mediator*len(m.Tables)+t]
	x := s.tOffer[t]
	estimate := math.NaN()
	// The conceding mediator's draft is a function of the concession, the
	// preferences and red lines (prefVer) and the demand weights (demVer):
	// when none has moved since the last round, last round's draft stands.
	// A draft that no concession up to the cap and no demand weights can
	// move (fixed, draftFixed) stands while the preferences do.
	// A trace always recomputes, for the draft's details.
	// An expected-utility draft also depends on the mediator's beliefs
	// (belVer) and on the institutions' probabilities (in prefVer).
	cacheable := (tb.conceding || tb.eu) && s.tr == nil
	pv := s.draftVer(t)
	if cacheable && td.ok && td.fixed && td.fixPref == pv {
		td.hit = true
		if s.verifyFixed {
			s.checkFixed(t, r)
		}
	} else {
		// A mediator that may not concede (max_concession 0, a fixed
		// offer) or drafts by expected utility needs no concession curve.
		conceded := 0.0
		if c := s.val(ms.maxConc, 1); c > 0 && !tb.eu {
			if td.capped {
				conceded = c
			} else {
				f := s.concession(s.clock(t, r), ms.e, s.val(ms.k, 0))
				conceded = min(f, c)
				// F does not decrease with the clock; once it is above
				// the cap by far more than its rounding, min(F, cap) is
				// the cap in every later round, without the exponential.
				td.capped = f >= c+1e-9
			}
		}
		td.hit = cacheable && td.ok && td.c == conceded && td.pref == pv &&
			td.dem == s.demVer[t] && td.bel == s.belVer[t]
		if !td.hit {
			// What the mediator sees but the concession moves only with
			// the preferences and the demand weights.
			if !td.fillOK || td.fillPref != pv || td.fillDem != s.demVer[t] {
				s.fillDraft(t)
				td.fillOK, td.fillPref, td.fillDem = true, pv, s.demVer[t]
			}
			d.Conceded = conceded
			if tb.eu {
				estimate = s.draftEU(t, r, d, s.val(ms.maxConc, 1), x)
			} else {
				tb.proposer.Propose(d, x)
			}
			s.offerVer[t]++
			td.ok, td.c, td.pref, td.dem, td.bel = cacheable, conceded, pv, s.demVer[t], s.belVer[t]
			// Whether the draft is fixed is asked at the first draft under
			// new preferences and again when the concession reaches its
			// cap (when only the demand weights can still move it), not
			// in every round: a fixed draft found later in between would
			// save less than the asking costs.
			capped := conceded == s.val(ms.maxConc, 1)
			if !td.fixed && tb.conceding && !tb.eu && (!td.fixAsked || td.fixPref != pv || capped && !td.fixCapped) {
				td.fixed = s.draftFixed(t, conceded, s.val(ms.maxConc, 1), x)
				td.fixAsked, td.fixPref, td.fixCapped = true, pv, capped
			} else if td.fixed && td.fixPref != pv {
				td.fixed = s.draftFixed(t, conceded, s.val(ms.maxConc, 1), x)
				td.fixPref, td.fixCapped = pv, capped
			}
		}
	}
	if !s.perRound && !decided && s.holdReplicate[t] && s.hold(t, r, x) {
		return
	}
	if s.tr != nil {
		s.traceOffer(t, r, d, x, estimate)
	}

	accepted, below := true, false
	gain := s.val(tb.demandGain, 0)
	for _, a := range tb.signatories {
		var ok bool
		var u, res, p float64
		var thinned *thin
		if th := s.thinFor(t, a); thinning && th != nil && th.mode != thinNone {
			thinned = th
			if s.tr != nil {
				s.ev = blank(r, TraceResponse)
				s.ev.Bound, s.ev.RareAccept, s.ev.Candidate = th.bound, th.mode == thinReject, th.skip == 0
			}
			ok, u, res, p = s.respondThinned(a, t, r, x, th)
		} else {
			ok, u, res, p = s.respond(a, t, r, x)
			// Plan the thinning of a's later responses under new versions,
			// and once more when the mediator reaches its cap.
			if thinning && (th == nil || !th.capped && s.atCap(t)) {
				s.planThinAfter(t, a, td.c, u, res)
			}
		}
		if tb.eu {
			s.updateBelief(a, t, ok, u)
		}
		if s.tr != nil {
			if thinned == nil {
				s.ev = blank(r, TraceResponse)
			}
			s.ev.Table, s.ev.Actor, s.ev.Accept, s.ev.U, s.ev.R, s.ev.P = t, a, ok, u, res, p
			if tb.eu {
				k := t*nA + a
				s.ev.BeliefLo, s.ev.BeliefHi = s.belLo[k], s.belHi[k]
			}
			s.tr.Trace(&s.ev)
		}
		if !ok {
			accepted = false
			if gain != 0 {
				s.demand[t*nA+a] *= 1 + gain
				s.demVer[t]++
			}
		} else if u < res {
			below = true
		}
	}
	s.below[t] = below
	s.settle(t, r, accepted, x)
	if thinning && !accepted && s.status[t] == statusOpen {
		s.maybeDormant(t, r)
	}
}

// draftFixed reports whether the conceding mediator's draft x of table t,
// drafted at concession c0, stays the same, bit for bit, for every
// concession in [c0, cap] and every demand weights, so that while the
// preferences stand it stands whatever the signatories answer.
//
// On each issue the unclamped draft μ + c(T − μ) is monotone in c for a
// fixed T and in T for a fixed c (rounded arithmetic is monotone), so over
// c in [c0, cap] and T in the signatories' ideals' range (widened by far
// more than the rounding of the weighted mean; T = x_i when no signatory
// weighs on the issue) it lies between its values at the four corners;
// the clamps are monotone too, so the draft is fixed when the clamped
// values at the lowest and the highest corner are the same.
func (s *State) draftFixed(t int, c0, cap float64, x []float64) bool {
	d := &s.drafts[t].d
	for j := range x {
		// A conceding draft not at a red line is taken to move (a quick
		// no; MODEL.md §3.12 makes it part of the rule).
		if cap > 0 && x[j] != d.Lo[j] && x[j] != d.Hi[j] && x[j] != d.OwnLo[j] && x[j] != d.OwnHi[j] {
			return false
		}
	}
	for j := range s.m.tables[t].issues {
		tlo, thi := s.targetRange(t, j, false)
		a, b := s.draftRange(t, j, c0, cap, tlo, thi)
		if math.Float64bits(a) != math.Float64bits(b) || math.Float64bits(a) != math.Float64bits(x[j]) {
			return false
		}
	}
	return true
}

// fillDraft sets the draft of table t's mediator (all but Conceded): its
// own ideal and red lines, the signatories' power-, salience- and
// demand-weighted ideal point, and their red lines. What does not depend
// on the demand weights is refilled only when the preferences move.
func (s *State) fillDraft(t int) {
	m := s.m
	tb := &m.tables[t]
	td := &s.drafts[t]
	if pv := s.draftVer(t); !td.prefOK || td.prefVer != pv {
		s.fillPrefs(t)
		td.prefOK, td.prefVer = true, pv
	}
	d := &td.d
	terms := s.terms[t]
	for j, i := range tb.issues {
		var num, den float64
		for _, tm := range terms[s.termAt[t][j]:s.termAt[t][j+1]] {
			w := tm.ps * s.demand[tm.dem]
			num += w * tm.ideal
			den += w
		}
		d.Target[j] = s.pos[i]
		if den > 0 {
			d.Target[j] = num / den
		}
	}
}

// fillPrefs sets the parts of table t's draft that the preferences alone
// fix: the signatories' red lines, the mediator's ideal and red lines, and
// each signatory's power × salience and ideal on each issue.
func (s *State) fillPrefs(t int) {
	m := s.m
	tb := &m.tables[t]
	nI := len(m.Issues)
	d := &s.drafts[t].d
	terms := s.terms[t]
	for j, i := range tb.issues {
		lo, hi := math.Inf(-1), math.Inf(1)
		for q := s.termAt[t][j]; q < s.termAt[t][j+1]; q++ {
			tm := &terms[q]
			tm.ps, tm.ideal = s.vals[m.actorPower[tm.a]]*s.sal[tm.p], s.ideal[tm.p]
			lo, hi = max(lo, s.lo[tm.p]), min(hi, s.hi[tm.p])
		}
		d.Lo[j], d.Hi[j] = lo, hi
		mp := tb.mediator*nI + i
		d.Own[j], d.OwnLo[j], d.OwnHi[j] = math.NaN(), math.Inf(-1), math.Inf(1)
		if m.pos[mp].has {
			d.Own[j], d.OwnLo[j], d.OwnHi[j] = s.ideal[mp], s.lo[mp], s.hi[mp]
		}
	}
}

// targetTerm is a signatory's term in a table issue's target: its actor,
// position index and demand index (table*nActors+actor), and, filled by
// fillPrefs, its power × salience and ideal.
type targetTerm struct {
	a, p, dem int
	ps, ideal float64
}

// newTargetTerms lists, per table, the signatories holding a position on
// each of its issues, in order, with termAt[t][j] where issue j's start.
func newTargetTerms(m *Model) (terms [][]targetTerm, termAt [][]int) {
	nI, nA := len(m.Issues), len(m.Actors)
	terms, termAt = make([][]targetTerm, len(m.tables)), make([][]int, len(m.tables))
	for t := range m.tables {
		tb := &m.tables[t]
		at := []int{0}
		for _, i := range tb.issues {
			for _, a := range tb.signatories {
				if p := a*nI + i; m.pos[p].has {
					terms[t] = append(terms[t], targetTerm{a: a, p: p, dem: t*nA + a})
				}
			}
			at = append(at, len(terms[t]))
		}
		termAt[t] = at
	}
	return terms, termAt
}

// offerUtility is utility for the current draft x of mediated table t,
// cached per actor while the draft stands: it is used only in a round whose
// draft repeats the last one (a fixed offer, or a capped concession), so a
// draft that moves every round pays nothing for the cache.
func (s *State) offerUtility(a, t int, x []float64) (float64, bool) {
	if !s.drafts[t].hit || len(x) == 0 || &x[0] != &s.tOffer[t][0] {
		return s.utility(a, t, x)
	}
	k := a*len(s.m.Tables) + t
	if c := &s.uCache[k]; c.rep == s.rep && c.pref == s.prefVer && c.offer == s.offerVer[t] {
		return c.u, c.bad
	}
	u, bad := s.utility(a, t, x)
	s.uCache[k] = utilCache{rep: s.rep, pref: s.prefVer, offer: s.offerVer[t], u: u, bad: bad}
	return u, bad
}

// traceOffer traces a mediator's draft x, with what the mediator would have
// offered without the red lines (Wanted) and whether the signatories' red
// lines leave any package at all (Infeasible).
func (s *State) traceOffer(t, r int, d *agents.Draft, x []float64, estimate float64) {
	w := s.wanted[:len(x)]
	if _, ok := s.m.tables[t].proposer.(agents.ConcedingMediator); !ok && !s.m.tables[t].eu {
		w = nil // another drafting rule: what it wanted is not known here
	}
	infeasible := false
	for j := range x {
		infeasible = infeasible || d.Lo[j] > d.Hi[j]
		if w == nil {
			continue
		}
		own := d.Own[j]
		if math.IsNaN(own) {
			own = d.Target[j]
		}
		w[j] = own + d.Conceded*(d.Target[j]-own)
	}
	s.ev = blank(r, TraceOffer)
	s.ev.Table, s.ev.Actor, s.ev.Offer, s.ev.P = t, s.m.tables[t].mediator, x, d.Conceded
	s.ev.Wanted, s.ev.Infeasible, s.ev.Estimate = w, infeasible, estimate
	s.tr.Trace(&s.ev)
}

// settle ends a round of any protocol: a rejected proposal fires the table's
// rejected event; an accepted one goes to the table's institutions, if any,
// and is agreed.
func (s *State) settle(t, r int, accepted bool, x []float64) {
	if !accepted {
		s.fire(s.m.tables[t].evRejected, r)
		return
	}
	s.settleFrom(t, r, 0, x)
}

// settleFrom runs table t's institutions in order on the accepted x from
// the from-th on: the first that fails fires the table's vetoed event and
// the vetoed event of that institution at t; if none fails, t agrees.
func (s *State) settleFrom(t, r, from int, x []float64) {
	tb := &s.m.tables[t]
	for j := from; j < len(tb.ratify); j++ {
		i := tb.ratify[j]
		ok := s.decide(i, t, r, x)
		if s.tr != nil {
			s.ev = blank(r, TraceDecision)
			s.ev.Table, s.ev.Institution, s.ev.Accept = t, i, ok
			s.tr.Trace(&s.ev)
		}
		if !ok {
			s.fire(tb.evVetoed, r)
			s.fire(tb.evVetoedBy[j], r)
			return
		}
	}
	s.agree(t, r, x)
}

// decide applies institution i's rule to package x of table t.
func (s *State) decide(i, t, r int, x []float64) bool {
	in := &s.m.insts[i]
	if in.kind == kindReferendum && len(in.groups) > 0 {
		return s.groupVote(i, t, r, x) > in.threshold
	}
	if in.kind == kindReferendum {
		return s.trng[t].Float64() < s.referendumPass(i, t, r, x)
	}
	passed := true
	for j, a := range in.members {
		var yes bool
		var u, res, p float64
		if in.yesP[j] != none {
			p = s.yes[i][j]
			yes = s.trng[t].Float64() < p
		} else {
			yes, u, res, p = s.respond(a, t, r, x)
		}
		silent := false
		if !yes && in.silence && in.kind == kindConsensus {
			silent = s.trng[t].Float64() < s.silence[i][j]
		}
		if s.tr != nil {
			s.ev = blank(r, TraceVote)
			s.ev.Table, s.ev.Institution, s.ev.Actor = t, i, a
			s.ev.Accept, s.ev.Silent, s.ev.U, s.ev.R, s.ev.P = yes, silent, u, res, p
			s.tr.Trace(&s.ev)
		}
		if !yes && !silent {
			passed = false
		}
	}
	return passed
}

// groupVote returns the share-weighted yes share of grouped referendum i on
// package x of table t. It draws nothing: the uncertainty is in the
// replicate's draws of the groups' shares and yes shares.
func (s *State) groupVote(i, t, r int, x []float64) float64 {
	in := &s.m.insts[i]
	var num, den float64
	for j, g := range in.groups {
		y := s.groupYesShare(i, j, t, r, x)
		w := s.vals[g.share]
		num += w * y
		den += w
		if s.tr != nil {
			s.ev = blank(r, TraceVote)
			s.ev.Table, s.ev.Institution, s.ev.Group, s.ev.P = t, i, j, y
			s.ev.Accept = y > in.threshold
			s.tr.Trace(&s.ev)
		}
	}
	return num / den
}

// referendumPass is the probability that ungrouped referendum i passes
// package x of table t in round r.
func (s *State) referendumPass(i, t, r int, x []float64) float64 {
	in := &s.m.insts[i]
	p := s.pass[i]
	if in.electorate != none && in.slope != none {
		u, _ := s.offerUtility(in.electorate, t, x)
		res := s.reservation(in.electorate, t, r)
		p = logistic(logit(p) + s.vals[in.slope]*(u-res))
	}
	return p
}

// groupYesShare is group j's yes share in grouped referendum i on package
// x of table t in round r.
func (s *State) groupYesShare(i, j, t, r int, x []float64) float64 {
	g := &s.m.insts[i].groups[j]
	y := s.groupYes[i][j]
	if g.electorate != none {
		u, _ := s.offerUtility(g.electorate, t, x)
		y = logistic(logit(y) + s.vals[g.slope]*(u-s.reservation(g.electorate, t, r)))
	}
	return y
}

func logit(p float64) float64 {
	p = clamp(p, 1e-12, 1-1e-12)
	return math.Log(p / (1 - p))
}

func logistic(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// checkFixed redrafts table t's fixed draft in round r from scratch, as a
// step without the draft cache would, and records in s.fixedErr the first
// time it differs from the draft that stands (a test's check of
// draftFixed; it allocates).
func (s *State) checkFixed(t, r int) {
	m := s.m
	tb := &m.tables[t]
	ms := &m.stances[tb.mediator*len(m.Tables)+t]
	conceded := 0.0
	if c := s.val(ms.maxConc, 1); c > 0 {
		conceded = min(s.concession(s.clock(t, r), ms.e, s.val(ms.k, 0)), c)
	}
	s.fixedChecks++
	td := &s.drafts[t]
	target := td.d.Target
	td.d.Target = append([]float64(nil), target...)
	s.fillDraft(t)
	d := td.d
	td.d.Target = target
	d.Conceded = conceded
	y := make([]float64, len(s.tOffer[t]))
	tb.proposer.Propose(&d, y)
	for j := range y {
		if math.Float64bits(y[j]) != math.Float64bits(s.tOffer[t][j]) && s.fixedErr == nil {
			s.fixedErr = fmt.Errorf("table %s, round %d, issue %d: the fixed draft is %v, a fresh one %v", m.Tables[t], r, j, s.tOffer[t][j], y[j])
		}
	}
}
