// Package batch runs Monte Carlo batches of negsim replicates and turns them
// into outcome probabilities with confidence intervals.
//
// Run spreads the replicates of each variant over worker goroutines in
// chunks of ChunkSize consecutive indices, on the runner that negsim
// experiment uses too (package runner). Replicate i of variant v always
// draws from sim.Stream(seed, v, i), and chunk results are integer counts
// folded into the running totals strictly in chunk order, so every result,
// file and early stop is the same for any number of workers. Memory does not
// grow with N: only a bounded window of chunk results is held at once.
//
// Chunk order also fixes what an interrupted or early-stopped run reports:
// the counts of a prefix 0..k-1 of each variant's replicates (k a multiple of
// ChunkSize, or N), never a timing-dependent subset.
//
// A run can be split into shards (Shard): shard K of N takes a contiguous
// block of every variant's chunks. Each run directory holds counts.json, the
// raw integer counts in the runner's format (runner.Format), so that Merge can add shards exactly and write the same
// summary.csv and byround.csv, byte for byte, as an unsharded run.
//
// Each cell also counts, per outcome, the replicates whose agreement was
// accepted by a signatory below its reservation (sim.Result.BelowReservation,
// acceptance by decision noise alone). summary.csv reports their number and
// their share of the outcome's successes with a Wilson interval; like every
// count they add exactly across shards.
//
// Sweeps and sensitivity runs pin parameters with Config.Fixed and tell their
// cells apart with Config.Label. They keep the variant name as the stream
// key, so every point of a sweep of one variant uses the same random numbers
// (common random numbers): differences between points are not blurred by
// sampling noise.
package batch
