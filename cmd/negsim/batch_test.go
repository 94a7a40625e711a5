package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/batch"
)

const miniScenario = "../../sim/testdata/mini.yaml"

// cliEnv runs negsim in-process with the given environment variables.
func cliEnv(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, args: args,
		getenv: func(k string) string { return vars[k] }}
	code := runEnv(e, args)
	return code, out.String(), errb.String()
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// TestBatchWorkersIdentical checks that summary.csv and byround.csv do not
// depend on --workers.
func TestBatchWorkersIdentical(t *testing.T) {
	var ref []string
	for _, w := range []string{"1", "2", "7"} {
		dir := filepath.Join(t.TempDir(), "out")
		code, stdout, stderr := cli(t, "batch", "--scenario", miniScenario, "-n", "2300", "--seed", "4", "--workers", w, "--quiet", "-o", dir)
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, "no_side")
		assert.Contains(t, stdout, "below_reservation", "the table reports the share signed below a reservation")
		assert.Empty(t, stderr, "--quiet")
		got := []string{readFile(t, filepath.Join(dir, "summary.csv")), readFile(t, filepath.Join(dir, "byround.csv"))}
		if ref == nil {
			ref = got
			continue
		}
		assert.Equal(t, ref, got, "workers %s", w)
	}
	assert.True(t, strings.HasPrefix(ref[0], "variant,outcome,successes,n,p,ci_low,ci_high,mean_round,median_round,below_reservation,below_share,below_ci_low,below_ci_high\n"))
	assert.True(t, strings.HasPrefix(ref[1], "variant,outcome,round,successes,n,p,ci_low,ci_high\n"))
	// Default variants: base, then every variant in file order.
	assert.Contains(t, ref[0], "\nbase,deal,")
	assert.Less(t, strings.Index(ref[0], "\nno_side,"), strings.Index(ref[0], "\nsoft,"))
}

func TestBatchManifest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	rep := filepath.Join(t.TempDir(), "rep.csv.gz")
	code, _, stderr := cli(t, "batch", "--scenario", miniScenario, "--variant", "soft", "-n", "1500", "--seed", "8", "-o", dir, "--replicates", rep)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "1500/1500", "progress reaches the total")
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "manifest.json"))), &m))
	for _, k := range []string{"seed", "n", "n_done", "variants", "scenario", "scenario_sha256", "negsim_version", "go_version",
		"goos", "goarch", "command", "start", "end", "workers", "ci_level", "complete"} {
		assert.Contains(t, m, k)
	}
	assert.Equal(t, true, m["complete"])
	assert.Equal(t, 1500.0, m["n_done"].(map[string]any)["soft"])
	assert.Equal(t, rep, m["replicates"])
	assert.FileExists(t, rep)
	assert.FileExists(t, filepath.Join(dir, "counts.json"))
}

// TestBatchBadInput checks that each bad flag is a one-line usage error
// naming the flag, with exit code 2 and nothing written.
func TestBatchBadInput(t *testing.T) {
	ro := t.TempDir()
	require.NoError(t, os.Chmod(ro, 0o555))
	if f, err := os.CreateTemp(ro, "x"); err == nil { // running as root
		f.Close()
		os.Remove(f.Name())
		ro = "/proc/negsim-cannot-write"
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-n", "0"}, "-n is 0"},
		{[]string{"-n", "-5"}, "-n is -5"},
		{[]string{"-n", "many"}, `invalid argument "many" for "-n, --n"`},
		{[]string{"--seed", "-1"}, `"--seed" flag`},
		{[]string{"--workers", "0"}, "--workers is 0"},
		{[]string{"--workers", "x"}, `"--workers" flag`},
		{[]string{"--variant", "nope"}, `--variant: unknown variant "nope"`},
		{[]string{"--ci", "1"}, "--ci is 1; allowed: a level in (0, 1)"},
		{[]string{"--ci", "0"}, "--ci is 0"},
		{[]string{"--ci", "95"}, "--ci is 95"},
		{[]string{"--precision", "0"}, "--precision is 0"},
		{[]string{"--precision", "0.01", "--min-n", "0"}, "--min-n is 0"},
		{[]string{"--min-n", "10"}, "--min-n needs --precision"},
		{[]string{"--shard", "5/4"}, "--shard: shard \"5/4\""},
		{[]string{"--shard", "two"}, "--shard"},
		{[]string{"--shard", "1/2", "--precision", "0.01"}, "--precision cannot be combined with --shard"},
		{[]string{"--shard", "auto"}, "--shard auto: none of"},
		{[]string{"--shards", "3"}, "--shards needs --shard auto"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--replicates", "/proc/negsim-no/r.csv"}, "--replicates /proc/negsim-no/r.csv: the directory /proc/negsim-no does not exist"},
	}
	for _, tc := range cases {
		dir := filepath.Join(t.TempDir(), "out")
		args := append([]string{"batch", "--scenario", miniScenario, "-n", "10", "-o", dir}, tc.args...)
		code, stdout, stderr := cli(t, args...)
		assert.Equal(t, exitUsage, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.want, tc.args)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), "%v: one line: %q", tc.args, stderr)
		assert.Empty(t, stdout, tc.args)
		assert.NoDirExists(t, dir, "%v: nothing written", tc.args)
	}
	code, _, stderr := cli(t, "batch", "--scenario", miniScenario, "-n", "10", "-o", filepath.Join(ro, "out"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "-o "+filepath.Join(ro, "out"))
}

