package batch

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/negsim/negsim/models"
	"github.com/negsim/negsim/stats"
)

func load(t testing.TB, path string) *models.Scenario {
	t.Helper()
	s, err := models.Load(path)
	require.NoError(t, err)
	return s
}

func mini(t testing.TB) *models.Scenario { return load(t, "../sim/testdata/mini.yaml") }

// coinP is P(deal) in testdata/coin.yaml: logistic(1) × 0.5, as derived in
// the file's header.
var coinP = 0.5 / (1 + math.Exp(-1))

// runDir runs cfg and writes its directory, returning the directory.
func runDir(t *testing.T, cfg Config) string {
	t.Helper()
	res, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, res.WriteDir(dir, res.Manifest))
	return dir
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

func readGz(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	return b
}

// TestWorkersIdentical checks that every output is byte-identical for 1, 2
// and 7 workers, with N not a multiple of the chunk size.
func TestWorkersIdentical(t *testing.T) {
	s := mini(t)
	var ref map[string][]byte
	for _, w := range []int{1, 2, 7} {
		rep := filepath.Join(t.TempDir(), "rep.csv.gz")
		dir := runDir(t, Config{Scenario: s, Variants: []string{"base", "no_side", "soft"}, N: 2500, Seed: 42, Workers: w, ReplicatesPath: rep})
		got := map[string][]byte{"rep": readGz(t, rep)}
		for _, f := range []string{SummaryFile, ByRoundFile, CountsFile} {
			got[f] = read(t, filepath.Join(dir, f))
		}
		if ref == nil {
			ref = got
			continue
		}
		for k := range ref {
			assert.Equal(t, string(ref[k]), string(got[k]), "workers %d: %s differs from workers 1", w, k)
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(ref["rep"])).ReadAll()
	require.NoError(t, err)
	assert.Len(t, rows, 1+3*2500, "header and one row per replicate")
	assert.Equal(t, []string{"base", "0"}, rows[1][:2])
	assert.Equal(t, []string{"soft", "2499"}, rows[len(rows)-1][:2])
	assert.Equal(t, "variant,outcome,successes,n,p,ci_low,ci_high,mean_round,median_round,below_reservation,below_share,below_ci_low,below_ci_high\n",
		string(ref[SummaryFile][:bytes.IndexByte(ref[SummaryFile], '\n')+1]))
}

// TestCoverage checks that the 95% Wilson interval covers the closed-form
// probability of testdata/coin.yaml in about 95% of 400 batches of 200.
// The exact coverage of the Wilson interval at n = 200 and this p is
// 0.9528 (summing the binomial probabilities of the x whose interval
// covers p); the observed rate has sd √(0.95·0.05/400) ≈ 0.011, so
// [0.92, 0.98] is about ±3 sd. The seeds are fixed, so the test is
// deterministic (seeds 1..400 give 0.9375).
func TestCoverage(t *testing.T) {
	s := load(t, "testdata/coin.yaml")
	const batches = 400
	covered := 0
	var sum float64
	for seed := range uint64(batches) {
		res, err := Run(context.Background(), Config{Scenario: s, N: 200, Seed: seed + 1, Workers: 2})
		require.NoError(t, err)
		c := &res.Cells[0]
		lo, hi := c.Interval(0, 0.95)
		if lo <= coinP && coinP <= hi {
			covered++
		}
		sum += c.P(0)
	}
	cov := float64(covered) / batches
	t.Logf("coverage %.3f, mean p %.4f (true %.4f)", cov, sum/batches, coinP)
	assert.GreaterOrEqual(t, cov, 0.92)
	assert.LessOrEqual(t, cov, 0.98)
	assert.InDelta(t, coinP, sum/batches, 0.005, "mean of 80000 replicates: sd 0.0017")
}

// TestSureVariant checks a variant whose probability is logistic(1), to
// see that variants are resolved and run under their own names.
func TestSureVariant(t *testing.T) {
	res, err := Run(context.Background(), Config{Scenario: load(t, "testdata/coin.yaml"), Variants: []string{"base", "sure"}, N: 20000, Seed: 9})
	require.NoError(t, err)
	require.Len(t, res.Cells, 2)
	assert.Equal(t, "sure", res.Cells[1].Variant)
	assert.InDelta(t, 2*coinP, res.Cells[1].P(0), 0.01, "logistic(1); sd 0.003")
	assert.InDelta(t, coinP, res.Cells[0].P(0), 0.01, "sd 0.0034")
}

// TestInterrupt cancels a long run midway and checks that it reports a
// prefix of whole chunks, the same counts as an uninterrupted run of that
// length, and that the files it writes are whole.
func TestInterrupt(t *testing.T) {
	s := mini(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	repDir := t.TempDir()
	rep := filepath.Join(repDir, "rep.csv")
	cfg := Config{Scenario: s, Variants: []string{"base", "soft"}, N: 5_000_000, Seed: 5, Workers: 2, ReplicatesPath: rep}
	res, err := Run(ctx, cfg)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.NotNil(t, res)
	assert.False(t, res.Complete)
	assert.False(t, res.Manifest.Complete)
	assert.True(t, res.Manifest.Interrupted)
	done := res.Cells[0].N
	require.Positive(t, done)
	require.Less(t, done, int64(cfg.N))
	assert.Zero(t, done%ChunkSize, "a prefix of whole chunks")
	assert.Zero(t, res.Cells[1].N, "the second variant had not started")

	// The same prefix, run to completion, gives the same counts.
	whole, err := Run(context.Background(), Config{Scenario: s, N: int(done), Seed: 5, Workers: 1})
	require.NoError(t, err)
	assert.Equal(t, whole.Cells[0].Successes, res.Cells[0].Successes)
	assert.Equal(t, whole.Cells[0].ByRound, res.Cells[0].ByRound)

	dir := t.TempDir()
	require.NoError(t, res.WriteDir(dir, res.Manifest))
	m, err := ReadManifest(filepath.Join(dir, ManifestFile))
	require.NoError(t, err)
	assert.False(t, m.Complete)
	assert.Equal(t, done, m.NDone["base"])
	_, err = ReadCounts(filepath.Join(dir, CountsFile))
	require.NoError(t, err)
	for _, f := range []string{SummaryFile, ByRoundFile} {
		_, err := csv.NewReader(bytes.NewReader(read(t, filepath.Join(dir, f)))).ReadAll()
		require.NoError(t, err, f)
	}
	rows, err := csv.NewReader(bytes.NewReader(read(t, rep))).ReadAll()
	require.NoError(t, err)
	assert.Len(t, rows, 1+int(done), "the replicates file holds exactly the counted prefix")
	for _, d := range []string{dir, repDir} {
		ents, err := os.ReadDir(d)
		require.NoError(t, err)
		for _, e := range ents {
			assert.NotContains(t, e.Name(), ".tmp-", "temporary file left behind")
		}
	}
}

// TestPrecision checks that early stopping happens at a checkpoint, with
// the target reached, and does not depend on the number of workers.
func TestPrecision(t *testing.T) {
	s := load(t, "testdata/coin.yaml")
	var ref *Result
	for _, w := range []int{1, 3} {
		res, err := Run(context.Background(), Config{Scenario: s, Variants: []string{"base", "sure"}, N: 1_000_000, Seed: 3, Workers: w, Precision: 0.004, MinN: 2500})
		require.NoError(t, err)
		assert.True(t, res.Complete)
		for _, c := range res.Cells {
			assert.True(t, res.Manifest.StoppedEarly[c.Variant], c.Variant)
			assert.True(t, c.N == 3000 || c.N%CheckEvery == 0, "%s stopped at %d, not a checkpoint", c.Variant, c.N)
			assert.Less(t, stats.HalfWidth(int(c.Successes[0]), int(c.N), 0.95), 0.004)
			// 1.96·√(p(1−p)/n) < 0.004 needs n ≈ 55,600 for p = 0.366.
			assert.Less(t, c.N, int64(100_000))
		}
		if ref != nil {
			assert.Equal(t, ref.Cells, res.Cells, "workers %d", w)
		}
		ref = res
	}
}

// TestCellRounds checks mean and median rounds against stats.RoundHistogram.
func TestCellRounds(t *testing.T) {
	cases := []struct{ byRound []int64 }{
		{[]int64{0, 3, 0, 1}},
		{[]int64{2, 0, 0, 2}},
		{[]int64{0, 0, 0, 0}},
		{[]int64{5}},
	}
	for i, tc := range cases {
		h := stats.NewRoundHistogram(len(tc.byRound))
		c := newCell("v", "", nil, len(tc.byRound), []string{"o"})
		for r, k := range tc.byRound {
			for range k {
				h.Add(r)
			}
			c.ByRound[0][r] = k
			c.Successes[0] += k
		}
		c.N = c.Successes[0] + 1
		require.NoError(t, c.check())
		want, got := []float64{h.Mean(), h.Median()}, []float64{c.MeanRound(0), c.MedianRound(0)}
		for j := range want {
			if !(want[j] == got[j] || math.IsNaN(want[j]) && math.IsNaN(got[j])) {
				t.Errorf("case %d: Expected %v, Found %v", i, want, got)
			}
		}
	}
}

func TestParseShard(t *testing.T) {
	cases := []struct {
		in   string
		want Shard
		ok   bool
	}{
		{"1/4", Shard{1, 4}, true},
		{"4/4", Shard{4, 4}, true},
		{"0/4", Shard{}, false},
		{"5/4", Shard{}, false},
		{"1/0", Shard{}, false},
		{"x/2", Shard{}, false},
		{"2", Shard{}, false},
	}
	for _, tc := range cases {
		got, err := ParseShard(tc.in)
		if tc.ok != (err == nil) || got != tc.want {
			t.Errorf("ParseShard(%q): Expected %v (ok %v), Found %v, %v", tc.in, tc.want, tc.ok, got, err)
		}
	}
}

// TestShardChunks checks that the shards' chunk ranges tile the run.
func TestShardChunks(t *testing.T) {
	for _, nc := range []int{1, 3, 10, 1001} {
		for n := 1; n <= 7; n++ {
			next := 0
			for k := 1; k <= n; k++ {
				lo, hi := Shard{k, n}.chunks(nc)
				if lo != next || hi < lo {
					t.Fatalf("%d chunks, shard %d/%d: [%d, %d), expected to start at %d", nc, k, n, lo, hi, next)
				}
				next = hi
			}
			if next != nc {
				t.Fatalf("%d chunks in %d shards: end at %d", nc, n, next)
			}
		}
	}
}

func TestConfigCheck(t *testing.T) {
	s := mini(t)
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{Scenario: s, N: 0}, "N is 0"},
		{Config{Scenario: s, N: 1, Workers: -1}, "workers"},
		{Config{Scenario: s, N: 1, Level: 1}, "confidence level"},
		{Config{Scenario: s, N: 1, Precision: -0.1}, "precision"},
		{Config{Scenario: s, N: 1, Shard: Shard{3, 2}}, "shard"},
		{Config{Scenario: s, N: 1, Shard: Shard{1, 2}, Precision: 0.01}, "shards"},
		{Config{Scenario: s, N: 1, Variants: []string{"nope"}}, "unknown variant"},
		{Config{Scenario: s, N: 1, Variants: []string{"base", "base"}}, "twice"},
		{Config{Scenario: s, N: 1, Fixed: []Fix{{Path: "no.such.param", Value: 1}}}, "no parameter"},
	}
	for i, tc := range cases {
		_, err := Run(context.Background(), tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: Expected error containing %q, Found %v", i, tc.want, err)
		}
	}
}

