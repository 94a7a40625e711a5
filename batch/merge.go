package batch

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Merge reads the run directories dirs, the shards of one run, checks that
// they belong together (same kind, scenario, seed, N, variants, fixed
// parameters, confidence level, chunk size and shard count, each shard
// exactly once), that each is what its manifest says (readShard: counts
// unchanged, complete, filling its replicate range) and that their ranges
// tile the run, and adds their counts. The Result is the one an unsharded
// run would give: its summary and by-round files are byte-identical. A
// directory without a shard counts as shard 1/1.
func Merge(dirs []string) (*Result, error) {
	if len(dirs) == 0 {
		return nil, errors.New("no directories to merge")
	}
	type shard struct {
		dir   string
		m     *Manifest
		cells []Cell
	}
	var sh []shard
	for _, d := range dirs {
		m, cells, err := readShard(d)
		if err != nil {
			return nil, err
		}
		sh = append(sh, shard{d, m, cells})
	}
	ref := sh[0]
	for _, s := range sh[1:] {
		if err := sameRun(ref.dir, ref.m, s.dir, s.m); err != nil {
			return nil, err
		}
	}
	n := ref.m.Shard.N
	byK := map[int]string{}
	for _, s := range sh {
		k := s.m.Shard.K
		if k < 1 || k > n {
			return nil, fmt.Errorf("%s: shard %d/%d is out of range", s.dir, k, n)
		}
		if d, ok := byK[k]; ok {
			return nil, fmt.Errorf("%s and %s are both shard %d/%d", d, s.dir, k, n)
		}
		byK[k] = s.dir
	}
	var missing []string
	for k := 1; k <= n; k++ {
		if _, ok := byK[k]; !ok {
			missing = append(missing, strconv.Itoa(k))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("shard(s) %s of %d missing (got %d director(ies))", strings.Join(missing, ", "), n, len(dirs))
	}
	slices.SortFunc(sh, func(a, b shard) int { return a.m.Shard.K - b.m.Shard.K })
	var ds []string
	var rs []Range
	for _, s := range sh {
		ds, rs = append(ds, s.dir), append(rs, *s.m.ReplicateRange)
	}
	if err := checkRanges(ds, rs, int64(ref.m.N)); err != nil {
		return nil, err
	}

	// Cells in the order of the first shard; every shard must have the same.
	res := &Result{Complete: true}
	index := map[string]int{}
	for _, c := range sh[0].cells {
		index[c.key()] = len(res.Cells)
		res.Cells = append(res.Cells, newCell(c.Variant, c.Label, c.Fixed, c.Horizon, c.Outcomes))
	}
	for _, s := range sh {
		if len(s.cells) != len(res.Cells) {
			return nil, fmt.Errorf("%s: %d cells, expected %d (as in %s)", s.dir, len(s.cells), len(res.Cells), sh[0].dir)
		}
		for i := range s.cells {
			c := &s.cells[i]
			j, ok := index[c.key()]
			if !ok {
				return nil, fmt.Errorf("%s: cell %s is not in %s", s.dir, c.name(), sh[0].dir)
			}
			if err := res.Cells[j].Add(c); err != nil {
				return nil, fmt.Errorf("%s: %w", s.dir, err)
			}
		}
		if !s.m.Complete {
			res.Complete = false
		}
	}

	m := *ref.m
	m.Shard, m.Workers, m.Interrupted, m.Command, m.Version = nil, 0, false, nil, ""
	m.CountsSHA256, m.ReplicateRange = "", nil
	m.Complete = res.Complete
	m.NDone = map[string]int64{}
	for _, c := range res.Cells {
		if c.Label == "" {
			m.NDone[c.Variant] = c.N
		}
	}
	start, end := ref.m.Start, ref.m.End
	for _, s := range sh {
		start, end = minTime(start, s.m.Start, true), minTime(end, s.m.End, false)
		m.MergedFrom = append(m.MergedFrom, s.dir)
	}
	m.Start, m.End = start, end
	res.Manifest = m
	return res, nil
}

// minTime returns the earlier (or, with earliest false, the later) of two
// RFC 3339 times, keeping a when b does not parse.
func minTime(a, b string, earliest bool) string {
	ta, err1 := time.Parse(time.RFC3339, a)
	tb, err2 := time.Parse(time.RFC3339, b)
	if err1 != nil {
		return b
	}
	if err2 != nil {
		return a
	}
	if tb.Before(ta) == earliest && !tb.Equal(ta) {
		return b
	}
	return a
}

// sameRun reports the first field in which two shards' manifests differ.
func sameRun(dirA string, a *Manifest, dirB string, b *Manifest) error {
	type field struct {
		name       string
		want, have string
	}
	fs := []field{
		{"kind", a.Kind, b.Kind},
		{"scenario_sha256", a.ScenarioSHA256, b.ScenarioSHA256},
		{"seed", fmt.Sprint(a.Seed), fmt.Sprint(b.Seed)},
		{"n", fmt.Sprint(a.N), fmt.Sprint(b.N)},
		{"variants", strings.Join(a.Variants, ","), strings.Join(b.Variants, ",")},
		{"fixed", fmt.Sprint(a.Fixed), fmt.Sprint(b.Fixed)},
		{"ci_level", fmt.Sprint(a.Level), fmt.Sprint(b.Level)},
		{"chunk_size", fmt.Sprint(a.ChunkSize), fmt.Sprint(b.ChunkSize)},
		{"shard count", fmt.Sprint(a.Shard.N), fmt.Sprint(b.Shard.N)},
		{"precision", fmt.Sprint(a.Precision != nil), fmt.Sprint(b.Precision != nil)},
	}
	for _, f := range fs {
		if f.want != f.have {
			return fmt.Errorf("%s: %s is %s, expected %s (as in %s)", dirB, f.name, f.have, f.want, dirA)
		}
	}
	if !bytes.Equal(a.Extra, b.Extra) {
		return fmt.Errorf("%s: extra differs from %s", dirB, dirA)
	}
	return nil
}
