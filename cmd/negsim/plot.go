package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

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
	dirs, err := resultDirs(fs.Arg(0))
	if err != nil {
		return err
	}
	var errs []error
	n := 0
	for _, dir := range dirs {
		written, err := figures.DrawDir(dir)
		n += len(written)
		if !*quiet {
			for _, w := range written {
				fmt.Fprintln(e.stdout, w)
			}
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: no table to draw (summary.csv, byround.csv, sweep.csv, heatmap.csv, sensitivity.csv, convergence.csv, difference.csv or verification.csv)", fs.Arg(0))
	}
	return nil
}

// resultDirs returns dir and those of its immediate subdirectories that hold
// a manifest.json: a batch or experiment directory, or the output of an
// experiment with includes (one directory per included experiment). It does
// not descend further, so that pointing plot at a parent directory by
// mistake cannot redraw unrelated results.
func resultDirs(dir string) ([]string, error) {
	var dirs []string
	if _, err := os.Stat(filepath.Join(dir, figures.ManifestFile)); err == nil {
		dirs = append(dirs, dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, en := range entries {
		sub := filepath.Join(dir, en.Name())
		if _, err := os.Stat(filepath.Join(sub, figures.ManifestFile)); en.IsDir() && err == nil {
			dirs = append(dirs, sub)
		}
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("%s: no %s here or in its subdirectories; is it a result directory?", dir, figures.ManifestFile)
	}
	return dirs, nil
}
