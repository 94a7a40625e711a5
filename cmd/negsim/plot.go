package main

import (
	"fmt"

	"github.com/negsim/negsim/figures"
)

func runPlot(e *env, args []string) error {
	fs := newFlags(e, "plot", "plot DIR [--quiet]", "negsim plot results/variants")
	quiet := fs.Bool("quiet", false, "do not list the files written")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want exactly one result directory, got %d arguments (see --help)", fs.NArg())
	}
	written, err := figures.DrawDir(fs.Arg(0))
	if !*quiet {
		for _, w := range written {
			fmt.Fprintln(e.stdout, w)
		}
	}
	if err != nil {
		return err
	}
	if len(written) == 0 {
		return fmt.Errorf("%s: no table to draw (summary.csv, byround.csv, sweep.csv, heatmap.csv, sensitivity.csv, convergence.csv, difference.csv or verification.csv)", fs.Arg(0))
	}
	return nil
}
