// Package runner is negsim's one worker loop and its one counts format,
// shared by negsim batch and negsim experiment.
//
// A run is a list of jobs (cells). Each job runs replicates [Lo, Hi) of one
// random stream key: replicate i draws from sim.Stream(seed, key, i), so its
// result does not depend on which worker runs it. Run cuts every job into
// chunks of ChunkSize replicate indices (chunk c covers [c·ChunkSize,
// (c+1)·ChunkSize)), hands them to worker goroutines in dispatch order (job
// by job, chunk by chunk) and commits their integer counts strictly in that
// order. An interrupted run therefore holds, for every job, the counts of an
// exact prefix of its chunks, and continuing it adds the rest: the result is
// the same, to the bit, as an uninterrupted run, for any number of workers.
//
// Counts are integers (or fixed-point integers), so the counts of disjoint
// sets of replicates add exactly: shards merge to the counts of an unsharded
// run. The counts file (Format, negsim-counts/3) records every job's counts
// with its cache key, the SHA-256 of everything that determines the job's
// results (Key); a rerun into the same place takes the counts of every job
// whose key is unchanged and runs only what is missing.
package runner