// TestFixed checks that pinning a parameter changes the cell and is
// recorded.
func TestFixed(t *testing.T) {
	s := load(t, "testdata/coin.yaml")
	res, err := Run(context.Background(), Config{Scenario: s, N: 3000, Seed: 1, Label: "pass=0",
		Fixed: []Fix{{Path: "institutions.vote.pass", Value: 0}}})
	require.NoError(t, err)
	assert.Zero(t, res.Cells[0].Successes[0], "a referendum that never passes")
	assert.Equal(t, "pass=0", res.Cells[0].Label)
	var buf bytes.Buffer
	require.NoError(t, res.WriteSummary(&buf))
	assert.True(t, strings.HasPrefix(buf.String(), "variant,label,outcome,"), buf.String())
}

// TestBelowReservation checks the below-reservation counts on
// testdata/coin.yaml: in base a's utility 1 exceeds its reservation 0.9, so
// no deal is signed below it; in hard the reservation is 1.1, so every deal
// is (a accepts only by noise, with probability 1/(1+e)), and the share is 1.
func TestBelowReservation(t *testing.T) {
	res, err := Run(context.Background(), Config{Scenario: load(t, "testdata/coin.yaml"), Variants: []string{"base", "hard"}, N: 20000, Seed: 2, Workers: 2})
	require.NoError(t, err)
	base, hard := &res.Cells[0], &res.Cells[1]
	assert.Positive(t, base.Successes[0])
	assert.Zero(t, base.BelowReservation[0], "U = 1 > R = 0.9: never below")
	assert.Positive(t, hard.Successes[0])
	assert.Equal(t, hard.Successes[0], hard.BelowReservation[0], "U = 1 < R = 1.1: always below")
	// P(deal) in hard is 0.5/(1+e) = 0.1345; sd at n = 20000 is 0.0024.
	assert.InDelta(t, 0.5/(1+math.E), hard.P(0), 0.01)
	share, lo, hi := hard.BelowShare(0, 0.95)
	assert.Equal(t, 1.0, share)
	assert.Less(t, lo, 1.0)
	assert.Equal(t, 1.0, hi)

	var buf bytes.Buffer
	require.NoError(t, res.WriteSummary(&buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 3)
	col := func(name string) int {
		for i, h := range rows[0] {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s in %v", name, rows[0])
		return -1
	}
	assert.Equal(t, rows[2][col("successes")], rows[2][col("below_reservation")])
	assert.Equal(t, "1.000000", rows[2][col("below_share")])
	assert.Equal(t, "0", rows[1][col("below_reservation")])
	assert.Equal(t, "0.000000", rows[1][col("below_share")])

	buf.Reset()
	require.NoError(t, res.PrintSummary(&buf))
	assert.Contains(t, buf.String(), "below_reservation")
	assert.Contains(t, buf.String(), fmt.Sprintf("1.000 [%.3f, 1.000] (%d of %d)", lo, hard.BelowReservation[0], hard.Successes[0]))
}

// TestBelowShareNoSuccesses checks that an outcome that never happened has
// no below-reservation share: empty fields in summary.csv, "-" in the table.
func TestBelowShareNoSuccesses(t *testing.T) {
	res, err := Run(context.Background(), Config{Scenario: load(t, "testdata/coin.yaml"), N: 1000, Seed: 1,
		Fixed: []Fix{{Path: "institutions.vote.pass", Value: 0}}})
	require.NoError(t, err)
	share, lo, hi := res.Cells[0].BelowShare(0, 0.95)
	assert.True(t, math.IsNaN(share) && math.IsNaN(lo) && math.IsNaN(hi))
	var buf bytes.Buffer
	require.NoError(t, res.WriteSummary(&buf))
	assert.True(t, strings.HasSuffix(buf.String(), ",0,,,\n"), buf.String())
	buf.Reset()
	require.NoError(t, res.PrintSummary(&buf))
	assert.True(t, strings.HasSuffix(buf.String(), "  -\n"), buf.String())
}

// /dev/null is a character device but not a terminal: progress there is the
// plain line every two seconds, not a bar redrawn in place.
func TestDevNullIsNotATerminal(t *testing.T) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Errorf("%s counted as a terminal", os.DevNull)
	}
}

