package bdm

import (
	"errors"
	"fmt"
	"math"
)

// Actor is one participant: its capability (power, ≥ 0), its position on
// the issue and the salience of the issue to it (in [0,1]).
type Actor struct {
	Name       string
	Capability float64
	Position   float64
	Salience   float64
}

// Denominator selects how the probability of success is normalised.
type Denominator uint8

const (
	// DenomAllPairs divides the support for i over j by the total absolute
	// support over every ordered pair of positions in the round, as the
	// replication of Scholz et al.'s results does. The default.
	DenomAllPairs Denominator = iota
	// DenomContest divides by the absolute support in the contest of i and
	// j alone, so P(i,j) + P(j,i) = 1.
	DenomContest
)

// CompromiseRule selects which compromise an actor accepts when it has
// several.
type CompromiseRule uint8

const (
	// CompromiseLowest takes the compromise whose EU-weighted position is
	// smallest, as the replication reports Scholz's code does. The default.
	CompromiseLowest CompromiseRule = iota
	// CompromiseLeastMove takes the compromise that moves the actor least,
	// as the paper's text states.
	CompromiseLeastMove
)

// Options selects the documented variants. Its zero value is the model as
// the replication of Scholz, Calbert & Smith (2011) runs it.
type Options struct {
	// ChangeProb is 1−Q: the probability that the status quo changes
	// absent a challenge. 0 (Q = 1) in the paper.
	ChangeProb float64
	// WorsenProb is 1−T: the probability that such a change goes against
	// the challenger. Irrelevant when ChangeProb is 0.
	WorsenProb float64
	// RiskNeutral fixes every risk exponent at 1 instead of deriving it
	// from the actors' dangers.
	RiskNeutral bool
	// Denominator of the probability of success.
	Denominator Denominator
	// Compromise rule when an actor has several compromise offers.
	Compromise CompromiseRule
	// NoCapitulation disables the capitulation move, as the replication's
	// code does (by a typo); it changes nothing in the example.
	NoCapitulation bool
	// Lo and Hi, when Hi > Lo, bound the issue scale: New rejects a
	// position outside [Lo, Hi]. They do not change the model, whose
	// distances are normalised by the spread of the initial positions.
	Lo, Hi float64
}

// Errors returned by New, wrapped with the offending actor or option.
var (
	ErrTooFewActors = errors.New("bdm: the model needs at least 3 actors")
	ErrActor        = errors.New("bdm: invalid actor")
	ErrOptions      = errors.New("bdm: invalid options")
)

// Kind is the move an actor makes in a round.
type Kind uint8

const (
	// NoMove: no offer the actor accepts.
	NoMove Kind = iota
	// Confrontation: the actor expects to lose a challenge and takes the
	// proposer's position.
	Confrontation
	// Compromise: the actor moves part of the way towards the proposer.
	Compromise
	// Capitulation: the actor gives in and takes the proposer's position.
	Capitulation
)

var kindNames = [...]string{"none", "confrontation", "compromise", "capitulation"}

// String returns the lower-case name of the move.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Offer is what one actor's challenge means to another, in the eyes of the
// one challenged (actor i, proposer j).
type Offer struct {
	Kind     Kind
	Proposer int     // j; −1 when Kind is NoMove in a Move
	Position float64 // where i would move (its own position if NoMove)
	EUi      float64 // i's expected utility of challenging j, as i sees it
	EUj      float64 // j's expected utility of challenging i, as i sees it
}

// Model is a running BDM model. It is not safe for concurrent use.
type Model struct {
	n     int
	names []string
	w     []float64 // c_k s_k
	s     []float64 // salience
	x     []float64 // positions at the start of the next round
	next  []float64 // scratch: positions after the round
	r     []float64 // risk exponents used in the last round
	dist  []float64 // n×n: d(x_k, x_a)^r_k, row a
	usq   []float64 // U_sq with each actor's exponent
	prob  []float64 // n×n: P(i,j)
	dang  []float64 // dangers
	pairs []Offer   // n×n: pairs[i*n+j] = offer j makes i (last round)
	moves []Offer   // n: the move each actor made (last round)
	span  float64   // R
	opt   Options
	round int
}

