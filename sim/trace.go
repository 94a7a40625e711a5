package sim

import "math"

// TraceKind says what a TraceEvent records.
type TraceKind uint8

// Trace event kinds.
const (
	TraceOpened   TraceKind = iota // a table opened
	TraceOffer                     // a proposal; Offer holds the package
	TraceResponse                  // a signatory's response; Accept, U, R, P
	TraceVote                      // an institution member's vote; Accept, Silent
	TraceDecision                  // an institution's decision; Accept
	TraceAgreed                    // a table agreed
	TraceLinkage                   // a linkage fired (Accept false: its draw failed)
	TraceShock                     // an exogenous shock
	TraceOutcome                   // an outcome was reached
	TraceBDM                       // a BDM round: Offer the players' positions, U the mean and R the median forecast, Accept whether anyone moved, Silent whether the positions repeat those of two rounds before
	TraceHold                      // a table holds (§3.12): P the probability of agreement each round (Accept) or its bound q̄ (thinning), HeldUntil the next candidate round (the horizon: none within it)
)

// TraceEvent is one step of a replicate, for --trace output and tests. Slices
// are only valid during the Trace call.
type TraceEvent struct {
	Round       int
	Kind        TraceKind
	Table       int // index into Model.Tables, or -1
	Actor       int // index into Model.Actors, or -1
	Institution int // index into Model.Insts, or -1
	Linkage     int // index into Model.Links, or -1
	Shock       int // index into Model.ShockIDs, or -1
	Outcome     int // index into Model.Outcomes, or -1
	Group       int // referendum group of a TraceVote, or -1
	Accept      bool
	Silent      bool
	U, R, P     float64 // utility, reservation and acceptance probability
	Offer       []float64
	// Wanted is, for a TraceOffer, the mediator's draft before it was held
	// at the red lines; Infeasible says the signatories' red lines leave no
	// package on some issue.
	Wanted     []float64
	Infeasible bool
	// Estimate is, for a TraceOffer of an expected-utility mediator, its
	// estimated probability that the draft is accepted and ratified; NaN
	// otherwise.
	Estimate float64
	// BeliefLo and BeliefHi are, for a TraceResponse at an
	// expected-utility mediator's table, the mediator's belief interval
	// about the responder's reservation after the response; NaN otherwise.
	BeliefLo, BeliefHi float64
	// HeldUntil is, for a TraceHold, the round the table agrees in unless
	// something moves first; the horizon when it does not agree within it.
	HeldUntil int
	// Bound is, for a TraceResponse of a thinned signatory (MODEL.md
	// §3.13), the bound on the probability of its rarer answer (RareAccept:
	// acceptance; else rejection), and Candidate whether the response was a
	// candidate, which gives the rarer answer with probability P over the
	// bound; NaN otherwise.
	Bound                 float64
	RareAccept, Candidate bool
}

// Tracer receives the steps of a replicate. A nil Tracer costs nothing.
type Tracer interface {
	Trace(e *TraceEvent)
}

func blank(round int, kind TraceKind) TraceEvent {
	return TraceEvent{Round: round, Kind: kind, Table: none, Actor: none, Institution: none, Linkage: none, Shock: none, Outcome: none, Group: none,
		Estimate: math.NaN(), BeliefLo: math.NaN(), BeliefHi: math.NaN(), Bound: math.NaN()}
}
