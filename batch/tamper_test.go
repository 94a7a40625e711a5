package batch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// copyDir copies the files of a run directory into a new one.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	ents, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, e := range ents {
		require.NoError(t, os.WriteFile(filepath.Join(dst, e.Name()), read(t, filepath.Join(src, e.Name())), 0o644))
	}
	return dst
}

// editCounts rewrites dir's counts.json with f applied to its JSON; with
// reseal, the manifest's counts_sha256 is updated to match, as a forger
// (or an older interrupted run) would leave it.
func editCounts(t *testing.T, dir string, reseal bool, f func(cells []any)) {
	t.Helper()
	path := filepath.Join(dir, CountsFile)
	var cf map[string]any
	require.NoError(t, json.Unmarshal(read(t, path), &cf))
	f(cf["cells"].([]any))
	b, err := json.Marshal(cf)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o644))
	if reseal {
		h := sha256.Sum256(b)
		editManifest(t, dir, func(m *Manifest) { m.CountsSHA256 = hex.EncodeToString(h[:]) })
	}
}

func setN(i int, f func(int64) int64) func([]any) {
	return func(cells []any) {
		c := cells[i].(map[string]any)["counts"].(map[string]any)
		c["n"] = float64(f(int64(c["n"].(float64))))
	}
}

// TestMergeTampered merges sets of shard directories of one run (4 shards
// of 2 variants × 8000 replicates, chunks of 1000, so shard k holds
// replicates [2000(k-1), 2000k)) in which one directory was tampered with,
// and checks that every set is refused with a message naming the
// directory and the problem. The cases are those of issue 11 (n × 10,
// n − 500, an interrupted shard edited to complete: true) and their
// neighbours.
func TestMergeTampered(t *testing.T) {
	cfg := Config{Scenario: mini(t), Variants: []string{"base", "soft"}, N: 8000, Seed: 5, Workers: 2}
	orig := shardDirs(t, cfg, 4)
	whole := runDir(t, cfg)
	other := cfg
	other.Seed = 6
	otherDirs := shardDirs(t, other, 4)
	// An interrupted shard 3: its first chunk of base only.
	c3 := cfg
	c3.Shard = Shard{3, 4}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Run(ctx, c3)
	require.Error(t, err)
	res.Cells[0].N = 0
	interrupted := t.TempDir()
	require.NoError(t, res.WriteDir(interrupted, res.Manifest))

	type tamper func(dirs []string) []string
	onShard := func(k int, f func(dir string)) tamper {
		return func(dirs []string) []string { f(dirs[k-1]); return dirs }
	}
	cases := []struct {
		name string
		do   tamper
		want func(dirs []string) string // the expected message fragment
	}{
		{"n multiplied by 10 in counts.json", onShard(2, func(d string) { editCounts(t, d, false, setN(0, func(n int64) int64 { return 10 * n })) }),
			func(d []string) string {
				return d[1] + " (shard 2/4): counts.json was changed or replaced after the run"
			}},
		{"n reduced by 500 in counts.json", onShard(1, func(d string) { editCounts(t, d, false, setN(1, func(n int64) int64 { return n - 500 })) }),
			func(d []string) string { return d[0] + " (shard 1/4): counts.json was changed or replaced" }},
		{"n × 10 with the hash resealed", onShard(2, func(d string) { editCounts(t, d, true, setN(0, func(n int64) int64 { return 10 * n })) }),
			func(d []string) string {
				// counts.json records each cell's replicate range.
				return filepath.Join(d[1], CountsFile) + ": cell base holds 20000 replicates, more than its range [2000, 4000) holds (2000)"
			}},
		{"n − 500 with the hash and n_done resealed", onShard(4, func(d string) {
			editCounts(t, d, true, setN(1, func(n int64) int64 { return n - 500 }))
			editManifest(t, d, func(m *Manifest) { m.NDone["soft"] = 1500 })
		}), func(d []string) string {
			return d[3] + " (shard 4/4): marked complete, but cell soft holds 1500 replicates and its range [6000, 8000) holds 2000"
		}},
		{"n + 1000 with everything resealed", onShard(4, func(d string) {
			editCounts(t, d, true, setN(1, func(n int64) int64 { return n + 1000 }))
			editManifest(t, d, func(m *Manifest) { m.NDone["soft"] = 3000 })
		}), func(d []string) string {
			return filepath.Join(d[3], CountsFile) + ": cell soft holds 3000 replicates, more than its range [6000, 8000) holds (2000)"
		}},
		{"counts.json swapped between two shards", func(d []string) []string {
			a, b := read(t, filepath.Join(d[0], CountsFile)), read(t, filepath.Join(d[1], CountsFile))
			require.NoError(t, os.WriteFile(filepath.Join(d[0], CountsFile), b, 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(d[1], CountsFile), a, 0o644))
			return d
		}, func(d []string) string { return d[0] + " (shard 1/4): counts.json was changed or replaced" }},
		{"counts.json of the unsharded run put in a shard", onShard(3, func(d string) {
			require.NoError(t, os.WriteFile(filepath.Join(d, CountsFile), read(t, filepath.Join(whole, CountsFile)), 0o644))
		}), func(d []string) string { return d[2] + " (shard 3/4): counts.json was changed or replaced" }},
		{"counts.json truncated", onShard(3, func(d string) {
			b := read(t, filepath.Join(d, CountsFile))
			require.NoError(t, os.WriteFile(filepath.Join(d, CountsFile), b[:len(b)/2], 0o644))
		}), func(d []string) string { return d[2] + " (shard 3/4): counts.json was changed or replaced" }},
		{"counts.json removed", onShard(2, func(d string) { require.NoError(t, os.Remove(filepath.Join(d, CountsFile))) }),
			func(d []string) string { return filepath.Join(d[1], CountsFile) + ": no such file" }},
		{"manifest.json removed", onShard(2, func(d string) { require.NoError(t, os.Remove(filepath.Join(d, ManifestFile))) }),
			func(d []string) string { return filepath.Join(d[1], ManifestFile) + ": no such file" }},
		{"manifest without counts_sha256 (an older negsim)", onShard(1, func(d string) { editManifest(t, d, func(m *Manifest) { m.CountsSHA256 = "" }) }),
			func(d []string) string {
				return d[0] + " (shard 1/4): manifest.json records no counts_sha256 or replicate_range"
			}},
		{"manifest without replicate_range", onShard(1, func(d string) { editManifest(t, d, func(m *Manifest) { m.ReplicateRange = nil }) }),
			func(d []string) string {
				return d[0] + " (shard 1/4): manifest.json records no counts_sha256 or replicate_range"
			}},
		{"replicate_range widened", onShard(2, func(d string) { editManifest(t, d, func(m *Manifest) { m.ReplicateRange.To = 5000 }) }),
			func(d []string) string {
				return d[1] + " (shard 2/4): replicate_range is [2000, 5000), but shard 2/4 of n = 8000 in chunks of 1000 covers [2000, 4000)"
			}},
		{"shard edited to another's number", onShard(2, func(d string) { editManifest(t, d, func(m *Manifest) { m.Shard.K = 1 }) }),
			func(d []string) string { return d[1] + " (shard 1/4): replicate_range is [2000, 4000), but shard 1/4" }},
		{"shard and range edited to another's", onShard(2, func(d string) {
			editManifest(t, d, func(m *Manifest) { m.Shard.K, m.ReplicateRange = 1, &Range{0, 2000} })
		}), func(d []string) string { return " are both shard 1/4" }},
		{"shard number out of range", onShard(2, func(d string) { editManifest(t, d, func(m *Manifest) { m.Shard.K = 5 }) }),
			func(d []string) string { return d[1] + ": shard 5/4 is out of range" }},
		{"shard count edited", onShard(4, func(d string) { editManifest(t, d, func(m *Manifest) { m.Shard.N = 5 }) }),
			func(d []string) string { return d[3] + " (shard 4/5): replicate_range is [6000, 8000), but shard 4/5" }},
		{"interrupted shard", func(d []string) []string { d[2] = interrupted; return d },
			func(d []string) string {
				return interrupted + " (shard 3/4): incomplete (complete: false, 0 of 4000 replicates)"
			}},
		{"interrupted shard edited to complete: true", func(d []string) []string {
			d[2] = copyDir(t, interrupted)
			editManifest(t, d[2], func(m *Manifest) { m.Complete, m.Interrupted = true, false })
			return d
		}, func(d []string) string {
			return d[2] + " (shard 3/4): marked complete, but cell base holds 0 replicates and its range [4000, 6000) holds 2000"
		}},
		{"n_done edited", onShard(3, func(d string) { editManifest(t, d, func(m *Manifest) { m.NDone["base"] = 1 }) }),
			func(d []string) string {
				return d[2] + " (shard 3/4): variant base: n_done in manifest.json is 1 but counts.json holds 2000"
			}},
		{"n edited in one manifest", onShard(3, func(d string) { editManifest(t, d, func(m *Manifest) { m.N = 9000 }) }),
			func(d []string) string { return d[2] + ": n is 9000, expected 8000" }},
		{"n and range edited together", onShard(4, func(d string) {
			editManifest(t, d, func(m *Manifest) { m.N, m.ReplicateRange = 9000, &Range{6000, 9000} })
		}), func(d []string) string {
			return d[3] + " (shard 4/4): marked complete, but cell base holds 2000 replicates and its range [6000, 9000) holds 3000"
		}},
		{"chunk size edited", onShard(2, func(d string) { editManifest(t, d, func(m *Manifest) { m.ChunkSize = 500 }) }),
			func(d []string) string { return d[1] + ": chunk_size is 500, expected 1000" }},
		{"a shard of another seed", func(d []string) []string { d[3] = otherDirs[3]; return d },
			func(d []string) string { return otherDirs[3] + ": seed is 6, expected 5" }},
		{"a variant renamed in counts, resealed", onShard(2, func(d string) {
			editCounts(t, d, true, func(cells []any) { cells[1].(map[string]any)["variant"] = "hard" })
		}), func(d []string) string { return d[1] + " (shard 2/4): variant hard: n_done in manifest.json is 0" }},
		{"successes above n, resealed", onShard(1, func(d string) {
			editCounts(t, d, true, func(cells []any) {
				c := cells[0].(map[string]any)["counts"].(map[string]any)
				c["hist"].([]any)[0].([]any)[0] = float64(5000)
			})
		}), func(d []string) string { return "outcome 0: 5" }},
		{"the unsharded run among shards", func(d []string) []string { d[3] = whole; return d },
			func(d []string) string { return whole + ": shard count is 1, expected 4" }},
		{"a shard given twice", func(d []string) []string { d[3] = d[2]; return d },
			func(d []string) string { return " are both shard 3/4" }},
		{"a shard missing", func(d []string) []string { return d[:3] },
			func(d []string) string { return "shard(s) 4 of 4 missing" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dirs := make([]string, len(orig))
			for i, d := range orig {
				dirs[i] = copyDir(t, d)
			}
			dirs = c.do(dirs)
			_, err := Merge(dirs)
			if assert.Error(t, err) {
				assert.Contains(t, err.Error(), c.want(dirs))
			}
		})
	}
	// The untampered set merges to the unsharded run.
	res, err = Merge(orig)
	require.NoError(t, err)
	merged := t.TempDir()
	require.NoError(t, res.WriteDir(merged, res.Manifest))
	assert.Equal(t, string(read(t, filepath.Join(whole, CountsFile))), string(read(t, filepath.Join(merged, CountsFile))))
	m, err := ReadManifest(filepath.Join(merged, ManifestFile))
	require.NoError(t, err)
	assert.Equal(t, &Range{0, 8000}, m.ReplicateRange)
	assert.Len(t, m.CountsSHA256, 64)
}

