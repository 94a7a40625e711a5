package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests build the negsim binary and send it real signals. They take
// about a minute, so they run only with NEGSIM_SIGNAL_TEST=1 (a step of
// .ci/run of its own).
func signalTests(t *testing.T) {
	t.Helper()
	if os.Getenv("NEGSIM_SIGNAL_TEST") != "1" {
		t.Skip("set NEGSIM_SIGNAL_TEST=1 to run the signal and disk-full tests (they build the binary and take about a minute)")
	}
}

// buildNegsim builds the binary into a temporary directory.
func buildNegsim(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "negsim")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// snapshot reads every regular file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		rel, _ := filepath.Rel(dir, p)
		m[rel] = string(b)
		return nil
	})
	return m
}

// hiddenSibling returns a hidden sibling of dir being written, or "".
func hiddenSibling(dir string) string {
	m, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".negsim-new-*"))
	if len(m) == 0 {
		return ""
	}
	return m[0]
}

// moment says when a signal is sent.
type moment struct {
	name string
	// wait returns once it is time to send the signal.
	wait func(out string, started time.Time)
}

var moments = []moment{
	{"early", func(string, time.Time) { time.Sleep(5 * time.Millisecond) }},
	{"mid-run", func(out string, _ time.Time) {
		// Once the run has begun (its hidden sibling exists) and has run
		// for a while.
		for deadline := time.Now().Add(20 * time.Second); hiddenSibling(out) == "" && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(700 * time.Millisecond)
	}},
	{"write phase", func(out string, _ time.Time) {
		// As soon as the first result file appears in the hidden sibling.
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
			if s := hiddenSibling(out); s != "" {
				if m, _ := filepath.Glob(filepath.Join(s, "*.csv")); len(m) > 0 {
					return
				}
			}
			time.Sleep(200 * time.Microsecond)
		}
	}},
}

var signals = []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL}

// runSignalled starts bin with args, sends sig at the moment m, and
// returns the exit code (-1 for a kill) and stderr.
func runSignalled(t *testing.T, bin string, args []string, out string, m moment, sig syscall.Signal) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	m.wait(out, time.Now())
	cmd.Process.Signal(sig)
	err := cmd.Wait()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	}
	return code, stderr.String()
}

type countsJSON struct {
	Cells []struct {
		N int64 `json:"n"`
	} `json:"cells"`
}

