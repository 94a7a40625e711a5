package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/sim"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// env is what a command sees of the process: streams, and a way to look up
// environment variables (so tests can set them without touching the process).
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	args           []string // the full command line, for manifests
	getenv         func(string) string
}

type command struct {
	name, summary string
	run           func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"run", "run one replicate, optionally with its round-by-round trace", runRun},
		{"batch", "run Monte Carlo replicates and estimate outcome probabilities", runBatch},
		{"experiment", "run an experiment file: variants, sweeps, sensitivity, figures", runExperiment},
		{"plot", "redraw every figure of a result directory from its CSV files", runPlot},
		{"merge", "merge the shards of a batch or experiment", runMerge},
		{"validate", "check a scenario file and list every problem", runValidate},
		{"scenario", "list a scenario's variants and every parameter with its provenance", runScenario},
		{"report", "write one self-contained HTML page of a result directory, with a trace viewer", runReport},
	}
}

// usageError is a command-line mistake: exit code 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runEnv(&env{stdin: stdin, stdout: stdout, stderr: stderr, args: args, getenv: os.Getenv}, args)
}

func runEnv(e *env, args []string) int {
	if len(args) > 1 && args[0] == "help" {
		// negsim help CMD is negsim CMD --help.
		return runEnv(e, []string{args[1], "--help"})
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		mainUsage(e.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(e.stdout, "negsim", version())
		return exitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(e, args[1:])
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, pflag.ErrHelp):
			return exitOK
		}
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(e.stderr, "negsim %s: %v\n", c.name, err)
			return exitUsage
		}
		var ps models.Problems
		if errors.As(err, &ps) {
			fmt.Fprintf(e.stderr, "negsim %s: the scenario has %d problem(s):\n%v\n", c.name, len(ps), ps)
			return exitFailure
		}
		var ex exitError
		if errors.As(err, &ex) {
			fmt.Fprintf(e.stderr, "negsim %s: %v\n", c.name, ex.err)
			return ex.code
		}
		fmt.Fprintf(e.stderr, "negsim %s: %v\n", c.name, err)
		return exitFailure
	}
	fmt.Fprintf(e.stderr, "negsim: unknown command %q; run negsim help\n", args[0])
	return exitUsage
}

// exitError carries a specific exit code.
type exitError struct {
	code int
	err  error
}

func (x exitError) Error() string { return x.err.Error() }

func mainUsage(w io.Writer) {
	fmt.Fprint(w, `negsim simulates linked negotiations (the Donbas, security guarantees for
Ukraine, NATO paths for Serbia and Kosovo, recognition of Kosovo) with agents
whose preferences are drawn from the sources, and estimates the probability of
each outcome with confidence intervals.

Usage: negsim COMMAND [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-11s %s\n", "version", "print negsim's version (the module version or the git revision)")
	fmt.Fprint(w, `
Run "negsim help COMMAND" (or "negsim COMMAND --help") for a command's flags and an example.
With no --scenario, commands use the embedded default scenario (`+models.DefaultName+`).
`)
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(e *env, name, usage, example string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.SortFlags = false
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: negsim %s\n\nFlags:\n%s\nExample:\n  %s\n", usage, fs.FlagUsages(), example)
	}
	return fs
}

// parse parses flags; a parse error is a usage error.
func parse(fs *pflag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err // pflag has already called fs.Usage
		}
		return usagef("%v (see --help)", err)
	}
	return nil
}

// loadScenario reads the scenario at path, or the embedded default when path
// is empty.
func loadScenario(path string) (*models.Scenario, error) {
	if path == "" {
		return models.Default()
	}
	return models.Load(path)
}

// loadModel loads the scenario at path (the embedded default when empty),
// applies variant (the scenario's default_variant when empty, else the base)
// and compiles it. It returns the base scenario too, for listings of its
// variants; resolved.Variant names the variant applied.
func loadModel(path, variant string) (base, resolved *models.Scenario, m *sim.Model, err error) {
	if base, err = loadScenario(path); err != nil {
		return nil, nil, nil, err
	}
	if variant == "" {
		variant = base.DefaultVariant
	}
	if variant == "" {
		variant = "base"
	}
	if resolved, err = base.Resolve(variant); err != nil {
		return nil, nil, nil, err
	}
	if m, err = sim.Compile(resolved); err != nil {
		return nil, nil, nil, err
	}
	return base, resolved, m, nil
}
