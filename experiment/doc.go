// Package experiment reads experiment files and runs them.
//
// An experiment file (YAML, experiments/*.yaml) names a scenario, the
// variants to compare, the number of Monte Carlo runs per cell, the seed and
// the confidence level, and optionally a one- or two-lever sweep, a
// one-at-a-time sensitivity analysis, differences between variants, a
// convergence check and the engine's verification against closed forms.
// Run turns it into cells (a variant with some parameters pinned), runs
// each cell's replicates and returns integer counts; WriteDir writes the CSV
// tables that package figures draws, and a manifest.json.
//
// Every replicate draws its numbers from sim.Stream(seed, key, i), with the
// key naming the cell's variant, so results depend only on the file, the
// scenario and the architecture, never on the number of workers or shards.
// Counts are integers and merge exactly.
package experiment
