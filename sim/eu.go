package sim

import (
	"math"
	"slices"

	"github.com/negsim/negsim/agents"
)

// The expected-utility mediator (docs/MODEL.md §3.10). Its beliefs about
// each responder's current reservation at a table are an interval [lo, hi]
// over which it holds the reservation uniform. The interval starts as the
// hull of the supports of the responder's reservation and reservation_end
// distributions, and each response narrows it as a threshold response
// would: a rejection of a package worth u to the responder raises lo to u,
// an acceptance lowers hi to u; if the evidence leaves the interval, it
// moves to the evidence.

// euGrid, euBisect and euRefine set the search over the concession c: a
// grid of euGrid+1 points over [0, c̄]; euBisect bisection steps for the
// onset of acceptance (the lowest c with P > 0, to 1/(8·2⁶) of c̄); a second
// grid of euGrid+1 points between that onset and where P stops rising; and
// euRefine golden-section steps around the best point (the bracket shrinks
// by 0.618 each).
const (
	euGrid   = 8
	euBisect = 6
	euRefine = 10
)

// resetBeliefs sets every expected-utility table's beliefs to their priors
// and caches the responders' expected noise (the mean of their noise
// distribution: the mediator does not see the replicate's draw).
func (s *State) resetBeliefs() {
	m := s.m
	nA, nT := len(m.Actors), len(m.Tables)
	for t := range m.tables {
		if !m.tables[t].eu {
			continue
		}
		for a := range nA {
			st := &m.stances[a*nT+t]
			k := t*nA + a
			s.belLo[k], s.belHi[k], s.belNoise[k] = math.NaN(), math.NaN(), 0
			if !st.has || st.resStart == none {
				continue
			}
			lo, hi := m.params[st.resStart].Bounds()
			if st.resEnd != none {
				l2, h2 := m.params[st.resEnd].Bounds()
				lo, hi = min(lo, l2), max(hi, h2)
			}
			s.belLo[k], s.belHi[k] = lo, hi
			if st.noise != none {
				s.belNoise[k] = m.params[st.noise].Mean()
			}
		}
	}
}

// believedAccept is the mediator's probability that actor a accepts a
// package worth u to it at table t.
func (s *State) believedAccept(a, t int, u float64) float64 {
	m := s.m
	k := t*len(m.Actors) + a
	st := &m.stances[a*len(m.Tables)+t]
	return agents.AcceptUniform(st.rule, u, s.belLo[k], s.belHi[k], s.belNoise[k])
}

// updateBelief narrows the mediator's belief about a after a response to a
// package worth u to a.
func (s *State) updateBelief(a, t int, accepted bool, u float64) {
	k := t*len(s.m.Actors) + a
	lo, hi := s.belLo[k], s.belHi[k]
	if accepted {
		s.belHi[k] = min(s.belHi[k], u)
		s.belLo[k] = min(s.belLo[k], s.belHi[k])
	} else {
		s.belLo[k] = max(s.belLo[k], u)
		s.belHi[k] = max(s.belHi[k], s.belLo[k])
	}
	if s.belLo[k] != lo || s.belHi[k] != hi {
		s.belVer[t]++ // the table's last draft was optimal for other beliefs
	}
}

