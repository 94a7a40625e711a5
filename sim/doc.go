// Package sim is negsim's discrete-round engine. Compile turns a resolved
// scenario into a Model of flat arrays; a State, owned by one goroutine and
// reused across replicates, runs one replicate as a pure function of the
// Model and a (seed, stream) pair, and allocates nothing while doing so.
//
// Each round: exogenous shocks, tables whose preconditions are met open, then
// every open table takes one protocol step (proposal, responses,
// institutional decisions), and every event fires the linkages that listen
// to it. A replicate ends at the horizon or once every enabled table has
// agreed.
package sim
