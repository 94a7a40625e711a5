package main

import (
	"fmt"
	"path/filepath"

	"github.com/negsim/negsim/report"
)

func runReport(e *env, args []string) error {
	fs := newFlags(e, "report", "report DIR [-o FILE] [--trace-replicates 0,7,42] [--scenario FILE] [--variant NAME]",
		"negsim report out/all -o out/all/report.html --trace-replicates 0,7,42")
	out := fs.StringP("out", "o", "", "HTML file to write (default: DIR/report.html)")
	reps := fs.String("trace-replicates", "0", "comma-separated replicate indices to replay in the trace viewer; empty for none")
	scenario := fs.String("scenario", "", "scenario YAML file the results were made from (default: the embedded scenario, if its hash matches the manifest's)")
	variant := fs.String("variant", "", "variant whose parameters to list and replicates to trace (default: the first manifest's first variant)")
	quiet := fs.Bool("quiet", false, "do not print the file written")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want exactly one batch or experiment directory, got %d arguments (see --help)", fs.NArg())
	}
	ids, err := report.ParseReplicates(*reps)
	if err != nil {
		return usagef("--trace-replicates: %v", err)
	}
	dir := fs.Arg(0)
	r, err := report.Build(report.Options{Dir: dir, Scenario: *scenario, Variant: *variant, Replicates: ids,
		Generator: "negsim " + version()})
	if err != nil {
		return err
	}
	path := *out
	if path == "" {
		path = filepath.Join(dir, "report.html")
	}
	if err := r.WriteFile(path); err != nil {
		return err
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(e.stderr, "negsim report: warning: %s\n", w)
	}
	if !*quiet {
		fmt.Fprintln(e.stdout, path)
	}
	return nil
}
