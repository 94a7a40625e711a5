// Package games holds the textbook bargaining games negsim reproduces, as
// plain scenario files run by the same engine as any other scenario:
// Rubinstein's alternating offers (rubinstein.yaml), two time-dependent
// tactics (tactic.yaml), Baron–Ferejohn closed-rule legislative bargaining
// (baron_ferejohn.yaml) and a weighted-median majority vote (median.yaml).
// The files are embedded, so the verification runs from any directory.
package games

import (
	"embed"
	"fmt"
	"io/fs"

	"github.com/negsim/negsim/models"
)

//go:embed *.yaml
var files embed.FS

// Names returns the file names of the games, sorted.
func Names() []string {
	names, err := fs.Glob(files, "*.yaml")
	if err != nil {
		panic(err) // the pattern is constant and valid
	}
	return names
}

// Load parses and validates the embedded game file name, e.g.
// "rubinstein.yaml".
func Load(name string) (*models.Scenario, error) {
	data, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("games: no game %q (known: %v)", name, Names())
	}
	return models.Parse("models/games/"+name, data)
}
