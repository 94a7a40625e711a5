// Command negsim runs agent-based simulations of linked negotiations: one
// replicate with its trace, Monte Carlo batches with confidence intervals,
// experiments with figures, and the merge of sharded runs.
//
// Run "negsim help" for the commands.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
