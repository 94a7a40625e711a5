package sim

import (
	"fmt"
	"math"
	"slices"

	"github.com/negsim/negsim/agents"
)

// Thinned responses (docs/MODEL.md §3.13). A signatory of a conceding
// mediator's table whose answer is all but certain for every draft the
// mediator can still propose and every reservation it can still hold (a
// maximalist Moscow at the interim, whose reservation is above any
// utility) does not compute its utility and reservation in every round.
// While nothing it reads but the draft and the round moves (thinVer: no
// linkage effect on the ideals, saliences, red lines or prospects the
// table's utilities and drafts read, on its bonuses, reservations or
// blocks), its acceptance probability p_r in each
// round is bounded: p_r ≤ p̄ (it thins its acceptances) or 1 − p_r ≤ ρ̄
// (it thins its rejections), with the bound at most thinMax. Candidate
// responses are then a Bernoulli process of that rate, drawn as geometric
// waits from the table's stream; between candidates the signatory gives
// the likelier answer, and a candidate gives the rarer one with
// probability p_r/p̄ (or (1 − p_r)/ρ̄). Each response is the rarer
// answer with probability exactly p_r (or 1 − p_r), independently, as in
// the round-by-round engine. When anything it reads moves, the wait is
// discarded and the bound recomputed: exact, as the waits are memoryless.
//
// A round in which every signatory waits and one of them rejects is
// decided without a draft: the rejecters' demand weights grow and the
// table's rejected event fires, as in a round that drafts.

// ThinStats counts, over a State's replicates, the responses thinning
// decided without computing them (Waited), the candidates (Candidates),
// the rounds decided without a draft (Decided), and the rounds dormant
// tables skipped and ran when woken (Replayed).
type ThinStats struct {
	Waited, Candidates, Decided, Replayed int
}

// ThinStats returns what thinning did in s's replicates so far.
func (s *State) ThinStats() ThinStats { return s.thinStats }

// thinMax is the largest bound under which a signatory's responses are
// thinned: a candidate in at most one response in 64 costs less than
// the responses it saves.
const thinMax = 1.0 / 64

// thinSlack widens the surplus at which the bound is taken, far beyond
// the rounding of the acceptance rule, so that a probability computed in
// a round never exceeds the bound.
const thinSlack = 1e-9

// Thinning modes.
const (
	thinNone   = iota // responds round by round
	thinReject        // rejects between candidates; bound is p̄
	thinAccept        // accepts between candidates; bound is ρ̄
)

// thin is a signatory's thinned response state at a table.
type thin struct {
	// The state was planned in replicate rep under this version of what
	// the table's plans read (thinVer).
	rep uint64
	ver uint32
	// capped: planned with the draft at the mediator's cap (a later plan
	// cannot be tighter).
	capped bool
	mode   uint8
	// skip is the number of responses left before the next candidate;
	// bound the rate of candidates.
	skip  int
	bound float64
}

// thinFor returns signatory a's state at table t if it holds under the
// current versions, else nil.
func (s *State) thinFor(t, a int) *thin {
	th := &s.thins[t*len(s.m.Actors)+a]
	if th.rep != s.rep || th.ver != s.thinVer[t] {
		return nil
	}
	return th
}

// thinDecided reports, for a table whose signatories are thinned, whether
// every signatory of table t waits for a
// candidate in this response and at least one of them rejects, so that
// the round fails whatever the draft.
func (s *State) thinDecided(t int) bool {
	reject := false
	for _, a := range s.m.tables[t].signatories {
		th := s.thinFor(t, a)
		if th == nil || th.mode == thinNone || th.skip == 0 {
			return false
		}
		reject = reject || th.mode == thinReject
	}
	return reject
}

// stepThinDecided runs a round of table t that thinDecided decided: each
// signatory gives its likelier answer, the rejecters' demand weights grow,
// and the table's rejected event fires.
func (s *State) stepThinDecided(t, r int) {
	m := s.m
	tb := &m.tables[t]
	nA := len(m.Actors)
	gain := s.val(tb.demandGain, 0)
	s.thinStats.Decided++
	for _, a := range tb.signatories {
		th := &s.thins[t*nA+a]
		s.thinStats.Waited++
		th.skip--
		if th.mode == thinReject && gain != 0 {
			s.demand[t*nA+a] *= 1 + gain
			s.demVer[t]++
		}
	}
	s.below[t] = false
	s.settle(t, r, false, nil)
}

