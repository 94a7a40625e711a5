// Package verify runs the engine on textbook bargaining games and compares
// what it finds with the games' closed-form solutions: Rubinstein's (1982)
// alternating offers with an infinite and a finite horizon, Baron and
// Ferejohn's (1989) closed-rule legislative bargaining, two time-dependent
// tactics (Faratin, Sierra & Jennings 1998) and Black's (1948) weighted
// median under majority rule.
//
// Every engine value comes from a scenario file of models/games compiled and
// run by package sim, exactly as a user's scenario is; only the closed forms
// are computed here. Run returns one Row per grid point and WriteCSV writes
// them as verification.csv, which package figures draws. Row.Tolerance gives
// the error each row is held to, and docs/MODEL.md §6.3 says why.
package verify