// TestCheckRanges checks the tiling of [0, n) by shard ranges, which
// readShard's per-shard checks make unreachable through Merge but which
// guards the sum against a future sharding rule.
func TestCheckRanges(t *testing.T) {
	dirs := []string{"a", "b", "c"}
	cases := []struct {
		ranges []Range
		want   string
	}{
		{[]Range{{0, 10}, {10, 20}, {20, 30}}, ""},
		{[]Range{{20, 30}, {0, 10}, {10, 20}}, ""},
		{[]Range{{0, 10}, {12, 20}, {20, 30}}, "replicates [10, 12) are in no shard (a gap before b)"},
		{[]Range{{0, 10}, {8, 20}, {20, 30}}, "a and b both hold replicates [8, 10)"},
		{[]Range{{0, 10}, {10, 20}, {20, 29}}, "replicates [29, 30) are in no shard (a gap after c)"},
		{[]Range{{1, 10}, {10, 20}, {20, 30}}, "replicates [0, 1) are in no shard (a gap before a)"},
	}
	for _, c := range cases {
		err := checkRanges(dirs, c.ranges, 30)
		if c.want == "" {
			assert.NoError(t, err, "%v", c.ranges)
		} else {
			assert.EqualError(t, err, c.want, "%v", c.ranges)
		}
	}
}
