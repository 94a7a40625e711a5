package main

import (
	"github.com/negsim/negsim/experiment"
	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/schema"
)

func runSchema(e *env, args []string) error {
	fs := newFlags(e, "schema", "schema [scenario|experiment]\n\n"+
		"Prints the JSON Schema (draft 2020-12) of scenario files (the default) or experiment\n"+
		"files, built from the types negsim reads them into; docs/schema/ holds both. Editors\n"+
		"use it to complete and check a file: VS Code's YAML extension reads a first line\n"+
		"# yaml-language-server: $schema=PATH, as in every shipped file.",
		"negsim schema experiment > experiment.schema.json")
	if err := parse(fs, args); err != nil {
		return err
	}
	var s *schema.Schema
	switch {
	case fs.NArg() > 1:
		return usagef("give one of scenario, experiment; got %d arguments", fs.NArg())
	case fs.NArg() == 0 || fs.Arg(0) == "scenario":
		s = models.JSONSchema()
	case fs.Arg(0) == "experiment":
		s = experiment.JSONSchema()
	default:
		return usagef("unknown schema %q; allowed: scenario, experiment", fs.Arg(0))
	}
	b, err := s.JSON()
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(b)
	return err
}