func TestBatchShardAuto(t *testing.T) {
	cases := []struct {
		vars  map[string]string
		flags []string
		want  batch.Shard
		err   string
	}{
		{map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "4"}, nil, batch.Shard{K: 3, N: 4}, ""},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "3"}, nil, batch.Shard{K: 1, N: 4}, ""},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"}, nil, batch.Shard{K: 3, N: 4}, ""},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "4"}, nil, batch.Shard{K: 4, N: 4}, ""},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"}, nil, batch.Shard{}, "shard 5/4"},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, nil, batch.Shard{}, "neither SLURM_ARRAY_TASK_COUNT"},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "4"}, []string{"--shards", "3"}, batch.Shard{}, "--shards is 3"},
		{map[string]string{"JOB_COMPLETION_INDEX": "0"}, []string{"--shards", "4"}, batch.Shard{K: 1, N: 4}, ""},
		{map[string]string{"JOB_COMPLETION_INDEX": "3"}, []string{"--shards", "4"}, batch.Shard{K: 4, N: 4}, ""},
		{map[string]string{"JOB_COMPLETION_INDEX": "4"}, []string{"--shards", "4"}, batch.Shard{}, "shard 5/4"},
		{map[string]string{"JOB_COMPLETION_INDEX": "0"}, nil, batch.Shard{}, "--shards N"},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"}, nil, batch.Shard{}, "not an integer"},
	}
	for i, tc := range cases {
		dir := filepath.Join(t.TempDir(), "out")
		args := append([]string{"batch", "--scenario", miniScenario, "--variant", "base", "-n", "4000", "--quiet", "--shard", "auto", "-o", dir}, tc.flags...)
		code, _, stderr := cliEnv(t, tc.vars, args...)
		if tc.err != "" {
			assert.Equal(t, exitUsage, code, "case %d", i)
			assert.Contains(t, stderr, tc.err, "case %d", i)
			continue
		}
		require.Equal(t, exitOK, code, "case %d: %s", i, stderr)
		m, err := batch.ReadManifest(filepath.Join(dir, "manifest.json"))
		require.NoError(t, err)
		if assert.NotNil(t, m.Shard, "case %d", i) {
			assert.Equal(t, tc.want, *m.Shard, "case %d", i)
		}
		assert.Equal(t, int64(1000), m.NDone["base"], "case %d: 4 chunks in 4 shards", i)
	}
}

// TestMergeCLI checks that negsim merge of 4 shards writes the unsharded
// run's summary.csv and byround.csv byte for byte, and refuses a missing
// shard.
func TestMergeCLI(t *testing.T) {
	base := t.TempDir()
	common := []string{"--scenario", miniScenario, "-n", "6500", "--seed", "21", "--quiet"}
	code, _, stderr := cli(t, append([]string{"batch", "-o", filepath.Join(base, "single")}, common...)...)
	require.Equal(t, exitOK, code, stderr)
	var shards []string
	for _, k := range []string{"1", "2", "3", "4"} {
		d := filepath.Join(base, "shard-"+k)
		code, _, stderr := cli(t, append([]string{"batch", "--shard", k + "/4", "-o", d}, common...)...)
		require.Equal(t, exitOK, code, stderr)
		shards = append(shards, d)
	}
	merged := filepath.Join(base, "merged")
	code, stdout, stderr := cli(t, append([]string{"merge", "-o", merged}, shards...)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "base")
	for _, f := range []string{"summary.csv", "byround.csv"} {
		assert.Equal(t, readFile(t, filepath.Join(base, "single", f)), readFile(t, filepath.Join(merged, f)), f)
	}

	code, _, stderr = cli(t, "merge", "-o", filepath.Join(base, "bad"), shards[0], shards[1], shards[3])
	assert.Equal(t, exitFailure, code)
	assert.Contains(t, stderr, "shard(s) 3 of 4 missing")
	assert.NoDirExists(t, filepath.Join(base, "bad"))
	code, _, stderr = cli(t, append([]string{"merge"}, shards...)...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "-o is required")
}

