package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// fill writes dir/filler until the file system has at most leave bytes
// free (leave 0: until it is full).
func fill(t *testing.T, dir string, leave int64) {
	t.Helper()
	var st unix.Statfs_t
	require.NoError(t, unix.Statfs(dir, &st))
	avail := int64(st.Bavail) * int64(st.Bsize)
	f, err := os.Create(filepath.Join(dir, "filler"))
	require.NoError(t, err)
	defer f.Close()
	buf := make([]byte, 64<<10)
	for written := int64(0); written < avail-leave; {
		n, err := f.Write(buf[:min(int64(len(buf)), avail-leave-written)])
		written += int64(n)
		if err != nil {
			break // full
		}
	}
}

// TestDiskFull runs batch, experiment and merge on a small tmpfs that is
// full before the run or fills during it, each over a previous result, and
// checks that the previous result is left as it was, with no hidden
// sibling, and that a full disk is refused before the first replicate. It
// mounts a tmpfs, so it needs root (CI runs as root).
func TestDiskFull(t *testing.T) {
	signalTests(t)
	if os.Geteuid() != 0 {
		t.Skip("SKIPPING the disk-full test: it mounts a tmpfs, which needs root")
	}
	bin := buildNegsim(t)
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("SKIPPING the disk-full test: cannot mount a tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	scenario, _ := filepath.Abs(miniScenario)
	expScenario, _ := filepath.Abs("../../experiment/testdata/mini.yaml")
	expFile := filepath.Join(t.TempDir(), "e.yaml")
	require.NoError(t, os.WriteFile(expFile, []byte("name: e\nscenario: "+expScenario+"\nvariants: [base, no_side]\nn: 300000\n"), 0o644))
	// The previous result is of another seed: a rerun of the same inputs
	// over an up-to-date result writes nothing.
	prevFile := filepath.Join(filepath.Dir(expFile), "prev.yaml")
	require.NoError(t, os.WriteFile(prevFile, []byte("name: e\nscenario: "+expScenario+"\nvariants: [base, no_side]\nn: 1000\nseed: 99\n"), 0o644))
	batchArgs := func(out string, n int, extra ...string) []string {
		return append([]string{"batch", "--scenario", scenario, "--variant", "base", "-n", fmt.Sprint(n), "--quiet", "--workers", "2", "-o", out}, extra...)
	}
	// Shards to merge, off the tmpfs.
	shardBase := t.TempDir()
	var shards []string
	for k := 1; k <= 2; k++ {
		d := filepath.Join(shardBase, fmt.Sprint(k))
		o, err := exec.Command(bin, batchArgs(d, 4000, "--shard", fmt.Sprintf("%d/2", k))...).CombinedOutput()
		require.NoError(t, err, "%s", o)
		shards = append(shards, d)
	}
	cases := []struct {
		name     string
		previous []string // the command writing the previous result
		args     []string
		full     bool // full before the run; otherwise filled during it
		want     string
	}{
		{"batch, full before", batchArgs(filepath.Join(mnt, "b1"), 1000), batchArgs(filepath.Join(mnt, "b1"), 200000), true, "free on its file system"},
		{"batch, fills during the run", batchArgs(filepath.Join(mnt, "b2"), 1000),
			batchArgs(filepath.Join(mnt, "b2"), 1_000_000), false, "no space left on device"},
		{"experiment, fills during the run", []string{"experiment", prevFile, "-o", filepath.Join(mnt, "e2"), "--quiet"},
			[]string{"experiment", expFile, "-o", filepath.Join(mnt, "e2"), "--quiet", "--workers", "2"}, false, "no space left on device"},
		{"experiment, full before", []string{"experiment", prevFile, "-o", filepath.Join(mnt, "e1"), "--quiet"},
			[]string{"experiment", expFile, "-o", filepath.Join(mnt, "e1"), "--quiet"}, true, "free on its file system"},
		{"merge, full before", batchArgs(filepath.Join(mnt, "m1"), 1000),
			append([]string{"merge", "-o", filepath.Join(mnt, "m1")}, shards...), true, "free on its file system"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			os.Remove(filepath.Join(mnt, "filler"))
			o, err := exec.Command(bin, c.previous...).CombinedOutput()
			require.NoError(t, err, "%s", o)
			var dir string
			for i, a := range c.previous {
				if a == "-o" {
					dir = c.previous[i+1]
				}
			}
			prev := snapshot(t, dir)
			if c.full {
				fill(t, mnt, 64<<10)
			}
			cmd := exec.Command(bin, c.args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			start := time.Now()
			require.NoError(t, cmd.Start())
			if !c.full {
				for hiddenSibling(dir) == "" && time.Since(start) < 20*time.Second {
					time.Sleep(time.Millisecond)
				}
				fill(t, mnt, 0)
			}
			err = cmd.Wait()
			var ee *exec.ExitError
			require.True(t, errors.As(err, &ee), "%s: want a failure, got %v", c.name, err)
			assert.Contains(t, stderr.String(), c.want)
			if c.full {
				assert.Less(t, time.Since(start), 10*time.Second, "refused before any work")
			}
			assert.Equal(t, prev, snapshot(t, dir), "the previous result changed")
			assert.Empty(t, hiddenSibling(dir), "a hidden sibling was left")
		})
	}
}
