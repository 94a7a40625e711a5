package experiment

import (
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/negsim/negsim/runner"
)

// CountsName returns the name of the counts file of shard k (0-based) of n:
// counts.json for a whole run (n ≤ 1), counts-K-of-N.json for a shard. It is
// written in the runner's format (runner.Format) into the experiment's
// directory, and it is the cell cache: a rerun into the same directory
// takes from it every cell whose key is unchanged.
func CountsName(k, n int) string {
	if n <= 1 {
		return "counts.json"
	}
	return fmt.Sprintf("counts-%d-of-%d.json", k+1, n)
}

func (p *Plan) fileSHA() string { return p.Spec.fileSHA256() }

func (p *Plan) scenarioSHA() string {
	if p.Scenario == nil {
		return ""
	}
	return p.Scenario.SHA256()
}

// MaxCountsSize bounds the counts files an experiment reads: about 1 KiB a
// cell, for the most cells an experiment may have (MaxCells), with room.
const MaxCountsSize = 1 << 30

// dirs returns the directory of each of p's plans under dir (an include
// writes into dir/NAME), in Plans order.
func (p *Plan) dirs(dir string) []string {
	var out []string
	for _, ip := range p.Includes {
		out = append(out, ip.dirs(filepath.Join(dir, ip.Spec.Name))...)
	}
	return append(out, dir)
}

// countsFile returns the counts of p's jobs as a counts file.
func (p *Plan) countsFile() *runner.File {
	k, n := p.shard[0], p.shard[1]
	f := &runner.File{Complete: true}
	if n > 1 {
		f.Shard = fmt.Sprintf("%d/%d", k+1, n)
	}
	for _, j := range p.jobs {
		c := runner.Cell{Key: j.key, Desc: j.desc, Outcomes: p.Outcomes, Horizon: max(p.Horizon, 1), Lo: j.Lo, Hi: j.Hi, Counts: j.Counts}
		f.Complete = f.Complete && c.Complete()
		f.Cells = append(f.Cells, c)
	}
	return f
}

// Complete reports whether every cell of p and its includes has counted
// all its replicates.
func Complete(p *Plan) bool {
	for _, q := range p.Plans() {
		for _, j := range q.jobs {
			if !j.Complete() {
				return false
			}
		}
	}
	return true
}

// SaveCounts writes the counts file of p and of each include (into
// dir/NAME) after Prepare, complete or not.
func SaveCounts(p *Plan, dir string) error {
	ds := p.dirs(dir)
	for i, q := range p.Plans() {
		if len(q.jobs) == 0 {
			continue
		}
		if err := os.MkdirAll(ds[i], 0o755); err != nil {
			return err
		}
		if err := q.countsFile().Write(filepath.Join(ds[i], CountsName(q.shard[0], q.shard[1]))); err != nil {
			return err
		}
	}
	return nil
}

// LoadCounts reads, after Prepare, the counts files of p and its includes
// from dir, if they exist, and takes from them the counts of every cell
// whose cache key is unchanged: all its replicates, or the exact prefix an
// interrupted run counted. Run then runs only the rest. It returns the
// number of replicates taken. A counts file that cannot be read is an
// error: remove it, or run with --force.
func LoadCounts(p *Plan, dir string) (int64, error) {
	var total int64
	ds := p.dirs(dir)
	for i, q := range p.Plans() {
		if len(q.jobs) == 0 {
			continue
		}
		path := filepath.Join(ds[i], CountsName(q.shard[0], q.shard[1]))
		f, err := runner.ReadFile(path, MaxCountsSize)
		if errors.Is(err, iofs.ErrNotExist) {
			continue
		}
		if err != nil {
			return total, fmt.Errorf("%w (remove it, or rerun with --force)", err)
		}
		byKey := map[string]*runner.Cell{}
		for c := range f.Cells {
			byKey[f.Cells[c].Key] = &f.Cells[c]
		}
		for _, j := range q.jobs {
			c, ok := byKey[j.key]
			if !ok || c.Lo != j.Lo || c.Hi != j.Hi {
				continue
			}
			z := j.Counts.Like()
			if err := z.Add(&c.Counts); err != nil {
				return total, fmt.Errorf("%s: cell %s: %w", path, c.Desc, err)
			}
			j.Counts = z
			q.cached += z.N
			total += z.N
		}
	}
	return total, nil
}

// MergeShards reads every counts-K-of-N.json in dir (and in dir/NAME for
// each include), checks that they are all N shards of this plan, complete,
// and adds them into the plan's counts, exactly as if it had run unsharded.
func MergeShards(p *Plan, dir string) error {
	if err := Prepare(p, 0, 1); err != nil {
		return err
	}
	ds := p.dirs(dir)
	for i, q := range p.Plans() {
		if len(q.jobs) == 0 {
			continue
		}
		if err := q.mergeShards(ds[i]); err != nil {
			return err
		}
	}
	return nil
}

func (p *Plan) mergeShards(dir string) error {
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
	for _, path := range paths {
		f, err := runner.ReadFile(path, MaxCountsSize)
		if err != nil {
			return err
		}
		var k, n int
		if _, err := fmt.Sscanf(f.Shard, "%d/%d", &k, &n); err != nil || n < 1 || k < 1 || k > n {
			return fmt.Errorf("%s: shard %q is not K/N", path, f.Shard)
		}
		if filepath.Base(path) != CountsName(k-1, n) {
			return fmt.Errorf("%s: holds shard %d/%d, whose file is %s", path, k, n, CountsName(k-1, n))
		}
		switch {
		case !f.Complete:
			return fmt.Errorf("%s: shard %d/%d is incomplete (complete: false); rerun it with the same --shard to continue it", path, k, n)
		case total != 0 && n != total:
			return fmt.Errorf("%s: shard of a %d-way split, others are of a %d-way split", path, n, total)
		case len(f.Cells) != len(p.jobs):
			return fmt.Errorf("%s: %d cells, the experiment has %d; was the experiment file or the scenario changed?", path, len(f.Cells), len(p.jobs))
		}
		total = n
		seen[k] = true
		ranges := p.shardRanges(k-1, n)
		for i, j := range p.jobs {
			c := &f.Cells[i]
			lo, hi := ranges[i][0], ranges[i][1]
			if c.Key != j.key || c.Lo != lo || c.Hi != hi {
				return fmt.Errorf("%s: cell %d (%s) was made from another experiment file, scenario, seed or negsim model; expected %s", path, i, c.Desc, j.desc)
			}
			if !c.Complete() {
				return fmt.Errorf("%s (shard %d/%d): marked complete, but cell %q holds %d replicates and its range [%d, %d) holds %d; rerun the shard", path, k, n, c.Desc, c.Counts.N, c.Lo, c.Hi, c.Hi-c.Lo)
			}
			if err := j.Counts.Add(&c.Counts); err != nil {
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
		if j.Counts.N != int64(j.n) {
			return fmt.Errorf("%s: cell %q has %d replicates, want %d", dir, j.desc, j.Counts.N, j.n)
		}
	}
	return nil
}
