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
//	convergence: [100, 1000, 10000]  # increasing, last ≤ n; first variant
//	verification: true            # verify.Run: verification.csv
//	figures: [variants, byround, sweep, heatmap, tornado, convergence, difference, decompose, verification]
//	includes: [other.yaml]        # run into OUT/NAME of each
//
// Load parses a file and its includes and reports every problem with its
// file, line, field and the allowed values; NewPlan checks it against the
// scenario (variant, reading, outcome and parameter names) and lays out one
// job per cell. Run runs the jobs and keeps integer counts; WriteFiles
// writes the CSV tables that package figures reads, and manifest.json; Draw
// draws the figures. WriteShard and MergeShards split a run across machines
// and merge it exactly.
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
// Every replicate draws its numbers from sim.Stream(seed, label, i), the
// label naming the cell's variant (the points of a sweep and the cells of a
// sensitivity analysis share their variant's streams), so results depend
// only on the file, the scenario and the architecture, never on the number
// of workers or shards; a plain variant's tables equal negsim batch's.
package experiment