// respondThinned is signatory a's response to x at table t in round r
// under its thinned state th: the likelier answer before the candidate,
// and at the candidate the rarer one with probability p_r over the bound,
// after which the next candidate is drawn. Outside a trace, res and p are
// NaN before the candidate.
func (s *State) respondThinned(a, t, r int, x []float64, th *thin) (ok bool, u, res, p float64) {
	st := &s.m.stances[a*len(s.m.Tables)+t]
	candidate := th.skip == 0
	if !candidate {
		s.thinStats.Waited++
		th.skip--
		ok = th.mode == thinAccept
		if s.tr == nil && !s.verifyThin {
			return ok, math.NaN(), math.NaN(), math.NaN()
		}
	}
	u, bad := s.offerUtility(a, t, x)
	res = s.reservation(a, t, r)
	if !bad {
		p = st.rule.Prob(u-res, s.val(st.noise, 0))
	}
	if s.verifyThin {
		s.checkThin(a, t, r, th, p, u, res, bad)
	}
	if !candidate {
		return ok, u, res, p
	}
	s.thinStats.Candidates++
	if s.thinTilt != 0 && th.mode == thinReject {
		p = min(p*(1+s.thinTilt), th.bound)
	}
	v := s.trng[t].Float64()
	if th.mode == thinReject {
		ok = v*th.bound < p
	} else {
		ok = !(v*th.bound < 1-p)
	}
	th.skip = s.geometric(t, th.bound)
	return ok, u, res, p
}

// planThin sets signatory a's thinned state at table t for its responses
// after this one, the mediator's draft standing at concession c0: the
// bounds of its acceptance probability over every draft the mediator can
// propose from c0 up to its cap, under any demand weights, and over every
// reservation its curve can reach.
func (s *State) planThin(t, a int, c0 float64) {
	m := s.m
	nT := len(m.Tables)
	th := s.planNone(t, a)
	st := &m.stances[a*nT+t]
	if !monotoneRule(st.rule) {
		return
	}
	lo, hi := s.draftRanges(t, c0)
	uMax, uMin, inside := s.utilityRange(a, t, lo, hi)
	resLo := s.val(st.resStart, 0) + s.resShift[a*nT+t]
	resHi := resLo
	if st.resEnd != none {
		resLo, resHi = s.reservationRange(a, t, st)
	}
	noise := s.val(st.noise, 0)
	// A logit's bounds are its tail bounds, which need no exponential (1
	// between −4 and 4 noise units, where its probability is within
	// [0.018, 0.982] and no plan can thin); another rule's are its
	// probabilities.
	var pHi, q float64
	if st.logit {
		var ok bool
		if pHi, _, ok = (agents.Logit{}).TailBounds(uMax-resLo+thinSlack, noise); !ok {
			pHi = 1
		}
		if _, q, ok = (agents.Logit{}).TailBounds(uMin-resHi-thinSlack, noise); !ok {
			q = 1
		}
	} else {
		pHi, q = st.rule.Prob(uMax-resLo+thinSlack, noise), 1-st.rule.Prob(uMin-resHi-thinSlack, noise)
	}
	switch {
	case pHi <= thinMax:
		th.mode, th.bound = thinReject, pHi
	case inside && uMin > resHi && q <= thinMax:
		th.mode, th.bound = thinAccept, q
	}
	if th.mode != thinNone {
		th.skip = s.geometric(t, th.bound)
	}
}

// draftVer is the version of the preferences table t's draft reads: its
// own (thinVer) at a conceding mediator's table, and prefVer, moved by
// every effect on preferences and institutions' probabilities, at an
// expected-utility mediator's.
func (s *State) draftVer(t int) uint32 {
	if s.thinOn[t] {
		return s.thinVer[t]
	}
	return s.prefVer
}

