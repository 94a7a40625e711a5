package sim

import (
	"fmt"
	"math"
	"strings"

	"github.com/negsim/negsim/agents"
	"github.com/negsim/negsim/models"
)

// none marks an absent parameter slot or index.
const none = -1

// Event kinds.
const (
	evStart = iota
	evAgreed
	evRejected
	evVetoed
	evOpened
	evShock
	evLinked
	evVetoedBy // a veto cast by one institution at one table: ref = table*len(Insts)+institution
)

// Model is a compiled scenario: every id replaced by an index and every
// numeric parameter by a slot in the replicate's parameter vector.
type Model struct {
	Scenario *models.Scenario
	Horizon  int

	params     []models.Param
	paramNames []string
	// draws are the parameters as the scenario gives them; each slot
	// draws from its own stream, so pinning one (WithFixed) leaves every
	// other draw of the replicate unchanged: sweep points and sensitivity
	// settings are paired with the base by common random numbers. pinned
	// marks the slots that take the constant in params instead.
	draws  []models.Param
	pinned []bool

	Actors   []string
	Issues   []string
	Tables   []string
	Outcomes []string
	Insts    []string
	Links    []string
	ShockIDs []string

	actorPower []int
	issueTable []int
	issueSQ    []int
	pos        []position // [actor*nIssues+issue]
	stances    []stance   // [actor*nTables+table]
	tables     []table
	insts      []institution
	links      []linkage
	shocks     []shock
	outcomes   []outcome
	events     []eventKey
	eventIndex map[eventKey]int
	linksOn    [][]int // linkages listening to each event
	maxIssues  int     // most issues of any table, deferred ones included
	anyEU      bool    // some table has an expected-utility mediator
	defers     []deferral
	logT       []float64 // log(r/H) for r = 0..H, for concession curves
	// Stream keys of every parameter slot (by its path), table, linkage
	// and shock (by its id): see State.
	paramKey, tableKey, linkKey, shockKey []uint64
	// curves[slot], for a concession shape e fixed at a value, holds
	// exp(log(r/H)/e) for r = 0..H followed by e itself; nil otherwise.
	curves [][]float64
	// utilViews[actor*nTables+table] lists the issues that enter the
	// actor's utility at the table (mediated.go).
	utilViews []utilView
}

// utilView is what an actor's utility at a table reads: for each table
// issue the actor holds a position on, its index j in the table's package
// and its position index k; for each deferred issue it holds, its prospect
// index j (deferral*nActors+actor), position index k and weight slot.
type utilView struct {
	issues []utilTerm
	defers []utilTerm
}

type utilTerm struct{ j, k, weight int }

type position struct {
	has                bool
	ideal, sal, lo, hi int
}

type stance struct {
	has                    bool
	resStart, resEnd       int
	e, k, maxConc          int
	noise, bonus, discount int
	pmin, pmax             int
	breakdown              int
	rule                   agents.AcceptRule
	logit                  bool                   // rule is agents.Logit
	decider                agents.Decider         // rule, if it decides without the probability; else nil
	between                agents.IntervalDecider // rule, if it decides for an interval of surpluses; else nil
	strategy               string
}

type table struct {
	protocol    int
	mediator    int
	signatories []int
	players     []int
	quota       int
	ratify      []int
	issues      []int
	opensAfter  []int // event indices
	delay       int
	demandGain  int
	disabled    bool
	proposer    agents.Proposer
	// eu marks an expected-utility mediator: the engine drafts by search
	// over the mediator's beliefs (eu.go).
	eu bool
	// clockOpened runs the table's concession curves from the round it
	// opened (clock: opened).
	clockOpened bool
	// conceding marks the conceding mediator, whose draft is a pure
	// function of its inputs and can be cached (mediated.go).
	conceding  bool
	evAgreed   int
	evRejected int
	evVetoed   int
	evOpened   int
	// evVetoedBy[j] is the event of a veto by ratify[j] at this table.
	evVetoedBy   []int
	outcomes     []int
	gatedByEvent bool
	// defers indexes Model.defers: the issues this table leaves to a
	// later stage.
	defers []int
}

// deferral is an issue a table leaves to a later table, with the slots of
// its weight, its prospect and each actor's belief (none: the prospect).
type deferral struct {
	table, issue     int
	weight, prospect int
	belief           []int // per actor
}

const (
	kindConsensus = iota
	kindVeto
	kindReferendum
)

type institution struct {
	kind       int
	members    []int
	silence    bool
	silenceP   []int // per member slot or none
	yesP       []int
	pass       int
	electorate int
	slope      int
	groups     []group
	threshold  float64
}