// TestContinueFromCounts interrupts a batch, writes its directory, and runs
// it again with the cells of its counts.json (Config.Cached): the result's
// files equal, byte for byte, those of an uninterrupted run; cells of
// another seed are not taken.
func TestContinueFromCounts(t *testing.T) {
	cfg := Config{Scenario: mini(t), Variants: []string{"base", "soft"}, N: 300_000, Seed: 3, Workers: 2}
	want := runDir(t, cfg)
	// Interrupt it after some chunks: a timeout, shortened until the run
	// is cut short having counted something.
	var res *Result
	for d := 400 * time.Millisecond; ; d /= 2 {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		r, err := Run(ctx, cfg)
		cancel()
		if err != nil && !r.Complete && r.Cells[0].N > 0 {
			res = r
			break
		}
		require.Greater(t, d, time.Millisecond, "could not interrupt the batch")
	}
	dir := t.TempDir()
	require.NoError(t, res.WriteDir(dir, res.Manifest))
	cells, err := ReadCounts(filepath.Join(dir, CountsFile))
	require.NoError(t, err)

	cfg.Cached = cells
	other := cfg
	other.Seed = 4
	o, err := Run(context.Background(), other)
	require.NoError(t, err)
	fresh, err := Run(context.Background(), Config{Scenario: mini(t), Variants: []string{"base", "soft"}, N: 300_000, Seed: 4, Workers: 2})
	require.NoError(t, err)
	assert.Equal(t, fresh.Cells, o.Cells, "cells of another seed were taken from the cache")

	res, err = Run(context.Background(), cfg)
	require.NoError(t, err)
	require.True(t, res.Complete)
	got := t.TempDir()
	require.NoError(t, res.WriteDir(got, res.Manifest))
	for _, f := range []string{SummaryFile, ByRoundFile, CountsFile} {
		assert.Equal(t, string(read(t, filepath.Join(want, f))), string(read(t, filepath.Join(got, f))), f)
	}
}
