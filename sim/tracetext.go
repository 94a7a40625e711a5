package sim

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
)

// TextTracer writes a replicate's steps as an aligned table, one line per
// step. Call Flush when the replicate ends.
type TextTracer struct {
	m  *Model
	tw *tabwriter.Writer
}

// NewTextTracer returns a TextTracer for replicates of m writing to w.
func NewTextTracer(m *Model, w io.Writer) *TextTracer {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "round\ttable\tstep\twho\tdetail")
	return &TextTracer{m: m, tw: tw}
}

// Flush writes the buffered table.
func (t *TextTracer) Flush() error { return t.tw.Flush() }

func (t *TextTracer) name(list []string, i int) string {
	if i < 0 {
		return "-"
	}
	return list[i]
}

// Trace implements Tracer.
func (t *TextTracer) Trace(e *TraceEvent) {
	m := t.m
	var step, who, detail string
	table := t.name(m.Tables, e.Table)
	switch e.Kind {
	case TraceOpened:
		step = "opened"
	case TraceOffer:
		step, who = "offer", t.name(m.Actors, e.Actor)
		detail = t.pkg(e.Table, e.Offer)
		if m.tables[e.Table].protocol == protoMediated {
			detail += fmt.Sprintf("  (conceded %.0f%%)", 100*e.P)
		}
		detail += t.held(e)
		if !math.IsNaN(e.Estimate) {
			detail += fmt.Sprintf("  [expected utility: P(accepted and ratified)=%.3f]", e.Estimate)
		}
	case TraceResponse:
		step, who = "response", t.name(m.Actors, e.Actor)
		verdict := "reject, demands more"
		if e.Accept {
			verdict = "accept"
		}
		detail = fmt.Sprintf("%-20s U=%.3f R=%.3f P(accept)=%.3f", verdict, e.U, e.R, e.P)
		if !math.IsNaN(e.BeliefLo) {
			detail += fmt.Sprintf("  mediator now believes R in [%.3f, %.3f]", e.BeliefLo, e.BeliefHi)
		}
		if !math.IsNaN(e.Bound) {
			rare := "P(reject)"
			if e.RareAccept {
				rare = "P(accept)"
			}
			bound := "<= " + strconv.FormatFloat(e.Bound, 'g', 2, 64)
			if e.Bound == 0 {
				bound = "= 0"
			}
			if e.Candidate {
				detail += fmt.Sprintf("  [thinned, a candidate: %s %s]", rare, bound)
			} else {
				detail += fmt.Sprintf("  [thinned: %s %s while nothing it reads moves]", rare, bound)
			}
		}
	case TraceVote:
		if e.Group != none {
			step, who = "vote", t.name(m.Insts, e.Institution)+"/"+m.Scenario.Institutions.Vals[e.Institution].Groups.Keys[e.Group]
			detail = fmt.Sprintf("yes share %.3f (threshold %.2f)", e.P, m.insts[e.Institution].threshold)
			break
		}
		step, who = "vote", t.name(m.Insts, e.Institution)+"/"+t.name(m.Actors, e.Actor)
		verdict := "yes"
		switch {
		case !e.Accept && e.Silent:
			verdict = "silent (lets it pass)"
		case !e.Accept && m.insts[e.Institution].kind == kindVeto:
			verdict = "no (veto)"
		case !e.Accept:
			verdict = "no (objects)"
		}
		detail = fmt.Sprintf("%-20s P(yes)=%.3f", verdict, e.P)
	case TraceDecision:
		step, who = "decision", t.name(m.Insts, e.Institution)
		detail = "fails"
		if e.Accept {
			detail = "passes"
		}
	case TraceAgreed:
		step, detail = "AGREED", t.pkg(e.Table, e.Offer)
	case TraceLinkage:
		step, who = "linkage", t.name(m.Links, e.Linkage)
		detail = "fires: " + m.Scenario.Linkages.Vals[e.Linkage].Label
		if !e.Accept {
			detail = "does not fire (its probability draw failed)"
		}
	case TraceShock:
		step, who, detail = "shock", t.name(m.ShockIDs, e.Shock), m.Scenario.Shocks.Vals[e.Shock].Label
	case TraceBDM:
		step = "bdm"
		if e.Offer == nil {
			detail = "no forecast: every player has zero capability or salience"
			break
		}
		parts := make([]string, len(e.Offer))
		for k, a := range m.tables[e.Table].players {
			parts[k] = fmt.Sprintf("%s=%.2f", m.Actors[a], e.Offer[k])
		}
		detail = fmt.Sprintf("positions %s  forecast mean=%.3f median=%.3f", strings.Join(parts, " "), e.U, e.R)
		switch {
		case !e.Accept:
			detail += "  (no one moved: settles at the median)"
		case e.Silent:
			detail += "  (positions as two rounds before: a cycle; settles at the mean of its two medians)"
		}
	case TraceHold:
		step, who = "holds", t.name(m.Actors, e.Actor)
		what, result := "accepted and ratified", "agreement"
		if e.Institution != none {
			// The rounds that reach this institution vote as usual.
			what = "accepted and through to " + m.Insts[e.Institution]
			result = "round reaching " + m.Insts[e.Institution]
		}
		if e.Accept {
			detail = fmt.Sprintf("P(%s)=%.3f each round while nothing moves:", what, e.P)
		} else {
			detail = fmt.Sprintf("P(%s) at most %.3f a round while nothing but reservations moves:", what, e.P)
		}
		if e.HeldUntil >= m.Horizon {
			detail += " no candidate round drawn within the horizon"
		} else if e.Accept {
			detail += fmt.Sprintf(" %s drawn for round %d", result, e.HeldUntil)
		} else {
			detail += fmt.Sprintf(" next candidate round %d", e.HeldUntil)
		}
	case TraceOutcome:
		step, who, detail = "OUTCOME", t.name(m.Outcomes, e.Outcome), m.Scenario.Outcomes.Vals[e.Outcome].Label
	}
	fmt.Fprintf(t.tw, "%d\t%s\t%s\t%s\t%s\n", e.Round, table, step, who, detail)
}

// held describes where an offer was held at the signatories' red lines, or
// that they leave no feasible package.
func (t *TextTracer) held(e *TraceEvent) string {
	var parts []string
	for j, i := range t.m.tables[e.Table].issues {
		if j < len(e.Wanted) && math.Abs(e.Wanted[j]-e.Offer[j]) > 1e-9 {
			parts = append(parts, fmt.Sprintf("%s %.1f->%.1f", t.m.Issues[i], e.Wanted[j], e.Offer[j]))
		}
	}
	out := ""
	if len(parts) > 0 {
		out = "  [held at red lines: " + strings.Join(parts, ", ") + "]"
	}
	if e.Infeasible {
		out += "  [the signatories' red lines leave no feasible package on some issue]"
	}
	return out
}

func (t *TextTracer) pkg(table int, x []float64) string {
	parts := make([]string, len(x))
	for j, i := range t.m.tables[table].issues {
		parts[j] = fmt.Sprintf("%s=%.1f", t.m.Issues[i], x[j])
	}
	return strings.Join(parts, " ")
}
