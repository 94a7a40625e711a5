package batch

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/runner"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shardDirs runs n shards of cfg and returns their directories.
func shardDirs(t *testing.T, cfg Config, n int) []string {
	t.Helper()
	var dirs []string
	for k := 1; k <= n; k++ {
		c := cfg
		c.Shard = Shard{k, n}
		dirs = append(dirs, runDir(t, c))
	}
	return dirs
}

// TestMergeEqualsUnsharded checks that merged shards give byte-identical
// summary.csv and byround.csv to the unsharded run, also when some shards
// are empty (more shards than chunks).
func TestMergeEqualsUnsharded(t *testing.T) {
	s := mini(t)
	cases := []struct{ n, shards int }{
		{10500, 4}, // 11 chunks: shards of 2, 3, 3, 3
		{2500, 4},  // 3 chunks: shard 1 is empty
		{1000, 1},
	}
	for _, tc := range cases {
		cfg := Config{Scenario: s, Variants: []string{"base", "soft"}, N: tc.n, Seed: 11, Workers: 2}
		whole := runDir(t, cfg)
		dirs := shardDirs(t, cfg, tc.shards)
		// Give them in reverse: order must not matter.
		for i, j := 0, len(dirs)-1; i < j; i, j = i+1, j-1 {
			dirs[i], dirs[j] = dirs[j], dirs[i]
		}
		res, err := Merge(dirs)
		require.NoError(t, err)
		assert.True(t, res.Complete)
		merged := t.TempDir()
		require.NoError(t, res.WriteDir(merged, res.Manifest))
		for _, f := range []string{SummaryFile, ByRoundFile, CountsFile} {
			assert.Equal(t, string(read(t, filepath.Join(whole, f))), string(read(t, filepath.Join(merged, f))),
				"N %d, %d shards: %s", tc.n, tc.shards, f)
		}
		m, err := ReadManifest(filepath.Join(merged, ManifestFile))
		require.NoError(t, err)
		assert.Nil(t, m.Shard)
		assert.Equal(t, int64(tc.n), m.NDone["soft"])
		assert.Len(t, m.MergedFrom, tc.shards)
	}
}

// editManifest rewrites dir's manifest with f applied.
func editManifest(t *testing.T, dir string, f func(m *Manifest)) {
	t.Helper()
	m, err := ReadManifest(filepath.Join(dir, ManifestFile))
	require.NoError(t, err)
	f(m)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, ManifestFile), b, 0o644))
}

func TestMergeRefuses(t *testing.T) {
	s := mini(t)
	cfg := Config{Scenario: s, Variants: []string{"base"}, N: 3000, Seed: 11, Workers: 2}
	dirs := shardDirs(t, cfg, 3)
	other := cfg
	other.Seed = 12
	otherDirs := shardDirs(t, other, 3)
	otherLevel := cfg
	otherLevel.Level = 0.9
	levelDirs := shardDirs(t, otherLevel, 3)

	cases := []struct {
		name string
		dirs []string
		want string
	}{
		{"different seed", []string{dirs[0], otherDirs[1], dirs[2]}, otherDirs[1] + ": seed is 12, expected 11 (as in " + dirs[0] + ")"},
		{"different level", []string{dirs[0], dirs[1], levelDirs[2]}, levelDirs[2] + ": ci_level is 0.9, expected 0.95"},
		{"duplicate", []string{dirs[0], dirs[1], dirs[1]}, dirs[1] + " and " + dirs[1] + " are both shard 2/3"},
		{"missing", []string{dirs[0], dirs[2]}, "shard(s) 2 of 3 missing"},
		{"none", nil, "no directories to merge"},
		{"not a run dir", []string{t.TempDir()}, "manifest.json"},
	}
	for _, tc := range cases {
		_, err := Merge(tc.dirs)
		if assert.Error(t, err, tc.name) {
			assert.Contains(t, err.Error(), tc.want, tc.name)
		}
	}

	// A different scenario, or a shard count that disagrees.
	d := shardDirs(t, cfg, 2)
	editManifest(t, d[1], func(m *Manifest) { m.ScenarioSHA256 = "abc" })
	_, err := Merge(d)
	require.ErrorContains(t, err, d[1]+": scenario_sha256 is abc, expected")
	d = shardDirs(t, cfg, 2)
	editManifest(t, d[1], func(m *Manifest) { m.Shard.N = 3 })
	_, err = Merge(d)
	// Shard 2/2 read as 2/3 covers another range than it records.
	require.ErrorContains(t, err, d[1]+" (shard 2/3): replicate_range is [1000, 3000), but shard 2/3 of n = 3000 in chunks of 1000 covers [1000, 2000)")
}

