package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// listDir lists the names in dir, and the hidden siblings of dir.
func listDir(t *testing.T, dir string) (names, siblings []string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range ents {
		names = append(names, e.Name())
	}
	ents, err = os.ReadDir(filepath.Dir(dir))
	require.NoError(t, err)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "."+filepath.Base(dir)+".") {
			siblings = append(siblings, e.Name())
		}
	}
	sort.Strings(names)
	return names, siblings
}

// A rerun replaces the whole result: stale result files of an earlier
// run go, README.md stays, and a killed run's leftovers are removed.
func TestBatchOutputIsOneTransaction(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	code, _, stderr := cli(t, "batch", "--scenario", miniScenario, "-n", "2000", "--quiet", "-o", out,
		"--replicates", filepath.Join(out, "replicates.csv"))
	require.Equal(t, exitOK, code, stderr)
	require.NoError(t, os.WriteFile(filepath.Join(out, "README.md"), []byte("notes"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(out, "sweep.csv"), []byte("stale"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(out, ".summary.csv.tmp-1"), []byte("half"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(parent, ".out.negsim-new-7"), 0o755))

	code, _, stderr = cli(t, "batch", "--scenario", miniScenario, "-n", "1000", "--quiet", "-o", out)
	require.Equal(t, exitOK, code, stderr)
	names, siblings := listDir(t, out)
	assert.Equal(t, []string{"README.md", "byround.csv", "counts.json", "manifest.json", "summary.csv"}, names)
	assert.Empty(t, siblings)
	assert.Equal(t, "notes", readFile(t, filepath.Join(out, "README.md")))
}

// A signal before the first replicate (for merge: before its commit)
// leaves the directory as it was.
func TestSignalBeforeWork(t *testing.T) {
	old := batchContext
	t.Cleanup(func() { batchContext = old })
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	require.NoError(t, os.MkdirAll(out, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(out, "summary.csv"), []byte("previous"), 0o644))
	var shards []string
	for k := 1; k <= 2; k++ {
		d := filepath.Join(parent, fmt.Sprint("shard", k))
		code, _, stderr := cli(t, "batch", "--scenario", miniScenario, "-n", "2000", "--quiet", "-o", d, "--shard", fmt.Sprintf("%d/2", k))
		require.Equal(t, exitOK, code, stderr)
		shards = append(shards, d)
	}
	batchContext = func() (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx, cancel
	}
	scenario, _ := filepath.Abs("../../experiment/testdata/mini.yaml")
	exp := filepath.Join(parent, "e.yaml")
	require.NoError(t, os.WriteFile(exp, []byte("name: e\nscenario: "+scenario+"\nvariants: [base]\nn: 1000\n"), 0o644))
	for _, args := range [][]string{
		{"batch", "--scenario", miniScenario, "-n", "1000", "--quiet", "-o", out},
		{"experiment", exp, "--quiet", "-o", out},
		append([]string{"merge", "-o", out}, shards...),
	} {
		code, _, stderr := cli(t, args...)
		assert.Equal(t, 130, code, stderr)
		assert.Contains(t, stderr, "nothing written, "+out+" is as it was")
		names, siblings := listDir(t, out)
		assert.Equal(t, []string{"summary.csv"}, names, args[0])
		assert.Empty(t, siblings, args[0])
		assert.Equal(t, "previous", readFile(t, filepath.Join(out, "summary.csv")))
	}
}

// An output directory holding what negsim did not write is refused
// before any work.
func TestOutputRefusedBeforeWork(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "src"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "src", "main.go"), []byte("package main"), 0o644))
	code, _, stderr := cli(t, "batch", "--scenario", miniScenario, "-n", "1000", "--quiet", "-o", dir)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "holds src/, a directory negsim did not write")
}
