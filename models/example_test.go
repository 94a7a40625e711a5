package models_test

import (
	"errors"
	"fmt"

	"github.com/negsim/negsim/models"
)

// Load the embedded default scenario, apply a policy variant under one
// reading of the sources, and look at a parameter with its provenance.
func ExampleScenario_Resolve() {
	base, err := models.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := base.Resolve("full-plan+sceptic")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Variant, s.Horizon, "rounds")
	p := s.Actors.Get("moscow").Power
	fmt.Println(p.Source != nil || p.Assumption != "")
	// Output:
	// full-plan+sceptic 36 rounds
	// true
}

// A parameter without provenance is refused, with the file, line, field and
// rule.
func ExampleParse() {
	_, err := models.Parse("tiny.yaml", []byte("name: t\nhorizon: 12\nactors: {a: {power: {value: 2}}}\n"))
	var ps models.Problems
	if errors.As(err, &ps) {
		for _, p := range ps {
			if p.Field == "actors.a.power" {
				fmt.Println(p)
			}
		}
	}
	// Output:
	// tiny.yaml:3: actors.a.power: has neither source nor assumption nor reference; every parameter must cite a seed, cite a reference class or state its reasoning
}