// New validates the actors and options and returns a model at round 0.
// The actors slice is not retained.
func New(actors []Actor, opts Options) (*Model, error) {
	n := len(actors)
	if n < 3 {
		return nil, fmt.Errorf("%w (got %d): the probability of success sums the support of third parties", ErrTooFewActors, n)
	}
	if err := checkOptions(opts); err != nil {
		return nil, err
	}
	m := &Model{
		n:     n,
		names: make([]string, n),
		w:     make([]float64, n),
		s:     make([]float64, n),
		x:     make([]float64, n),
		next:  make([]float64, n),
		r:     make([]float64, n),
		dist:  make([]float64, n*n),
		usq:   make([]float64, n),
		prob:  make([]float64, n*n),
		dang:  make([]float64, n),
		pairs: make([]Offer, n*n),
		moves: make([]Offer, n),
		opt:   opts,
	}
	if err := m.Reset(actors); err != nil {
		return nil, err
	}
	return m, nil
}

// Reset restarts the model at round 0 with new actors, as many as it was
// made with, reusing its memory: a simulation that draws the actors'
// parameters afresh for every replicate allocates nothing per replicate.
func (m *Model) Reset(actors []Actor) error {
	if len(actors) != m.n {
		return fmt.Errorf("%w: Reset with %d actors, the model has %d", ErrActor, len(actors), m.n)
	}
	total := 0.0
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, a := range actors {
		if err := checkActor(i, a, m.opt); err != nil {
			return err
		}
		total += a.Capability * a.Salience
		lo, hi = math.Min(lo, a.Position), math.Max(hi, a.Position)
	}
	if !(total > 0) {
		return fmt.Errorf("%w: no actor has both capability and salience above 0, so the weighted forecast is undefined", ErrActor)
	}
	m.span, m.round = hi-lo, 0
	if m.span == 0 {
		// Every actor at one position: no contest can arise; any scale works.
		m.span = 1
	}
	for i, a := range actors {
		m.names[i] = a.Name
		m.w[i] = a.Capability * a.Salience
		m.s[i] = a.Salience
		m.x[i] = a.Position
		m.r[i] = 1
		m.moves[i] = Offer{Proposer: -1, Position: a.Position}
	}
	return nil
}

func checkOptions(o Options) error {
	for _, p := range []struct {
		name string
		v    float64
	}{{"ChangeProb (1-Q)", o.ChangeProb}, {"WorsenProb (1-T)", o.WorsenProb}} {
		if !(p.v >= 0 && p.v <= 1) {
			return fmt.Errorf("%w: %s = %v, want a probability in [0,1]", ErrOptions, p.name, p.v)
		}
	}
	if o.Denominator > DenomContest {
		return fmt.Errorf("%w: unknown Denominator %d", ErrOptions, o.Denominator)
	}
	if o.Compromise > CompromiseLeastMove {
		return fmt.Errorf("%w: unknown Compromise rule %d", ErrOptions, o.Compromise)
	}
	if math.IsNaN(o.Lo) || math.IsNaN(o.Hi) || math.IsInf(o.Lo, 0) || math.IsInf(o.Hi, 0) {
		return fmt.Errorf("%w: scale [%v, %v] is not finite", ErrOptions, o.Lo, o.Hi)
	}
	if o.Hi < o.Lo {
		return fmt.Errorf("%w: scale [%v, %v] has Hi below Lo", ErrOptions, o.Lo, o.Hi)
	}
	return nil
}

func checkActor(i int, a Actor, o Options) error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case !finite(a.Capability) || a.Capability < 0:
		return fmt.Errorf("%w: actor %d (%q): capability %v, want a finite number ≥ 0", ErrActor, i, a.Name, a.Capability)
	case !(a.Salience >= 0 && a.Salience <= 1):
		return fmt.Errorf("%w: actor %d (%q): salience %v, want a number in [0,1]", ErrActor, i, a.Name, a.Salience)
	case !finite(a.Position):
		return fmt.Errorf("%w: actor %d (%q): position %v is not finite", ErrActor, i, a.Name, a.Position)
	case o.Hi > o.Lo && (a.Position < o.Lo || a.Position > o.Hi):
		return fmt.Errorf("%w: actor %d (%q): position %v outside the scale [%v, %v]", ErrActor, i, a.Name, a.Position, o.Lo, o.Hi)
	}
	return nil
}

// Len returns the number of actors.
func (m *Model) Len() int { return m.n }

// Name returns actor i's name.
func (m *Model) Name(i int) string { return m.names[i] }

// Round returns the number of rounds played.
func (m *Model) Round() int { return m.round }