// draftEU drafts into x the package that maximises the mediator's expected
// utility at table t in round r, searching the concession c in
// [0, capC] along the conceding mediator's path d; it sets d.Conceded to
// the chosen c and returns the estimated probability that the package is
// accepted and ratified.
func (s *State) draftEU(t, r int, d *agents.Draft, capC float64, x []float64) float64 {
	m := s.m
	s.euStamp++ // deferred parts of utilities computed before this are stale
	tb := &m.tables[t]
	ms := &m.stances[tb.mediator*len(m.Tables)+t]
	breakdown := math.NaN()
	if ms.breakdown != none {
		breakdown = s.vals[ms.breakdown]
	} else {
		for j, i := range tb.issues {
			x[j] = s.pos[i]
		}
		breakdown, _ = s.utility(tb.mediator, t, x)
	}
	s.prepConstQ(t)
	y, last := s.cand[:len(x)], s.candPrev[:len(x)]
	// eval is a pure function of c while the search runs, and of the
	// package y(c): a package equal to the last one evaluated (several c
	// clamp to the same red lines) reuses its result, the same bits, and
	// so does a point of the fine grid met before (recall).
	haveLast, lastEU, lastP := false, 0.0, 0.0
	s.memo = s.memo[:0]
	eval := func(c float64) (eu, p float64) {
		d.Conceded = c
		agents.ConcedingMediator{}.Propose(d, y)
		if haveLast && slices.Equal(y, last) {
			return lastEU, lastP
		}
		um, _ := s.searchUtility(tb.mediator, t, y)
		p = s.believedDeal(t, r, y)
		eu = p*um + (1-p)*breakdown
		copy(last, y)
		haveLast, lastEU, lastP = true, eu, p
		return eu, p
	}
	// remember keeps the grid and bisection points, which the fine grid
	// can meet again.
	remember := func(c, eu, p float64) {
		if len(s.memo) < cap(s.memo) {
			s.memo = append(s.memo, euPoint{c, eu, p})
		}
	}
	recall := func(c float64) (eu, p float64) {
		for _, e := range s.memo {
			if e.c == c {
				return e.eu, e.p
			}
		}
		return eval(c)
	}
	// 1. A coarse grid over [0, capC].
	bestC, bestEU, bestP := 0.0, math.Inf(-1), 0.0
	onLo, onHi, sat := -1.0, -1.0, capC
	prevC, pMax := 0.0, -1.0
	for g := 0; g <= euGrid; g++ {
		c := capC * float64(g) / euGrid
		eu, p := eval(c)
		remember(c, eu, p)
		if eu > bestEU {
			bestC, bestEU, bestP = c, eu, p
		}
		if p > 0 && onHi < 0 {
			onLo, onHi = prevC, c
		}
		if p > pMax+1e-12 {
			pMax, sat = p, c
		}
		prevC = c
	}
	if onHi < 0 {
		// Nothing on the path has a chance under the beliefs: the best is
		// a breakdown, and the grid's best (the least concession among
		// ties) stands.
		d.Conceded = bestC
		agents.ConcedingMediator{}.Propose(d, x)
		return bestP
	}
	// 2. Where acceptance becomes possible: bisect between the last grid
	// point with P = 0 and the first with P > 0 (the belief's kink can be
	// narrower than a grid cell).
	lo := onHi
	if onHi > onLo {
		a, b := onLo, onHi
		for range euBisect {
			mid := (a + b) / 2
			eu, p := eval(mid)
			remember(mid, eu, p)
			if p > 0 {
				b = mid
			} else {
				a = mid
			}
		}
		lo = a
	}
	hi := max(sat, lo)
	// 3. A fine grid between that onset and where P stops rising, then
	// golden-section steps around its best point.
	step := (hi - lo) / euGrid
	for g := 0; g <= euGrid; g++ {
		c := lo + step*float64(g)
		if eu, p := recall(c); eu > bestEU {
			bestC, bestEU, bestP = c, eu, p
		}
	}
	if step > 0 {
		const phi = 0.6180339887498949
		a, b := max(bestC-step, 0), min(bestC+step, capC)
		c1, c2 := b-phi*(b-a), a+phi*(b-a)
		e1, p1 := eval(c1)
		e2, p2 := eval(c2)
		for range euRefine {
			if e1 >= e2 {
				b, c2, e2, p2 = c2, c1, e1, p1
				c1 = b - phi*(b-a)
				e1, p1 = eval(c1)
			} else {
				a, c1, e1, p1 = c1, c2, e2, p2
				c2 = a + phi*(b-a)
				e2, p2 = eval(c2)
			}
		}
		if e1 > bestEU {
			bestC, bestEU, bestP = c1, e1, p1
		}
		if e2 > bestEU {
			bestC, bestEU, bestP = c2, e2, p2
		}
	}
	d.Conceded = bestC
	agents.ConcedingMediator{}.Propose(d, x)
	return bestP
}

// believedDeal is the mediator's probability that package y at table t is
// accepted by every signatory and passes every institution in round r. It
// knows the institutions' voting, silence and pass probabilities as they
// stand (it convenes them), not the voters' reservations, which it treats
// like the signatories' (their prior interval, not updated).
func (s *State) believedDeal(t, r int, y []float64) float64 {
	m := s.m
	tb := &m.tables[t]
	p := 1.0
	for _, a := range tb.signatories {
		u, bad := s.searchUtility(a, t, y)
		if bad {
			return 0
		}
		p *= s.believedAccept(a, t, u)
	}
	for _, i := range tb.ratify {
		if p == 0 {
			return 0
		}
		in := &m.insts[i]
		switch {
		case in.kind == kindReferendum && len(in.groups) > 0:
			var num, den float64
			for j, g := range in.groups {
				v := s.groupYes[i][j]
				if g.electorate != none {
					u, _ := s.searchUtility(g.electorate, t, y)
					v = logistic(logit(v) + s.vals[g.slope]*(u-s.believedReservation(g.electorate, t)))
				}
				num += s.vals[g.share] * v
				den += s.vals[g.share]
			}
			if num/den <= in.threshold {
				return 0
			}
		case in.kind == kindReferendum:
			q := s.pass[i]
			if in.electorate != none && in.slope != none {
				u, _ := s.searchUtility(in.electorate, t, y)
				q = logistic(logit(q) + s.vals[in.slope]*(u-s.believedReservation(in.electorate, t)))
			}
			p *= q
		default:
			cq := s.constQ[i]
			for j, a := range in.members {
				if in.yesP[j] != none {
					p *= cq[j]
					continue
				}
				var q float64
				if u, bad := s.searchUtility(a, t, y); !bad {
					q = s.believedAccept(a, t, u)
				}
				if in.silence {
					q += (1 - q) * s.silence[i][j]
				}
				p *= q
			}
		}
	}
	return p
}

