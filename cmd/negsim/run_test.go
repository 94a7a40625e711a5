package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/models"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// cli runs negsim in-process and returns its exit code, stdout and stderr.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// TestRunTraceGolden pins the trace of the embedded scenario for seed 7;
// refresh with go test ./cmd/negsim -run Golden -update after an intended
// change of the scenario or the engine.
func TestRunTraceGolden(t *testing.T) {
	for _, c := range []struct{ name, golden string }{
		{"", "run-trace-seed7.golden"}, // the scenario's default_variant
		{"base", "run-trace-seed7-base.golden"},
		{"full-plan+advocate", "run-trace-seed7-full-plan-advocate.golden"},
	} {
		args := []string{"run", "--trace", "--seed", "7"}
		if c.name != "" {
			args = append(args, "--variant", c.name)
		}
		code, out, errs := cli(t, args...)
		require.Equal(t, 0, code, errs)
		// Byte-identical on every run.
		_, again, _ := cli(t, args...)
		require.Equal(t, out, again)
		path := filepath.Join("testdata", c.golden)
		if *update {
			require.NoError(t, os.WriteFile(path, []byte(out), 0o644))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, string(want), out)
	}
}

func TestRunEveryActorTakesPart(t *testing.T) {
	// With no --variant, run shows the scenario's default_variant (the full
	// plan), in which every actor of the scenario takes part: in a few
	// replicates each acts at least once (one replicate need not show all:
	// a maximalist Moscow, drawn in about half of them, leaves the Security
	// Council, and so Beijing, nothing to vote on).
	seen := map[string]bool{}
	for _, seed := range []string{"1", "2", "3", "4", "5", "6", "7", "8"} {
		code, out, errs := cli(t, "run", "--trace", "--seed", seed, "--format", "json")
		require.Equal(t, 0, code, errs)
		var res jsonResult
		require.NoError(t, json.Unmarshal([]byte(out), &res))
		for _, st := range res.Trace {
			seen[st.Actor] = true
		}
		assert.Contains(t, res.Outcomes, "ceasefire")
		assert.Equal(t, "full-plan", res.Variant)
	}
	for _, a := range []string{"washington", "moscow", "kyiv", "belgrade", "pristina", "madrid", "athens", "bucharest", "bratislava", "beijing"} {
		assert.True(t, seen[a], "%s takes no step in eight replicates", a)
	}
}

func TestRunSeedsDiffer(t *testing.T) {
	outs := map[string]bool{}
	for _, seed := range []string{"1", "2", "3", "4", "5", "6"} {
		code, out, _ := cli(t, "run", "--seed", seed, "--format", "json")
		require.Equal(t, 0, code)
		var res jsonResult
		require.NoError(t, json.Unmarshal([]byte(out), &res))
		b, _ := json.Marshal(res.Params)
		outs[string(b)] = true
	}
	assert.Greater(t, len(outs), 1, "different seeds should draw different parameters")
}

func TestValidate(t *testing.T) {
	code, out, errs := cli(t, "validate")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "valid")

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("name: x\nhorizon: -3\nactors: {a: {power: {value: 2}}}\n"), 0o644))
	code, _, errs = cli(t, "validate", bad)
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errs, bad+":3: actors.a.power: has neither source nor assumption")
	assert.Contains(t, errs, "horizon: is -3; allowed range is 1 to")

	bin := filepath.Join(dir, "bin.yaml")
	require.NoError(t, os.WriteFile(bin, []byte{0, 1, 2, 3}, 0o644))
	code, _, errs = cli(t, "validate", bin)
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errs, "is binary")

	code, _, errs = cli(t, "run", "--scenario", bin)
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, errs, "is binary")
}

// TestScenarioProvenance checks that every parameter of the default
// scenario shows a provenance under the full plan and its sceptics' reading,
// and that at least 20 cite a reference class under the full plan
// (docs/SCENARIO-NOTES.md, "Reference classes").
func TestScenarioProvenance(t *testing.T) {
	for _, c := range []struct {
		variant string
		minRefs int
	}{{"full-plan", 20}, {"full-plan+sceptic", 15}} {
		code, out, errs := cli(t, "scenario", "--variant", c.variant)
		require.Equal(t, 0, code, errs)
		n, refs := 0, 0
		for _, line := range strings.Split(out, "\n") {
			if !strings.HasPrefix(line, "actors.") && !strings.HasPrefix(line, "issues.") && !strings.HasPrefix(line, "linkages.") &&
				!strings.HasPrefix(line, "institutions.") && !strings.HasPrefix(line, "tables.") && !strings.HasPrefix(line, "shocks.") {
				continue
			}
			n++
			ok := strings.Contains(line, "assumption: ") && !strings.HasSuffix(strings.TrimSpace(line), "assumption:") ||
				strings.Contains(line, "source ") || strings.Contains(line, "reference ")
			assert.True(t, ok, "%s: parameter without provenance: %s", c.variant, line)
			if strings.Contains(line, "reference ") {
				refs++
			}
		}
		assert.Greater(t, n, 50, c.variant)
		assert.GreaterOrEqual(t, refs, c.minRefs, c.variant)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--format", "xml"}, "--format is \"xml\"; allowed: text, json"},
		{[]string{"run", "--seed", "abc"}, "invalid argument \"abc\""},
		{[]string{"run", "--variant", "nope"}, "unknown variant \"nope\""},
		{[]string{"frobnicate"}, "unknown command"},
	} {
		code, _, errs := cli(t, c.args...)
		assert.NotEqual(t, 0, code, c.args)
		assert.Contains(t, errs, c.want, c.args)
	}
	code, out, _ := cli(t, "run", "--help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "Example:")
	assert.Equal(t, 1, strings.Count(out, "Usage:"), "usage printed once")
}