// group is one part of a grouped referendum's electorate.
type group struct {
	share, yes        int
	electorate, slope int
}

type linkage struct {
	event  int
	prob   int
	repeat bool
	// ifAll and unless are events that must, and must not, have happened
	// for the linkage to act.
	ifAll, unless []int
	// linked is the event the linkage fires when it acts.
	linked  int
	effects []effect
}

const (
	fReservation = iota
	fBonus
	fIdeal
	fSalience
	fSilence
	fYes
	fPass
	fBlock
	fProspect
	fMin
	fMax
)

// Codes of the names the scenario format allows (validated by models).
var (
	protocolCodes = map[string]int{"mediated": protoMediated, "alternating": protoAlternating,
		"legislative": protoLegislative, "majority": protoMajority, "bdm": protoBDM}
	kindCodes = map[string]int{"consensus": kindConsensus, "veto": kindVeto, "referendum": kindReferendum}
)

var fieldCodes = map[string]int{"reservation": fReservation, "bonus": fBonus, "ideal": fIdeal, "salience": fSalience,
	"silence": fSilence, "yes": fYes, "pass": fPass, "block": fBlock, "prospect": fProspect, "min": fMin, "max": fMax}

type effect struct {
	field               int
	actor, table, issue int
	inst, member        int // member: index in the institution's members, or its group for pass
	deferral            int // index into Model.defers, for prospect
	shift               int
}

type shock struct {
	perRound int
	from, to int
	event    int
}

type outcome struct {
	table int
	conds []condition
}

// condition requires issue's value in [min, max] when an outcome's table
// agrees.
type condition struct {
	issue    int
	min, max float64
}

func newCondition(issue int, lo, hi *float64) condition {
	c := condition{issue: issue, min: math.Inf(-1), max: math.Inf(1)}
	if lo != nil {
		c.min = *lo
	}
	if hi != nil {
		c.max = *hi
	}
	return c
}

type eventKey struct {
	kind int
	ref  int // table or shock index
}

// Compile checks the scenario's references and returns its Model. s must
// come from models.Load, models.Parse or Scenario.Resolve.
func Compile(s *models.Scenario) (*Model, error) {
	c := &compiler{s: s, m: &Model{Scenario: s, Horizon: s.Horizon, eventIndex: map[eventKey]int{}}}
	if err := c.compile(); err != nil {
		return nil, fmt.Errorf("compile %s: %w", s.File, err)
	}
	return c.m, nil
}

type compiler struct {
	s *models.Scenario
	m *Model
}

func (c *compiler) slot(name string, p *models.Param) int {
	c.m.params = append(c.m.params, *p)
	c.m.paramNames = append(c.m.paramNames, name)
	return len(c.m.params) - 1
}

func (c *compiler) opt(name string, p *models.Param) int {
	if p == nil {
		return none
	}
	return c.slot(name, p)
}

func (c *compiler) event(kind, ref int) int {
	k := eventKey{kind, ref}
	if i, ok := c.m.eventIndex[k]; ok {
		return i
	}
	c.m.events = append(c.m.events, k)
	c.m.linksOn = append(c.m.linksOn, nil)
	c.m.eventIndex[k] = len(c.m.events) - 1
	return len(c.m.events) - 1
}

func (c *compiler) eventRef(e models.EventRef) int {
	switch e.Event {
	case "start":
		return c.event(evStart, 0)
	case "agreed":
		return c.event(evAgreed, c.s.Tables.Index(e.Table))
	case "rejected":
		return c.event(evRejected, c.s.Tables.Index(e.Table))
	case "vetoed":
		t := c.s.Tables.Index(e.Table)
		if e.Institution != "" {
			return c.event(evVetoedBy, t*c.s.Institutions.Len()+c.s.Institutions.Index(e.Institution))
		}
		return c.event(evVetoed, t)
	case "opened":
		return c.event(evOpened, c.s.Tables.Index(e.Table))
	case "linked":
		return c.event(evLinked, c.s.Linkages.Index(e.Linkage))
	default:
		return c.event(evShock, c.s.Shocks.Index(e.Shock))
	}
}

