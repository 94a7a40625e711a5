package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// experimentCLI runs negsim in-process with args and returns its exit code,
// stdout and stderr.
func experimentCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := runEnv(&env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, args: args, getenv: func(string) string { return "" }}, args)
	return code, out.String(), errb.String()
}

func TestExperimentAndPlot(t *testing.T) {
	dir := t.TempDir()
	scenario, _ := filepath.Abs("../../experiment/testdata/mini.yaml")
	file := filepath.Join(dir, "small.yaml")
	os.WriteFile(file, []byte("name: small\nscenario: "+scenario+"\nvariants: [base, no_side]\nn: 500\nsweep: {param: actors.a.tables.main.reservation, values: [0.5, 0.8]}\n"), 0o644)
	out := filepath.Join(dir, "out")
	code, _, stderr := experimentCLI("experiment", file, "-o", out, "--workers", "2", "--quiet")
	if code != exitOK {
		t.Fatalf("experiment: exit %d, stderr %s", code, stderr)
	}
	for _, f := range []string{"summary.csv", "sweep.csv", "manifest.json", "variants.svg", "variants.png", "sweep.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("experiment did not write %s: %v", f, err)
		}
	}
	os.Remove(filepath.Join(out, "sweep.svg"))
	code, stdout, stderr := experimentCLI("plot", out)
	if code != exitOK || !strings.Contains(stdout, "sweep.svg") {
		t.Errorf("plot: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "sweep.svg")); err != nil {
		t.Errorf("plot did not redraw sweep.svg: %v", err)
	}
}

func TestExperimentErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: bad\nvariants: [base]\nn: 0\n"), 0o644)
	for i, test := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"experiment"}, exitUsage, "want exactly one experiment file"},
		{[]string{"experiment", "a.yaml", "b.yaml"}, exitUsage, "want exactly one experiment file"},
		{[]string{"experiment", bad, "--workers", "-1"}, exitUsage, "--workers is -1"},
		{[]string{"experiment", bad, "--shard", "5/4"}, exitUsage, "--shard"},
		{[]string{"experiment", bad}, exitFailure, "bad.yaml:3: n: must be in [1, 100000000], got 0"},
		{[]string{"experiment", filepath.Join(dir, "missing.yaml")}, exitFailure, "missing.yaml"},
		{[]string{"plot"}, exitUsage, "want exactly one result directory"},
		{[]string{"plot", dir}, exitFailure, "manifest.json"},
	} {
		code, _, stderr := experimentCLI(test.args...)
		if code != test.code || !strings.Contains(stderr, test.want) {
			t.Errorf("case %d: %v: Expected exit %d and %q, Found exit %d and %q", i, test.args, test.code, test.want, code, stderr)
		}
	}
}

