package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/negsim/negsim/models"
)

// newRoot builds the cobra command tree: one command per entry of
// commands(), each running its body unchanged.
//
// The bodies parse their own flags, so that their help, errors and exit
// codes are what they were before cobra: when running, every command has
// DisableFlagParsing set and gets its arguments raw. cobra still needs to
// know the flags, to complete them; each body is called once in a
// define-only mode (see defineOnly), which stops it after its flags are
// defined, and the set it defined is given to cobra. When the shell asks
// for completions (completing), cobra parses the command line itself with
// those flags and the bodies are not run.
func newRoot(e *env, completing bool) *cobra.Command {
	root := &cobra.Command{
		Use:               "negsim",
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	// The bodies print their own help and return pflag.ErrHelp, on which
	// cobra would print its own too.
	root.SetHelpFunc(func(*cobra.Command, []string) {})
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	for _, c := range commands() {
		cmd := &cobra.Command{
			Use:                c.name,
			Short:              c.summary,
			DisableFlagParsing: !completing,
			RunE:               func(_ *cobra.Command, args []string) error { return c.run(e, args) },
		}
		cmd.Flags().AddFlagSet(definedFlags(c))
		completeFlags(cmd)
		switch c.name {
		case "experiment", "validate":
			cmd.ValidArgsFunction = oneArg(yamlFiles)
		case "plot", "report":
			cmd.ValidArgsFunction = oneArg(dirs)
		case "merge":
			cmd.ValidArgsFunction = dirs
		case "completion":
			cmd.ValidArgsFunction = oneArg(cobra.FixedCompletions(shells, cobra.ShellCompDirectiveNoFileComp))
		case "schema":
			cmd.ValidArgsFunction = oneArg(cobra.FixedCompletions([]string{"scenario", "experiment"}, cobra.ShellCompDirectiveNoFileComp))
		case "help":
			cmd.ValidArgsFunction = oneArg(cobra.FixedCompletions(names, cobra.ShellCompDirectiveNoFileComp))
		default:
			cmd.ValidArgsFunction = cobra.NoFileCompletions
		}
		root.AddCommand(cmd)
		if c.name == "help" {
			root.SetHelpCommand(cmd)
		}
	}
	return root
}

// definedFlags returns the flags that c's body defines, by a define-only
// call.
func definedFlags(c command) *pflag.FlagSet {
	de := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
		getenv: func(string) string { return "" }}
	if err := c.run(de, defineOnly); !errors.Is(err, errDefined) || de.flags == nil {
		// Every body starts with newFlags and parse; TestEveryCommandDefinesFlags
		// checks it.
		panic(fmt.Sprintf("negsim %s: its body did not stop after defining its flags (%v)", c.name, err))
	}
	return de.flags
}

var shells = []string{"bash", "zsh", "fish", "powershell"}

// completeFlags registers the completion of cmd's flags whose values can be
// completed: variant names, scenario files, and output directories.
func completeFlags(cmd *cobra.Command) {
	reg := func(name string, f cobra.CompletionFunc) {
		if cmd.Flags().Lookup(name) != nil {
			// Registering can only fail for a flag that does not exist
			// or is registered twice, neither of which happens here.
			_ = cmd.RegisterFlagCompletionFunc(name, f)
		}
	}
	reg("variant", completeVariant)
	reg("scenario", yamlFiles)
	reg("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	if cmd.Name() == "report" {
		reg("out", cobra.FixedCompletions([]string{"html"}, cobra.ShellCompDirectiveFilterFileExt))
	} else {
		reg("out", dirs)
	}
}

// oneArg completes the first positional argument with f, and nothing after
// it.
func oneArg(f cobra.CompletionFunc) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return f(cmd, args, toComplete)
	}
}

// yamlFiles completes files ending in .yaml or .yml, and directories.
func yamlFiles(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return []cobra.Completion{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
}

// dirs completes directories.
func dirs(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveFilterDirs
}

// completeVariant completes a --variant value from the scenario given with
// --scenario on the command line, or the embedded one.
func completeVariant(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	path := ""
	if f := cmd.Flags().Lookup("scenario"); f != nil {
		path = f.Value.String()
	}
	s, err := loadScenario(path)
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	return variantCompletions(s, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// variantCompletions lists the variant names that start with toComplete.
// After "a+" it offers only the compositions "a+v" that the docs recommend
// and that resolve: v's kind comes after every kind in "a", in the order
// policy, model, reading (docs/SCENARIO-FORMAT.md: random streams follow the
// composition as written, so one order is the convention), and a+v does not
// set a field twice (which Resolve refuses).
func variantCompletions(s *models.Scenario, toComplete string) []string {
	rank := map[string]int{"policy": 1, "model": 2, "reading": 3}
	prefix, last := "", toComplete
	if i := strings.LastIndexByte(toComplete, '+'); i >= 0 {
		prefix, last = toComplete[:i+1], toComplete[i+1:]
	}
	names := s.VariantNames("")
	after := 0 // the rank a next part must exceed
	if prefix == "" {
		names = append([]string{"base"}, names...)
	} else {
		for _, part := range strings.Split(strings.TrimSuffix(prefix, "+"), "+") {
			v := s.Variants.Get(part)
			if v == nil {
				return nil
			}
			after = max(after, rank[v.Kind])
		}
	}
	var out []string
	for _, name := range names {
		if !strings.HasPrefix(name, last) {
			continue
		}
		if prefix != "" {
			if rank[s.Variants.Get(name).Kind] <= after {
				continue
			}
			if _, err := s.Resolve(prefix + name); err != nil {
				continue
			}
		}
		out = append(out, prefix+name)
	}
	return out
}

func runCompletion(e *env, args []string) error {
	fs := newFlags(e, "completion", "completion bash|zsh|fish|powershell [--no-descriptions]\n\n"+
		"Prints a script that completes negsim's commands, flags, variant names (from the\n"+
		"scenario given with --scenario, or the embedded one), experiment and scenario files,\n"+
		"and output directories. To load it:\n"+
		"  bash:       source <(negsim completion bash)    (needs the bash-completion package)\n"+
		"              or save it as ~/.local/share/bash-completion/completions/negsim\n"+
		"  zsh:        negsim completion zsh > \"${fpath[1]}/_negsim\"    (compinit must be on)\n"+
		"  fish:       negsim completion fish > ~/.config/fish/completions/negsim.fish\n"+
		"  powershell: negsim completion powershell | Out-String | Invoke-Expression",
		"source <(negsim completion bash)")
	noDesc := fs.Bool("no-descriptions", false, "leave the descriptions out of the completions")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want one shell (%s), got %d arguments", strings.Join(shells, ", "), fs.NArg())
	}
	root := newRoot(e, false)
	w, desc := e.stdout, !*noDesc
	switch fs.Arg(0) {
	case "bash":
		return root.GenBashCompletionV2(w, desc)
	case "zsh":
		if desc {
			return root.GenZshCompletion(w)
		}
		return root.GenZshCompletionNoDesc(w)
	case "fish":
		return root.GenFishCompletion(w, desc)
	case "powershell":
		if desc {
			return root.GenPowerShellCompletionWithDesc(w)
		}
		return root.GenPowerShellCompletion(w)
	}
	return usagef("unknown shell %q; allowed: %s", fs.Arg(0), strings.Join(shells, ", "))
}
