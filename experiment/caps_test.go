package experiment

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
}

// TestBounds checks that the inputs of issue 11 that exhausted memory are
// refused within seconds, with a message naming the file and the limit:
// /dev/zero as an experiment, a 10-line experiment with a 1000 × 1000
// sweep (6.3 GB in 20 s before), and an include "diamond" of 36 files (2¹⁸
// loads before), and that a cycle of includes is refused.
func TestBounds(t *testing.T) {
	dir := t.TempDir()
	sweep := func(n int) string {
		v := make([]string, n)
		for i := range v {
			v[i] = fmt.Sprint(float64(i) / float64(n))
		}
		return "[" + strings.Join(v, ", ") + "]"
	}
	writeFiles(t, dir, map[string]string{
		"big.yaml":  "name: big\nvariants: [base]\nn: 100\nsweep2:\n  x: {param: a.x, values: " + sweep(1000) + "}\n  y: {param: a.y, values: " + sweep(1000) + "}\n",
		"a.yaml":    "name: a\nincludes: [b.yaml]\n",
		"b.yaml":    "name: b\nincludes: [a.yaml]\n",
		"self.yaml": "name: self\nincludes: [self.yaml]\n",
		"huge.yaml": "name: huge\nvariants: [base]\nn: 100\n# " + strings.Repeat("x", MaxFileSize) + "\n",
	})
	// The diamond: level i has files Li-0 and Li-1, each including both
	// files of level i+1; 18 levels, 36 files, 2¹⁹ paths.
	for i := range 18 {
		for j := range 2 {
			body := fmt.Sprintf("name: l%d-%d\n", i, j)
			if i < 17 {
				body += fmt.Sprintf("includes: [l%d-0.yaml, l%d-1.yaml]\n", i+1, i+1)
			} else {
				body += "verification: true\n"
			}
			writeFiles(t, dir, map[string]string{fmt.Sprintf("l%d-%d.yaml", i, j): body})
		}
	}
	cases := []struct {
		file string
		want string
	}{
		{"/dev/zero", "/dev/zero: is a character device that gave more than 1048576 bytes (reading stopped there); at most 1048576 are allowed in an experiment file"},
		{"huge.yaml", "huge.yaml: is 1048614 bytes; at most 1048576 are allowed in an experiment file"},
		{"big.yaml", "big.yaml:5: sweep2: the experiment would have 1000001 cells (1 variant(s) × (1 + 1000 × 1000 sweep2 values)); allowed: at most 50000"},
		{"l0-0.yaml", "l0-0.yaml:2: includes: the includes expand to more than 256 experiments (a file included along several paths counts once per path); allowed: at most 256"},
		{"a.yaml", "includes itself through"},
		{"self.yaml", "includes itself through"},
	}
	for _, c := range cases {
		path := c.file
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		_, err := Load(path)
		if assert.Error(t, err, c.file) {
			assert.Contains(t, err.Error(), c.want)
		}
		assert.Less(t, time.Since(start), 3*time.Second, c.file)
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(100<<20), "%s allocated %d bytes", c.file, after.TotalAlloc-before.TotalAlloc)
	}
}

// TestIncludesLoadedOnce checks that a file included along two paths is
// read once and both includes share it.
func TestIncludesLoadedOnce(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"top.yaml":   "name: top\nincludes: [left.yaml, right.yaml]\n",
		"left.yaml":  "name: left\nincludes: [leaf.yaml]\n",
		"right.yaml": "name: right\nincludes: [./leaf.yaml]\n",
		"leaf.yaml":  "name: leaf\nverification: true\n",
	})
	s, err := Load(filepath.Join(dir, "top.yaml"))
	require.NoError(t, err)
	require.Len(t, s.Includes, 2)
	assert.Same(t, s.Includes[0].Includes[0], s.Includes[1].Includes[0])
}

// TestCheckSize checks the cap on a plan's replicate runs, on a plan of
// 2 variants × 300 replicates.
func TestCheckSize(t *testing.T) {
	dir := t.TempDir()
	scenario, _ := filepath.Abs("testdata/mini.yaml")
	writeFiles(t, dir, map[string]string{"e.yaml": "name: e\nscenario: " + scenario + "\nvariants: [base, no_side]\nn: 300\n"})
	s, err := Load(filepath.Join(dir, "e.yaml"))
	require.NoError(t, err)
	p, err := NewPlan(s)
	require.NoError(t, err)
	assert.Equal(t, 2, p.Cells())
	assert.Equal(t, int64(600), p.Replicates())
	assert.NoError(t, p.CheckSize(600))
	assert.NoError(t, p.CheckSize(0))
	assert.ErrorContains(t, p.CheckSize(599), "the experiment asks for 600 replicate runs with its includes; allowed: at most 599 unless --max-replicates allows more")
}
