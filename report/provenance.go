package report

import (
	"strings"

	"github.com/negsim/negsim/sim"
)

// ParamGroup is the parameters of one kind (the first element of their
// path: actors, issues, tables, institutions, linkages, shocks, ...).
type ParamGroup struct {
	Kind   string
	Params []ParamRow
	// Source, Assumption and Both count the parameters citing a source,
	// stating an assumption, and doing both; Reference those citing a
	// reference class; Neither those doing none of these and Uncertain
	// those drawn from a range.
	Source, Assumption, Both, Reference, Neither, Uncertain int
}

// ParamRow is one parameter and its provenance.
type ParamRow struct {
	// Path is the parameter's dotted path, Line its line in the scenario
	// file and Dist its distribution as negsim scenario prints it.
	Path string
	Line int
	Dist string
	// Random says it is drawn from a range rather than fixed.
	Random bool
	// Seed and Quote cite its source, when it has one; Assumption states
	// the assumption, when it makes one; Ref names its reference class
	// and derivation, when it cites one.
	Seed, Quote, Assumption, Ref string
}

// provenance lists m's parameters grouped by kind, in order of first
// appearance, and returns the totals as a last group named "total" (with no
// parameters).
func provenance(m *sim.Model) (groups []ParamGroup, total ParamGroup) {
	index := map[string]int{}
	total.Kind = "total"
	params := m.Params()
	for i, path := range m.ParamNames() {
		p := params[i]
		kind, _, _ := strings.Cut(path, ".")
		g, ok := index[kind]
		if !ok {
			g = len(groups)
			index[kind] = g
			groups = append(groups, ParamGroup{Kind: kind})
		}
		row := ParamRow{Path: path, Line: p.Line, Dist: p.String(), Random: p.Random(), Assumption: strings.TrimSpace(p.Assumption)}
		if p.Source != nil {
			row.Seed, row.Quote = p.Source.Seed, p.Source.Quote
		}
		if r := p.Reference; r != nil {
			row.Ref = r.Class + " (" + r.Derive + ")"
			if r.Note != "" {
				row.Ref += ": " + r.Note
			}
			if r.Deviation != "" {
				row.Ref += "; deviation: " + r.Deviation
			}
		}
		groups[g].Params = append(groups[g].Params, row)
		for _, c := range []*ParamGroup{&groups[g], &total} {
			src, asm := p.Source != nil, row.Assumption != ""
			switch {
			case p.Reference != nil:
				c.Reference++
			case src && asm:
				c.Source++
				c.Assumption++
				c.Both++
			case src:
				c.Source++
			case asm:
				c.Assumption++
			default:
				c.Neither++
			}
			if p.Random() {
				c.Uncertain++
			}
		}
	}
	return groups, total
}
