// Package models defines the negsim scenario format: actors, issues,
// negotiation tables, institutions, linkages, shocks, outcomes and variants,
// every numeric parameter with its distribution and provenance.
//
// A scenario is a YAML file. Load reads and validates one; Scenario.Resolve
// applies a variant overlay (a deep merge of a partial scenario document onto
// the base) and validates the result again. The default scenario,
// balkans_donbas.yaml, is embedded in the binary and returned by Default.
//
// Errors name the file, the line where known, the field path and the allowed
// range; validation collects every problem rather than stopping at the first.
package models
