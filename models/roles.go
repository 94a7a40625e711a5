package models

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// CheckProposer, when set, reports an unknown proposer name. The proposers
// are registered in package agents, which imports this one, so package sim
// sets it; without it the compiler reports an unknown proposer, without a
// line.
var CheckProposer func(name string) error

// roles reports fields that only one role or protocol uses, given where
// another would silently ignore them: a mediator's max_concession or
// proposer in the stance of a signatory, player or voter that mediates the
// table neither in the base nor in any variant; a game's players or quota
// at a mediated table; a mediator or signatories at a game table.
func (v *validator) roles() {
	s := v.s
	// A stance may hold what the actor needs when a variant makes it the
	// mediator (the default scenario's Washington at normalization), so
	// the stance check runs on the file as written, against the mediators
	// of the base and of every variant's patch, and not on each resolved
	// variant.
	mediators := map[string]bool{}
	if s.Variant == "" {
		for i, tid := range s.Tables.Keys {
			mediators[tid+"\x00"+s.Tables.Vals[i].Mediator] = true
		}
		for i := range s.Variants.Vals {
			for tid, m := range patchedMediators(&s.Variants.Vals[i].Patch) {
				mediators[tid+"\x00"+m] = true
			}
		}
	}
	for i, id := range s.Actors.Keys {
		if CheckProposer != nil {
			a := &s.Actors.Vals[i]
			for j, tid := range a.Tables.Keys {
				if p := a.Tables.Vals[j].Proposer; p != "" {
					if err := CheckProposer(p); err != nil {
						v.add(a.Tables.Lines[j], "actors."+id+".tables."+tid+".proposer", "%v", err)
					}
				}
			}
		}
		if s.Variant != "" {
			continue
		}
		a := &s.Actors.Vals[i]
		for j, tid := range a.Tables.Keys {
			st, sl, sf := &a.Tables.Vals[j], a.Tables.Lines[j], "actors."+id+".tables."+tid
			t := s.Tables.Get(tid)
			if t == nil {
				continue
			}
			// Only an actor with another role at the table (a signatory, a
			// player, a voter) is flagged: a stance of an actor without a
			// role there is unused as a whole.
			if mediators[tid+"\x00"+id] || !s.hasRole(id, tid) {
				continue
			}
			who := fmt.Sprintf("%s mediates %s neither in the base nor in any variant", id, tid)
			if t.Protocol == "mediated" && t.Mediator != "" {
				who += " (" + t.Mediator + " does)"
			} else if t.Protocol != "mediated" {
				who = fmt.Sprintf("%s is a %s table, without a mediator", tid, t.Protocol)
			}
			if st.MaxConcession != nil {
				v.add(sl, sf+".max_concession", "is used only by a table's mediator, and %s; remove it", who)
			}
			if st.Proposer != "" {
				v.add(sl, sf+".proposer", "is used only by a table's mediator, and %s; remove it", who)
			}
		}
	}
	for i, id := range s.Tables.Keys {
		t, line, f := &s.Tables.Vals[i], s.Tables.Lines[i], "tables."+id
		if !oneOf(t.Protocol, Protocols) {
			continue
		}
		if t.Protocol == "mediated" && len(t.Players) > 0 {
			v.add(line, f+".players", "belongs to the game protocols (%s), not mediated: a mediated table's parties are its signatories", strings.Join(gameProtocols(), ", "))
		}
		if t.Quota != 0 && t.Protocol != "legislative" {
			v.add(line, f+".quota", "applies only to the legislative protocol, not %s", t.Protocol)
		}
		if t.Protocol != "mediated" && t.Mediator != "" {
			v.add(line, f+".mediator", "applies only to the mediated protocol, not %s", t.Protocol)
		}
		if t.Protocol != "mediated" && len(t.Signatories) > 0 {
			v.add(line, f+".signatories", "apply only to the mediated protocol; a %s table's parties are its players", t.Protocol)
		}
	}
}

func gameProtocols() []string {
	var g []string
	for _, p := range Protocols {
		if p != "mediated" {
			g = append(g, p)
		}
	}
	return g
}

// gates refuses tables that can never open: one whose gate waits for an
// event of its own, and a cycle of tables each waiting for an event of
// the next (a table has no agreed, rejected, vetoed or opened event
// before it opens, and a gate waits for all its events).
func (v *validator) gates() {
	s := v.s
	waits := map[string][]string{}
	for i, id := range s.Tables.Keys {
		t := &s.Tables.Vals[i]
		if t.Opens == nil {
			continue
		}
		for j, e := range t.Opens.After {
			if e.Table == "" || s.Tables.Get(e.Table) == nil {
				continue
			}
			if e.Table == id {
				v.add(s.Tables.Lines[i], fmt.Sprintf("tables.%s.opens.after[%d]", id, j),
					"waits for the %s event of %s itself, which cannot happen before %s opens: the table would never open", e.Event, id, id)
				continue
			}
			waits[id] = append(waits[id], e.Table)
		}
	}
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(id string) bool
	visit = func(id string) bool {
		switch state[id] {
		case onPath:
			i := len(path) - 1
			for path[i] != id {
				i--
			}
			cycle := append(append([]string{}, path[i:]...), id)
			v.add(s.Tables.Lines[s.Tables.Index(id)], "tables."+id+".opens.after",
				"the gates form a cycle (%s, each waiting for an event of the next): none of these tables can ever open", strings.Join(cycle, " -> "))
			return true
		case done:
			return false
		}
		state[id] = onPath
		path = append(path, id)
		for _, w := range waits[id] {
			if visit(w) {
				return true
			}
		}
		path = path[:len(path)-1]
		state[id] = done
		return false
	}
	for _, id := range s.Tables.Keys {
		if visit(id) {
			return // one cycle is enough to fix first
		}
	}
}

// patchedMediators returns the tables whose mediator a variant's patch
// sets, with the mediator it sets.
func patchedMediators(patch *yaml.Node) map[string]string {
	out := map[string]string{}
	tables := mapValue(patch, "tables")
	if tables == nil || tables.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(tables.Content); i += 2 {
		if m := mapValue(tables.Content[i+1], "mediator"); m != nil && m.Kind == yaml.ScalarNode {
			out[tables.Content[i].Value] = m.Value
		}
	}
	return out
}

// mapValue returns the value of key in a mapping node, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// hasRole reports whether actor signs or plays at table, or votes in an
// institution that ratifies it.
func (s *Scenario) hasRole(actor, table string) bool {
	t := s.Tables.Get(table)
	if t == nil {
		return false
	}
	for _, a := range append(append([]string{}, t.Signatories...), t.Players...) {
		if a == actor {
			return true
		}
	}
	for _, inst := range t.Ratify {
		if in := s.Institutions.Get(inst); in != nil {
			for _, m := range in.Members {
				if m == actor {
					return true
				}
			}
		}
	}
	return false
}
