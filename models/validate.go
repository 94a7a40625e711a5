package models

import (
	"fmt"
	"math"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/negsim/negsim/models/references"
)

// Known protocol, rule, institution, event, effect and variant kinds.
var (
	Protocols        = []string{"mediated", "alternating", "legislative", "majority", "bdm"}
	AcceptRules      = []string{"logit", "probit", "threshold"}
	Strategies       = []string{"spe", "tactic"}
	InstitutionKinds = []string{"consensus", "veto", "referendum"}
	EventKinds       = []string{"start", "agreed", "rejected", "vetoed", "opened", "shock", "linked"}
	EffectFields     = []string{"reservation", "bonus", "ideal", "salience", "min", "max", "silence", "yes", "pass", "block", "prospect"}
	VariantKinds     = []string{"policy", "reading", "model"}
	Clocks           = []string{"round", "opened"}
)

// MaxHorizon bounds the number of rounds.
const MaxHorizon = 100000

type validator struct {
	s  *Scenario
	ps Problems
	// ranges, when not nil, collects the allowed range of every parameter
	// checked (ParamRanges).
	ranges map[string][2]float64
	// pairs, when not nil, collects the ordered pairs checked (ParamPairs).
	pairs [][2]string
	// keys indexes the keys of each mapping of the file that a message's
	// field path has passed through, so that locating N messages in a file
	// of N entries stays linear.
	keys map[*yaml.Node]map[string]int
	// skipVariants leaves out the checks of the variants, which a resolved
	// scenario shares unchanged with its validated base.
	skipVariants bool
}