// atCap reports whether table t's draft that stands was drafted at its
// mediator's maximum concession.
func (s *State) atCap(t int) bool {
	tb := &s.m.tables[t]
	return s.drafts[t].c == s.val(s.m.stances[tb.mediator*len(s.m.Tables)+t].maxConc, 1)
}

// draftRanges returns, per issue of table t, the range of the drafts its
// conceding mediator can propose from concession c0 on (draftRange over
// targetRange), computed once for the signatories planned together.
func (s *State) draftRanges(t int, c0 float64) (lo, hi []float64) {
	tb := &s.m.tables[t]
	lo, hi = s.thinLo[:len(tb.issues)], s.thinHi[:len(tb.issues)]
	rc := &s.thinRanges
	if rc.t == t && rc.rep == s.rep && rc.pref == s.thinVer[t] && rc.c0 == c0 {
		return lo, hi
	}
	*rc = rangeKey{t: t, rep: s.rep, pref: s.thinVer[t], c0: c0}
	cap := s.val(s.m.stances[tb.mediator*len(s.m.Tables)+t].maxConc, 1)
	for j := range tb.issues {
		tlo, thi := s.targetRange(t, j, true)
		lo[j], hi[j] = s.draftRange(t, j, c0, cap, tlo, thi)
	}
	return lo, hi
}

// rangeKey is the table, replicate, preferences and concession under
// which thinLo and thinHi hold a table's draft ranges.
type rangeKey struct {
	t    int
	rep  uint64
	pref uint32
	c0   float64
}

// planThinAfter plans signatory a's thinning at table t after a response
// with utility u against reservation res (NaN: the bounds decided it),
// unless the response shows that no plan can thin: a logit surplus within
// thinLogit noise units of zero has a probability in (thinMax, 1 −
// thinMax), and the bounds of a plan contain it. The state is then set
// to respond round by round under the current versions.
func (s *State) planThinAfter(t, a int, c0, u, res float64) {
	m := s.m
	st := &m.stances[a*len(m.Tables)+t]
	if _, ok := st.rule.(agents.Logit); ok && !math.IsNaN(res) && math.Abs(u-res) < thinLogit*s.val(st.noise, 0) {
		s.planNone(t, a)
		return
	}
	s.planThin(t, a, c0)
}

// thinLogit is a logit surplus, in noise units, whose probability
// 1/(1 + e^4) ≈ 0.018 is above thinMax.
const thinLogit = 4

// planNone sets signatory a's state at table t to respond round by round
// under the current versions, and returns it.
func (s *State) planNone(t, a int) *thin {
	th := &s.thins[t*len(s.m.Actors)+a]
	th.rep, th.ver, th.capped = s.rep, s.thinVer[t], s.atCap(t)
	th.mode, th.skip = thinNone, 0
	return th
}

// monotoneRule reports whether r is one of the built-in acceptance rules,
// whose probability does not decrease with the surplus; a registered rule
// is not thinned.
func monotoneRule(r agents.AcceptRule) bool {
	switch r.(type) {
	case agents.Logit, *agents.Logit, agents.Probit, *agents.Probit, agents.Threshold, *agents.Threshold:
		return true
	}
	return false
}

// targetRange returns bounds on the target of table t's j-th issue under
// any demand weights: the range of the ideals of the signatories that
// weigh on it (power × salience > 0), widened by far more than the
// rounding of a weighted mean. With no weight the target is the issue's
// current value: free widens it to the whole scale, which another table's
// agreement can move it across.
func (s *State) targetRange(t, j int, free bool) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, tm := range s.terms[t][s.termAt[t][j]:s.termAt[t][j+1]] {
		if tm.ps > 0 {
			lo, hi = min(lo, tm.ideal), max(hi, tm.ideal)
		}
	}
	if lo > hi {
		if free {
			return 0, 100
		}
		v := s.pos[s.m.tables[t].issues[j]]
		return v, v
	}
	return lo - 1e-9*(1+math.Abs(lo)), hi + 1e-9*(1+math.Abs(hi))
}