// TestBatchInterrupt interrupts a long batch and checks that it exits 130
// with whole files marked incomplete and no temporary files.
func TestBatchInterrupt(t *testing.T) {
	old := batchContext
	t.Cleanup(func() { batchContext = old })
	dir := filepath.Join(t.TempDir(), "out")
	rep := filepath.Join(dir, "rep.csv")
	// Signals are caught from the start, so on a loaded machine the
	// timeout can expire before the first replicate: try longer ones.
	var code int
	var stderr string
	for d := 300 * time.Millisecond; d < 10*time.Second; d *= 2 {
		batchContext = func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), d)
		}
		code, _, stderr = cli(t, "batch", "--scenario", miniScenario, "-n", "5000000", "--workers", "2", "--quiet", "-o", dir, "--replicates", rep)
		if !strings.Contains(stderr, "nothing written") {
			break
		}
	}
	assert.Equal(t, 130, code, stderr)
	assert.Contains(t, stderr, "interrupted")
	m, err := batch.ReadManifest(filepath.Join(dir, "manifest.json"))
	require.NoError(t, err)
	assert.False(t, m.Complete)
	assert.Less(t, m.NDone["base"], int64(5000000))
	for _, f := range []string{"summary.csv", "byround.csv", "rep.csv"} {
		_, err := csv.NewReader(strings.NewReader(readFile(t, filepath.Join(dir, f)))).ReadAll()
		assert.NoError(t, err, f)
	}
	_, err = batch.ReadCounts(filepath.Join(dir, "counts.json"))
	assert.NoError(t, err)
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range ents {
		assert.False(t, strings.HasPrefix(e.Name(), "."), "temporary file %s left behind", e.Name())
	}
}

// TestBatchContinue interrupts a batch, reruns the same command, and checks
// that summary.csv, byround.csv and counts.json equal an uninterrupted
// run's; with --force the same files come from a full recomputation.
func TestBatchContinue(t *testing.T) {
	old := batchContext
	t.Cleanup(func() { batchContext = old })
	base := t.TempDir()
	want, dir := filepath.Join(base, "want"), filepath.Join(base, "out")
	args := func(out string, extra ...string) []string {
		return append([]string{"batch", "--scenario", miniScenario, "-n", "400000", "--variant", "base", "--variant", "soft",
			"--workers", "2", "--quiet", "-o", out}, extra...)
	}
	code, _, stderr := cli(t, args(want)...)
	require.Equal(t, 0, code, stderr)
	for d := 100 * time.Millisecond; d < 10*time.Second; d *= 2 {
		batchContext = func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), d)
		}
		code, _, stderr = cli(t, args(dir)...)
		if !strings.Contains(stderr, "nothing written") {
			break
		}
	}
	batchContext = old
	require.Equal(t, 130, code, stderr)
	assert.Contains(t, stderr, "the same command continues it")
	same := func(what string) {
		t.Helper()
		for _, f := range []string{"summary.csv", "byround.csv", "counts.json"} {
			assert.Equal(t, readFile(t, filepath.Join(want, f)), readFile(t, filepath.Join(dir, f)), "%s: %s", what, f)
		}
	}
	code, _, stderr = cli(t, args(dir)...)
	require.Equal(t, 0, code, stderr)
	same("continued")
	code, _, stderr = cli(t, args(dir, "--force")...)
	require.Equal(t, 0, code, stderr)
	same("--force")
}

// Mistakes in -n and --replicates are refused before any replicate runs.
func TestBatchChecksBeforeWork(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-n", "9223372036854775807"}, "-n is 9223372036854775807; allowed: an integer from 1 to"},
		{[]string{"--replicates", dir}, "is a directory"},
		{[]string{"--replicates", filepath.Join(dir, "missing", "r.csv")}, "does not exist; create it first"},
		{[]string{"--replicates", filepath.Join(out, "summary.csv")}, "would be overwritten by the batch's own summary.csv"},
	} {
		os.MkdirAll(out, 0o755)
		args := append([]string{"batch", "--quiet", "-n", "10", "--variant", "base", "-o", out}, c.args...)
		code, _, stderr := cli(t, args...)
		assert.Equal(t, exitUsage, code, "%v", c.args)
		assert.Contains(t, stderr, c.want, "%v", c.args)
	}
}
