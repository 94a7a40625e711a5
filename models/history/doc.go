// Package history holds the leave-one-out retrodictions of past NATO
// accessions: one scenario per accession round (the *.yaml files here), each
// built from the reference classes of models/references with that round's
// own cases excluded, run as a batch by the package's test, which compares
// the predicted 90% interval of the month of membership with the observed
// one and reports the calibration across the rounds.
//
// What this validates is the institutional machinery and its timing: a
// consensus of allies that may hold a decision, a block of the held table
// for a hold's duration, gated tables and their delays. It does not validate
// the Donbas counterfactual of the default scenario, nor any actor's
// preferences: the candidates and the Alliance here always want the
// accession, and only its timing is uncertain.
//
// The scenario files are generated: go test ./models/history -update
// rewrites them from the classes; go test ./models/history -figure also
// writes results/history/retrodiction.{svg,png}.
package history