// prepConstQ sets, for each member of table t's consensus and veto
// institutions that votes yes with a given probability, its factor in
// believedDeal, which no candidate changes: that probability, raised by its
// silence probability where silence counts.
func (s *State) prepConstQ(t int) {
	for _, i := range s.m.tables[t].ratify {
		in := &s.m.insts[i]
		if in.kind == kindReferendum {
			continue
		}
		for j := range in.members {
			if in.yesP[j] == none {
				continue
			}
			q := s.yes[i][j]
			if in.silence {
				q += (1 - q) * s.silence[i][j]
			}
			s.constQ[i][j] = q
		}
	}
}

// euPoint is an evaluated point of the expected-utility search.
type euPoint struct{ c, eu, p float64 }

// believedReservation is the midpoint of the mediator's belief about a's
// reservation at t; 0 when a has no reservation there, as in the engine.
func (s *State) believedReservation(a, t int) float64 {
	k := t*len(s.m.Actors) + a
	if math.IsNaN(s.belLo[k]) {
		return 0
	}
	return (s.belLo[k] + s.belHi[k]) / 2
}

// euView is an actor's utility at the table being searched, prepared once
// per search (its inputs do not move during one): the deferred issues' part
// and the bonus, and the ideal, salience and red lines of each table issue
// the actor holds a position on, at [a*maxIssues, a*maxIssues+n) of the
// State's view arrays.
type euView struct {
	stamp          uint32
	n              int
	num, den, bons float64
}

// searchUtility is utility (§3.1) for a candidate draft y of table t during
// the expected-utility search: the deferred issues' part, which no candidate
// changes, is summed once per search and added to the table issues' part
// (a different order of the same sum as utility, so the last bits can
// differ; only the mediator's search uses it). Without deferred issues it
// is utility's sum, in utility's order.
func (s *State) searchUtility(a, t int, y []float64) (float64, bool) {
	v := &s.views[a]
	if v.stamp != s.euStamp {
		s.prepView(a, t)
	}
	num, den := v.num, v.den
	violates := false
	off := a * s.m.maxIssues
	js := s.vJ[off : off+v.n]
	id, sa, lo, hi := s.vIdeal[off:off+v.n], s.vSal[off:off+v.n], s.vLo[off:off+v.n], s.vHi[off:off+v.n]
	for q, j := range js {
		yj := y[j]
		if yj < lo[q] || yj > hi[q] {
			violates = true
		}
		num += sa[q] * (1 - math.Abs(yj-id[q])/100)
		den += sa[q]
	}
	u := 1.0
	if den != 0 {
		u = num / den
	}
	return u + v.bons, violates
}

// prepView prepares actor a's euView at table t for the current search.
func (s *State) prepView(a, t int) {
	m := s.m
	tb := &m.tables[t]
	nI, nA := len(m.Issues), len(m.Actors)
	var num, den float64
	for _, d := range tb.defers {
		df := &m.defers[d]
		k := a*nI + df.issue
		if !m.pos[k].has {
			continue
		}
		w := s.vals[df.weight] * s.sal[k]
		num += w * (1 - math.Abs(s.prospect[d*nA+a]-s.ideal[k])/100)
		den += w
	}
	off, n := a*m.maxIssues, 0
	for j, i := range tb.issues {
		k := a*nI + i
		if !m.pos[k].has {
			continue
		}
		s.vJ[off+n], s.vIdeal[off+n], s.vSal[off+n], s.vLo[off+n], s.vHi[off+n] = j, s.ideal[k], s.sal[k], s.lo[k], s.hi[k]
		n++
	}
	s.views[a] = euView{stamp: s.euStamp, n: n, num: num, den: den, bons: s.bonus[a*len(m.Tables)+t]}
}