func (v *validator) add(line int, field, format string, args ...any) {
	if l, whole := v.lineOf(field); whole || line == 0 && l > 0 {
		line = l
	}
	v.ps = append(v.ps, Problem{File: v.s.File, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// lineOf returns the line of the node at a dotted field path such as
// tables.t.signatories[2] (for a mapping entry, the line of its key), and
// whether the whole path was found; when it was not, the line of the deepest
// part that was, or 0.
func (v *validator) lineOf(path string) (int, bool) {
	n, line := v.s.root, 0
	for n != nil && path != "" {
		if path[0] == '[' {
			end := strings.IndexByte(path, ']')
			var j int
			if end < 0 || n.Kind != yaml.SequenceNode {
				return line, false
			}
			if _, err := fmt.Sscan(path[1:end], &j); err != nil || j < 0 || j >= len(n.Content) {
				return line, false
			}
			n, line, path = n.Content[j], n.Content[j].Line, strings.TrimPrefix(path[end+1:], ".")
			continue
		}
		if n.Kind != yaml.MappingNode {
			return line, false
		}
		idx := v.keys[n]
		if idx == nil {
			if v.keys == nil {
				v.keys = map[*yaml.Node]map[string]int{}
			}
			idx = make(map[string]int, len(n.Content)/2)
			for i := 0; i+1 < len(n.Content); i += 2 {
				if _, dup := idx[n.Content[i].Value]; !dup {
					idx[n.Content[i].Value] = i
				}
			}
			v.keys[n] = idx
		}
		// Ids may hold dots (file names): take the longest key that the
		// path continues from.
		best, k := -1, ""
		for end := 0; end <= len(path); end++ {
			if end < len(path) && path[end] != '.' && path[end] != '[' {
				continue
			}
			if i, ok := idx[path[:end]]; ok {
				best, k = i, path[:end]
			}
		}
		if best < 0 {
			return line, false
		}
		n, line, path = n.Content[best+1], n.Content[best].Line, strings.TrimPrefix(path[len(k):], ".")
	}
	return line, n != nil && path == ""
}

// param checks a Param that must lie in [lo, hi].
func (v *validator) param(field string, p *Param, lo, hi float64, parentLine int) {
	if v.ranges != nil {
		v.ranges[field] = [2]float64{lo, hi}
	}
	line := p.Line
	if line == 0 {
		line = parentLine
	}
	for _, m := range p.check(lo, hi) {
		v.add(line, field, "%s", m)
	}
	if p.Source != nil && p.Source.Seed != "" && v.s.Sources.Index(p.Source.Seed) < 0 {
		v.add(line, field+".source.seed", "%q is not listed under sources (listed: %s)", p.Source.Seed, strings.Join(v.s.Sources.Keys, ", "))
	}
	if p.Reference != nil {
		v.reference(field, p, line)
	}
}

// DerivedTolerance is how closely a parameter citing a reference class must
// match the distribution the class derives, argument by argument.
const DerivedTolerance = 1e-9

// reference checks a parameter's reference: the class exists, the derivation
// is valid, and the parameter's distribution is the derived one, unless a
// deviation says why it differs.
func (v *validator) reference(field string, p *Param, line int) {
	r := p.Reference
	f := field + ".reference"
	if strings.TrimSpace(r.Class) == "" {
		v.add(line, f+".class", "is required: name a class of models/references (known: %s)", strings.Join(references.Names(), ", "))
		return
	}
	c, err := references.Lookup(r.Class)
	if err != nil {
		v.add(line, f+".class", "%v", err)
		return
	}
	if r.Derive == "" {
		v.add(line, f+".derive", "is required: one of %s", strings.Join(references.Methods, ", "))
		return
	}
	d, err := c.Derive(r.Derivation())
	if err != nil {
		v.add(line, f, "%v", err)
		return
	}
	if strings.TrimSpace(r.Deviation) != "" {
		return
	}
	if !sameDist(p, d) {
		v.add(line, field, "gives %s, but class %s derives %s (%s over %d cases); give the derived distribution, or say why it differs in reference.deviation",
			p, r.Class, Param{Dist: d.Dist, Args: d.Args}, r.Derive, d.N)
	}
}

func sameDist(p *Param, d references.Derived) bool {
	if p.Dist != d.Dist || len(p.Args) != len(d.Args) {
		return false
	}
	for i, a := range d.Args {
		if !(math.Abs(p.Args[i]-a) <= DerivedTolerance) {
			return false
		}
	}
	return true
}

func (v *validator) optParam(field string, p *Param, lo, hi float64, parentLine int) {
	if p != nil {
		v.param(field, p, lo, hi, parentLine)
	}
}

func (v *validator) ref(line int, field, kind, id string, index func(string) int, keys []string) bool {
	if id == "" {
		v.add(line, field, "is required: name a %s", kind)
		return false
	}
	if index(id) < 0 {
		v.add(line, field, "unknown %s %q; known: %s", kind, id, strings.Join(keys, ", "))
		return false
	}
	return true
}

func (v *validator) actor(line int, field, id string) bool {
	return v.ref(line, field, "actor", id, v.s.Actors.Index, v.s.Actors.Keys)
}
func (v *validator) table(line int, field, id string) bool {
	return v.ref(line, field, "table", id, v.s.Tables.Index, v.s.Tables.Keys)
}

func oneOf(x string, allowed []string) bool {
	for _, a := range allowed {
		if x == a {
			return true
		}
	}
	return false
}

// validate returns every problem of the scenario.
func (s *Scenario) validate() Problems {
	return s.validateWith(&validator{s: s})
}

// ParamRanges returns the range the validator allows each parameter of s,
// by its dotted path (as in negsim scenario's listing): an experiment's
// fixed: and sweep values must lie in it too.
func (s *Scenario) ParamRanges() map[string][2]float64 {
	v := &validator{s: s, ranges: map[string][2]float64{}}
	s.validateWith(v)
	return v.ranges
}

// ParamPairs returns the pairs of parameters (lo, hi), by dotted path,
// whose draws must satisfy lo ≤ hi (red lines, a tactic's pmin and pmax):
// an experiment's pins must leave them so too.
func (s *Scenario) ParamPairs() [][2]string {
	v := &validator{s: s, pairs: [][2]string{}}
	s.validateWith(v)
	return v.pairs
}

func (s *Scenario) validateWith(v *validator) Problems {
	if strings.TrimSpace(s.Name) == "" {
		v.add(s.topLine("name"), "name", "is required")
	}
	if s.topLine("horizon") == 0 && s.root != nil {
		v.add(0, "horizon", "is required: the number of rounds (1 to %d)", MaxHorizon)
	} else if s.Horizon < 1 || s.Horizon > MaxHorizon {
		v.add(s.topLine("horizon"), "horizon", "is %d; allowed range is 1 to %d rounds", s.Horizon, MaxHorizon)
	}
	for _, sec := range []struct {
		name string
		n    int
	}{{"actors", s.Actors.Len()}, {"issues", s.Issues.Len()}, {"tables", s.Tables.Len()}, {"outcomes", s.Outcomes.Len()}} {
		if sec.n == 0 {
			v.add(s.topLine(sec.name), sec.name, "is required: give at least one")
		}
	}
	for i, id := range s.Sources.Keys {
		if strings.TrimSpace(s.Sources.Vals[i]) == "" {
			v.add(s.Sources.Lines[i], "sources."+id, "needs a title")
		}
	}
	v.issues()
	v.actors()
	v.tables()
	v.roles()
	v.gates()
	v.institutions()
	v.linkages()
	v.shocks()
	v.outcomes()
	if !v.skipVariants {
		v.variants()
	}
	if d := s.DefaultVariant; d != "" && d != "base" {
		for _, part := range strings.Split(d, "+") {
			v.ref(s.topLine("default_variant"), "default_variant", "variant", part, s.Variants.Index, s.Variants.Keys)
		}
	}
	// A check reached from several places (an actor voting in two
	// institutions) reports once.
	out := v.ps[:0]
	seen := map[Problem]bool{}
	for _, p := range v.ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// topLine returns the line of a top-level key of the scenario file, or 0
// when it is absent.
func (s *Scenario) topLine(key string) int {
	if s.root == nil {
		return 0
	}
	for i := 0; i+1 < len(s.root.Content); i += 2 {
		if s.root.Content[i].Value == key {
			return s.root.Content[i].Line
		}
	}
	return 0
}

// ids reports every id that a list names more than once: a list of ids is a
// set, and a repeat would count one actor or institution twice.
func (v *validator) ids(line int, f, what string, ids []string) {
	first := map[string]int{}
	for j, id := range ids {
		if i, dup := first[id]; dup {
			v.add(line, fmt.Sprintf("%s[%d]", f, j), "repeats %q (already %s[%d]); %s is a set: name each %s once", id, f, i, f, what)
			continue
		}
		first[id] = j
	}
}

// events reports every event that a list names more than once.
func (v *validator) events(line int, f string, es []EventRef) {
	for j := range es {
		for i := range j {
			if es[i] == es[j] {
				v.add(line, fmt.Sprintf("%s[%d]", f, j), "repeats the event of %s[%d]; %s is a set: name each event once", f, i, f)
				break
			}
		}
	}
}

// ordered reports a pair of parameters lo ≤ hi whose supports overlap so
// that a draw of lo can exceed a draw of hi: every value lo can take must
// lie at or below every value hi can take.
func (v *validator) ordered(line int, f, loName, hiName string, lo, hi *Param, what string) {
	if v.pairs != nil && lo != nil && hi != nil {
		v.pairs = append(v.pairs, [2]string{f + "." + loName, f + "." + hiName})
	}
	if lo == nil || hi == nil || !lo.shapeOK() || !hi.shapeOK() {
		return
	}
	_, loHi := lo.Bounds()
	hiLo, _ := hi.Bounds()
	if loHi > hiLo {
		v.add(line, f, "%s can be as high as %g and %s as low as %g, so %s; the highest possible %s must be at or below the lowest possible %s",
			loName, loHi, hiName, hiLo, what, loName, hiName)
	}
}

func (v *validator) issues() {
	s := v.s
	for i, id := range s.Issues.Keys {
		is, line, f := &s.Issues.Vals[i], s.Issues.Lines[i], "issues."+id
		v.table(line, f+".table", is.Table)
		v.param(f+".status_quo", &is.StatusQuo, 0, 100, line)
		for a := range is.Anchors {
			if a < 0 || a > 100 || math.IsNaN(a) {
				v.add(line, f+".anchors", "anchor %g outside the 0–100 scale", a)
			}
		}
	}
}

func (v *validator) actors() {
	s := v.s
	for i, id := range s.Actors.Keys {
		a, line, f := &s.Actors.Vals[i], s.Actors.Lines[i], "actors."+id
		v.param(f+".power", &a.Power, 0, 1000, line)
		for j, iid := range a.Positions.Keys {
			p, pl, pf := &a.Positions.Vals[j], a.Positions.Lines[j], f+".positions."+iid
			v.ref(pl, pf, "issue", iid, s.Issues.Index, s.Issues.Keys)
			v.param(pf+".ideal", &p.Ideal, 0, 100, pl)
			v.param(pf+".salience", &p.Salience, 0, 1, pl)
			v.optParam(pf+".min", p.Min, 0, 100, pl)
			v.optParam(pf+".max", p.Max, 0, 100, pl)
			v.ordered(pl, pf, "min", "max", p.Min, p.Max, "a replicate can draw red lines that no value of the issue satisfies")
		}
		for j, tid := range a.Tables.Keys {
			st, sl, sf := &a.Tables.Vals[j], a.Tables.Lines[j], f+".tables."+tid
			v.table(sl, sf, tid)
			// Reservations and bonuses are in utility units; utility lies in
			// [0, 1], and a reservation above 1 is a type that never accepts.
			v.optParam(sf+".reservation", st.Reservation, -1, 2, sl)
			v.optParam(sf+".reservation_end", st.ReservationEnd, -1, 2, sl)
			if st.ReservationEnd != nil && st.Reservation == nil {
				v.add(sl, sf+".reservation", "is required when reservation_end is given")
			}
			if st.Concession != nil {
				v.param(sf+".concession.e", &st.Concession.E, 0.01, 100, sl)
				v.optParam(sf+".concession.k", st.Concession.K, 0, 1, sl)
			}
			v.optParam(sf+".max_concession", st.MaxConcession, 0, 1, sl)
			v.optParam(sf+".noise", st.Noise, 1e-6, 10, sl)
			v.optParam(sf+".bonus", st.Bonus, -1, 1, sl)
			v.optParam(sf+".breakdown", st.Breakdown, -1, 2, sl)
			if st.Breakdown != nil && st.Proposer != "expected-utility" {
				v.add(sl, sf+".breakdown", "is used only by proposer: expected-utility, not %q", ruleOrDefault(st.Proposer, "conceding"))
			}
			v.optParam(sf+".discount", st.Discount, 1e-9, 1, sl)
			v.optParam(sf+".pmin", st.Pmin, 0, 1, sl)
			v.optParam(sf+".pmax", st.Pmax, 0, 1, sl)
			v.ordered(sl, sf, "pmin", "pmax", st.Pmin, st.Pmax, "a replicate can draw a tactic that demands more at its least than at its most")
			if st.Rule != "" && !oneOf(st.Rule, AcceptRules) {
				v.add(sl, sf+".rule", "is %q; allowed: %s", st.Rule, strings.Join(AcceptRules, ", "))
			}
			if st.Strategy != "" && !oneOf(st.Strategy, Strategies) {
				v.add(sl, sf+".strategy", "is %q; allowed: %s", st.Strategy, strings.Join(Strategies, ", "))
			}
		}
	}
}

// stance returns actor's stance at table, or nil.
func (s *Scenario) stance(actor, table string) *Stance {
	a := s.Actors.Get(actor)
	if a == nil {
		return nil
	}
	return a.Tables.Get(table)
}

func (v *validator) tables() {
	s := v.s
	for i, id := range s.Tables.Keys {
		t, line, f := &s.Tables.Vals[i], s.Tables.Lines[i], "tables."+id
		if !oneOf(t.Protocol, Protocols) {
			v.add(line, f+".protocol", "is %q; allowed: %s", t.Protocol, strings.Join(Protocols, ", "))
			continue
		}
		nIssues := 0
		for _, is := range s.Issues.Vals {
			if is.Table == id {
				nIssues++
			}
		}
		if nIssues == 0 {
			v.add(line, f, "has no issues; give at least one issue with table: %s", id)
		}
		v.ids(line, f+".signatories", "signatory", t.Signatories)
		v.ids(line, f+".players", "player", t.Players)
		v.ids(line, f+".ratify", "institution", t.Ratify)
		for j, a := range t.Signatories {
			sf := fmt.Sprintf("%s.signatories[%d]", f, j)
			if v.actor(line, sf, a) && t.Protocol == "mediated" {
				if st := s.stance(a, id); st == nil || st.Reservation == nil {
					v.add(line, sf, "%s signs at %s but has no actors.%s.tables.%s.reservation", a, id, a, id)
				} else {
					v.needNoise(line, sf, a, id, st)
					v.needStake(line, sf, "signs", a, id, st)
				}
			}
		}
		for j, a := range t.Players {
			sf := fmt.Sprintf("%s.players[%d]", f, j)
			if v.actor(line, sf, a) && s.stance(a, id) == nil {
				v.add(line, sf, "%s plays at %s but has no actors.%s.tables.%s", a, id, a, id)
			}
		}
		switch t.Protocol {
		case "mediated":
			if v.actor(line, f+".mediator", t.Mediator) {
				switch st := s.stance(t.Mediator, id); {
				case st != nil && st.Proposer == "expected-utility":
					if st.Concession != nil {
						v.add(line, f+".mediator", "actors.%s.tables.%s.concession is not used by proposer: expected-utility (it chooses how far to concede each round); remove it", t.Mediator, id)
					}
				case st == nil || st.Concession == nil:
					v.add(line, f+".mediator", "%s mediates %s but has no actors.%s.tables.%s.concession", t.Mediator, id, t.Mediator, id)
				}
			}
			if len(t.Signatories) == 0 {
				v.add(line, f+".signatories", "is required for the mediated protocol: name at least one actor")
			}
		case "bdm":
			if len(t.Players) < 3 {
				v.add(line, f+".players", "the bdm protocol needs at least 3 players, got %d", len(t.Players))
			}
		case "alternating", "legislative", "majority":
			if len(t.Players) < 2 {
				v.add(line, f+".players", "the %s protocol needs at least 2 players, got %d", t.Protocol, len(t.Players))
			}
		}
		if t.Protocol == "legislative" && (t.Quota < 1 || t.Quota > len(t.Players)) {
			v.add(line, f+".quota", "is %d; allowed range is 1 to the number of players (%d)", t.Quota, len(t.Players))
		}
		v.optParam(f+".demand_gain", t.DemandGain, 0, 10, line)
		for j, inst := range t.Ratify {
			rf := fmt.Sprintf("%s.ratify[%d]", f, j)
			if !v.ref(line, rf, "institution", inst, s.Institutions.Index, s.Institutions.Keys) {
				continue
			}
			in := s.Institutions.Get(inst)
			if in.Kind == "referendum" {
				continue
			}
			for _, m := range in.Members {
				if in.YesProb.Index(m) >= 0 {
					continue
				}
				if st := s.stance(m, id); st == nil || st.Reservation == nil {
					v.add(line, rf, "member %s of %s votes on %s but has neither yes_prob nor actors.%s.tables.%s.reservation", m, inst, id, m, id)
				} else {
					v.needNoise(line, rf, m, id, st)
					v.needStake(line, rf, "votes in "+inst, m, id, st)
				}
			}
		}
		for j := range t.Defers {
			v.deferral(line, fmt.Sprintf("%s.defers[%d]", f, j), id, &t.Defers[j])
		}
		if t.Clock != "" && !oneOf(t.Clock, Clocks) {
			v.add(line, f+".clock", "is %q; allowed: %s", t.Clock, strings.Join(Clocks, ", "))
		}
		if t.Clock != "" && t.Protocol != "mediated" {
			v.add(line, f+".clock", "applies to the mediated protocol's concession curves, not to %s", t.Protocol)
		}
		if t.Opens != nil {
			v.events(line, f+".opens.after", t.Opens.After)
			for j := range t.Opens.After {
				v.event(line, fmt.Sprintf("%s.opens.after[%d]", f, j), &t.Opens.After[j])
			}
			// A delay beyond the horizon means the table does not open
			// within it (a reference class may give such durations).
			v.optParam(f+".opens.delay", t.Opens.Delay, 0, MaxHorizon, line)
		}
	}
}

// needNoise reports a logit or probit stance without its decision noise:
// the noise is a parameter of the stance, never a silent default.
func (v *validator) needNoise(line int, f, actor, table string, st *Stance) {
	if st.Rule == "threshold" || st.Noise != nil {
		return
	}
	v.add(line, f, "%s decides at %s by a %s rule but has no actors.%s.tables.%s.noise: give the decision noise (utility units, > 0), or rule: threshold",
		actor, table, ruleOrDefault(st.Rule, "logit"), actor, table)
}

func ruleOrDefault(r, def string) string {
	if r == "" {
		return def
	}
	return r
}

// needStake reports a signatory or voter with no position on any issue of
// table and none on an issue the table defers: its utility would be 1 for
// every package, which is almost always a position left out. A stance marked
// indifferent says so on purpose, and then must not have such positions.
func (v *validator) needStake(line int, f, does, actor, table string, st *Stance) {
	s := v.s
	a := s.Actors.Get(actor)
	if a == nil {
		return
	}
	var issues, held []string
	for i, iid := range s.Issues.Keys {
		if s.Issues.Vals[i].Table == table || s.deferralOf(table, iid) != nil {
			issues = append(issues, iid)
			if p := a.Positions.Get(iid); p != nil {
				if _, hi := p.Salience.Bounds(); !p.Salience.shapeOK() || hi > 0 {
					held = append(held, iid)
				}
			}
		}
	}
	switch {
	case len(held) == 0 && !st.Indifferent && len(issues) > 0:
		v.add(line, f, "%s %s at %s but has no position with salience above 0 on any of its issues (%s) or the issues it defers, so its utility would be 1 for every package; give actors.%s.positions, or set actors.%s.tables.%s.indifferent: true",
			actor, does, table, strings.Join(issues, ", "), actor, actor, table)
	case len(held) > 0 && st.Indifferent:
		v.add(s.Actors.Line(actor), "actors."+actor+".tables."+table+".indifferent", "is true but %s has positions on %s, issues of %s: remove indifferent or the positions",
			actor, strings.Join(held, ", "), table)
	}
}

func slicesContains(es []EventRef, e EventRef) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}

// deferral checks an issue that table defers to a later stage.
func (v *validator) deferral(line int, f, table string, d *Deferral) {
	s := v.s
	if v.ref(line, f+".issue", "issue", d.Issue, s.Issues.Index, s.Issues.Keys) && s.Issues.Get(d.Issue).Table == table {
		v.add(line, f+".issue", "%s is an issue of %s itself; a table defers issues of another (later) table", d.Issue, table)
	}
	v.param(f+".weight", &d.Weight, 0, 1, line)
	v.param(f+".prospect", &d.Prospect, 0, 100, line)
	for j, a := range d.Beliefs.Keys {
		v.actor(d.Beliefs.Lines[j], f+".beliefs."+a, a)
		v.param(f+".beliefs."+a, &d.Beliefs.Vals[j], 0, 100, d.Beliefs.Lines[j])
	}
}

// deferralOf returns table's deferral of issue, or nil.
func (s *Scenario) deferralOf(table, issue string) *Deferral {
	t := s.Tables.Get(table)
	if t == nil {
		return nil
	}
	for j := range t.Defers {
		if t.Defers[j].Issue == issue {
			return &t.Defers[j]
		}
	}
	return nil
}

func (v *validator) event(line int, f string, e *EventRef) {
	s := v.s
	if !oneOf(e.Event, EventKinds) {
		v.add(line, f+".event", "is %q; allowed: %s", e.Event, strings.Join(EventKinds, ", "))
		return
	}
	// A field the kind does not use would be ignored: reject it.
	for _, u := range []struct {
		field, val string
		used       bool
	}{
		{"table", e.Table, oneOf(e.Event, []string{"agreed", "rejected", "vetoed", "opened"})},
		{"shock", e.Shock, e.Event == "shock"},
		{"linkage", e.Linkage, e.Event == "linked"},
	} {
		if u.val != "" && !u.used {
			v.add(line, f+"."+u.field, "is not used by a %s event; remove it", e.Event)
		}
	}
	switch e.Event {
	case "agreed", "rejected", "vetoed", "opened":
		v.table(line, f+".table", e.Table)
		if e.Institution != "" {
			if e.Event != "vetoed" {
				v.add(line, f+".institution", "is only meaningful for a vetoed event (the institution that cast the veto), not %s", e.Event)
			} else if v.ref(line, f+".institution", "institution", e.Institution, s.Institutions.Index, s.Institutions.Keys) {
				// Checked on the base document only: a variant may move a
				// table to another institution and leave such a linkage idle.
				if t := s.Tables.Get(e.Table); t != nil && s.Variant == "" && !oneOf(e.Institution, t.Ratify) {
					v.add(line, f+".institution", "%s does not ratify table %s (its ratify list: %s), so it can never veto there", e.Institution, e.Table, strings.Join(t.Ratify, ", "))
				}
			}
		}
	case "shock":
		v.ref(line, f+".shock", "shock", e.Shock, s.Shocks.Index, s.Shocks.Keys)
	case "linked":
		v.ref(line, f+".linkage", "linkage", e.Linkage, s.Linkages.Index, s.Linkages.Keys)
	}
}

func (v *validator) institutions() {
	s := v.s
	for i, id := range s.Institutions.Keys {
		in, line, f := &s.Institutions.Vals[i], s.Institutions.Lines[i], "institutions."+id
		if !oneOf(in.Kind, InstitutionKinds) {
			v.add(line, f+".kind", "is %q; allowed: %s", in.Kind, strings.Join(InstitutionKinds, ", "))
			continue
		}
		members := map[string]bool{}
		for j, m := range in.Members {
			mf := fmt.Sprintf("%s.members[%d]", f, j)
			if members[m] {
				v.add(line, mf, "duplicate member %q", m)
			}
			members[m] = true
			v.actor(line, mf, m)
		}
		switch in.Kind {
		case "referendum":
			switch {
			case in.Pass == nil && in.Groups.Len() == 0:
				v.add(line, f+".pass", "is required for a referendum without groups: the probability it passes, in [0, 1]")
			case in.Pass != nil && in.Groups.Len() > 0:
				v.add(line, f+".pass", "and groups are exclusive: a grouped referendum passes on its groups' yes shares")
			}
			v.optParam(f+".pass", in.Pass, 0, 1, line)
			if in.Electorate != "" {
				v.actor(line, f+".electorate", in.Electorate)
			}
			v.optParam(f+".slope", in.Slope, 0, 100, line)
			if in.Groups.Len() == 0 && (in.Electorate == "") != (in.Slope == nil) {
				v.add(line, f+".electorate", "and slope go together: give both or neither (one alone would be ignored)")
			}
			if len(in.Members) > 0 || in.YesProb.Len() > 0 || in.Silence || in.SilenceProb.Len() > 0 {
				v.add(line, f+".members", "members, yes_prob, silence and silence_prob belong to consensus and veto institutions; a referendum decides by pass or groups")
			}
			if in.Groups.Len() > 0 && (in.Electorate != "" || in.Slope != nil) {
				v.add(line, f+".electorate", "belongs to each group of a grouped referendum (groups.<id>.electorate, groups.<id>.slope)")
			}
			for j, gid := range in.Groups.Keys {
				g, gl, gf := &in.Groups.Vals[j], in.Groups.Lines[j], f+".groups."+gid
				v.param(gf+".share", &g.Share, 1e-9, 1e9, gl)
				v.param(gf+".yes", &g.Yes, 0, 1, gl)
				if g.Electorate != "" {
					v.actor(gl, gf+".electorate", g.Electorate)
				}
				v.optParam(gf+".slope", g.Slope, 0, 100, gl)
				if (g.Electorate == "") != (g.Slope == nil) {
					v.add(gl, gf, "electorate and slope go together: give both or neither")
				}
			}
			if th := in.Threshold; th != nil && (!(*th > 0 && *th < 1)) {
				v.add(line, f+".threshold", "is %g; allowed range is strictly between 0 and 1", *th)
			}
			if in.Threshold != nil && in.Groups.Len() == 0 {
				v.add(line, f+".threshold", "applies only to a referendum with groups")
			}
		default:
			if len(in.Members) == 0 {
				v.add(line, f+".members", "is required for a %s institution", in.Kind)
			}
			if in.Kind == "veto" && (in.Silence || in.SilenceProb.Len() > 0) {
				v.add(line, f+".silence", "a veto institution has no silence procedure (any no blocks); use kind: consensus with silence: true")
			}
			if in.Kind == "consensus" && !in.Silence && in.SilenceProb.Len() > 0 {
				v.add(line, f+".silence_prob", "is given but silence is false, so it would be ignored; set silence: true or remove it")
			}
			if in.Pass != nil || in.Groups.Len() > 0 || in.Threshold != nil || in.Electorate != "" || in.Slope != nil {
				v.add(line, f+".pass", "pass, groups, threshold, electorate and slope belong to referendums, not a %s institution", in.Kind)
			}
		}
		for j, m := range in.SilenceProb.Keys {
			if !members[m] {
				v.add(in.SilenceProb.Lines[j], f+".silence_prob."+m, "%s is not a member of %s", m, id)
			}
			v.param(f+".silence_prob."+m, &in.SilenceProb.Vals[j], 0, 1, in.SilenceProb.Lines[j])
		}
		for j, m := range in.YesProb.Keys {
			if !members[m] {
				v.add(in.YesProb.Lines[j], f+".yes_prob."+m, "%s is not a member of %s", m, id)
			}
			v.param(f+".yes_prob."+m, &in.YesProb.Vals[j], 0, 1, in.YesProb.Lines[j])
		}
	}
}

func (v *validator) linkages() {
	s := v.s
	for i, id := range s.Linkages.Keys {
		l, line, f := &s.Linkages.Vals[i], s.Linkages.Lines[i], "linkages."+id
		v.event(line, f+".when", &l.When)
		v.events(line, f+".if", l.If)
		v.events(line, f+".unless", l.Unless)
		for _, e := range l.If {
			if oneOf(e.Event, EventKinds) && slicesContains(l.Unless, e) {
				v.add(line, f, "names the same event in if and unless: it could never act")
				break
			}
		}
		for j := range l.If {
			v.event(line, fmt.Sprintf("%s.if[%d]", f, j), &l.If[j])
		}
		for j := range l.Unless {
			v.event(line, fmt.Sprintf("%s.unless[%d]", f, j), &l.Unless[j])
		}
		v.optParam(f+".prob", l.Prob, 0, 1, line)
		if len(l.Effects) == 0 && len(l.If) == 0 && len(l.Unless) == 0 && l.Prob == nil {
			// Without effects a linkage can only mark a latent type (its
			// linked event), which needs a probability.
			v.add(line, f+".effects", "is empty and the linkage has no prob: it would do nothing; give effects, or a prob to draw a latent type")
		}
		for j := range l.Effects {
			e, ef := &l.Effects[j], fmt.Sprintf("%s.effects[%d]", f, j)
			lo, hi := -1e9, 1e9
			switch e.Field {
			case "reservation", "bonus":
				v.actor(line, ef+".actor", e.Actor)
				if v.table(line, ef+".table", e.Table) && s.stance(e.Actor, e.Table) == nil {
					v.add(line, ef, "%s has no stance at table %s to shift", e.Actor, e.Table)
				}
				lo, hi = -2, 2
			case "ideal", "salience", "min", "max":
				v.actor(line, ef+".actor", e.Actor)
				if v.ref(line, ef+".issue", "issue", e.Issue, s.Issues.Index, s.Issues.Keys) {
					if a := s.Actors.Get(e.Actor); a != nil && a.Positions.Index(e.Issue) < 0 {
						v.add(line, ef, "%s has no position on %s to shift", e.Actor, e.Issue)
					}
				}
				lo, hi = -100, 100
				if e.Field == "salience" {
					lo, hi = -1, 1
				}
			case "silence", "yes":
				v.actor(line, ef+".actor", e.Actor)
				if v.ref(line, ef+".institution", "institution", e.Institution, s.Institutions.Index, s.Institutions.Keys) {
					in := s.Institutions.Get(e.Institution)
					m := in.SilenceProb
					if e.Field == "yes" {
						m = in.YesProb
					}
					if m.Index(e.Actor) < 0 {
						v.add(line, ef, "institutions.%s has no %s probability for %s to shift", e.Institution, e.Field, e.Actor)
					}
				}
				lo, hi = -1, 1
			case "pass":
				if v.ref(line, ef+".institution", "institution", e.Institution, s.Institutions.Index, s.Institutions.Keys) {
					in := s.Institutions.Get(e.Institution)
					switch {
					case in.Kind != "referendum":
						v.add(line, ef+".institution", "%s is not a referendum", e.Institution)
					case in.Groups.Len() > 0 && e.Group == "":
						v.add(line, ef+".group", "is required: %s is a grouped referendum; name the group whose yes share to shift (%s)", e.Institution, strings.Join(in.Groups.Keys, ", "))
					case e.Group != "" && in.Groups.Index(e.Group) < 0:
						v.add(line, ef+".group", "unknown group %q of %s; known: %s", e.Group, e.Institution, strings.Join(in.Groups.Keys, ", "))
					}
				}
				lo, hi = -1, 1
			case "prospect":
				if v.table(line, ef+".table", e.Table) && v.ref(line, ef+".issue", "issue", e.Issue, s.Issues.Index, s.Issues.Keys) {
					if s.deferralOf(e.Table, e.Issue) == nil {
						v.add(line, ef, "table %s does not defer issue %s; a prospect shift needs a defers entry", e.Table, e.Issue)
					}
				}
				if e.Actor != "" {
					v.actor(line, ef+".actor", e.Actor)
				}
				lo, hi = -100, 100
			case "block":
				v.table(line, ef+".table", e.Table)
				lo, hi = 0, MaxHorizon // beyond the horizon: blocked for the rest of it
			default:
				v.add(line, ef+".field", "is %q; allowed: %s", e.Field, strings.Join(EffectFields, ", "))
				continue
			}
			v.param(ef+".shift", &e.Shift, lo, hi, line)
		}
	}
}

func (v *validator) shocks() {
	s := v.s
	for i, id := range s.Shocks.Keys {
		sh, line, f := &s.Shocks.Vals[i], s.Shocks.Lines[i], "shocks."+id
		v.param(f+".per_round", &sh.PerRound, 0, 1, line)
		if sh.From < 0 || sh.From >= s.Horizon {
			v.add(line, f+".from", "is %d; allowed range is 0 to %d", sh.From, s.Horizon-1)
		}
		if sh.To != nil && (*sh.To < sh.From || *sh.To >= s.Horizon) {
			v.add(line, f+".to", "is %d; allowed range is from (%d) to %d; leave it out for the last round", *sh.To, sh.From, s.Horizon-1)
		}
	}
}

func (v *validator) outcomes() {
	s := v.s
	for i, id := range s.Outcomes.Keys {
		o, line, f := &s.Outcomes.Vals[i], s.Outcomes.Lines[i], "outcomes."+id
		v.table(line, f+".table", o.Table)
		if o.Issue != "" {
			if v.ref(line, f+".issue", "issue", o.Issue, s.Issues.Index, s.Issues.Keys) && s.Issues.Get(o.Issue).Table != o.Table {
				v.add(line, f+".issue", "%s belongs to table %s, not %s", o.Issue, s.Issues.Get(o.Issue).Table, o.Table)
			}
		}
		v.bounds(line, f, o.Min, o.Max)
		if (o.Min != nil || o.Max != nil) && o.Issue == "" {
			v.add(line, f+".issue", "is required when min or max is given")
		}
		if o.Conditions != nil && len(o.Conditions) == 0 {
			v.add(line, f+".conditions", "is an empty list; give at least one {issue, min, max}, or remove it")
		}
		for j := range o.Conditions {
			c, cf := &o.Conditions[j], fmt.Sprintf("%s.conditions[%d]", f, j)
			v.ref(line, cf+".issue", "issue", c.Issue, s.Issues.Index, s.Issues.Keys)
			v.bounds(line, cf, c.Min, c.Max)
			if c.Min == nil && c.Max == nil {
				v.add(line, cf, "gives neither min nor max: it would always hold")
			}
		}
	}
}

// bounds checks an issue condition's [min, max] on the 0–100 scale.
func (v *validator) bounds(line int, f string, lo, hi *float64) {
	for _, b := range []struct {
		n string
		x *float64
	}{{"min", lo}, {"max", hi}} {
		if b.x != nil && (*b.x < 0 || *b.x > 100 || math.IsNaN(*b.x)) {
			v.add(line, f+"."+b.n, "is %g; allowed range is 0 to 100", *b.x)
		}
	}
	if lo != nil && hi != nil && *lo > *hi {
		v.add(line, f, "min %g is above max %g: the condition can never hold", *lo, *hi)
	}
}

func (v *validator) variants() {
	s := v.s
	for i, id := range s.Variants.Keys {
		vr, line, f := &s.Variants.Vals[i], s.Variants.Lines[i], "variants."+id
		if strings.ContainsAny(id, "+ ") || id == "base" {
			v.add(line, f, "variant ids may not be %q or contain '+' or spaces", "base")
		}
		if !oneOf(vr.Kind, VariantKinds) {
			v.add(line, f+".kind", "is %q; allowed: %s", vr.Kind, strings.Join(VariantKinds, ", "))
		}
		switch {
		case vr.Source == nil && strings.TrimSpace(vr.Assumption) == "":
			v.add(line, f, "has neither source nor assumption; say where the variant comes from")
		case vr.Source != nil && s.Sources.Index(vr.Source.Seed) < 0:
			v.add(line, f+".source.seed", "%q is not listed under sources", vr.Source.Seed)
		}
		v.ids(line, f+".extends", "variant", vr.Extends)
		for _, e := range vr.Extends {
			v.ref(line, f+".extends", "variant", e, s.Variants.Index, s.Variants.Keys)
		}
		if vr.Patch.Kind != 0 {
			checkFields(s.File, &vr.Patch, reflect.TypeFor[Scenario](), f+".patch", &v.ps)
		}
	}
}
