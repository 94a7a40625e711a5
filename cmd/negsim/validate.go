package main

import (
	"errors"
	"fmt"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

func runValidate(e *env, args []string) error {
	fs := newFlags(e, "validate", "validate [FILE]", "negsim validate models/balkans_donbas.yaml")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("give one scenario file, got %d", fs.NArg())
	}
	s, err := loadScenario(fs.Arg(0))
	if err != nil {
		return err
	}
	// Every variant and every variant with every reading must resolve and
	// compile, since users combine them.
	var all models.Problems
	names := []string{"base"}
	for _, v := range s.VariantNames("") {
		names = append(names, v)
	}
	readings := append([]string{""}, s.VariantNames("reading")...)
	modelVariants := append([]string{""}, s.VariantNames("model")...)
	for _, p := range s.VariantNames("policy") {
		for _, mv := range modelVariants {
			for _, r := range readings {
				if mv == "" && r == "" {
					continue // the policy alone is listed above
				}
				names = append(names, joinVariants(p, mv, r))
			}
		}
	}
	for _, n := range names {
		r, err := s.Resolve(n)
		if err == nil {
			_, err = sim.Compile(r)
		}
		if err != nil {
			var ps models.Problems
			if errors.As(err, &ps) {
				all = append(all, ps...)
				continue
			}
			all = append(all, models.Problem{File: s.File, Field: "variant " + n, Msg: err.Error()})
		}
	}
	if len(all) > 0 {
		return all
	}
	fmt.Fprintf(e.stdout, "%s: valid: %d actors, %d issues, %d tables, %d institutions, %d linkages, %d outcomes; %d variant combinations resolve\n",
		s.File, s.Actors.Len(), s.Issues.Len(), s.Tables.Len(), s.Institutions.Len(), s.Linkages.Len(), s.Outcomes.Len(), len(names))
	return nil
}

// joinVariants joins the non-empty variant names with "+".
func joinVariants(parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += "+"
		}
		out += p
	}
	return out
}
