package sim

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/negsim/negsim/agents"
)

// Table statuses.
const (
	statusPending = iota
	statusOpen
	statusAgreed
	statusDisabled
)

// Result is what one replicate reports. Its slices belong to the State that
// produced it and are overwritten by the next replicate.
type Result struct {
	// OutcomeRound is the round each outcome was reached, or -1.
	OutcomeRound []int
	// Final is every issue's value at the end.
	Final []float64
	// Params is the sampled parameter vector, in Model.ParamNames order.
	Params []float64
	// BelowReservation is, per outcome, whether the agreement that reached
	// it was accepted by at least one signatory whose utility was below its
	// reservation (a yes that only decision noise explains).
	BelowReservation []bool
	// Rounds is the number of rounds run: the horizon, or fewer when no
	// table could still agree (State.Run stops then).
	Rounds int
	// BDMMean and BDMMedian are, for the k-th table of Model.BDMTables and
	// round r, at [k*Horizon+r], the capability×salience-weighted mean and
	// weighted median of the positions after the table's BDM step in round
	// r (docs/MODEL.md §3.11), or NaN in a round in which the table took no
	// step (not yet open, already agreed, or the replicate stopped). Nil
	// for a model without bdm tables.
	BDMMean, BDMMedian []float64
}

// State is one goroutine's working memory for running replicates of a Model.
// It is reused across replicates; Run allocates nothing.
type State struct {
	m  *Model
	tr Tracer

	// Each component draws from its own stream (§4.2): one generator
	// reseeded for every parameter slot, and one per table, linkage and
	// shock, so that a variant that adds, removes or skips one of them
	// shifts no other's numbers.
	ppcg       *rand.PCG
	prng       *rand.Rand
	tpcg, lpcg []rand.PCG // per table, per linkage
	spcg       []rand.PCG // per shock
	trng       []*rand.Rand
	lrng       []*rand.Rand
	srng       []*rand.Rand
	// A linkage's stream is seeded at its first draw in a replicate
	// (linkRand): most linkages draw in none. lseeded[l] is the replicate
	// (rep) in which linkage l's stream was last seeded.
	lseeded []uint64

	vals            []float64
	ideal, sal      []float64 // [actor*nIssues+issue]
	lo, hi          []float64
	resShift, bonus []float64 // [actor*nTables+table]
	silence, yes    [][]float64
	pass            []float64
	groupYes        [][]float64 // [institution][group]
	prospect        []float64   // [deferral*nActors+actor]
	below           []bool      // per table: its last accepted draft had a yes below reservation
	fin             []bool      // per table, scratch for over: it can no longer agree
	// An expected-utility mediator's beliefs about each actor's reservation
	// at its table, [table*nActors+actor] (eu.go).
	belLo, belHi, belNoise []float64
	pos                    []float64
	status                 []int
	openAt                 []int
	blockedUntil           []int
	openedRound            []int     // the round each table opened, or none
	demand                 []float64 // [table*nActors+actor]
	fired                  []bool
	eventRound             []int
	nextShock              []int // per shock, the round it next occurs, or none
	// shockRound is the first round in which a shock next occurs (the
	// least of nextShock), or math.MaxInt: the rounds before it skip the
	// shocks.
	shockRound int

	// scratch for one table
	wanted, cand []float64
	ev           TraceEvent
	bdms         []bdmTable // per table; a model only at bdm tables
	// Caches of the mediated protocol (mediated.go): each table's last
	// draft, valid while its concession, the preferences (prefVer: every
	// linkage effect on an ideal, salience, red line, bonus or prospect
	// bumps it) and its demand weights (demVer) stand; and each actor's
	// utility of it (offerVer counts a table's drafts).
	prefVer        uint32
	tOffer         [][]float64
	drafts         []tableDraft
	terms          [][]targetTerm // per table: the terms of its issues' targets
	termAt         [][]int
	demVer, belVer []uint32
	// The expected-utility search's view of each actor's utility, valid
	// while its stamp equals euStamp (eu.go).
	views                  []euView
	vJ                     []int
	vIdeal, vSal, vLo, vHi []float64
	euStamp                uint32
	candPrev               []float64
	memo                   []euPoint
	constQ                 [][]float64 // [institution][member]
	offerVer               []uint32
	uCache                 []utilCache
	game                   gameScratch

	seed1, seed2 uint64 // the replicate's seed pair

	res Result

	// live lists, in table order, the tables that have not agreed and
	// are not disabled: the only ones a round visits. liveDirty: some
	// table agreed this round.
	live      []int
	liveDirty bool
	// sleep[t] is the first round in which a visit of live table t can do
	// anything, as far as its last visit found (Run): most visits of a
	// table that waits on its gate, its opening round, a block or a hold
	// draw did nothing, and now cost one comparison. What can cut a wait
	// short sets sleep[t] to 0: the first occurrence of an event its gate
	// names (gateWatch[e]: the tables whose gate names event e) and, for a
	// table asleep on its hold draw (heldSleep[t]; it may stay set after
	// the table wakes, at the cost of a needless visit), a change of
	// holdVer(t) (bumpTab, touchEffect).
	sleep     []int
	heldSleep []bool
	gateWatch [][]int

	// Held tables (hold.go). A hold reads thinVer[t] (thin.go: the
	// linkage effects on what the table reads) and tabVer[t]: the effects
	// on its reservations, bonuses and blocks, and the first occurrences
	// of the events table t watches (watchers[e]: the tables watching
	// event e). perRound runs every round instead (the round-by-round
	// engine, for tests).
	tabVer                              []uint32
	watchers                            [][]int
	heldT                               []hold
	holdStatic, holdReplicate, resFixed []bool
	readers, facStage                   [][]int
	facA, facB                          []float64
	perRound                            bool

	// Thinned responses (thin.go): per table whether its signatories can
	// be thinned (a conceding mediator's table), each signatory's state
	// [table*nActors+actor], and scratch for the draft's range.
	thinOn         []bool
	thins          []thin
	thinLo, thinHi []float64
	thinRanges     rangeKey
	// thinVer[t] counts the linkage effects on what table t's thinning
	// plans read (effTables[link][effect]: the tables an effect moves).
	thinVer   []uint32
	effTables [][][]int
	// Dormant tables (thin.go): dormant[t] since round dormantFrom[t];
	// nDormant counts them; at is the table the round loop is at (none
	// outside the tables' steps); waking: a dormant table's rounds are
	// being run; sharing[t]: the tables that share an issue with t.
	dormant     []bool
	dormantFrom []int
	nDormant    int
	at          int
	waking      bool
	sharing     [][]int
	// verifyThin: compute every thinned response's probability and record
	// in thinErr the first that breaks its bound (tests); thinChecks: how
	// many were checked.
	verifyThin bool
	thinErr    error
	thinChecks int
	// Test knobs and counters of thin.go: noDormant never lets a table go
	// dormant; thinTilt multiplies a candidate's probability by 1 +
	// thinTilt (a deliberate error, to show a test can see one); thinStats
	// counts what thinning did.
	noDormant bool
	thinTilt  float64
	thinStats ThinStats

	// verifyFixed: redraft every fixed draft to check it (tests);
	// fixedErr: the first difference.
	// fixedChecks: how many were checked.
	verifyFixed bool
	fixedErr    error
	fixedChecks int

	// rep counts the replicates run: a cached utility is valid only in its
	// replicate.
	rep uint64
	// init holds what reset copies in: the live tables and their statuses
	// at the start, and slices of none and of ones as long as the longest
	// array reset fills with them.
	init struct {
		live, status, nones []int
		ones                []float64
	}

	// What reset does, prepared once (prep.go).
	uni     []uniformSlot
	rnd     []randSlot
	derived []derived
}