// TestBatchSignals interrupts a batch that replaces a previous result with
// SIGINT, SIGTERM and SIGKILL early, mid-run and in the write phase, and
// checks that the directory then holds the previous result, the new
// complete result (byte for byte the uninterrupted run's counts), or a
// result marked incomplete whose counts are an exact prefix of the
// uninterrupted run (equal to a run of that many replicates), with a
// message that agrees with the manifest; and that the next run into the
// place removes whatever a killed run left.
func TestBatchSignals(t *testing.T) {
	signalTests(t)
	bin := buildNegsim(t)
	base := t.TempDir()
	scenario, _ := filepath.Abs(miniScenario)
	const n = 1_000_000
	batchArgs := func(out string, n, seed int) []string {
		return []string{"batch", "--scenario", scenario, "--variant", "base", "-n", fmt.Sprint(n), "--seed", fmt.Sprint(seed),
			"--workers", "2", "--quiet", "-o", out}
	}
	ref := filepath.Join(base, "ref")
	out, err := exec.Command(bin, batchArgs(ref, n, 7)...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	refCounts := readFile(t, filepath.Join(ref, "counts.json"))
	outcomes := map[string]int{}
	for _, m := range moments {
		for _, sig := range signals {
			name := m.name + " " + sig.String()
			dir := filepath.Join(base, strings.ReplaceAll(name, " ", "-"), "out")
			// A previous result of another seed.
			prevOut, err := exec.Command(bin, batchArgs(dir, 2000, 99)...).CombinedOutput()
			require.NoError(t, err, "%s", prevOut)
			prev := snapshot(t, dir)
			code, stderr := runSignalled(t, bin, batchArgs(dir, n, 7), dir, m, sig)
			now := snapshot(t, dir)
			var man struct {
				Complete bool             `json:"complete"`
				NDone    map[string]int64 `json:"n_done"`
				Seed     uint64           `json:"seed"`
			}
			require.NoError(t, json.Unmarshal([]byte(now["manifest.json"]), &man), name)
			switch {
			case man.Seed == 99:
				assert.Equal(t, prev, now, "%s: the previous result changed", name)
				outcomes["previous result"]++
				// A signal before the Go runtime has started main (the
				// first ~25 ms, package initialisation) kills the process
				// by its default action; after that the handler exits 130.
				if sig != syscall.SIGKILL && code != -1 {
					assert.Equal(t, 130, code, "%s: %s", name, stderr)
					assert.Contains(t, stderr, "nothing written", name)
				}
			case man.Complete:
				assert.Equal(t, refCounts, now["counts.json"], "%s: complete but not the uninterrupted run's counts", name)
				assert.Equal(t, fmt.Sprint(n), fmt.Sprint(man.NDone["base"]), name)
				outcomes["new complete result"]++
				if sig != syscall.SIGKILL {
					assert.Equal(t, 0, code, "%s: complete result, exit %d: %s", name, code, stderr)
				}
			default:
				k := man.NDone["base"]
				require.Positive(t, k, name)
				assert.Equal(t, 130, code, name)
				assert.Contains(t, stderr, fmt.Sprintf("wrote the %d replicates completed to %s (complete: false)", k, dir), name)
				// An exact prefix: the counts of a run of k replicates.
				pre := filepath.Join(base, "prefix", fmt.Sprint(k))
				if _, err := os.Stat(pre); err != nil {
					o, err := exec.Command(bin, batchArgs(pre, int(k), 7)...).CombinedOutput()
					require.NoError(t, err, "%s", o)
				}
				// The counts files differ in their keys (N is part of a
				// cell's key), ranges and complete flags, not in counts.
				countsOf := func(b string) []json.RawMessage {
					var f struct {
						Cells []struct{ Counts json.RawMessage }
					}
					require.NoError(t, json.Unmarshal([]byte(b), &f), name)
					var out []json.RawMessage
					for _, c := range f.Cells {
						out = append(out, c.Counts)
					}
					return out
				}
				assert.Equal(t, countsOf(readFile(t, filepath.Join(pre, "counts.json"))), countsOf(now["counts.json"]), "%s: counts are not a prefix", name)
				outcomes["incomplete prefix"]++
			}
			for f := range now {
				assert.False(t, strings.Contains(f, ".tmp-"), "%s: temporary file %s", name, f)
			}
			// The next run into the same place removes what was left.
			o, err := exec.Command(bin, batchArgs(dir, 1000, 3)...).CombinedOutput()
			require.NoError(t, err, "%s", o)
			assert.Empty(t, hiddenSibling(dir), "%s: a killed run's sibling was not removed", name)
		}
	}
	t.Logf("outcomes of %d signalled batches: %v", len(moments)*len(signals), outcomes)
}

// TestExperimentSignals does the same for an experiment: the directory
// holds the previous result or the new complete one (equal to an
// uninterrupted run's tables), and the counts file (the cell cache,
// written in place) says complete: false after an interrupted run.
func TestExperimentSignals(t *testing.T) {
	signalTests(t)
	bin := buildNegsim(t)
	base := t.TempDir()
	scenario, _ := filepath.Abs("../../experiment/testdata/mini.yaml")
	exp := func(seed int) string {
		f := filepath.Join(base, fmt.Sprintf("e%d.yaml", seed))
		os.WriteFile(f, []byte(fmt.Sprintf("name: e\nscenario: %s\nvariants: [base, no_side]\nn: 400000\nseed: %d\n", scenario, seed)), 0o644)
		return f
	}
	newFile, prevFile := exp(7), exp(99)
	ref := filepath.Join(base, "ref")
	o, err := exec.Command(bin, "experiment", newFile, "-o", ref, "--quiet", "--workers", "2").CombinedOutput()
	require.NoError(t, err, "%s", o)
	want := readFile(t, filepath.Join(ref, "summary.csv"))
	outcomes := map[string]int{}
	for _, m := range moments {
		for _, sig := range signals {
			name := m.name + " " + sig.String()
			dir := filepath.Join(base, strings.ReplaceAll(name, " ", "-"), "out")
			o, err := exec.Command(bin, "experiment", prevFile, "-o", dir, "--quiet").CombinedOutput()
			require.NoError(t, err, "%s", o)
			prev := snapshot(t, dir)
			code, stderr := runSignalled(t, bin, []string{"experiment", newFile, "-o", dir, "--quiet", "--workers", "2"}, dir, m, sig)
			now := snapshot(t, dir)
			counts, hasCounts := now["counts.json"]
			delete(now, "counts.json")
			delete(prev, "counts.json")
			switch {
			case now["summary.csv"] == want:
				outcomes["new complete result"]++
				if sig != syscall.SIGKILL {
					assert.Equal(t, 0, code, "%s: %s", name, stderr)
				}
			default:
				assert.Equal(t, prev, now, "%s: neither the previous nor the new result", name)
				outcomes["previous result"]++
				if hasCounts {
					var p struct{ Complete bool }
					require.NoError(t, json.Unmarshal([]byte(counts), &p), name)
					if !p.Complete {
						outcomes["with counts marked incomplete"]++
					}
				}
				if sig != syscall.SIGKILL && code != -1 {
					assert.Equal(t, 130, code, "%s: %s", name, stderr)
				}
			}
		}
	}
	t.Logf("outcomes of %d signalled experiments: %v", len(moments)*len(signals), outcomes)
}