func (c *compiler) compile() error {
	s, m := c.s, c.m
	m.Actors, m.Issues, m.Tables = s.Actors.Keys, s.Issues.Keys, s.Tables.Keys
	m.Outcomes, m.Insts, m.Links, m.ShockIDs = s.Outcomes.Keys, s.Institutions.Keys, s.Linkages.Keys, s.Shocks.Keys
	nA, nI, nT := len(m.Actors), len(m.Issues), len(m.Tables)
	c.event(evStart, 0)
	m.logT = make([]float64, s.Horizon+1)
	for r := range m.logT {
		m.logT[r] = math.Log(float64(r) / float64(s.Horizon))
	}

	for i, id := range s.Issues.Keys {
		is := &s.Issues.Vals[i]
		m.issueTable = append(m.issueTable, s.Tables.Index(is.Table))
		m.issueSQ = append(m.issueSQ, c.slot("issues."+id+".status_quo", &is.StatusQuo))
	}
	m.pos = make([]position, nA*nI)
	m.stances = make([]stance, nA*nT)
	for a, aid := range s.Actors.Keys {
		ac := &s.Actors.Vals[a]
		m.actorPower = append(m.actorPower, c.slot("actors."+aid+".power", &ac.Power))
		for j, iid := range ac.Positions.Keys {
			p, f := &ac.Positions.Vals[j], "actors."+aid+".positions."+iid
			m.pos[a*nI+s.Issues.Index(iid)] = position{has: true,
				ideal: c.slot(f+".ideal", &p.Ideal), sal: c.slot(f+".salience", &p.Salience),
				lo: c.opt(f+".min", p.Min), hi: c.opt(f+".max", p.Max)}
		}
		for j, tid := range ac.Tables.Keys {
			st, f := &ac.Tables.Vals[j], "actors."+aid+".tables."+tid
			rule, err := agents.LookupAcceptRule(st.Rule)
			if err != nil {
				return fmt.Errorf("%s.rule: %w", f, err)
			}
			decider, _ := rule.(agents.Decider)
			between, _ := rule.(agents.IntervalDecider)
			_, logit := rule.(agents.Logit)
			cs := stance{has: true, rule: rule, decider: decider, between: between, logit: logit, strategy: st.Strategy,
				resStart: c.opt(f+".reservation", st.Reservation), resEnd: c.opt(f+".reservation_end", st.ReservationEnd),
				e: none, k: none, maxConc: c.opt(f+".max_concession", st.MaxConcession),
				bonus: c.opt(f+".bonus", st.Bonus), discount: c.opt(f+".discount", st.Discount),
				pmin: c.opt(f+".pmin", st.Pmin), pmax: c.opt(f+".pmax", st.Pmax),
				breakdown: c.opt(f+".breakdown", st.Breakdown)}
			if st.Noise != nil {
				cs.noise = c.slot(f+".noise", st.Noise)
			} else {
				cs.noise = none
			}
			if st.Concession != nil {
				cs.e = c.slot(f+".concession.e", &st.Concession.E)
				cs.k = c.opt(f+".concession.k", st.Concession.K)
			}
			m.stances[a*nT+s.Tables.Index(tid)] = cs
		}
	}

	for t, tid := range s.Tables.Keys {
		tb := &s.Tables.Vals[t]
		ct := table{mediator: none, delay: none, disabled: tb.Disabled, quota: tb.Quota,
			demandGain: c.opt("tables."+tid+".demand_gain", tb.DemandGain)}
		ct.protocol = protocolCodes[tb.Protocol]
		ct.clockOpened = tb.Clock == "opened"
		name := ""
		if tb.Mediator != "" {
			ct.mediator = s.Actors.Index(tb.Mediator)
			if st := s.Actors.Vals[ct.mediator].Tables.Get(tid); st != nil {
				name = st.Proposer
			}
		}
		p, err := agents.LookupProposer(name)
		if err != nil {
			return fmt.Errorf("actors.%s.tables.%s.proposer: %w", tb.Mediator, tid, err)
		}
		ct.proposer = p
		_, ct.eu = p.(agents.ExpectedUtility)
		m.anyEU = m.anyEU || ct.eu
		_, ct.conceding = p.(agents.ConcedingMediator)
		for _, a := range tb.Signatories {
			ct.signatories = append(ct.signatories, s.Actors.Index(a))
		}
		for _, a := range tb.Players {
			ct.players = append(ct.players, s.Actors.Index(a))
		}
		for _, in := range tb.Ratify {
			i := s.Institutions.Index(in)
			ct.ratify = append(ct.ratify, i)
			ct.evVetoedBy = append(ct.evVetoedBy, c.event(evVetoedBy, t*s.Institutions.Len()+i))
		}
		for j := range tb.Defers {
			d, f := &tb.Defers[j], fmt.Sprintf("tables.%s.defers[%d]", tid, j)
			cd := deferral{table: t, issue: s.Issues.Index(d.Issue),
				weight: c.slot(f+".weight", &d.Weight), prospect: c.slot(f+".prospect", &d.Prospect)}
			cd.belief = make([]int, nA)
			for a, aid := range s.Actors.Keys {
				cd.belief[a] = none
				if p := d.Beliefs.Get(aid); p != nil {
					cd.belief[a] = c.slot(f+".beliefs."+aid, p)
				}
			}
			ct.defers = append(ct.defers, len(m.defers))
			m.defers = append(m.defers, cd)
		}
		for i := range m.Issues {
			if m.issueTable[i] == t {
				ct.issues = append(ct.issues, i)
			}
		}
		m.maxIssues = max(m.maxIssues, len(ct.issues)+len(ct.defers))
		if tb.Opens != nil {
			// A gate with events opens after the last of them (never in
			// its round); one with only a delay opens in round delay.
			ct.gatedByEvent = len(tb.Opens.After) > 0
			for _, e := range tb.Opens.After {
				ct.opensAfter = append(ct.opensAfter, c.eventRef(e))
			}
			ct.delay = c.opt("tables."+tid+".opens.delay", tb.Opens.Delay)
		}
		ct.evAgreed, ct.evRejected = c.event(evAgreed, t), c.event(evRejected, t)
		ct.evVetoed, ct.evOpened = c.event(evVetoed, t), c.event(evOpened, t)
		m.tables = append(m.tables, ct)
	}

	for i, iid := range s.Institutions.Keys {
		in := &s.Institutions.Vals[i]
		ci := institution{pass: none, electorate: none, slope: none, silence: in.Silence}
		ci.kind = kindCodes[in.Kind]
		f := "institutions." + iid
		for _, mem := range in.Members {
			ci.members = append(ci.members, s.Actors.Index(mem))
			sp, yp := none, none
			if p := in.SilenceProb.Get(mem); p != nil {
				sp = c.slot(f+".silence_prob."+mem, p)
			}
			if p := in.YesProb.Get(mem); p != nil {
				yp = c.slot(f+".yes_prob."+mem, p)
			}
			ci.silenceP = append(ci.silenceP, sp)
			ci.yesP = append(ci.yesP, yp)
		}
		ci.pass = c.opt(f+".pass", in.Pass)
		ci.slope = c.opt(f+".slope", in.Slope)
		if in.Electorate != "" {
			ci.electorate = s.Actors.Index(in.Electorate)
		}
		ci.threshold = 0.5
		if in.Threshold != nil {
			ci.threshold = *in.Threshold
		}
		for j, gid := range in.Groups.Keys {
			g, gf := &in.Groups.Vals[j], f+".groups."+gid
			cg := group{share: c.slot(gf+".share", &g.Share), yes: c.slot(gf+".yes", &g.Yes),
				electorate: none, slope: c.opt(gf+".slope", g.Slope)}
			if g.Electorate != "" {
				cg.electorate = s.Actors.Index(g.Electorate)
			}
			ci.groups = append(ci.groups, cg)
		}
		m.insts = append(m.insts, ci)
	}

	for i, sid := range s.Shocks.Keys {
		sh := &s.Shocks.Vals[i]
		to := s.Horizon - 1
		if sh.To != nil {
			to = *sh.To
		}
		m.shocks = append(m.shocks, shock{perRound: c.slot("shocks."+sid+".per_round", &sh.PerRound),
			from: sh.From, to: to, event: c.event(evShock, i)})
	}

	for i, lid := range s.Linkages.Keys {
		l, f := &s.Linkages.Vals[i], "linkages."+lid
		cl := linkage{event: c.eventRef(l.When), prob: c.opt(f+".prob", l.Prob), repeat: l.Repeat, linked: c.event(evLinked, i)}
		for _, e := range l.If {
			cl.ifAll = append(cl.ifAll, c.eventRef(e))
		}
		for _, e := range l.Unless {
			cl.unless = append(cl.unless, c.eventRef(e))
		}
		for j := range l.Effects {
			e := &l.Effects[j]
			ce := effect{field: fieldCodes[e.Field], actor: s.Actors.Index(e.Actor), table: s.Tables.Index(e.Table),
				issue: s.Issues.Index(e.Issue), inst: s.Institutions.Index(e.Institution), member: none, deferral: none,
				shift: c.slot(fmt.Sprintf("%s.effects[%d].shift", f, j), &e.Shift)}
			switch {
			case ce.field == fPass && e.Group != "":
				ce.member = s.Institutions.Vals[ce.inst].Groups.Index(e.Group)
			case ce.field == fProspect:
				for _, d := range m.tables[ce.table].defers {
					if m.defers[d].issue == ce.issue {
						ce.deferral = d
					}
				}
			case ce.inst >= 0 && ce.actor >= 0:
				for k, mem := range m.insts[ce.inst].members {
					if mem == ce.actor {
						ce.member = k
					}
				}
			}
			cl.effects = append(cl.effects, ce)
		}
		m.links = append(m.links, cl)
		m.linksOn[cl.event] = append(m.linksOn[cl.event], i)
	}

	for i := range s.Outcomes.Keys {
		o := &s.Outcomes.Vals[i]
		co := outcome{table: s.Tables.Index(o.Table)}
		if o.Issue != "" {
			co.conds = append(co.conds, newCondition(s.Issues.Index(o.Issue), o.Min, o.Max))
		}
		for j := range o.Conditions {
			cd := &o.Conditions[j]
			co.conds = append(co.conds, newCondition(s.Issues.Index(cd.Issue), cd.Min, cd.Max))
		}
		m.outcomes = append(m.outcomes, co)
		m.tables[co.table].outcomes = append(m.tables[co.table].outcomes, i)
	}
	m.draws = m.params
	for _, n := range m.paramNames {
		m.paramKey = append(m.paramKey, streamKey("param", n))
	}
	for _, id := range m.Tables {
		m.tableKey = append(m.tableKey, streamKey("table", id))
	}
	for _, id := range m.Links {
		m.linkKey = append(m.linkKey, streamKey("linkage", id))
	}
	for _, id := range m.ShockIDs {
		m.shockKey = append(m.shockKey, streamKey("shock", id))
	}
	m.utilViews = make([]utilView, len(m.Actors)*len(m.Tables))
	for a := range m.Actors {
		for t := range m.tables {
			uv := &m.utilViews[a*len(m.Tables)+t]
			for j, i := range m.tables[t].issues {
				if k := a*len(m.Issues) + i; m.pos[k].has {
					uv.issues = append(uv.issues, utilTerm{j: j, k: k})
				}
			}
			for _, d := range m.tables[t].defers {
				df := &m.defers[d]
				if k := a*len(m.Issues) + df.issue; m.pos[k].has {
					uv.defers = append(uv.defers, utilTerm{j: d*len(m.Actors) + a, k: k, weight: df.weight})
				}
			}
		}
	}
	m.curves = make([][]float64, len(m.params))
	for _, st := range m.stances {
		if !st.has || st.e == none || m.params[st.e].Dist != models.DistConst || m.curves[st.e] != nil {
			continue
		}
		e := m.params[st.e].Args[0]
		curve := make([]float64, s.Horizon+2)
		for r := 0; r <= s.Horizon; r++ {
			curve[r] = math.Exp(m.logT[r] / e)
		}
		curve[s.Horizon+1] = e
		m.curves[st.e] = curve
	}
	return c.checkProtocols()
}