// NewState returns working memory for m.
func NewState(m *Model) *State {
	nA, nI, nT := len(m.Actors), len(m.Issues), len(m.Tables)
	k := max(m.maxIssues, 1)
	f := func(n int) []float64 { return make([]float64, n) }
	s := &State{m: m, ppcg: rand.NewPCG(0, 0),
		vals: f(len(m.params)), ideal: f(nA * nI), sal: f(nA * nI), lo: f(nA * nI), hi: f(nA * nI),
		resShift: f(nA * nT), bonus: f(nA * nT), pass: f(len(m.insts)), pos: f(nI),
		prospect: f(len(m.defers) * nA), below: make([]bool, nT), fin: make([]bool, nT),
		belLo: f(nT * nA), belHi: f(nT * nA), belNoise: f(nT * nA), cand: f(k),
		status: make([]int, nT), openAt: make([]int, nT), blockedUntil: make([]int, nT), openedRound: make([]int, nT),
		demand: f(nT * nA), fired: make([]bool, len(m.links)), eventRound: make([]int, len(m.events)), nextShock: make([]int, len(m.shocks)),
		wanted: f(k),
	}
	s.prng = rand.New(s.ppcg)
	s.tpcg, s.trng = newStreams(nT)
	s.lpcg, s.lrng = newStreams(len(m.links))
	s.lseeded = make([]uint64, len(m.links))
	s.spcg, s.srng = newStreams(len(m.shocks))
	for _, in := range m.insts {
		s.silence = append(s.silence, f(len(in.members)))
		s.yes = append(s.yes, f(len(in.members)))
		s.groupYes = append(s.groupYes, f(len(in.groups)))
		s.constQ = append(s.constQ, f(len(in.members)))
	}
	s.game = newGameScratch(m)
	s.bdms = newBDMTables(m)
	s.tOffer = make([][]float64, nT)
	for t := range m.tables {
		s.tOffer[t] = f(len(m.tables[t].issues))
	}
	s.drafts, s.live = make([]tableDraft, nT), make([]int, 0, nT)
	s.sleep, s.heldSleep, s.gateWatch = make([]int, nT), make([]bool, nT), make([][]int, len(m.events))
	for t := range m.tables {
		for _, e := range m.tables[t].opensAfter {
			if !slices.Contains(s.gateWatch[e], t) {
				s.gateWatch[e] = append(s.gateWatch[e], t)
			}
		}
	}
	for t := range m.tables {
		k := len(m.tables[t].issues)
		s.drafts[t].d = agents.Draft{Own: f(k), Target: f(k), Lo: f(k), Hi: f(k), OwnLo: f(k), OwnHi: f(k)}
	}
	s.demVer, s.offerVer = make([]uint32, nT), make([]uint32, nT)
	s.terms, s.termAt = newTargetTerms(m)
	s.uCache = make([]utilCache, nA*nT)
	s.belVer = make([]uint32, nT)
	s.candPrev, s.memo = f(k), make([]euPoint, 0, euGrid+1+euBisect)
	s.views, s.vJ = make([]euView, nA), make([]int, nA*m.maxIssues)
	s.vIdeal, s.vSal, s.vLo, s.vHi = f(nA*m.maxIssues), f(nA*m.maxIssues), f(nA*m.maxIssues), f(nA*m.maxIssues)
	s.prepare()
	s.prepareHolds()
	s.thinOn, s.thins = s.holdStatic, make([]thin, nT*nA)
	s.thinLo, s.thinHi = f(k), f(k)
	s.thinRanges.t = none
	s.prepareThin()
	s.init.status = make([]int, nT)
	for t := range m.tables {
		if m.tables[t].disabled {
			s.init.status[t] = statusDisabled
		} else {
			s.init.live = append(s.init.live, t)
		}
	}
	s.init.nones = make([]int, max(nT, len(m.events), len(m.outcomes)))
	for i := range s.init.nones {
		s.init.nones[i] = none
	}
	s.init.ones = make([]float64, nT*nA)
	for i := range s.init.ones {
		s.init.ones[i] = 1
	}
	s.res = Result{OutcomeRound: make([]int, len(m.outcomes)), BelowReservation: make([]bool, len(m.outcomes)),
		Final: s.pos, Params: s.vals}
	if k := len(m.BDMTables()); k > 0 {
		s.res.BDMMean, s.res.BDMMedian = f(k*m.Horizon), f(k*m.Horizon)
	}
	return s
}

