package main

import (
	"errors"
	"fmt"
	"io/fs"
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

// resultDirs returns dir if it holds a manifest.json, or else every
// directory below it that does (the output of an experiment with includes).
func resultDirs(dir string) ([]string, error) {
	if _, err := os.Stat(filepath.Join(dir, figures.ManifestFile)); err == nil {
		return []string{dir}, nil
	}
	var dirs []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == figures.ManifestFile {
			dirs = append(dirs, filepath.Dir(path))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("%s: no %s here or below; is it a result directory?", dir, figures.ManifestFile)
	}
	return dirs, nil
}
