package agents

import "math"

// AlternatingValues fills v with the subgame-perfect continuation values of an
// n-player alternating-offers game over a pie of size 1 with a deadline,
// solved by backward induction from the deadline (Rubinstein 1982 for n = 2,
// truncated; Ståhl 1972).
//
// Player (r mod n) proposes in game round r = 0, …, rounds-1 and every other
// player responds; the pie is divided if all accept. d[j] is player j's
// per-round discount factor and end[j] its payoff when the deadline passes
// without agreement (round rounds). On return v[r*n+j], for r = 0, …, rounds,
// is player j's payoff, in round-r units, of the subgame that starts at round
// r; v must have length (rounds+1)*n. In equilibrium the proposer of round r
// offers every responder j exactly d[j]*v[(r+1)*n+j], each responder accepts
// an offer at least that large, and the proposer keeps the rest.
//
// With d1 = d2 = d, end = 0 and two players the first proposer's value is
// (1-(-d)^rounds)/(1+d); as rounds grows it tends to Rubinstein's
// (1-d2)/(1-d1*d2). AlternatingValues allocates nothing.
func AlternatingValues(v, d, end []float64, rounds int) {
	n := len(d)
	copy(v[rounds*n:(rounds+1)*n], end)
	for r := rounds - 1; r >= 0; r-- {
		cur, next := v[r*n:(r+1)*n], v[(r+1)*n:(r+2)*n]
		p := r % n
		keep := 1.0
		for j := range n {
			if j != p {
				cur[j] = d[j] * next[j]
				keep -= cur[j]
			}
		}
		// A proposer who gains more by waiting makes an unacceptable offer;
		// the responders then get their discounted continuation anyway.
		cur[p] = max(keep, d[p]*next[p])
	}
}

// TieTol is the tolerance within which two costs or values are treated as
// equal by the game strategies: far above the rounding error of the value
// computations (about 1e-16) and far below any economically meaningful
// difference.
const TieTol = 1e-12

// LegislativeValues computes the stationary subgame-perfect continuation
// values of closed-rule Baron–Ferejohn (1989) bargaining over a pie of size 1
// by damped fixed-point iteration. p[j] is player j's probability of being
// recognised as proposer (summing to 1), d[j] its discount factor and q the
// number of yes votes, proposer included, that pass a proposal.
//
// Given values v, a proposer i offers d[k]*v[k] to the q-1 others for whom
// that is cheapest, each tie at the cut-off being included with equal
// probability, and keeps the rest; a responder accepts iff its offer is at
// least d[k]*v[k]. v[j] is then j's expected payoff before recognition, and
// the stationary equilibrium is the fixed point of that map. With equal p the
// fixed point is v[j] = 1/n: the proposer keeps 1-d(q-1)/n and each partner
// gets d/n.
//
// v receives the values (its input is ignored; iteration starts from p);
// work must have length at least 2n. It returns the number of iterations and
// whether the largest change of the last one was below 1e-14. It allocates
// nothing.
//
// The values are exact for equal recognition probabilities, the textbook
// case. With unequal ones the stationary equilibrium may require proposers
// to mix over coalitions with unequal probabilities (Eraslan 2002), which the
// equal-probability tie rule cannot express: the iteration then cycles near
// the equilibrium, stops after 2000 iterations and reports converged false,
// leaving an approximation in v.
func LegislativeValues(v, p, d []float64, q int, work []float64) (iterations int, converged bool) {
	n := len(p)
	copy(v, p)
	cost, next := work[:n], work[n:2*n]
	const maxIter = 2000
	for it := 1; it <= maxIter; it++ {
		for k := range n {
			cost[k] = d[k] * v[k]
			next[k] = 0
		}
		for i := range n {
			if p[i] == 0 {
				continue
			}
			cut, below, tied := LegislativeCut(cost, i, q-1)
			// Partners strictly below the cut-off are always included; the
			// remaining slots go to the tied ones with equal probability.
			incl := 0.0
			if tied > 0 {
				incl = float64(q-1-below) / float64(tied)
			}
			keep := 1.0
			for k := range n {
				if k == i {
					continue
				}
				var w float64
				switch {
				case cost[k] < cut-TieTol:
					w = 1
				case cost[k] <= cut+TieTol:
					w = incl
				}
				next[k] += p[i] * w * cost[k]
				keep -= w * cost[k]
			}
			next[i] += p[i] * keep
		}
		delta := 0.0
		for k := range n {
			nv := 0.5*v[k] + 0.5*next[k]
			delta = max(delta, math.Abs(nv-v[k]))
			v[k] = nv
		}
		if delta < 1e-14 {
			return it, true
		}
	}
	return maxIter, false
}

// LegislativeCut returns, for proposer i choosing m partners among the
// others by cost, the cost of the m-th cheapest other player (the cut-off),
// how many others lie strictly below it and how many are tied with it (within
// TieTol). With m <= 0 the cut-off is -Inf and no one is included. It
// allocates nothing: it selects by repeated scans, cheap for the few players
// of a table.
func LegislativeCut(cost []float64, i, m int) (cut float64, below, tied int) {
	if m <= 0 {
		return math.Inf(-1), 0, 0
	}
	cut = math.Inf(1)
	for c := range cost {
		if c == i {
			continue
		}
		less, leq := 0, 0
		for k := range cost {
			if k == i {
				continue
			}
			if cost[k] < cost[c] {
				less++
			}
			if cost[k] <= cost[c] {
				leq++
			}
		}
		if less < m && leq >= m {
			cut = cost[c]
			break
		}
	}
	for k := range cost {
		if k == i {
			continue
		}
		switch {
		case cost[k] < cut-TieTol:
			below++
		case cost[k] <= cut+TieTol:
			tied++
		}
	}
	return cut, below, tied
}