func newStreams(n int) ([]rand.PCG, []*rand.Rand) {
	pcg, rng := make([]rand.PCG, n), make([]*rand.Rand, n)
	for i := range pcg {
		rng[i] = rand.New(&pcg[i])
	}
	return pcg, rng
}

// Model returns the model the State runs.
func (s *State) Model() *Model { return s.m }

// val returns the sampled value of slot, or def when the slot is absent.
func (s *State) val(slot int, def float64) float64 {
	if slot == none {
		return def
	}
	return s.vals[slot]
}

// reset draws the replicate's parameters and sets the initial state.
func (s *State) reset() {
	m := s.m
	s.draw()
	clear(s.resShift)
	s.live, s.liveDirty = append(s.live[:0], s.init.live...), false
	clear(s.sleep)
	clear(s.heldSleep)
	copy(s.status, s.init.status)
	copy(s.openAt, s.init.nones)
	copy(s.openedRound, s.init.nones)
	clear(s.blockedUntil)
	clear(s.below)
	copy(s.demand, s.init.ones)
	clear(s.fired)
	clear(s.dormant)
	s.nDormant, s.at = 0, none
	for i := range s.nextShock {
		s.nextShock[i] = s.shockAfter(i, 0)
	}
	s.shockRound = s.firstShock()
	s.resetHolds()
	if m.anyEU {
		s.resetBeliefs()
	}
	for t := range s.bdms {
		s.bdms[t].started = false
	}
	for t := range s.drafts {
		s.drafts[t].ok, s.drafts[t].hit, s.drafts[t].fillOK, s.drafts[t].prefOK = false, false, false, false
		s.drafts[t].fixed, s.drafts[t].fixAsked, s.drafts[t].capped = false, false, false
	}
	s.euStamp = 0
	for a := range s.views {
		s.views[a].stamp = 0
	}
	s.rep++ // every utility cached before is stale
	copy(s.eventRound, s.init.nones)
	copy(s.res.OutcomeRound, s.init.nones)
	clear(s.res.BelowReservation)
	for i := range s.res.BDMMean {
		s.res.BDMMean[i], s.res.BDMMedian[i] = math.NaN(), math.NaN()
	}
}