func TestExperimentShardMerge(t *testing.T) {
	dir := t.TempDir()
	scenario, _ := filepath.Abs("../../experiment/testdata/mini.yaml")
	file := filepath.Join(dir, "sh.yaml")
	os.WriteFile(file, []byte("name: sh\nscenario: "+scenario+"\nvariants: [base, no_side]\nn: 2100\nseed: 4\nfigures: [variants, byround]\n"), 0o644)
	whole, parts := filepath.Join(dir, "whole"), filepath.Join(dir, "parts")
	for _, args := range [][]string{
		{"experiment", file, "-o", whole, "--quiet"},
		{"experiment", file, "-o", parts, "--shard", "2/2", "--quiet"},
		{"experiment", file, "-o", parts, "--shard", "1/2", "--workers", "1", "--quiet"},
		{"experiment", file, "-o", parts, "--merge", "--quiet"},
	} {
		if code, _, stderr := experimentCLI(args...); code != exitOK {
			t.Fatalf("%v: exit %d, stderr %s", args, code, stderr)
		}
	}
	for _, f := range []string{"summary.csv", "byround.csv", "variants.svg"} {
		a, _ := os.ReadFile(filepath.Join(whole, f))
		b, _ := os.ReadFile(filepath.Join(parts, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: merged shards differ from the unsharded run", f)
		}
	}
}

// TestExperimentContinue interrupts an experiment (as SIGINT does, through
// batchContext), checks that it exits 130 with counts.json marked complete:
// false, reruns the same command, and checks that every file (counts.json
// included) is byte-identical to an uninterrupted run's. A rerun of the
// complete experiment takes every cell from counts.json, and --force
// recomputes them to the same files.
func TestExperimentContinue(t *testing.T) {
	dir := t.TempDir()
	scenario, _ := filepath.Abs("../../experiment/testdata/mini.yaml")
	file := filepath.Join(dir, "long.yaml")
	os.WriteFile(file, []byte("name: long\nscenario: "+scenario+"\nvariants: [base, no_side]\nn: 300000\n"+
		"design: {type: factorial, levers: [{param: actors.a.tables.main.reservation, values: [0.5, 0.8]}], replicates: 100000}\n"), 0o644)
	// The manifest records the command line, so both runs write to out.
	want, out := filepath.Join(dir, "want"), filepath.Join(dir, "out")
	if code, _, stderr := experimentCLI("experiment", file, "-o", out, "--workers", "2", "--quiet"); code != exitOK {
		t.Fatalf("experiment: exit %d, stderr %s", code, stderr)
	}
	if err := os.Rename(out, want); err != nil {
		t.Fatal(err)
	}
	same := func(what string) {
		t.Helper()
		ents, _ := os.ReadDir(want)
		for _, e := range ents {
			a, _ := os.ReadFile(filepath.Join(want, e.Name()))
			b, err := os.ReadFile(filepath.Join(out, e.Name()))
			if err != nil || !bytes.Equal(a, b) {
				t.Errorf("%s: %s differs (%v)", what, e.Name(), err)
			}
		}
	}
	old := batchContext
	t.Cleanup(func() { batchContext = old })
	// Signals are caught from the start, so on a loaded machine the
	// timeout can expire before the first replicate: try a longer one; on
	// a fast machine the run can finish first: start again with a shorter
	// one.
	var code int
	var stderr string
	d := 150 * time.Millisecond
	for try := 0; try < 16; try++ {
		batchContext = func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), d)
		}
		code, _, stderr = experimentCLI("experiment", file, "-o", out, "--workers", "2", "--quiet")
		switch {
		case strings.Contains(stderr, "nothing written"):
			d *= 2
			continue
		case code == exitOK:
			if err := os.RemoveAll(out); err != nil {
				t.Fatal(err)
			}
			d /= 2
			continue
		}
		break
	}
	if code != 130 || !strings.Contains(stderr, "continue with the same command") {
		t.Fatalf("interrupted experiment: exit %d, stderr %s", code, stderr)
	}
	var counts struct {
		Format   string
		Complete bool
		Cells    []struct {
			Lo, Hi int
			Counts struct{ N int }
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "counts.json"))
	if err != nil || json.Unmarshal(b, &counts) != nil {
		t.Fatalf("counts.json: %v", err)
	}
	done, total := 0, 0
	for _, c := range counts.Cells {
		done, total = done+c.Counts.N, total+c.Hi-c.Lo
	}
	if counts.Complete || counts.Format != "negsim-counts/3" || done >= total || total != 800000 {
		t.Fatalf("counts.json after the interruption: %s, complete %v, %d of %d replicates", counts.Format, counts.Complete, done, total)
	}
	batchContext = old
	if code, _, stderr := experimentCLI("experiment", file, "-o", out, "--workers", "2", "--quiet"); code != exitOK {
		t.Fatalf("continued experiment: exit %d, stderr %s", code, stderr)
	}
	same("continued")
	start := time.Now()
	if code, _, stderr := experimentCLI("experiment", file, "-o", out, "--workers", "2", "--quiet"); code != exitOK {
		t.Fatalf("rerun of a complete experiment: exit %d, stderr %s", code, stderr)
	}
	t.Logf("cached rerun: %v", time.Since(start))
	same("rerun")
	if code, _, stderr := experimentCLI("experiment", file, "-o", out, "--workers", "2", "--quiet", "--force"); code != exitOK {
		t.Fatalf("--force: exit %d, stderr %s", code, stderr)
	}
	same("--force")
}

// Without -o an experiment writes under out/NAME, never into results/.
func TestExperimentDefaultOut(t *testing.T) {
	dir := t.TempDir()
	scenario, _ := filepath.Abs("../../experiment/testdata/mini.yaml")
	file := filepath.Join(dir, "small.yaml")
	os.WriteFile(file, []byte("name: small\nscenario: "+scenario+"\nvariants: [base]\nn: 200\n"), 0o644)
	t.Chdir(dir)
	code, _, stderr := experimentCLI("experiment", file, "--quiet")
	if code != exitOK {
		t.Fatalf("experiment: exit %d, stderr %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "small", "summary.csv")); err != nil {
		t.Errorf("no out/small/summary.csv: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "results")); err == nil {
		t.Errorf("the experiment wrote results/ without being told to")
	}
}

// TestExperimentUpToDate reruns a complete experiment into its directory:
// the second run finds it up to date and writes nothing; after a comment is
// added to the experiment file it rewrites the files but takes every cell
// from counts.json (a comment changes no cell); after n changes it runs
// every cell again; --force recomputes everything.
func TestExperimentUpToDate(t *testing.T) {
	dir := t.TempDir()
	scenario, _ := filepath.Abs("../../experiment/testdata/mini.yaml")
	file := filepath.Join(dir, "small.yaml")
	body := "name: small\nscenario: " + scenario + "\nvariants: [base, no_side]\nn: 3000\n"
	require.NoError(t, os.WriteFile(file, []byte(body), 0o644))
	out := filepath.Join(dir, "out")
	run := func(want string, args ...string) {
		t.Helper()
		code, _, stderr := experimentCLI(append([]string{"experiment", file, "-o", out, "--workers", "2"}, args...)...)
		if code != exitOK || !strings.Contains(stderr, want) {
			t.Fatalf("exit %d, stderr %q, expected it to contain %q", code, stderr, want)
		}
	}
	run("6000 replicates run")
	run("is up to date")
	require.NoError(t, os.WriteFile(file, []byte(body+"# a comment\n"), 0o644))
	run("0 replicates run in")
	run("is up to date")
	require.NoError(t, os.WriteFile(filepath.Join(out, "summary.csv"), []byte("edited\n"), 0o644))
	run("0 replicates run in")
	require.NoError(t, os.WriteFile(file, []byte(strings.Replace(body, "n: 3000", "n: 2000", 1)), 0o644))
	run("4000 replicates run")
	run("4000 replicates run", "--force")
}
