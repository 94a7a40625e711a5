package report

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/negsim/negsim/sim"
)

// Trace is one replicate replayed: its events grouped by table, round by
// round.
type Trace struct {
	// Replicate is the replicate index, Variant the variant (the stream
	// key) and Seed the master seed.
	Replicate uint64
	Variant   string
	Seed      uint64
	// ID is the trace's HTML anchor.
	ID string
	// Rounds is the number of rounds the replicate ran.
	Rounds int
	// Outcomes lists every outcome of the model and the round it was
	// reached in.
	Outcomes []OutcomeState
	// Lanes holds one timeline per table that saw an event, in model
	// order, then one for the events of no table (linkages, shocks).
	Lanes []Lane
	// Events is the number of events.
	Events int
	// Note says when the replicate is not one a result counted.
	Note string
}

// OutcomeState says whether an outcome was reached, and in which round.
type OutcomeState struct {
	ID, Label string
	Round     int // -1 when not reached
}

// Lane is the timeline of one table: its rounds, each with its events.
type Lane struct {
	// Table is the table id, or "" for the lane of events at no table;
	// Title is what the page calls it and ID its anchor.
	Table, Title, ID string
	Rows             []Row
	// Agreed is the round the table agreed, or -1.
	Agreed int
}

// Row is one round of a lane.
type Row struct {
	Round  int
	Events []Event
}

// Event is one step of a replicate as the page shows it.
type Event struct {
	// Kind is the step: opened, offer, response, vote, decision, agreed,
	// linkage, shock, outcome or bdm.
	Kind string
	// Who is the actor, institution member, linkage, shock or outcome;
	// Institution the institution of a vote or decision.
	Who, Institution string
	// Verdict is yes, no, veto, silent or "" (a class for the page), and
	// Verb the word the page shows for it.
	Verdict, Verb string
	// HasURP says that U, R and P are a response's utility, reservation
	// and probability of acceptance; HasP that P is a vote's probability
	// of a yes.
	HasURP, HasP bool
	U, R, P      float64
	// Detail is the step's line of negsim run --trace.
	Detail string
}

var kindNames = map[sim.TraceKind]string{sim.TraceOpened: "opened", sim.TraceOffer: "offer", sim.TraceResponse: "response",
	sim.TraceVote: "vote", sim.TraceDecision: "decision", sim.TraceAgreed: "agreed", sim.TraceLinkage: "linkage",
	sim.TraceShock: "shock", sim.TraceOutcome: "outcome", sim.TraceBDM: "bdm", sim.TraceHold: "hold"}

// collector is a sim.Tracer that keeps every event as the page shows it.
type collector struct {
	m      *sim.Model
	events []collected
}

type collected struct {
	round, table int
	ev           Event
}

// Trace implements sim.Tracer.
func (c *collector) Trace(e *sim.TraceEvent) {
	step, who, detail := textLine(c.m, e)
	ev := Event{Kind: kindNames[e.Kind], Who: who, Detail: detail}
	if ev.Kind == "" {
		ev.Kind = strings.ToLower(step)
	}
	switch e.Kind {
	case sim.TraceResponse:
		ev.HasURP, ev.U, ev.R, ev.P = true, e.U, e.R, e.P
		ev.Verdict, ev.Verb = "no", "rejects"
		if e.Accept {
			ev.Verdict, ev.Verb = "yes", "accepts"
		}
		// The detail repeats the verdict and U, R, P; keep what follows.
		if _, rest, ok := strings.Cut(detail, "P(accept)="); ok {
			if _, after, ok := strings.Cut(rest, " "); ok {
				ev.Detail = strings.TrimSpace(after)
			} else {
				ev.Detail = ""
			}
		}
	case sim.TraceVote:
		ev.Institution, ev.Who, _ = strings.Cut(who, "/")
		ev.HasP, ev.P = true, e.P
		switch {
		case e.Group >= 0:
			ev.Verdict, ev.Verb = "", "group"
		case e.Accept:
			ev.Verdict, ev.Verb = "yes", "yes"
		case e.Silent:
			ev.Verdict, ev.Verb = "silent", "silent (lets it pass)"
		case strings.Contains(detail, "(veto)"):
			ev.Verdict, ev.Verb = "veto", "veto"
		default:
			ev.Verdict, ev.Verb = "no", "objects"
		}
		if e.Group < 0 {
			ev.Detail = ""
		}
	case sim.TraceDecision:
		ev.Institution = who
		ev.Verdict, ev.Verb = "no", "fails"
		if e.Accept {
			ev.Verdict, ev.Verb = "yes", "passes"
		}
		ev.Detail = ""
	case sim.TraceLinkage:
		ev.Verdict, ev.Verb = "no", "does not fire"
		if e.Accept {
			ev.Verdict, ev.Verb = "yes", "fires"
		}
	}
	c.events = append(c.events, collected{round: e.Round, table: e.Table, ev: ev})
}