// Run runs one replicate from the generator seeded with (seed, stream) and
// returns its Result, valid until the next Run. tr may be nil.
func (s *State) Run(seed, stream uint64, tr Tracer) *Result {
	m0 := s.m
	s.seed1, s.seed2 = seed, stream
	for t := range s.tpcg {
		s.tpcg[t].Seed(sub(seed, stream, m0.tableKey[t]))
	}
	for i := range s.spcg {
		s.spcg[i].Seed(sub(seed, stream, m0.shockKey[i]))
	}
	s.tr = tr
	s.reset()
	m := s.m
	s.fire(0, 0)
	// A local copy of the header (Run never replaces s.sleep): skipping a
	// sleeping table then reloads nothing from s.
	sleep := s.sleep
	r := 0
	for ; r < m.Horizon; r++ {
		if r == s.shockRound {
			for i := range m.shocks {
				if s.nextShock[i] != r {
					continue
				}
				if s.tr != nil {
					s.ev = blank(r, TraceShock)
					s.ev.Shock = i
					s.tr.Trace(&s.ev)
				}
				s.fire(m.shocks[i].event, r)
				s.nextShock[i] = s.shockAfter(i, r+1)
			}
			s.shockRound = s.firstShock()
		}
		// A live table is pending or open: one agreed in an earlier round
		// has left the list, and only its own step agrees a table. A visit
		// that does nothing puts the table to sleep (sleep).
		for _, t := range s.live {
			if r < sleep[t] {
				continue
			}
			s.at = t
			if s.status[t] == statusPending {
				if s.maybeOpen(t, r); s.status[t] != statusOpen {
					s.sleepPending(t)
					continue
				}
			}
			if r < s.blockedUntil[t] {
				s.sleep[t] = s.blockedUntil[t] // a block only grows
				continue
			}
			// A held table before its candidate round does nothing
			// (heldRound), without the calls.
			if h := &s.heldT[t]; h.on && r < h.until && h.ver == s.holdVer(t) {
				s.sleep[t], s.heldSleep[t] = h.until, true
				continue
			}
			s.step(t, r)
		}
		s.at = none
		if s.liveDirty {
			// Drop the tables that agreed this round, keeping the order.
			s.live = slices.DeleteFunc(s.live, func(t int) bool { return s.status[t] == statusAgreed })
			s.liveDirty = false
		}
		if s.over(r) {
			r++
			break
		}
	}
	s.res.Rounds = r
	return &s.res
}