// Span returns R, the spread of the initial positions that normalises
// every distance (1 if all actors started at one position).
func (m *Model) Span() float64 { return m.span }

// Positions returns the current positions, in the actors' order. The slice
// belongs to the model: read it before the next Step and do not modify it.
func (m *Model) Positions() []float64 { return m.x }

// Risks returns the risk exponents r_i used in the last round (all 1
// before the first). The slice belongs to the model.
func (m *Model) Risks() []float64 { return m.r }

// Move returns the move actor i made in the last round: its kind, the
// proposer it accepted (−1 for NoMove), its new position and the two
// expected utilities that decided it.
func (m *Model) Move(i int) Offer { return m.moves[i] }

// Pair returns the offer that actor j's challenge made actor i in the last
// round, as i saw it, whether or not i took it. Kind is NoMove when the
// expected utilities call for no move by i (including j = i and actors at
// the same position).
func (m *Model) Pair(i, j int) Offer { return m.pairs[i*m.n+j] }

// Forecast returns the capability×salience-weighted mean and median of the
// current positions.
func (m *Model) Forecast() (mean, median float64) {
	return weightedMean(m.w, m.x), weightedMedian(m.w, m.x)
}

// Step plays one round: risk exponents from the dangers, then every
// actor's best offer, applied to all actors at once. It does not allocate.
func (m *Model) Step() {
	n := m.n
	if m.opt.RiskNeutral {
		for i := range m.r {
			m.r[i] = 1
		}
	} else {
		m.updateRisk()
	}
	m.fillDist()
	m.fillProb()
	mu := weightedMean(m.w, m.x)
	for i := 0; i < n; i++ {
		m.next[i] = m.chooseOffer(i, mu)
	}
	m.x, m.next = m.next, m.x
	m.round++
}

// Run plays rounds rounds.
func (m *Model) Run(rounds int) {
	for range rounds {
		m.Step()
	}
}

// updateRisk sets r from the dangers computed with every exponent at 1.
func (m *Model) updateRisk() {
	n := m.n
	for i := range m.r {
		m.r[i] = 1
	}
	m.fillDist()
	m.fillProb()
	mu := weightedMean(m.w, m.x)
	dmax, dmin := math.Inf(-1), math.Inf(1)
	for i := 0; i < n; i++ {
		d := 0.0
		for k := 0; k < n; k++ {
			if k != i {
				d += m.eu(i, k, i, mu)
			}
		}
		m.dang[i] = d
		dmax, dmin = math.Max(dmax, d), math.Min(dmin, d)
	}
	for i := 0; i < n; i++ {
		R := 0.0
		if dmax > dmin {
			R = (2*m.dang[i] - dmax - dmin) / (dmax - dmin)
		}
		m.r[i] = (1 - R/3.0) / (1 + R/3.0)
	}
}

// fillDist sets dist[a][k] = (|x_k − x_a| / R)^r_k: row a holds every
// voter's distance to position x_a, so that a contest reads two rows.
func (m *Model) fillDist() {
	n := m.n
	for a := 0; a < n; a++ {
		row := m.dist[a*n : (a+1)*n]
		xa := m.x[a]
		for k := 0; k < n; k++ {
			row[k] = math.Pow(math.Abs(m.x[k]-xa)/m.span, m.r[k])
		}
	}
	for i := range m.usq {
		m.usq[i] = 2 - 4*math.Pow(0.5, m.r[i])
	}
}

// fillProb sets prob[i][j] = P(i,j) in one pass over the unordered pairs,
// each summing over the n voters: n²(n−1)/2 terms. Since
// v_k(j,i) = −v_k(i,j), the pass yields both numerators and the contest's
// absolute support, and the round's total is twice the sum of the latter.
func (m *Model) fillProb() {
	n := m.n
	total := 0.0
	for i := 0; i < n; i++ {
		m.prob[i*n+i] = 0
		di := m.dist[i*n : (i+1)*n]
		for j := i + 1; j < n; j++ {
			if m.x[i] == m.x[j] {
				m.prob[i*n+j], m.prob[j*n+i] = 0, 0
				continue
			}
			dj := m.dist[j*n : (j+1)*n]
			var pos, neg float64
			for k, wk := range m.w {
				if v := wk * (dj[k] - di[k]); v > 0 {
					pos += v
				} else {
					neg -= v
				}
			}
			m.prob[i*n+j], m.prob[j*n+i] = pos, neg
			total += pos + neg
		}
	}
	total *= 2
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if m.x[i] == m.x[j] {
				continue
			}
			pij, pji := m.prob[i*n+j], m.prob[j*n+i]
			den := total
			if m.opt.Denominator == DenomContest {
				den = pij + pji
			}
			if den > 0 {
				m.prob[i*n+j], m.prob[j*n+i] = pij/den, pji/den
			} else {
				// Every voter indifferent: neither side favoured.
				m.prob[i*n+j], m.prob[j*n+i] = 0.5, 0.5
			}
		}
	}
}

