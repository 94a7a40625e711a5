package experiment

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/negsim/negsim/atomicfile"
)

// shardFile is counts-K-of-N.json: one shard's integer counts of every cell.
type shardFile struct {
	Format     string      `json:"format"`
	Experiment string      `json:"experiment"`
	Seed       uint64      `json:"seed"`
	Shard      int         `json:"shard"` // 1-based
	Shards     int         `json:"shards"`
	Cells      []shardCell `json:"cells"`
}

type shardCell struct {
	Key  string `json:"key"`
	Desc string `json:"desc"`
	Counts
}

// shardFormat identifies the layout of shard files; format 2 added the
// below-reservation counts, so shards written by an older negsim are refused.
const shardFormat = "negsim-experiment-counts/2"

func shardName(k, n int) string { return fmt.Sprintf("counts-%d-of-%d.json", k+1, n) }

// WriteShard writes the counts of shard k (0-based) of n of p, and of its
// includes into dir/NAME, after Run with the same shard options.
func WriteShard(p *Plan, dir string, k, n int) error {
	for _, ip := range p.Includes {
		if err := WriteShard(ip, filepath.Join(dir, ip.Spec.Name), k, n); err != nil {
			return err
		}
	}
	if len(p.jobs) == 0 {
		return nil
	}
	f := shardFile{Format: shardFormat, Experiment: p.Spec.Name, Seed: p.Spec.Seed, Shard: k + 1, Shards: n}
	for _, j := range p.jobs {
		f.Cells = append(f.Cells, shardCell{Key: j.key, Desc: j.desc, Counts: j.counts})
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(dir, shardName(k, n)), append(b, '\n'))
}

// MergeShards reads every counts-K-of-N.json in dir (and in dir/NAME for each
// include), checks that they are all N shards of this plan, and sums them
// into the plan's counts, exactly as if it had run unsharded.
func MergeShards(p *Plan, dir string) error {
	for _, ip := range p.Includes {
		if err := MergeShards(ip, filepath.Join(dir, ip.Spec.Name)); err != nil {
			return err
		}
	}
	if len(p.jobs) == 0 {
		return nil
	}
	paths, err := filepath.Glob(filepath.Join(dir, "counts-*-of-*.json"))
	if err != nil {
		return err
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return fmt.Errorf("%s: no shard counts (counts-K-of-N.json) to merge", dir)
	}
	seen := map[int]bool{}
	total := 0
	for _, j := range p.jobs {
		j.counts = j.newCounts(len(p.Outcomes), p.Horizon)
	}
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var f shardFile
		if err := json.Unmarshal(b, &f); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		switch {
		case f.Format != shardFormat:
			return fmt.Errorf("%s: format %q, want %q", path, f.Format, shardFormat)
		case f.Experiment != p.Spec.Name || f.Seed != p.Spec.Seed:
			return fmt.Errorf("%s: shard of experiment %q seed %d, want %q seed %d", path, f.Experiment, f.Seed, p.Spec.Name, p.Spec.Seed)
		case total != 0 && f.Shards != total:
			return fmt.Errorf("%s: shard of a %d-way split, others are of a %d-way split", path, f.Shards, total)
		case seen[f.Shard]:
			return fmt.Errorf("%s: shard %d given twice", path, f.Shard)
		case len(f.Cells) != len(p.jobs):
			return fmt.Errorf("%s: %d cells, the experiment has %d; was the experiment file or the scenario changed?", path, len(f.Cells), len(p.jobs))
		}
		total = f.Shards
		seen[f.Shard] = true
		for i, j := range p.jobs {
			c := &f.Cells[i]
			if c.Key != j.key || c.Desc != j.desc {
				return fmt.Errorf("%s: cell %d is %q, want %q", path, i, c.Desc, j.desc)
			}
			if err := j.counts.add(&c.Counts); err != nil {
				return fmt.Errorf("%s: cell %q: %w", path, c.Desc, err)
			}
		}
	}
	if len(seen) != total {
		var missing []int
		for k := 1; k <= total; k++ {
			if !seen[k] {
				missing = append(missing, k)
			}
		}
		return fmt.Errorf("%s: missing shards %v of %d", dir, missing, total)
	}
	for _, j := range p.jobs {
		if j.counts.N != int64(j.n) {
			return fmt.Errorf("%s: cell %q has %d replicates, want %d", dir, j.desc, j.counts.N, j.n)
		}
	}
	return nil
}
