package sim

import (
	"math"

	"github.com/negsim/negsim/agents"
)

// Protocols.
const (
	protoMediated = iota
	protoAlternating
	protoLegislative
	protoMajority
)

// defaultNoise is the acceptance noise of a stance that gives none: about a
// twentieth of the utility scale (documented in docs/MODEL.md).
const defaultNoise = 0.05

// utility returns actor a's utility for the package x at table t (x indexed
// by the table's issues) and whether x crosses one of a's red lines.
func (s *State) utility(a, t int, x []float64) (u float64, violates bool) {
	m := s.m
	nI := len(m.Issues)
	n := 0
	for j, i := range m.tables[t].issues {
		k := a*nI + i
		if !m.pos[k].has {
			continue
		}
		s.xi[n], s.id[n], s.sa[n] = x[j], s.ideal[k], s.sal[k]
		if x[j] < s.lo[k] || x[j] > s.hi[k] {
			violates = true
		}
		n++
	}
	return agents.Utility(s.xi[:n], s.id[:n], s.sa[:n]) + s.bonus[a*len(m.Tables)+t], violates
}

// concession is agents.Concession at t = r/H, computed from the model's
// table of log(r/H) so that the hot loop pays one Exp instead of a Pow.
func (s *State) concession(r int, e, k float64) float64 {
	return k + (1-k)*math.Exp(s.m.logT[r]/e)
}

// reservation returns actor a's reservation at table t in round r.
func (s *State) reservation(a, t, r int) float64 {
	m := s.m
	st := &m.stances[a*len(m.Tables)+t]
	start := s.val(st.resStart, 0)
	res := start
	if st.resEnd != none {
		f := s.concession(r, s.val(st.e, 1), s.val(st.k, 0))
		res = agents.Reservation(start, s.vals[st.resEnd], f)
	}
	return res + s.resShift[a*len(m.Tables)+t]
}

// respond draws actor a's response to x at table t in round r.
func (s *State) respond(a, t, r int, x []float64) (ok bool, u, res, p float64) {
	st := &s.m.stances[a*len(s.m.Tables)+t]
	u, bad := s.utility(a, t, x)
	res = s.reservation(a, t, r)
	if !bad {
		p = st.rule.Prob(u-res, s.val(st.noise, defaultNoise))
	}
	// Always draw, so a replicate's stream does not depend on red lines.
	return s.rng.Float64() < p, u, res, p
}

func (s *State) stepMediated(t, r int) {
	m := s.m
	tb := &m.tables[t]
	nI, nA := len(m.Issues), len(m.Actors)
	k := len(tb.issues)
	d := &s.draft
	d.Own, d.Target, d.Lo, d.Hi, d.OwnLo, d.OwnHi = s.own[:k], s.target[:k], s.fLo[:k], s.fHi[:k], s.oLo[:k], s.oHi[:k]
	for j, i := range tb.issues {
		var num, den float64
		lo, hi := math.Inf(-1), math.Inf(1)
		for _, a := range tb.signatories {
			p := a*nI + i
			if !m.pos[p].has {
				continue
			}
			w := s.vals[m.actorPower[a]] * s.sal[p] * s.demand[t*nA+a]
			num += w * s.ideal[p]
			den += w
			lo, hi = math.Max(lo, s.lo[p]), math.Min(hi, s.hi[p])
		}
		d.Target[j] = s.pos[i]
		if den > 0 {
			d.Target[j] = num / den
		}
		d.Lo[j], d.Hi[j] = lo, hi
		mp := tb.mediator*nI + i
		d.Own[j], d.OwnLo[j], d.OwnHi[j] = math.NaN(), math.Inf(-1), math.Inf(1)
		if m.pos[mp].has {
			d.Own[j], d.OwnLo[j], d.OwnHi[j] = s.ideal[mp], s.lo[mp], s.hi[mp]
		}
	}
	ms := &m.stances[tb.mediator*len(m.Tables)+t]
	f := s.concession(r, s.vals[ms.e], s.val(ms.k, 0))
	d.Conceded = math.Min(f, s.val(ms.maxConc, 1))
	x := s.offer[:k]
	tb.proposer.Propose(d, x)
	if s.tr != nil {
		s.ev = blank(r, TraceOffer)
		s.ev.Table, s.ev.Actor, s.ev.Offer, s.ev.P = t, tb.mediator, x, d.Conceded
		s.tr.Trace(&s.ev)
	}

	accepted := true
	gain := s.val(tb.demandGain, 0)
	for _, a := range tb.signatories {
		ok, u, res, p := s.respond(a, t, r, x)
		if s.tr != nil {
			s.ev = blank(r, TraceResponse)
			s.ev.Table, s.ev.Actor, s.ev.Accept, s.ev.U, s.ev.R, s.ev.P = t, a, ok, u, res, p
			s.tr.Trace(&s.ev)
		}
		if !ok {
			accepted = false
			s.demand[t*nA+a] *= 1 + gain
		}
	}
	s.settle(t, r, accepted, x)
}

// settle ends a round of any protocol: a rejected proposal fires the table's
// rejected event; an accepted one goes to the table's institutions, if any,
// and is agreed.
func (s *State) settle(t, r int, accepted bool, x []float64) {
	tb := &s.m.tables[t]
	if !accepted {
		s.fire(tb.evRejected, r)
		return
	}
	if !s.ratify(t, r, x) {
		s.fire(tb.evVetoed, r)
		return
	}
	s.agree(t, r, x)
}

// ratify runs table t's institutions in order on x and reports whether all
// passed.
func (s *State) ratify(t, r int, x []float64) bool {
	for _, i := range s.m.tables[t].ratify {
		ok := s.decide(i, t, r, x)
		if s.tr != nil {
			s.ev = blank(r, TraceDecision)
			s.ev.Table, s.ev.Institution, s.ev.Accept = t, i, ok
			s.tr.Trace(&s.ev)
		}
		if !ok {
			return false
		}
	}
	return true
}

// decide applies institution i's rule to package x of table t.
func (s *State) decide(i, t, r int, x []float64) bool {
	in := &s.m.insts[i]
	if in.kind == kindReferendum {
		p := s.pass[i]
		if in.electorate != none && in.slope != none {
			u, _ := s.utility(in.electorate, t, x)
			res := s.reservation(in.electorate, t, r)
			p = logistic(logit(p) + s.vals[in.slope]*(u-res))
		}
		return s.rng.Float64() < p
	}
	passed := true
	for j, a := range in.members {
		var yes bool
		var u, res, p float64
		if in.yesP[j] != none {
			p = s.yes[i][j]
			yes = s.rng.Float64() < p
		} else {
			yes, u, res, p = s.respond(a, t, r, x)
		}
		silent := false
		if !yes && in.silence {
			silent = s.rng.Float64() < s.silence[i][j]
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

func logit(p float64) float64 {
	p = clamp(p, 1e-12, 1-1e-12)
	return math.Log(p / (1 - p))
}

func logistic(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
