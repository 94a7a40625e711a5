package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
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
	// flags is the flag set of the command last run (see newFlags).
	flags *pflag.FlagSet
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
		{"schema", "print the JSON Schema of scenario or experiment files, for editors", runSchema},
		{"completion", "print a shell completion script (bash, zsh, fish or powershell)", runCompletion},
		{"help", "print the help of negsim or of a command", runHelp},
		{"version", "print negsim's version (the module version or the git revision)", runVersion},
	}
}

// usageError is a command-line mistake: exit code 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runEnv(&env{stdin: stdin, stdout: stdout, stderr: stderr, args: args, getenv: os.Getenv}, args)
}

// runEnv runs the command line args and returns the exit code. cobra
// dispatches to the commands and answers the shells' completion requests;
// what is not a command is answered here, as before cobra.
func runEnv(e *env, args []string) int {
	if len(args) == 0 {
		mainUsage(e.stdout)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help":
		mainUsage(e.stdout)
		return exitOK
	case "--version":
		args = []string{"version"}
	case cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
		root := newRoot(e, true)
		root.SetArgs(args)
		if err := root.Execute(); err != nil {
			fmt.Fprintf(e.stderr, "negsim: completion: %v\n", err)
			return exitFailure
		}
		return exitOK
	}
	known := false
	for _, c := range commands() {
		known = known || c.name == args[0]
	}
	if !known {
		fmt.Fprintf(e.stderr, "negsim: unknown command %q; run negsim help\n", args[0])
		return exitUsage
	}
	root := newRoot(e, false)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	name := cmd.Name()
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, pflag.ErrHelp):
		return exitOK
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(e.stderr, "negsim %s: %v\n", name, err)
		return exitUsage
	}
	var ps models.Problems
	if errors.As(err, &ps) {
		fmt.Fprintf(e.stderr, "negsim %s: the scenario has %d problem(s):\n%v\n", name, len(ps), ps)
		return exitFailure
	}
	var ex exitError
	if errors.As(err, &ex) {
		fmt.Fprintf(e.stderr, "negsim %s: %v\n", name, ex.err)
		return ex.code
	}
	fmt.Fprintf(e.stderr, "negsim %s: %v\n", name, err)
	return exitFailure
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
		if c.name == "help" {
			continue
		}
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "negsim help COMMAND" (or "negsim COMMAND --help") for a command's flags and an example.
With no --scenario, commands use the embedded default scenario (`+models.DefaultName+`).
`)
}

func runHelp(e *env, args []string) error {
	fs := newFlags(e, "help", "help [COMMAND]", "negsim help batch")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch fs.NArg() {
	case 0:
		mainUsage(e.stdout)
		return nil
	case 1:
		for _, c := range commands() {
			if c.name == fs.Arg(0) && c.name != "help" {
				return c.run(e, []string{"--help"})
			}
		}
		return usagef("unknown command %q; run negsim help", fs.Arg(0))
	}
	return usagef("give one command, got %d arguments", fs.NArg())
}

func runVersion(e *env, args []string) error {
	fs := newFlags(e, "version", "version", "negsim version")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	fmt.Fprintln(e.stdout, "negsim", version())
	return nil
}

// newFlags returns a flag set that reports errors instead of exiting. It
// also keeps the set in e, for newRoot's define-only call of the command.
func newFlags(e *env, name, usage, example string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.SortFlags = false
	fs.Usage = func() {
		flags := ""
		if fs.HasFlags() {
			// A command without flags prints no empty Flags: list.
			flags = "Flags:\n" + fs.FlagUsages() + "\n"
		}
		fmt.Fprintf(e.stdout, "Usage: negsim %s\n\n%sExample:\n  %s\n", usage, flags, example)
	}
	e.flags = fs
	return fs
}

// defineOnly is the argument list of a define-only call: parse returns
// errDefined on it, so the command defines its flags and stops there. It is
// told apart by the address of its element, so that no real command line
// can be mistaken for it.
var defineOnly = []string{"(define only)"}

var errDefined = errors.New("flags defined")

// parse parses flags; a parse error is a usage error.
func parse(fs *pflag.FlagSet, args []string) error {
	if len(args) == 1 && &args[0] == &defineOnly[0] {
		return errDefined
	}
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