// draftRange bounds the conceding mediator's clamped draft on table t's
// j-th issue over every concession in [c0, max(cap, c0)] and every target
// in [tlo, thi]. The unclamped draft μ + c(T − μ) is monotone in c for a
// fixed T and in T for a fixed c (rounded arithmetic is monotone), so it
// lies between its values at the four corners; the clamps are monotone
// too.
func (s *State) draftRange(t, j int, c0, cap, tlo, thi float64) (lo, hi float64) {
	d := &s.drafts[t].d
	lo, hi = tlo, thi
	if own := d.Own[j]; !math.IsNaN(own) {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, c := range [2]float64{c0, max(cap, c0)} {
			for _, tt := range [2]float64{tlo, thi} {
				v := own + c*(tt-own)
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	clampAll := func(v float64) float64 {
		if d.Lo[j] <= d.Hi[j] {
			v = min(max(v, d.Lo[j]), d.Hi[j])
		}
		return min(max(v, d.OwnLo[j]), d.OwnHi[j])
	}
	return clampAll(lo), clampAll(hi)
}

// utilityRange bounds actor a's utility at table t over every package
// whose j-th issue lies in [lo[j], hi[j]]: each issue at the point nearest
// to a's ideal, and at the farthest, through utility's own expression,
// which is monotone in each distance. inside reports that no such package
// crosses a's red lines.
func (s *State) utilityRange(a, t int, lo, hi []float64) (uMax, uMin float64, inside bool) {
	m := s.m
	nT := len(m.Tables)
	uv := &m.utilViews[a*nT+t]
	var nMax, nMin, den float64
	inside = true
	for _, p := range uv.issues {
		l, h := lo[p.j], hi[p.j]
		if l < s.lo[p.k] || h > s.hi[p.k] {
			inside = false
		}
		id := s.ideal[p.k]
		near, far := clamp(id, l, h), l
		if math.Abs(h-id) > math.Abs(l-id) {
			far = h
		}
		sa := s.sal[p.k]
		nMax += sa * (1 - math.Abs(near-id)/100)
		nMin += sa * (1 - math.Abs(far-id)/100)
		den += sa
	}
	for _, p := range uv.defers {
		sa := s.vals[p.weight] * s.sal[p.k]
		v := sa * (1 - math.Abs(s.prospect[p.j]-s.ideal[p.k])/100)
		nMax += v
		nMin += v
		den += sa
	}
	uMax, uMin = 1, 1
	if den != 0 {
		uMax, uMin = nMax/den, nMin/den
	}
	b := s.bonus[a*nT+t]
	return uMax + b, uMin + b, inside
}

// checkThin records in s.thinErr the first response whose probability
// breaks signatory a's thinned bound (a test's check of planThin).
func (s *State) checkThin(a, t, r int, th *thin, p, u, res float64, bad bool) {
	s.thinChecks++
	var err error
	switch {
	case th.mode == thinReject && !(p <= th.bound):
		err = fmt.Errorf("P(accept) = %v above the bound %v", p, th.bound)
	case th.mode == thinAccept && (bad || !(1-p <= th.bound) || u < res):
		err = fmt.Errorf("P(reject) = %v above the bound %v (red line crossed: %v, u %v, reservation %v)", 1-p, th.bound, bad, u, res)
	}
	if err != nil && s.thinErr == nil {
		s.thinErr = fmt.Errorf("table %s, actor %s, round %d: %w", s.m.Tables[t], s.m.Actors[a], r, err)
	}
}

// Dormant tables. A table whose round fails whatever happens until
// something it reads moves (a signatory thinned to reject has no
// candidate before the horizon, and the rejected event is inert) goes
// dormant: the round loop skips it. Its rounds still matter through what
// they change, the other signatories' demand weights and its stream, so
// when anything a round of it reads is about to move (a linkage effect, a
// first occurrence or a used-up linkage that moves its versions, another
// table's agreement on an issue it shares), wakeTable runs the rounds it
// skipped first, round by
// round as stepMediated would have run them. Waking only replays: the
// replicate is the same, bit for bit, as one that never skips.

// maybeDormant makes open table t, whose signatories are thinned (a
// demand-gain table of a conceding mediator), dormant after its failed
// round r if every later round fails whatever happens until the world
// moves.
func (s *State) maybeDormant(t, r int) {
	if s.tr != nil || s.verifyThin || s.waking || s.noDormant {
		return
	}
	for _, a := range s.m.tables[t].signatories {
		if th := s.thinFor(t, a); th != nil && th.mode == thinReject && th.skip >= s.m.Horizon-1-r {
			if s.inert(s.m.tables[t].evRejected) {
				s.dormant[t], s.dormantFrom[t] = true, r+1
				s.nDormant++
				s.sleep[t] = math.MaxInt // the round loop skips it
			}
			return
		}
	}
}

// wakeTable runs, before something it reads moves in round r, the
// rounds dormant table t skipped: every round from the one it went
// dormant in up to r − 1, and r itself if the round loop has passed it
// (s.at: the table it is at, none before the tables step).
func (s *State) wakeTable(t, r int) {
	if !s.dormant[t] {
		return
	}
	s.dormant[t] = false
	s.nDormant--
	s.sleep[t] = 0
	end := r - 1
	if s.at != none && t < s.at {
		end = r
	}
	s.waking = true
	for rr := s.dormantFrom[t]; rr <= end; rr++ {
		if rr >= s.blockedUntil[t] {
			s.thinStats.Replayed++
			s.stepMediated(t, rr)
		}
	}
	s.waking = false
}

// touchEffect wakes the dormant tables that effect i of linkage l is
// about to move, moves their version (thinVer, which their drafts, plans
// and holds read) and wakes those asleep on a hold draw.
func (s *State) touchEffect(l, i, r int) {
	for _, t := range s.effTables[l][i] {
		if s.nDormant > 0 {
			s.wakeTable(t, r)
		}
		s.thinVer[t]++
		if s.heldSleep[t] {
			s.heldSleep[t], s.sleep[t] = false, 0
		}
	}
}

// prepareThin lists, per linkage effect, the conceding mediators' tables
// whose drafts, thinning plans, failing rounds or holds read what it
// moves: the ideals, saliences and red lines of the table's mediator and
// readers (signatories, members that respond as actors, electorates) on
// its issues and deferred issues, the prospects of its deferrals, the
// yes, silence and pass probabilities of its institutions, and its own
// bonuses, reservations and blocks; and, per table, the tables that share
// an issue with it (an agreement moves the issue's value).
func (s *State) prepareThin() {
	m := s.m
	nT := len(m.Tables)
	s.thinVer, s.dormant, s.dormantFrom = make([]uint32, nT), make([]bool, nT), make([]int, nT)
	reads := func(t int, e *effect) bool {
		tb := &m.tables[t]
		switch e.field {
		case fReservation, fBonus, fBlock:
			return e.table == t
		case fProspect:
			return slices.Contains(tb.defers, e.deferral)
		case fYes, fSilence, fPass:
			return slices.Contains(tb.ratify, e.inst)
		case fIdeal, fSalience, fMin, fMax:
			if e.actor != tb.mediator && !slices.Contains(s.readers[t], e.actor) {
				return false
			}
			if slices.Contains(tb.issues, e.issue) {
				return true
			}
			for _, d := range tb.defers {
				if m.defers[d].issue == e.issue {
					return true
				}
			}
		}
		return false
	}
	s.effTables = make([][][]int, len(m.links))
	for l := range m.links {
		s.effTables[l] = make([][]int, len(m.links[l].effects))
		for i := range m.links[l].effects {
			for t := range m.tables {
				if s.thinOn[t] && reads(t, &m.links[l].effects[i]) {
					s.effTables[l][i] = append(s.effTables[l][i], t)
				}
			}
		}
	}
	s.sharing = make([][]int, nT)
	for t := range m.tables {
		for u := range m.tables {
			if u != t && s.thinOn[u] && slices.ContainsFunc(m.tables[t].issues, func(i int) bool { return slices.Contains(m.tables[u].issues, i) }) {
				s.sharing[t] = append(s.sharing[t], u)
			}
		}
	}
}
