// Package experiment reads experiment files and runs them.
//
// An experiment file (YAML, experiments/*.yaml) names a scenario, the
// variants to compare, the number of Monte Carlo runs per cell, the seed and
// the confidence level, and optionally a one- or two-lever sweep, a
// one-at-a-time sensitivity analysis, differences between variants, a
// convergence check and the engine's verification against closed forms:
//
//	name: linkage                 # output directory results/NAME; required
//	scenario: ""                  # path relative to this file; empty: the embedded default
//	variants:                     # "all" (every policy variant), or a list of
//	  - full-plan                 #   variant names ("a+b" combines), or
//	  - name: plan-unlinked       #   labelled cells with pinned parameters
//	    variant: full-plan        #   (* in a path matches any characters)
//	    fixed: [{param: "linkages.L9*.effects[*].shift", value: 0}]
//	readings: [advocate, sceptic] # cross every variant v with each reading r: v+r
//	n: 40000                      # replicates per cell, in [1, 1e8]; required
//	seed: 1                       # default 1
//	level: 0.95                   # in (0, 1); default 0.95
//	outcomes: [ceasefire]         # report only these; default all
//	fixed: [{param: P, value: V}] # pinned in every cell
//	sweep: {param: P, label: L, values: [..]}  # or from: A, to: B, steps: K (2..1000)
//	sweep2: {x: {...}, y: {...}}  # two levers: heatmap.csv
//	sensitivity: {variant: V, outcome: ceasefire, params: all, n: 4000}
//	difference: [{a: LABEL, b: LABEL, paired: true}]
//	decompose: {variant: full-plan, from: advocate, to: sceptic, outcomes: [ceasefire], n: 20000}
//	design:                       # one sampling design over parameters of one variant
//	  type: sobol                 #   factorial | lhs | sobol | morris
//	  variant: full-plan+advocate #   default base
//	  levers: [{param: P, values: [..]}, ...]  # factorial: every combination (P may be a pattern)
//	  params: [pattern, ...]      #   lhs/sobol/morris: uncertain parameters; "all" (default) = every one
//	  groups: [{name: moscow, params: ["actors.moscow.*"]}, ...]  # sobol/morris: factors moved as one
//	  n: 256                      #   lhs: points; sobol: base sample N (a power of two ≥ max(16, k)); morris: trajectories r
//	  levels: 4                   #   morris: grid levels p (even)
//	  replicates: 200             #   replicates at every point; required
//	  seed: 1                     #   the design's own seed (LHS, Sobol shift, Morris, bootstrap); default 1
//	  bootstrap: 500              #   bootstrap resamples of the indices; default 500
//	binned: {bins: 20, params: all}  # first-order indices from the variant cells' own replicates
//	convergence: [100, 1000, 10000]  # increasing, last ≤ n; first variant
//	verification: true            # verify.Run: verification.csv
//	figures: [variants, byround, forecast, sweep, heatmap, tornado, convergence, difference, decompose, sobol, morris, verification]
//	includes: [other.yaml]        # run into OUT/NAME of each
//
// Lists of names (variants, outcomes, figures, sweep values, pinned
// parameters, differences) are sets; numbers are unquoted (n: "300" is a
// string); one YAML document per file; aliases and merge keys are resolved
// before the fields are read. Every fixed:, sweep, sweep2 and factorial
// lever value must lie in the range the scenario's validator allows its
// parameter (Scenario.ParamRanges), and must not let a replicate draw a
// red line's min above its max or a tactic's pmin above its pmax
// (Scenario.ParamPairs). A file is read through a 1 MiB limit; includes
// are read once per file, a cycle is refused, and so is a tree of more
// than MaxIncluded experiments; an experiment with its includes may have
// at most MaxCells cells and DefaultMaxReplicates replicate runs (negsim
// experiment --max-replicates allows more).
//
// Load parses a file and its includes and reports every problem with its
// file, line, field and the allowed values; NewPlan checks it against the
// scenario (variant, reading, outcome and parameter names) and lays out one
// job per cell. Prepare gives every cell its cache key; LoadCounts takes
// the cells already counted from the counts file; Run runs the rest on the
// runner (package runner, shared with negsim batch) and keeps integer
// counts; SaveCounts writes the counts file; WriteFiles writes the CSV
// tables that package figures reads, and manifest.json; Draw draws the
// figures. Shards (Options.Shard) and MergeShards split a run across
// machines and merge it exactly.
//
// A decomposition (decompose) explains the gap between two readings of a
// variant, V+from and V+to, parameter by parameter. It matches the two
// compiled models' parameters by path (sim.Model.ParamNames), and for every
// parameter whose distribution differs it runs V+from with that one
// parameter replaced by its V+to distribution (sim.Model.WithParam). All
// models, V+from, V+to, each one-at-a-time model and the joint model (every
// differing parameter replaced at once), run replicate i on V+from's
// stream (seed, V+from, i), so each shift P(alt) − P(base) is a paired
// difference with Newcombe's paired interval, like a paired difference.
// decompose.csv reports, per outcome: the total gap P(V+to) − P(V+from);
// each parameter's shift and its share of the total; the joint shift; the
// interaction residual, the total minus the sum of the one-at-a-time
// shifts, with a Student-t interval on its per-replicate values (an integer
// per replicate, so shards merge exactly); and the structure, P(V+to) −
// P(joint): what the readings change besides the matched parameters,
// among it parameters present in one model only (their numbers are given),
// which the residual includes. The shares of the parameters and the
// residual add up to one; with a total near zero they are unstable.
//
// The pairing holds replicate by replicate whatever is replaced, since
// every model starts replicate i from the same seed, and every parameter,
// table, linkage and shock draws from its own stream keyed by its name
// (docs/MODEL.md §4.2): replacing one parameter's distribution changes that
// parameter's draw and nothing else's. Uniform, triangular,
// truncated-normal and Bernoulli draws use one uniform number of the
// parameter's stream, so replacing one by another also couples the old and
// the new value monotonically. What happens differently during a replicate
// (a deal struck earlier, a veto cast) changes only the draws of the
// components it touches.
//
// # Designs
//
// A design (design) lays out points, each a value for every design
// parameter, and runs each point for replicates replicates of the
// variant's stream key with those parameters pinned (sim.Model.WithFixed):
// every point draws the same numbers for everything else (common random
// numbers, docs/MODEL.md §4.2), so two points differ replicate by replicate
// only through the pinned values, and the variance between points is not
// inflated by independent noise. A factorial design crosses its levers'
// values (the last lever fastest). An lhs, sobol or morris design works in
// the unit cube, one coordinate per uncertain parameter, and maps a
// coordinate u to the parameter's own distribution by its inverse CDF
// (the u-quantile; for a Bernoulli(q), 1 when u < q): so the design
// samples each parameter as the batch draws it. The Latin hypercube takes
// one random permutation per coordinate and a uniform offset within each
// stratum (PCG seeded (seed, 0)). The Sobol design is Saltelli's (2002,
// 2010): matrices A and B from the first and the last k coordinates of a
// 2k-dimensional Sobol′ sequence (Joe and Kuo 2008 direction numbers,
// stats.SobolSeq, up to 555 parameters) with a random digital shift (PCG
// seeded (seed, 1)), and for each factor the matrix AB_f, A with f's
// columns from B: N·(k+2) points. The Morris design draws r trajectories
// of k+1 points on a p-level grid, each step moving one factor by
// Δ = p/(2(p−1)) (Morris 1991; groups move together, Campolongo et al.
// 2007). A parameter that is not uncertain in the variant, a pattern or
// group that names nothing, a parameter in two groups, a Sobol N that is
// not a power of two at least max(16, k), a Latin hypercube with more
// parameters than points and a design of more than a million points are
// errors, with the file, line and field.
//
// design.csv has one row per point and outcome: point, block (A, B or
// AB for Sobol, t<k> for Morris trajectory k, grid, lhs), moved (the
// factor an AB point takes from B, or a Morris step moves), one column per
// design parameter (a lever's label or name, or the parameter's path),
// then outcome, successes, n, p, the Wilson interval, and round: the mean
// round of reaching the outcome, a replicate that never does counted at
// the horizon (the expected time to it, censored at the horizon).
//
// sobol.csv gives, for every outcome and each of the two metrics p (the
// point's probability) and round, each factor's first-order index S1
// (Saltelli et al. 2010, with the outputs centred on their mean, which
// keeps the estimator stable when the mean is large against the spread)
// and total index ST (Jansen 1999), as shares of the variance between
// points (column variance), with bootstrap percentile intervals over the
// N rows (resamples bootstrap, PCG seeded (seed, 0); bootstrap_seed). The
// output of a point is an estimate from replicates runs, so the variance
// includes its sampling noise, p(1−p)/R for a probability; common random
// numbers cancel much of it between A and AB, which is what the
// estimators difference, but not all: an index is a share of the variance
// of the R-replicate estimate, and with R small against 1/Var the indices
// of weak factors are noise. Common random numbers also make the
// R-replicate estimate one fixed function of the point, off the true
// probability by about √(p(1−p)/R) in a pattern shared by every point, and
// the bootstrap over the N rows does not resample that error: it is a
// bias of the indices that the intervals leave out. The closed-form check
// (experiment/closed_test.go: P = X1·X2·X3, indices known exactly) shows
// its size: at R = 400 and N = 1024 it moves three of the six indices by
// about 0.06, outside their intervals; at R = 2000 and N = 512 all six lie
// inside. An outcome that never varies gives empty
// indices. morris.csv gives μ, μ* (Campolongo et al. 2007, with a
// bootstrap interval over trajectories) and σ of each factor's elementary
// effects, in units of the output per unit of the quantile coordinate.
// The figures sobol and morris draw them.
//
// # Binned first-order indices
//
// binned needs no extra runs: every replicate of a variant cell draws
// every parameter, so binning each binned parameter's draws into bins
// equal-probability bins (by its CDF) and counting, per bin, the
// replicates, those reaching each outcome and their rounds estimates
// S_i = Var(E[Y|X_i])/Var(Y) as the between-bin share of the variance, in
// constant memory, with integer counts that merge exactly across shards.
// binned.csv gives s1, the bias-corrected estimate (SSB − (B−1)·MSW)/SST,
// s1_raw (SSB/SST, biased upwards by about (B−1)/N·(1−S)), the one-way
// ANOVA F test's p-value of "no first-order effect", and the bins and
// replicates behind it (min_bin_n). Y is here one replicate's outcome (0
// or 1, or its censored round), so Var(Y) includes the model's own
// randomness and the indices are shares of that total: smaller than the
// Sobol design's shares of the variance of P(outcome | parameters). It is
// valid when the inputs are independent (each parameter is drawn from its
// own stream, so they are, unless a scenario ties them), when the number
// of replicates per bin is large (N/B ≥ a few hundred; the bias is of
// order B/N, the standard error of order 1/√N), and for a smooth
// conditional mean (binning misses the variation of E[Y|X_i] within a bin,
// a downward bias of order 1/B² for a smooth effect). It gives first-order
// indices only: interactions, which Sobol's total index measures, are out
// of its reach.
//
// # The cell cache, interrupting and continuing
//
// Every cell has a key: the SHA-256 of everything that determines its
// counts (runner.ModelVersion, the SHA-256 of the negsim executable, so
// that no other build's counts are taken, the scenario's hash, the seed, the chunk
// size, the stream key, N, the compiled model's horizon, outcomes, tables
// and every parameter's distribution with the pins, the reported outcomes,
// the checkpoints, the paired and decomposition models, binned parameters,
// the forecast, and a design point's values). The counts file, counts.json
// (counts-K-of-N.json for shard K of N) in the runner's format, holds every
// cell's counts with its key and replicate range. negsim experiment FILE -o
// DIR reads it first and takes every cell whose key and range are
// unchanged, whole or the exact prefix an interrupted run counted, and runs
// only the missing cells and chunks; --force ignores it. A change to the
// file or the scenario thus reruns only the cells it touches.
//
// On Ctrl-C or SIGTERM negsim experiment stops after the chunks in flight,
// commits those finished in dispatch order up to the first gap, writes the
// counts file marked complete: false, and exits 130; the same command
// continues it, to files byte-identical to an uninterrupted run's. The
// counts file is also saved every 30 s while running, so that a killed run
// loses little.

// Every replicate draws its numbers from sim.Stream(seed, label, i), the
// label naming the cell's variant (the points of a sweep or a design and
// the cells of a sensitivity analysis share their variant's streams), so results depend
// only on the file, the scenario and the architecture, never on the number
// of workers or shards; a plain variant's tables equal negsim batch's.
package experiment
