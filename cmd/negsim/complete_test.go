package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/models"
)

// asNegsim, when set in the environment, makes the test binary act as the
// negsim command, so that shells under test can call it.
const asNegsim = "NEGSIM_TEST_AS_NEGSIM"

func TestMain(m *testing.M) {
	if os.Getenv(asNegsim) == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// negsimOnPath writes an executable negsim into a temporary directory that
// runs this test binary as negsim, and returns a PATH starting there.
func negsimOnPath(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	dir := t.TempDir()
	script := "#!/bin/sh\n" + asNegsim + "=1 exec '" + self + "' \"$@\"\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "negsim"), []byte(script), 0o755))
	return dir + string(os.PathListSeparator) + os.Getenv("PATH")
}

// needTool skips the test when a program is missing, except in CI, whose
// .ci/run installs it.
func needTool(t *testing.T, path, pkg string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing; .ci/run installs Debian's %s", path, pkg)
		}
		t.Skipf("%s is missing (apt-get install %s)", path, pkg)
	}
}

// embeddedVariants returns the embedded scenario's variant names that start
// with prefix: what completing --variant PREFIX must give.
func embeddedVariants(t *testing.T, prefix string) []string {
	t.Helper()
	s, err := models.Default()
	require.NoError(t, err)
	var want []string
	for _, v := range append([]string{"base"}, s.VariantNames("")...) {
		if strings.HasPrefix(v, prefix) {
			want = append(want, v)
		}
	}
	require.NotEmpty(t, want, "the embedded scenario has no variant starting with %q", prefix)
	return want
}

// Every command's body stops after defining its flags in a define-only
// call (newRoot relies on it), and every command that writes a file or a
// directory names its output -o, --out.
func TestEveryCommandDefinesFlags(t *testing.T) {
	for _, c := range commands() {
		fs := definedFlags(c)
		switch c.name {
		case "batch", "experiment", "merge", "report":
			f := fs.Lookup("out")
			if assert.NotNil(t, f, c.name) {
				assert.Equal(t, "o", f.Shorthand, c.name)
			}
		default:
			assert.Nil(t, fs.Lookup("output"), c.name)
		}
	}
}

func TestVariantCompletions(t *testing.T) {
	s, err := models.Default()
	require.NoError(t, err)
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"f", embeddedVariants(t, "f")},
		{"bas", []string{"base"}},
		// A policy is followed by a model or a reading; the shipped
		// experiments compose policy+model+reading (SCENARIO-FORMAT.md).
		{"full-plan+", []string{"full-plan+advocate", "full-plan+sceptic", "full-plan+eu-mediator", "full-plan+bdm-forecast"}},
		{"full-plan+s", []string{"full-plan+sceptic"}},
		{"full-plan+eu-mediator+", []string{"full-plan+eu-mediator+advocate", "full-plan+eu-mediator+sceptic"}},
		// A reading is last, and base is never a part.
		{"full-plan+sceptic+", nil},
		{"full-plan+bas", nil},
		{"nope+", nil},
		{"zz", nil},
	} {
		assert.ElementsMatch(t, c.want, variantCompletions(s, c.in), "completing %q", c.in)
	}
}

// The completion request the shells send, answered in-process.
func TestCompleteRequest(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string // the lines before the directive
		dir  string   // the directive line
	}{
		{[]string{"run", "--variant", "f"}, embeddedVariants(t, "f"), ":4"},
		{[]string{"batch", "--variant", "base", "--variant", "full-plan+s"}, []string{"full-plan+sceptic"}, ":4"},
		{[]string{"scenario", "--scenario", "../../models/balkans_donbas.yaml", "--variant", "full-plan+s"}, []string{"full-plan+sceptic"}, ":4"},
		{[]string{"experiment", ""}, []string{"yaml", "yml"}, ":8"},
		{[]string{"validate", ""}, []string{"yaml", "yml"}, ":8"},
		{[]string{"batch", "-o", ""}, nil, ":16"},
		{[]string{"experiment", "x.yaml", "--out", ""}, nil, ":16"},
		// Fixed lists are given whole; the shell keeps those that match.
		{[]string{"completion", ""}, shells, ":4"},
		{[]string{"help", "", ""}, nil, ":4"},
	} {
		code, out, _ := cli(t, append([]string{"__completeNoDesc"}, c.args...)...)
		require.Equal(t, 0, code, c.args)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		assert.Equal(t, c.dir, lines[len(lines)-1], c.args)
		assert.ElementsMatch(t, c.want, lines[:len(lines)-1], c.args)
	}
	// A scenario that does not load completes nothing, and says so.
	code, out, _ := cli(t, "__complete", "run", "--scenario", "/nonexistent.yaml", "--variant", "")
	require.Equal(t, 0, code)
	assert.Equal(t, ":1", strings.TrimSpace(out))
}