// TestMergeIncomplete checks that a merge with an interrupted shard is
// refused, naming the shard and its counts.
func TestMergeIncomplete(t *testing.T) {
	cfg := Config{Scenario: mini(t), N: 2000, Seed: 1, Workers: 1}
	dirs := shardDirs(t, cfg, 2)
	c := cfg
	c.Shard = Shard{2, 2}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Run(ctx, c)
	require.Error(t, err)
	require.NoError(t, res.WriteDir(dirs[1], res.Manifest))
	_, err = Merge(dirs)
	require.EqualError(t, err, dirs[1]+" (shard 2/2): incomplete (complete: false, 0 of 1000 replicates); finish it first (rerun the same command)")
}

// TestMergeBelowReservation checks that the below-reservation counts of
// merged shards are those of the unsharded run, exactly, with some
// agreements below a reservation in every shard (variant hard of
// testdata/coin.yaml signs every deal below it).
func TestMergeBelowReservation(t *testing.T) {
	cfg := Config{Scenario: load(t, "testdata/coin.yaml"), Variants: []string{"base", "hard"}, N: 7500, Seed: 21, Workers: 2}
	whole, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	dirs := shardDirs(t, cfg, 3)
	for _, d := range dirs {
		cells, err := ReadCounts(filepath.Join(d, CountsFile))
		require.NoError(t, err)
		assert.Positive(t, cells[1].BelowReservation[0], "shard %s", d)
	}
	merged, err := Merge(dirs)
	require.NoError(t, err)
	for i := range whole.Cells {
		assert.Equal(t, whole.Cells[i].BelowReservation, merged.Cells[i].BelowReservation, whole.Cells[i].Variant)
		assert.Equal(t, whole.Cells[i].Successes, merged.Cells[i].Successes, whole.Cells[i].Variant)
	}
	assert.Equal(t, merged.Cells[1].Successes, merged.Cells[1].BelowReservation)
	assert.Positive(t, merged.Cells[1].BelowReservation[0])
}

// TestReadCountsOldFormat checks that counts.json of an earlier format
// (1: no below-reservation counts; 2: no cache keys, the batch's own
// layout) is refused with a message saying to rerun, and that a
// below-reservation count above the successes is refused.
func TestReadCountsOldFormat(t *testing.T) {
	dir := runDir(t, Config{Scenario: mini(t), N: 1000, Seed: 1, Workers: 1})
	path := filepath.Join(dir, CountsFile)
	var cf map[string]any
	require.NoError(t, json.Unmarshal(read(t, path), &cf))
	for _, old := range []string{"negsim-counts/1", "negsim-counts/2"} {
		cf["format"] = old
		b, err := json.Marshal(cf)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, b, 0o644))
		_, err = ReadCounts(path)
		require.ErrorContains(t, err, "earlier formats cannot be read: rerun")
		_, err = Merge([]string{dir})
		require.ErrorContains(t, err, "rerun")
	}

	cf["format"] = CountsFormat
	cell := cf["cells"].([]any)[0].(map[string]any)
	counts := cell["counts"].(map[string]any)
	var successes float64
	for _, k := range counts["hist"].([]any)[0].([]any) {
		successes += k.(float64)
	}
	counts["below_reservation"].([]any)[0] = successes + 1
	b, err := json.Marshal(cf)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o644))
	_, err = ReadCounts(path)
	require.ErrorContains(t, err, "below_reservation")
}

// TestForecastMerge runs the default scenario's bdm-forecast variant as 3
// shards of 3 workers and checks that their merge writes forecast.csv byte
// for byte as one unsharded worker does, and that its rows are those of
// runner.ForecastRows for each of the two bdm tables and every round.
func TestForecastMerge(t *testing.T) {
	s, err := models.Default()
	require.NoError(t, err)
	cfg := Config{Scenario: s, Variants: []string{"full-plan+bdm-forecast"}, N: 2500, Seed: 4, Workers: 1}
	whole := runDir(t, cfg)
	cfg.Workers = 3
	merged, err := Merge(shardDirs(t, cfg, 3))
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, merged.WriteDir(dir, merged.Manifest))
	want := read(t, filepath.Join(whole, ForecastFile))
	assert.Equal(t, string(want), string(read(t, filepath.Join(dir, ForecastFile))))
	recs, err := csv.NewReader(bytes.NewReader(want)).ReadAll()
	require.NoError(t, err)
	h := 36 // the default scenario's horizon, in months
	require.Len(t, recs, 1+2*h, "a header and a row per bdm table and round")
	assert.Equal(t, append([]string{"variant"}, runner.ForecastColumns...), recs[0])
	last := recs[h]
	assert.Equal(t, []string{"full-plan+bdm-forecast", "bdm_donbas", "35", "2500"}, last[:4],
		"every replicate has a forecast by the last round")
}