// shockAfter draws from shock i's stream the first round from r on in
// which it occurs: every round of its window independently with its
// per-round probability p, so the wait is geometric, G = ⌊ln(1 − u) /
// log1p(−p)⌋ (MODEL.md §1 step 3.1). It returns none when that round is
// past the window or the horizon.
func (s *State) shockAfter(i, r int) int {
	sh := &s.m.shocks[i]
	r = max(r, sh.from)
	last := min(sh.to, s.m.Horizon-1)
	if r > last {
		return none
	}
	p := s.vals[sh.perRound]
	v := 1 - s.srng[i].Float64() // in (0, 1]
	if !(p > 0) {
		return none
	}
	g := math.Floor(math.Log(v) / math.Log1p(-min(p, 1)))
	if g > float64(last-r) {
		return none
	}
	return r + int(g)
}

// firstShock returns the first round in which a shock next occurs, or
// math.MaxInt if none will.
func (s *State) firstShock() int {
	first := math.MaxInt
	for _, r := range s.nextShock {
		if r != none {
			first = min(first, r)
		}
	}
	return first
}

// over reports whether, after round r, no table can still agree, so that no
// outcome and no final issue value can change: every table has agreed, is
// disabled, is blocked past the horizon, or is pending on a gate that can
// no longer open (it waits for an event of such a table, or for a shock
// that will not occur again).
func (s *State) over(r int) bool {
	m := s.m
	for _, t := range s.live {
		if s.status[t] == statusOpen && s.blockedUntil[t] < m.Horizon {
			return false // the common case, found without the gates
		}
	}
	fin := s.fin
	for t := range m.tables {
		switch {
		case s.status[t] == statusAgreed || s.status[t] == statusDisabled || s.blockedUntil[t] >= m.Horizon:
			fin[t] = true
		case s.status[t] == statusOpen:
			return false
		default: // pending
			fin[t] = s.openAt[t] != none && s.openAt[t] >= m.Horizon
		}
	}
	for changed := true; changed; {
		changed = false
		for t := range m.tables {
			if !fin[t] && s.gateClosed(t, r) {
				fin[t], changed = true, true
			}
		}
	}
	for _, f := range fin {
		if !f {
			return false
		}
	}
	return true
}

// gateClosed reports whether pending table t waits, after round r, on an
// event that can no longer happen.
func (s *State) gateClosed(t, r int) bool {
	m := s.m
	if s.openAt[t] != none {
		return false // it opens within the horizon
	}
	for _, e := range m.tables[t].opensAfter {
		if s.eventRound[e] != none {
			continue
		}
		k := m.events[e]
		switch k.kind {
		case evAgreed, evOpened, evRejected, evVetoed:
			if s.fin[k.ref] {
				return true
			}
		case evVetoedBy:
			if s.fin[k.ref/len(m.Insts)] {
				return true
			}
		case evShock:
			if s.nextShock[k.ref] == none {
				return true // it will not occur again
			}
		}
	}
	return false
}

// sleepPending puts pending table t, which did not open, to sleep: until
// its opening round, which nothing but its own visits moves, or, if an
// event of its gate has not happened, until one happens.
func (s *State) sleepPending(t int) {
	if s.openAt[t] == none {
		s.sleep[t] = math.MaxInt
	} else {
		s.sleep[t] = s.openAt[t]
	}
}

// bumpTab records a change of what table t's hold alone reads, waking t if
// it sleeps on its hold draw.
func (s *State) bumpTab(t int) {
	s.tabVer[t]++
	if s.heldSleep[t] {
		s.heldSleep[t], s.sleep[t] = false, 0
	}
}

