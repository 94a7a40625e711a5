package experiment

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMergeTamperedShards merges the three shards of a small experiment
// (2 cells × 3000 replicates in chunks of 1000, the six chunks laid end to
// end and split in three: shard 1 holds replicates [0, 2000) of base,
// shard 2 [2000, 3000) of base and [0, 1000) of no_side, shard 3 [1000,
// 3000) of no_side) after one of them was tampered with, and
// checks that each set is refused with a message naming the shard file and
// the problem; the untampered set merges.
func TestMergeTamperedShards(t *testing.T) {
	src := []byte("name: tamper\nscenario: mini.yaml\nvariants: [base, no_side]\nn: 3000\nseed: 9\n")
	plan := func() *Plan {
		s, err := Parse("testdata/tamper.yaml", src)
		require.NoError(t, err)
		p, err := NewPlan(s)
		require.NoError(t, err)
		return p
	}
	orig := t.TempDir()
	for k := range 3 {
		p := plan()
		require.NoError(t, Run(context.Background(), p, Options{Workers: 2, Shard: k, Shards: 3}))
		require.NoError(t, SaveCounts(p, orig))
	}
	// An interrupted shard 2: only its first chunk of the first cell.
	interrupted := t.TempDir()
	{
		p := plan()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		Run(ctx, p, Options{Workers: 1, Shard: 1, Shards: 3})
		require.NoError(t, SaveCounts(p, interrupted))
	}
	name := func(k int) string { return CountsName(k-1, 3) }
	edit := func(dir string, k int, f func(m map[string]any)) {
		path := filepath.Join(dir, name(k))
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		f(m)
		b, err = json.Marshal(m)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, b, 0o644))
	}
	cell := func(m map[string]any, i int) map[string]any { return m["cells"].([]any)[i].(map[string]any) }
	counts := func(m map[string]any, i int) map[string]any { return cell(m, i)["counts"].(map[string]any) }
	cases := []struct {
		name string
		do   func(dir string)
		want string // with the file name for %s
	}{
		{"n multiplied by 10", func(d string) { edit(d, 2, func(m map[string]any) { counts(m, 0)["n"] = 10000.0 }) },
			"cell base holds 10000 replicates, more than its range [2000, 3000) holds (1000)"},
		{"n reduced by 500", func(d string) { edit(d, 3, func(m map[string]any) { counts(m, 1)["n"] = 1500.0 }) },
			name(3) + " (shard 3/3): marked complete, but cell \"no_side\" holds 1500 replicates and its range [1000, 3000) holds 2000"},
		{"interrupted shard", func(d string) {
			b, err := os.ReadFile(filepath.Join(interrupted, name(2)))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(d, name(2)), b, 0o644))
		}, name(2) + ": shard 2/3 is incomplete (complete: false)"},
		{"interrupted shard edited to complete: true", func(d string) {
			b, err := os.ReadFile(filepath.Join(interrupted, name(2)))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(d, name(2)), b, 0o644))
			edit(d, 2, func(m map[string]any) { m["complete"] = true })
		}, name(2) + " (shard 2/3): marked complete, but cell"},
		{"two shard files swapped", func(d string) {
			a, b := filepath.Join(d, name(1)), filepath.Join(d, name(2))
			require.NoError(t, os.Rename(a, a+".x"))
			require.NoError(t, os.Rename(b, a))
			require.NoError(t, os.Rename(a+".x", b))
		}, name(1) + ": holds shard 2/3, whose file is " + name(2)},
		{"swapped, with the shard inside edited to match", func(d string) {
			a, b := filepath.Join(d, name(1)), filepath.Join(d, name(2))
			require.NoError(t, os.Rename(a, a+".x"))
			require.NoError(t, os.Rename(b, a))
			require.NoError(t, os.Rename(a+".x", b))
			edit(d, 1, func(m map[string]any) { m["shard"] = "1/3" })
		}, name(1) + ": cell 0 (base) was made from another experiment file, scenario, seed or negsim model"},
		{"a cell's range edited", func(d string) { edit(d, 1, func(m map[string]any) { cell(m, 0)["hi"] = 3000.0 }) },
			name(1) + ": cell 0 (base) was made from another experiment file"},
		{"a cell's key edited", func(d string) { edit(d, 3, func(m map[string]any) { cell(m, 1)["key"] = "0000" }) },
			name(3) + ": cell 1 (no_side) was made from another experiment file"},
		{"a cell removed", func(d string) {
			edit(d, 2, func(m map[string]any) { m["cells"] = m["cells"].([]any)[:1] })
		}, name(2) + ": 1 cells, the experiment has 2"},
		{"a shard missing", func(d string) { require.NoError(t, os.Remove(filepath.Join(d, name(3)))) }, "missing shards [3] of 3"},
		{"a shard of another split", func(d string) {
			b, err := os.ReadFile(filepath.Join(d, name(1)))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(d, CountsName(0, 2)), b, 0o644))
			edit(d, 1, func(m map[string]any) {})
		}, "counts-1-of-2.json: holds shard 1/3, whose file is " + name(1)},
		{"shard not K/N", func(d string) { edit(d, 1, func(m map[string]any) { m["shard"] = "0/3" }) }, name(1) + `: shard "0/3" is not K/N`},
		{"format edited", func(d string) { edit(d, 2, func(m map[string]any) { m["format"] = "negsim-experiment-counts/2" }) }, name(2)},
		{"file truncated", func(d string) {
			path := filepath.Join(d, name(3))
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, b[:len(b)/2], 0o644))
		}, name(3)},
		{"successes above n", func(d string) {
			edit(d, 1, func(m map[string]any) { counts(m, 0)["hist"].([]any)[0].([]any)[0] = 5000.0 })
		}, name(1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := t.TempDir()
			for k := 1; k <= 3; k++ {
				b, err := os.ReadFile(filepath.Join(orig, name(k)))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(d, name(k)), b, 0o644))
			}
			c.do(d)
			err := MergeShards(plan(), d)
			if assert.Error(t, err) {
				assert.Contains(t, err.Error(), c.want)
			}
		})
	}
	require.NoError(t, MergeShards(plan(), orig), "the untampered shards merge")
}
