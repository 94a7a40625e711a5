package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

func runScenario(e *env, args []string) error {
	fs := newFlags(e, "scenario", "scenario [--scenario FILE] [--variant NAME]", "negsim scenario --variant full-plan+sceptic")
	scenario := fs.String("scenario", "", "scenario YAML file (default: the embedded scenario)")
	variant := fs.String("variant", "", "variant whose parameters to list (default: the scenario's default_variant, else base)")
	if err := parse(fs, args); err != nil {
		return err
	}
	base, s, m, err := loadModel(*scenario, *variant)
	if err != nil {
		return err
	}
	*variant = s.Variant
	fmt.Fprintf(e.stdout, "%s: %s\nfile %s, sha256 %s, horizon %d rounds\n\n", s.Name, s.Description, s.File, s.SHA256(), s.Horizon)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIANT\tKIND\tLABEL\tPROVENANCE")
	for i, id := range base.Variants.Keys {
		v := &base.Variants.Vals[i]
		prov := "assumption: " + v.Assumption
		if v.Source != nil {
			prov = fmt.Sprintf("%s: %q", v.Source.Seed, v.Source.Quote)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", id, v.Kind, v.Label, prov)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "\nProvenance of the %d parameters of variant %s:\n", len(m.ParamNames()), *variant)
	if err := writeProvenance(e.stdout, countProvenance(m)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nParameters of variant %s (%d):\n", *variant, len(m.ParamNames()))
	tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PARAMETER\tLINE\tDISTRIBUTION\tPROVENANCE")
	params := m.Params()
	for i, n := range m.ParamNames() {
		p := params[i]
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", n, p.Line, p, provenance(p))
	}
	return tw.Flush()
}

// provenance describes where a parameter comes from: its source quote, its
// reference class, or its assumption.
func provenance(p models.Param) string {
	var parts []string
	if p.Source != nil {
		parts = append(parts, fmt.Sprintf("source %s: %q", p.Source.Seed, p.Source.Quote))
	}
	if r := p.Reference; r != nil {
		parts = append(parts, "reference "+referenceString(r))
	}
	if p.Assumption != "" || p.Source == nil && p.Reference == nil {
		parts = append(parts, "assumption: "+p.Assumption)
	}
	return strings.Join(parts, "; ")
}

// referenceString renders a reference as class/derive with its exclusions,
// map, note and deviation.
func referenceString(r *models.Reference) string {
	s := r.Class + " (" + r.Derive
	if len(r.Exclude) > 0 {
		s += ", excluding " + strings.Join(r.Exclude, ", ")
	}
	if d := r.Derivation(); d.Scale != 1 || d.Shift != 0 {
		s += fmt.Sprintf(", x*%g%+g", d.Scale, d.Shift)
	}
	s += ")"
	if r.Note != "" {
		s += ": " + r.Note
	}
	if r.Deviation != "" {
		s += "; deviation: " + r.Deviation
	}
	return s
}

// provenanceCount tallies the provenance of a group of parameters.
type provenanceCount struct {
	group string
	// total is the number of parameters; source and assumption count
	// those citing a source and those stating an assumption (a parameter
	// may do both, counted in both), neither those doing neither,
	// reference those citing a reference class (deviating: with a stated
	// deviation from the derived distribution), and uncertain those drawn
	// from a non-degenerate distribution.
	total, source, assumption, both, neither, reference, deviating, uncertain int
}

func (c *provenanceCount) add(p models.Param) {
	c.total++
	if p.Reference != nil {
		c.reference++
		if strings.TrimSpace(p.Reference.Deviation) != "" {
			c.deviating++
		}
		if p.Random() {
			c.uncertain++
		}
		return
	}
	src, asm := p.Source != nil, strings.TrimSpace(p.Assumption) != ""
	switch {
	case src && asm:
		c.source++
		c.assumption++
		c.both++
	case src:
		c.source++
	case asm:
		c.assumption++
	default:
		c.neither++
	}
	if p.Random() {
		c.uncertain++
	}
}

// countProvenance counts m's parameters by provenance, per kind (the first
// element of the parameter path: actors, issues, tables, institutions,
// shocks, linkages, in order of first appearance) and in total, last.
func countProvenance(m *sim.Model) []provenanceCount {
	var groups []provenanceCount
	index := map[string]int{}
	total := provenanceCount{group: "total"}
	params := m.Params()
	for i, name := range m.ParamNames() {
		kind, _, _ := strings.Cut(name, ".")
		g, ok := index[kind]
		if !ok {
			g = len(groups)
			index[kind] = g
			groups = append(groups, provenanceCount{group: kind})
		}
		groups[g].add(params[i])
		total.add(params[i])
	}
	return append(groups, total)
}

// writeProvenance writes the counts as a sentence for the total and a table
// per kind.
func writeProvenance(w io.Writer, cs []provenanceCount) error {
	t := cs[len(cs)-1]
	fmt.Fprintf(w, "%d cite a source, %d cite a reference class (%d with a stated deviation), %d state an assumption (%d do both), %d neither; uncertain (drawn from a range): %d\n",
		t.source, t.reference, t.deviating, t.assumption, t.both, t.neither, t.uncertain)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tPARAMETERS\tSOURCE\tREFERENCE\tASSUMPTION\tBOTH\tNEITHER\tUNCERTAIN")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", c.group, c.total, c.source, c.reference, c.assumption, c.both, c.neither, c.uncertain)
	}
	return tw.Flush()
}