func (s *State) maybeOpen(t, r int) {
	if s.status[t] != statusPending {
		return
	}
	tb := &s.m.tables[t]
	if s.openAt[t] == none {
		last := 0
		for _, e := range tb.opensAfter {
			if s.eventRound[e] == none {
				return // nothing to do until it happens
			}
			last = max(last, s.eventRound[e])
		}
		s.openAt[t] = last + int(math.Round(s.val(tb.delay, 0)))
		if tb.gatedByEvent && s.openAt[t] == last {
			// An event of this round opens the table next round, so that
			// table order within a round does not matter.
			s.openAt[t] = last + 1
		}
	}
	if r < s.openAt[t] {
		return
	}
	s.status[t], s.openedRound[t] = statusOpen, r
	if s.tr != nil {
		s.ev = blank(r, TraceOpened)
		s.ev.Table = t
		s.tr.Trace(&s.ev)
	}
	s.fire(tb.evOpened, r)
}

func (s *State) step(t, r int) {
	switch s.m.tables[t].protocol {
	case protoMediated:
		s.stepMediated(t, r)
	default:
		s.stepGame(t, r)
	}
}

// fire records event e and runs the linkages listening to it: each at most
// once per replicate, or at every occurrence if it repeats.
func (s *State) fire(e, r int) {
	if s.eventRound[e] == none {
		if s.nDormant > 0 {
			// A first occurrence can make a failure of a watching table
			// matter.
			for _, t := range s.watchers[e] {
				s.wakeTable(t, r)
			}
		}
		s.eventRound[e] = r
		for _, t := range s.gateWatch[e] {
			s.sleep[t] = 0
		}
		for _, t := range s.watchers[e] {
			s.bumpTab(t)
		}
	}
	for _, l := range s.m.linksOn[e] {
		lk := &s.m.links[l]
		if s.fired[l] && !lk.repeat || !s.conditionsHold(lk) {
			continue
		}
		if !s.fired[l] {
			// A used-up linkage can make a failure of e inert.
			for _, t := range s.watchers[e] {
				s.bumpTab(t)
			}
		}
		s.fired[l] = true
		ok := lk.prob == none || s.linkRand(l).Float64() < s.vals[lk.prob]
		if s.tr != nil {
			s.ev = blank(r, TraceLinkage)
			s.ev.Linkage, s.ev.Accept = l, ok
			s.tr.Trace(&s.ev)
		}
		if ok {
			for i := range lk.effects {
				s.touchEffect(l, i, r)
				s.apply(&lk.effects[i], r)
			}
			s.fire(lk.linked, r)
		}
	}
}

// linkRand returns linkage l's stream, seeding it at its first use in the
// replicate: the numbers are those of seeding every stream in Run.
func (s *State) linkRand(l int) *rand.Rand {
	if s.lseeded[l] != s.rep {
		s.lpcg[l].Seed(sub(s.seed1, s.seed2, s.m.linkKey[l]))
		s.lseeded[l] = s.rep
	}
	return s.lrng[l]
}

// conditionsHold reports whether every If event of lk has happened and no
// Unless event has. A linkage whose conditions fail is not used up: it can
// still act at a later occurrence of its event.
func (s *State) conditionsHold(lk *linkage) bool {
	for _, e := range lk.ifAll {
		if s.eventRound[e] == none {
			return false
		}
	}
	for _, e := range lk.unless {
		if s.eventRound[e] != none {
			return false
		}
	}
	return true
}

func clamp(x, lo, hi float64) float64 { return min(max(x, lo), hi) }