// TestBashCompletion sources bash-completion and the generated script in a
// real bash, completes "negsim run --variant f" as the shell would on Tab,
// and checks COMPREPLY against the embedded scenario's variants; then the
// same for a composition, an experiment file and an output directory.
func TestBashCompletion(t *testing.T) {
	needTool(t, "/usr/share/bash-completion/bash_completion", "bash-completion")
	path := negsimOnPath(t)
	// Files to complete: experiment and scenario arguments take YAML
	// files and directories, -o directories only.
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	for _, f := range []string{"a.yaml", "b.txt", "c.yml"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), nil, 0o644))
	}
	for _, c := range []struct {
		line string
		want []string
	}{
		{"negsim run --variant f", embeddedVariants(t, "f")},
		{"negsim batch --variant full-plan+s", []string{"full-plan+sceptic"}},
		{"negsim experiment ", []string{"a.yaml", "c.yml", "sub"}},
		{"negsim validate ", []string{"a.yaml", "c.yml", "sub"}},
		{"negsim batch -o ", []string{"sub"}},
	} {
		script := `
source /usr/share/bash-completion/bash_completion
source <(negsim completion bash)
COMP_LINE="` + c.line + `"
COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
__start_negsim
printf '%s\n' "${COMPREPLY[@]}"
`
		cmd := exec.Command("bash", "--norc", "--noprofile", "-c", script)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+path)
		var stderr strings.Builder
		cmd.Stderr = &stderr // compopt complains outside a real Tab
		out, err := cmd.Output()
		require.NoError(t, err, stderr.String())
		assert.ElementsMatch(t, c.want, strings.Fields(string(out)), c.line)
	}
}

// TestFishCompletion asks a real fish for the completions of
// "negsim run --variant f" with complete -C.
func TestFishCompletion(t *testing.T) {
	needTool(t, "/usr/bin/fish", "fish")
	path := negsimOnPath(t)
	cmd := exec.Command("fish", "--no-config", "-c", "negsim completion fish | source; complete -C 'negsim run --variant f'")
	cmd.Env = append(os.Environ(), "PATH="+path)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name, _, _ := strings.Cut(l, "\t")
		got = append(got, name)
	}
	slices.Sort(got)
	want := embeddedVariants(t, "f")
	slices.Sort(want)
	assert.Equal(t, want, got)
}

// TestZshCompletion checks the zsh script's syntax with zsh -n, then runs
// its completion function _negsim in a real zsh on "negsim run --variant f"
// and a composition. zsh's completion builtins only run inside a widget on
// a terminal, so compdef, compadd and _describe are stand-ins: _describe
// prints the candidates the script hands it.
func TestZshCompletion(t *testing.T) {
	needTool(t, "/usr/bin/zsh", "zsh")
	code, out, _ := cli(t, "completion", "zsh")
	require.Equal(t, 0, code)
	f := filepath.Join(t.TempDir(), "_negsim")
	require.NoError(t, os.WriteFile(f, []byte(out), 0o644))
	msg, err := exec.Command("zsh", "-n", f).CombinedOutput()
	require.NoError(t, err, string(msg))
	path := negsimOnPath(t)
	for _, c := range []struct {
		words []string
		want  []string
	}{
		{[]string{"negsim", "run", "--variant", "f"}, embeddedVariants(t, "f")},
		{[]string{"negsim", "batch", "--variant", "full-plan+s"}, []string{"full-plan+sceptic"}},
	} {
		script := `compdef() { :; }
compadd() { :; }
_describe() { local a; for a in "$@"; do [[ $a == completions ]] && { print -l -- ${completions%%:*}; return 0 }; done; return 1 }
source ` + f + `
words=(` + strings.Join(c.words, " ") + `)
CURRENT=${#words}
_negsim
`
		cmd := exec.Command("zsh", "-f", "-c", script)
		cmd.Env = append(os.Environ(), "PATH="+path)
		got, err := cmd.CombinedOutput()
		require.NoError(t, err, string(got))
		assert.ElementsMatch(t, c.want, strings.Fields(string(got)), c.words)
	}
}

func TestCompletionCommand(t *testing.T) {
	for _, sh := range shells {
		code, out, errs := cli(t, "completion", sh)
		assert.Equal(t, 0, code, sh, errs)
		assert.Contains(t, out, "negsim", sh)
	}
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		code, _, errs := cli(t, args...)
		assert.Equal(t, exitUsage, code, args)
		assert.Contains(t, errs, "negsim completion: ", args)
	}
}

// A command without flags prints no empty Flags: list (issue 14), and one
// with flags lists them.
func TestHelpFlagList(t *testing.T) {
	for _, c := range commands() {
		code, out, _ := cli(t, c.name, "--help")
		require.Equal(t, 0, code, c.name)
		assert.NotContains(t, out, "Flags:\n\n", c.name)
		assert.Equal(t, definedFlags(c).HasFlags(), strings.Contains(out, "Flags:\n"), c.name)
	}
}