// textLine returns the step, who and detail columns of e's line in negsim
// run --trace, so that the page says exactly what the text trace says. A
// TextTracer aligns its columns with its header, so each column of the
// event's line starts where the header's word does.
func textLine(m *sim.Model, e *sim.TraceEvent) (step, who, detail string) {
	var b bytes.Buffer
	t := sim.NewTextTracer(m, &b)
	t.Trace(e)
	if t.Flush() != nil {
		return "", "", ""
	}
	header, line, _ := strings.Cut(b.String(), "\n")
	h, l := []rune(header), []rune(strings.TrimSuffix(line, "\n"))
	var starts []int
	for i := range h {
		if h[i] != ' ' && (i == 0 || h[i-1] == ' ') {
			starts = append(starts, i)
		}
	}
	if len(starts) != 5 {
		return "", "", string(l)
	}
	col := func(k int) string {
		lo := min(starts[k], len(l))
		hi := len(l)
		if k+1 < len(starts) {
			hi = min(starts[k+1], len(l))
		}
		return strings.TrimSpace(string(l[lo:hi]))
	}
	who = col(3)
	if who == "-" {
		who = ""
	}
	return col(2), who, col(4)
}

// replay runs replicate i of variant under seed on m and groups its events
// into lanes.
func replay(m *sim.Model, variant string, seed, i uint64) *Trace {
	c := &collector{m: m}
	s1, s2 := sim.Stream(seed, variant, i)
	res := sim.NewState(m).Run(s1, s2, c)
	t := &Trace{Replicate: i, Variant: variant, Seed: seed, Rounds: res.Rounds, Events: len(c.events),
		ID: anchor(fmt.Sprintf("trace-%d", i))}
	for o, id := range m.Outcomes {
		t.Outcomes = append(t.Outcomes, OutcomeState{ID: id, Label: m.Scenario.Outcomes.Vals[o].Label, Round: res.OutcomeRound[o]})
	}
	lanes := make([]*Lane, len(m.Tables)+1)
	for _, ce := range c.events {
		k := len(m.Tables)
		if ce.table >= 0 {
			k = ce.table
		}
		ln := lanes[k]
		if ln == nil {
			ln = &Lane{Title: "Linkages and shocks (no table)", ID: t.ID + "-general", Agreed: -1}
			if k < len(m.Tables) {
				ln.Table = m.Tables[k]
				ln.Title = m.Tables[k]
				if j := slices.Index(m.Scenario.Tables.Keys, m.Tables[k]); j >= 0 && m.Scenario.Tables.Vals[j].Label != "" {
					ln.Title += ": " + m.Scenario.Tables.Vals[j].Label
				}
				ln.ID = t.ID + "-" + anchor(m.Tables[k])
			}
			lanes[k] = ln
		}
		if n := len(ln.Rows); n == 0 || ln.Rows[n-1].Round != ce.round {
			ln.Rows = append(ln.Rows, Row{Round: ce.round})
		}
		r := &ln.Rows[len(ln.Rows)-1]
		r.Events = append(r.Events, ce.ev)
		if ce.ev.Kind == "agreed" && ln.Agreed < 0 {
			ln.Agreed = ce.round
		}
	}
	for _, ln := range lanes {
		if ln != nil {
			t.Lanes = append(t.Lanes, *ln)
		}
	}
	return t
}