func (s *State) apply(e *effect, r int) {
	m := s.m
	switch e.field {
	case fReservation, fBonus, fBlock:
		s.bumpTab(e.table) // read only at that table
	}
	switch e.field {
	case fIdeal, fSalience, fMin, fMax, fBonus, fProspect, fYes, fSilence, fPass:
		// Drafts and utilities cached before this are stale (yes, silence
		// and pass enter an expected-utility mediator's draft).
		s.prefVer++
	}
	v := s.vals[e.shift]
	nI, nT := len(m.Issues), len(m.Tables)
	switch e.field {
	case fReservation:
		s.resShift[e.actor*nT+e.table] += v
	case fBonus:
		s.bonus[e.actor*nT+e.table] += v
	case fIdeal:
		i := e.actor*nI + e.issue
		s.ideal[i] = clamp(s.ideal[i]+v, 0, 100)
	case fSalience:
		i := e.actor*nI + e.issue
		s.sal[i] = clamp(s.sal[i]+v, 0, 1)
	case fMin:
		// A red line the actor did not have starts at the scale's end.
		i := e.actor*nI + e.issue
		s.lo[i] = clamp(max(s.lo[i], 0)+v, 0, 100)
	case fMax:
		i := e.actor*nI + e.issue
		s.hi[i] = clamp(min(s.hi[i], 100)+v, 0, 100)
	case fSilence:
		s.silence[e.inst][e.member] = clamp(s.silence[e.inst][e.member]+v, 0, 1)
	case fYes:
		s.yes[e.inst][e.member] = clamp(s.yes[e.inst][e.member]+v, 0, 1)
	case fPass:
		if e.member != none {
			s.groupYes[e.inst][e.member] = clamp(s.groupYes[e.inst][e.member]+v, 0, 1)
		} else {
			s.pass[e.inst] = clamp(s.pass[e.inst]+v, 0, 1)
		}
	case fBlock:
		s.blockedUntil[e.table] = max(s.blockedUntil[e.table], r+1+int(math.Round(v)))
	case fProspect:
		nA := len(m.Actors)
		for a := range nA {
			if e.actor == none || e.actor == a {
				k := e.deferral*nA + a
				s.prospect[k] = clamp(s.prospect[k]+v, 0, 100)
			}
		}
	}
}

// agree settles table t at round r on the package x (indexed by the table's
// issues), reports its outcomes and fires its event.
func (s *State) agree(t, r int, x []float64) {
	if s.nDormant > 0 {
		for _, u := range s.sharing[t] {
			s.wakeTable(u, r)
		}
	}
	tb := &s.m.tables[t]
	for j, i := range tb.issues {
		s.pos[i] = x[j]
	}
	s.status[t], s.liveDirty = statusAgreed, true
	if s.tr != nil {
		s.ev = blank(r, TraceAgreed)
		s.ev.Table, s.ev.Offer = t, x
		s.tr.Trace(&s.ev)
	}
	for _, o := range tb.outcomes {
		if !s.holds(&s.m.outcomes[o]) {
			continue
		}
		s.res.OutcomeRound[o] = r
		s.res.BelowReservation[o] = s.below[t]
		if s.tr != nil {
			s.ev = blank(r, TraceOutcome)
			s.ev.Table, s.ev.Outcome = t, o
			s.tr.Trace(&s.ev)
		}
	}
	s.fire(tb.evAgreed, r)
}

// holds reports whether every condition of outcome oc holds on the current
// issue values.
func (s *State) holds(oc *outcome) bool {
	for _, c := range oc.conds {
		if v := s.pos[c.issue]; v < c.min || v > c.max {
			return false
		}
	}
	return true
}

// tableDraft is a mediated table's draft, in buffers of its own, with the
// keys under which it stands.
type tableDraft struct {
	d agents.Draft
	// The draft's inputs but the concession were filled under these
	// versions of the preferences and the demand weights, and its parts
	// that the preferences alone fix under prefVer.
	fillOK            bool
	fillPref, fillDem uint32
	prefOK            bool
	prefVer           uint32
	// The offer tOffer[t] was drafted from this concession, these
	// preferences, demand weights and beliefs; hit: it stands this round.
	ok, hit bool
	c       float64
	// fixed: no concession up to the cap and no demand weights can move
	// the draft while the preferences fixPref stand (draftFixed); fixAsked
	// and fixCapped: it was asked under fixPref, at the cap.
	fixed, fixAsked, fixCapped bool
	// capped: the mediator's F is past its cap for the rest of the
	// replicate (stepMediated).
	capped         bool
	fixPref        uint32
	pref, dem, bel uint32
}

// utilCache is an actor's utility of a table's current draft.
type utilCache struct {
	rep   uint64 // the replicate it was cached in (State.rep)
	pref  uint32
	offer uint32
	u     float64
	bad   bool
}