func TestMergePointsExperimentShardsToTheirMerge(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "counts-1-of-2.json"), []byte("{}"), 0o644))
	code, _, errs := cli(t, "merge", "-o", filepath.Join(dir, "out"), dir)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "holds experiment shards")
	assert.Contains(t, errs, "--merge")
}

// TestPlotResultsTree redraws a copy of results/ (the output of
// experiments/all.yaml, one subdirectory per experiment) byte for byte, and
// does not descend below the subdirectories.
func TestPlotResultsTree(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"us-pressure", "verification"} {
		src := filepath.Join("..", "..", "results", name)
		entries, err := os.ReadDir(src)
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join(dir, name), 0o755))
		for _, en := range entries {
			if strings.HasSuffix(en.Name(), ".svg") || strings.HasSuffix(en.Name(), ".png") {
				continue // plot must make them again
			}
			b, err := os.ReadFile(filepath.Join(src, en.Name()))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, name, en.Name()), b, 0o644))
		}
	}
	deep := filepath.Join(dir, "us-pressure", "nested")
	require.NoError(t, os.MkdirAll(deep, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(deep, "manifest.json"), []byte("{}"), 0o644))

	code, _, errs := cli(t, "plot", "--quiet", dir)
	require.Equal(t, 0, code, errs)
	for _, f := range []string{"us-pressure/sweep.svg", "verification/verification.svg"} {
		got, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		want, err := os.ReadFile(filepath.Join("..", "..", "results", f))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), f)
	}
	entries, err := os.ReadDir(deep)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "plot descended into a nested directory")
}

// TestScenarioProvenanceCounts checks the provenance counts of negsim
// scenario on the engine's test scenario, whose only sourced parameter is
// issues.land.status_quo (sim/testdata/mini.yaml), and that the per-kind
// rows add up to the total.
func TestScenarioProvenanceCounts(t *testing.T) {
	code, out, errs := cli(t, "scenario", "--scenario", miniScenario)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "Provenance of the 48 parameters of variant base:\n"+
		"1 cite a source, 0 cite a reference class (0 with a stated deviation), 47 state an assumption (0 do both), 0 neither; uncertain (drawn from a range): 1\n")
	rows := map[string][]int{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) != 8 {
			continue
		}
		var nums []int
		for _, s := range f[1:] {
			v, err := strconv.Atoi(s)
			if err != nil {
				break
			}
			nums = append(nums, v)
		}
		if len(nums) == 7 {
			rows[f[0]] = nums
		}
	}
	assert.Equal(t, []int{3, 1, 0, 2, 0, 0, 0}, rows["issues"], "issues: 3 status quos, one sourced")
	assert.Equal(t, []int{48, 1, 0, 47, 0, 0, 1}, rows["total"])
	sum := make([]int, 7)
	for k, r := range rows {
		if k == "total" {
			continue
		}
		for i, v := range r {
			sum[i] += v
		}
	}
	assert.Equal(t, rows["total"], sum, "kinds add up to the total")
}

// TestProvenanceCount checks the tally of a parameter with both a source
// and an assumption, of one with neither, and of two citing a reference
// class, one of them with a deviation.
func TestProvenanceCount(t *testing.T) {
	var c provenanceCount
	src := &models.Source{Seed: "s.txt", Quote: "a quote"}
	ref := &models.Reference{Class: "peace-settlement-referendums", Derive: "beta"}
	dev := &models.Reference{Class: "peace-settlement-referendums", Derive: "beta", Deviation: "why"}
	for _, p := range []models.Param{
		{Dist: models.DistBeta, Args: []float64{3, 5}, Reference: ref},
		{Dist: models.DistConst, Args: []float64{1}, Reference: dev},
		{Dist: models.DistConst, Args: []float64{1}, Source: src},
		{Dist: models.DistUniform, Args: []float64{0, 1}, Source: src, Assumption: "the range"},
		{Dist: models.DistConst, Args: []float64{1}, Assumption: "a guess"},
		{Dist: models.DistConst, Args: []float64{1}, Assumption: "  "},
	} {
		c.add(p)
	}
	want := provenanceCount{total: 6, source: 2, assumption: 2, both: 1, neither: 1, reference: 2, deviating: 1, uncertain: 2}
	if c != want {
		t.Errorf("Expected %+v, Found %+v", want, c)
	}
	if got := provenance(models.Param{Source: src, Assumption: "the range"}); got != `source s.txt: "a quote"; assumption: the range` {
		t.Errorf("provenance with both: Found %q", got)
	}
	sh := 36.0
	r := &models.Reference{Class: "c", Derive: "range", Exclude: []string{"x"}, Scale: new(float64), Shift: sh, Note: "n", Deviation: "d"}
	*r.Scale = -1
	if got, want := provenance(models.Param{Reference: r}), "reference c (range, excluding x, x*-1+36): n; deviation: d"; got != want {
		t.Errorf("provenance of a reference: Expected %q, Found %q", want, got)
	}
}

// negsim help CMD prints the command's own help, and the top-level help
// lists version.
func TestHelpCommand(t *testing.T) {
	code, out, _ := cli(t, "help", "run")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Usage: negsim run")
	code, out, _ = cli(t, "help")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "  version ")
}