// eu returns EU^a_i(ij): i's expected utility of challenging j, as actor a
// perceives it (with a's risk exponent).
func (m *Model) eu(a, i, j int, mu float64) float64 {
	us, uf := m.stakes(a, i, j)
	return m.euFrom(a, i, j, us, uf, mu)
}

// stakes returns U_s and U_f of a contest between i and j with a's
// exponent; they are the same whichever of the two challenges.
func (m *Model) stakes(a, i, j int) (us, uf float64) {
	r := m.r[a]
	dij := math.Abs(m.x[i] - m.x[j])
	us = 2 - 4*math.Pow(0.5-0.5*dij/m.span, r)
	uf = 2 - 4*math.Pow(0.5+0.5*dij/m.span, r)
	return us, uf
}

// euFrom completes EU^a_i(ij) from the contest's stakes.
func (m *Model) euFrom(a, i, j int, us, uf, mu float64) float64 {
	p := m.prob[i*m.n+j]
	sj := m.s[j]
	q := 1 - m.opt.ChangeProb
	v := sj*(p*us+(1-p)*uf) + (1-sj)*us - q*m.usq[a]
	if m.opt.ChangeProb > 0 {
		r := m.r[a]
		t := 1 - m.opt.WorsenProb
		h := 0.25 * (math.Abs(m.x[i]-mu) + math.Abs(m.x[i]-m.x[j])) / m.span
		ub := 2 - 4*math.Pow(0.5-h, r)
		uw := 2 - 4*math.Pow(0.5+h, r)
		v -= m.opt.ChangeProb * (t*ub + (1-t)*uw)
	}
	return v
}

// chooseOffer classifies every offer actor i receives, records them, and
// returns i's new position.
func (m *Model) chooseOffer(i int, mu float64) float64 {
	n := m.n
	xi := m.x[i]
	best := Offer{Proposer: -1, Position: xi}
	bestKey := math.Inf(1)
	for j := 0; j < n; j++ {
		o := Offer{Proposer: j, Position: xi}
		xj := m.x[j]
		if j != i && xj != xi {
			us, uf := m.stakes(i, i, j)
			eui := m.euFrom(i, i, j, us, uf, mu)
			euj := m.euFrom(i, j, i, us, uf, mu)
			o.EUi, o.EUj = eui, euj
			switch {
			case euj > eui && eui > 0:
				o.Kind, o.Position = Confrontation, xj
			case euj > 0 && 0 > eui && euj > math.Abs(eui):
				o.Kind, o.Position = Compromise, xi+(xj-xi)*math.Abs(eui/euj)
			case euj > 0 && 0 > eui && euj < math.Abs(eui) && !m.opt.NoCapitulation:
				o.Kind, o.Position = Capitulation, xj
			}
		}
		m.pairs[i*n+j] = o
		if o.Kind == NoMove {
			continue
		}
		// Preference: confrontation, then compromise, then capitulation.
		if best.Kind != NoMove && rank(o.Kind) > rank(best.Kind) {
			continue
		}
		key := math.Abs(xi - o.Position)
		if o.Kind == Compromise && m.opt.Compromise == CompromiseLowest {
			ai, aj := math.Abs(o.EUi), math.Abs(o.EUj)
			key = (ai*xi + aj*xj) / (ai + aj)
		}
		if best.Kind == NoMove || rank(o.Kind) < rank(best.Kind) || key < bestKey {
			best, bestKey = o, key
		}
	}
	if best.Kind == NoMove {
		best.Proposer = -1
	}
	m.moves[i] = best
	return best.Position
}

// rank orders the moves by preference: lower is preferred.
func rank(k Kind) int {
	switch k {
	case Confrontation:
		return 0
	case Compromise:
		return 1
	case Capitulation:
		return 2
	}
	return 3
}
