// Package agents provides negsim's decision rules: an actor's utility for a
// package, the time-dependent concession curve that moves reservations and
// offers, the stochastic rules by which a responder accepts, and the
// mediator's drafting rule.
//
// The rules are small values behind small interfaces (AcceptRule, Proposer),
// registered by name so that a scenario file can select them; a modeler adds
// one by implementing the interface and calling RegisterAcceptRule or
// RegisterProposer in an init function.
package agents