// ParamNames returns the dotted path of every parameter slot, in slot order:
// the columns of a replicate's sampled parameter vector.
func (m *Model) ParamNames() []string { return m.paramNames }

// Params returns the parameters in slot order.
func (m *Model) Params() []models.Param { return m.params }

// ParamIndex returns the slot of the parameter at path, or an error listing
// near matches.
func (m *Model) ParamIndex(path string) (int, error) {
	for i, n := range m.paramNames {
		if n == path {
			return i, nil
		}
	}
	var near []string
	for _, n := range m.paramNames {
		if strings.Contains(n, path) || strings.Contains(path, n) {
			near = append(near, n)
		}
	}
	if len(near) > 5 {
		near = near[:5]
	}
	if len(near) == 0 {
		return none, fmt.Errorf("no parameter %q (negsim scenario lists them)", path)
	}
	return none, fmt.Errorf("no parameter %q (negsim scenario lists them; near: %s)", path, strings.Join(near, ", "))
}

// WithFixed returns a copy of m in which the parameter at slot is the
// constant v: the primitive behind sweeps and sensitivity analysis.
//
// Every parameter draws from its own stream (docs/MODEL.md §4.2), so every
// other parameter of a replicate is drawn as in m.
func (m *Model) WithFixed(slot int, v float64, why string) *Model {
	c := *m
	c.params = append([]models.Param(nil), m.params...)
	p := models.Fixed(v, why)
	p.Line = m.params[slot].Line
	c.params[slot] = p
	c.pinned = make([]bool, len(m.params))
	copy(c.pinned, m.pinned)
	c.pinned[slot] = true
	return &c
}
