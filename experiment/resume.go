package experiment

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/negsim/negsim/atomicfile"
)

// progressFile is progress.json (progress-K-of-N.json for a shard): the
// exact state of an interrupted run, from which --resume continues. Every
// cell records the tasks (chunks of at most 1000 replicates) whose counts
// it holds; their counts are integers, so resuming adds the rest and ends
// with the counts an uninterrupted run would have, to the bit.
type progressFile struct {
	Format           string         `json:"format"`
	Experiment       string         `json:"experiment"`
	ExperimentSHA256 string         `json:"experiment_sha256"`
	ScenarioSHA256   string         `json:"scenario_sha256,omitempty"`
	Seed             uint64         `json:"seed"`
	Shard            int            `json:"shard"` // 1-based
	Shards           int            `json:"shards"`
	Complete         bool           `json:"complete"`
	ReplicatesDone   int64          `json:"replicates_done"`
	ReplicatesTotal  int64          `json:"replicates_total"`
	Cells            []progressCell `json:"cells"`
}

type progressCell struct {
	Key  string `json:"key"`
	Desc string `json:"desc"`
	// N is the cell's replicates in this shard; Done those run, and
	// Tasks the first replicate of each task run.
	N     int64   `json:"n"`
	Done  int64   `json:"done"`
	Tasks []int   `json:"tasks"`
	Count *Counts `json:"counts,omitempty"`
}

const progressFormat = "negsim-experiment-progress/1"

// ProgressName returns the name of the progress file of shard k (0-based)
// of n; n ≤ 1 means an unsharded run.
func ProgressName(k, n int) string {
	if n <= 1 {
		return "progress.json"
	}
	return fmt.Sprintf("progress-%d-of-%d.json", k+1, n)
}

func (p *Plan) fileSHA() string {
	raw, _ := os.ReadFile(p.Spec.File)
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:])
}

func (p *Plan) scenarioSHA() string {
	if p.Scenario == nil {
		return ""
	}
	return p.Scenario.SHA256()
}

// SaveProgress writes the progress file of p (and of each include, into
// dir/NAME) after an interrupted Run with the same shard options, marked
// complete: false, with the replicates done and due.
func SaveProgress(p *Plan, dir string, k, n int) error {
	for _, ip := range p.Includes {
		if err := SaveProgress(ip, filepath.Join(dir, ip.Spec.Name), k, n); err != nil {
			return err
		}
	}
	if len(p.jobs) == 0 {
		return nil
	}
	if n < 1 {
		n = 1
	}
	f := progressFile{Format: progressFormat, Experiment: p.Spec.Name, ExperimentSHA256: p.fileSHA(), ScenarioSHA256: p.scenarioSHA(),
		Seed: p.Spec.Seed, Shard: k + 1, Shards: n}
	for _, j := range p.jobs {
		lo, hi := k*j.n/n, (k+1)*j.n/n
		c := progressCell{Key: j.key, Desc: j.desc, N: int64(hi - lo), Tasks: []int{}}
		if j.counts.Hist != nil {
			for a := range j.done {
				c.Tasks = append(c.Tasks, a)
			}
			sort.Ints(c.Tasks)
			cc := j.counts
			c.Count, c.Done = &cc, cc.N
		}
		f.ReplicatesDone += c.Done
		f.ReplicatesTotal += c.N
		f.Cells = append(f.Cells, c)
	}
	f.Complete = f.ReplicatesDone == f.ReplicatesTotal
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(dir, ProgressName(k, n)), append(b, '\n'))
}

// LoadProgress reads the progress files of p and its includes from dir,
// checks that they belong to this experiment file, scenario, seed and
// shard, and loads their counts, so that the next Run continues where the
// interrupted one stopped. A plan without a progress file runs from the
// start. It reports whether any progress file was found.
func LoadProgress(p *Plan, dir string, k, n int) (bool, error) {
	found := false
	for _, ip := range p.Includes {
		f, err := LoadProgress(ip, filepath.Join(dir, ip.Spec.Name), k, n)
		if err != nil {
			return found, err
		}
		found = found || f
	}
	if len(p.jobs) == 0 {
		return found, nil
	}
	if n < 1 {
		n = 1
	}
	path := filepath.Join(dir, ProgressName(k, n))
	b, err := os.ReadFile(path)
	if errors.Is(err, iofs.ErrNotExist) {
		return found, nil
	}
	if err != nil {
		return found, err
	}
	var f progressFile
	if err := json.Unmarshal(b, &f); err != nil {
		return found, fmt.Errorf("%s: %w", path, err)
	}
	switch {
	case f.Format != progressFormat:
		return found, fmt.Errorf("%s: format %q, want %q", path, f.Format, progressFormat)
	case f.Experiment != p.Spec.Name || f.Seed != p.Spec.Seed:
		return found, fmt.Errorf("%s: progress of experiment %q seed %d, not %q seed %d", path, f.Experiment, f.Seed, p.Spec.Name, p.Spec.Seed)
	case f.ExperimentSHA256 != p.fileSHA():
		return found, fmt.Errorf("%s: the experiment file %s changed since the interrupted run; rerun without --resume", path, p.Spec.File)
	case f.ScenarioSHA256 != p.scenarioSHA():
		return found, fmt.Errorf("%s: the scenario changed since the interrupted run; rerun without --resume", path)
	case f.Shard != k+1 || f.Shards != n:
		return found, fmt.Errorf("%s: progress of shard %d of %d, not %d of %d", path, f.Shard, f.Shards, k+1, n)
	case len(f.Cells) != len(p.jobs):
		return found, fmt.Errorf("%s: %d cells, the experiment has %d", path, len(f.Cells), len(p.jobs))
	}
	for i, j := range p.jobs {
		c := &f.Cells[i]
		if c.Key != j.key || c.Desc != j.desc {
			return found, fmt.Errorf("%s: cell %d is %q, want %q", path, i, c.Desc, j.desc)
		}
		j.counts = j.newCounts(len(p.Outcomes), p.Horizon)
		j.done = map[int]bool{}
		if c.Count == nil {
			continue
		}
		if err := j.counts.add(c.Count); err != nil {
			return found, fmt.Errorf("%s: cell %q: %w", path, c.Desc, err)
		}
		for _, a := range c.Tasks {
			j.done[a] = true
		}
	}
	p.resumed = true
	return true, nil
}

// RemoveProgress deletes the progress files of p and its includes from dir
// once the run is complete.
func RemoveProgress(p *Plan, dir string, k, n int) error {
	for _, ip := range p.Includes {
		if err := RemoveProgress(ip, filepath.Join(dir, ip.Spec.Name), k, n); err != nil {
			return err
		}
	}
	err := os.Remove(filepath.Join(dir, ProgressName(k, max(n, 1))))
	if errors.Is(err, iofs.ErrNotExist) {
		return nil
	}
	return err
}
