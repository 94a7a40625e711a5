// Package sim is negsim's discrete-round engine. Compile turns a resolved
// scenario into a Model of flat arrays; a State, owned by one goroutine and
// reused across replicates, runs one replicate as a pure function of the
// Model and a (seed, stream) pair, and allocates nothing while doing so.
//
// Each round: exogenous shocks, tables whose preconditions are met open, then
// every open table takes one protocol step (proposal, responses,
// institutional decisions), and every event fires the linkages that listen
// to it. A replicate ends at the horizon or once no table can still agree
// (docs/MODEL.md §1). A held table's rounds are not run but drawn, a
// signatory whose answer is all but certain waits for drawn candidate
// responses, and shocks draw the waits between their occurrences (§3.12,
// §3.13, §1): the same law as round by round, fewer draws. A table that
// cannot agree until something it reads moves goes dormant, and its
// skipped rounds run when that happens (§3.13): bit for bit the same.
package sim
